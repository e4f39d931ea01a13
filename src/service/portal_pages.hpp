// The portal's page frame, login page and assets (portal_service.hpp):
// HTML in Japanese, phone-sized first, with landmarks (banner, navigation,
// main, contentinfo), a skip link, a label on every control and text of at
// least 4.5:1 contrast. The script (login through the reader agent) and the
// style sheet are served from /portal/assets/, never inline, so the pages'
// Content-Security-Policy allows no inline code at all.
#ifndef ONSHI_SERVICE_PORTAL_PAGES_HPP_
#define ONSHI_SERVICE_PORTAL_PAGES_HPP_

#include <string>
#include <string_view>

#include "core/html_escape.hpp"

namespace onshi::service {

using onshi::HtmlEscape;

// Where a page sits in the navigation.
enum class PortalNav {
  kTop,
  kRegistration,
  kQualification,
  kMedical,
  kExpenses,
  kCheckups,
  kDocuments,
  kConsents,
  kAccessLog
};

// A whole page for a logged-in person: header with the name and a logout
// button, the navigation (診療・お薬, 医療費 and 特定健診 among it: R-PORT-1,
// R-PORT-4, portal_medical.hpp), and `main_html`
// (already escaped) in <main>.
std::string PortalPage(std::string_view title, PortalNav active, std::string_view person_name,
                       std::string_view main_html);

// The card login page; `agent` is the reader agent's origin. `notice` (text)
// is shown above the form (e.g. after logout or an expired session).
std::string PortalLoginPage(std::string_view agent, std::string_view notice);

// /portal/assets/{name}: the content type and body, or an empty type when
// there is no such asset.
struct PortalAsset {
  std::string_view content_type;
  std::string_view body;
};
PortalAsset PortalAssetNamed(std::string_view name);

}  // namespace onshi::service

#endif  // ONSHI_SERVICE_PORTAL_PAGES_HPP_
