// The portal against `onshi serve` over HTTPS (curl, no browser; the
// browser walk with the reader agent is tests/web/run_portal.sh): the card
// login and its cookie, refusals as problem details, every login audited,
// 利用登録 in one step (R-REG-2, R-REG-4), the consents a patient chose at a
// clinic's reader and the clinic's look-up on the access log with the
// chain's verification, the 資格情報 PDF (R-PORT-3), and sessions that end
// with logout or with the card's suspension (R-CARD-6).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>

#include "card_proof.hpp"
#include "process_util.hpp"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using onshi::testing::HttpAnswer;
using onshi::testing::Sh;

const std::string kBin = ONSHI_BINARY;
constexpr const char* kClinic = "1310000011";

class PortalE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("onshi-portal-e2e-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = (dir_ / "t.db").string();
    int rc = 0;
    Sh(kBin + " populate --quiet --members 200 --today 2026-11-23 --db " + db_, &rc);
    ASSERT_EQ(rc, 0);
    person_ =
        Sql("SELECT m.person_id FROM members m WHERE linkage='linked' AND lost IS NULL AND "
            "NOT EXISTS (SELECT 1 FROM cards c WHERE c.person_id=m.person_id) AND (SELECT COUNT(*) "
            "FROM members x WHERE x.person_id=m.person_id)=1 ORDER BY m.person_id LIMIT 1");
    ASSERT_FALSE(person_.empty());
    number_ = Sql("SELECT number FROM members WHERE person_id=" + person_);
    Sh(kBin + " facility add --code " + kClinic +
           " --name 'ポータル試験クリニック' --now 2026-11-20 " + "--out " +
           (dir_ / "clinic").string() + " --db " + db_,
       &rc);
    ASSERT_EQ(rc, 0);
    const std::string out = Sh(kBin + " card issue --person-id " + person_ +
                                   " --pin 1234 --now 2026-11-20 --db " + db_ + " 2>&1",
                               &rc);
    ASSERT_EQ(rc, 0) << out;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(out, m, std::regex(R"(card (\d+) \(person)"))) << out;
    card_id_ = m[1];
    card_path_ = db_ + ".cards/card-" + card_id_ + ".card";
    base_ = server_.Start({"--db", db_, "--now", "2026-11-23T10:00:00+09:00", "--link-every", "0"});
    ASSERT_EQ(base_.rfind("https://", 0), 0u);
  }
  void TearDown() override {
    server_.Stop();
    fs::remove_all(dir_);
  }

  std::string Sql(const std::string& query) {
    std::string out = Sh(onshi::testing::SqliteShell(db_) + " \"" + query + "\"");
    while (!out.empty() && out.back() == '\n')
      out.pop_back();
    return out;
  }

  HttpAnswer Curl(const std::string& path, const std::string& extra) {
    return onshi::testing::RunCurl("curl -s -i --max-time 20 --cacert " +
                                   (dir_ / "clinic/ca.pem").string() + " " + extra + " '" + base_ +
                                   path + "'");
  }
  HttpAnswer Get(const std::string& path, const std::string& cookie) {
    return Curl(path, cookie.empty() ? "" : "-H 'Cookie: onshi_portal=" + cookie + "'");
  }
  HttpAnswer PostJson(const std::string& path, const std::string& body,
                      const std::string& extra = "") {
    std::ofstream(dir_ / "post.json") << body;
    return Curl(path, extra + " -H 'Content-Type: application/json' --data-binary @" +
                          (dir_ / "post.json").string());
  }

  std::string Challenge(const std::string& path, const std::string& extra = "") {
    HttpAnswer c = Curl(path, "-X POST " + extra);
    EXPECT_EQ(c.status, 200) << c.body;
    return std::string(json::parse(c.body).at("challenge").as_string());
  }
  std::string Prove(const std::string& pin, const std::string& audience,
                    const std::string& challenge) {
    return onshi::testing::CardProof(card_path_, db_ + ".card-issuer.key", pin, audience,
                                     challenge);
  }

  // The login as the page does it after the reader agent signed; returns
  // the session token from the cookie.
  std::string LogIn(HttpAnswer* answer = nullptr) {
    HttpAnswer a =
        PostJson("/portal/session",
                 "{" + Prove("1234", "portal", Challenge("/portal/card/challenge")) + "}");
    if (answer) *answer = a;
    std::smatch m;
    const std::string cookie = a.Header("Set-Cookie");
    if (!std::regex_search(cookie, m, std::regex("onshi_portal=([A-Za-z0-9_-]{43});"))) return "";
    return m[1];
  }

  // Waits until the audit log holds an entry matching `where` (the writer
  // commits in batches).
  bool AuditHas(const std::string& where) {
    for (int i = 0; i < 200; ++i) {
      if (Sql("SELECT COUNT(*) FROM audit_log WHERE " + where) != "0") return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  fs::path dir_;
  std::string db_, person_, number_, card_id_, card_path_, base_;
  onshi::testing::ServeProcess server_;
};

TEST_F(PortalE2eTest, CardLoginSetsAStrictCookieAndIsAudited) {
  // Without a session every page leads to the login.
  HttpAnswer a = Get("/portal/qualification", "");
  EXPECT_EQ(a.status, 303);
  EXPECT_EQ(a.Header("Location"), "/portal/login");
  a = Get("/portal/qualification", std::string(43, 'A'));
  EXPECT_EQ(a.Header("Location"), "/portal/login?expired=1");

  // A proof that does not verify: 401 problem details, audited.
  std::string forged = Prove("1234", "portal", Challenge("/portal/card/challenge"));
  const size_t sig = forged.find("\"signature\":\"") + 13;
  forged[sig + 5] = forged[sig + 5] == 'A' ? 'B' : 'A';
  a = PostJson("/portal/session", "{" + forged + "}");
  EXPECT_EQ(a.status, 401) << a.body;
  EXPECT_NE(a.Header("Content-Type").find("application/problem+json"), std::string::npos);
  EXPECT_TRUE(AuditHas("action='portal.login' AND detail LIKE 'refused%'"));
  // A wrong PIN signs nothing: no credential at all.
  a = PostJson("/portal/session",
               "{" + Prove("0000", "portal", Challenge("/portal/card/challenge")) + "}");
  EXPECT_EQ(a.status, 401) << a.body;
  // A login another site's page started.
  a = PostJson("/portal/session",
               "{" + Prove("1234", "portal", Challenge("/portal/card/challenge")) + "}",
               "-H 'Sec-Fetch-Site: cross-site'");
  EXPECT_EQ(a.status, 403) << a.body;
  EXPECT_TRUE(a.Header("Set-Cookie").empty());
  // A facility's challenge is not the portal's.
  EXPECT_EQ(PostJson("/portal/session", "{\"certificate\":\"AA\"}").status, 400);

  const std::string token = LogIn(&a);
  ASSERT_EQ(a.status, 204) << a.body;
  const std::string cookie = a.Header("Set-Cookie");
  for (const char* attribute : {"HttpOnly", "Secure", "SameSite=Strict", "Path=/portal"}) {
    EXPECT_NE(cookie.find(attribute), std::string::npos) << attribute << " in " << cookie;
  }
  ASSERT_FALSE(token.empty());
  EXPECT_TRUE(AuditHas("action='portal.login' AND person_id=" + person_ +
                       " AND detail LIKE 'ok card=" + card_id_ + "%'"));
  a = Get("/portal/", token);
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_NE(a.body.find("未登録"), std::string::npos);
  EXPECT_NE(a.Header("Content-Security-Policy").find("connect-src 'self' http://127.0.0.1:47215"),
            std::string::npos)
      << a.Header("Content-Security-Policy");
  // A wrong method is 405 with Allow, like every route of the table.
  a = Curl("/portal/session", "");
  EXPECT_EQ(a.status, 405);
  EXPECT_EQ(a.Header("Allow"), "POST");

  // Logout ends the session on the server, not only in the browser.
  a = Curl("/portal/logout", "-X POST -H 'Cookie: onshi_portal=" + token + "'");
  EXPECT_EQ(a.status, 303);
  EXPECT_NE(a.Header("Set-Cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(Get("/portal/", token).status, 303);
}

TEST_F(PortalE2eTest, RegistrationInOneStep_RREG2_RREG4) {
  const std::string token = LogIn();
  ASSERT_FALSE(token.empty());
  // Another site's form cannot register the card.
  HttpAnswer a = Curl("/portal/registration", "-X POST -H 'Cookie: onshi_portal=" + token +
                                                  "' -H 'Sec-Fetch-Site: cross-site'");
  EXPECT_EQ(a.status, 403);
  EXPECT_EQ(Sql("SELECT insurance_registered_on IS NULL FROM cards WHERE card_id=" + card_id_),
            "1");
  a = Curl("/portal/registration", "-X POST -H 'Cookie: onshi_portal=" + token + "'");
  ASSERT_EQ(a.status, 303) << a.body;
  EXPECT_EQ(a.Header("Location"), "/portal/registration?done=1");
  EXPECT_EQ(Sql("SELECT registration_channel FROM cards WHERE card_id=" + card_id_), "portal");
  a = Get("/portal/registration?done=1", token);
  EXPECT_NE(a.body.find("健康保険証利用登録が完了しました"), std::string::npos);
  EXPECT_EQ(a.body.find("action=\"/portal/registration\""), std::string::npos);  // no second form
  EXPECT_NE(Get("/portal/", token).body.find("マイナ保険証として利用できます"), std::string::npos);
}

TEST_F(PortalE2eTest, ConsentsAndAccessLogShowTheClinicsCardCheck) {
  // The clinic checks the patient with the card; the patient consents to
  // 診療情報 and 限度額 at the reader, not to 薬剤情報.
  HttpAnswer login = Curl("/oqs-api-pro/MSA12020/ILI12020SV01/auth",
                          "--cert " + (dir_ / "clinic/cert.pem").string() + " --key " +
                              (dir_ / "clinic/key.pem").string() + " --data-binary @" +
                              (dir_ / "clinic/body.json").string());
  ASSERT_EQ(login.status, 200) << login.body;
  const std::string token =
      std::string(json::parse(login.body).at("result").at("idToken").as_string());
  const std::string auth = "-H 'Authorization: " + token + "'";
  HttpAnswer check =
      PostJson("/oqs-api-pro/card/search",
               "{" + Prove("1234", kClinic, Challenge("/oqs-api-pro/card/challenge", auth)) +
                   ",\"identityCheck\":\"pin\",\"qualificationConfirmationDate\":\"20261123\","
                   "\"consents\":{\"diagnosis\":\"1\",\"pharmacists\":\"0\",\"limit\":\"1\"}}",
               auth);
  ASSERT_EQ(check.status, 200) << check.body;
  // Registration makes the check 有効; without it the look-up is still a look.
  EXPECT_TRUE(AuditHas("action='eligibility.card' AND person_id=" + person_ +
                       " AND detail LIKE '%consents=diagnosis:1,pharmacists:0,limit:1%'"));

  const std::string session = LogIn();
  ASSERT_FALSE(session.empty());
  HttpAnswer a = Get("/portal/consents", session);
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_NE(a.body.find("ポータル試験クリニック"), std::string::npos);
  EXPECT_NE(a.body.find("診療情報：同意する"), std::string::npos) << a.body;
  EXPECT_NE(a.body.find("薬剤情報：同意しない"), std::string::npos);
  EXPECT_NE(a.body.find("限度額適用認定証：同意する"), std::string::npos);

  a = Get("/portal/access-log", session);
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_NE(a.body.find("マイナ保険証（暗証番号）"), std::string::npos) << a.body;
  EXPECT_NE(a.body.find("ポータル試験クリニック"), std::string::npos);
  EXPECT_NE(a.body.find("data-intact=\"true\""), std::string::npos);
  EXPECT_NE(a.body.find("✓ 一致"), std::string::npos);
  // Its own login is not a facility looking.
  EXPECT_EQ(a.body.find("portal.login"), std::string::npos);

  // Someone edits the entry in the database: the page says so.
  server_.Stop();
  Sql("DROP TRIGGER IF EXISTS audit_log_no_update");
  const std::string triggers =
      Sql("SELECT name FROM sqlite_master WHERE type='trigger' AND "
          "tbl_name='audit_log'");
  std::istringstream names(triggers);
  for (std::string t; std::getline(names, t);)
    Sql("DROP TRIGGER " + t);
  Sql("UPDATE audit_log SET detail=replace(detail, 'diagnosis:1', 'diagnosis:0') WHERE "
      "action='eligibility.card'");
  base_ = server_.Start({"--db", db_, "--now", "2026-11-23T10:00:00+09:00", "--link-every", "0"});
  const std::string again = LogIn();
  a = Get("/portal/access-log", again);
  EXPECT_NE(a.body.find("data-intact=\"false\""), std::string::npos);
  EXPECT_NE(a.body.find("✗ 不一致"), std::string::npos);
}

TEST_F(PortalE2eTest, QualificationPageAndPdf_RPORT3_RLINK7) {
  const std::string session = LogIn();
  ASSERT_FALSE(session.empty());
  HttpAnswer a = Get("/portal/qualification", session);
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_NE(a.body.find(number_), std::string::npos);
  EXPECT_NE(a.body.find("一部負担金の割合"), std::string::npos);
  EXPECT_NE(a.body.find("登録済み"), std::string::npos);
  Sh("curl -s --max-time 20 --cacert " + (dir_ / "clinic/ca.pem").string() +
     " -H 'Cookie: onshi_portal=" + session + "' -o " + (dir_ / "q.pdf").string() + " '" + base_ +
     "/portal/qualification.pdf'");
  std::ifstream in(dir_ / "q.pdf", std::ios::binary);
  std::string head(5, '\0');
  in.read(head.data(), 5);
  EXPECT_EQ(head, "%PDF-");
  const std::string text = Sh("pdftotext " + (dir_ / "q.pdf").string() + " -");
  EXPECT_NE(text.find(number_), std::string::npos) << text;
  EXPECT_NE(text.find("資格情報"), std::string::npos);
  EXPECT_TRUE(AuditHas("action='portal.qualification.pdf' AND person_id=" + person_));
}

TEST_F(PortalE2eTest, SuspendingTheCardEndsItsSessions_RCARD6) {
  const std::string session = LogIn();
  ASSERT_EQ(Get("/portal/", session).status, 200);
  int rc = 0;
  const std::string out = Sh(
      kBin + " card suspend --card " + card_id_ + " --now 2026-11-23 --db " + db_ + " 2>&1", &rc);
  ASSERT_EQ(rc, 0) << out;
  HttpAnswer a = Get("/portal/", session);
  EXPECT_EQ(a.status, 303);
  EXPECT_EQ(a.Header("Location"), "/portal/login?expired=1");
}

}  // namespace
