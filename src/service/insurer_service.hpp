// InsurerService: the insurer's side of the intermediate server over HTTPS.
//
// Every request must present an insurer client certificate (OU=insurer,
// CN=<保険者番号>) from the project CA; the insurer number in it is the only
// insurer the request may read or change — there is no parameter naming
// another, so "each insurer sees and changes only its own members" holds by
// construction, and a facility certificate opens none of these routes.
//
//   POST /insurer/v1/submissions       a batch of forms: text/csv (charset
//        utf-8 or shift_jis) or application/x-ndjson; answers the import
//        report as JSON (per-line errors with line numbers)
//   GET  /insurer/v1/submissions       ?state=&after=&limit=  the queue, JSON
//   GET  /insurer/v1/submissions/{id}  one submission and its portal status
//   GET  /insurer/v1/members           ?symbol=&number=&branch=  one member
//   GET  /insurer/errors               the error report page (HTML, Japanese);
//        ?state=all shows every submission; ?page=&per_page= (default 50)
//   GET  /insurer/errors.csv           the same rows as CSV (same state,
//        page, per_page; per_page 0 or absent = all); ?charset=shift_jis
//        answers CP932, labelled charset=Windows-31J
//   POST /insurer/upload               the page's upload form
//        (multipart/form-data, field "file"): imported as POST
//        …/submissions, the result (rejected lines too) shown as a page
//   GET  /insurer/v1/documents/due     ?as_of=  what must be printed and posted
//   POST /insurer/v1/documents/issue   {"as_of": today}  record and mark issued
//   GET  /insurer/v1/documents/{id}.pdf            one document
//   GET  /insurer/v1/documents/print/{day}.pdf     the day's merged print file
//   GET  /insurer/v1/documents/register.csv        the issuance register
//   POST /insurer/v1/documents/applications        {symbol, number, branch, kind, form, email}
//   POST /insurer/v1/documents/{id}/returned       {"returned_on": day}
//
// Errors are RFC 9457 problem details (application/problem+json), except
// that a browser (Accept: text/html) without the insurer's certificate gets
// a Japanese page (staff_page.hpp). Every request is audited with the
// insurer as actor.
#ifndef ONSHI_SERVICE_INSURER_SERVICE_HPP_
#define ONSHI_SERVICE_INSURER_SERVICE_HPP_

#include <string>
#include <utility>
#include <vector>

#include "auth/facility_ca.hpp"
#include "http/server.hpp"
#include "service/audit_writer.hpp"
#include "service/clock.hpp"
#include "service/store_pool.hpp"

namespace onshi::service {

class InsurerService {
 public:
  // All references must outlive the service.
  InsurerService(StorePool& stores, const auth::FacilityCa& ca, const Clock& clock,
                 AuditWriter& audit);

  // True for the paths this service answers (everything under /insurer/).
  static bool Owns(std::string_view path);
  http::Response Handle(const http::Request& request);
  // Its routes, {method, pattern}, in the order they are tried.
  static std::vector<std::pair<std::string, std::string>> RouteList();

 private:
  StorePool& stores_;
  const auth::FacilityCa& ca_;
  const Clock& clock_;
  AuditWriter& audit_;
};

}  // namespace onshi::service

#endif  // ONSHI_SERVICE_INSURER_SERVICE_HPP_
