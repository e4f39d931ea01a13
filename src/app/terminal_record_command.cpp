// onshi terminal record: reception staff record a visit the terminal could
// not confirm because the central service is unreachable (R-FAC-7, seed
// 000) — a first visit on マイナンバーカード + 資格情報のお知らせ (--via notice)
// or on a 被保険者資格申立書 filled at the window (--via statement). The visit
// is queued in the terminal's outage store, and the running terminal
// confirms it with the central service when it returns and reports any
// difference (terminal/reconcile.hpp).
//
//   onshi terminal record --dir DIR --via notice|statement --code 医療機関コード
//        --insurer N --number N [--symbol S] [--branch BB] --birthdate YYYYMMDD
//        [--name 氏名] [--kana カナ] [--address 住所] [--date YYYYMMDD]
//        [--cache FILE] [--cache-key FILE]
//        [--print FILE [--facility-name 名称]]   (statement: the 申立書, pre-filled)
//
// The card keys are checked as a query's would be (oqs/validate.hpp), so a
// typo is caught at the desk, not in tomorrow's report.
#include <ctime>
#include <filesystem>
#include <iostream>
#include <stdexcept>

#include "app/cli.hpp"
#include "app/exit_codes.hpp"
#include "oqs/validate.hpp"
#include "pdf/forms.hpp"
#include "pdf/page.hpp"
#include "terminal/outage_answer.hpp"
#include "terminal/outage_store.hpp"

namespace onshi::app {

// The outage store's files under the terminal's folder, unless given.
std::string TerminalCachePath(const Args& args, const std::filesystem::path& dir) {
  return args.Get("cache", (dir / ".onshi-terminal.db").string());
}
std::string TerminalCacheKeyPath(const Args& args, const std::filesystem::path& dir) {
  return args.Get("cache-key", (dir / ".onshi-terminal.key").string());
}

int TerminalRecordCommand(const Args& args) {
  const std::string via = args.Get("via");
  const auto kind = terminal::ParseVisitKind(via);
  if (!kind ||
      (*kind != terminal::VisitKind::kNotice && *kind != terminal::VisitKind::kStatement)) {
    throw std::invalid_argument(
        "--via must be notice (資格情報のお知らせ) or statement (被保険者資格申立書)");
  }
  const std::time_t now = NowFrom(args);
  oqs::QualificationRequest q;
  q.qualification_confirmation_date = args.Get("date", terminal::JstStamp(now).substr(0, 8));
  q.medical_institution_code = args.Get("code");
  q.insurer_number = args.Get("insurer");
  if (args.Has("symbol")) q.insured_card_symbol = args.Get("symbol");
  q.insured_identification_number = args.Get("number");
  if (args.Has("branch")) q.insured_branch_number = args.Get("branch");
  q.birthdate = args.Get("birthdate");
  q.limit_application_certificate_related_cons_flg = "0";
  const auto valid = oqs::ValidateRequest(q);
  if (!valid.ok()) {
    throw BadInput("記録できません: " + valid.error().Message());
  }
  if (args.Has("print") && *kind != terminal::VisitKind::kStatement) {
    throw std::invalid_argument(
        "--print は --via statement (被保険者資格申立書) のときだけ使えます");
  }
  if (*kind == terminal::VisitKind::kStatement && args.Get("name").empty()) {
    throw std::invalid_argument("被保険者資格申立書の記録には --name (氏名) が必要です");
  }
  const std::filesystem::path dir = args.Get("dir", ".");
  terminal::OutageStore store(TerminalCachePath(args, dir), TerminalCacheKeyPath(args, dir), 3650);
  terminal::QueuedVisit v;
  v.kind = *kind;
  v.recorded_at = now;
  v.visit_date = *q.qualification_confirmation_date;
  v.institution = *q.medical_institution_code;
  v.insurer_number = *q.insurer_number;
  v.symbol = q.insured_card_symbol.value_or("");
  v.number = *q.insured_identification_number;
  v.branch = q.insured_branch_number.value_or("");
  v.birthdate = *q.birthdate;
  v.name = args.Get("name");
  v.name_kana = args.Get("kana");
  v.address = args.Get("address");
  v.source = "staff";
  const int64_t id = store.Enqueue(v);
  std::cout << "記録しました (受付 " << id
            << ")。オンライン資格確認システムの復旧後に照合し、結果を報告します。" << std::endl;
  if (args.Has("print")) {
    // The 申立書 as entered, for the patient to check and sign at the window.
    pdf::DeclarationFields f;
    f.declared_on = f.received_on = Date::ParseCompact(v.visit_date);
    f.birth = Date::ParseCompact(v.birthdate);
    f.name = v.name;
    f.name_kana = v.name_kana;
    f.address = v.address;
    f.insurer_number = v.insurer_number;
    f.symbol = v.symbol;
    f.number = v.number;
    f.branch = v.branch;
    f.facility_code = v.institution;
    f.facility_name = args.Get("facility-name");
    f.reason = "オンライン資格確認システムに接続できないため（障害時）";
    pdf::PdfWriter w(args.Get("print"));
    for (const pdf::Page& p : pdf::EligibilityDeclaration(f))
      w.Add(p);
    w.Finish();
    std::cout << "申立書を " << args.Get("print") << " に出力しました。署名をお願いしてください。"
              << std::endl;
  }
  return 0;
}

}  // namespace onshi::app
