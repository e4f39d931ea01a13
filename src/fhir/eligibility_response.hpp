// The CoverageEligibilityResponse for a $submit: the core's decision in FHIR
// R4 with JP Core Coverage resources.
//
// One self-contained resource (docs/fhir.md shows a full example):
//   contained     Patient "patient" (name and kana as JP Core HumanNames when
//                 the results are one person; gender; birthDate), one
//                 Organization per insurer ("insurer-<保険者番号>"), the
//                 provider Organization if the request named one, and one JP
//                 Core Coverage per qualification in decision.results
//                 ("coverage-1", …)
//   extension     the OQS QualificationValidity (1–5) and the reason code
//                 (EligibilityReasonCode), under urn:onshi:fhir:
//                 StructureDefinition:…, so that a FHIR client can tell
//                 該当資格なし from 無効 and act on the cause
//   status        active; purpose: the request's purposes
//   outcome       complete: the check ran, whatever its answer;
//                 disposition = decision.Explanation() (Japanese)
//   insurance[]   per Coverage: inforce = (validity is 有効), benefitPeriod =
//                 the qualification's period. Absent for 該当資格なし (4).
//
// A Coverage period ends the day before 資格喪失年月日 (FHIR periods are
// inclusive, a loss date is the first day without cover); a Coverage lost on
// or before the confirmation date has status "cancelled".
//
// Contains no My Number (the inputs have none) and reads no clock: `created`
// is the caller's timestamp (FHIR dateTime with zone, e.g.
// "2025-06-01T09:30:00+09:00") and `response_id` the caller's id.
#ifndef ONSHI_FHIR_ELIGIBILITY_RESPONSE_HPP_
#define ONSHI_FHIR_ELIGIBILITY_RESPONSE_HPP_

#include <string>
#include <string_view>

#include "core/eligibility.hpp"
#include "fhir/eligibility_request.hpp"

namespace onshi::fhir {

// Japanese name of an OQS QualificationValidity, e.g. "該当資格なし".
std::string_view QualificationValidityName(QualificationValidity v);

// JSON text of the response. `decision` must come from DecideByInsuranceCard
// on request.query and request.confirmation_date; its results must have
// attributes (as every stored Qualification does).
std::string RenderEligibilityResponse(const EligibilityRequest& request,
                                      const EligibilityDecision& decision,
                                      std::string_view response_id, std::string_view created);

}  // namespace onshi::fhir

#endif  // ONSHI_FHIR_ELIGIBILITY_RESPONSE_HPP_
