// The CapabilityStatement, the OperationOutcome and full-width output: the
// small pieces of the FHIR view.
#include "fhir/capability_statement.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "fhir/full_width.hpp"
#include "fhir/operation_outcome.hpp"
#include "fhir/uris.hpp"

namespace onshi::fhir {
namespace {

namespace json = boost::json;

TEST(FhirCapability, DeclaresR4JsonAndSubmit) {
  const json::value v =
      json::parse(RenderCapabilityStatement({"2025-06-01", "0.1.0", "https://example.jp/fhir"}));
  EXPECT_EQ(v.at("resourceType"), "CapabilityStatement");
  EXPECT_EQ(v.at("fhirVersion"), "4.0.1");
  EXPECT_EQ(v.at("format"), json::array{"json"});
  EXPECT_EQ(v.at("date"), "2025-06-01");
  EXPECT_EQ(v.at("kind"), "instance");
  EXPECT_EQ(v.at("implementation").at("url"), "https://example.jp/fhir");
  const json::value& resource = v.at("rest").as_array()[0].at("resource").as_array()[0];
  EXPECT_EQ(resource.at("type"), "CoverageEligibilityRequest");
  const json::value& op = resource.at("operation").as_array()[0];
  EXPECT_EQ(op.at("name"), "submit");
  EXPECT_EQ(op.at("definition").as_string(), kSubmitOperationDefinition);
}

TEST(FhirCapability, ImplementationPresentWithoutUrl) {
  const json::value v = json::parse(RenderCapabilityStatement({"2025-06-01", "", ""}));
  EXPECT_TRUE(v.at("implementation").as_object().contains("description"));
  EXPECT_FALSE(v.at("implementation").as_object().contains("url"));
  EXPECT_FALSE(v.at("software").as_object().contains("version"));
}

TEST(FhirOperationOutcome, OneErrorIssue) {
  const Issue issue{422, IssueCode::kNotSupported, "CoverageEligibilityRequest.purpose[0]",
                    "'benefits' is not supported"};
  const json::value v = json::parse(RenderOperationOutcome(issue));
  EXPECT_EQ(v.at("resourceType"), "OperationOutcome");
  const json::value& i = v.at("issue").as_array()[0];
  EXPECT_EQ(i.at("severity"), "error");
  EXPECT_EQ(i.at("code"), "not-supported");
  EXPECT_EQ(i.at("diagnostics"),
            "CoverageEligibilityRequest.purpose[0]: 'benefits' is not supported");
  EXPECT_EQ(i.at("expression"), json::array{"CoverageEligibilityRequest.purpose[0]"});
}

TEST(FhirOperationOutcome, NoExpressionForTheWholeBody) {
  const json::value v =
      json::parse(RenderOperationOutcome({400, IssueCode::kInvalid, "", "not valid JSON"}));
  const json::value& i = v.at("issue").as_array()[0];
  EXPECT_EQ(i.at("code"), "invalid");
  EXPECT_EQ(i.at("diagnostics"), "not valid JSON");
  EXPECT_FALSE(i.as_object().contains("expression"));
  EXPECT_EQ(IssueCodeName(IssueCode::kRequired), "required");
}

TEST(FhirFullWidth, WidensAsciiOnly) {
  EXPECT_EQ(ToFullWidth("12-34"), "１２－３４");
  EXPECT_EQ(ToFullWidth("A b~!"), "Ａ　ｂ～！");
  EXPECT_EQ(ToFullWidth("あいう"), "あいう");
  EXPECT_EQ(ToFullWidth("ｱ"), "ｱ");  // half-width katakana is not touched
  EXPECT_EQ(ToFullWidth(""), "");
}

}  // namespace
}  // namespace onshi::fhir
