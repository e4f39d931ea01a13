// JpCoverage (jp_coverage.hpp).
#include "fhir/jp_coverage.hpp"

#include <string>

#include "core/copay.hpp"
#include "core/insurer_number.hpp"
#include "fhir/full_width.hpp"
#include "fhir/uris.hpp"

namespace onshi::fhir {

namespace json = boost::json;

namespace {

json::object StringExtension(std::string_view url, std::string value) {
  return json::object{{"url", url}, {"valueString", std::move(value)}};
}

json::object Reference(std::string_view target) {
  return json::object{{"reference", target}};
}

}  // namespace

json::object QualificationPeriod(const Qualification& q) {
  json::object period{{"start", q.acquired.ToIso()}};
  // FHIR Period.end is the last day in the period; 資格喪失年月日 is the first
  // day outside it.
  if (q.lost) period["end"] = q.lost->AddDays(-1).ToIso();
  return period;
}

json::object JpCoverage(const Qualification& q, Date on, std::string_view id,
                        std::string_view beneficiary, std::string_view payor) {
  const std::string symbol = ToFullWidth(q.symbol);
  const std::string number = ToFullWidth(q.number);
  const bool dependent = q.personal_family == PersonalFamily::kDependent;

  json::object c;
  c["resourceType"] = "Coverage";
  c["id"] = id;
  c["meta"] = json::object{{"profile", json::array{json::string(kJpCoverageProfile)}}};

  json::array extensions;
  if (!symbol.empty()) extensions.push_back(StringExtension(kExtInsuredPersonSymbol, symbol));
  extensions.push_back(StringExtension(kExtInsuredPersonNumber, number));
  if (!q.branch.empty()) {
    extensions.push_back(StringExtension(kExtInsuredPersonSubNumber, q.branch));
  }
  c["extension"] = std::move(extensions);

  // JP Core: absent parts are empty strings, so the positions stay fixed.
  const std::string member_id = q.insurer_number + ":" + symbol + ":" + number + ":" + q.branch;
  const std::string csv_id =
      "\"" + q.insurer_number + "\",\"" + symbol + "\",\"" + number + "\",\"" + q.branch + "\"";
  c["identifier"] = json::array{
      json::object{{"system", kSystemInsuranceMemberId}, {"value", member_id}},
      json::object{{"system", kSystemCoverageCsvId}, {"value", csv_id}},
  };

  const bool lost_by_then = q.lost.has_value() && *q.lost <= on;
  c["status"] = lost_by_then ? "cancelled" : "active";
  if (const Expected<InsurerNumber> insurer = InsurerNumber::Parse(q.insurer_number)) {
    c["type"] = json::object{{"text", InsurerCategoryName(insurer->category())}};
  }
  if (dependent && !q.attributes.empty()) {
    const std::string& insured = q.AttributesOn(on).insured_name;
    if (!insured.empty()) c["subscriber"] = json::object{{"display", insured}};
  }
  c["subscriberId"] = symbol + ":" + number;
  c["beneficiary"] = Reference(beneficiary);
  if (!q.branch.empty()) c["dependent"] = q.branch;
  c["relationship"] = json::object{{"coding", json::array{json::object{
                                                  {"system", kCodeSystemInsuredPersonCategory},
                                                  {"code", dependent ? "2" : "1"},
                                                  {"display", dependent ? "被扶養者" : "被保険者"},
                                              }}}};
  c["period"] = QualificationPeriod(q);
  c["payor"] = json::array{Reference(payor)};

  // The ratio in force on `on` (R-FAC-9): a 高齢受給者証's (filed, or the
  // law's from the month after the 70th birthday), else the filed ratio or
  // the law's (core/copay.hpp), never the one stored at acquisition.
  const std::optional<ElderlyRecipient> elderly = ElderlyRecipientOn(q, on);
  const int copay = elderly ? elderly->copay_percent : CopayPercentOn(q, on);
  c["costToBeneficiary"] = json::array{json::object{
      {"type", json::object{{"coding", json::array{json::object{
                                           {"system", kCodeSystemCopayType},
                                           {"code", "copaypct"},
                                       }}}}},
      {"valueQuantity",
       json::object{{"value", copay}, {"unit", "%"}, {"system", kUcum}, {"code", "%"}}},
  }};
  return c;
}

}  // namespace onshi::fhir
