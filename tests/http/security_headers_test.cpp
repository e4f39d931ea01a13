// The protective headers every answer carries (issue 15, low: answers and
// pages with personal data). End to end on the real routes:
// tests/app/response_headers_test.cpp.
#include "http/security_headers.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>

namespace onshi::http {
namespace {

std::string HeaderOf(const Response& r, const std::string& name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return "";
}

// The CSP hash source of `text`, computed here independently of the server.
std::string Sha256Source(const std::string& text) {
  unsigned char md[32];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), md, &len, EVP_sha256(), nullptr);
  unsigned char b64[64];
  const int n = EVP_EncodeBlock(b64, md, static_cast<int>(len));
  return "'sha256-" + std::string(reinterpret_cast<char*>(b64), static_cast<size_t>(n)) + "'";
}

TEST(SecurityHeaders, JsonAnswerIsNotStoredNotSniffedAndLoadsNothing) {
  Response r{200, "application/json", {}, R"({"name":"山田"})"};
  AddSecurityHeaders(r);
  EXPECT_EQ(HeaderOf(r, "Cache-Control"), "no-store");
  EXPECT_EQ(HeaderOf(r, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(HeaderOf(r, "Content-Security-Policy").rfind("default-src 'none'", 0), 0u);
  EXPECT_NE(HeaderOf(r, "Content-Security-Policy").find("frame-ancestors 'none'"),
            std::string::npos);
}

TEST(SecurityHeaders, HtmlPageMayUseExactlyItsOwnInlineStyles) {
  const std::string style = "body{margin:2em}td{border:1px solid #999}";
  Response r{
      200,
      "text/html;charset=utf-8",
      {},
      "<!DOCTYPE html><html><head><style>" + style + "</style></head><body><p>x</p></body></html>"};
  AddSecurityHeaders(r);
  const std::string csp = HeaderOf(r, "Content-Security-Policy");
  EXPECT_EQ(csp.rfind("default-src 'none'", 0), 0u) << csp;
  EXPECT_NE(csp.find("style-src " + Sha256Source(style)), std::string::npos) << csp;
  // No inline script or style beyond that hash, nothing from elsewhere.
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("script-src"), std::string::npos) << csp;
  EXPECT_EQ(HeaderOf(r, "Cache-Control"), "no-store");
}

TEST(SecurityHeaders, HeadersTheHandlerSetAreKept) {
  Response r{200, "application/jwk+json", {{"cache-control", "max-age=3600"}}, "{}"};
  AddSecurityHeaders(r);
  int cache_headers = 0;
  for (const auto& [k, v] : r.headers)
    cache_headers += (k == "cache-control" || k == "Cache-Control");
  EXPECT_EQ(cache_headers, 1);
  EXPECT_EQ(HeaderOf(r, "cache-control"), "max-age=3600");
  EXPECT_EQ(HeaderOf(r, "X-Content-Type-Options"), "nosniff");
}

}  // namespace
}  // namespace onshi::http
