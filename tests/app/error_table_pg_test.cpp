// Issue 21: the error answers that need the database stopped for real — the
// rows of the error table (error_table.hpp) that AuthzMatrixTest cannot
// give. A PostgreSQL-backed `onshi serve` (checks read from the database,
// --eligibility-from store; one outstanding card challenge a book) answers:
//   - a full challenge book: 503 for the facility's and the portal's
//     challenges;
// then its cluster is stopped (pg_ctl stop -m fast), and it answers:
//   - every write (municipal window, card and portal 利用登録, the insurer's
//     upload, the operator's readers, 一括照会): 503 "read-only mode" before
//     anything starts, with Retry-After;
//   - a read that needs the database: the OQS error answer ONS-E0908, the
//     FHIR OperationOutcome "transient", a problem document "database
//     unavailable" for the JSON APIs, /healthz "unavailable".
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "../store/pg_cluster.hpp"
#include "card_proof.hpp"
#include "error_table.hpp"
#include "process_util.hpp"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using onshi::store::pg_test::PgCluster;
using onshi::testing::AnswerKind;
using onshi::testing::ErrorRow;
using onshi::testing::HttpAnswer;
using onshi::testing::Sh;

const std::string kBin = ONSHI_BINARY;
const std::string kSearch = "/oqs-api-pro/MSA01030/ILI01030SV01/search";

class ErrorTableDatabaseDownTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("onshi-error-pg-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    state_ = (dir_ / "state").string();
  }
  void TearDown() override {
    server_.Stop();
    // The cluster is shared by the test program: it runs again for the
    // tests after this one, whatever happened here.
    PgCluster::Get().StartServer();
    fs::remove_all(dir_);
  }

  std::string Run(const std::string& args) {
    int rc = 0;
    const std::string out =
        Sh(kBin + " " + args + " --db " + db_ + " --state-dir " + state_ + " 2>&1", &rc);
    EXPECT_EQ(rc, 0) << args << "\n" << out;
    return out;
  }
  std::string Sql(const std::string& query) {
    const auto rows = PgCluster::Query(db_, query);
    return rows.empty() ? "" : rows.front();
  }
  std::string Cert(const std::string& who) {
    return " --cert " + (dir_ / who / "cert.pem").string() + " --key " +
           (dir_ / who / "key.pem").string();
  }
  HttpAnswer Curl(const std::string& method, const std::string& path, const std::string& extra,
                  const std::string& body = "", const std::string& ctype = "application/json") {
    std::string data;
    if (!body.empty() || method == "POST") {
      const fs::path f = dir_ / "body.bin";
      std::ofstream(f, std::ios::binary) << body;
      data = " -H 'Content-Type: " + ctype + "' --data-binary @" + f.string();
    }
    return onshi::testing::ParseCurl(Sh("curl -s -i --max-time 30 -X " + method + " --cacert " +
                                        (dir_ / "clinic/ca.pem").string() + " " + extra + data +
                                        " '" + base_ + path + "'"));
  }
  std::string Challenge(bool portal) {
    const HttpAnswer c =
        portal ? Curl("POST", "/portal/card/challenge", "")
               : Curl("POST", "/oqs-api-pro/card/challenge", "-H 'Authorization: " + token_ + "'");
    EXPECT_EQ(c.status, 200) << c.body;
    return std::string(json::parse(c.body).at("challenge").as_string());
  }
  std::string Proof(const std::string& audience, const std::string& challenge) {
    return onshi::testing::CardProof(card_file_, state_ + "/onshi.card-issuer.key", "1234",
                                     audience, challenge);
  }
  std::string Health() {
    const HttpAnswer h = Curl("GET", "/healthz", "");
    boost::system::error_code ec;
    const json::value v = json::parse(h.body, ec);
    if (ec || !v.is_object() || !v.as_object().contains("mode")) return "";
    return std::string(v.at("mode").as_string());
  }

  fs::path dir_;
  std::string state_, db_, base_, token_, card_, card_file_;
  onshi::testing::ServeProcess server_;
};

TEST_F(ErrorTableDatabaseDownTest, ReadOnlyRefusalsAndDatabaseUnavailableAnswersAreExact) {
  PgCluster& pg = PgCluster::Get();
  db_ = pg.NewDatabase();
  Run("populate --quiet --members 100 --scenarios --today 2026-11-23");
  const std::string at = " --now 2026-11-20T09:00:00+09:00 --out " + dir_.string() + "/";
  Run("facility add --code 1310000011" + at + "clinic");
  Run("insurer add --number 06139992 --name オンシ健康保険組合 --lag 2" + at + "insurer");
  Run("municipal add --code 131016 --name 千代田区" + at + "city");
  Run("admin add --name ops" + at + "ops");
  const std::string person = Sql(
      "SELECT m.person_id FROM members m WHERE linkage='linked' AND lost IS NULL AND NOT EXISTS "
      "(SELECT 1 FROM cards c WHERE c.person_id = m.person_id) ORDER BY m.person_id LIMIT 1");
  ASSERT_FALSE(person.empty());
  PgCluster::Exec(db_, "UPDATE persons SET municipality = '131016' WHERE person_id = " + person);
  const std::string issued =
      Run("card issue --person-id " + person + " --pin 1234 --now 2026-11-20");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(issued, m, std::regex(R"(card (\d+) \(person)"))) << issued;
  card_ = m[1];
  ASSERT_TRUE(std::regex_search(issued, m, std::regex(R"(card file\s+(\S+))"))) << issued;
  card_file_ = m[1];
  const std::string fresh =
      Sql("SELECT person_id FROM persons p WHERE NOT EXISTS (SELECT 1 FROM cards c WHERE "
          "c.person_id = p.person_id) ORDER BY person_id LIMIT 1");

  base_ =
      server_.Start({"--db", db_, "--state-dir", state_, "--now", "2026-11-23T10:00:00+09:00",
                     "--link-every", "0", "--eligibility-from", "store", "--probe-every-ms", "100",
                     "--facility-challenge-capacity", "1", "--portal-challenge-capacity", "1"});
  ASSERT_EQ(base_.rfind("https://", 0), 0u) << base_;
  {
    const HttpAnswer login =
        Curl("POST", "/oqs-api-pro/MSA12020/ILI12020SV01/auth", Cert("clinic"),
             onshi::testing::Sh("cat " + (dir_ / "clinic/body.json").string()));
    ASSERT_EQ(login.status, 200) << login.body;
    token_ = std::string(json::parse(login.body).at("result").at("idToken").as_string());
  }
  const std::string fac = Cert("clinic") + " -H 'Authorization: " + token_ + "'";
  const std::string city = Cert("city"), ins = Cert("insurer"), ops = Cert("ops");
  // The person's portal session, opened while the database answers.
  std::string cookie;
  {
    const HttpAnswer a =
        Curl("POST", "/portal/session", "", "{" + Proof("portal", Challenge(true)) + "}");
    ASSERT_EQ(a.status, 204) << a.body;
    const std::string set = a.Header("Set-Cookie");
    cookie = "-H 'Cookie: " + set.substr(0, set.find(';')) + "'";
  }

  // A full challenge book (one outstanding challenge each): 503, with
  // Retry-After. The outstanding ones are used below, after the stop.
  const std::string facility_challenge = Challenge(false);
  const std::string portal_challenge = Challenge(true);
  const std::vector<ErrorRow> full = {
      {fac, "POST", "/oqs-api-pro/card/challenge", "", 503, AnswerKind::kProblem,
       "too many challenges outstanding", "too many card challenges are outstanding"},
      {"", "POST", "/portal/card/challenge", "", 503, AnswerKind::kProblem,
       "too many challenges outstanding", "too many card challenges are outstanding"},
  };
  std::vector<ErrorRow> all = full;
  for (const ErrorRow& row : full) {
    const HttpAnswer a = Curl(row.method, row.path, row.who, row.body, row.ctype);
    EXPECT_EQ(onshi::testing::Mismatch(a, row), "") << onshi::testing::Describe(row);
    EXPECT_NE(a.Header("Retry-After"), "") << onshi::testing::Describe(row);
  }

  // The outage.
  pg.StopServer();
  for (int i = 0; i < 200 && Health() != "read-only"; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_EQ(Health(), "read-only");

  const std::string read_only =
      "the primary database is unavailable, so changes are refused; eligibility checks are "
      "still answered. Retry later (the primary database does not answer)";
  const std::string cards = "/municipal/v1/cards/";
  // Each a request that would be carried out with the database up.
  const std::vector<ErrorRow> writes = {
      {city, "POST", "/municipal/v1/cards", R"({"person_id":)" + fresh + R"(,"pin":"1234"})"},
      {city, "POST", cards + card_ + "/suspend"},
      {city, "POST", cards + card_ + "/resume"},
      {city, "POST", cards + card_ + "/renew"},
      {city, "POST", cards + card_ + "/reissue", R"({"pin":"1234"})"},
      {city, "POST", cards + card_ + "/pin-reset", R"({"pin":"1234"})"},
      {city, "POST", cards + card_ + "/register", R"({"pin":"1234"})"},
      {city, "POST", "/municipal/v1/persons/" + person + "/events",
       R"({"kind":"moved","date":"2026-11-01","address":"東京都千代田区丸の内一丁目９番１号"})"},
      {fac, "POST", "/oqs-api-pro/card/register",
       "{" + Proof("1310000011", facility_challenge) + "}"},
      {"", "POST", "/portal/card/register",
       "{" + Proof("portal", portal_challenge) + R"(,"channel":"portal"})"},
      {cookie, "POST", "/portal/registration", ""},
      {ins, "POST", "/insurer/v1/documents/issue", R"({"as_of":""})"},
      {ops, "POST", "/admin/readers/no-such-reader/revoke", ""},
  };
  for (ErrorRow row : writes) {
    row.status = 503;
    row.title = "read-only mode";
    row.detail = read_only;
    all.push_back(row);
  }
  const std::string unavailable = "database unavailable",
                    unavailable_detail =
                        "the database did not answer; nothing was changed by this request, retry "
                        "later";
  // The facility's login answers a problem document here, not its own
  // {"status","msg"} (noticed in issue 21, left as it is).
  const std::vector<ErrorRow> reads = {
      {fac, "POST", kSearch,
       R"({"XmlMsg":{"MessageHeader":{"QualificationConfirmationDate":"20261123","MedicalInstitutionCode":"1310000011"},"MessageBody":{"QualificationConfirmSearchInfo":{"InsurerNumber":"06139992","InsuredCardSymbol":"1","InsuredIdentificationNumber":"1001","InsuredBranchNumber":"00","Birthdate":"19800515","LimitApplicationCertificateRelatedConsFlg":"1"}}}})",
       503, AnswerKind::kOqs, "ONS-E0908",
       "資格情報を照会できません。時間をおいて再度照会してください (neither the database nor its "
       "replica answered)"},
      {fac, "POST", "/fhir/CoverageEligibilityRequest/$submit",
       onshi::testing::Sh("cat " + std::string(ONSHI_SOURCE_DIR) +
                          "/fuzz/corpus/fhir/valid_jp_core"),
       503, AnswerKind::kFhir, "transient",
       "CoverageEligibilityRequest: neither the database nor its replica answered; retry later", "",
       "application/fhir+json"},
      {fac, "POST", "/oqs-api-pro/card/search",
       "{" + Proof("1310000011", facility_challenge) +
           R"(,"identityCheck":"pin","qualificationConfirmationDate":"20261123"})",
       503, AnswerKind::kProblem, unavailable, unavailable_detail},
      {"", "POST", "/portal/card/status", "{" + Proof("portal", portal_challenge) + "}", 503,
       AnswerKind::kProblem, unavailable, unavailable_detail},
      {cookie, "GET", "/portal/qualification", "", 503, AnswerKind::kProblem, unavailable,
       unavailable_detail},
      {city, "GET", "/municipal/v1/persons/" + person + "/registration", "", 503,
       AnswerKind::kProblem, unavailable, unavailable_detail},
      {ins, "GET", "/insurer/v1/submissions", "", 503, AnswerKind::kProblem, unavailable,
       unavailable_detail},
      {Cert("clinic"), "POST", "/oqs-api-pro/MSA12020/ILI12020SV01/auth",
       onshi::testing::Sh("cat " + (dir_ / "clinic/body.json").string()), 503, AnswerKind::kProblem,
       unavailable, unavailable_detail},
      {"", "GET", "/healthz", "", 503, AnswerKind::kHealth, "unavailable"},
      {ops, "GET", "/admin/health", "", 503, AnswerKind::kHealth, "unavailable"},
  };
  all.insert(all.end(), reads.begin(), reads.end());
  for (size_t i = full.size(); i < all.size(); ++i) {
    const ErrorRow& row = all[i];
    const HttpAnswer a = Curl(row.method, row.path, row.who, row.body, row.ctype);
    EXPECT_EQ(onshi::testing::Mismatch(a, row), "") << onshi::testing::Describe(row);
    if (row.title == "read-only mode") {
      EXPECT_EQ(a.Header("Retry-After"), "5") << onshi::testing::Describe(row);
    }
  }

  // The routes AuthzMatrixTest leaves to this table have their rows here.
  std::vector<std::string> bad;
  const std::set<std::string> covered = onshi::testing::CoverageOf(all, &bad);
  EXPECT_TRUE(bad.empty()) << bad.front();
  for (const std::string& route : onshi::testing::kInTheDatabaseDownTable)
    EXPECT_TRUE(covered.contains(route)) << route << " has no row here";

  // Nothing was written: the card is as issued.
  pg.StartServer();
  EXPECT_EQ(Sql("SELECT status FROM cards WHERE card_id = " + card_), "active");
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM cards WHERE person_id = " + fresh), "0");
}

}  // namespace
