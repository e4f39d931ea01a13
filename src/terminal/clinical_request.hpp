// The terminal's half of the 薬剤情報 / 特定健診情報 files (terminal-protocol.md
// §6.6; issue 18): which central route answers a `YZKsiquc01req_…` or
// `TKKsiquc01req_…` file, and whether the file is whole yet.
//
// The terminal does not read the request: the consent flags and their
// AvailableTime (§7) are the central service's to check — it keeps the
// consents the patient gave at this facility's reader — so a clinic program
// that skips the check on its side (OQSDrug2 does it, others may not) is
// still refused in the answer (ResultCode 2 with the reason), never served.
// The request goes as written, in its own encoding, and the answer (in the
// same encoding) is published as `…res_…` like any other. A request with
// FileCategory 1 is answered with a PDF (application/pdf), published as
// `…res_….pdf` — the name OQSDrug2 looks for (§3.2: `.xml` or `.pdf`) —
// byte for byte: a PDF has no encoding to convert. A refusal is XML either
// way (§6.6: "otherwise the text of //MessageContents").
#ifndef ONSHI_TERMINAL_CLINICAL_REQUEST_HPP_
#define ONSHI_TERMINAL_CLINICAL_REQUEST_HPP_

#include <string>
#include <string_view>

namespace onshi::terminal {

// The central service's routes (service/clinical_files.hpp).
inline constexpr const char* kDrugInfoPath = "/clinical/v1/files/yzk";
inline constexpr const char* kCheckupInfoPath = "/clinical/v1/files/tkk";

// The route for a request file name that ClassifyRequest called
// kDrugOrCheckupInfo: YZK… → kDrugInfoPath, TKK… → kCheckupInfoPath.
const char* ClinicalRouteOf(std::string_view request_name);

// True when `bytes` parses as an XML document whose root is XmlMsg (in
// either encoding): a file still being written in place is not.
bool IsWholeXmlMsg(std::string_view bytes);

// True when the central service's answer is a PDF (its Content-Type).
bool IsPdfAnswer(std::string_view content_type);

// The name a PDF answer is published under: `result_name` (…res_….xml)
// with `.pdf` in place of its extension.
std::string PdfResultName(std::string_view result_name);

}  // namespace onshi::terminal

#endif  // ONSHI_TERMINAL_CLINICAL_REQUEST_HPP_
