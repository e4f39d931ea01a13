// File names of the terminal's file interface (terminal-protocol.md §3):
// which requests the terminal answers, and the name of each answer.
//
// A request is `<prefix>_<suffix>.xml` with a known prefix and a suffix of
// letters and digits of any length (clients use 12 digits, date+time+id, or
// anything). Other names — a client's temporary file before its rename
// (`.receptionagent-<guid>.tmp`), stray files — are not requests and are
// left alone. The answer keeps the name with `req_` → `res_` (OQSDrug2 and
// ReceptionAgent find it that way); a failure before any answer is the
// request-named copy plus `<name>.err` (§4.1). In encrypted mode (§4.3,
// encrypt_config.hpp) a request may also arrive as `<prefix>_<suffix>.zip`.
#ifndef ONSHI_TERMINAL_FILE_NAMES_HPP_
#define ONSHI_TERMINAL_FILE_NAMES_HPP_

#include <optional>
#include <string>
#include <string_view>

namespace onshi::terminal {

enum class RequestKind {
  kQualification,        // OQSsiquc01req_: 資格確認 by 記号・番号 (資格確認書)
  kReferenceNumber,      // OQSsiimm01req_: 照会番号 registration
  kBulkQualification,    // OQSmuquc01req_ / OQSmuquc02req_: 一括照会
  kBulkReferenceNumber,  // OQSmuimm01req_ / OQSmuimm02req_
  kDrugOrCheckupInfo,    // YZKsiquc01req_ / TKKsiquc01req_
};

struct RequestName {
  RequestKind kind;
  std::string result_name;  // req_ → res_, always `.xml` (the container is the answer's own)
  bool zipped = false;      // the request came as `.zip` (encrypted mode, §4.3)
};

// nullopt when `name` is not a request the terminal should pick up.
std::optional<RequestName> ClassifyRequest(std::string_view name);

// OQSsiquc01res_face_<医療機関コード><20 hex>_<yyyyMMddHHmmss>.xml (§3.3).
std::string FaceFileName(std::string_view institution_code, std::string_view hex20,
                         std::string_view stamp14);

}  // namespace onshi::terminal

#endif  // ONSHI_TERMINAL_FILE_NAMES_HPP_
