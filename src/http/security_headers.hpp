// Security headers on every answer (issue 15: answers and pages with
// personal data).
//
// Nearly every answer of onshi carries personal data (an eligibility answer,
// a member, a submission list), so the server adds the same protective
// headers to every response rather than trusting each route to remember:
//
//   Cache-Control: no-store            no copy in a browser, proxy or clinic
//                                      software cache after the screen closes
//   X-Content-Type-Options: nosniff    a JSON body is never run as a script
//                                      or rendered as HTML
//   Content-Security-Policy            nothing loads, runs or frames the page:
//                                      default-src 'none' plus, for HTML, the
//                                      hash of each inline <style> block the
//                                      page itself carries (no 'unsafe-inline')
//
// A header the handler set itself (same name, any case) is left alone, so a
// route that must be cached (none today) can say so.
#ifndef ONSHI_HTTP_SECURITY_HEADERS_HPP_
#define ONSHI_HTTP_SECURITY_HEADERS_HPP_

#include <string>
#include <string_view>

#include "http/server.hpp"

namespace onshi::http {

// The policy for a body of this content type: for text/html the style hashes
// of `body`'s inline <style> elements are allowed, nothing else.
std::string ContentSecurityPolicyFor(std::string_view content_type, std::string_view body);

// Adds Cache-Control, X-Content-Type-Options and Content-Security-Policy to
// `response` unless it already has them.
void AddSecurityHeaders(Response& response);

}  // namespace onshi::http

#endif  // ONSHI_HTTP_SECURITY_HEADERS_HPP_
