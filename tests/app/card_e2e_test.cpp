// The My Number card end to end against `onshi serve`: `onshi card issue`
// at the municipal window, 利用登録, then a clinic checks eligibility with the
// card — the card (the emulator, driven by the same reader session code that
// drives a PC/SC reader) signs the service's challenge after VERIFY. Then
// the card's life: PIN lock and reset at the window, hotline suspension,
// resumption with a new certificate. Rules: R-CARD-5, R-CARD-6, R-REG-1,
// R-FAC-2.
#include <gtest/gtest.h>
#include <openssl/sha.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include "auth/base64url.hpp"
#include "auth/reader_key.hpp"
#include "card/card.hpp"
#include "card/issuer_key.hpp"
#include "card_proof.hpp"
#include "core/date.hpp"
#include "process_util.hpp"
#include "reader/jpki_reader_session.hpp"
#include "service/card_check.hpp"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using onshi::testing::HttpAnswer;
using onshi::testing::Sh;

const std::string kBin = ONSHI_BINARY;
constexpr const char* kClinic = "1310000011";

class CardE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("onshi-card-e2e-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = (dir_ / "t.db").string();
    int rc = 0;
    Sh(kBin + " populate --quiet --members 200 --today 2026-11-23 --db " + db_, &rc);
    ASSERT_EQ(rc, 0);
    // Someone insured today, once, with no card yet.
    person_ = Sh(onshi::testing::SqliteShell(db_) +
                 " \"SELECT m.person_id FROM members m WHERE linkage='linked' AND lost IS NULL AND "
                 "acquired < '2026-01-01' AND NOT EXISTS (SELECT 1 FROM cards c WHERE "
                 "c.person_id=m.person_id) AND (SELECT COUNT(*) FROM members x WHERE "
                 "x.person_id=m.person_id)=1 ORDER BY m.person_id LIMIT 1\"");
    while (!person_.empty() && person_.back() == '\n')
      person_.pop_back();
    ASSERT_FALSE(person_.empty());
    // Ten years, so the clinic can still log in when the tests move the
    // clock past a card certificate's expiry.
    Sh(kBin + " facility add --code " + kClinic + " --now 2026-11-20 --days 3650 --out " +
           (dir_ / "clinic").string() + " --db " + db_,
       &rc);
    ASSERT_EQ(rc, 0);
  }
  void TearDown() override {
    server_.Stop();
    fs::remove_all(dir_);
  }

  std::string Card(const std::string& args, int* rc) {
    return Sh(kBin + " card " + args + " --db " + db_ + " 2>&1", rc);
  }

  HttpAnswer Curl(const std::string& path, const std::string& extra) {
    return onshi::testing::RunCurl("curl -s -i --max-time 20 --cacert " +
                                   (dir_ / "clinic/ca.pem").string() + " " + extra + " '" + base_ +
                                   path + "'");
  }

  std::string Login() {
    const fs::path d = dir_ / "clinic";
    HttpAnswer a =
        Curl("/oqs-api-pro/MSA12020/ILI12020SV01/auth",
             "--cert " + (d / "cert.pem").string() + " --key " + (d / "key.pem").string() +
                 " --data-binary @" + (d / "body.json").string());
    if (a.status != 200) {
      ADD_FAILURE() << "login: " << a.status << " " << a.body;
      return "";
    }
    return std::string(json::parse(a.body).at("result").at("idToken").as_string());
  }

  // What the reception terminal does: read the certificate, ask for a
  // challenge, have the card sign it after the PIN, and ask for the check.
  HttpAnswer CheckWithCard(const std::string& pin, std::string* challenge_out = nullptr,
                           const std::string& replay = "") {
    auto key = onshi::card::IssuerKey::LoadOrCreate(db_ + ".card-issuer.key");
    EXPECT_TRUE(key.ok());
    auto card = onshi::card::Card::Open(card_path_, *key);
    EXPECT_TRUE(card.ok()) << (card.ok() ? "" : card.error().ToString());
    onshi::reader::JpkiReaderSession session(
        [&](const onshi::reader::Bytes& c) -> onshi::Expected<onshi::reader::Bytes> {
          return card->Transmit(c);
        });
    EXPECT_FALSE(session.SelectJpki().has_value());
    auto cert = session.ReadAuthCertificate();
    EXPECT_TRUE(cert.ok());
    std::string challenge = replay;
    if (challenge.empty()) {
      HttpAnswer c =
          Curl("/oqs-api-pro/card/challenge", "-X POST -H 'Authorization: " + token_ + "'");
      EXPECT_EQ(c.status, 200) << c.body;
      challenge = std::string(json::parse(c.body).at("challenge").as_string());
    }
    if (challenge_out) *challenge_out = challenge;
    const std::string raw = *onshi::auth::Base64UrlDecode(challenge);
    const std::vector<uint8_t> bytes(raw.begin(), raw.end());
    auto pin_status = session.VerifyPin(pin);
    std::string signature;
    if (pin_status.ok() && pin_status->verified) {
      const std::vector<uint8_t> m = onshi::service::SignedMessage(kClinic, bytes);
      std::array<uint8_t, 32> digest;
      SHA256(m.data(), m.size(), digest.data());
      auto sig = session.SignDigestInfo(onshi::reader::Sha256DigestInfo(digest));
      EXPECT_TRUE(sig.ok());
      signature = onshi::auth::Base64UrlEncode(
          std::string_view(reinterpret_cast<const char*>(sig->data()), sig->size()));
    }
    const std::string body = "{\"certificate\":\"" +
                             onshi::auth::Base64UrlEncode(std::string_view(
                                 reinterpret_cast<const char*>(cert->data()), cert->size())) +
                             "\",\"identityCheck\":\"pin\",\"challenge\":\"" + challenge +
                             "\",\"signature\":\"" + signature +
                             "\",\"qualificationConfirmationDate\":\"" + confirmation_ + "\"}";
    std::ofstream(dir_ / "card.json") << body;
    return Curl("/oqs-api-pro/card/search", "-H 'Authorization: " + token_ +
                                                "' -H 'Content-Type: application/json' "
                                                "--data-binary @" +
                                                (dir_ / "card.json").string());
  }

  // The card's login for `audience` (a facility code, or "portal"): reads
  // the certificate and, after the PIN, signs the challenge. Returns the
  // JSON members certificate, challenge and signature.
  std::string Prove(const std::string& pin, const std::string& audience,
                    const std::string& challenge) {
    return onshi::testing::CardProof(card_path_, db_ + ".card-issuer.key", pin, audience,
                                     challenge);
  }

  // A check in face or 目視 mode (R-FAC-2, R-FAC-3): the card is not
  // unlocked; the clinic's card reader signs the check (issue 15), unless
  // `reader` is null.
  HttpAnswer CheckByReader(const std::string& mode, const onshi::auth::ReaderKey* reader,
                           const std::string& facility = kClinic) {
    const std::string certificate =
        onshi::testing::CardCertificate(card_path_, db_ + ".card-issuer.key");
    const std::string challenge = Challenge(false);
    std::string body = "{\"certificate\":\"" + certificate + "\",\"identityCheck\":\"" + mode +
                       "\",\"challenge\":\"" + challenge + "\",";
    if (reader) {
      body += onshi::testing::ReaderProof(*reader, facility, mode, challenge, certificate) + ",";
    }
    body += "\"qualificationConfirmationDate\":\"" + confirmation_ + "\"}";
    return PostJson("/oqs-api-pro/card/search", body, true);
  }

  // `onshi reader add` for `facility`: the reader's key, as the reader holds it.
  onshi::auth::ReaderKey AddReader(const std::string& facility, const std::string& dir) {
    int rc = 0;
    const std::string out =
        Sh(kBin + " reader add --facility " + facility + " --name 受付1 --out " +
               (dir_ / dir).string() + " --db " + db_ + " 2>&1",
           &rc);
    EXPECT_EQ(rc, 0) << out;
    auto key = onshi::auth::ReaderKey::Load((dir_ / dir).string());
    EXPECT_TRUE(key.ok()) << out;
    EXPECT_NE(out.find(key->id()), std::string::npos) << out;
    return std::move(key).value();
  }

  std::string Sql(const std::string& query) {
    std::string out = Sh(onshi::testing::SqliteShell(db_) + " \"" + query + "\"");
    while (!out.empty() && out.back() == '\n')
      out.pop_back();
    return out;
  }

  HttpAnswer PostJson(const std::string& path, const std::string& body, bool with_token) {
    std::ofstream(dir_ / "post.json") << body;
    return Curl(path, (with_token ? "-H 'Authorization: " + token_ + "' " : std::string()) +
                          "-H 'Content-Type: application/json' --data-binary @" +
                          (dir_ / "post.json").string());
  }

  std::string Challenge(bool portal) {
    HttpAnswer c =
        portal ? Curl("/portal/card/challenge", "-X POST")
               : Curl("/oqs-api-pro/card/challenge", "-X POST -H 'Authorization: " + token_ + "'");
    EXPECT_EQ(c.status, 200) << c.body;
    return std::string(json::parse(c.body).at("challenge").as_string());
  }

  // Issues a card at the window and registers it for insurance use;
  // returns the certificate's last day.
  onshi::Date IssueRegistered(const std::string& now) {
    int rc = 0;
    const std::string out = Card("issue --person-id " + person_ + " --pin 1234 --now " + now, &rc);
    EXPECT_EQ(rc, 0) << out;
    UseCardFrom(out);
    const std::string reg =
        Card("register --card " + card_id_ + " --channel atm --now " + now, &rc);
    EXPECT_EQ(rc, 0) << reg;
    const size_t at = out.find("cert valid to ");
    return *onshi::Date::ParseIso(out.substr(at + 14, 10));
  }

  // Takes the card id and file from `onshi card issue|reissue` output.
  void UseCardFrom(const std::string& out) {
    std::smatch m;  // "onshi: issued card 12 (person 34)"
    ASSERT_TRUE(std::regex_search(out, m, std::regex(R"(card (\d+) \(person)"))) << out;
    card_id_ = m[1];
    card_path_ = db_ + ".cards/card-" + card_id_ + ".card";
  }

  // (Re)starts the server with the clock at `now` and logs in.
  void Serve(const std::string& now, const std::vector<std::string>& extra = {}) {
    server_.Stop();
    std::vector<std::string> args = {"--db", db_, "--now", now, "--link-every", "0"};
    args.insert(args.end(), extra.begin(), extra.end());
    base_ = server_.Start(args);
    ASSERT_EQ(base_.rfind("https://", 0), 0u);
    token_ = Login();
    ASSERT_FALSE(token_.empty());
  }

  static std::string At(onshi::Date d) { return d.ToIso() + "T10:00:00+09:00"; }

  fs::path dir_;
  std::string db_, person_, card_id_, card_path_, base_, token_;
  std::string confirmation_ = "20261123";
  onshi::testing::ServeProcess server_;
};

TEST_F(CardE2eTest, IssueRegisterCheckLockResetSuspendResume) {
  int rc = 0;
  std::string out = Card("issue --person-id " + person_ + " --pin 1234 --now 2026-11-20", &rc);
  ASSERT_EQ(rc, 0) << out;
  UseCardFrom(out);
  ASSERT_TRUE(fs::exists(card_path_)) << out;
  Serve("2026-11-23T10:00:00+09:00");

  // Not registered for insurance use yet: the card identifies the person but
  // is not an insurance card (R-REG-1).
  HttpAnswer a = CheckWithCard("1234");
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_NE(a.body.find("\"Reason\":\"not_registered_for_insurance_use\""), std::string::npos)
      << a.body;
  out = Card("register --card " + card_id_ + " --channel portal --now 2026-11-21", &rc);
  ASSERT_EQ(rc, 0) << out;

  std::string challenge;
  a = CheckWithCard("1234", &challenge);
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_NE(a.body.find("\"QualificationValidity\":\"1\""), std::string::npos) << a.body;
  EXPECT_NE(a.body.find("\"ReferenceClassification\":\"1\""), std::string::npos);
  EXPECT_FALSE(a.Header("X-OQS-Proof").empty());
  // The same challenge again is a replay.
  EXPECT_EQ(CheckWithCard("1234", nullptr, challenge).status, 401);

  // Three wrong PINs lock the card (R-CARD-5); the check cannot be signed.
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(CheckWithCard("0000").status, 401);
  EXPECT_EQ(CheckWithCard("1234").status, 401);
  out = Card("pin-reset --card " + card_id_ + " --pin 5678 --now 2026-11-23", &rc);
  ASSERT_EQ(rc, 0) << out;
  a = CheckWithCard("5678");
  EXPECT_NE(a.body.find("\"QualificationValidity\":\"1\""), std::string::npos) << a.body;

  // The 24h hotline suspends the card (R-CARD-6): it identifies no one.
  out = Card("suspend --card " + card_id_ + " --now 2026-11-23T09:30:00+09:00", &rc);
  ASSERT_EQ(rc, 0) << out;
  a = CheckWithCard("5678");
  EXPECT_TRUE(a.status == 403 || a.body.find("\"Reason\":\"card_suspended\"") != std::string::npos)
      << a.status << " " << a.body;
  EXPECT_EQ(a.body.find("\"QualificationValidity\":\"1\""), std::string::npos);

  // Resumed at the window with a new certificate; the registration stands.
  out = Card("resume --card " + card_id_ + " --now 2026-11-23T09:45:00+09:00", &rc);
  ASSERT_EQ(rc, 0) << out;
  a = CheckWithCard("5678");
  EXPECT_NE(a.body.find("\"QualificationValidity\":\"1\""), std::string::npos) << a.body;

  server_.Stop();
  // Every check is audited under the person, by certificate, never My Number.
  const std::string audited =
      Sh(onshi::testing::SqliteShell(db_) +
         " \"SELECT COUNT(*) FROM audit_log WHERE action='eligibility.card' "
         "AND person_id=" +
         person_ + "\"");
  EXPECT_GE(std::stoi(audited), 4);
  Sh(kBin + " audit verify --db " + db_, &rc);
  EXPECT_EQ(rc, 0);
}

// R-CARD-4: an expired certificate works until the end of the third month
// after; beyond that the card identifies no one. Renewed after the grace,
// the registration is gone and must be done again; a reissued card (lost
// card) needs registration again too (R-CARD-6).
TEST_F(CardE2eTest, GraceRenewalReissueAndReRegistration) {
  const onshi::Date expiry = IssueRegistered("2026-11-20");
  const onshi::Date in_grace = expiry.AddDays(20);
  confirmation_ = in_grace.ToCompact();
  Serve(At(in_grace));
  HttpAnswer a = CheckWithCard("1234");
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_NE(a.body.find("\"QualificationValidity\":\"1\""), std::string::npos) << a.body;
  EXPECT_NE(a.body.find("\"CertificateInGrace\":\"1\""), std::string::npos) << a.body;

  // In the grace the card still logs in at the portal.
  EXPECT_EQ(
      PostJson("/portal/card/status", "{" + Prove("1234", "portal", Challenge(true)) + "}", false)
          .status,
      200);

  const onshi::Date beyond = expiry.AddMonths(4).AddDays(5);
  confirmation_ = beyond.ToCompact();
  Serve(At(beyond));
  a = CheckWithCard("1234");
  EXPECT_NE(a.body.find("\"Reason\":\"certificate_expired_beyond_grace\""), std::string::npos)
      << a.body;
  // Issue 15 (R-CARD-4): beyond the grace it logs in nowhere.
  HttpAnswer login =
      PostJson("/portal/card/status", "{" + Prove("1234", "portal", Challenge(true)) + "}", false);
  EXPECT_EQ(login.status, 403) << login.body;
  EXPECT_NE(login.body.find("renew"), std::string::npos) << login.body;

  int rc = 0;
  std::string out = Card("renew --card " + card_id_ + " --now " + At(beyond), &rc);
  ASSERT_EQ(rc, 0) << out;
  a = CheckWithCard("1234");
  EXPECT_NE(a.body.find("\"Reason\":\"not_registered_for_insurance_use\""), std::string::npos)
      << a.body;
  out =
      Card("register --card " + card_id_ + " --channel window --pin 1234 --now " + At(beyond), &rc);
  ASSERT_EQ(rc, 0) << out;
  a = CheckWithCard("1234");
  EXPECT_NE(a.body.find("\"QualificationValidity\":\"1\""), std::string::npos) << a.body;

  // The card is lost: reissued. The old card's certificate is revoked.
  const std::string old_path = card_path_;
  out = Card("reissue --card " + card_id_ + " --pin 4321 --now " + At(beyond), &rc);
  ASSERT_EQ(rc, 0) << out;
  // Issue 14: the staff get an answer they can act on, not a bare 403 —
  // 資格情報なし with the card's state and what to tell the patient (R-FAC-6),
  // and nothing of the person's insurance.
  a = CheckWithCard("1234");
  EXPECT_EQ(a.status, 200) << a.body;
  EXPECT_NE(a.body.find("\"QualificationValidity\":\"4\""), std::string::npos) << a.body;
  EXPECT_NE(a.body.find("\"Reason\":\"card_revoked\""), std::string::npos) << a.body;
  EXPECT_NE(a.body.find("\"ProcessingResultCode\":\"ONS-I0102\""), std::string::npos) << a.body;
  EXPECT_EQ(a.body.find("ResultList"), std::string::npos) << a.body;
  UseCardFrom(out);
  ASSERT_NE(card_path_, old_path);
  a = CheckWithCard("4321");
  EXPECT_NE(a.body.find("\"Reason\":\"not_registered_for_insurance_use\""), std::string::npos)
      << a.body;
  out = Card("register --card " + card_id_ + " --channel reader --now " + At(beyond), &rc);
  ASSERT_EQ(rc, 0) << out;
  a = CheckWithCard("4321");
  EXPECT_NE(a.body.find("\"QualificationValidity\":\"1\""), std::string::npos) << a.body;
}

// 利用登録 by the person at マイナポータル or an ATM (the card's signature after
// the PIN is the login), the portal's status page (R-REG-4, with the
// insurer's registration, R-LINK-7), and registration at the facility's
// reader (R-REG-3). A proof made for one audience is worthless for another.
// Issue 20: the person's own record of who checked them (わたしの確認履歴)
// on the portal, read by person from the check log; the checks never
// reach the database's audit_log. Without --check-log the same list comes
// from the database's rows.
TEST_F(CardE2eTest, PortalListsWhoCheckedThePerson) {
  int rc = 0;
  std::string out = Card("issue --person-id " + person_ + " --pin 1234 --now 2026-11-20", &rc);
  ASSERT_EQ(rc, 0) << out;
  UseCardFrom(out);
  out = Card("register --card " + card_id_ + " --channel portal --now 2026-11-21", &rc);
  ASSERT_EQ(rc, 0) << out;
  for (const bool with_log : {false, true}) {
    const std::string log = (dir_ / "check-log").string();
    Serve("2026-11-23T10:00:00+09:00",
          with_log ? std::vector<std::string>{"--check-log", log} : std::vector<std::string>{});
    ASSERT_EQ(CheckWithCard("1234").status, 200);
    const HttpAnswer st = PostJson("/portal/card/status",
                                   "{" + Prove("1234", "portal", Challenge(true)) + "}", false);
    ASSERT_EQ(st.status, 200) << st.body;
    const json::value page = json::parse(st.body);
    const json::array& checks = page.at("checks").as_array();
    // One check in each run: the first run's is in the database, the
    // second's only in the check log.
    ASSERT_EQ(checks.size(), 1u) << st.body;
    EXPECT_EQ(checks[0].at("facility").as_string(), kClinic) << st.body;
    EXPECT_EQ(checks[0].at("action").as_string(), "eligibility.card") << st.body;
    server_.Stop();
  }
  // The check made with the check log is not in the database.
  EXPECT_EQ(
      Sh(onshi::testing::SqliteShell(db_) +
         " \"SELECT COUNT(*) FROM audit_log WHERE action = 'eligibility.card' AND person_id=" +
         person_ + "\""),
      "1\n");
}

TEST_F(CardE2eTest, PortalAtmAndReaderRegistrationAndPortalStatus_RREG3_RREG4) {
  int rc = 0;
  std::string out = Card("issue --person-id " + person_ + " --pin 1234 --now 2026-11-20", &rc);
  ASSERT_EQ(rc, 0) << out;
  UseCardFrom(out);
  Serve("2026-11-23T10:00:00+09:00");

  HttpAnswer st =
      PostJson("/portal/card/status", "{" + Prove("1234", "portal", Challenge(true)) + "}", false);
  ASSERT_EQ(st.status, 200) << st.body;
  json::value v = json::parse(st.body);
  EXPECT_TRUE(v.at("has_current_insurer").as_bool()) << st.body;  // R-REG-5
  EXPECT_FALSE(v.at("usable_as_insurance_card").as_bool()) << st.body;

  // A portal proof sent to a facility route is refused (wrong audience).
  EXPECT_EQ(PostJson("/oqs-api-pro/card/register",
                     "{" + Prove("1234", "portal", Challenge(true)) + "}", true)
                .status,
            401);
  // Registration at the ATM.
  HttpAnswer reg =
      PostJson("/portal/card/register",
               "{" + Prove("1234", "portal", Challenge(true)) + ",\"channel\":\"atm\"}", false);
  ASSERT_EQ(reg.status, 200) << reg.body;
  EXPECT_NE(reg.body.find("\"channel\":\"atm\""), std::string::npos);
  st = PostJson("/portal/card/status", "{" + Prove("1234", "portal", Challenge(true)) + "}", false);
  EXPECT_TRUE(json::parse(st.body).at("usable_as_insurance_card").as_bool()) << st.body;
  // A wrong PIN signs nothing: there is no proof to send, and a made-up
  // signature does not verify; both are 401.
  EXPECT_EQ(
      PostJson("/portal/card/status", "{" + Prove("0000", "portal", Challenge(true)) + "}", false)
          .status,
      401);
  std::string forged = Prove("1234", "portal", Challenge(true));
  const size_t sig = forged.find("\"signature\":\"") + 13;
  forged[sig + 5] = forged[sig + 5] == 'A' ? 'B' : 'A';
  EXPECT_EQ(PostJson("/portal/card/status", "{" + forged + "}", false).status, 401);

  // The card is lost and reissued: registration again, this time at the
  // clinic's reader (R-REG-3), after which the check passes.
  out = Card("reissue --card " + card_id_ + " --pin 4321 --now 2026-11-23T09:00:00+09:00", &rc);
  ASSERT_EQ(rc, 0) << out;
  UseCardFrom(out);
  HttpAnswer a = CheckWithCard("4321");
  EXPECT_NE(a.body.find("not_registered_for_insurance_use"), std::string::npos) << a.body;
  reg = PostJson("/oqs-api-pro/card/register", "{" + Prove("4321", kClinic, Challenge(false)) + "}",
                 true);
  ASSERT_EQ(reg.status, 200) << reg.body;
  EXPECT_NE(reg.body.find("\"channel\":\"reader\""), std::string::npos);
  a = CheckWithCard("4321");
  EXPECT_NE(a.body.find("\"QualificationValidity\":\"1\""), std::string::npos) << a.body;
}

// The municipal window over HTTPS with its own certificate: issue, 利用登録
// with the PIN asked of the card, the hotline's suspension, the portal view;
// a clinic's certificate opens none of it.
TEST_F(CardE2eTest, MunicipalWindowApi_RCARD6_RREG4) {
  // The person lives in 港区 (the registry stand-in says so); the window is
  // 港区's, and 千代田区's is another ward's.
  Sql("UPDATE persons SET municipality = '131032', address = '東京都港区芝公園１－５－２５' "
      "WHERE person_id = " +
      person_);
  int rc = 0;
  Sh(kBin + " municipal add --code 131032 --name 港区 --now 2026-11-20 --out " +
         (dir_ / "window").string() + " --db " + db_,
     &rc);
  ASSERT_EQ(rc, 0);
  Sh(kBin + " municipal add --code 131016 --name 千代田区 --now 2026-11-20 --out " +
         (dir_ / "chiyoda").string() + " --db " + db_,
     &rc);
  ASSERT_EQ(rc, 0);
  Serve("2026-11-23T10:00:00+09:00");
  const std::string window = "--cert " + (dir_ / "window/cert.pem").string() + " --key " +
                             (dir_ / "window/key.pem").string() + " ";
  auto post = [&](const std::string& path, const std::string& body) {
    std::ofstream(dir_ / "w.json") << body;
    return Curl(path, window + "-H 'Content-Type: application/json' --data-binary @" +
                          (dir_ / "w.json").string());
  };
  HttpAnswer issued =
      post("/municipal/v1/cards", "{\"person_id\":" + person_ + ",\"pin\":\"1234\"}");
  ASSERT_EQ(issued.status, 200) << issued.body;
  card_id_ = std::to_string(json::parse(issued.body).at("card_id").as_int64());
  card_path_ = db_ + ".cards/card-" + card_id_ + ".card";
  // The window asks the card for the PIN: a wrong one is refused (and counted).
  EXPECT_EQ(post("/municipal/v1/cards/" + card_id_ + "/register", "{\"pin\":\"9999\"}").status,
            409);
  HttpAnswer reg = post("/municipal/v1/cards/" + card_id_ + "/register", "{\"pin\":\"1234\"}");
  ASSERT_EQ(reg.status, 200) << reg.body;
  EXPECT_NE(reg.body.find("\"channel\":\"window\""), std::string::npos);
  HttpAnswer a = CheckWithCard("1234");
  EXPECT_NE(a.body.find("\"QualificationValidity\":\"1\""), std::string::npos) << a.body;
  HttpAnswer view = Curl("/municipal/v1/persons/" + person_ + "/registration", window);
  ASSERT_EQ(view.status, 200) << view.body;
  EXPECT_NE(view.body.find("\"usable_as_insurance_card\":true"), std::string::npos) << view.body;

  // The hotline: suspended at once; the next check is refused.
  HttpAnswer sus = post("/municipal/v1/cards/" + card_id_ + "/suspend", "");
  ASSERT_EQ(sus.status, 200) << sus.body;
  EXPECT_NE(sus.body.find("\"status\":\"suspended\""), std::string::npos);
  a = CheckWithCard("1234");
  EXPECT_EQ(a.body.find("\"QualificationValidity\":\"1\""), std::string::npos) << a.body;

  // Issue 15: 千代田区's window cannot act on a 港区 resident — not reset the
  // PIN, not resume the card, not look at the registration; each refusal is
  // a 403 problem document and an audit entry under the person.
  const std::string chiyoda = "--cert " + (dir_ / "chiyoda/cert.pem").string() + " --key " +
                              (dir_ / "chiyoda/key.pem").string() + " ";
  auto post_as = [&](const std::string& who, const std::string& path, const std::string& body) {
    std::ofstream(dir_ / "w.json") << body;
    return Curl(path, who + "-H 'Content-Type: application/json' --data-binary @" +
                          (dir_ / "w.json").string());
  };
  HttpAnswer reset =
      post_as(chiyoda, "/municipal/v1/cards/" + card_id_ + "/pin-reset", "{\"pin\":\"4321\"}");
  EXPECT_EQ(reset.status, 403) << reset.body;
  EXPECT_NE(reset.headers.find("application/problem+json"), std::string::npos) << reset.headers;
  EXPECT_EQ(post_as(chiyoda, "/municipal/v1/cards/" + card_id_ + "/resume", "").status, 403);
  EXPECT_EQ(Curl("/municipal/v1/persons/" + person_ + "/registration", chiyoda).status, 403);
  EXPECT_EQ(post_as(chiyoda, "/municipal/v1/cards", "{\"person_id\":" + person_ + "}").status, 403);
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM audit_log WHERE action = 'municipal.refused' AND actor = "
                "'municipal:131016' AND person_id = " +
                person_),
            "4");
  // Their own ward's window may.
  EXPECT_EQ(post("/municipal/v1/cards/" + card_id_ + "/pin-reset", "{\"pin\":\"4321\"}").status,
            200);

  // Other roles: a clinic's certificate, or none, opens nothing here.
  const std::string clinic = "--cert " + (dir_ / "clinic/cert.pem").string() + " --key " +
                             (dir_ / "clinic/key.pem").string() + " ";
  EXPECT_EQ(Curl("/municipal/v1/persons/" + person_ + "/registration", clinic).status, 403);
  EXPECT_EQ(Curl("/municipal/v1/persons/" + person_ + "/registration", "").status, 401);
}

// Issue 14, R-LINK-4: the window records a 住民異動 over its API (problem
// details for bad input), and the person's portal shows the registry's new
// address at once.
TEST_F(CardE2eTest, RegistryEventAtTheWindowShowsOnThePortal_RLINK4) {
  int rc = 0;
  Sh(kBin + " municipal add --code 131016 --name 千代田区 --now 2026-11-20 --out " +
         (dir_ / "window").string() + " --db " + db_,
     &rc);
  ASSERT_EQ(rc, 0);
  std::string out = Card("issue --person-id " + person_ + " --pin 1234 --now 2026-11-20", &rc);
  ASSERT_EQ(rc, 0) << out;
  UseCardFrom(out);
  Serve("2026-11-23T10:00:00+09:00");
  const std::string window = "--cert " + (dir_ / "window/cert.pem").string() + " --key " +
                             (dir_ / "window/key.pem").string() + " ";
  auto post = [&](const std::string& person, const std::string& body) {
    std::ofstream(dir_ / "w.json") << body;
    return Curl("/municipal/v1/persons/" + person + "/events",
                window + "-H 'Content-Type: application/json' --data-binary @" +
                    (dir_ / "w.json").string());
  };
  const std::string kNew = "東京都千代田区丸の内一丁目９番１号";
  struct Bad {
    std::string person, body;
    int status;
  };
  for (const Bad& b : std::vector<Bad>{
           {person_, "not json", 400},
           {person_, R"({"kind":"moved"})", 400},                          // no date
           {person_, R"({"kind":"emigrated","date":"2026-11-10"})", 400},  // no such kind
           {person_, R"({"kind":"moved","date":"2026-11-10","address":1})", 400},
           {person_,
            R"({"kind":"moved_in","date":"2026-11-10","address":"x","municipality":"271004"})",
            400},  // another municipality's
           {"99999999", R"({"kind":"moved","date":"2026-11-10","address":"x"})", 404},
           {person_, R"({"kind":"moved","date":"2026-12-01","address":"x"})", 409},  // future
           {person_ + "x", R"({"kind":"moved","date":"2026-11-10","address":"x"})", 404},
       }) {
    const HttpAnswer a = post(b.person, b.body);
    EXPECT_EQ(a.status, b.status) << b.body << " → " << a.body;
    EXPECT_NE(a.Header("Content-Type").find("application/problem+json"), std::string::npos)
        << b.body;
  }
  HttpAnswer done = post(person_, R"({"kind":"moved","date":"2026-11-10","postcode":"100-0005",)"
                                  R"("address":")" +
                                      kNew + R"("})");
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(json::parse(done.body).at("address").as_string(), kNew);

  HttpAnswer st =
      PostJson("/portal/card/status", "{" + Prove("1234", "portal", Challenge(true)) + "}", false);
  ASSERT_EQ(st.status, 200) << st.body;
  const json::value v = json::parse(st.body);
  EXPECT_EQ(v.at("address").as_string(), kNew);
  EXPECT_EQ(v.at("postcode").as_string(), "100-0005");
  EXPECT_NE(std::string(v.at("registration").as_string()).find("住所: 〒100-0005 " + kNew),
            std::string::npos)
      << st.body;
  // The CLI's `card status` says the same.
  out = Card("status --person-id " + person_ + " --now 2026-11-23", &rc);
  EXPECT_EQ(rc, 0);
  EXPECT_NE(out.find("住所: 〒100-0005 " + kNew), std::string::npos) << out;
}

// R-CARD-8: the smartphone credential is a second credential with its own
// certificate, usable wherever the card is, and revocable on its own.
TEST_F(CardE2eTest, SmartphoneCredentialWorksLikeTheCardAndIsRevokedAlone_RCARD8) {
  IssueRegistered("2026-11-20");
  const std::string card_path = card_path_;
  int rc = 0;
  const std::string out =
      Card("smartphone add --person-id " + person_ + " --pin 5555 --now 2026-11-21", &rc);
  ASSERT_EQ(rc, 0) << out;
  UseCardFrom(out);
  ASSERT_NE(card_path_, card_path);
  Serve("2026-11-23T10:00:00+09:00");
  // Only at facilities flagged as supporting the smartphone (issue 14):
  // this clinic is not, so the staff are told to use the card.
  HttpAnswer a = CheckWithCard("5555");
  EXPECT_NE(a.body.find("\"Reason\":\"smartphone_not_accepted\""), std::string::npos) << a.body;
  EXPECT_NE(a.body.find("\"ProcessingResultCode\":\"ONS-I0109\""), std::string::npos) << a.body;
  EXPECT_EQ(a.body.find("ResultList"), std::string::npos) << a.body;
  Sh(kBin + " facility add --code " + kClinic +
     " --smartphone --now 2026-11-20 --days 3650 --out " + (dir_ / "clinic-phone").string() +
     " --db " + db_);
  a = CheckWithCard("5555");
  EXPECT_NE(a.body.find("\"QualificationValidity\":\"1\""), std::string::npos) << a.body;

  const std::string revoked =
      Card("smartphone revoke --card " + card_id_ + " --now 2026-11-23T09:00:00+09:00", &rc);
  ASSERT_EQ(rc, 0) << revoked;
  a = CheckWithCard("5555");
  EXPECT_EQ(a.body.find("\"QualificationValidity\":\"1\""), std::string::npos) << a.body;
  card_path_ = card_path;  // the physical card is untouched
  a = CheckWithCard("1234");
  EXPECT_NE(a.body.find("\"QualificationValidity\":\"1\""), std::string::npos) << a.body;
}

// R-CARD-8 (issue 14): the smartphone credential dies with the card it came
// from — reissuing the lost card revokes it.
TEST_F(CardE2eTest, ReissuingTheCardRevokesItsSmartphoneCredential_RCARD8) {
  IssueRegistered("2026-11-20");
  const std::string card_id = card_id_;
  int rc = 0;
  const std::string phone =
      Card("smartphone add --person-id " + person_ + " --pin 5555 --now 2026-11-21", &rc);
  ASSERT_EQ(rc, 0) << phone;
  Sh(kBin + " facility add --code " + kClinic +
     " --smartphone --now 2026-11-20 --days 3650 --out " + (dir_ / "clinic-phone").string() +
     " --db " + db_);
  UseCardFrom(phone);
  Serve("2026-11-23T10:00:00+09:00");
  HttpAnswer a = CheckWithCard("5555");
  EXPECT_NE(a.body.find("\"QualificationValidity\":\"1\""), std::string::npos) << a.body;
  const std::string reissued =
      Card("reissue --card " + card_id + " --pin 4321 --now 2026-11-23T09:30:00+09:00", &rc);
  ASSERT_EQ(rc, 0) << reissued;
  a = CheckWithCard("5555");
  EXPECT_EQ(a.body.find("\"QualificationValidity\":\"1\""), std::string::npos) << a.body;
  EXPECT_EQ(a.body.find("ResultList"), std::string::npos) << a.body;
}

// Issue 15: a face or 目視 check used to need only the card's certificate,
// which anyone reads from the card without a PIN, plus any facility's
// token. Now the clinic's own card reader must sign it (registered with
// `onshi reader add` or by an operator over /admin/readers), and a revoked
// reader — revoked while the server runs — signs nothing acceptable.
TEST_F(CardE2eTest, FaceAndVisualChecksNeedTheClinicsRegisteredReader_RFAC2_RFAC3) {
  IssueRegistered("2026-11-20");
  int rc = 0;
  Sh(kBin + " facility add --code 2710000015 --now 2026-11-20 --out " + (dir_ / "osaka").string() +
         " --db " + db_,
     &rc);
  ASSERT_EQ(rc, 0);
  Sh(kBin + " admin add --name ops --now 2026-11-20 --out " + (dir_ / "ops").string() + " --db " +
         db_,
     &rc);
  ASSERT_EQ(rc, 0);
  const onshi::auth::ReaderKey reader = AddReader(kClinic, "reader");
  const onshi::auth::ReaderKey osaka_reader = AddReader("2710000015", "osaka-reader");
  Serve("2026-11-23T10:00:00+09:00");

  // The attack, as the review made it: certificate only.
  for (const std::string mode : {"face", "visual"}) {
    HttpAnswer bare = CheckByReader(mode, nullptr);
    EXPECT_EQ(bare.status, 401) << bare.body;
    EXPECT_NE(bare.body.find("reader"), std::string::npos) << bare.body;
    EXPECT_EQ(bare.body.find("QualificationValidity"), std::string::npos) << bare.body;
  }
  // Signed by the clinic's reader: answered.
  for (const std::string mode : {"face", "visual"}) {
    HttpAnswer a = CheckByReader(mode, &reader);
    ASSERT_EQ(a.status, 200) << mode << " " << a.body;
    EXPECT_NE(a.body.find("\"QualificationValidity\":\"1\""), std::string::npos) << a.body;
  }
  // Another facility's reader, with this clinic's token: refused.
  HttpAnswer foreign = CheckByReader("face", &osaka_reader);
  EXPECT_EQ(foreign.status, 403) << foreign.body;

  // An operator registers a vendor's reader by its public key, lists the
  // clinic's readers, and revokes the first one; the running server refuses
  // it at once. The CLI revokes the second the same way.
  const std::string ops = "--cert " + (dir_ / "ops/cert.pem").string() + " --key " +
                          (dir_ / "ops/key.pem").string() + " ";
  const onshi::auth::ReaderKey vendor =
      onshi::auth::ReaderKey::FromKey(onshi::auth::Es256SigningKey::Generate().value());
  std::ofstream(dir_ / "reader.json")
      << "{\"facility\":\"" << kClinic
      << "\",\"name\":\"受付2\",\"publicKey\":" << vendor.public_key().jwk() << "}";
  HttpAnswer added = Curl("/admin/readers", ops +
                                                "-H 'Content-Type: application/json' "
                                                "--data-binary @" +
                                                (dir_ / "reader.json").string());
  ASSERT_EQ(added.status, 201) << added.body;
  EXPECT_NE(added.body.find(vendor.id()), std::string::npos);
  EXPECT_EQ(Curl("/admin/readers", "-H 'Content-Type: application/json' --data-binary @" +
                                       (dir_ / "reader.json").string())
                .status,
            401);  // operators only
  EXPECT_EQ(Curl("/admin/readers", ops + "-H 'Content-Type: application/json' --data-binary @" +
                                       (dir_ / "reader.json").string())
                .status,
            409);  // one key, one reader
  HttpAnswer list = Curl("/admin/readers?facility=" + std::string(kClinic), ops);
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(json::parse(list.body).at("readers").as_array().size(), 2u);
  EXPECT_EQ(CheckByReader("face", &vendor).status, 200);

  HttpAnswer revoked = Curl("/admin/readers/" + reader.id() + "/revoke", ops + "-X POST");
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_NE(revoked.body.find("revokedAt"), std::string::npos);
  HttpAnswer after = CheckByReader("face", &reader);
  EXPECT_EQ(after.status, 403) << after.body;
  EXPECT_NE(after.body.find("revoked"), std::string::npos) << after.body;
  const std::string out =
      Sh(kBin + " reader revoke --id " + vendor.id() + " --db " + db_ + " 2>&1", &rc);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_EQ(CheckByReader("visual", &vendor).status, 403);
  const std::string listed =
      Sh(kBin + " reader list --facility " + std::string(kClinic) + " --db " + db_, &rc);
  EXPECT_EQ(rc, 0);
  EXPECT_NE(listed.find("REVOKED"), std::string::npos) << listed;

  // Every look-up is audited with its reader (the server flushes on stop).
  server_.Stop();
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM audit_log WHERE action = 'eligibility.card' AND detail LIKE "
                "'%reader=" +
                reader.id() + "%' AND person_id = " + person_),
            "2");
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM audit_log WHERE action = 'eligibility.card' AND detail LIKE "
                "'refused reader%reader=" +
                reader.id() + "%'"),
            "1");  // after its revocation
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM audit_log WHERE action IN ('reader.add', 'reader.revoke')"),
            "5");
}

// Issue 15: one facility looking up one card again and again is limited
// (here to 3; the default is 20 in 10 minutes): the next is 429 with
// Retry-After and an audit entry.
TEST_F(CardE2eTest, RepeatedLookUpsOfOneCardAreLimited) {
  IssueRegistered("2026-11-20");
  Serve("2026-11-23T10:00:00+09:00", {"--card-lookup-limit", "3", "--card-lookup-window", "600"});
  for (int i = 0; i < 3; ++i) {
    HttpAnswer a = CheckWithCard("1234");
    EXPECT_EQ(a.status, 200) << a.body;
  }
  HttpAnswer limited = CheckWithCard("1234");
  EXPECT_EQ(limited.status, 429) << limited.body;
  EXPECT_EQ(limited.Header("Retry-After"), "600");  // the clock stands still (--now)
  EXPECT_EQ(limited.body.find("QualificationValidity"), std::string::npos);
  server_.Stop();  // flushes the audit log
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM audit_log WHERE action = 'eligibility.card' AND detail LIKE "
                "'refused rate_limit%'"),
            "1");
}

// Issue 15: anonymous POST /portal/card/challenge in a loop used to be
// accepted without bound. The portal's book is bounded (here to 5): a full
// book answers 503 with Retry-After; one address asking too often gets 429;
// the facilities' own challenges are in another book and still answered.
TEST_F(CardE2eTest, PortalChallengeFloodIsBounded) {
  Serve("2026-11-23T10:00:00+09:00",
        {"--portal-challenge-capacity", "5", "--portal-challenge-limit", "7"});
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(Curl("/portal/card/challenge", "-X POST").status, 200) << i;
  }
  for (int i = 0; i < 2; ++i) {
    HttpAnswer full = Curl("/portal/card/challenge", "-X POST");
    EXPECT_EQ(full.status, 503) << full.body;
    EXPECT_EQ(full.Header("Retry-After"), "121");  // when the first expires
  }
  HttpAnswer limited = Curl("/portal/card/challenge", "-X POST");
  EXPECT_EQ(limited.status, 429) << limited.body;
  EXPECT_EQ(limited.Header("Retry-After"), "60");
  HttpAnswer facility =
      Curl("/oqs-api-pro/card/challenge", "-X POST -H 'Authorization: " + token_ + "'");
  EXPECT_EQ(facility.status, 200) << facility.body;
}

// R-REG-3 for a card that cannot sign (a 顔認証マイナンバーカード): at the
// clinic's reader, after a face match, the reader's own signature with the
// registration mode registers it; a proof made for a check does not.
TEST_F(CardE2eTest, FaceOnlyCardRegistersAtTheClinicsReader_RREG3) {
  int rc = 0;
  const std::string out =
      Card("issue --person-id " + person_ + " --face-only --now 2026-11-20", &rc);
  ASSERT_EQ(rc, 0) << out;
  UseCardFrom(out);
  const onshi::auth::ReaderKey reader = AddReader(kClinic, "reader");
  Serve("2026-11-23T10:00:00+09:00");
  auto register_with = [&](const std::string& mode) {
    const std::string certificate =
        onshi::testing::CardCertificate(card_path_, db_ + ".card-issuer.key");
    const std::string challenge = Challenge(false);
    return PostJson(
        "/oqs-api-pro/card/register",
        "{\"certificate\":\"" + certificate + "\",\"challenge\":\"" + challenge + "\"," +
            onshi::testing::ReaderProof(reader, kClinic, mode, challenge, certificate) + "}",
        true);
  };
  EXPECT_EQ(register_with("face").status, 401);
  HttpAnswer reg = register_with("register-face");
  ASSERT_EQ(reg.status, 200) << reg.body;
  EXPECT_NE(reg.body.find("\"channel\":\"reader\""), std::string::npos) << reg.body;
  HttpAnswer a = CheckByReader("face", &reader);
  EXPECT_NE(a.body.find("\"QualificationValidity\":\"1\""), std::string::npos) << a.body;
}

}  // namespace
