// `onshi serve --access-log FILE` (issue 19): one JSON line per request with
// time, request id, method, route pattern, status, duration, bytes and the
// client the request proved to be — and never an insurance number, a My
// Number, a token or a query string.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "process_util.hpp"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using onshi::testing::HttpAnswer;
using onshi::testing::Sh;

TEST(AccessLogE2e, OneJsonLinePerRequestWithRouteClientAndIdButNoNumbers) {
  const fs::path dir = fs::temp_directory_path() / ("onshi-access-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string bin = ONSHI_BINARY, db = (dir / "t.db").string();
  ASSERT_EQ(onshi::testing::PopulateWithClinic(db, (dir / "clinic").string(), 100), "");
  const fs::path log = dir / "access.log";
  {
    onshi::testing::ServeProcess server;
    const std::string base = server.Start({"--db", db, "--now", "2026-11-23T10:00:00+09:00",
                                           "--threads", "2", "--access-log", log.string()});
    ASSERT_EQ(base.rfind("https://", 0), 0u);
    const fs::path c = dir / "clinic";
    auto curl = [&](const std::string& path, const std::string& extra) {
      return onshi::testing::RunCurl("curl -s -i --max-time 20 --cacert " +
                                     (c / "ca.pem").string() + " " + extra + " '" + base + path +
                                     "'");
    };
    HttpAnswer login =
        curl("/oqs-api-pro/MSA12020/ILI12020SV01/auth",
             "--cert " + (c / "cert.pem").string() + " --key " + (c / "key.pem").string() +
                 " -H 'X-Request-Id: clinic-ticket-42' -H 'Content-Type: application/json' "
                 "--data-binary @" +
                 (c / "body.json").string());
    ASSERT_EQ(login.status, 200);
    EXPECT_NE(login.headers.find("clinic-ticket-42"), std::string::npos) << login.headers;
    const std::string token(json::parse(login.body).at("result").at("idToken").as_string());
    std::ofstream(dir / "q.json")
        << R"({"XmlMsg":{"MessageHeader":{"QualificationConfirmationDate":"20261123","MedicalInstitutionCode":"1310000011"},"MessageBody":{"QualificationConfirmSearchInfo":{"InsurerNumber":"06139992","InsuredCardSymbol":"1","InsuredIdentificationNumber":"1001","InsuredBranchNumber":"00","Birthdate":"19800515","LimitApplicationCertificateRelatedConsFlg":"1"}}}})";
    HttpAnswer search = curl("/oqs-api-pro/MSA01030/ILI01030SV01/search",
                             "-H 'Authorization: " + token +
                                 "' -H 'Content-Type: application/json' --data-binary @" +
                                 (dir / "q.json").string());
    ASSERT_EQ(search.status, 200);
    // A bad id in the path, an unknown path with a number in it, a query string.
    EXPECT_EQ(curl("/no/such/06139992", "").status, 404);
    EXPECT_EQ(curl("/healthz?number=06139992", "").status, 200);
    EXPECT_EQ(curl("/oqs-api-pro/proof-key", "-H 'X-Request-Id: bad id with spaces'").status, 200);
  }
  std::ifstream in(log);
  std::vector<json::object> lines;
  std::string text, line;
  while (std::getline(in, line)) {
    text += line + "\n";
    lines.push_back(json::parse(line).as_object());
  }
  ASSERT_EQ(lines.size(), 5u) << text;
  for (const json::object& l : lines) {
    for (const char* k :
         {"time", "request_id", "method", "route", "status", "duration_ms", "bytes"})
      EXPECT_TRUE(l.contains(k)) << k << " in " << json::serialize(l);
  }
  EXPECT_EQ(lines[0].at("request_id").as_string(), "clinic-ticket-42");
  EXPECT_EQ(lines[0].at("client").as_string(), "facility:1310000011");
  EXPECT_EQ(lines[1].at("route").as_string(), "/oqs-api-pro/MSA01030/ILI01030SV01/search");
  EXPECT_EQ(lines[1].at("status").as_int64(), 200);
  EXPECT_EQ(lines[1].at("client").as_string(), "facility:1310000011");
  EXPECT_EQ(lines[1].at("method").as_string(), "POST");
  EXPECT_EQ(lines[2].at("route").as_string(), "/no/such/****");
  EXPECT_EQ(lines[2].at("status").as_int64(), 404);
  EXPECT_EQ(lines[3].at("route").as_string(), "/healthz");
  // A request id that is not a short token is replaced by a random one.
  EXPECT_EQ(lines[4].at("request_id").as_string().size(), 16u);
  // 告知要求制限: no insurance number, member number, birth date or token.
  for (const std::string& secret : {std::string("06139992"), std::string("19800515"),
                                    std::string("Bearer"), std::string("number=")}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << secret << " in the access log";
  }
  fs::remove_all(dir);
}

}  // namespace
