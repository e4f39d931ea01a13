#include "terminal/central.hpp"

#include <boost/json.hpp>
#include <fstream>
#include <iterator>

namespace onshi::terminal {
namespace {

constexpr const char* kAuthPath = "/oqs-api-pro/MSA12020/ILI12020SV01/auth";
// idTokens live 5 minutes; one is not reused in its last minute.
constexpr std::time_t kTokenUse = 4 * 60;

}  // namespace

CentralClient::CentralClient(CentralOptions options) : options_(std::move(options)) {
  tls_.ca_file = options_.ca_file;
}

Expected<std::string> CentralClient::Token(std::time_t now) {
  if (!token_.empty() && now < token_until_) return token_;
  std::ifstream in(options_.body_file, std::ios::binary);
  if (!in) return Error{"connection", "cannot read the login body " + options_.body_file};
  const std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  http::ClientOptions with_cert = tls_;
  with_cert.cert_file = options_.cert_file;
  with_cert.key_file = options_.key_file;
  auto r = http::Post(options_.url, kAuthPath, {{"Content-Type", "application/json;charset=UTF-8"}},
                      body, with_cert);
  if (!r.ok()) return r.error();
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(r->body, ec);
  const boost::json::value* token =
      ec || !v.is_object() ? nullptr : v.as_object().if_contains("result");
  if (token && token->is_object()) token = token->as_object().if_contains("idToken");
  if (r->status != 200 || !token || !token->is_string()) {
    return Error{"connection",
                 "login refused (HTTP " + std::to_string(r->status) + "): " + r->body};
  }
  token_ = std::string(token->as_string());
  token_until_ = now + kTokenUse;
  return token_;
}

Expected<CentralAnswer> CentralClient::SearchXml(std::string_view request_xml, std::time_t now) {
  return PostXml(kQualificationSearchPath, request_xml, now);
}

Expected<CentralAnswer> CentralClient::PostXml(const char* path, std::string_view request_xml,
                                               std::time_t now) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto token = Token(now);
    if (!token.ok()) return token.error();
    auto r = http::Post(options_.url, path,
                        {{"Content-Type", "application/xml"}, {"Authorization", *token}},
                        request_xml, tls_);
    if (!r.ok()) return r.error();
    if (r->status == 401 && attempt == 0) {
      token_.clear();  // expired or the service's key rotated: log in again
      continue;
    }
    if (r->status >= 500 && r->status != 503) {
      return Error{"connection",
                   "the central service failed (HTTP " + std::to_string(r->status) + ")"};
    }
    return CentralAnswer{r->status, r->Header("Content-Type"), std::move(r->body)};
  }
  return Error{"connection", "the central service refused the token twice"};
}

Expected<CentralAnswer> CentralClient::PostJson(std::string_view path, std::string_view body,
                                                std::time_t now) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto token = Token(now);
    if (!token.ok()) return token.error();
    auto r =
        http::Post(options_.url, std::string(path),
                   {{"Content-Type", "application/json"}, {"Authorization", *token}}, body, tls_);
    if (!r.ok()) return r.error();
    if (r->status == 401 && attempt == 0 && r->body.find("unauthenticated") != std::string::npos) {
      token_.clear();  // the token, not the card's proof, was refused: log in again
      continue;
    }
    return CentralAnswer{r->status, r->Header("Content-Type"), std::move(r->body)};
  }
  return Error{"connection", "the central service refused the token twice"};
}

}  // namespace onshi::terminal
