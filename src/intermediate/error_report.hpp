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

// Every submission matching `filter` (all pages), one row each, with the
// portal status the member sees as of `today`. UTF-8 with BOM, or CP932
// (Shift_JIS) when `shift_jis`, for the spreadsheet software of insurers'
// offices.
std::string SubmissionsCsv(store::Store& store, store::SubmissionFilter filter, Date today,
                           bool shift_jis);

// The same as a self-contained HTML page (no scripts, no external assets).
// `insurer_name` goes in the title.
std::string SubmissionsHtml(store::Store& store, store::SubmissionFilter filter, Date today,
                            const std::string& insurer_name);

// The Japanese label of a state for reports: 受付済, 処理中, 連携済, 登録エラー.
std::string_view StateLabel(LinkageState state);

}  // namespace onshi::intermediate

#endif  // ONSHI_INTERMEDIATE_ERROR_REPORT_HPP_
