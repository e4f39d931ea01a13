// RenderCapabilityStatement (capability_statement.hpp).
#include "fhir/capability_statement.hpp"

#include <boost/json.hpp>

#include "fhir/uris.hpp"

namespace onshi::fhir {

namespace json = boost::json;

std::string RenderCapabilityStatement(const CapabilityInfo& info) {
  json::object software{{"name", "onshi"}};
  if (!info.software_version.empty()) software["version"] = info.software_version;

  json::object submit{
      {"name", "submit"},
      {"definition", kSubmitOperationDefinition},
      {"documentation",
       "資格確認 by insurance-card keys: a CoverageEligibilityRequest (or Parameters with "
       "parameter 'resource') with a contained Patient (birthDate) and a contained JP Core "
       "Coverage; answers a CoverageEligibilityResponse."},
  };
  json::object resource{
      {"type", "CoverageEligibilityRequest"},
      {"operation", json::array{std::move(submit)}},
  };

  json::object s;
  s["resourceType"] = "CapabilityStatement";
  s["status"] = "active";
  s["date"] = info.date;
  s["kind"] = "instance";
  s["software"] = std::move(software);
  // kind "instance" requires implementation (R4 cpb-2); its url is optional.
  json::object implementation{{"description", "onshi online eligibility (オンライン資格確認)"}};
  if (!info.base_url.empty()) implementation["url"] = info.base_url;
  s["implementation"] = std::move(implementation);
  s["fhirVersion"] = kFhirVersion;
  s["format"] = json::array{"json"};
  s["rest"] = json::array{json::object{
      {"mode", "server"},
      {"resource", json::array{std::move(resource)}},
  }};
  return json::serialize(s);
}

}  // namespace onshi::fhir
