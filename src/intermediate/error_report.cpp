#include "intermediate/error_report.hpp"

#include "core/html_escape.hpp"

#include <algorithm>
#include <cstdint>
#include <functional>

#include "core/portal_status.hpp"
#include "intermediate/error_texts.hpp"
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

namespace {

// The rows of `window`, and how many rows the filter has in all. Walks every
// matching row (as the report always has) so the total is exact; the store
// pages by seq, a report by row number.
int64_t ForEachInWindow(store::Store& store, const store::SubmissionFilter& filter,
                        ReportWindow window,
                        const std::function<void(const store::SubmissionRecord&)>& fn) {
  const int64_t first = window.per_page > 0 ? (window.page - 1) * window.per_page : 0;
  const int64_t last = window.per_page > 0 ? first + window.per_page : INT64_MAX;
  int64_t at = 0;
  ForEachSubmission(store, filter, [&](const store::SubmissionRecord& r) {
    if (at >= first && at < last) fn(r);
    ++at;
  });
  return at;
}

std::string JoinCodes(const std::vector<ErrorText>& texts) {
  std::string out;
  for (const ErrorText& t : texts)
    out += (out.empty() ? "" : ";") + t.code;
  return out;
}

std::string JoinJapanese(const std::vector<ErrorText>& texts) {
  std::string out;
  for (const ErrorText& t : texts)
    out += (out.empty() ? "" : "／") + t.japanese;
  return out;
}

// One reason as a list item: the Japanese text, the machine code beside it.
std::string ErrorItem(const ErrorText& t) {
  return "<li data-code=\"" + HtmlEscape(t.code) + "\" data-field=\"" + HtmlEscape(t.field) +
         "\">" + HtmlEscape(t.japanese) + " <code>" + HtmlEscape(t.code) + "</code></li>";
}

std::string Query(std::string_view state, int64_t page, int per_page) {
  std::string q = "?state=" + std::string(state);
  if (per_page > 0)
    q += "&amp;page=" + std::to_string(page) + "&amp;per_page=" + std::to_string(per_page);
  return q;
}

constexpr std::string_view kStyle =
    "body{font-family:'Noto Sans CJK JP',sans-serif;margin:2em;color:#111}"
    "table{border-collapse:collapse}td,th{border:1px solid #999;padding:.3em .6em;"
    "vertical-align:top}tr[data-state=registration_error]{background:#fee}"
    "ul.errors{margin:0;padding-left:1.2em}code{color:#555;font-size:.85em}"
    "nav a,.pager a{margin-right:1em}.current{font-weight:bold}"
    "form{border:1px solid #999;padding:1em;margin:1em 0;max-width:40em}"
    ".notice{background:#eef;padding:.6em 1em}";

std::string PageHead(const std::string& title) {
  return "<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\"><title>" + title +
         "</title>\n<style>" + std::string(kStyle) + "</style></head>\n<body><h1>" + title +
         "</h1>\n";
}

std::string UploadForm() {
  return "<form id=\"upload\" method=\"post\" action=\"upload\" enctype=\"multipart/form-data\">"
         "<h2>届出ファイルの送信</h2>"
         "<p>CSV（UTF-8 または Shift_JIS）か JSON Lines のファイルを選んで送信してください。"
         "結果（受け付けた件数、読み取れなかった行とその理由）がすぐに表示されます。</p>"
         "<p><label for=\"file\">ファイル</label> "
         "<input id=\"file\" name=\"file\" type=\"file\" required "
         "accept=\".csv,.jsonl,.ndjson,text/csv\"></p>"
         "<p><label for=\"format\">形式</label> <select id=\"format\" name=\"format\">"
         "<option value=\"auto\">ファイル名から判断</option><option value=\"csv\">CSV</option>"
         "<option value=\"jsonl\">JSON Lines</option></select></p>"
         "<p><button id=\"send\" type=\"submit\">送信する</button></p></form>\n";
}

std::string LineErrorRows(const std::vector<FieldError>& errors, std::string_view kind) {
  std::string rows;
  for (const FieldError& e : errors) {
    const ErrorText t = JapaneseErrorText(e.field, e.reason);
    rows += "<tr data-kind=\"" + std::string(kind) + "\" data-code=\"" + HtmlEscape(t.code) +
            "\"><td class=\"line\">" + std::to_string(e.line) + "</td><td>" +
            HtmlEscape(t.label.empty() ? "（行全体）" : t.label) + "</td><td>" +
            HtmlEscape(t.japanese) + "</td><td><code>" + HtmlEscape(t.code) + "</code></td></tr>\n";
  }
  return rows;
}

}  // namespace

std::string_view ReportStyle() {
  return kStyle;
}

std::string SubmissionsCsv(store::Store& store, store::SubmissionFilter filter, Date today,
                           bool shift_jis, ReportWindow window) {
  std::string out = CsvRow({"受付番号", "届出種別", "状態", "受付日", "連携予定日", "連携日",
                            "記号", "番号", "枝番", "氏名", "生年月日", "エラー項目", "エラー内容",
                            "エラーコード", "本人のポータル表示"});
  ForEachInWindow(store, filter, window, [&](const store::SubmissionRecord& r) {
    const std::vector<ErrorText> texts = JapaneseErrorTexts(r.error);
    out +=
        CsvRow({r.submission_id, FormKindName(r.form), StateLabel(r.state), r.received_on.ToIso(),
                r.due_on.ToIso(), r.linked_on ? r.linked_on->ToIso() : "", r.symbol, r.number,
                r.branch, r.name, r.birth_date.ToIso(), r.error_fields, JoinJapanese(texts),
                JoinCodes(texts), PortalStatusOf(r.state, r.due_on, today).label});
  });
  return shift_jis ? oqs::Utf8ToCp932(out) : std::string(kBom) + out;
}

std::string SubmissionsHtml(store::Store& store, store::SubmissionFilter filter, Date today,
                            const std::string& insurer_name, ReportWindow window) {
  if (window.per_page <= 0) window = {1, 0};
  std::string rows;
  int shown = 0;
  const int64_t total =
      ForEachInWindow(store, filter, window, [&](const store::SubmissionRecord& r) {
        ++shown;
        std::string labels, errors;
        for (const ErrorText& t : JapaneseErrorTexts(r.error)) {
          if (!t.label.empty() && labels.find(t.label) == std::string::npos) {
            labels += (labels.empty() ? "" : "、") + t.label;
          }
          errors += ErrorItem(t);
        }
        rows += "<tr data-state=\"" + std::string(LinkageStateName(r.state)) + "\"><td>" +
                HtmlEscape(r.submission_id) + "</td><td>" + HtmlEscape(FormKindName(r.form)) +
                "</td><td>" + HtmlEscape(StateLabel(r.state)) + "</td><td>" +
                r.received_on.ToIso() + "</td><td>" + r.due_on.ToIso() + "</td><td>" +
                HtmlEscape(r.symbol) + "・" + HtmlEscape(r.number) + "・" + HtmlEscape(r.branch) +
                "</td><td>" + HtmlEscape(r.name) + "</td><td class=\"fields\" data-fields=\"" +
                HtmlEscape(r.error_fields) + "\">" + HtmlEscape(labels) +
                "</td><td class=\"errors\">" +
                (errors.empty() ? "" : "<ul class=\"errors\">" + errors + "</ul>") + "</td><td>" +
                HtmlEscape(PortalStatusOf(r.state, r.due_on, today).label) + "</td></tr>\n";
      });
  const std::string state = filter.state ? std::string(LinkageStateName(*filter.state)) : "all";
  const int per = window.per_page;
  const int64_t pages = per > 0 ? std::max<int64_t>(1, (total + per - 1) / per) : 1;
  const int64_t first = per > 0 ? (window.page - 1) * per + 1 : 1;
  const std::string title = HtmlEscape(insurer_name) + " — 届出の状況";
  const std::string csv = "errors.csv" + Query(state, window.page, per);
  const std::string csv_all = "errors.csv" + Query(state, 1, 0);

  std::string pager = "<p class=\"pager\">";
  if (per > 0 && window.page > 1) {
    pager += "<a id=\"prev\" rel=\"prev\" href=\"errors" + Query(state, window.page - 1, per) +
             "\">← 前のページ</a>";
  }
  pager += "<span id=\"page\">" + std::to_string(window.page) + " / " + std::to_string(pages) +
           " ページ</span> ";
  if (per > 0 && window.page < pages) {
    pager += "<a id=\"next\" rel=\"next\" href=\"errors" + Query(state, window.page + 1, per) +
             "\">次のページ →</a>";
  }
  pager += " 1ページの件数:";
  for (int size : {20, 50, 100, 200}) {
    pager += size == per ? " <span class=\"current\">" + std::to_string(size) + "</span>"
                         : " <a class=\"per-page\" href=\"errors" + Query(state, 1, size) + "\">" +
                               std::to_string(size) + "</a>";
  }
  pager += per == 0 ? " <span class=\"current\">全件</span>"
                    : " <a class=\"per-page\" href=\"errors" + Query(state, 1, 0) + "\">全件</a>";
  pager += "</p>\n";

  // The same links below the table, without the ids (an id is unique).
  std::string bottom_pager = pager;
  for (std::string_view id : {" id=\"prev\"", " id=\"next\"", " id=\"page\""}) {
    if (const size_t at = bottom_pager.find(id); at != std::string::npos)
      bottom_pager.erase(at, id.size());
  }
  auto view = [&](std::string_view id, std::string_view value, std::string_view label) {
    return state == value
               ? "<span id=\"" + std::string(id) + "\" class=\"current\">" + std::string(label) +
                     "</span>"
               : "<a id=\"" + std::string(id) + "\" href=\"errors" +
                     Query(value, 1, per > 0 ? per : 0) + "\">" + std::string(label) + "</a>";
  };
  return PageHead(title) + "<nav aria-label=\"表示\">" +
         view("view-errors", "registration_error", "登録エラーのみ") +
         view("view-all", "all", "すべての届出") + "</nav>\n<p>" + today.ToIso() +
         " 現在 全 <span id=\"total\">" + std::to_string(total) + "</span> 件" +
         (shown > 0 ? "中 <span id=\"range\">" + std::to_string(first) + "–" +
                          std::to_string(first + shown - 1) + "</span> 件目"
                    : std::string()) +
         "（このページ <span id=\"count\">" + std::to_string(shown) +
         "</span> 件） · <a id=\"csv\" href=\"" + csv +
         "\">このページのCSV</a> · <a id=\"csv-sjis\" href=\"" + csv +
         "&amp;charset=shift_jis\">このページのCSV（Shift_JIS / Windows-31J）</a> · "
         "<a id=\"csv-all\" href=\"" +
         csv_all + "\">全件のCSV</a></p>\n" + pager +
         "<p>登録エラーは住民基本台帳（基本4情報）と一致しなかった届出です。相違した項目のみを"
         "示します。事業主に確認のうえ、新しい受付番号で再提出してください。"
         "各エラーの右の英字はエラーコードです（CSVの「エラーコード」列と同じ）。</p>\n"
         "<table id=\"submissions\"><thead><tr><th>受付番号</th><th>届出種別</th><th>状態</th>"
         "<th>受付日</th><th>連携予定日</th><th>記号・番号・枝番</th><th>氏名</th>"
         "<th>エラー項目</th><th>エラー内容</th><th>本人のポータル表示</th></tr></thead>\n<tbody>" +
         rows + "</tbody></table>\n" + bottom_pager + UploadForm() + "</body></html>\n";
}

std::string ImportResultHtml(const ImportReport& r, const std::string& insurer_name,
                             const std::string& file_name) {
  const std::string title = HtmlEscape(insurer_name) + " — 届出ファイルの送信結果";
  std::string out = PageHead(title);
  out += "<p class=\"notice\" id=\"result\">ファイル「" + HtmlEscape(file_name) +
         "」を受け付けました。";
  if (r.stopped_at_line > 0) {
    out += "ただしデータベースが書き込みを止めたため、" + std::to_string(r.stopped_at_line) +
           " 行目以降は保存していません。時間をおいて同じファイルを再送してください"
           "（受付済みの行は重複しません）。";
  }
  out +=
      "</p>\n<table id=\"summary\"><tbody>"
      "<tr><th>読み取った届出</th><td id=\"records\">" +
      std::to_string(r.records) + "</td></tr><tr><th>受け付けた届出</th><td id=\"queued\">" +
      std::to_string(r.queued) + "</td></tr><tr><th>受付済みのため省略</th><td id=\"already\">" +
      std::to_string(r.already_received) +
      "</td></tr><tr><th>読み取れず受け付けなかった行</th><td id=\"rejected\">" +
      std::to_string(r.rejected) +
      "</td></tr><tr><th>登録エラー</th><td id=\"registration-errors\">" +
      std::to_string(r.registration_errors) + "</td></tr></tbody></table>\n";
  if (!r.unknown_columns.empty()) {
    std::string cols;
    for (const std::string& c : r.unknown_columns)
      cols += (cols.empty() ? "" : "、") + c;
    out += "<p id=\"unknown-columns\">使われなかった列: " + HtmlEscape(cols) + "</p>\n";
  }
  out += "<h2>受け付けなかった行</h2>\n";
  if (r.errors.empty()) {
    out += "<p id=\"no-rejected\">ありません。</p>\n";
  } else {
    out +=
        "<p>これらの行は何も保存していません。訂正して再送してください。</p>"
        "<table id=\"rejected-lines\"><thead><tr><th>行</th><th>項目</th><th>理由</th>"
        "<th>コード</th></tr></thead><tbody>\n" +
        LineErrorRows(r.errors, "rejected") + "</tbody></table>\n";
  }
  out += "<h2>登録エラーになった行</h2>\n";
  if (r.registration_problems.empty()) {
    out += "<p id=\"no-registration-errors\">ありません。</p>\n";
  } else {
    out +=
        "<p>受け付けましたが、住民基本台帳と一致しないため連携しません。"
        "<a href=\"errors\">登録エラーの一覧</a>にも表示されます。</p>"
        "<table id=\"registration-lines\"><thead><tr><th>行</th><th>項目</th><th>理由</th>"
        "<th>コード</th></tr></thead><tbody>\n" +
        LineErrorRows(r.registration_problems, "registration_error") + "</tbody></table>\n";
  }
  return out + "<p><a id=\"back\" href=\"errors\">届出の状況へ戻る</a></p>\n" + UploadForm() +
         "</body></html>\n";
}

std::string UnreadableUploadHtml(const std::string& insurer_name, const std::string& detail) {
  const std::string title = HtmlEscape(insurer_name) + " — 届出ファイルを読めませんでした";
  return PageHead(title) +
         "<p class=\"notice\" id=\"unreadable\">ファイルを読めなかったため、何も受け付けて"
         "いません。見出し行（受付番号・届出種別の列）と文字コード（UTF-8 または Shift_JIS）を"
         "確認してください。</p>\n<p>詳細: <code>" +
         HtmlEscape(detail) +
         "</code></p>\n<p><a id=\"back\" href=\"errors\">届出の状況へ戻る</a></p>\n" +
         UploadForm() + "</body></html>\n";
}

}  // namespace onshi::intermediate
