// `onshi serve` answering from its in-memory index (issue 20): a member that
// another process imports and links while the server runs is found by the
// server's OQS search — 該当資格なし before, 有効 after — without a restart.
// Waits for the answer to change, with a generous deadline; no timing is
// asserted.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "../app/process_util.hpp"
#include "serving_test_util.hpp"

namespace onshi::serving {
namespace {

using onshi::testing::HttpAnswer;
using onshi::testing::Sh;

const std::string kBin = ONSHI_BINARY;

class ServeFreshnessTest : public ::testing::Test {
 protected:
  void SetUp() override { db_ = (dir_.path() / "t.db").string(); }

  void Onshi(const std::string& args) {
    int rc = 0;
    const std::string out =
        Sh(kBin + " " + args + " --db " + db_ + " 2>>" + (dir_.path() / "err.txt").string(), &rc);
    ASSERT_EQ(rc, 0) << args << "\n" << out;
  }

  HttpAnswer Curl(const std::string& path, const std::string& extra) {
    return onshi::testing::ParseCurl(Sh("curl -s -i --max-time 20 --cacert " +
                                        (dir_.path() / "clinic/ca.pem").string() + " " + extra +
                                        " '" + base_ + path + "'"));
  }

  std::string Login() {
    const auto d = dir_.path() / "clinic";
    const HttpAnswer a = Curl(
        "/oqs-api-pro/MSA12020/ILI12020SV01/auth",
        "--cert " + (d / "cert.pem").string() + " --key " + (d / "key.pem").string() +
            " -H 'Content-Type: application/json' --data-binary @" + (d / "body.json").string());
    const std::string key = "\"idToken\":\"";
    const size_t at = a.body.find(key);
    if (a.status != 200 || at == std::string::npos) return "";
    return a.body.substr(at + key.size(), a.body.find('"', at + key.size()) - at - key.size());
  }

  // The QualificationValidity of a search for the keys, "" if none.
  std::string Validity(const std::vector<std::string>& k, const std::string& token) {
    const std::string body =
        R"({"XmlMsg":{"MessageHeader":{"QualificationConfirmationDate":"20261123","MedicalInstitutionCode":"1310000011"},)"
        R"("MessageBody":{"QualificationConfirmSearchInfo":{"InsurerNumber":"06139992","InsuredCardSymbol":")" +
        k[0] + R"(","InsuredIdentificationNumber":")" + k[1] + R"(","InsuredBranchNumber":")" +
        k[2] + R"(","Birthdate":")" + k[3] +
        R"(","LimitApplicationCertificateRelatedConsFlg":"0"}}}})";
    std::ofstream(dir_.path() / "req.json", std::ios::binary) << body;
    const HttpAnswer a = Curl("/oqs-api-pro/MSA01030/ILI01030SV01/search",
                              "-H 'Authorization: " + token +
                                  "' -H 'Content-Type: application/json' --data-binary @" +
                                  (dir_.path() / "req.json").string());
    const std::string key = "\"QualificationValidity\":\"";
    const size_t at = a.body.find(key);
    if (at == std::string::npos) return "";
    return a.body.substr(at + key.size(), 1);
  }

  testing::ScratchDir dir_;
  std::string db_;
  std::string base_;
};

TEST_F(ServeFreshnessTest, AMemberImportedAndLinkedByAnotherProcessIsAnsweredWithoutARestart) {
  Onshi("populate --quiet --members 200 --scenarios --today 2026-11-16");
  Onshi("facility add --now 2026-11-16T09:00:00+09:00 --code 1310000011 --out " +
        (dir_.path() / "clinic").string());
  Onshi("insurer add --number 06139992 --name オンシ健康保険組合 --lag 2 --now 2026-11-16");
  Onshi("forms --persons 1 --bad-per-mille 0 --today 2026-11-16 --out " +
        (dir_.path() / "forms.csv").string());
  // The one form's 記号, 番号, 枝番 and birth date (columns 10, 11, 12, 6).
  std::ifstream csv(dir_.path() / "forms.csv");
  std::string header, line;
  std::getline(csv, header);
  std::getline(csv, line);
  std::vector<std::string> cols;
  std::stringstream split(line);
  for (std::string c; std::getline(split, c, ',');)
    cols.push_back(c);
  ASSERT_GE(cols.size(), 12u) << line;
  const std::vector<std::string> keys = {cols[9], cols[10], cols[11], cols[5]};

  onshi::testing::ServeProcess server;
  base_ = server.Start({"--db", db_, "--now", "2026-11-23T10:00:00+09:00", "--link-every", "0"});
  ASSERT_EQ(base_.rfind("https://", 0), 0u) << base_;
  const std::string token = Login();
  ASSERT_FALSE(token.empty());
  EXPECT_EQ(Validity(keys, token), "4");  // 該当資格なし: not imported yet

  // Another process imports the form and, after the lag, links it.
  Onshi("import " + (dir_.path() / "forms.csv").string() +
        " --insurer 06139992 --quiet --now 2026-11-16T10:00:00+09:00");
  Onshi("link --now 2026-11-20T10:00:00+09:00");
  std::string v;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline && (v = Validity(keys, token)) != "1")
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(v, "1") << "the server never answered the linked member as 有効";
  EXPECT_EQ(server.Stop(), 0);
}

}  // namespace
}  // namespace onshi::serving
