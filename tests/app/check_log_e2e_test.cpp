// The check log (the access log of checks) over HTTP (issue 20): with --check-log, a check
// is audited in its own hash-chained log and never in the database, and
// under kill -9 mid-load every check a client got an answer to has its
// record (the answer leaves only after the record is synced).
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "process_util.hpp"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

using onshi::testing::HttpAnswer;
using onshi::testing::Sh;

const std::string kBin = ONSHI_BINARY;

class CheckLogE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("onshi-check-log-e2e-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = (dir_ / "t.db").string();
    ASSERT_EQ(onshi::testing::PopulateWithClinic(db_, (dir_ / "clinic").string(), 50), "");
    log_ = (dir_ / "checks").string();
    base_ = server_.Start(
        {"--db", db_, "--now", "2026-11-23T10:00:00+09:00", "--threads", "4", "--check-log", log_});
    ASSERT_EQ(base_.rfind("https://", 0), 0u) << base_;
    std::string failure;
    token_ = onshi::testing::ClinicToken((dir_ / "clinic").string(), base_, &failure);
    ASSERT_FALSE(token_.empty()) << failure;
    // A search whose ArbitraryFileIdentifier is AFI (replaced per request).
    std::ofstream((dir_ / "req.tpl").string())
        << R"({"XmlMsg":{"MessageHeader":{"QualificationConfirmationDate":"20261123",)"
           R"("MedicalInstitutionCode":"1310000011","ArbitraryFileIdentifier":"AFI"},)"
           R"("MessageBody":{"QualificationConfirmSearchInfo":{"InsurerNumber":"06139992",)"
           R"("InsuredCardSymbol":"1","InsuredIdentificationNumber":"1001",)"
           R"("InsuredBranchNumber":"00","Birthdate":"19800515",)"
           R"("LimitApplicationCertificateRelatedConsFlg":"1"}}}})";
  }
  void TearDown() override {
    server_.Stop();
    fs::remove_all(dir_);
  }

  // One search with file identifier `afi`; its HTTP status.
  int Search(const std::string& afi) {
    const std::string req = (dir_ / ("req." + afi)).string();
    Sh("sed 's/AFI/" + afi + "/' " + (dir_ / "req.tpl").string() + " > " + req);
    return std::stoi(Sh("curl -s -o /dev/null -w '%{http_code}' --max-time 20 --cacert " +
                        (dir_ / "clinic/ca.pem").string() + " -H 'Authorization: " + token_ +
                        "' -H 'Content-Type: application/json' --data-binary @" + req + " '" +
                        base_ + "/oqs-api-pro/MSA01030/ILI01030SV01/search'"));
  }

  std::string LogText() {
    std::string all;
    for (const auto& e : fs::directory_iterator(log_)) {
      if (e.path().filename().string().rfind("segment-", 0) != 0) continue;
      std::ifstream in(e.path(), std::ios::binary);
      std::ostringstream s;
      s << in.rdbuf();
      all += s.str();
    }
    return all;
  }

  std::string Verify(int* rc) {
    return Sh(kBin + " audit verify --db " + db_ + " --check-log " + log_ + " 2>&1", rc);
  }

  fs::path dir_;
  std::string db_, log_, base_, token_;
  onshi::testing::ServeProcess server_;
};

TEST_F(CheckLogE2eTest, ChecksAreAuditedInTheCheckLogAndNeverInTheDatabase) {
  for (const std::string afi : {"first", "second", "third"})
    ASSERT_EQ(Search(afi), 200);
  // Synced before each answer: already there, no flush needed.
  const std::string text = LogText();
  for (const std::string afi : {"first", "second", "third"})
    EXPECT_NE(text.find("file=" + afi), std::string::npos) << text;
  EXPECT_NE(text.find("\"action\":\"eligibility.search\""), std::string::npos);
  int rc = -1;
  const std::string out = Verify(&rc);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("check log intact (3 records; anchored through record 3)"), std::string::npos)
      << out;
  // The database is read once the server has stopped (which flushes its
  // audit writer): no check there, and the login a row as before.
  server_.Stop();
  EXPECT_EQ(Sh(onshi::testing::SqliteShell(db_) +
               " \"SELECT COUNT(*) FROM audit_log WHERE action LIKE 'eligibility.%'\""),
            "0\n");
  EXPECT_NE(Sh(onshi::testing::SqliteShell(db_) + " \"SELECT COUNT(*) FROM audit_log WHERE "
                                                  "action = 'facility.login'\""),
            "0\n");
}

// kill -9 under load: four clients search in a loop, each noting the file
// identifier of every check answered 200; once 60 are answered the server
// is killed. Every answered check has its record, and the log verifies.
TEST_F(CheckLogE2eTest, EveryAnsweredCheckHasItsRecordAfterKill9UnderLoad) {
  std::ostringstream load;
  load << "(for p in 1 2 3 4; do (for i in $(seq 1 400); do afi=k$p-$i; sed \"s/AFI/$afi/\" "
       << (dir_ / "req.tpl").string() << " > " << (dir_ / "req").string()
       << ".$p; code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 --cacert "
       << (dir_ / "clinic/ca.pem").string() << " -H 'Authorization: " << token_
       << "' -H 'Content-Type: application/json' --data-binary @" << (dir_ / "req").string()
       << ".$p '" << base_ << "/oqs-api-pro/MSA01030/ILI01030SV01/search'); "
       << "[ \"$code\" = 000 ] && break; echo \"$afi $code\" >> " << (dir_ / "acks").string()
       << ".$p; done) & done; wait; touch " << (dir_ / "load-done").string()
       << ") > /dev/null 2>&1 &";
  Sh(load.str());
  auto answered = [&] {
    size_t n = 0;
    for (int p = 1; p <= 4; ++p) {
      std::ifstream in((dir_ / ("acks." + std::to_string(p))).string());
      for (std::string line; std::getline(in, line);)
        n += line.size() > 4 && line.substr(line.size() - 3) == "200";
    }
    return n;
  };
  // Conditions, not delays: wait for 60 answers, then for the clients to stop.
  while (answered() < 60 && !fs::exists(dir_ / "load-done"))
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_GE(answered(), 60u) << "the clients stopped before 60 checks were answered";
  ASSERT_EQ(::kill(server_.pid(), SIGKILL), 0);
  while (!fs::exists(dir_ / "load-done"))
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  server_.Stop();  // reaps it

  const std::string text = LogText();
  size_t checked = 0;
  for (int p = 1; p <= 4; ++p) {
    std::ifstream in((dir_ / ("acks." + std::to_string(p))).string());
    for (std::string line; std::getline(in, line);) {
      if (line.substr(line.size() - 3) != "200") continue;
      const std::string afi = line.substr(0, line.find(' '));
      // "file=k1-1" must not be matched by "file=k1-10": the detail ends there.
      EXPECT_NE(text.find("file=" + afi + "\""), std::string::npos)
          << "answered check " << afi << " has no record";
      ++checked;
    }
  }
  EXPECT_GE(checked, 60u);
  int rc = -1;
  const std::string out = Verify(&rc);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("check log intact"), std::string::npos) << out;
}

}  // namespace
