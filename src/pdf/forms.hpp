// The paper an insurer prints and posts, laid out as a municipal clerk knows
// it: 資格確認書 in its four forms (R-DOC-4..7), 資格情報のお知らせ (R-DOC-1..3),
// the renewal notice (R-CARD-4), the return request (R-DOC-10, R-OLD-4), and
// the two forms a facility or member fills in: 被保険者資格申立書 (R-FAC-7)
// and 療養費支給申請書 (R-FAC-8).
//
// Dates are printed in 和暦 (令和7年10月2日), as on real forms. The My
// Number is never printed: no field here can hold it (R-CARD-7, 003).
// Each function lays the document out (one or more pages); a Page records
// any value that overflowed its box.
#ifndef ONSHI_PDF_FORMS_HPP_
#define ONSHI_PDF_FORMS_HPP_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/date.hpp"
#include "core/document_rules.hpp"
#include "core/membership.hpp"
#include "pdf/page.hpp"

namespace onshi::pdf {

// Who a document is for, as the insurer has them on its books.
struct MemberFields {
  std::string insurer_number;          // 保険者番号
  std::string insurer_name;            // 保険者名称
  std::string symbol, number, branch;  // 記号・番号・枝番
  std::string name;                    // 氏名
  std::string name_kana;               // フリガナ
  Date birth_date;
  Sex sex = Sex::kUnset;
  Date acquired;                  // 資格取得年月日
  bool dependent = false;         // 家族 (被扶養者)
  std::string insured_name;       // 被保険者氏名 (the 本人, for a dependent)
  std::string postcode, address;  // where it is posted
  int copay_percent = 30;         // 一部負担金の割合
};

// 資格確認書 (R-DOC-4..7): the card-like face in the form's own size.
struct CertificateFields {
  MemberFields member;
  int64_t document_id = 0;  // 交付番号, printed small for the register
  Date issued;              // 交付年月日
  Date valid_until;         // 有効期限 (R-DOC-6: at most 5 years)
  CertificateForm form = CertificateForm::kA4Paper;
  bool short_term = false;  // the 2-month certificate after losing the card (R-DOC-5)
};
std::vector<Page> Certificate(const CertificateFields& fields);
// 資格確認書の取扱いについて: the notes enclosed with every paper certificate
// (printed once per run, not on each certificate).
std::vector<Page> CertificateLeaflet();

// 資格情報のお知らせ (R-DOC-1..3): the R-DOC-2 fields, and why it is not an
// insurance card on its own.
struct NoticeFields {
  MemberFields member;
  int64_t document_id = 0;
  Date issued;
};
std::vector<Page> QualificationNotice(const NoticeFields& fields);

// 資格情報 as マイナポータル shows it, saved as a PDF to keep on the phone and
// show at a facility (R-PORT-3, R-LINK-7): the お知らせ's fields of each
// qualification the person holds or is waiting for, with its ratio, its
// 限度額 category and the linkage state, as of `printed_at`.
struct PortalQualificationEntry {
  MemberFields member;
  std::optional<Date> lost;    // 資格喪失年月日
  std::string limit_category;  // 限度額適用区分, "" when none
  std::string linkage;         // 登録済み, データ連携中, 登録エラー: …
  std::string advice;          // what to do, for a state that needs it
};
struct PortalQualificationFields {
  std::string name, name_kana;  // the registry's (the person logged in)
  Date birth_date;
  std::string printed_at;  // 令和8年11月23日 10時00分 (JST), when it was made
  std::vector<PortalQualificationEntry> entries;
};
std::vector<Page> PortalQualification(const PortalQualificationFields& fields);

// 有効期限のお知らせ (R-CARD-4): renew the card or its certificate.
struct RenewalNoticeFields {
  MemberFields member;
  int64_t document_id = 0;
  Date issued;
  Date expiry;
  std::optional<Date> grace_end;  // online eligibility still works until then
};
std::vector<Page> RenewalNotice(const RenewalNoticeFields& fields);

// 返還のお願い (R-DOC-10, R-OLD-4): send back a still-valid 資格確認書 or old card.
struct ReturnRequestFields {
  MemberFields member;
  int64_t document_id = 0;
  Date issued;
  Date lost;                                       // 資格喪失年月日
  DocumentKind item = DocumentKind::kCertificate;  // what comes back
  int64_t item_document_id = 0;
  std::optional<Date> item_issued;
  std::optional<Date> item_valid_until;
};
std::vector<Page> ReturnRequest(const ReturnRequestFields& fields);

// 被保険者資格申立書 (R-FAC-7): filled in at the window when the card cannot
// be used. Blank, or pre-filled with what staff entered at the terminal
// (`onshi terminal record --via statement --print FILE`), for the patient to
// check and sign; an empty field stays blank for the pen.
struct DeclarationFields {
  std::optional<Date> declared_on, birth;
  std::string name, name_kana, address;
  std::string insurer_number, symbol, number, branch;
  std::string facility_name, facility_code;
  std::optional<Date> received_on;
  std::string reason;  // 確認できなかった理由
};
std::vector<Page> EligibilityDeclaration(const DeclarationFields& fields = {});

// 療養費支給申請書 (R-FAC-8): the refund of the insured share after paying
// 10割. Blank, or pre-filled with what is known.
struct RefundFields {
  std::optional<MemberFields> member;
  std::optional<Date> treatment_from, treatment_to;  // 診療期間
  std::string facility_name;                         // 医療機関等の名称
  std::optional<int64_t> paid_yen;                   // 支払った額 (10割)
  std::optional<Date> applied_on;                    // 申請日
};
std::vector<Page> RefundApplication(const RefundFields& fields);

// The refund R-FAC-8 asks for: the insured share of what was paid, in yen
// rounded down (7割 of the total at a 3割 copay).
int64_t RefundYen(int64_t paid_yen, int copay_percent);

}  // namespace onshi::pdf

#endif  // ONSHI_PDF_FORMS_HPP_
