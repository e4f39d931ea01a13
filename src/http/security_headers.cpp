#include "http/security_headers.hpp"

#include "http/field_name.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace onshi::http {
namespace {

bool HasHeader(const Response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (SameToken(k, name)) return true;
  }
  return false;
}

bool IsHtml(std::string_view content_type) {
  constexpr std::string_view kHtml = "text/html";
  return content_type.size() >= kHtml.size() && SameToken(content_type.substr(0, 9), kHtml);
}

// CSP hash source: 'sha256-<standard base64 of the SHA-256 of the text>'.
std::string StyleHash(std::string_view text) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(text.data(), text.size(), md, &len, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed");
  }
  unsigned char b64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
  const int n = EVP_EncodeBlock(b64, md, static_cast<int>(len));
  return "'sha256-" + std::string(reinterpret_cast<char*>(b64), static_cast<size_t>(n)) + "'";
}

// The text of every <style> element of `html` (the exact characters between
// the start tag's '>' and "</style>", which is what a browser hashes).
std::string StyleSources(std::string_view html) {
  std::string sources;
  size_t at = 0;
  for (;;) {
    const size_t open = html.find("<style", at);
    if (open == std::string_view::npos) break;
    const size_t text = html.find('>', open);
    if (text == std::string_view::npos) break;
    const size_t close = html.find("</style>", text + 1);
    if (close == std::string_view::npos) break;
    sources += ' ';
    sources += StyleHash(html.substr(text + 1, close - text - 1));
    at = close + 8;
  }
  return sources;
}

}  // namespace

// frame-ancestors, base-uri and form-action do not fall back to
// default-src, so each is closed on its own.
constexpr std::string_view kBasePolicy =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

std::string ContentSecurityPolicyFor(std::string_view content_type, std::string_view body) {
  std::string csp(kBasePolicy);
  if (IsHtml(content_type)) {
    if (const std::string styles = StyleSources(body); !styles.empty()) {
      csp += "; style-src" + styles;
    }
  }
  return csp;
}

void AddSecurityHeaders(Response& r) {
  if (!HasHeader(r, "Cache-Control")) r.headers.emplace_back("Cache-Control", "no-store");
  if (!HasHeader(r, "X-Content-Type-Options")) {
    r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  }
  if (!HasHeader(r, "Content-Security-Policy")) {
    r.headers.emplace_back("Content-Security-Policy",
                           ContentSecurityPolicyFor(r.content_type, r.body));
  }
}

}  // namespace onshi::http
