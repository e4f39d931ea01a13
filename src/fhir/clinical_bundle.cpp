#include "fhir/clinical_bundle.hpp"

#include <boost/json.hpp>
#include <cstdlib>

#include "fhir/uris.hpp"

namespace onshi::fhir {
namespace json = boost::json;
namespace {

json::object Meta(std::string_view profile) {
  return {{"profile", json::array{profile}}};
}

json::object Subject(const ClinicalBundleContext& c) {
  return {
      {"identifier", json::object{{"system", kSystemInsuranceMemberId}, {"value", c.member_id}}}};
}

json::object FacilityRef(const std::string& code) {
  return {{"identifier", json::object{{"system", kSystemMedicalInstitutionCode}, {"value", code}}}};
}

json::object Concept(std::string_view system, const std::string& code,
                     const ClinicalBundleContext& c) {
  json::object coding{{"system", system}, {"code", code}};
  json::object cc;
  if (auto it = c.names.find(code); it != c.names.end()) {
    coding["display"] = it->second;
    cc["text"] = it->second;
  }
  cc["coding"] = json::array{std::move(coding)};
  return cc;
}

// A decimal text as a JSON number (FHIR decimals are JSON numbers).
json::value Decimal(const std::string& text) {
  if (text.find('.') == std::string::npos) return std::strtoll(text.c_str(), nullptr, 10);
  return std::strtod(text.c_str(), nullptr);
}

std::string Bundle(json::array entries, const ClinicalBundleContext& c) {
  const auto total = static_cast<int64_t>(entries.size());
  json::object b{{"resourceType", "Bundle"},
                 {"id", c.bundle_id},
                 {"meta", json::object{{"tag", json::array{json::object{
                                                   {"system", "urn:onshi:fhir:CodeSystem:consent"},
                                                   {"code", c.consent}}}}}},
                 {"type", "searchset"},
                 {"timestamp", c.timestamp},
                 {"total", total},
                 {"entry", std::move(entries)}};
  return json::serialize(b);
}

json::object Entry(json::object resource) {
  return {{"resource", std::move(resource)}, {"search", json::object{{"mode", "match"}}}};
}

}  // namespace

std::string RenderMedicationBundle(const std::vector<store::MedicineRecord>& medicines,
                                   const ClinicalBundleContext& c) {
  json::array entries;
  for (const store::MedicineRecord& m : medicines) {
    json::object r;
    const std::string last = m.start.AddDays(m.days - 1).ToIso();
    if (m.kind == store::MedicineKind::kDispensed) {
      r = {{"resourceType", "MedicationDispense"},
           {"id", "med-" + std::to_string(m.medicine_id)},
           {"meta", Meta(kJpMedicationDispenseProfile)},
           {"status", "completed"},
           {"medicationCodeableConcept", Concept(kSystemYjCode, m.yj_code, c)},
           {"subject", Subject(c)},
           {"performer", json::array{json::object{{"actor", FacilityRef(m.facility_code)}}}},
           {"quantity", json::object{{"value", Decimal(m.quantity)}, {"unit", m.unit}}},
           {"daysSupply",
            json::object{{"value", m.days}, {"unit", "日"}, {"system", kUcum}, {"code", "d"}}},
           {"whenHandedOver", m.start.ToIso()}};
    } else {
      r = {{"resourceType", "MedicationStatement"},
           {"id", "med-" + std::to_string(m.medicine_id)},
           {"meta", Meta(kJpMedicationStatementProfile)},
           {"status", m.start.AddDays(m.days - 1) < c.today ? "completed" : "active"},
           {"medicationCodeableConcept", Concept(kSystemYjCode, m.yj_code, c)},
           {"subject", Subject(c)},
           {"effectivePeriod", json::object{{"start", m.start.ToIso()}, {"end", last}}},
           {"dateAsserted", m.visit_date.ToIso()},
           {"informationSource", FacilityRef(m.facility_code)},
           {"note", json::array{json::object{{"text", "処方 " + m.quantity + m.unit + " " +
                                                          std::to_string(m.days) + "日分"}}}}};
    }
    entries.push_back(Entry(std::move(r)));
  }
  return Bundle(std::move(entries), c);
}

std::string RenderProcedureBundle(const std::vector<store::ProcedureRecord>& procedures,
                                  const std::map<std::string, bool>& operation,
                                  const ClinicalBundleContext& c) {
  json::array entries;
  for (const store::ProcedureRecord& p : procedures) {
    json::object r{
        {"resourceType", "Procedure"},
        {"id", "proc-" + std::to_string(p.procedure_id)},
        {"meta", Meta(kJpProcedureProfile)},
        {"status", "completed"},
        {"code", Concept(kSystemProcedureCode, p.code, c)},
        {"subject", Subject(c)},
        {"performedDateTime", p.performed_on.ToIso()},
        {"performer", json::array{json::object{{"actor", FacilityRef(p.facility_code)}}}}};
    if (auto it = operation.find(p.code); it != operation.end() && it->second) {
      // SNOMED CT 387713003 |Surgical procedure|, from FHIR's procedure-category examples.
      r["category"] =
          json::object{{"coding", json::array{json::object{{"system", "http://snomed.info/sct"},
                                                           {"code", "387713003"},
                                                           {"display", "Surgical procedure"}}}},
                       {"text", "手術"}};
    }
    entries.push_back(Entry(std::move(r)));
  }
  return Bundle(std::move(entries), c);
}

std::string RenderCheckupBundle(const std::vector<store::CheckupRecord>& checkups,
                                const ClinicalBundleContext& c) {
  json::array entries;
  for (const store::CheckupRecord& k : checkups) {
    json::object r{
        {"resourceType", "Observation"},
        {"id", "chk-" + std::to_string(k.checkup_id)},
        {"meta", Meta(kJpObservationLabResultProfile)},
        {"status", "final"},
        {"category",
         json::array{json::object{
             {"coding", json::array{json::object{{"system", kCodeSystemObservationCategory},
                                                 {"code", "laboratory"}}}}}}},
        {"code", Concept(kSystemCheckupItemCode, k.item_code, c)},
        {"subject", Subject(c)},
        {"effectiveDateTime", k.examined_on.ToIso()}};
    // A number is a Quantity; anything else ("陰性", "(+)") a string.
    char* end = nullptr;
    const double v = std::strtod(k.value.c_str(), &end);
    if (!k.value.empty() && end && *end == '\0') {
      json::object q{{"value", v}};
      if (!k.unit.empty()) q["unit"] = k.unit;
      r["valueQuantity"] = std::move(q);
    } else {
      r["valueString"] = k.value;
    }
    entries.push_back(Entry(std::move(r)));
  }
  return Bundle(std::move(entries), c);
}

}  // namespace onshi::fhir
