// RenderEligibilityResponse (eligibility_response.hpp).
#include "fhir/eligibility_response.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "fhir/jp_coverage.hpp"
#include "fhir/uris.hpp"

namespace onshi::fhir {

namespace json = boost::json;

namespace {

constexpr std::string_view kPatientId = "patient";
constexpr std::string_view kProviderId = "provider";

std::string LocalRef(std::string_view id) {
  return "#" + std::string(id);
}

json::object Reference(std::string_view target) {
  return json::object{{"reference", target}};
}

json::object Coding(std::string_view system, std::string_view code, std::string_view display) {
  json::object c{{"system", system}, {"code", code}};
  if (!display.empty()) c["display"] = display;
  return c;
}

std::string InsurerId(std::string_view insurer_number) {
  return "insurer-" + std::string(insurer_number);
}

std::string_view Gender(Sex s) {
  switch (s) {
    case Sex::kMale:
      return "male";
    case Sex::kFemale:
      return "female";
    case Sex::kUnset:
      break;
  }
  return "unknown";
}

// A JP Core HumanName: `representation` IDE (漢字) or SYL (カナ). The core
// separates family and given name with U+3000; JP Core's text uses one
// half-width space (JP_HumanName notes, "SHALL").
json::object HumanName(std::string_view full, std::string_view representation) {
  constexpr std::string_view kIdeographicSpace = "\xE3\x80\x80";
  json::object name;
  name["extension"] =
      json::array{json::object{{"url", kExtNameRepresentation}, {"valueCode", representation}}};
  name["use"] = "official";
  const std::size_t gap = full.find(kIdeographicSpace);
  if (gap == std::string_view::npos) {
    name["text"] = full;
    return name;
  }
  const std::string_view family = full.substr(0, gap);
  const std::string_view given = full.substr(gap + kIdeographicSpace.size());
  name["text"] = std::string(family) + " " + std::string(given);
  name["family"] = family;
  name["given"] = json::array{json::string(given)};
  return name;
}

// Names and gender only when every result is the same person: 複数該当 may be
// twins under one card number, and showing one twin's name would misinform.
json::object Patient(const EligibilityRequest& request, const EligibilityDecision& decision) {
  json::object p{{"resourceType", "Patient"}, {"id", kPatientId}};
  const auto& results = decision.results;
  const bool one_person = decision.validity != QualificationValidity::kNotFound &&
                          !results.empty() &&
                          std::all_of(results.begin(), results.end(), [&](const Qualification* q) {
                            return q->person_id == results.front()->person_id;
                          });
  if (one_person && !results.front()->attributes.empty()) {
    const MemberAttributes& a = results.front()->AttributesOn(request.confirmation_date);
    json::array names;
    if (!a.name.empty()) names.push_back(HumanName(a.name, "IDE"));
    if (!a.name_kana.empty()) names.push_back(HumanName(a.name_kana, "SYL"));
    if (!names.empty()) p["name"] = std::move(names);
  }
  if (one_person) p["gender"] = Gender(results.front()->sex);
  p["birthDate"] = request.query.birth_date.ToIso();
  return p;
}

json::object Organization(std::string_view id, std::string_view insurer_number,
                          std::string_view name) {
  json::object o{{"resourceType", "Organization"}, {"id", id}};
  o["identifier"] =
      json::array{json::object{{"system", kSystemInsurerNumber}, {"value", insurer_number}}};
  if (!name.empty()) o["name"] = name;
  return o;
}

json::object Provider(const MedicalInstitutionCode& code) {
  json::object o{{"resourceType", "Organization"}, {"id", kProviderId}};
  o["identifier"] = json::array{
      json::object{{"system", kSystemMedicalInstitutionCode}, {"value", code.digits()}}};
  return o;
}

json::array Extensions(const EligibilityDecision& d) {
  json::array ext;
  const std::string code = std::to_string(static_cast<int>(d.validity));
  ext.push_back(json::object{
      {"url", kExtQualificationValidity},
      {"valueCoding",
       Coding(kCodeSystemQualificationValidity, code, QualificationValidityName(d.validity))},
  });
  ext.push_back(json::object{
      {"url", kExtEligibilityReason},
      {"valueCoding", Coding(kCodeSystemEligibilityReason, EligibilityReasonCode(d.reason), "")},
  });
  if (d.reason == EligibilityReason::kLinkagePending) {
    ext.push_back(json::object{{"url", kExtLikelyTimeLag}, {"valueBoolean", d.likely_time_lag}});
  }
  if (d.card_in_grace) {
    ext.push_back(json::object{{"url", kExtCardInGrace}, {"valueBoolean", true}});
  }
  return ext;
}

json::object RequestEcho(const EligibilityRequest& request) {
  if (request.identifier) {
    json::object id;
    if (!request.identifier->system.empty()) id["system"] = request.identifier->system;
    id["value"] = request.identifier->value;
    return json::object{{"identifier", std::move(id)}};
  }
  if (request.id) return Reference("CoverageEligibilityRequest/" + *request.id);
  // Reference needs some content, and `request` is 1..1.
  return json::object{{"display", "CoverageEligibilityRequest without id or identifier"}};
}

}  // namespace

std::string_view QualificationValidityName(QualificationValidity v) {
  switch (v) {
    case QualificationValidity::kValid:
      return "有効";
    case QualificationValidity::kInvalid:
      return "無効";
    case QualificationValidity::kInvalidNewQualification:
      return "無効（新しい資格あり）";
    case QualificationValidity::kNotFound:
      return "該当資格なし";
    case QualificationValidity::kMultipleMatches:
      return "複数該当";
  }
  return "";
}

std::string RenderEligibilityResponse(const EligibilityRequest& request,
                                      const EligibilityDecision& decision,
                                      std::string_view response_id, std::string_view created) {
  const Date on = request.confirmation_date;
  // validity 4 lists nothing even if the core handed back records: the
  // facility is told there is no qualification, so no Coverage may suggest one.
  const bool list = decision.validity != QualificationValidity::kNotFound;

  json::array contained;
  contained.push_back(Patient(request, decision));

  // One Organization per insurer, the queried one first (it is `insurer`).
  std::vector<std::string> insurers = {request.query.insurer_number};
  if (list) {
    for (const Qualification* q : decision.results) {
      if (std::find(insurers.begin(), insurers.end(), q->insurer_number) == insurers.end()) {
        insurers.push_back(q->insurer_number);
      }
    }
  }
  for (const std::string& number : insurers) {
    std::string_view name;
    for (const Qualification* q : decision.results) {
      if (q->insurer_number == number && !q->insurer_name.empty()) {
        name = q->insurer_name;
        break;
      }
    }
    contained.push_back(Organization(InsurerId(number), number, name));
  }
  if (request.provider) contained.push_back(Provider(*request.provider));

  json::array insurance;
  if (list) {
    const bool inforce = decision.validity == QualificationValidity::kValid;
    for (std::size_t i = 0; i < decision.results.size(); ++i) {
      const Qualification& q = *decision.results[i];
      const std::string id = "coverage-" + std::to_string(i + 1);
      contained.push_back(
          JpCoverage(q, on, id, LocalRef(kPatientId), LocalRef(InsurerId(q.insurer_number))));
      insurance.push_back(json::object{
          {"coverage", Reference(LocalRef(id))},
          {"inforce", inforce},
          {"benefitPeriod", QualificationPeriod(q)},
      });
    }
  }

  json::array purposes;
  for (Purpose p : request.purposes)
    purposes.push_back(json::string(PurposeCode(p)));
  if (purposes.empty()) purposes.push_back("validation");

  json::object r;
  r["resourceType"] = "CoverageEligibilityResponse";
  r["id"] = response_id;
  r["contained"] = std::move(contained);
  r["extension"] = Extensions(decision);
  r["status"] = "active";
  r["purpose"] = std::move(purposes);
  r["patient"] = Reference(LocalRef(kPatientId));
  r["servicedDate"] = on.ToIso();
  r["created"] = created;
  if (request.provider) r["requestor"] = Reference(LocalRef(kProviderId));
  r["request"] = RequestEcho(request);
  r["outcome"] = "complete";
  r["disposition"] = decision.Explanation();
  r["insurer"] = Reference(LocalRef(InsurerId(request.query.insurer_number)));
  if (!insurance.empty()) r["insurance"] = std::move(insurance);
  return json::serialize(r);
}

}  // namespace onshi::fhir
