// Routing and what anonymous callers see, against the real `onshi serve`
// over HTTPS (issue 15):
//  - ids in paths and query strings are parsed whole: under the old prefix
//    routing `POST /municipal/v1/cards/3926abc/suspend` suspended card 3926;
//  - a known path with the wrong method is 405 with Allow, an unknown one 404;
//  - anonymous /healthz says whether checks are answered, never where the
//    database is (its path, or a PostgreSQL host and user); an operator sees
//    that at /admin/health or with the operator certificate.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include "process_util.hpp"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using onshi::testing::HttpAnswer;
using onshi::testing::Sh;

const std::string kBin = ONSHI_BINARY;

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r'))
    s.pop_back();
  return s;
}

class RoutingTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("onshi-routing-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = (dir_ / "t.db").string();
    int rc = 0;
    auto run = [&](const std::string& args) {
      const std::string out = Sh(kBin + " " + args + " --db " + db_ + " 2>&1", &rc);
      EXPECT_EQ(rc, 0) << args << "\n" << out;
      return out;
    };
    run("populate --quiet --members 100 --today 2026-11-23");
    const std::string at = " --now 2026-11-20T09:00:00+09:00 --out " + dir_.string() + "/";
    run("facility add --code 1310000011" + at + "clinic");
    run("insurer add --number 06139992 --name オンシ健康保険組合" + at + "insurer");
    run("municipal add --code 131016 --name 千代田区" + at + "city");
    run("admin add --name ops" + at + "ops");
    const std::string person =
        Trim(Sh(onshi::testing::SqliteShell(db_) +
                " \"SELECT person_id FROM persons p WHERE NOT EXISTS (SELECT 1 FROM cards c "
                "WHERE c.person_id=p.person_id) ORDER BY person_id LIMIT 1\""));
    // A resident of 千代田区, whose window the test's certificate is (issue 15:
    // a window acts only on its own residents).
    Sh(onshi::testing::SqliteShell(db_) +
       " \"UPDATE persons SET municipality = '131016' WHERE person_id = " + person + "\"");
    const std::string out =
        run("card issue --person-id " + person + " --pin 1234 --now 2026-11-20");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(out, m, std::regex(R"(card (\d+) \(person)"))) << out;
    card_ = m[1];
    server_ = new onshi::testing::ServeProcess();
    base_ =
        server_->Start({"--db", db_, "--now", "2026-11-23T10:00:00+09:00", "--link-every", "0"});
    ASSERT_EQ(base_.rfind("https://", 0), 0u) << base_;
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    fs::remove_all(dir_);
  }

  static std::string Cert(const std::string& who) {
    return " --cert " + (dir_ / who / "cert.pem").string() + " --key " +
           (dir_ / who / "key.pem").string();
  }
  static HttpAnswer Curl(const std::string& method, const std::string& path,
                         const std::string& extra = "") {
    return onshi::testing::RunCurl("curl -s -i --max-time 30 -X " + method + " --cacert " +
                                   (dir_ / "clinic/ca.pem").string() + " " + extra + " '" + base_ +
                                   path + "'");
  }
  static std::string CardStatus() {
    return Trim(Sh(onshi::testing::SqliteShell(db_) +
                   " \"SELECT status FROM cards WHERE card_id=" + card_ + "\""));
  }

  static inline fs::path dir_;
  static inline std::string db_, base_, card_;
  static inline onshi::testing::ServeProcess* server_ = nullptr;
};

TEST_F(RoutingTest, AnIdWithAnythingAfterItsDigitsActsOnNobody) {
  ASSERT_EQ(CardStatus(), "active");
  for (const std::string& bad : {card_ + "abc", card_ + "%20", "+" + card_, card_ + ".0"}) {
    const HttpAnswer a = Curl("POST", "/municipal/v1/cards/" + bad + "/suspend",
                              Cert("city") + " -H 'Content-Type: application/json' -d '{}'");
    EXPECT_EQ(a.status, 404) << bad << " " << a.body;
    EXPECT_NE(a.Header("Content-Type").find("application/problem+json"), std::string::npos);
    EXPECT_EQ(CardStatus(), "active") << bad;
  }
  // The whole number still works.
  const HttpAnswer ok = Curl("POST", "/municipal/v1/cards/" + card_ + "/suspend",
                             Cert("city") + " -H 'Content-Type: application/json' -d '{}'");
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(CardStatus(), "suspended");
  // Query parameters too: "5abc" is not 5.
  EXPECT_EQ(Curl("GET", "/insurer/v1/submissions?limit=5abc", Cert("insurer")).status, 400);
  EXPECT_EQ(Curl("GET", "/insurer/v1/submissions?after=1x", Cert("insurer")).status, 400);
  EXPECT_EQ(Curl("GET", "/insurer/v1/submissions?limit=5", Cert("insurer")).status, 200);
}

TEST_F(RoutingTest, AKnownPathWithTheWrongMethodIs405WithAllow) {
  struct Case {
    std::string method, path, allow, cert;
  };
  for (const Case& c : std::vector<Case>{
           {"GET", "/oqs-api-pro/MSA01030/ILI01030SV01/search", "POST", ""},
           {"GET", "/oqs-api-pro/MSA12020/ILI12020SV01/auth", "POST", ""},
           {"DELETE", "/healthz", "GET", ""},
           {"POST", "/metrics", "GET", Cert("ops")},
           {"GET", "/municipal/v1/cards/" + card_ + "/renew", "POST", Cert("city")},
           {"POST", "/insurer/v1/members", "GET", Cert("insurer")},
           {"PUT", "/insurer/v1/submissions", "GET, POST", Cert("insurer")},
       }) {
    const HttpAnswer a = Curl(c.method, c.path, c.cert);
    EXPECT_EQ(a.status, 405) << c.method << " " << c.path << " " << a.body;
    EXPECT_EQ(a.Header("Allow"), c.allow) << c.method << " " << c.path;
    EXPECT_NE(a.Header("Content-Type").find("application/problem+json"), std::string::npos);
    EXPECT_EQ(json::parse(a.body).at("status").as_int64(), 405) << a.body;
  }
  for (const std::string path : {"/nope", "/healthz/", "/municipal/v1/nope", "/insurer/nope"}) {
    const HttpAnswer a = Curl("GET", path);
    EXPECT_EQ(a.status, 404) << path << " " << a.body;
    EXPECT_TRUE(a.Header("Allow").empty()) << path;
  }
}

TEST_F(RoutingTest, AnonymousHealthShowsNoDatabaseLocation) {
  const HttpAnswer anonymous = Curl("GET", "/healthz");
  ASSERT_EQ(anonymous.status, 200) << anonymous.body;
  const json::object h = json::parse(anonymous.body).as_object();
  EXPECT_EQ(h.at("status").as_string(), "ok");
  EXPECT_FALSE(h.contains("database")) << anonymous.body;
  EXPECT_FALSE(h.contains("replica_database")) << anonymous.body;
  EXPECT_EQ(anonymous.body.find(dir_.string()), std::string::npos) << anonymous.body;
  EXPECT_EQ(anonymous.body.find("t.db"), std::string::npos) << anonymous.body;
  // A facility's certificate is not an operator's.
  EXPECT_FALSE(
      json::parse(Curl("GET", "/healthz", Cert("clinic")).body).as_object().contains("database"));
  // The operator sees where the database is, here and at /admin/health.
  const HttpAnswer ops = Curl("GET", "/healthz", Cert("ops"));
  ASSERT_EQ(ops.status, 200);
  EXPECT_EQ(json::parse(ops.body).at("database").as_string(), db_);
  const HttpAnswer admin = Curl("GET", "/admin/health", Cert("ops"));
  ASSERT_EQ(admin.status, 200) << admin.body;
  EXPECT_EQ(json::parse(admin.body).at("database").as_string(), db_);
  EXPECT_EQ(Curl("GET", "/admin/health").status, 401);
  EXPECT_EQ(Curl("GET", "/admin/health", Cert("clinic")).status, 403);
}

}  // namespace
