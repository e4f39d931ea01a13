// ParseEligibilityRequest: the $submit body read into the core's
// InsuranceCardQuery, and every refusal as an Issue naming the FHIRPath of
// the element at fault.
#include "fhir/eligibility_request.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <string>

#include "fhir/uris.hpp"

namespace onshi::fhir {
namespace {

namespace json = boost::json;

const Date kToday = Date::FromYmd(2025, 6, 1);
constexpr std::string_view kCoverage = "CoverageEligibilityRequest.insurance[0].coverage";

json::object Ext(std::string_view url, std::string_view value) {
  return json::object{{"url", url}, {"valueString", value}};
}

// contained[3] is the Coverage, contained[1] the insurer Organization.
json::object& CoverageOf(json::object& request) {
  return request["contained"].as_array()[3].as_object();
}

// A complete request in JP Core form: keys in the extensions, the insurer
// number on the payor Organization, a provider.
json::object ValidRequest() {
  json::object patient{{"resourceType", "Patient"}, {"id", "pat"}, {"birthDate", "1980-05-15"}};
  json::object insurer{{"resourceType", "Organization"},
                       {"id", "ins"},
                       {"identifier", json::array{json::object{{"system", kSystemInsurerNumber},
                                                               {"value", "06139992"}}}}};
  json::object clinic{
      {"resourceType", "Organization"},
      {"id", "clinic"},
      {"identifier", json::array{json::object{{"system", kSystemMedicalInstitutionCode},
                                              {"value", "0110113719"}}}}};
  json::object coverage{{"resourceType", "Coverage"},
                        {"id", "cov"},
                        {"extension", json::array{Ext(kExtInsuredPersonSymbol, "12-34"),
                                                  Ext(kExtInsuredPersonNumber, "567"),
                                                  Ext(kExtInsuredPersonSubNumber, "01")}},
                        {"status", "active"},
                        {"beneficiary", json::object{{"reference", "#pat"}}},
                        {"payor", json::array{json::object{{"reference", "#ins"}}}}};
  json::object r;
  r["resourceType"] = "CoverageEligibilityRequest";
  r["id"] = "req-1";
  r["identifier"] =
      json::array{json::object{{"system", "urn:example:clinic:request"}, {"value", "A-0001"}}};
  r["contained"] = json::array{patient, insurer, clinic, coverage};
  r["status"] = "active";
  r["purpose"] = json::array{"validation"};
  r["patient"] = json::object{{"reference", "#pat"}};
  r["servicedDate"] = "2025-04-01";
  r["created"] = "2025-04-01T09:00:00+09:00";
  r["provider"] = json::object{{"reference", "#clinic"}};
  r["insurer"] = json::object{{"reference", "#ins"}};
  r["insurance"] =
      json::array{json::object{{"focal", true}, {"coverage", json::object{{"reference", "#cov"}}}}};
  return r;
}

Parsed<EligibilityRequest> Parse(const json::object& request) {
  return ParseEligibilityRequest(json::serialize(request), kToday);
}

// The issue of a failed parse, or a test failure.
Issue IssueOf(const Parsed<EligibilityRequest>& p) {
  if (p.ok()) {
    ADD_FAILURE() << "expected a refusal, the request was accepted";
    return {};
  }
  return p.error();
}

TEST(FhirRequest, ValidRequestGivesTheQuery) {
  const auto p = Parse(ValidRequest());
  ASSERT_TRUE(p.ok()) << p.error().Diagnostics();
  EXPECT_EQ(p->query.insurer_number, "06139992");
  EXPECT_EQ(p->query.symbol, "12-34");
  EXPECT_EQ(p->query.number, "567");
  EXPECT_EQ(p->query.branch, "01");
  EXPECT_EQ(p->query.birth_date, Date::FromYmd(1980, 5, 15));
  EXPECT_EQ(p->confirmation_date, Date::FromYmd(2025, 4, 1));
  ASSERT_TRUE(p->provider.has_value());
  EXPECT_EQ(p->provider->digits(), "0110113719");
  EXPECT_EQ(p->id, "req-1");
  ASSERT_TRUE(p->identifier.has_value());
  EXPECT_EQ(p->identifier->system, "urn:example:clinic:request");
  EXPECT_EQ(p->identifier->value, "A-0001");
  ASSERT_EQ(p->purposes.size(), 1u);
  EXPECT_EQ(p->purposes[0], Purpose::kValidation);
}

TEST(FhirRequest, ParametersFormGivesTheSameQuery) {
  json::object params{
      {"resourceType", "Parameters"},
      {"parameter", json::array{json::object{{"name", "resource"}, {"resource", ValidRequest()}}}}};
  const auto p = ParseEligibilityRequest(json::serialize(params), kToday);
  ASSERT_TRUE(p.ok()) << p.error().Diagnostics();
  const auto bare = Parse(ValidRequest());
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(p->query.insurer_number, bare->query.insurer_number);
  EXPECT_EQ(p->query.symbol, bare->query.symbol);
  EXPECT_EQ(p->query.number, bare->query.number);
  EXPECT_EQ(p->query.branch, bare->query.branch);
  EXPECT_EQ(p->query.birth_date, bare->query.birth_date);
  EXPECT_EQ(p->confirmation_date, bare->confirmation_date);
}

TEST(FhirRequest, ParametersWithoutResourceParameter) {
  json::object params{
      {"resourceType", "Parameters"},
      {"parameter", json::array{json::object{{"name", "other"}, {"valueString", "x"}}}}};
  const Issue i = IssueOf(ParseEligibilityRequest(json::serialize(params), kToday));
  EXPECT_EQ(i.http_status, 400);
  EXPECT_EQ(i.code, IssueCode::kRequired);
  EXPECT_EQ(i.expression, "Parameters.parameter");
}

TEST(FhirRequest, ServicedDateDefaultsToToday) {
  json::object r = ValidRequest();
  r.erase("servicedDate");
  const auto p = Parse(r);
  ASSERT_TRUE(p.ok()) << p.error().Diagnostics();
  EXPECT_EQ(p->confirmation_date, kToday);
}

TEST(FhirRequest, ProviderIsOptional) {
  json::object r = ValidRequest();
  r.erase("provider");
  const auto p = Parse(r);
  ASSERT_TRUE(p.ok()) << p.error().Diagnostics();
  EXPECT_FALSE(p->provider.has_value());
}

TEST(FhirRequest, ProviderAsLogicalIdentifier) {
  json::object r = ValidRequest();
  r["provider"] =
      json::object{{"identifier", json::object{{"system", kSystemMedicalInstitutionCode},
                                               {"value", "3618010015"}}}};
  const auto p = Parse(r);
  ASSERT_TRUE(p.ok()) << p.error().Diagnostics();
  EXPECT_EQ(p->provider->digits(), "3618010015");
}

TEST(FhirRequest, ProviderWithBadCheckDigit) {
  json::object r = ValidRequest();
  r["contained"].as_array()[2].as_object()["identifier"].as_array()[0].as_object()["value"] =
      "0110113712";
  const Issue i = IssueOf(Parse(r));
  EXPECT_EQ(i.http_status, 422);
  EXPECT_EQ(i.expression, "CoverageEligibilityRequest.provider.identifier[0].value");
}

TEST(FhirRequest, DiscoveryIsAcceptedAndDuplicatesDropped) {
  json::object r = ValidRequest();
  r["purpose"] = json::array{"discovery", "validation", "discovery"};
  const auto p = Parse(r);
  ASSERT_TRUE(p.ok()) << p.error().Diagnostics();
  ASSERT_EQ(p->purposes.size(), 2u);
  EXPECT_EQ(p->purposes[0], Purpose::kDiscovery);
  EXPECT_EQ(p->purposes[1], Purpose::kValidation);
}

TEST(FhirRequest, InsurerNumberFromMemberIdIdentifier) {
  json::object r = ValidRequest();
  json::object& cov = CoverageOf(r);
  cov.erase("payor");
  cov.erase("extension");
  cov["identifier"] = json::array{
      json::object{{"system", kSystemInsuranceMemberId}, {"value", "06139992:12-34:567:01"}}};
  const auto p = Parse(r);
  ASSERT_TRUE(p.ok()) << p.error().Diagnostics();
  EXPECT_EQ(p->query.insurer_number, "06139992");
  EXPECT_EQ(p->query.symbol, "12-34");
  EXPECT_EQ(p->query.number, "567");
  EXPECT_EQ(p->query.branch, "01");
}

TEST(FhirRequest, MemberIdWithEmptyPartsMeansAbsent) {
  json::object r = ValidRequest();
  json::object& cov = CoverageOf(r);
  cov.erase("payor");
  cov.erase("extension");
  // 国保: no 記号, no 枝番; the 6-digit number padded to 8 with zeros.
  cov["identifier"] =
      json::array{json::object{{"system", kSystemInsuranceMemberId}, {"value", "00138057::4711:"}}};
  const auto p = Parse(r);
  ASSERT_TRUE(p.ok()) << p.error().Diagnostics();
  EXPECT_EQ(p->query.insurer_number, "138057");  // canonical digits()
  EXPECT_EQ(p->query.symbol, "");
  EXPECT_EQ(p->query.number, "4711");
  EXPECT_EQ(p->query.branch, "");
}

TEST(FhirRequest, InsurerNumberOidSystemAndLogicalPayor) {
  json::object r = ValidRequest();
  CoverageOf(r)["payor"] = json::array{json::object{
      {"identifier", json::object{{"system", kSystemInsurerNumberOid}, {"value", "138057"}}}}};
  const auto p = Parse(r);
  ASSERT_TRUE(p.ok()) << p.error().Diagnostics();
  EXPECT_EQ(p->query.insurer_number, "138057");
}

TEST(FhirRequest, FullWidthSymbolAndNumberAreNormalised) {
  json::object r = ValidRequest();
  CoverageOf(r)["extension"] =
      json::array{Ext(kExtInsuredPersonSymbol, "１２－３４"),
                  Ext(kExtInsuredPersonNumber, "５６７"), Ext(kExtInsuredPersonSubNumber, "０１")};
  const auto p = Parse(r);
  ASSERT_TRUE(p.ok()) << p.error().Diagnostics();
  EXPECT_EQ(p->query.symbol, "12-34");
  EXPECT_EQ(p->query.number, "567");
  EXPECT_EQ(p->query.branch, "01");
}

TEST(FhirRequest, FullWidthInsurerNumberInMemberId) {
  json::object r = ValidRequest();
  CoverageOf(r)["identifier"] = json::array{json::object{
      {"system", kSystemInsuranceMemberId}, {"value", "０６１３９９９２:１２－３４:５６７:01"}}};
  const auto p = Parse(r);  // agrees with the payor and the extensions
  ASSERT_TRUE(p.ok()) << p.error().Diagnostics();
  EXPECT_EQ(p->query.insurer_number, "06139992");
}

TEST(FhirRequest, MemberIdDisagreeingWithPayorIsRefused) {
  json::object r = ValidRequest();
  CoverageOf(r)["identifier"] = json::array{
      json::object{{"system", "urn:other"}, {"value", "x"}},
      json::object{{"system", kSystemInsuranceMemberId}, {"value", "01040013:12-34:567:01"}}};
  const Issue i = IssueOf(Parse(r));
  EXPECT_EQ(i.http_status, 422);
  EXPECT_EQ(i.expression, std::string(kCoverage) + ".identifier[1].value");
  EXPECT_NE(i.message.find("disagrees"), std::string::npos) << i.message;
}

TEST(FhirRequest, MemberIdDisagreeingWithExtensionIsRefused) {
  json::object r = ValidRequest();
  CoverageOf(r)["identifier"] = json::array{
      json::object{{"system", kSystemInsuranceMemberId}, {"value", "06139992:12-34:568:01"}}};
  const Issue i = IssueOf(Parse(r));
  EXPECT_EQ(i.http_status, 422);
  EXPECT_EQ(i.expression, std::string(kCoverage) + ".identifier[0].value");
  EXPECT_EQ(i.message.find("番号"), 0u) << i.message;
  EXPECT_EQ(i.message.find("568"), std::string::npos) << "must not echo the 番号";
}

TEST(FhirRequest, MemberIdWithWrongPartCount) {
  json::object r = ValidRequest();
  CoverageOf(r)["identifier"] = json::array{
      json::object{{"system", kSystemInsuranceMemberId}, {"value", "06139992:12-34:567"}}};
  const Issue i = IssueOf(Parse(r));
  EXPECT_EQ(i.http_status, 422);
  EXPECT_EQ(i.code, IssueCode::kInvalid);
  EXPECT_EQ(i.expression, std::string(kCoverage) + ".identifier[0].value");
}

// --- refusals -------------------------------------------------------------

TEST(FhirRequest, NotJson) {
  const Issue i = IssueOf(ParseEligibilityRequest("{\"resourceType\": ", kToday));
  EXPECT_EQ(i.http_status, 400);
  EXPECT_EQ(i.code, IssueCode::kInvalid);
  EXPECT_NE(i.Diagnostics().find("not valid JSON"), std::string::npos);
}

TEST(FhirRequest, NotAnObject) {
  const Issue i = IssueOf(ParseEligibilityRequest("[1,2]", kToday));
  EXPECT_EQ(i.http_status, 400);
}

TEST(FhirRequest, WrongResourceType) {
  json::object r = ValidRequest();
  r["resourceType"] = "Patient";
  const Issue i = IssueOf(Parse(r));
  EXPECT_EQ(i.http_status, 400);
  EXPECT_EQ(i.code, IssueCode::kInvalid);
  EXPECT_EQ(i.expression, "resourceType");
}

TEST(FhirRequest, BundleIsNotSupported) {
  const Issue i = IssueOf(ParseEligibilityRequest(R"({"resourceType":"Bundle"})", kToday));
  EXPECT_EQ(i.http_status, 422);
  EXPECT_EQ(i.code, IssueCode::kNotSupported);
}

TEST(FhirRequest, StatusMustBeActive) {
  json::object r = ValidRequest();
  r["status"] = "draft";
  const Issue i = IssueOf(Parse(r));
  EXPECT_EQ(i.http_status, 422);
  EXPECT_EQ(i.expression, "CoverageEligibilityRequest.status");
  r.erase("status");
  const Issue missing = IssueOf(Parse(r));
  EXPECT_EQ(missing.http_status, 400);
  EXPECT_EQ(missing.code, IssueCode::kRequired);
}

TEST(FhirRequest, UnsupportedPurpose) {
  for (const char* purpose : {"benefits", "auth-requirements"}) {
    json::object r = ValidRequest();
    r["purpose"] = json::array{"validation", purpose};
    const Issue i = IssueOf(Parse(r));
    EXPECT_EQ(i.http_status, 422);
    EXPECT_EQ(i.code, IssueCode::kNotSupported);
    EXPECT_EQ(i.expression, "CoverageEligibilityRequest.purpose[1]");
    EXPECT_NE(i.message.find("only validation and discovery are supported"), std::string::npos)
        << i.message;
  }
}

TEST(FhirRequest, UnknownPurposeIsInvalid) {
  json::object r = ValidRequest();
  r["purpose"] = json::array{"checking"};
  const Issue i = IssueOf(Parse(r));
  EXPECT_EQ(i.http_status, 400);
  EXPECT_EQ(i.expression, "CoverageEligibilityRequest.purpose[0]");
}

TEST(FhirRequest, MissingPatient) {
  json::object r = ValidRequest();
  r.erase("patient");
  const Issue i = IssueOf(Parse(r));
  EXPECT_EQ(i.http_status, 400);
  EXPECT_EQ(i.code, IssueCode::kRequired);
  EXPECT_EQ(i.expression, "CoverageEligibilityRequest.patient");
}

TEST(FhirRequest, PatientMustBeContained) {
  json::object r = ValidRequest();
  r["patient"] = json::object{{"reference", "Patient/123"}};
  const Issue i = IssueOf(Parse(r));
  EXPECT_EQ(i.http_status, 422);
  EXPECT_EQ(i.code, IssueCode::kNotSupported);
  EXPECT_EQ(i.expression, "CoverageEligibilityRequest.patient.reference");

  r["patient"] = json::object{{"reference", "#nobody"}};
  const Issue dangling = IssueOf(Parse(r));
  EXPECT_EQ(dangling.http_status, 400);
  EXPECT_EQ(dangling.expression, "CoverageEligibilityRequest.patient.reference");

  r["patient"] = json::object{{"reference", "#cov"}};  // a Coverage, not a Patient
  EXPECT_EQ(IssueOf(Parse(r)).expression, "CoverageEligibilityRequest.patient.reference");
}

TEST(FhirRequest, MissingBirthDate) {
  json::object r = ValidRequest();
  r["contained"].as_array()[0].as_object().erase("birthDate");
  const Issue i = IssueOf(Parse(r));
  EXPECT_EQ(i.http_status, 422);
  EXPECT_EQ(i.code, IssueCode::kRequired);
  EXPECT_EQ(i.expression, "CoverageEligibilityRequest.patient.birthDate");
}

TEST(FhirRequest, BadBirthDate) {
  for (const char* bad : {"1980-13-01", "19800515", "1980-02-30", "1980-5-15"}) {
    json::object r = ValidRequest();
    r["contained"].as_array()[0].as_object()["birthDate"] = bad;
    const Issue i = IssueOf(Parse(r));
    EXPECT_EQ(i.http_status, 400) << bad;
    EXPECT_EQ(i.code, IssueCode::kInvalid);
    EXPECT_EQ(i.Diagnostics(),
              "CoverageEligibilityRequest.patient.birthDate: must be a date YYYY-MM-DD")
        << bad;
  }
}

TEST(FhirRequest, PartialBirthDateIsValidFhirButNotEnough) {
  json::object r = ValidRequest();
  r["contained"].as_array()[0].as_object()["birthDate"] = "1980-05";
  const Issue i = IssueOf(Parse(r));
  EXPECT_EQ(i.http_status, 422);
  EXPECT_EQ(i.expression, "CoverageEligibilityRequest.patient.birthDate");
}

TEST(FhirRequest, BirthDateAsNumber) {
  json::object r = ValidRequest();
  r["contained"].as_array()[0].as_object()["birthDate"] = 19800515;
  const Issue i = IssueOf(Parse(r));
  EXPECT_EQ(i.http_status, 400);
  EXPECT_EQ(i.expression, "CoverageEligibilityRequest.patient.birthDate");
  EXPECT_NE(i.message.find("JSON string"), std::string::npos);
}

TEST(FhirRequest, BadServicedDate) {
  json::object r = ValidRequest();
  r["servicedDate"] = "2025-04-31";
  const Issue i = IssueOf(Parse(r));
  EXPECT_EQ(i.http_status, 400);
  EXPECT_EQ(i.expression, "CoverageEligibilityRequest.servicedDate");
}

TEST(FhirRequest, ServicedPeriodIsNotSupported) {
  json::object r = ValidRequest();
  r.erase("servicedDate");
  r["servicedPeriod"] = json::object{{"start", "2025-04-01"}};
  const Issue i = IssueOf(Parse(r));
  EXPECT_EQ(i.code, IssueCode::kNotSupported);
  EXPECT_EQ(i.expression, "CoverageEligibilityRequest.servicedPeriod");
}

TEST(FhirRequest, NoInsurance) {
  json::object r = ValidRequest();
  r.erase("insurance");
  const Issue i = IssueOf(Parse(r));
  EXPECT_EQ(i.http_status, 422);
  EXPECT_EQ(i.code, IssueCode::kRequired);
  EXPECT_EQ(i.expression, "CoverageEligibilityRequest.insurance");
}

TEST(FhirRequest, InsuranceWithoutCoverage) {
  json::object r = ValidRequest();
  r["insurance"] = json::array{json::object{{"focal", true}}};
  const Issue i = IssueOf(Parse(r));
  EXPECT_EQ(i.http_status, 400);
  EXPECT_EQ(i.code, IssueCode::kRequired);
  EXPECT_EQ(i.expression, kCoverage);
}

TEST(FhirRequest, TwoInsuranceEntriesAreNotSupported) {
  json::object r = ValidRequest();
  r["insurance"].as_array().push_back(r["insurance"].as_array()[0]);
  const Issue i = IssueOf(Parse(r));
  EXPECT_EQ(i.code, IssueCode::kNotSupported);
  EXPECT_EQ(i.expression, "CoverageEligibilityRequest.insurance");
}

TEST(FhirRequest, BadInsurerCheckDigit) {
  json::object r = ValidRequest();
  r["contained"].as_array()[1].as_object()["identifier"].as_array()[0].as_object()["value"] =
      "06139999";  // Luhn gives 2, not 9
  const Issue i = IssueOf(Parse(r));
  EXPECT_EQ(i.http_status, 422);
  EXPECT_EQ(i.code, IssueCode::kInvalid);
  EXPECT_EQ(i.expression, std::string(kCoverage) + ".payor[0].identifier[0].value");
  EXPECT_NE(i.message.find("検証番号"), std::string::npos) << i.message;
}

TEST(FhirRequest, NoInsurerNumberAnywhere) {
  json::object r = ValidRequest();
  CoverageOf(r)["payor"] = json::array{json::object{{"display", "オンシ健康保険組合"}}};
  const Issue i = IssueOf(Parse(r));
  EXPECT_EQ(i.http_status, 422);
  EXPECT_EQ(i.code, IssueCode::kRequired);
  EXPECT_EQ(i.expression, std::string(kCoverage) + ".payor");
}

TEST(FhirRequest, BranchOfThreeDigits) {
  json::object r = ValidRequest();
  CoverageOf(r)["extension"].as_array()[2] = Ext(kExtInsuredPersonSubNumber, "001");
  const Issue i = IssueOf(Parse(r));
  EXPECT_EQ(i.http_status, 422);
  EXPECT_EQ(i.code, IssueCode::kInvalid);
  EXPECT_EQ(i.expression, std::string(kCoverage) + ".extension('" +
                              std::string(kExtInsuredPersonSubNumber) + "').value");
  EXPECT_NE(i.message.find("must be 2 digits"), std::string::npos) << i.message;
}

TEST(FhirRequest, MissingNumber) {
  json::object r = ValidRequest();
  CoverageOf(r)["extension"].as_array().erase(CoverageOf(r)["extension"].as_array().begin() + 1);
  const Issue i = IssueOf(Parse(r));
  EXPECT_EQ(i.http_status, 422);
  EXPECT_EQ(i.code, IssueCode::kRequired);
  EXPECT_EQ(i.expression,
            std::string(kCoverage) + ".extension('" + std::string(kExtInsuredPersonNumber) + "')");
}

TEST(FhirRequest, CoverageReferenceToMissingResource) {
  json::object r = ValidRequest();
  r["insurance"].as_array()[0].as_object()["coverage"] = json::object{{"reference", "#gone"}};
  const Issue i = IssueOf(Parse(r));
  EXPECT_EQ(i.expression, std::string(kCoverage) + ".reference");
}

TEST(FhirRequest, NullIsNotAbsent) {
  json::object r = ValidRequest();
  r["servicedDate"] = nullptr;
  const Issue i = IssueOf(Parse(r));
  EXPECT_EQ(i.http_status, 400);
  EXPECT_EQ(i.expression, "CoverageEligibilityRequest.servicedDate");
}

TEST(FhirRequest, DuplicateContainedIds) {
  json::object r = ValidRequest();
  r["contained"].as_array()[1].as_object()["id"] = "pat";
  const Issue i = IssueOf(Parse(r));
  EXPECT_EQ(i.http_status, 400);
  EXPECT_EQ(i.expression, "CoverageEligibilityRequest.contained[1].id");
}

}  // namespace
}  // namespace onshi::fhir
