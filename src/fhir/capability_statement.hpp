// The CapabilityStatement for GET [base]/metadata.
//
// Minimal and truthful: FHIR 4.0.1, JSON only, and the one thing this server
// does in FHIR, the $submit operation on CoverageEligibilityRequest (which
// answers a CoverageEligibilityResponse or an OperationOutcome). No resource
// is readable or searchable, so no interactions are listed; a client that
// reads this statement must not expect Coverage reads.
#ifndef ONSHI_FHIR_CAPABILITY_STATEMENT_HPP_
#define ONSHI_FHIR_CAPABILITY_STATEMENT_HPP_

#include <string>
#include <string_view>

namespace onshi::fhir {

struct CapabilityInfo {
  // CapabilityStatement.date (1..1): when this statement last changed, e.g.
  // the build or release date ("2025-06-01"). A parameter: no clock here.
  std::string date;
  std::string software_version;  // e.g. "0.1.0"; omitted when empty
  std::string base_url;          // implementation.url, e.g. "https://…/fhir"; omitted when empty
};

// JSON text of the CapabilityStatement.
std::string RenderCapabilityStatement(const CapabilityInfo& info);

}  // namespace onshi::fhir

#endif  // ONSHI_FHIR_CAPABILITY_STATEMENT_HPP_
