// CentralClient: the terminal's connection to the central eligibility
// service, as real terminals use the OQS web API (oqs-interface.md §1.1):
// log in with the facility's client certificate and its body.json, then
// search with the raw idToken in Authorization. The token is kept until
// shortly before it expires and fetched again after a 401.
//
// Not thread-safe; the terminal's request loop is its only user.
#ifndef ONSHI_TERMINAL_CENTRAL_HPP_
#define ONSHI_TERMINAL_CENTRAL_HPP_

#include <ctime>
#include <string>
#include <string_view>

#include "core/expected.hpp"
#include "http/client.hpp"

namespace onshi::terminal {

struct CentralOptions {
  std::string url;        // https://host:port of the central service
  std::string ca_file;    // its trust anchor
  std::string cert_file;  // the facility's client certificate
  std::string key_file;
  std::string body_file;  // the login body (body.json)
};

// The central service's routes for the file kinds beside 資格確認
// (eligibility_service.hpp).
inline constexpr const char* kBulkSubmitPath = "/oqs-api-pro/bulk/submit";
inline constexpr const char* kBulkResultPath = "/oqs-api-pro/bulk/result";
inline constexpr const char* kReferenceNumberPath = "/oqs-api-pro/reference-number";
// 資格確認 (OQSsiquc01req), JSON or XML (oqs-interface.md §1.1).
inline constexpr const char* kQualificationSearchPath = "/oqs-api-pro/MSA01030/ILI01030SV01/search";

struct CentralAnswer {
  int status = 0;
  std::string content_type;
  std::string body;
};

class CentralClient {
 public:
  explicit CentralClient(CentralOptions options);

  // 資格確認 by 記号・番号: posts the request XML as it was written (the service
  // reads UTF-8 and Shift_JIS) and returns the service's XmlMsg answer.
  // Fails with Error{"connection", …} when the service cannot be reached or
  // refuses the login (the caller keeps the request and tries again).
  Expected<CentralAnswer> SearchXml(std::string_view request_xml, std::time_t now);
  // Any other request file of the protocol, posted as it was written to the
  // service's route for it (kBulkSubmitPath …); the same failures.
  Expected<CentralAnswer> PostXml(const char* path, std::string_view request_xml, std::time_t now);

  // POSTs a JSON `body` to `path` with the token (the card reader's calls:
  // card/challenge, card/search, card/register; docs/card-protocol.md) and
  // returns the answer whatever its status. Errors as SearchXml's.
  Expected<CentralAnswer> PostJson(std::string_view path, std::string_view body, std::time_t now);

 private:
  Expected<std::string> Token(std::time_t now);

  CentralOptions options_;
  http::ClientOptions tls_;
  std::string token_;
  std::time_t token_until_ = 0;
};

}  // namespace onshi::terminal

#endif  // ONSHI_TERMINAL_CENTRAL_HPP_
