// The clinical history as FHIR R4 (issue 18): a searchset Bundle of
// MedicationDispense (調剤) and MedicationStatement (処方), Procedure (診療行為,
// operations among them) or Observation (特定健診) resources with their JP
// Core profiles. The patient is named by the insurance member identifier
// (JP_Insurance_memberID, "保険者番号:記号:番号:枝番") the facility asked
// with; facilities by 医療機関コード. The consent the read relied on is
// carried in Bundle.meta.tag (urn:onshi:fhir:CodeSystem:consent).
#ifndef ONSHI_FHIR_CLINICAL_BUNDLE_HPP_
#define ONSHI_FHIR_CLINICAL_BUNDLE_HPP_

#include <map>
#include <string>
#include <vector>

#include "store/clinical_store.hpp"

namespace onshi::fhir {

struct ClinicalBundleContext {
  std::string bundle_id;
  std::string timestamp;  // UTC ISO
  std::string member_id;  // "保険者番号:記号:番号:枝番"
  std::string consent;    // the consent kind(s) the read relied on
  Date today;             // a course still running today is "active"
  // Display names from the masters, by code (absent: no display).
  std::map<std::string, std::string> names;
};

std::string RenderMedicationBundle(const std::vector<store::MedicineRecord>& medicines,
                                   const ClinicalBundleContext& c);
// `operation`: the codes that are operations (点数表 K).
std::string RenderProcedureBundle(const std::vector<store::ProcedureRecord>& procedures,
                                  const std::map<std::string, bool>& operation,
                                  const ClinicalBundleContext& c);
std::string RenderCheckupBundle(const std::vector<store::CheckupRecord>& checkups,
                                const ClinicalBundleContext& c);

}  // namespace onshi::fhir

#endif  // ONSHI_FHIR_CLINICAL_BUNDLE_HPP_
