// The insurer's reports: its submissions (above all its registration errors)
// as CSV for a spreadsheet and as an HTML page, and an import's rejected
// lines as CSV.
//
// Both formats show what the insurer itself filed and why it did not link,
// never what the resident registry holds: for a form whose My Number names a
// stranger, telling the insurer the stranger's name or address would be the
// very leak the check exists to prevent. The differing fields are named; the
// registry's values are not.
#ifndef ONSHI_INTERMEDIATE_ERROR_REPORT_HPP_
#define ONSHI_INTERMEDIATE_ERROR_REPORT_HPP_

#include <string>

#include "intermediate/importer.hpp"
#include "store/store.hpp"

namespace onshi::intermediate {

// "line,field,reason" rows of an import's rejected lines and registration
// errors (UTF-8 with a BOM, so spreadsheet software opens it as UTF-8).
std::string ImportErrorsCsv(const ImportReport& report);

// Which rows of a report: page `page` (from 1) of `per_page` rows, in the
// store's order of receipt; per_page 0 = every row. The page and its CSV
// link use the same window, so the CSV holds exactly the rows shown.
struct ReportWindow {
  int64_t page = 1;
  int per_page = 0;
};

// The submissions matching `filter` in `window`, one row each, with the
// portal status the member sees as of `today`; エラー内容 in Japanese with
// its エラーコード next to it (error_texts.hpp). UTF-8 with BOM, or CP932
// (Windows-31J: the encoder is oqs::Utf8ToCp932, which writes CP932's NEC
// and IBM extensions such as 髙 and ①) when `shift_jis`, for the
// spreadsheet software of insurers' offices.
std::string SubmissionsCsv(store::Store& store, store::SubmissionFilter filter, Date today,
                           bool shift_jis, ReportWindow window = {});

// The same as a self-contained HTML page (no scripts, no external assets):
// the rows of `window` with the total, links to the previous and next
// pages, the views "登録エラーのみ" and "すべての届出", the CSV links of the
// same rows, and the upload form (POST upload, multipart/form-data).
// `insurer_name` goes in the title.
std::string SubmissionsHtml(store::Store& store, store::SubmissionFilter filter, Date today,
                            const std::string& insurer_name, ReportWindow window = {1, 50});

// The page shown after an upload through the form: the counts, every line
// refused at reading (line number, field, Japanese reason, code) and every
// registration error, and links back. `file_name` as the browser sent it.
std::string ImportResultHtml(const ImportReport& report, const std::string& insurer_name,
                             const std::string& file_name);

// A page saying the uploaded file could not be read at all (`detail` is the
// reader's message) with the form to try again.
std::string UnreadableUploadHtml(const std::string& insurer_name, const std::string& detail);

// The style sheet every insurer page shares (inline, allowed by its hash in
// the Content-Security-Policy).
std::string_view ReportStyle();

// The Japanese label of a state for reports: 受付済, 処理中, 連携済, 登録エラー.
std::string_view StateLabel(LinkageState state);

}  // namespace onshi::intermediate

#endif  // ONSHI_INTERMEDIATE_ERROR_REPORT_HPP_
