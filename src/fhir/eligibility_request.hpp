// The body of POST [base]/CoverageEligibilityRequest/$submit, read into the
// core's insurance-card query (照会区分 2).
//
// Accepted: a CoverageEligibilityRequest, or a Parameters resource whose
// parameter "resource" holds one (the operation's formal input). The request
// must be self-contained: `patient` and `insurance[0].coverage` are local
// references ("#id") to resources in `contained`, because a facility asking
// "is this card valid?" has nothing stored on our server to point at.
//
// What is read (docs/fhir.md has the full table):
//   status            "active"
//   purpose           "validation" and/or "discovery"; "benefits" and
//                     "auth-requirements" are refused as not-supported (422)
//   patient           → Patient.birthDate, a full date (生年月日)
//   servicedDate      資格確認日; `today` when absent
//   insurance[0].coverage → Coverage in JP Core form:
//       記号・番号・枝番   the JP_Coverage_InsuredPerson{Symbol,Number,SubNumber}
//                         extensions, else the insuranceIdentifier slice
//                         "保険者番号:記号:番号:枝番"; normalised by InsuredCardId
//                         (full-width digits and letters become half-width)
//       保険者番号         payor → Organization.identifier (InsurerNumber system
//                         or its OID), else the insuranceIdentifier slice
//     Where both sources are present they must agree.
//   provider          optional → Organization.identifier 医療機関コード. Whether
//                     it must equal the authenticated facility is the caller's
//                     decision; this layer only checks that it is well formed.
//
// Elements we do not need are ignored, including ones R4 marks 1..1 for
// CoverageEligibilityRequest (`created`, `insurer`): refusing a usable check
// over a field we would not read helps nobody.
#ifndef ONSHI_FHIR_ELIGIBILITY_REQUEST_HPP_
#define ONSHI_FHIR_ELIGIBILITY_REQUEST_HPP_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.hpp"
#include "core/eligibility.hpp"
#include "core/medical_institution_code.hpp"
#include "fhir/operation_outcome.hpp"

namespace onshi::fhir {

// CoverageEligibilityRequest.purpose values we answer.
enum class Purpose { kValidation, kDiscovery };
std::string_view PurposeCode(Purpose p);  // "validation", "discovery"

// A business identifier of the request, echoed in the response's `request`.
struct RequestIdentifier {
  std::string system;  // may be empty
  std::string value;
};

struct EligibilityRequest {
  // For the echo: CoverageEligibilityRequest.id and its first identifier
  // that has a value.
  std::optional<std::string> id;
  std::optional<RequestIdentifier> identifier;
  // As requested, without duplicates, in request order.
  std::vector<Purpose> purposes;

  // insurer_number canonical (InsurerNumber::digits()); symbol, number and
  // branch normalised by InsuredCardId, symbol and branch "" when absent.
  InsuranceCardQuery query;
  Date confirmation_date;  // servicedDate, or `today` when absent
  std::optional<MedicalInstitutionCode> provider;
};

// Parses a $submit body. `today` is the date in Japan (JST) on which the
// check is made; it stands in for an absent servicedDate. Every failure is an
// Issue whose expression is the FHIRPath of the element at fault, written as
// if references were followed in place ("CoverageEligibilityRequest.patient.
// birthDate" for the contained Patient's birthDate).
Parsed<EligibilityRequest> ParseEligibilityRequest(std::string_view body, Date today);

}  // namespace onshi::fhir

#endif  // ONSHI_FHIR_ELIGIBILITY_REQUEST_HPP_
