// ClinicalService: the clinical data of issue 18 over HTTPS, for facilities
// and pharmacies — the routes under /clinical/ of `onshi serve`.
//
// Facilities authenticate as for an eligibility check: the idToken their
// client certificate's login gave (Authorization, raw or "Bearer …"); the
// facility is the token's subject, never a parameter. Patients are named by
// the insured keys in the body ({"patient": {insurerNumber, symbol, number,
// branch, birthDate}}), so no insurance number appears in a URL or a log.
//
//   POST /clinical/v1/visits                 a visit with its medicines,
//        procedures, diagnoses and amounts (clinical_input.hpp); 201, or 422
//        naming every bad record (nothing stored)
//   POST /clinical/v1/medicines              3 years of medicines   (consent: pharmacists)
//   POST /clinical/v1/procedures             procedures (diagnosis), operations
//        (operation, 点数表 K) and diagnoses (diagnosis), 3 years
//   POST /clinical/v1/checkups               特定健診 results       (consent: checkups)
//   POST /clinical/v1/prescriptions/check    duplicate (重複投薬) and interaction
//        findings for a new prescription; the other prescription is named only
//        with the pharmacists consent, otherwise only that a finding exists
//   POST /clinical/v1/high-cost-limit        所得区分 and what remains of this
//        month's 自己負担限度額 at this facility, 入院 and 外来 apart
//        ("setting"), with 多数回該当 decided from the insurer's monthly
//        claim totals (core/many_times.hpp; "manyTimes" and the months the
//        limit was reached in the 12 before, "limitReachedMonths")
//        (consent: limit, R-FAC-9). The OQS answer itself carries only the
//        所得区分 (LimitApplicationCertificateRelatedInfo, oqs-interface.md):
//        it has no element for 多数回 or the window's running total, so
//        these come from here.
//   POST /clinical/v1/files/yzk | tkk         the terminal's 薬剤情報 / 特定健診
//        request file as written (application/xml) → the result file
//        (clinical_files.hpp; consent: pharmacists / checkups)
//
// Reads are allowed only while the patient's consent of that kind, given at
// THIS facility's reader (flag "1"), is before its AvailableTime (R-FAC-4);
// otherwise 403 with a Japanese detail. "Accept: application/fhir+json" gives
// a FHIR R4 Bundle (fhir/clinical_bundle.hpp) instead of onshi's JSON.
// Every write and every read (and every refusal) is audited with the person
// and, for reads, the consent relied on.
#ifndef ONSHI_SERVICE_CLINICAL_SERVICE_HPP_
#define ONSHI_SERVICE_CLINICAL_SERVICE_HPP_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/token.hpp"
#include "http/server.hpp"
#include "service/audit_writer.hpp"
#include "service/clock.hpp"
#include "service/store_pool.hpp"

namespace onshi::service {

class ClinicalService {
 public:
  // All references must outlive the service.
  ClinicalService(StorePool& stores, const auth::TokenService& tokens, const Clock& clock,
                  AuditWriter& audit);

  // True for the paths this service answers (everything under /clinical/).
  static bool Owns(std::string_view path);
  // True for the paths that write (refused in read-only mode).
  static bool Writes(std::string_view path);
  // Every route, {method, pattern} (the "/clinical/**" subtree of
  // EligibilityService::RouteList; tests hold docs/openapi.json against it).
  static std::vector<std::pair<std::string, std::string>> RouteList();
  http::Response Handle(const http::Request& request);

 private:
  StorePool& stores_;
  const auth::TokenService& tokens_;
  const Clock& clock_;
  AuditWriter& audit_;
};

}  // namespace onshi::service

#endif  // ONSHI_SERVICE_CLINICAL_SERVICE_HPP_
