// libFuzzer target: a FHIR CoverageEligibilityRequest (bare or in
// Parameters) as a modern client sends it to $submit. Beyond not crashing
// under ASan/UBSan: the parser never throws, and a refusal always carries an
// HTTP status and a diagnostic for the OperationOutcome.
//
// Run: build-fuzz/fhir_request_fuzz -max_total_time=60 fuzz/corpus/fhir
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "fhir/eligibility_request.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto parsed = onshi::fhir::ParseEligibilityRequest(body, onshi::Date::FromYmd(2026, 11, 23));
  if (!parsed.ok() && (parsed.error().http_status < 400 || parsed.error().Diagnostics().empty())) {
    std::abort();
  }
  return 0;
}
