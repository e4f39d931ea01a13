// What the staff pages (the insurer's report, the municipal window) share:
// whether a browser asked, the HTML answer with a policy that lets their
// own forms post back, and the Japanese page a browser gets instead of
// problem+json when its client certificate is missing or not the right one.
#ifndef ONSHI_SERVICE_STAFF_PAGE_HPP_
#define ONSHI_SERVICE_STAFF_PAGE_HPP_

#include <string>
#include <string_view>

#include "http/server.hpp"

namespace onshi::service {

// True when the client asked for a page: its Accept names text/html (a
// browser's navigation does; curl and the API clients do not).
bool WantsHtml(const http::Request& request);

// False when a browser says the request comes from a page of another
// origin (Origin differs from https://<Host>): a form on any site would
// otherwise post with the staff's client certificate. A request without
// Origin (curl, an API client) is not a browser's cross-site post.
bool SameOrigin(const http::Request& request);

// A text/html answer. Its Content-Security-Policy is the server's default
// (http/security_headers.hpp: no scripts, the page's own inline style by
// hash) except that forms may post to this origin (form-action 'self').
http::Response StaffHtml(int status, std::string html);

// A whole page in Japanese with the shared style and `main_html` (already
// escaped) below the title.
std::string StaffPage(std::string_view title, std::string_view main_html);

// The page for a request without an acceptable client certificate: 401
// (none presented) or 403 (presented, but not `role`'s), saying in Japanese
// what is needed. `role` is e.g. 保険者, `how` how to get the certificate.
http::Response CertificatePage(int status, std::string_view role, std::string_view how,
                               std::string_view detail);

}  // namespace onshi::service

#endif  // ONSHI_SERVICE_STAFF_PAGE_HPP_
