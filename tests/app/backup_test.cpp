// `onshi backup` / `onshi restore` (issue 19): a backup taken while the
// server runs, restored onto an empty machine directory (or an empty
// PostgreSQL database), answers the same checks with the same facility
// certificate; a damaged or tampered backup and a restore over data are
// refused without writing anything.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "../store/pg_cluster.hpp"
#include "process_util.hpp"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

using onshi::testing::HttpAnswer;
using onshi::testing::Sh;

const std::string kBin = ONSHI_BINARY;
const std::string kNow = "2026-11-23T10:00:00+09:00";

// The members the demo scenarios put under 06139992 (QualificationValidity
// 1, 2, 3 and 4), by 番号 and birth date.
const std::vector<std::pair<std::string, std::string>> kMembers = {
    {"1001", "19800515"}, {"1002", "19751103"}, {"1003", "19900720"}, {"1004", "20010109"}};

class BackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("onshi-backup-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Run(const std::string& args, int* rc) { return Sh(kBin + " " + args + " 2>&1", rc); }

  // Populates `db_args`' database with the scenarios and a facility whose
  // client certificate goes to dir_/clinic.
  void Populate(const std::string& db_args) {
    int rc = 0;
    std::string out =
        Run("populate --quiet --members 200 --scenarios --today 2026-11-23 " + db_args, &rc);
    ASSERT_EQ(rc, 0) << out;
    out = Run("facility add --now 2026-11-23T09:00:00+09:00 --code 1310000011 --name 試験 --out " +
                  (dir_ / "clinic").string() + " " + db_args,
              &rc);
    ASSERT_EQ(rc, 0) << out;
  }

  HttpAnswer Curl(const std::string& base, const std::string& path, const std::string& extra) {
    return onshi::testing::RunCurl("curl -s -i --max-time 20 --cacert " +
                                   (dir_ / "clinic/ca.pem").string() + " " + extra + " '" + base +
                                   path + "'");
  }

  // Each member's answer (MessageBody) from a server started on `serve_args`.
  std::vector<std::string> Answers(const std::vector<std::string>& serve_args) {
    onshi::testing::ServeProcess server;
    std::vector<std::string> args = serve_args;
    args.insert(args.end(), {"--now", kNow, "--threads", "1"});
    const std::string base = server.Start(args);
    EXPECT_EQ(base.rfind("https://", 0), 0u) << base;
    const fs::path c = dir_ / "clinic";
    HttpAnswer login = Curl(
        base, "/oqs-api-pro/MSA12020/ILI12020SV01/auth",
        "--cert " + (c / "cert.pem").string() + " --key " + (c / "key.pem").string() +
            " -H 'Content-Type: application/json' --data-binary @" + (c / "body.json").string());
    EXPECT_EQ(login.status, 200) << login.body;
    if (login.status != 200) return {};
    const std::string token(json::parse(login.body).at("result").at("idToken").as_string());
    std::vector<std::string> out;
    for (const auto& [number, birth] : kMembers) {
      std::ofstream(dir_ / "req.json")
          << R"({"XmlMsg":{"MessageHeader":{"QualificationConfirmationDate":"20261123","MedicalInstitutionCode":"1310000011"},"MessageBody":{"QualificationConfirmSearchInfo":{"InsurerNumber":"06139992","InsuredCardSymbol":"1","InsuredIdentificationNumber":")"
          << number << R"(","InsuredBranchNumber":"00","Birthdate":")" << birth
          << R"(","LimitApplicationCertificateRelatedConsFlg":"1"}}}})";
      HttpAnswer a = Curl(base, "/oqs-api-pro/MSA01030/ILI01030SV01/search",
                          "-H 'Authorization: " + token +
                              "' -H 'Content-Type: application/json' --data-binary @" +
                              (dir_ / "req.json").string());
      EXPECT_EQ(a.status, 200) << a.body;
      out.push_back(json::serialize(json::parse(a.body).at("XmlMsg").at("MessageBody")));
    }
    return out;
  }

  static int Mode(const fs::path& p) {
    struct stat st;
    return ::stat(p.c_str(), &st) == 0 ? static_cast<int>(st.st_mode & 0777) : -1;
  }

  fs::path dir_;
};

TEST_F(BackupTest, SqliteBackupTakenWhileServingRestoresOntoAnEmptyDirectoryAndAnswersAlike) {
  const fs::path db = dir_ / "a" / "onshi.db";
  fs::create_directories(db.parent_path());
  Populate("--db " + db.string());
  const std::vector<std::string> before = Answers({"--db", db.string()});
  ASSERT_EQ(before.size(), kMembers.size());

  // Online: the server keeps running (and writing its audit) during the backup.
  onshi::testing::ServeProcess running;
  ASSERT_FALSE(running.Start({"--db", db.string(), "--now", kNow}).empty());
  int rc = 0;
  std::string out = Run("backup " + (dir_ / "bk").string() + " --db " + db.string(), &rc);
  ASSERT_EQ(rc, 0) << out;
  running.Stop();
  for (const char* f : {"onshi.db", "onshi.keys", "backup.info", "SHA256SUMS"})
    EXPECT_TRUE(fs::exists(dir_ / "bk" / f)) << f;
  EXPECT_TRUE(fs::is_directory(dir_ / "bk" / "onshi.ca"));
  EXPECT_EQ(Mode(dir_ / "bk"), 0700);
  EXPECT_EQ(Mode(dir_ / "bk" / "onshi.keys"), 0600);
  EXPECT_EQ(Mode(dir_ / "bk" / "onshi.db"), 0600);
  // The sums are what `sha256sum -c` checks.
  Sh("cd " + (dir_ / "bk").string() + " && sha256sum --quiet -c SHA256SUMS", &rc);
  EXPECT_EQ(rc, 0);

  // The empty machine: a new directory, nothing in it.
  const fs::path restored = dir_ / "b" / "onshi.db";
  out = Run("restore " + (dir_ / "bk").string() + " --db " + restored.string(), &rc);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_TRUE(fs::exists(dir_ / "b" / "onshi.db.keys"));
  EXPECT_TRUE(fs::is_directory(dir_ / "b" / "onshi.db.ca"));
  // The same answers, to the same facility certificate (its CA came back too).
  EXPECT_EQ(Answers({"--db", restored.string()}), before);
  // The restored audit chain verifies against its restored anchors.
  out = Run("audit verify --db " + restored.string(), &rc);
  EXPECT_EQ(rc, 0) << out;
}

TEST_F(BackupTest, RestoreRefusesDataInPlaceAndTamperedBackupsWithoutWritingAnything) {
  const fs::path db = dir_ / "a" / "onshi.db";
  fs::create_directories(db.parent_path());
  Populate("--db " + db.string());
  int rc = 0;
  std::string out = Run("backup " + (dir_ / "bk").string() + " --db " + db.string(), &rc);
  ASSERT_EQ(rc, 0) << out;

  // A second backup never overwrites the first.
  out = Run("backup " + (dir_ / "bk").string() + " --db " + db.string(), &rc);
  EXPECT_EQ(rc, 4) << out;
  EXPECT_NE(out.find("exists"), std::string::npos) << out;

  // Over a live database: refused, and the database is untouched.
  const std::string sum_before = Sh("sha256sum " + db.string());
  out = Run("restore " + (dir_ / "bk").string() + " --db " + db.string(), &rc);
  EXPECT_EQ(rc, 4) << out;
  EXPECT_NE(out.find("restore only into an empty place"), std::string::npos) << out;
  EXPECT_EQ(Sh("sha256sum " + db.string()), sum_before);

  // One byte of the key file changed: caught before anything is written.
  {
    std::fstream f(dir_ / "bk" / "onshi.keys", std::ios::in | std::ios::out | std::ios::binary);
    char c = 0;
    f.seekg(5);
    f.get(c);
    f.seekp(5);
    f.put(static_cast<char>(c ^ 1));
  }
  const fs::path target = dir_ / "c" / "onshi.db";
  out = Run("restore " + (dir_ / "bk").string() + " --db " + target.string(), &rc);
  EXPECT_EQ(rc, 3) << out;
  EXPECT_NE(out.find("onshi.keys"), std::string::npos) << out;
  EXPECT_FALSE(fs::exists(target));
  EXPECT_FALSE(fs::exists(dir_ / "c" / "onshi.db.keys"));

  // A file slipped into the backup is refused too.
  out = Run("backup " + (dir_ / "bk2").string() + " --db " + db.string(), &rc);
  ASSERT_EQ(rc, 0) << out;
  std::ofstream(dir_ / "bk2" / "onshi.ca" / "extra.pem") << "x";
  out = Run("restore " + (dir_ / "bk2").string() + " --db " + target.string(), &rc);
  EXPECT_EQ(rc, 3) << out;
  EXPECT_NE(out.find("unlisted"), std::string::npos) << out;
  EXPECT_FALSE(fs::exists(target));
}

// With --check-log, the checks' own log (issue 20) is in the backup, taken
// while the server writes it, and comes back with its anchors: the restored
// log verifies anchored at its new path, and a restore never writes into a
// check log that is already there.
TEST_F(BackupTest, TheCheckLogIsBackedUpOnlineAndVerifiesAnchoredWhereItIsRestored) {
  const fs::path db = dir_ / "a" / "onshi.db";
  const fs::path log = dir_ / "a" / "check-log";
  fs::create_directories(db.parent_path());
  Populate("--db " + db.string());
  const std::vector<std::string> serve = {"--db", db.string(), "--check-log", log.string()};
  ASSERT_EQ(Answers(serve).size(), kMembers.size());  // 4 checks, in the log

  onshi::testing::ServeProcess running;
  ASSERT_FALSE(running.Start(serve).empty());
  int rc = 0;
  std::string out = Run(
      "backup " + (dir_ / "bk").string() + " --db " + db.string() + " --check-log " + log.string(),
      &rc);
  ASSERT_EQ(rc, 0) << out;
  running.Stop();
  ASSERT_TRUE(fs::is_directory(dir_ / "bk" / "check-log"));
  EXPECT_EQ(Mode(dir_ / "bk" / "check-log"), 0700);
  Sh("cd " + (dir_ / "bk").string() + " && sha256sum --quiet -c SHA256SUMS", &rc);
  EXPECT_EQ(rc, 0);

  // Without --check-log the restore says where the log stayed.
  const fs::path plain = dir_ / "p" / "onshi.db";
  out = Run("restore " + (dir_ / "bk").string() + " --db " + plain.string(), &rc);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("--check-log"), std::string::npos) << out;

  // Into a check log that is already there: refused before anything is written.
  const fs::path restored = dir_ / "b" / "onshi.db";
  const fs::path taken = dir_ / "b" / "taken-log";
  fs::create_directories(taken);
  std::ofstream(taken / "segment-000000000001.log") << "x\n";
  out = Run("restore " + (dir_ / "bk").string() + " --db " + restored.string() + " --check-log " +
                taken.string(),
            &rc);
  EXPECT_EQ(rc, 4) << out;
  EXPECT_FALSE(fs::exists(restored));

  // At a new path: every check there, and anchored (the anchors moved with it).
  const fs::path restored_log = dir_ / "b" / "check-log";
  out = Run("restore " + (dir_ / "bk").string() + " --db " + restored.string() + " --check-log " +
                restored_log.string(),
            &rc);
  ASSERT_EQ(rc, 0) << out;
  out =
      Run("audit verify --db " + restored.string() + " --check-log " + restored_log.string(), &rc);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("check log intact (4 records; anchored through record 4)"), std::string::npos)
      << out;
  // The restored server goes on with the same chain.
  ASSERT_EQ(Answers({"--db", restored.string(), "--check-log", restored_log.string()}).size(),
            kMembers.size());
  out =
      Run("audit verify --db " + restored.string() + " --check-log " + restored_log.string(), &rc);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("check log intact (8 records"), std::string::npos) << out;
}

TEST_F(BackupTest, PostgresBackupRestoresIntoAnEmptyDatabaseWithItsStateDirectory) {
  auto& pg = onshi::store::pg_test::PgCluster::Get();
  const std::string source = pg.NewDatabase();
  const std::string target = pg.NewDatabase();
  const std::string state_a = (dir_ / "state-a").string(), state_b = (dir_ / "state-b").string();
  Populate("--db " + source + " --state-dir " + state_a);
  const std::vector<std::string> before = Answers({"--db", source, "--state-dir", state_a});
  ASSERT_EQ(before.size(), kMembers.size());

  int rc = 0;
  std::string out =
      Run("backup " + (dir_ / "bk").string() + " --db " + source + " --state-dir " + state_a, &rc);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_TRUE(fs::exists(dir_ / "bk" / "onshi.pgdump"));
  // A SQLite target for a PostgreSQL backup is a usage error.
  out = Run("restore " + (dir_ / "bk").string() + " --db " + (dir_ / "x.db").string(), &rc);
  EXPECT_EQ(rc, 2) << out;
  EXPECT_FALSE(fs::exists(dir_ / "x.db"));

  out =
      Run("restore " + (dir_ / "bk").string() + " --db " + target + " --state-dir " + state_b, &rc);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_EQ(Answers({"--db", target, "--state-dir", state_b}), before);
  // Restoring again over what is now there is refused.
  out = Run("restore " + (dir_ / "bk").string() + " --db " + target + " --state-dir " +
                (dir_ / "state-c").string(),
            &rc);
  EXPECT_EQ(rc, 4) << out;
}

}  // namespace
