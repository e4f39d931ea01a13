#include "intermediate/error_report.hpp"

#include "core/html_escape.hpp"

#include <functional>

#include "core/portal_status.hpp"
#include "oqs/charset.hpp"

namespace onshi::intermediate {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

// RFC 4180: quote every field that needs it, doubling quotes. Fields that
// begin with = + - @ are prefixed with ' so a spreadsheet never runs them as
// formulas (CSV injection): the names and reasons come from outside.
std::string CsvField(std::string_view v) {
  std::string s(v);
  if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')) s = "'" + s;
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string CsvRow(std::initializer_list<std::string_view> fields) {
  std::string row;
  bool first = true;
  for (std::string_view f : fields) {
    if (!first) row += ',';
    first = false;
    row += CsvField(f);
  }
  return row + "\r\n";
}

void ForEachSubmission(store::Store& store, store::SubmissionFilter filter,
                       const std::function<void(const store::SubmissionRecord&)>& fn) {
  filter.limit = 1000;
  for (;;) {
    const auto page = store.ListSubmissions(filter);
    for (const store::SubmissionRecord& r : page)
      fn(r);
    if (static_cast<int>(page.size()) < filter.limit) return;
    filter.after_seq = page.back().seq;
  }
}

}  // namespace

std::string_view StateLabel(LinkageState state) {
  switch (state) {
    case LinkageState::kSubmitted:
      return "受付済";
    case LinkageState::kProcessing:
      return "処理中";
    case LinkageState::kLinked:
      return "連携済";
    case LinkageState::kRegistrationError:
      return "登録エラー";
  }
  return "";
}

std::string ImportErrorsCsv(const ImportReport& report) {
  std::string out(kBom);
  out += CsvRow({"line", "kind", "field", "reason"});
  for (const FieldError& e : report.errors) {
    out += CsvRow({std::to_string(e.line), "rejected", e.field, e.reason});
  }
  for (const FieldError& e : report.registration_problems) {
    out += CsvRow({std::to_string(e.line), "registration_error", e.field, e.reason});
  }
  return out;
}

std::string SubmissionsCsv(store::Store& store, store::SubmissionFilter filter, Date today,
                           bool shift_jis) {
  std::string out =
      CsvRow({"受付番号", "届出種別", "状態", "受付日", "連携予定日", "連携日", "記号", "番号",
              "枝番", "氏名", "生年月日", "エラー項目", "エラー内容", "本人のポータル表示"});
  ForEachSubmission(store, filter, [&](const store::SubmissionRecord& r) {
    out += CsvRow({r.submission_id, FormKindName(r.form), StateLabel(r.state),
                   r.received_on.ToIso(), r.due_on.ToIso(), r.linked_on ? r.linked_on->ToIso() : "",
                   r.symbol, r.number, r.branch, r.name, r.birth_date.ToIso(), r.error_fields,
                   r.error, PortalStatusOf(r.state, r.due_on, today).label});
  });
  return shift_jis ? oqs::Utf8ToCp932(out) : std::string(kBom) + out;
}

std::string SubmissionsHtml(store::Store& store, store::SubmissionFilter filter, Date today,
                            const std::string& insurer_name) {
  std::string rows;
  int count = 0;
  ForEachSubmission(store, filter, [&](const store::SubmissionRecord& r) {
    ++count;
    rows += "<tr data-state=\"" + std::string(LinkageStateName(r.state)) + "\"><td>" +
            HtmlEscape(r.submission_id) + "</td><td>" + HtmlEscape(FormKindName(r.form)) +
            "</td><td>" + HtmlEscape(StateLabel(r.state)) + "</td><td>" + r.received_on.ToIso() +
            "</td><td>" + r.due_on.ToIso() + "</td><td>" + HtmlEscape(r.symbol) + "・" +
            HtmlEscape(r.number) + "・" + HtmlEscape(r.branch) + "</td><td>" + HtmlEscape(r.name) +
            "</td><td class=\"fields\">" + HtmlEscape(r.error_fields) + "</td><td>" +
            HtmlEscape(r.error) + "</td><td>" +
            HtmlEscape(PortalStatusOf(r.state, r.due_on, today).label) + "</td></tr>\n";
  });
  const std::string title = HtmlEscape(insurer_name) + " — 届出の状況";
  std::string csv_link = "errors.csv";
  if (filter.state) csv_link += "?state=" + std::string(LinkageStateName(*filter.state));
  return "<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\"><title>" + title +
         "</title>\n<style>body{font-family:'Noto Sans CJK JP',sans-serif;margin:2em}"
         "table{border-collapse:collapse}td,th{border:1px solid #999;padding:.3em .6em}"
         "tr[data-state=registration_error]{background:#fee}</style></head>\n<body><h1>" +
         title + "</h1>\n<p>" + today.ToIso() + " 現在 <span id=\"count\">" +
         std::to_string(count) + "</span> 件 · <a id=\"csv\" href=\"" + csv_link +
         "\">CSV</a> · <a href=\"" + csv_link + (filter.state ? "&" : "?") +
         "charset=shift_jis\">CSV (Shift_JIS)</a></p>\n"
         "<p>登録エラーは住民基本台帳（基本4情報）と一致しなかった届出です。相違した項目のみを"
         "示します。事業主に確認のうえ、新しい受付番号で再提出してください。</p>\n"
         "<table id=\"submissions\"><thead><tr><th>受付番号</th><th>届出種別</th><th>状態</th>"
         "<th>受付日</th><th>連携予定日</th><th>記号・番号・枝番</th><th>氏名</th>"
         "<th>エラー項目</th><th>エラー内容</th><th>本人のポータル表示</th></tr></thead>\n<tbody>" +
         rows + "</tbody></table></body></html>\n";
}

}  // namespace onshi::intermediate
