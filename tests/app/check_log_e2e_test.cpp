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
#include <vector>

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

  // One search with file identifier `afi` (to `base`, default the fixture's
  // server); its HTTP status.
  int Search(const std::string& afi, std::string base = "") {
    if (base.empty()) base = base_;
    const std::string req = (dir_ / ("req." + afi)).string();
    Sh("sed 's/AFI/" + afi + "/' " + (dir_ / "req.tpl").string() + " > " + req);
    return std::stoi(Sh("curl -s -o /dev/null -w '%{http_code}' --max-time 20 --cacert " +
                        (dir_ / "clinic/ca.pem").string() + " -H 'Authorization: " + token_ +
                        "' -H 'Content-Type: application/json' --data-binary @" + req + " '" +
                        base + "/oqs-api-pro/MSA01030/ILI01030SV01/search'"));
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

  std::string Verify(int* rc, std::string log = "") {
    if (log.empty()) log = log_;
    return Sh(kBin + " audit verify --db " + db_ + " --check-log " + log + " 2>&1", rc);
  }

  // The anchors directories under the state's check-anchors/.
  std::vector<fs::path> AnchorDirs() {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(dir_ / "t.db.ca" / "check-anchors"))
      if (e.is_directory()) out.push_back(e.path());
    return out;
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

// Two servers on one database and one state directory, each with its own
// check log (as each must): each log's anchors are its own
// (app/check_anchors.hpp). They shared one anchors file before, where each
// server's anchors named records of the other's chain, and `audit verify`
// called both logs rewritten.
TEST_F(CheckLogE2eTest, TwoServersSharingTheStateKeepTheirAnchorsApart) {
  const std::string other_log = (dir_ / "checks-2").string();
  onshi::testing::ServeProcess other;
  const std::string other_base = other.Start({"--db", db_, "--now", "2026-11-23T10:00:00+09:00",
                                              "--threads", "2", "--check-log", other_log});
  ASSERT_EQ(other_base.rfind("https://", 0), 0u) << other_base;
  for (const std::string afi : {"a1", "a2"})
    ASSERT_EQ(Search(afi), 200);
  for (const std::string afi : {"b1", "b2", "b3"})
    ASSERT_EQ(Search(afi, other_base), 200);
  EXPECT_EQ(AnchorDirs().size(), 2u);
  int rc = -1;
  std::string out = Verify(&rc);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("check log intact (2 records; anchored through record 2)"), std::string::npos)
      << out;
  out = Verify(&rc, other_log);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("check log intact (3 records; anchored through record 3)"), std::string::npos)
      << out;
  other.Stop();
}

// Anchors of the earlier layout (directly in check-anchors/) that verify
// against the log are moved into the log's own directory when its server
// starts, and keep vouching for its records.
TEST_F(CheckLogE2eTest, TheEarlierLayoutsAnchorsMoveToTheirLog) {
  for (const std::string afi : {"c1", "c2"})
    ASSERT_EQ(Search(afi), 200);
  server_.Stop();
  ASSERT_EQ(AnchorDirs().size(), 1u);
  const fs::path own = AnchorDirs().front();
  const fs::path legacy = dir_ / "t.db.ca" / "check-anchors";
  for (const char* name : {"audit-anchor.key", "audit-anchors.log", "audit-anchors.lock"})
    fs::rename(own / name, legacy / name);
  fs::remove(own);
  int rc = -1;
  // Not restarted yet: the verifier reads the earlier layout.
  std::string out = Verify(&rc);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("anchored through record 2"), std::string::npos) << out;
  base_ = server_.Start(
      {"--db", db_, "--now", "2026-11-23T10:00:00+09:00", "--threads", "2", "--check-log", log_});
  ASSERT_EQ(base_.rfind("https://", 0), 0u) << base_;
  EXPECT_FALSE(fs::exists(legacy / "audit-anchor.key"));
  EXPECT_TRUE(fs::exists(own / "audit-anchor.key"));
  ASSERT_EQ(Search("c3"), 200);
  out = Verify(&rc);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("check log intact (3 records; anchored through record 3)"), std::string::npos)
      << out;
  // The moved log holds the earlier anchors too: records 1 and 2 were
  // anchored before the move.
  std::ifstream in(own / "audit-anchors.log");
  std::string anchors((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(anchors.rfind("1 ", 0), 0u) << anchors;
}

}  // namespace
