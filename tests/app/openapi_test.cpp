// Issue 19: docs/openapi.json describes every HTTP endpoint of `onshi serve`.
//
// - Every answer the e2e suites of this binary receive through RunCurl
//   (process_util.hpp) is checked against the document: its status must be
//   documented for the operation, its media type too, and a JSON body must
//   validate against the schema (openapi_check.hpp). The hook is set here,
//   for the whole binary: the authz matrix, the OQS, card, portal, clinical,
//   documents, import, routing and hardening suites all go through it.
// - The route tables and the document list the same operations.
// - The served /openapi.json is the repository's file, without a client
//   certificate.
// - The validator itself fails what it should (an undocumented status, an
//   undocumented media type, a missing member, a wrong type).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "openapi_check.hpp"
#include "process_util.hpp"
#include "service/clinical_service.hpp"
#include "service/eligibility_service.hpp"
#include "service/insurer_service.hpp"
#include "service/municipal_service.hpp"
#include "service/openapi_document.hpp"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using onshi::testing::HttpAnswer;
using onshi::testing::OpenApiDocument;

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const std::string kDocPath = std::string(ONSHI_SOURCE_DIR) + "/docs/openapi.json";

const OpenApiDocument& Document() {
  static const OpenApiDocument doc(Slurp(kDocPath));
  return doc;
}

// The check every RunCurl answer goes through.
void CheckAgainstDocument(const std::string& curl_command, const HttpAnswer& answer) {
  if (answer.status < 200) return;  // no answer at all (a refused connection, a timeout)
  const auto [method, target] = onshi::testing::CurlRequest(curl_command);
  if (method.empty()) return;
  const std::string why = Document().CheckAnswer(method, target, answer.status,
                                                 answer.Header("Content-Type"), answer.body);
  if (!why.empty()) ADD_FAILURE() << "docs/openapi.json does not describe this answer: " << why;
}

const bool kHooked = [] {
  onshi::testing::AnswerHook() = &CheckAgainstDocument;
  return true;
}();

// Every schema keyword the validator knows; anything else in a schema would
// be checked by nobody.
void ExpectKnownKeywords(const json::value& schema, const std::string& where) {
  static const std::set<std::string> kKnown = {"$ref",
                                               "type",
                                               "enum",
                                               "const",
                                               "properties",
                                               "required",
                                               "items",
                                               "oneOf",
                                               "anyOf",
                                               "allOf",
                                               "pattern",
                                               "minimum",
                                               "maximum",
                                               "maxLength",
                                               "description",
                                               "format",
                                               "default",
                                               "title",
                                               "additionalProperties"};
  ASSERT_TRUE(schema.is_object()) << where;
  for (const auto& [key, value] : schema.as_object()) {
    const std::string k(key);
    EXPECT_TRUE(kKnown.contains(k)) << where << ": keyword " << k;
    if (k == "properties") {
      for (const auto& [name, sub] : value.as_object())
        ExpectKnownKeywords(sub, where + ".properties." + std::string(name));
    } else if (k == "items" || (k == "additionalProperties" && value.is_object())) {
      ExpectKnownKeywords(value, where + "." + k);
    } else if (k == "oneOf" || k == "anyOf" || k == "allOf") {
      for (const auto& sub : value.as_array())
        ExpectKnownKeywords(sub, where + "." + k);
    }
  }
}

TEST(OpenApiTest, TheDocumentIsOpenApi31AndEverySchemaIsOneTheValidatorChecks) {
  ASSERT_TRUE(kHooked);
  const json::value& doc = Document().doc();
  EXPECT_EQ(doc.at("openapi").as_string(), "3.1.0");
  std::set<std::string> operation_ids;
  for (const auto& [path, item] : doc.at("paths").as_object()) {
    for (const auto& [method, op] : item.as_object()) {
      const std::string where = std::string(method) + " " + std::string(path);
      const json::object& o = op.as_object();
      ASSERT_TRUE(o.contains("responses")) << where;
      EXPECT_TRUE(o.contains("security")) << where << ": say who may call it";
      EXPECT_TRUE(operation_ids.insert(std::string(o.at("operationId").as_string())).second)
          << where;
      for (const auto& [status, r] : o.at("responses").as_object()) {
        const json::value& response = Document().Resolve(r);
        EXPECT_TRUE(response.as_object().contains("description")) << where << " " << status;
        if (const auto* content = response.as_object().if_contains("content")) {
          for (const auto& [media, entry] : content->as_object())
            ExpectKnownKeywords(entry.at("schema"),
                                where + " " + std::string(status) + " " + std::string(media));
        }
      }
      if (const auto* body = o.if_contains("requestBody")) {
        for (const auto& [media, entry] : body->at("content").as_object())
          ExpectKnownKeywords(entry.at("schema"), where + " request " + std::string(media));
      }
      for (const auto& [name, scheme] : doc.at("components").at("securitySchemes").as_object()) {
        (void)scheme;
        (void)name;
      }
      for (const auto& requirement : o.at("security").as_array()) {
        for (const auto& [name, scopes] : requirement.as_object()) {
          (void)scopes;
          EXPECT_TRUE(doc.at("components").at("securitySchemes").as_object().contains(name))
              << where << ": " << std::string(name);
        }
      }
    }
  }
  for (const auto& [name, schema] : doc.at("components").at("schemas").as_object())
    ExpectKnownKeywords(schema, "components.schemas." + std::string(name));
}

// Every route of the server's tables is an operation of the document, and
// every operation is routed: a route added without its description, or a
// description of a route that went away, fails here.
TEST(OpenApiTest, EveryRouteIsDocumentedAndEveryDocumentedPathIsRouted) {
  std::set<std::pair<std::string, std::string>> routed;
  for (const auto& list :
       {onshi::service::EligibilityService::RouteList(),
        onshi::service::InsurerService::RouteList(), onshi::service::MunicipalService::RouteList(),
        onshi::service::ClinicalService::RouteList()}) {
    for (auto [method, pattern] : list) {
      if (pattern.ends_with("/**")) continue;  // a subtree: its service's routes are listed
      // {id:int} is {id} in OpenAPI (the type is the parameter's schema).
      for (size_t at; (at = pattern.find(":int}")) != std::string::npos;)
        pattern.erase(at, 4);
      routed.emplace(method, pattern);
    }
  }
  std::set<std::pair<std::string, std::string>> documented;
  for (const auto& op : Document().Operations())
    documented.insert(op);
  for (const auto& r : routed)
    EXPECT_TRUE(documented.contains(r))
        << r.first << " " << r.second << " is not in docs/openapi.json";
  for (const auto& d : documented)
    EXPECT_TRUE(routed.contains(d))
        << d.first << " " << d.second << " is documented but not routed";
  EXPECT_GE(routed.size(), 60u);
}

TEST(OpenApiTest, TheBinaryCarriesTheRepositorysDocument) {
  EXPECT_EQ(std::string(onshi::service::OpenApiDocument()), Slurp(kDocPath));
}

// The checker must be able to fail: each of these answers is wrong for the
// document in its own way.
TEST(OpenApiTest, TheCheckRefusesAnswersTheDocumentDoesNotDescribe) {
  const OpenApiDocument& d = Document();
  const std::string health =
      R"({"status":"ok","mode":"read-write","schema_version":30,"audit_spooled":0,"time":"2026-11-23T01:00:00Z"})";
  EXPECT_EQ(d.CheckAnswer("GET", "/healthz", 200, "application/json;charset=UTF-8", health), "");
  // an undocumented status
  EXPECT_NE(d.CheckAnswer("GET", "/healthz", 418, "application/json", health), "");
  // an undocumented media type
  EXPECT_NE(d.CheckAnswer("GET", "/healthz", 200, "text/html", health), "");
  // a required member missing, a member of the wrong type, a value out of its enum
  EXPECT_NE(d.CheckAnswer("GET", "/healthz", 200, "application/json",
                          R"({"status":"ok","mode":"read-write","schema_version":30,"time":"x"})"),
            "");
  EXPECT_NE(
      d.CheckAnswer(
          "GET", "/healthz", 200, "application/json",
          R"({"status":"ok","mode":"read-write","schema_version":"30","audit_spooled":0,"time":"x"})"),
      "");
  EXPECT_NE(
      d.CheckAnswer(
          "GET", "/healthz", 200, "application/json",
          R"({"status":"fine","mode":"read-write","schema_version":30,"audit_spooled":0,"time":"x"})"),
      "");
  // not JSON at all
  EXPECT_NE(d.CheckAnswer("GET", "/healthz", 200, "application/json", "<html>"), "");
  // a member where additionalProperties is false (the login answer)
  EXPECT_EQ(
      d.CheckAnswer(
          "POST", "/oqs-api-pro/MSA12020/ILI12020SV01/auth", 200, "application/json;charset=UTF-8",
          R"({"status":"0","msg":"","result":{"accessToken":"a","idToken":"i","linkSysCharCd":"0"}})"),
      "");
  EXPECT_NE(
      d.CheckAnswer(
          "POST", "/oqs-api-pro/MSA12020/ILI12020SV01/auth", 200, "application/json;charset=UTF-8",
          R"({"status":"0","msg":"","result":{"accessToken":"a","refreshToken":"r","idToken":"i","linkSysCharCd":"0"}})"),
      "");
  // paths: a {parameter} takes one whole segment; unrouted paths are 404, a
  // wrong method 405, each with the router's problem document
  const std::string problem =
      R"({"type":"about:blank","title":"not found","status":404,"detail":"x"})";
  EXPECT_NE(d.CheckAnswer("POST", "/municipal/v1/cards/12/suspend", 404, "application/problem+json",
                          problem),
            "");  // 404 is not an answer of suspend
  // {id} is digits only (the router's {id:int}): 12abc matches no route
  EXPECT_EQ(d.CheckAnswer("POST", "/municipal/v1/cards/12abc/suspend", 404,
                          "application/problem+json", problem),
            "");
  EXPECT_NE(d.CheckAnswer("POST", "/municipal/v1/cards/12/suspend", 200, "application/json", "{}"),
            "");
  EXPECT_EQ(d.CheckAnswer("GET", "/nope", 404, "application/problem+json", problem), "");
  EXPECT_NE(d.CheckAnswer("GET", "/nope", 200, "application/json", "{}"), "");
  EXPECT_EQ(d.CheckAnswer("GET", "/municipal/v1/cards/1/suspend", 405, "application/problem+json",
                          R"({"type":"about:blank","title":"method not allowed","status":405})"),
            "");
  EXPECT_NE(d.CheckAnswer("GET", "/municipal/v1/cards/1/suspend", 404, "application/problem+json",
                          problem),
            "");
  // a literal segment is preferred over a parameter, as the router does
  EXPECT_EQ(d.FindOperation("GET", "/insurer/v1/documents/due"), "/insurer/v1/documents/due");
  EXPECT_EQ(d.FindOperation("GET", "/insurer/v1/documents/12.pdf"), "/insurer/v1/documents/{file}");
}

TEST(OpenApiTest, CurlCommandLinesGiveTheirMethodAndTarget) {
  using onshi::testing::CurlRequest;
  EXPECT_EQ(CurlRequest("curl -s -i --cacert /x/ca.pem  'https://127.0.0.1:4/healthz?x=1'"),
            (std::pair<std::string, std::string>{"GET", "/healthz?x=1"}));
  EXPECT_EQ(
      CurlRequest("curl -s -i -H 'X-Request-Id: a' --data-binary @/t/b.json 'https://h:1/a/b'"),
      (std::pair<std::string, std::string>{"POST", "/a/b"}));
  EXPECT_EQ(CurlRequest("curl -s -i --max-time 30 -X DELETE --cacert c -d x 'https://h:1/a'"),
            (std::pair<std::string, std::string>{"DELETE", "/a"}));
  EXPECT_EQ(CurlRequest("curl -s -i -I 'http://h:1/portal'").first, "HEAD");
}

}  // namespace
