// Revoking client certificates while servers run (issue 15: FacilityCa::
// Revoke had no caller and the revocation list was read only at start, so a
// leaked facility key stayed good until every server restarted).
// `onshi facility|insurer|municipal|admin revoke` writes the CA directory's
// list; two running servers sharing that directory refuse the certificate
// from its next use, and every other certificate keeps working.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "process_util.hpp"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using onshi::testing::HttpAnswer;
using onshi::testing::Sh;

const std::string kBin = ONSHI_BINARY;

class RevokeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("onshi-revoke-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = (dir_ / "t.db").string();
    Run("populate --quiet --members 50 --today 2026-11-23");
    const std::string at = " --now 2026-11-20T09:00:00+09:00 --out " + dir_.string() + "/";
    Run("facility add --code 1310000011" + at + "clinic");
    Run("facility add --code 2710000015" + at + "osaka");
    Run("insurer add --number 06139992 --name オンシ健康保険組合" + at + "insurer");
    Run("municipal add --code 131016 --name 千代田区" + at + "city");
    Run("admin add --name ops" + at + "ops");
    const std::vector<std::string> args = {
        "--db", db_, "--now", "2026-11-23T10:00:00+09:00", "--link-every", "0"};
    base_a_ = a_.Start(args);
    base_b_ = b_.Start(args);
    ASSERT_EQ(base_a_.rfind("https://", 0), 0u) << base_a_;
    ASSERT_EQ(base_b_.rfind("https://", 0), 0u) << base_b_;
  }
  void TearDown() override {
    a_.Stop();
    b_.Stop();
    fs::remove_all(dir_);
  }

  std::string Run(const std::string& args, int expect = 0) {
    int rc = 0;
    const std::string out = Sh(kBin + " " + args + " --db " + db_ + " 2>&1", &rc);
    EXPECT_EQ(rc, expect) << args << "\n" << out;
    return out;
  }
  std::string Cert(const std::string& who) {
    return " --cert " + (dir_ / who / "cert.pem").string() + " --key " +
           (dir_ / who / "key.pem").string();
  }
  HttpAnswer Curl(const std::string& base, const std::string& path, const std::string& extra) {
    return onshi::testing::RunCurl("curl -s -i --max-time 30 --cacert " +
                                   (dir_ / "clinic/ca.pem").string() + " " + extra + " '" + base +
                                   path + "'");
  }
  HttpAnswer Login(const std::string& base, const std::string& who) {
    return Curl(base, "/oqs-api-pro/MSA12020/ILI12020SV01/auth",
                Cert(who) + " -H 'Content-Type: application/json' --data-binary @" +
                    (dir_ / who / "body.json").string());
  }

  fs::path dir_;
  std::string db_, base_a_, base_b_;
  onshi::testing::ServeProcess a_, b_;
};

TEST_F(RevokeTest, EveryRolesCertificateIsRefusedByRunningServersOnceRevoked) {
  for (const std::string* base : {&base_a_, &base_b_}) {
    ASSERT_EQ(Login(*base, "clinic").status, 200);
    ASSERT_EQ(Curl(*base, "/insurer/v1/submissions", Cert("insurer")).status, 200);
    ASSERT_EQ(Curl(*base, "/metrics", Cert("ops")).status, 200);
  }
  // The window's certificate opens its API (the person does not exist: 404).
  ASSERT_EQ(Curl(base_a_, "/municipal/v1/persons/999999/registration", Cert("city")).status, 404);

  // A facility, by its certificate file.
  const std::string out = Run("facility revoke --cert " + (dir_ / "clinic/cert.pem").string());
  EXPECT_NE(out.find("revoked"), std::string::npos) << out;
  for (const std::string* base : {&base_a_, &base_b_}) {
    const HttpAnswer refused = Login(*base, "clinic");
    EXPECT_EQ(refused.status, 401) << refused.body;
    EXPECT_NE(refused.body.find("revoked"), std::string::npos) << refused.body;
    EXPECT_EQ(Login(*base, "osaka").status, 200);  // the other facility is not touched
  }
  // An insurer, by serial (as `openssl x509 -serial` prints it).
  std::string serial =
      Sh("openssl x509 -noout -serial -in " + (dir_ / "insurer/cert.pem").string());
  serial = serial.substr(serial.find('=') + 1);
  serial.erase(serial.find_last_not_of("\n") + 1);
  Run("insurer revoke --serial " + serial);
  for (const std::string* base : {&base_a_, &base_b_}) {
    const HttpAnswer refused = Curl(*base, "/insurer/v1/submissions", Cert("insurer"));
    EXPECT_EQ(refused.status, 403) << refused.body;
    EXPECT_NE(refused.body.find("revoked"), std::string::npos) << refused.body;
  }
  // A municipal window and an operator.
  Run("municipal revoke --cert " + (dir_ / "city/cert.pem").string());
  EXPECT_EQ(Curl(base_b_, "/municipal/v1/persons/999999/registration", Cert("city")).status, 403);
  Run("admin revoke --cert " + (dir_ / "ops/cert.pem").string());
  EXPECT_EQ(Curl(base_a_, "/metrics", Cert("ops")).status, 403);
  EXPECT_EQ(Curl(base_b_, "/admin/audit/verify", Cert("ops")).status, 403);

  // A certificate of another role is not revoked by mistake.
  Run("facility add --code 1310000029 --now 2026-11-20T09:00:00+09:00 --out " +
      (dir_ / "third").string());
  const std::string wrong = Run("insurer revoke --cert " + (dir_ / "third/cert.pem").string(),
                                3);  // bad input: the file is another role's
  EXPECT_NE(wrong.find("role facility"), std::string::npos) << wrong;
  EXPECT_EQ(Login(base_a_, "third").status, 200);
  // Revocations survive a restart.
  a_.Stop();
  base_a_ = a_.Start({"--db", db_, "--now", "2026-11-23T10:00:00+09:00", "--link-every", "0"});
  ASSERT_EQ(base_a_.rfind("https://", 0), 0u);
  EXPECT_EQ(Login(base_a_, "clinic").status, 401);
  EXPECT_EQ(Login(base_a_, "third").status, 200);
}

}  // namespace
