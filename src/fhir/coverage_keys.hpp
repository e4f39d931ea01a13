// The insurance-card keys a JP Core Coverage carries (internal to src/fhir).
//
// 記号・番号・枝番 come from the three JP_Coverage_InsuredPerson* extensions,
// or from the insuranceIdentifier slice "保険者番号:記号:番号:枝番" (exactly four
// parts around ASCII ':'; an empty part means absent). The 保険者番号 comes from
// payor (an Organization identifier in the InsurerNumber system or its OID,
// contained or logical), or from that same slice. A client may send both
// forms; they must then agree after normalisation, since a silent choice
// between two different cards would check the wrong person.
//
// Values are normalised as the core does: InsuredCardId for 記号・番号・枝番
// (full-width ASCII to half-width, trimmed), and the same folding before
// InsurerNumber::Parse, so "０６１３９９９２" is accepted.
#ifndef ONSHI_FHIR_COVERAGE_KEYS_HPP_
#define ONSHI_FHIR_COVERAGE_KEYS_HPP_

#include <boost/json.hpp>

#include <optional>
#include <string_view>

#include "core/eligibility.hpp"
#include "fhir/contained.hpp"
#include "fhir/json_reader.hpp"

namespace onshi::fhir {

// The query keys of the Coverage at `path`; birth_date is left unset. nullopt
// after recording an issue (422 for keys that are missing or break the
// core's rules).
std::optional<InsuranceCardQuery> ReadCoverageKeys(Reader& reader, const Contained& contained,
                                                   const boost::json::object& coverage,
                                                   std::string_view path);

}  // namespace onshi::fhir

#endif  // ONSHI_FHIR_COVERAGE_KEYS_HPP_
