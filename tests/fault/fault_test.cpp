// Fault tests: each really does what it names to real processes, and then
// says what was lost (nothing acknowledged) and what is left half-done
// (nothing).
//
//  - PostgreSQL primary stopped under a server with a streaming replica:
//    checks keep being answered from the replica, /healthz and /metrics say
//    read-only, writes fail with a clear 503, the checks' audit entries wait
//    in the spool, and after the primary returns writes are accepted and the
//    spool lands in the audit chain.
//  - Two servers over one PostgreSQL, one killed with SIGKILL under load: the
//    other never fails a request.
//  - `onshi serve` on SQLite killed with SIGKILL during an insurer's bulk
//    upload and under check load: the restarted server takes the same file
//    again and ends in the state one clean upload produces.
//  - SQLite on a full disk (a real, tiny tmpfs in a private mount namespace)
//    and SQLite locked by another process: clear errors, no corruption, and
//    the same command succeeds once the condition is gone.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "../app/process_util.hpp"
#include "../store/pg_cluster.hpp"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using onshi::store::pg_test::PgCluster;
using onshi::store::pg_test::PgStandby;
using onshi::testing::HttpAnswer;
using onshi::testing::ParseCurl;
using onshi::testing::ServeProcess;
using onshi::testing::Sh;
using Clock = std::chrono::steady_clock;

const std::string kBin = ONSHI_BINARY;
constexpr const char* kSearchPath = "/oqs-api-pro/MSA01030/ILI01030SV01/search";

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r'))
    s.pop_back();
  return s;
}

// A check of the demo scenario member who is covered (QualificationValidity 1).
std::string ValidSearchBody() {
  return R"({"XmlMsg":{"MessageHeader":{"QualificationConfirmationDate":"20261123",)"
         R"("MedicalInstitutionCode":"1310000011"},"MessageBody":{"QualificationConfirmSearchInfo":)"
         R"({"InsurerNumber":"06139992","InsuredCardSymbol":"1","InsuredIdentificationNumber":"1001",)"
         R"("InsuredBranchNumber":"00","Birthdate":"19800515",)"
         R"("LimitApplicationCertificateRelatedConsFlg":"1"}}}})";
}

class FaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("onshi-fault-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    old_cwd_ = fs::current_path();
    fs::current_path(dir_);
    std::ofstream(dir_ / "search.json") << ValidSearchBody();
  }
  void TearDown() override {
    ::unsetenv("ONSHI_STATE_DIR");
    fs::current_path(old_cwd_);
    fs::remove_all(dir_);
  }

  // A PostgreSQL location keeps its key file and CAs in a state directory
  // (never the working one): the test's own, through the environment every
  // `onshi` it starts inherits. SQLite tests keep theirs beside the file.
  void UseStateDirectory() { ::setenv("ONSHI_STATE_DIR", (dir_ / "state").c_str(), 1); }

  // Runs the binary in the test directory; stderr goes to err.txt.
  std::string Onshi(const std::string& args, int* rc = nullptr) {
    return Sh(
        "cd " + dir_.string() + " && " + kBin + " " + args + " 2>>" + (dir_ / "err.txt").string(),
        rc);
  }
  std::string Err() {
    std::ifstream in(dir_ / "err.txt");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  // A database with the demo scenarios, a clinic and an insurer with
  // certificates, and `forms` lines of new members for that insurer.
  void Prepare(const std::string& db, int forms) {
    int rc = 0;
    Onshi("populate --quiet --members 300 --scenarios --today 2026-11-23 --db " + db, &rc);
    ASSERT_EQ(rc, 0) << Err();
    Onshi("facility add --now 2026-11-23T09:00:00+09:00 --code 1310000011 --out clinic --db " + db,
          &rc);
    ASSERT_EQ(rc, 0) << Err();
    Onshi(
        "insurer add --number 06139992 --name オンシ健康保険組合 --lag 2 --now 2026-11-16 "
        "--out insurer --db " +
            db,
        &rc);
    ASSERT_EQ(rc, 0) << Err();
    if (forms > 0) {
      Onshi("forms --persons " + std::to_string(forms) +
                " --bad-per-mille 0 --today 2026-11-23 --out forms.csv --db " + db,
            &rc);
      ASSERT_EQ(rc, 0) << Err();
    }
  }

  HttpAnswer Curl(const std::string& base, const std::string& path, const std::string& extra = "") {
    return ParseCurl(Sh("curl -s -i --max-time 60 --cacert " + (dir_ / "clinic/ca.pem").string() +
                        " " + extra + " '" + base + path + "'"));
  }
  std::string Login(const std::string& base) {
    HttpAnswer a = Curl(base, "/oqs-api-pro/MSA12020/ILI12020SV01/auth",
                        "--cert clinic/cert.pem --key clinic/key.pem -H 'Content-Type: "
                        "application/json' --data-binary @clinic/body.json");
    if (a.status != 200) return "";
    return std::string(json::parse(a.body).at("result").at("idToken").as_string());
  }
  HttpAnswer Search(const std::string& base, const std::string& token) {
    return Curl(base, kSearchPath,
                "-H 'Authorization: " + token +
                    "' -H 'Content-Type: application/json' --data-binary @search.json");
  }
  static std::string Validity(const HttpAnswer& a) {
    try {
      return std::string(json::parse(a.body)
                             .at("XmlMsg")
                             .at("MessageBody")
                             .at("QualificationValidity")
                             .as_string());
    } catch (const std::exception&) {
      return "";
    }
  }
  HttpAnswer Upload(const std::string& base, const std::string& file) {
    return Curl(base, "/insurer/v1/submissions",
                "--cert insurer/cert.pem --key insurer/key.pem -H 'Content-Type: text/csv; "
                "charset=utf-8' --data-binary @" +
                    file);
  }
  json::value Health(const std::string& base) {
    HttpAnswer h = Curl(base, "/healthz");
    try {
      return json::parse(h.body);
    } catch (const std::exception&) {
      return json::object{};
    }
  }
  // Polls /healthz until `field` is `value`; false after `seconds`.
  bool WaitForHealth(const std::string& base, const std::string& field, const std::string& value,
                     int seconds = 20) {
    for (int i = 0; i < seconds * 10; ++i) {
      const json::value h = Health(base);
      if (h.is_object() && h.as_object().contains(field) &&
          json::serialize(h.at(field)) == "\"" + value + "\"") {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  fs::path dir_;
  fs::path old_cwd_;
};

// Searches in a loop from its own thread, one curl per request, recording
// when each request started and ended and its HTTP status (0: no answer).
class Load {
 public:
  struct Sample {
    double start, end;
    int status;
  };
  Load(std::string cacert, std::string base, std::string token, fs::path body)
      : thread_([=, this] {
          while (!stop_) {
            const double t0 = Since();
            const std::string code =
                Sh("curl -s -o /dev/null -w '%{http_code}' --max-time 10 --cacert " + cacert +
                   " -H 'Authorization: " + token +
                   "' -H 'Content-Type: application/json' --data-binary @" + body.string() + " '" +
                   base + kSearchPath + "'");
            const double t1 = Since();
            std::lock_guard<std::mutex> lock(mu_);
            samples_.push_back({t0, t1, code.empty() ? 0 : std::atoi(code.c_str())});
          }
        }) {}
  ~Load() { Stop(); }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  std::vector<Sample> samples() {
    std::lock_guard<std::mutex> lock(mu_);
    return samples_;
  }
  static double Since() {
    static const Clock::time_point origin = Clock::now();
    return std::chrono::duration<double>(Clock::now() - origin).count();
  }

 private:
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::vector<Sample> samples_;
  std::thread thread_;
};

int Count(const std::vector<Load::Sample>& s, int status) {
  int n = 0;
  for (const Load::Sample& x : s)
    n += x.status == status;
  return n;
}

// --- PostgreSQL: the primary stops; the replica answers ----------------------

TEST_F(FaultTest, PrimaryStoppedChecksAnsweredFromReplicaWritesRefusedThenAcceptedAfterRecovery) {
  UseStateDirectory();
  PgCluster& pg = PgCluster::Get();
  const std::string primary = pg.NewDatabase();
  Prepare(primary, 20);
  PgStandby standby(pg);
  const std::string replica = standby.UriFor(primary);
  ASSERT_TRUE(standby.CatchUp(primary));

  ServeProcess server;
  const std::string base =
      server.Start({"--db", primary, "--replica", replica, "--now", "2026-11-23T10:00:00+09:00",
                    "--link-every", "0", "--probe-every-ms", "100"});
  ASSERT_EQ(base.rfind("https://", 0), 0u) << base << Err();
  const std::string token = Login(base);
  ASSERT_FALSE(token.empty());
  json::value h = Health(base);
  EXPECT_EQ(h.at("mode").as_string(), "read-write") << h;
  EXPECT_EQ(h.at("replica").as_string(), "up") << h;
  // Anyone sees whether checks are answered, never where the databases are
  // (host, port, user: issue 15).
  EXPECT_FALSE(h.as_object().contains("replica_database")) << h;
  EXPECT_FALSE(h.as_object().contains("database")) << h;
  EXPECT_EQ(json::serialize(h).find("127.0.0.1"), std::string::npos) << h;

  int answered = 0;
  for (int i = 0; i < 5; ++i, ++answered)
    ASSERT_EQ(Validity(Search(base, token)), "1");

  // The outage.
  pg.StopServer();
  ASSERT_TRUE(WaitForHealth(base, "mode", "read-only")) << Health(base);
  h = Health(base);
  EXPECT_EQ(h.at("primary").as_string(), "down") << h;
  EXPECT_EQ(h.at("status").as_string(), "read-only") << h;
  int added = 0;
  Onshi("admin add --name ops --now 2026-11-23T09:00:00+09:00 --out ops --db " + primary, &added);
  ASSERT_EQ(added, 0) << Err();
  // An operator sees the locations, without secrets.
  const HttpAnswer ops_health =
      Curl(base, "/admin/health", "--cert ops/cert.pem --key ops/key.pem");
  ASSERT_EQ(ops_health.status, 200) << ops_health.body;
  EXPECT_EQ(json::parse(ops_health.body).at("replica_database").as_string(), replica);
  const HttpAnswer m = Curl(base, "/metrics", "--cert ops/cert.pem --key ops/key.pem");
  ASSERT_EQ(m.status, 200) << m.body;
  const std::string& metrics = m.body;
  EXPECT_NE(metrics.find("onshi_read_only 1"), std::string::npos);
  EXPECT_NE(metrics.find("onshi_database_up{role=\"primary\"} 0"), std::string::npos);
  EXPECT_NE(metrics.find("onshi_database_up{role=\"replica\"} 1"), std::string::npos);

  // Checks (and a fresh login) are answered from the replica.
  const std::string token2 = Login(base);
  EXPECT_FALSE(token2.empty());
  // A server started during the outage comes up read-only and answers too.
  ServeProcess late;
  const std::string late_base =
      late.Start({"--db", primary, "--replica", replica, "--now", "2026-11-23T10:00:00+09:00",
                  "--link-every", "1", "--probe-every-ms", "100"});
  ASSERT_EQ(late_base.rfind("https://", 0), 0u) << late_base << Err();
  EXPECT_EQ(Health(late_base).at("mode").as_string(), "read-only");
  EXPECT_EQ(Validity(Search(late_base, token2)), "1");
  ++answered;
  for (int i = 0; i < 20; ++i, ++answered) {
    HttpAnswer a = Search(base, token2);
    ASSERT_EQ(a.status, 200) << a.body;
    ASSERT_EQ(Validity(a), "1");
  }
  // A write is refused at once, saying why.
  HttpAnswer refused = Upload(base, "forms.csv");
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_NE(refused.body.find("read-only mode"), std::string::npos) << refused.body;
  EXPECT_EQ(refused.Header("Retry-After"), "5");
  // The checks' audit entries wait in the spool.
  for (int i = 0; i < 50 && Health(base).at("audit_spooled").as_int64() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_GT(Health(base).at("audit_spooled").as_int64(), 0);

  // Recovery: writes are accepted again and the spool lands.
  pg.StartServer();
  ASSERT_TRUE(WaitForHealth(base, "mode", "read-write")) << Health(base);
  HttpAnswer accepted;
  for (int i = 0; i < 50; ++i) {
    accepted = Upload(base, "forms.csv");
    if (accepted.status != 503) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  EXPECT_EQ(json::parse(accepted.body).at("queued").as_int64(), 20) << accepted.body;
  for (int i = 0; i < 50 && Health(base).at("audit_spooled").as_int64() +
                                    Health(late_base).at("audit_spooled").as_int64() >
                                0;
       ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(Health(base).at("audit_spooled").as_int64(), 0);
  EXPECT_EQ(Health(late_base).at("audit_spooled").as_int64(), 0);
  EXPECT_EQ(server.Stop(), 0);
  EXPECT_EQ(late.Stop(), 0);

  // Every check is in the one audit chain, including those of the outage.
  const auto searches = PgCluster::Query(
      primary,
      "SELECT COUNT(*) FROM audit_log WHERE action='eligibility.search' AND detail LIKE "
      "'%validity=1%'");
  EXPECT_EQ(searches.at(0), std::to_string(answered));
  int rc = 0;
  Onshi("audit verify --db " + primary, &rc);
  EXPECT_EQ(rc, 0) << Err();
}

// --- PostgreSQL: two servers, one killed under load --------------------------

TEST_F(FaultTest, OneOfTwoServersKilledUnderLoadTheOtherKeepsAnswering) {
  UseStateDirectory();
  PgCluster& pg = PgCluster::Get();
  const std::string db = pg.NewDatabase();
  Prepare(db, 0);
  ServeProcess a, b;
  const std::vector<std::string> args = {"--db",         db, "--now", "2026-11-23T10:00:00+09:00",
                                         "--link-every", "0"};
  const std::string base_a = a.Start(args);
  const std::string base_b = b.Start(args);
  ASSERT_EQ(base_a.rfind("https://", 0), 0u) << Err();
  ASSERT_EQ(base_b.rfind("https://", 0), 0u) << Err();
  // A token from one server is good at the other: they share the key.
  const std::string token = Login(base_a);
  ASSERT_FALSE(token.empty());
  ASSERT_EQ(Validity(Search(base_b, token)), "1");

  const std::string cacert = (dir_ / "clinic/ca.pem").string();
  Load load_a(cacert, base_a, token, dir_ / "search.json");
  Load load_b(cacert, base_b, token, dir_ / "search.json");
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  const double killed_at = Load::Since();
  ASSERT_EQ(::kill(a.pid(), SIGKILL), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  load_a.Stop();
  load_b.Stop();

  const auto sa = load_a.samples();
  const auto sb = load_b.samples();
  // The survivor answered every request, before and after the kill.
  ASSERT_GT(sb.size(), 10u);
  EXPECT_EQ(Count(sb, 200), static_cast<int>(sb.size()));
  int b_after = 0;
  for (const Load::Sample& s : sb)
    b_after += s.start > killed_at;
  EXPECT_GT(b_after, 3);
  // The killed server failed only requests that were in flight at the kill
  // or sent to it afterwards.
  int a_ok_before = 0;
  for (const Load::Sample& s : sa) {
    if (s.end < killed_at) {
      EXPECT_EQ(s.status, 200) << "at " << s.start;
      ++a_ok_before;
    }
    if (s.start > killed_at + 0.05) {
      EXPECT_EQ(s.status, 0);
    }
  }
  EXPECT_GT(a_ok_before, 3);

  // A restarted server answers, and the chain holds. Every answered check
  // is audited, the killed server's too: its journal is replayed by the
  // server that takes its slot.
  ServeProcess a2;
  const std::string base_a2 = a2.Start(args);
  EXPECT_EQ(Validity(Search(base_a2, token)), "1");
  a2.Stop();
  b.Stop();
  const int audited = std::stoi(PgCluster::Query(db,
                                                 "SELECT COUNT(*) FROM audit_log WHERE "
                                                 "action='eligibility.search'")
                                    .at(0));
  // + the check before the load and the restarted server's.
  EXPECT_GE(audited, Count(sb, 200) + Count(sa, 200) + 2);
  int rc = 0;
  Onshi("audit verify --db " + db, &rc);
  EXPECT_EQ(rc, 0) << Err();
}

// --- SQLite: kill -9 during an upload and under load --------------------------

TEST_F(FaultTest, ServeKilledDuringUploadAndLoadLosesNothingAndTheSameUploadCompletes) {
  const std::string db = (dir_ / "t.db").string();
  Prepare(db, 5000);
  ASSERT_LT(fs::file_size(dir_ / "forms.csv"), 1u << 20) << "over the API's body limit";
  // The twin for the clean run.
  const std::string clean = (dir_ / "clean.db").string();
  Sh("sqlite3 " + db + " \"VACUUM INTO '" + clean + "'\"");
  // The sqlite3 shell makes it under the umask; onshi opens only private files.
  fs::permissions(clean, fs::perms::owner_read | fs::perms::owner_write);
  fs::copy_file(db + ".keys", clean + ".keys");
  auto sql = [](const std::string& file, const std::string& q) {
    return Trim(Sh("sqlite3 " + file + " \"" + q + "\""));
  };

  const std::vector<std::string> args = {"--db",         db, "--now", "2026-11-23T10:00:00+09:00",
                                         "--link-every", "0"};
  // The server's import holds after its first committed batch and writes
  // `held` (intermediate/fault_hold.hpp): the kill below always lands after
  // an acknowledged batch and before the end of the file (issue 21: before,
  // the test polled the database and could miss on a fast machine).
  const fs::path held = dir_ / "held-after-batch";
  ::setenv("ONSHI_FAULT_HOLD_AFTER_BATCH", held.c_str(), 1);
  ServeProcess server;
  const std::string base = server.Start(args);
  ::unsetenv("ONSHI_FAULT_HOLD_AFTER_BATCH");
  ASSERT_EQ(base.rfind("https://", 0), 0u) << Err();
  const std::string token = Login(base);
  Load load((dir_ / "clinic/ca.pem").string(), base, token, dir_ / "search.json");

  std::atomic<int> upload_status{-1};
  std::thread upload([&] { upload_status = Upload(base, "forms.csv").status; });
  const Clock::time_point deadline = Clock::now() + std::chrono::seconds(120);
  while (!fs::exists(held) && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_TRUE(fs::exists(held)) << "no batch was committed within 120 s\n" << Err();
  // Some checks are answered while the import holds, so the load is really
  // under way at the kill.
  while (load.samples().size() < 5 && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const std::string n = sql(db, "SELECT COUNT(*) FROM submissions");
  const int committed = n.empty() ? 0 : std::stoi(n);
  const double killed_at = Load::Since();
  ASSERT_EQ(::kill(server.pid(), SIGKILL), 0);
  upload.join();
  load.Stop();
  ASSERT_GT(committed, 0);
  // The upload was never acknowledged.
  EXPECT_EQ(upload_status.load(), 0) << "the upload finished before the kill";
  for (const Load::Sample& s : load.samples())
    if (s.end < killed_at) {
      EXPECT_EQ(s.status, 200);
    }

  EXPECT_EQ(sql(db, "PRAGMA integrity_check"), "ok");
  const int after_kill = std::stoi(sql(db, "SELECT COUNT(*) FROM submissions"));
  EXPECT_GE(after_kill, committed);
  EXPECT_LT(after_kill, 5000);
  EXPECT_EQ(sql(db,
                "SELECT COUNT(*) FROM submissions s WHERE state<>'registration_error' AND NOT "
                "EXISTS (SELECT 1 FROM members m WHERE m.member_id=s.member_id)"),
            "0");
  EXPECT_EQ(sql(db,
                "SELECT COUNT(*) FROM submissions s JOIN members m USING (member_id) WHERE NOT "
                "EXISTS (SELECT 1 FROM documents d WHERE d.member_id=m.member_id AND "
                "d.kind='notice')"),
            "0");

  // Restart and send the same file again: the committed part is recognised.
  ServeProcess again;
  const std::string base2 = again.Start(args);
  HttpAnswer second = Upload(base2, "forms.csv");
  ASSERT_EQ(second.status, 200) << second.body;
  const json::value report = json::parse(second.body);
  EXPECT_EQ(report.at("already_received").as_int64(), after_kill) << second.body;
  EXPECT_EQ(report.at("queued").as_int64(), 5000 - after_kill) << second.body;
  EXPECT_EQ(Validity(Search(base2, Login(base2))), "1");
  again.Stop();
  // Every check answered before the kill is in the audit log: the killed
  // server's journal was replayed by the restarted one.
  EXPECT_GE(std::stoi(sql(db, "SELECT COUNT(*) FROM audit_log WHERE action='eligibility.search'")),
            Count(load.samples(), 200) + 1);

  // The end state equals one clean upload (through the CLI on the twin).
  int rc = 0;
  Onshi("import forms.csv --insurer 06139992 --now 2026-11-23T10:00:00+09:00 --quiet --db " + clean,
        &rc);
  EXPECT_EQ(rc, 0) << Err();
  for (const std::string q :
       {"SELECT COUNT(*) FROM submissions", "SELECT COUNT(*) FROM members",
        "SELECT COUNT(*) FROM documents", "SELECT COUNT(*) FROM member_attributes",
        "SELECT state, COUNT(*) FROM submissions GROUP BY state ORDER BY state",
        "SELECT COUNT(DISTINCT submission_id) FROM submissions"}) {
    EXPECT_EQ(sql(db, q), sql(clean, q)) << q;
  }
  Onshi("audit verify --db " + db, &rc);
  EXPECT_EQ(rc, 0) << Err();
}

// --- SQLite: a full disk --------------------------------------------------------

TEST_F(FaultTest, FullDiskStopsTheImportWithAClearErrorAndTheRerunCompletesAfterSpaceIsFreed) {
  const std::string seed = (dir_ / "seed.db").string();
  Prepare(seed, 10000);
  Sh("sqlite3 " + seed + " 'PRAGMA wal_checkpoint(TRUNCATE)'");
  const uintmax_t size = fs::file_size(seed);
  // Everything runs inside a private mount namespace where `disk` is a
  // tmpfs with room for the database and 4 MiB more: real ENOSPC for SQLite,
  // not a simulated one. A filler file holds the rest of the space; removing
  // it is "freeing space".
  fs::create_directories(dir_ / "disk");
  const std::string d = (dir_ / "disk").string();
  const std::string script =
      "set -u\n"
      "mount -t tmpfs -o size=" +
      std::to_string(size + (48u << 20)) + " tmpfs " + d +
      " || exit 90\n"
      "cp " +
      seed + " " + seed + ".keys " + d +
      "/ || exit 91\n"
      "mv " +
      d + "/seed.db " + d + "/t.db && mv " + d + "/seed.db.keys " + d +
      "/t.db.keys\n"
      "dd if=/dev/zero of=" +
      d +
      "/filler bs=1M count=44 2>/dev/null\n"
      "echo BEFORE=$(sqlite3 " +
      d + "/t.db 'SELECT COUNT(*) FROM submissions')\n" + kBin + " import " +
      (dir_ / "forms.csv").string() +
      " --insurer 06139992 --now 2026-11-23T10:00:00+09:00 --quiet --db " + d + "/t.db 2>" +
      (dir_ / "full.err").string() +
      "\n"
      "echo RC=$?\n"
      "echo INTEGRITY=$(sqlite3 " +
      d +
      "/t.db 'PRAGMA integrity_check')\n"
      "echo STORED=$(sqlite3 " +
      d +
      "/t.db 'SELECT COUNT(*) FROM submissions')\n"
      "echo HALF=$(sqlite3 " +
      d +
      "/t.db \"SELECT COUNT(*) FROM submissions s JOIN members m USING (member_id) WHERE NOT "
      "EXISTS (SELECT 1 FROM documents x WHERE x.member_id=m.member_id AND "
      "x.kind='notice')\")\n" +
      kBin + " audit verify --db " + d +
      "/t.db >/dev/null 2>&1; echo VERIFY=$?\n"
      "rm " +
      d + "/filler\n" + kBin + " import " + (dir_ / "forms.csv").string() +
      " --insurer 06139992 --now 2026-11-23T10:00:00+09:00 --quiet --db " + d +
      "/t.db >/dev/null 2>&1\n"
      "echo RC2=$?\n"
      "echo FINAL=$(sqlite3 " +
      d +
      "/t.db 'SELECT COUNT(*) FROM submissions')\n"
      "echo INTEGRITY2=$(sqlite3 " +
      d + "/t.db 'PRAGMA integrity_check')\n";
  std::ofstream(dir_ / "full.sh") << script;
  const std::string out = Sh("unshare -m sh " + (dir_ / "full.sh").string() + " 2>&1");
  auto value = [&](const std::string& key) {
    const size_t at = out.find("\n" + key + "=") != std::string::npos
                          ? out.find("\n" + key + "=") + 1
                          : (out.rfind(key + "=", 0) == 0 ? 0 : std::string::npos);
    if (at == std::string::npos) return std::string("?");
    return out.substr(at + key.size() + 1, out.find('\n', at) - at - key.size() - 1);
  };
  ASSERT_NE(value("RC"), "?") << out;
  std::ifstream e(dir_ / "full.err");
  std::stringstream err;
  err << e.rdbuf();
  // Stopped, saying where and why, and how to go on; exit 5, the database
  // does not take writes.
  EXPECT_EQ(value("RC"), "5") << out << err.str();
  EXPECT_NE(err.str().find("stopped at line"), std::string::npos) << err.str();
  EXPECT_NE(err.str().find("full"), std::string::npos) << err.str();
  EXPECT_NE(err.str().find("run the same command"), std::string::npos) << err.str();
  // Not corrupted; some lines stored whole, none half.
  EXPECT_EQ(value("INTEGRITY"), "ok") << out;
  EXPECT_LT(std::stoi(value("STORED")), 10000) << out;
  EXPECT_GT(std::stoi(value("STORED")), 0) << out;
  EXPECT_GE(std::stoi(value("STORED")), std::stoi(value("BEFORE"))) << out;
  EXPECT_EQ(value("HALF"), "0") << out;
  EXPECT_EQ(value("VERIFY"), "0") << out;
  // Space freed: the same command completes.
  EXPECT_EQ(value("RC2"), "0") << out;
  EXPECT_EQ(value("FINAL"), "10000") << out;
  EXPECT_EQ(value("INTEGRITY2"), "ok") << out;
}

// --- SQLite: locked by another process ----------------------------------------

TEST_F(FaultTest, LockedDatabaseGivesClearErrorsWhileChecksGoOnAndWritesWorkAfterRelease) {
  const std::string db = (dir_ / "t.db").string();
  Prepare(db, 30);
  // Writers give up after 300 ms instead of 10 s.
  ::setenv("ONSHI_SQLITE_BUSY_MS", "300", 1);
  ServeProcess server;
  const std::string base =
      server.Start({"--db", db, "--now", "2026-11-23T10:00:00+09:00", "--link-every", "0"});
  ASSERT_EQ(base.rfind("https://", 0), 0u) << Err();
  const std::string token = Login(base);

  // Another process takes the write lock and holds it until this test
  // writes COMMIT to its standard input (issue 21: not for a fixed time
  // within which the three commands below had to fit).
  // (.timeout: it waits its turn behind the server's own audit writes.)
  ::signal(SIGPIPE, SIG_IGN);
  FILE* holder = ::popen(("sqlite3 " + db + " >/dev/null 2>&1").c_str(), "w");
  ASSERT_NE(holder, nullptr);
  std::fputs(".timeout 5000\nBEGIN EXCLUSIVE;\n", holder);
  std::fflush(holder);
  bool held = false;
  for (int i = 0; i < 100 && !held; ++i) {
    int probe = 0;
    Sh("sqlite3 " + db + " 'BEGIN IMMEDIATE; ROLLBACK;' >/dev/null 2>&1", &probe);
    held = probe != 0;
    if (!held) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(held) << "the other process never took the lock";

  int rc = 0;
  Onshi("import forms.csv --insurer 06139992 --now 2026-11-23T10:00:00+09:00 --quiet --db " + db,
        &rc);
  EXPECT_EQ(rc, 5) << Err();
  EXPECT_NE(Err().find("database is locked"), std::string::npos) << Err();
  // Checks are reads: they go on while the lock is held.
  EXPECT_EQ(Validity(Search(base, token)), "1");
  HttpAnswer refused = Upload(base, "forms.csv");
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_NE(refused.body.find("database is locked"), std::string::npos) << refused.body;
  EXPECT_EQ(Trim(Sh("sqlite3 " + db + " 'SELECT COUNT(*) FROM submissions'")), "0");

  // Released: the same upload goes through.
  std::fputs("COMMIT;\n", holder);
  EXPECT_EQ(::pclose(holder), 0);  // the holder committed and exited: the lock is free
  HttpAnswer ok = Upload(base, "forms.csv");
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(json::parse(ok.body).at("queued").as_int64(), 30) << ok.body;
  server.Stop();
  ::unsetenv("ONSHI_SQLITE_BUSY_MS");
  EXPECT_EQ(Trim(Sh("sqlite3 " + db + " 'PRAGMA integrity_check'")), "ok");
  Onshi("audit verify --db " + db, &rc);
  EXPECT_EQ(rc, 0) << Err();
}

}  // namespace
