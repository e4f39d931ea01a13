#include "service/staff_page.hpp"

#include "core/html_escape.hpp"
#include "http/security_headers.hpp"
#include "intermediate/error_report.hpp"

namespace onshi::service {

bool WantsHtml(const http::Request& request) {
  return request.Header("Accept").find("text/html") != std::string::npos;
}

bool SameOrigin(const http::Request& request) {
  const std::string origin = request.Header("Origin");
  if (origin.empty()) return true;
  return origin == "https://" + request.Header("Host");
}

http::Response StaffHtml(int status, std::string html) {
  http::Response r{status, "text/html;charset=UTF-8", {}, std::move(html)};
  std::string csp = http::ContentSecurityPolicyFor(r.content_type, r.body);
  constexpr std::string_view kNone = "form-action 'none'";
  if (const size_t at = csp.find(kNone); at != std::string::npos) {
    csp.replace(at, kNone.size(), "form-action 'self'");
  }
  r.headers.emplace_back("Content-Security-Policy", std::move(csp));
  return r;
}

std::string StaffPage(std::string_view title, std::string_view main_html) {
  const std::string t = HtmlEscape(title);
  return "<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\"><title>" + t +
         "</title>\n<style>" + std::string(intermediate::ReportStyle()) +
         "</style></head>\n<body><h1>" + t + "</h1>\n" + std::string(main_html) +
         "</body></html>\n";
}

http::Response CertificatePage(int status, std::string_view role, std::string_view how,
                               std::string_view detail) {
  const std::string r = HtmlEscape(role);
  std::string main =
      "<p class=\"notice\" id=\"certificate-problem\">" +
      std::string(status == 401
                      ? "このページを開くには" + r + "のクライアント証明書が必要です。ブラウザに" +
                            r + "の証明書が登録されていないか、選ばれていません。"
                      : "ブラウザが示した証明書では、このページを開けません（" + r +
                            "の証明書ではないか、有効期限切れ・失効しています）。") +
      "</p>\n<p>" + HtmlEscape(how) +
      "</p>\n<p>証明書を登録したら、ブラウザを再起動してからもう一度開いてください。</p>\n";
  if (!detail.empty()) main += "<p>詳細: <code>" + HtmlEscape(detail) + "</code></p>\n";
  return StaffHtml(
      status, StaffPage(status == 401 ? "証明書が必要です" : "証明書を確認してください", main));
}

}  // namespace onshi::service
