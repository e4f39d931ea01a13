// RenderEligibilityResponse: the core's decision as a CoverageEligibilityResponse
// with JP Core Coverages, for each QualificationValidity a facility meets.
#include "fhir/eligibility_response.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <string>
#include <vector>

#include "fhir/jp_coverage.hpp"
#include "fhir/uris.hpp"

namespace onshi::fhir {
namespace {

namespace json = boost::json;

Date D(int y, int m, int d) {
  return Date::FromYmd(y, m, d);
}

const Date kToday = D(2025, 6, 1);
const Date kConfirm = D(2025, 4, 1);
constexpr std::string_view kCreated = "2025-04-01T09:30:00+09:00";

Qualification Linked(int64_t person, std::string insurer, std::string number, std::string branch,
                     Date acquired) {
  Qualification q;
  q.person_id = person;
  q.insurer_number = std::move(insurer);
  q.insurer_name = "オンシ健康保険組合";
  q.symbol = "12-34";
  q.number = std::move(number);
  q.branch = std::move(branch);
  q.birth_date = D(1980, 5, 15);
  q.sex = Sex::kFemale;
  q.acquired = acquired;
  q.copay_percent = 30;
  q.linkage = LinkageState::kLinked;
  q.submitted_on = acquired;
  q.linked_on = acquired.AddDays(3);
  q.attributes.push_back(
      {acquired, "試験　花子", "シケン　ハナコ", "試験　一郎", "100-0001", "東京都千代田区"});
  return q;
}

EligibilityRequest Request(std::string branch = "") {
  EligibilityRequest r;
  r.id = "req-1";
  r.identifier = RequestIdentifier{"urn:example:clinic:request", "A-0001"};
  r.purposes = {Purpose::kValidation};
  r.query = {"06139992", "12-34", "567", std::move(branch), D(1980, 5, 15)};
  r.confirmation_date = kConfirm;
  return r;
}

json::object Render(const EligibilityRequest& r, const std::vector<Qualification>& records,
                    EligibilityDecision* out = nullptr) {
  const EligibilityDecision d =
      DecideByInsuranceCard(r.query, records, r.confirmation_date, kToday);
  if (out != nullptr) *out = d;
  const std::string text = RenderEligibilityResponse(r, d, "resp-1", kCreated);
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  EXPECT_FALSE(ec) << "not JSON: " << text;
  EXPECT_TRUE(v.is_object());
  return v.is_object() ? v.get_object() : json::object{};
}

// The contained resource with this id.
const json::object& Contained(const json::object& r, std::string_view id) {
  for (const json::value& c : r.at("contained").as_array()) {
    if (c.as_object().at("id").as_string() == id) return c.as_object();
  }
  ADD_FAILURE() << "no contained " << id;
  static const json::object kEmpty;
  return kEmpty;
}

// valueCoding.code of the extension with `url`, or "" when absent.
std::string ExtensionCode(const json::object& r, std::string_view url) {
  for (const json::value& e : r.at("extension").as_array()) {
    if (e.as_object().at("url").as_string() == url) {
      return std::string(e.as_object().at("valueCoding").as_object().at("code").as_string());
    }
  }
  return "";
}

std::string StringExtension(const json::object& resource, std::string_view url) {
  for (const json::value& e : resource.at("extension").as_array()) {
    if (e.as_object().at("url").as_string() == url) {
      return std::string(e.as_object().at("valueString").as_string());
    }
  }
  return "<absent>";
}

std::string IdentifierValue(const json::object& resource, std::string_view system) {
  for (const json::value& e : resource.at("identifier").as_array()) {
    if (e.as_object().at("system").as_string() == system) {
      return std::string(e.as_object().at("value").as_string());
    }
  }
  return "<absent>";
}

std::string Str(const json::value& v) {
  return std::string(v.as_string());
}

// Every JSON number in `v`, by path. FHIR JSON has numbers only for decimal,
// integer and friends; here that is Quantity.value alone.
void CollectNumbers(const json::value& v, const std::string& path, std::vector<std::string>& out) {
  if (v.is_number()) out.push_back(path);
  if (v.is_object()) {
    for (const auto& [k, child] : v.get_object()) {
      CollectNumbers(child, path + "/" + std::string(k), out);
    }
  }
  if (v.is_array()) {
    for (const json::value& child : v.get_array())
      CollectNumbers(child, path + "[]", out);
  }
}

void ExpectNumbersOnlyInQuantities(const json::object& r) {
  std::vector<std::string> numbers;
  CollectNumbers(r, "", numbers);
  for (const std::string& p : numbers) {
    EXPECT_EQ(p, "/contained[]/costToBeneficiary[]/valueQuantity/value");
  }
}

TEST(FhirResponse, ValidDependentWithLostDate) {
  Qualification q = Linked(1, "06139992", "567", "02", D(2020, 4, 1));
  q.personal_family = PersonalFamily::kDependent;
  q.lost = D(2025, 10, 1);  // still covered on kConfirm
  const json::object r = Render(Request(), {q});

  EXPECT_EQ(Str(r.at("resourceType")), "CoverageEligibilityResponse");
  EXPECT_EQ(Str(r.at("id")), "resp-1");
  EXPECT_EQ(Str(r.at("status")), "active");
  EXPECT_EQ(r.at("purpose"), json::array{"validation"});
  EXPECT_EQ(Str(r.at("servicedDate")), "2025-04-01");
  EXPECT_EQ(Str(r.at("created")), kCreated);
  EXPECT_EQ(Str(r.at("outcome")), "complete");
  EXPECT_EQ(Str(r.at("disposition")), "資格(有効)");
  EXPECT_EQ(ExtensionCode(r, kExtQualificationValidity), "1");
  EXPECT_EQ(ExtensionCode(r, kExtEligibilityReason), "valid");
  EXPECT_EQ(r.at("request").at("identifier").at("value"), "A-0001");
  EXPECT_EQ(r.at("request").at("identifier").at("system"), "urn:example:clinic:request");

  // insurer → contained Organization with name and insurer number.
  EXPECT_EQ(Str(r.at("insurer").at("reference")), "#insurer-06139992");
  const json::object& org = Contained(r, "insurer-06139992");
  EXPECT_EQ(Str(org.at("name")), "オンシ健康保険組合");
  EXPECT_EQ(IdentifierValue(org, kSystemInsurerNumber), "06139992");

  // patient: JP Core kanji and kana names, gender, birthDate.
  EXPECT_EQ(Str(r.at("patient").at("reference")), "#patient");
  const json::object& patient = Contained(r, "patient");
  EXPECT_EQ(Str(patient.at("gender")), "female");
  EXPECT_EQ(Str(patient.at("birthDate")), "1980-05-15");
  const json::array& names = patient.at("name").as_array();
  ASSERT_EQ(names.size(), 2u);
  EXPECT_EQ(Str(names[0].at("text")), "試験 花子");
  EXPECT_EQ(Str(names[0].at("family")), "試験");
  EXPECT_EQ(Str(names[0].at("extension").as_array()[0].at("valueCode")), "IDE");
  EXPECT_EQ(Str(names[1].at("text")), "シケン ハナコ");
  EXPECT_EQ(Str(names[1].at("extension").as_array()[0].at("url")), kExtNameRepresentation);
  EXPECT_EQ(Str(names[1].at("extension").as_array()[0].at("valueCode")), "SYL");

  // insurance[0] → the JP Core Coverage.
  const json::array& insurance = r.at("insurance").as_array();
  ASSERT_EQ(insurance.size(), 1u);
  EXPECT_EQ(insurance[0].at("inforce"), true);
  EXPECT_EQ(Str(insurance[0].at("benefitPeriod").at("start")), "2020-04-01");
  EXPECT_EQ(Str(insurance[0].at("benefitPeriod").at("end")), "2025-09-30");
  EXPECT_EQ(Str(insurance[0].at("coverage").at("reference")), "#coverage-1");
  const json::object& c = Contained(r, "coverage-1");
  EXPECT_EQ(c.at("meta").at("profile"), json::array{json::string(kJpCoverageProfile)});
  EXPECT_EQ(StringExtension(c, kExtInsuredPersonSymbol), "１２－３４");
  EXPECT_EQ(StringExtension(c, kExtInsuredPersonNumber), "５６７");
  EXPECT_EQ(StringExtension(c, kExtInsuredPersonSubNumber), "02");
  EXPECT_EQ(IdentifierValue(c, kSystemInsuranceMemberId), "06139992:１２－３４:５６７:02");
  EXPECT_EQ(IdentifierValue(c, kSystemCoverageCsvId),
            "\"06139992\",\"１２－３４\",\"５６７\",\"02\"");
  EXPECT_EQ(Str(c.at("subscriberId")), "１２－３４:５６７");
  EXPECT_EQ(Str(c.at("subscriber").at("display")), "試験　一郎");
  EXPECT_EQ(Str(c.at("dependent")), "02");
  EXPECT_EQ(Str(c.at("status")), "active");
  const json::value& rel = c.at("relationship").at("coding").as_array()[0];
  EXPECT_EQ(Str(rel.at("system")), kCodeSystemInsuredPersonCategory);
  EXPECT_EQ(Str(rel.at("code")), "2");
  EXPECT_EQ(Str(rel.at("display")), "被扶養者");
  EXPECT_EQ(Str(c.at("period").at("end")), "2025-09-30");
  EXPECT_EQ(Str(c.at("beneficiary").at("reference")), "#patient");
  EXPECT_EQ(Str(c.at("payor").as_array()[0].at("reference")), "#insurer-06139992");
  const json::value& cost = c.at("costToBeneficiary").as_array()[0];
  EXPECT_EQ(Str(cost.at("type").at("coding").as_array()[0].at("code")), "copaypct");
  EXPECT_EQ(cost.at("valueQuantity").at("value").to_number<int>(), 30);
  EXPECT_EQ(Str(cost.at("valueQuantity").at("unit")), "%");

  ExpectNumbersOnlyInQuantities(r);
}

TEST(FhirResponse, InsuredPersonAndElderlyCopay) {
  Qualification q = Linked(1, "06139992", "567", "01", D(2020, 4, 1));
  q.elderly = ElderlyRecipient{D(2024, 8, 1), D(2024, 8, 1), D(2026, 7, 31), 20};
  const json::object r = Render(Request(), {q});
  const json::object& c = Contained(r, "coverage-1");
  EXPECT_EQ(Str(c.at("relationship").at("coding").as_array()[0].at("code")), "1");
  EXPECT_FALSE(c.contains("subscriber"));
  EXPECT_FALSE(c.at("period").as_object().contains("end"));
  EXPECT_EQ(
      c.at("costToBeneficiary").as_array()[0].at("valueQuantity").at("value").to_number<int>(), 20);
}

int CopayOn(const Qualification& q, Date on) {
  return JpCoverage(q, on, "c", "#p", "#i")
      .at("costToBeneficiary")
      .as_array()[0]
      .at("valueQuantity")
      .at("value")
      .to_number<int>();
}

// Issue 14, R-FAC-9: the ratio is the one in force on the day asked about,
// not the one reception stored at acquisition.
TEST(FhirResponse, CopayFollowsTheLawUnlessFiled) {
  Qualification child = Linked(1, "06139992", "567", "02", D(2019, 5, 1));
  child.birth_date = D(2019, 4, 2);
  child.copay_percent = 20;  // the law's on the first day, not filed
  EXPECT_EQ(CopayOn(child, D(2026, 3, 31)), 20);
  EXPECT_EQ(CopayOn(child, D(2026, 4, 1)), 30);  // past the school-age March
  Qualification late = Linked(1, "39139999", "567", "00", D(2020, 4, 1));
  late.birth_date = D(1945, 2, 10);
  late.copay_percent = 20;  // what reception used to store for anyone over 70
  EXPECT_EQ(CopayOn(late, D(2025, 6, 1)), 10);
  late.copay_filed = true;
  late.copay_percent = 30;  // 現役並み所得, filed by the 広域連合
  EXPECT_EQ(CopayOn(late, D(2025, 6, 1)), 30);
  Qualification seventy = Linked(1, "06139992", "567", "00", D(2020, 4, 1));
  seventy.birth_date = D(1955, 5, 15);
  seventy.copay_percent = 30;
  EXPECT_EQ(CopayOn(seventy, D(2025, 5, 31)), 30);
  EXPECT_EQ(CopayOn(seventy, D(2025, 6, 1)), 20);  // 高齢受給者 from the next month
}

TEST(FhirResponse, NewQualificationExists) {
  Qualification old = Linked(1, "06139992", "567", "01", D(2015, 4, 1));
  old.lost = D(2025, 1, 1);
  Qualification now = Linked(1, "01040013", "9", "00", D(2025, 1, 1));
  const json::object r = Render(Request(), {old, now});
  EXPECT_EQ(ExtensionCode(r, kExtQualificationValidity), "3");
  EXPECT_EQ(ExtensionCode(r, kExtEligibilityReason), "new_qualification_exists");
  const json::array& insurance = r.at("insurance").as_array();
  ASSERT_EQ(insurance.size(), 1u);
  EXPECT_EQ(insurance[0].at("inforce"), false);
  EXPECT_EQ(Str(insurance[0].at("benefitPeriod").at("end")), "2024-12-31");
  const json::object& c = Contained(r, "coverage-1");
  EXPECT_EQ(Str(c.at("status")), "cancelled");
  EXPECT_EQ(IdentifierValue(c, kSystemInsuranceMemberId), "06139992:１２－３４:５６７:01");
  // The new qualification is not disclosed through the old card.
  EXPECT_EQ(json::serialize(r).find("01040013"), std::string::npos);
  ExpectNumbersOnlyInQuantities(r);
}

TEST(FhirResponse, NotFoundHasNoInsurance) {
  const json::object r = Render(Request(), {});
  EXPECT_EQ(ExtensionCode(r, kExtQualificationValidity), "4");
  EXPECT_EQ(ExtensionCode(r, kExtEligibilityReason), "no_record");
  EXPECT_FALSE(r.contains("insurance"));
  EXPECT_EQ(json::serialize(r).find("inforce"), std::string::npos);
  EXPECT_EQ(json::serialize(r).find("\"Coverage\""), std::string::npos);
  // Still a complete answer, with the insurer asked about and the patient's birthDate.
  EXPECT_EQ(Str(r.at("outcome")), "complete");
  EXPECT_EQ(Str(r.at("insurer").at("reference")), "#insurer-06139992");
  const json::object& patient = Contained(r, "patient");
  EXPECT_EQ(Str(patient.at("birthDate")), "1980-05-15");
  EXPECT_FALSE(patient.contains("name"));
  EXPECT_NE(Str(r.at("disposition")).find("資格情報なし"), std::string::npos);
  ExpectNumbersOnlyInQuantities(r);
}

TEST(FhirResponse, LinkagePendingCarriesTimeLag) {
  Qualification q = Linked(1, "06139992", "567", "01", D(2025, 5, 1));
  q.linkage = LinkageState::kSubmitted;
  q.linked_on.reset();
  EligibilityRequest req = Request();
  req.confirmation_date = D(2025, 5, 20);
  const json::object r = Render(req, {q});
  EXPECT_EQ(ExtensionCode(r, kExtQualificationValidity), "4");
  EXPECT_EQ(ExtensionCode(r, kExtEligibilityReason), "linkage_pending");
  bool found = false;
  for (const json::value& e : r.at("extension").as_array()) {
    if (e.at("url").as_string() == kExtLikelyTimeLag) {
      found = true;
      EXPECT_EQ(e.at("valueBoolean"), true);
    }
  }
  EXPECT_TRUE(found);
}

TEST(FhirResponse, MultipleMatchesListsBothAndNamesNoOne) {
  // Twins under one number, 枝番 omitted in the query.
  Qualification a = Linked(1, "06139992", "567", "02", D(2020, 4, 1));
  Qualification b = Linked(2, "06139992", "567", "03", D(2020, 4, 1));
  b.attributes[0].name = "試験　桃子";
  const json::object r = Render(Request(""), {a, b});
  EXPECT_EQ(ExtensionCode(r, kExtQualificationValidity), "5");
  EXPECT_EQ(ExtensionCode(r, kExtEligibilityReason), "multiple_matches");
  const json::array& insurance = r.at("insurance").as_array();
  ASSERT_EQ(insurance.size(), 2u);
  for (const json::value& i : insurance)
    EXPECT_EQ(i.at("inforce"), false);
  EXPECT_EQ(StringExtension(Contained(r, "coverage-1"), kExtInsuredPersonSubNumber), "02");
  EXPECT_EQ(StringExtension(Contained(r, "coverage-2"), kExtInsuredPersonSubNumber), "03");
  const json::object& patient = Contained(r, "patient");
  EXPECT_FALSE(patient.contains("name"));
  EXPECT_FALSE(patient.contains("gender"));
  ExpectNumbersOnlyInQuantities(r);
}

TEST(FhirResponse, ProviderAndIdEcho) {
  EligibilityRequest req = Request();
  req.identifier.reset();
  req.provider = *MedicalInstitutionCode::Parse("0110113719");
  req.purposes = {Purpose::kDiscovery};
  const json::object r = Render(req, {});
  EXPECT_EQ(Str(r.at("request").at("reference")), "CoverageEligibilityRequest/req-1");
  EXPECT_EQ(Str(r.at("requestor").at("reference")), "#provider");
  EXPECT_EQ(IdentifierValue(Contained(r, "provider"), kSystemMedicalInstitutionCode), "0110113719");
  EXPECT_EQ(r.at("purpose"), json::array{"discovery"});
}

TEST(FhirResponse, EveryContainedResourceIsReferenced) {
  // R4 dom-3: a contained resource must be referenced from the container.
  Qualification old = Linked(1, "06139992", "567", "01", D(2015, 4, 1));
  old.lost = D(2025, 1, 1);
  EligibilityRequest req = Request();
  req.provider = *MedicalInstitutionCode::Parse("0110113719");
  const json::object r = Render(req, {old});
  const std::string text = json::serialize(r);
  for (const json::value& c : r.at("contained").as_array()) {
    const std::string ref = "\"#" + Str(c.at("id")) + "\"";
    EXPECT_NE(text.find(ref), std::string::npos) << ref;
  }
}

TEST(FhirResponse, ValidityNames) {
  EXPECT_EQ(QualificationValidityName(QualificationValidity::kNotFound), "該当資格なし");
  EXPECT_EQ(QualificationValidityName(QualificationValidity::kInvalid), "無効");
}

}  // namespace
}  // namespace onshi::fhir
