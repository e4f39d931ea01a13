// HttpsClient: one HTTP/1.1 request over TLS (or plain HTTP), for onshi's own
// programs that talk to a server — the facility terminal calling the central
// service. Like server.hpp, it exposes plain structs so that Boost.Beast
// stays inside this adapter.
//
// Each call opens a connection, sends one request and reads the answer
// (Connection: close): the terminal makes a call every few seconds at most,
// and a fresh connection after an outage needs no recovery logic. The server
// certificate is verified against `ca_file` with the host name checked;
// a client certificate is presented when given (the OQS login needs it).
#ifndef ONSHI_HTTP_CLIENT_HPP_
#define ONSHI_HTTP_CLIENT_HPP_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/expected.hpp"

namespace onshi::http {

struct ClientOptions {
  std::string ca_file;    // trust anchor (PEM); empty: the system's store
  std::string cert_file;  // client certificate (PEM), optional
  std::string key_file;   // its private key (PEM)
  int timeout_seconds = 20;
};

struct ClientResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string Header(std::string_view name) const;  // first match, case-insensitive; "" if none
};

// `url` is "https://host:port" or "http://host:port" (no path); `target` the
// path. Fails with Error{"connection", …} when the server cannot be reached,
// the TLS handshake fails or the answer is not HTTP.
Expected<ClientResponse> Post(const std::string& url, const std::string& target,
                              const std::vector<std::pair<std::string, std::string>>& headers,
                              std::string_view body, const ClientOptions& options);

}  // namespace onshi::http

#endif  // ONSHI_HTTP_CLIENT_HPP_
