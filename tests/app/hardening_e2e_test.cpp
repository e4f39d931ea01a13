// Issue 15 end to end on the real `onshi serve`: the headers on answers and
// pages with personal data, separate keys for idTokens and answer proofs,
// audit masking by characters, and the audit chain's anchors against the
// review's rewrite and against truncation, through `onshi audit verify` and
// GET /admin/audit/verify.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include "auth/base64url.hpp"
#include "auth/es256_key.hpp"
#include "process_util.hpp"
#include "service/audit_text.hpp"
#include "store/store.hpp"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using onshi::testing::HttpAnswer;
using onshi::testing::Sh;

const std::string kBin = ONSHI_BINARY;

class HardeningE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("onshi-hardening-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = (dir_ / "t.db").string();
    int rc = 0;
    auto run = [&](const std::string& args) {
      const std::string out = Sh(kBin + " " + args + " --db " + db_ + " 2>&1", &rc);
      EXPECT_EQ(rc, 0) << args << "\n" << out;
    };
    run("populate --quiet --members 100 --scenarios --today 2026-11-23");
    const std::string at = " --now 2026-11-20T09:00:00+09:00 --out " + dir_.string() + "/";
    run("facility add --code 1310000011" + at + "clinic");
    run("insurer add --number 06139992 --name オンシ健康保険組合 --lag 2" + at + "insurer");
    run("admin add --name ops" + at + "ops");
    server_ = new onshi::testing::ServeProcess();
    base_ = server_->Start({"--db", db_, "--now", "2026-11-23T10:00:00+09:00", "--threads", "2",
                            "--link-every", "0", "--audit-commit-ms", "5"});
    ASSERT_EQ(base_.rfind("https://", 0), 0u) << base_;
    std::ifstream body(dir_ / "clinic/body.json");
    const HttpAnswer login =
        Curl("POST", "/oqs-api-pro/MSA12020/ILI12020SV01/auth", Cert("clinic"),
             std::string(std::istreambuf_iterator<char>(body), std::istreambuf_iterator<char>()));
    ASSERT_EQ(login.status, 200) << login.body;
    token_ = std::string(json::parse(login.body).at("result").at("idToken").as_string());
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
                         const std::string& extra, const std::string& body = "") {
    std::string data;
    if (!body.empty()) {
      const fs::path f = dir_ / "body.bin";
      std::ofstream(f, std::ios::binary) << body;
      data = " -H 'Content-Type: application/json' --data-binary @" + f.string();
    }
    return onshi::testing::RunCurl("curl -s -i --max-time 30 -X " + method + " --cacert " +
                                   (dir_ / "clinic/ca.pem").string() + " " + extra + data + " '" +
                                   base_ + path + "'");
  }
  static HttpAnswer Search(const std::string& number, const std::string& birth,
                           const std::string& token = token_) {
    const std::string body =
        R"({"XmlMsg":{"MessageHeader":{"QualificationConfirmationDate":"20261123",)"
        R"("MedicalInstitutionCode":"1310000011"},"MessageBody":{"QualificationConfirmSearchInfo":)"
        R"({"InsurerNumber":"06139992","InsuredCardSymbol":"1","InsuredIdentificationNumber":")" +
        number + R"(","InsuredBranchNumber":"00","Birthdate":")" + birth +
        R"(","LimitApplicationCertificateRelatedConsFlg":"1"}}}})";
    return Curl("POST", "/oqs-api-pro/MSA01030/ILI01030SV01/search",
                "-H 'Authorization: " + token + "'", body);
  }

  // `onshi audit verify` against the server's state directory.
  static std::string Verify(int* rc, const std::string& db = db_, const std::string& ca = "") {
    return Sh(kBin + " audit verify --db " + db + (ca.empty() ? "" : " --ca-dir " + ca) + " 2>&1",
              rc);
  }
  // Waits until every entry in the log is anchored (the writer anchors after
  // each batch it commits), within 30 s; the last verify output.
  static std::string VerifyFullyAnchored() {
    std::string out;
    for (int i = 0; i < 300; ++i) {
      int rc = 0;
      out = Verify(&rc);
      if (rc == 0 && out.find("anchored through") != std::string::npos &&
          out.find("not yet anchored") == std::string::npos) {
        break;
      }
      usleep(100 * 1000);
    }
    return out;
  }

  static inline fs::path dir_;
  static inline std::string db_, base_, token_;
  static inline onshi::testing::ServeProcess* server_ = nullptr;
};

void ExpectProtectiveHeaders(const HttpAnswer& a, const std::string& what) {
  EXPECT_EQ(a.Header("Cache-Control"), "no-store") << what << "\n" << a.headers;
  EXPECT_EQ(a.Header("X-Content-Type-Options"), "nosniff") << what << "\n" << a.headers;
  EXPECT_EQ(a.Header("Content-Security-Policy").rfind("default-src 'none'", 0), 0u) << what << "\n"
                                                                                    << a.headers;
}

// Issue 15 (low): answers and pages with personal data are not to be kept
// by browsers, proxies or client caches, sniffed into another type, or
// framed; the HTML page runs nothing and loads nothing but its own style.
TEST_F(HardeningE2eTest, AnswersProblemsAndPagesCarryProtectiveHeaders) {
  const HttpAnswer answer = Search("1001", "19800515");
  ASSERT_EQ(answer.status, 200) << answer.body << "\n" << answer.headers;
  ExpectProtectiveHeaders(answer, "OQS answer");

  const HttpAnswer problem = Curl("GET", "/insurer/v1/submissions", "");
  EXPECT_EQ(problem.status, 401);
  EXPECT_EQ(problem.Header("Content-Type"), "application/problem+json") << problem.headers;
  ExpectProtectiveHeaders(problem, "problem");

  const HttpAnswer page = Curl("GET", "/insurer/errors?state=all", Cert("insurer"));
  ASSERT_EQ(page.status, 200) << page.body;
  ASSERT_EQ(page.Header("Content-Type").rfind("text/html", 0), 0u) << page.headers;
  ExpectProtectiveHeaders(page, "HTML page");
  // The page's own <style>, hashed here, is the only style allowed.
  const size_t open = page.body.find("<style>") + 7;
  const std::string style = page.body.substr(open, page.body.find("</style>") - open);
  unsigned char md[32];
  unsigned int len = 0;
  EVP_Digest(style.data(), style.size(), md, &len, EVP_sha256(), nullptr);
  unsigned char b64[64];
  const int n = EVP_EncodeBlock(b64, md, static_cast<int>(len));
  const std::string csp = page.Header("Content-Security-Policy");
  EXPECT_NE(csp.find("style-src 'sha256-" +
                     std::string(reinterpret_cast<char*>(b64), static_cast<size_t>(n)) + "'"),
            std::string::npos)
      << csp;
  EXPECT_EQ(csp.find("unsafe"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("script-src"), std::string::npos) << csp;
}

// Issue 15 (low): idTokens and answer proofs were signed by one key.
TEST_F(HardeningE2eTest, IdTokensAndAnswerProofsAreSignedByDifferentKeys) {
  const auto header = onshi::auth::Base64UrlDecode(token_.substr(0, token_.find('.')));
  ASSERT_TRUE(header.has_value());
  const std::string token_kid = std::string(json::parse(*header).at("kid").as_string());
  const HttpAnswer jwks = Curl("GET", "/oqs-api-pro/proof-key", "");
  auto proof_key = onshi::auth::Es256PublicKey::FromJwk(
      json::serialize(json::parse(jwks.body).at("keys").at(0)));
  ASSERT_TRUE(proof_key.ok()) << jwks.body;
  EXPECT_NE(token_kid, proof_key->key_id());
  EXPECT_TRUE(fs::exists(dir_ / "t.db.ca/token-key.pem"));
  EXPECT_EQ(fs::status(dir_ / "t.db.ca/token-key.pem").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  // A proof ends in a complete compact JWS, its signed root
  // (docs/proof-format.md): presented as a token, refused.
  const HttpAnswer answer = Search("1001", "19800515");
  const std::string proof = answer.Header("X-OQS-Proof");
  ASSERT_FALSE(proof.empty());
  size_t third = 0;
  for (int i = 0; i < 3; ++i)
    third = proof.find('.', third) + 1;
  const std::string forged = proof.substr(third);  // header.payload.signature
  ASSERT_EQ(std::count(forged.begin(), forged.end(), '.'), 2) << proof;
  const HttpAnswer refused = Search("1001", "19800515", forged);
  EXPECT_EQ(refused.status, 401) << refused.body;
}

// Issue 15 (low): a non-digit 番号 masked byte by byte left half a character
// in the audit entry.
TEST_F(HardeningE2eTest, AuditMaskingKeepsCharactersWhole) {
  const HttpAnswer a = Search("1234番号", "19800515");
  ASSERT_EQ(a.status, 200) << a.body;
  VerifyFullyAnchored();  // the entry has been written
  const std::string hex = Sh(onshi::testing::SqliteShell(db_) +
                             " \"SELECT hex(detail) FROM audit_log WHERE detail LIKE "
                             "'%insurer=06139992 number=****%' ORDER BY seq DESC LIMIT 1\"");
  ASSERT_GE(hex.size(), 2u) << "no audit entry for the search";
  std::string detail;
  for (size_t i = 0; i + 1 < hex.size() && std::isxdigit(static_cast<unsigned char>(hex[i]));
       i += 2) {
    detail += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  EXPECT_EQ(onshi::service::AuditSafeText(detail), detail) << "not well-formed UTF-8: " << hex;
  EXPECT_NE(detail.find("number=****番号"), std::string::npos) << detail;
  EXPECT_EQ(detail.find("1234"), std::string::npos) << detail;
}

// Issue 15 (medium): the newest entries deleted, on a copy of the database
// and of the state directory (the server's own chain stays intact).
TEST_F(HardeningE2eTest, TruncatedLogIsDetectedByTheCommand) {
  Search("1001", "19800515");
  const std::string anchored = VerifyFullyAnchored();
  ASSERT_NE(anchored.find("intact"), std::string::npos) << anchored;
  const std::string copy = (dir_ / "copy.db").string();
  const std::string copy_ca = (dir_ / "copy.ca").string();
  Sh(onshi::testing::SqliteShell(db_) + " \".backup " + copy + "\"");
  // The sqlite3 shell writes 0644; onshi refuses a database others can read.
  fs::permissions(copy, fs::perms::owner_read | fs::perms::owner_write);
  fs::copy(dir_ / "t.db.ca", copy_ca, fs::copy_options::recursive);
  fs::copy_file(dir_ / "t.db.keys", dir_ / "copy.db.keys");
  int rc = 0;
  std::string out = Verify(&rc, copy, copy_ca);
  ASSERT_EQ(rc, 0) << out;
  const std::string last =
      Sh(onshi::testing::SqliteShell(copy) + " 'SELECT MAX(seq) FROM audit_log'");
  Sh(onshi::testing::SqliteShell(copy) +
     " \"DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = " + last + "\"");
  out = Verify(&rc, copy, copy_ca);
  EXPECT_EQ(rc, 1) << out;
  EXPECT_NE(out.find("truncated"), std::string::npos) << out;
}

// Issue 15 (medium), the review's attack exactly: drop the trigger, edit a
// row, recompute every later hash with plain SHA-256, restore the trigger.
// `onshi audit verify` said intact. Runs last: it breaks the chain.
TEST_F(HardeningE2eTest, ZzRewrittenChainIsDetectedByTheCommandAndTheOperatorPage) {
  Search("1001", "19800515");
  Search("1002", "19751103");
  VerifyFullyAnchored();
  auto store = onshi::store::OpenStore(db_, db_ + ".keys");
  std::vector<onshi::store::AuditEntry> all = store->ReadAudit(0, 100000);
  ASSERT_GE(all.size(), 3u);
  const int64_t edited = all[all.size() - 2].seq;
  std::string sql = "DROP TRIGGER audit_log_no_update;";
  std::string prev = all[edited - 2].hash;
  for (onshi::store::AuditEntry& e : all) {
    if (e.seq < edited) continue;
    if (e.seq == edited) e.detail = "method=card-keys validity=2";
    e.prev_hash = prev;
    e.hash = onshi::store::AuditEntryHash(e);
    prev = e.hash;
    sql += "UPDATE audit_log SET detail='" + e.detail + "', prev_hash='" + e.prev_hash +
           "', hash='" + e.hash + "' WHERE seq=" + std::to_string(e.seq) + ";";
  }
  const std::string restore = Sh(onshi::testing::SqliteShell(db_) +
                                 " \"SELECT sql || ';' FROM sqlite_master WHERE "
                                 "name='audit_log_no_update'\"");
  ASSERT_NE(restore.find("CREATE TRIGGER"), std::string::npos);
  std::ofstream(dir_ / "attack.sql") << sql << restore;
  int rc = 0;
  Sh(onshi::testing::SqliteShell(db_) + " < " + (dir_ / "attack.sql").string(), &rc);
  ASSERT_EQ(rc, 0);
  ASSERT_EQ(onshi::store::VerifyAuditChain(*store), std::nullopt) << "the attack did not work";

  const std::string out = Verify(&rc);
  EXPECT_EQ(rc, 1) << out;
  EXPECT_NE(out.find("BROKEN"), std::string::npos) << out;
  EXPECT_NE(out.find("rewritten"), std::string::npos) << out;
  const HttpAnswer page = Curl("GET", "/admin/audit/verify", Cert("ops"));
  EXPECT_EQ(page.status, 200) << page.body;
  EXPECT_NE(page.body.find("\"intact\":false"), std::string::npos) << page.body;
  EXPECT_NE(page.body.find("rewritten"), std::string::npos) << page.body;
}

}  // namespace
