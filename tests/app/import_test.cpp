// Insurer submissions through the real binary: `onshi import` with a
// Shift_JIS file, its progress bar and error file; kill -9 in the middle of
// an import and the re-run (nothing acknowledged lost, nothing half-applied,
// the end state equal to one clean run); the insurer API over HTTPS with
// insurer client certificates; the linker inside `onshi serve`.
// Rules: R-LINK-1..4, R-DOC-1.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
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

class ImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("onshi-import-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = (dir_ / "t.db").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Run(const std::string& args, int* rc) {
    return Sh(kBin + " " + args + " --db " + db_ + " 2>" + (dir_ / "stderr.txt").string(), rc);
  }
  std::string Stderr() {
    std::ifstream in(dir_ / "stderr.txt");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  std::string Sql(const std::string& db, const std::string& query) {
    std::string out = Sh(onshi::testing::SqliteShell(db) + " \"" + query + "\"");
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r'))
      out.pop_back();
    return out;
  }
  std::string Sql(const std::string& query) { return Sql(db_, query); }

  void AddInsurer(const std::string& number, const std::string& name, const std::string& out = "") {
    int rc = 0;
    Run("insurer add --number " + number + " --name " + name + " --lag 2 --now 2026-11-16" +
            (out.empty() ? "" : " --out " + (dir_ / out).string()),
        &rc);
    ASSERT_EQ(rc, 0) << Stderr();
  }

  fs::path dir_;
  std::string db_;
};

// The CLI with a Shift_JIS file: per-line errors with line numbers on stderr
// and in --errors, a progress line with rate, the summary, and exit code 3
// because some lines were refused; good lines are queued regardless.
TEST_F(ImportTest, ImportShiftJisFileReportsLineErrorsAndQueuesGoodLines_RLINK4) {
  AddInsurer("06139992", "オンシ健康保険組合");
  int rc = 0;
  Run("forms --persons 400 --bad-per-mille 100 --today 2026-11-16 --out " +
          (dir_ / "forms.csv").string(),
      &rc);
  ASSERT_EQ(rc, 0) << Stderr();
  Sh("iconv -f UTF-8 -t CP932 " + (dir_ / "forms.csv").string() + " > " +
     (dir_ / "forms-sjis.csv").string());
  const std::string out = Run("import " + (dir_ / "forms-sjis.csv").string() +
                                  " --insurer 06139992 --now 2026-11-16T10:00:00+09:00 --errors " +
                                  (dir_ / "errors.csv").string(),
                              &rc);
  EXPECT_EQ(rc, 3) << out << Stderr();
  const std::string err = Stderr();
  // stderr is a pipe here, not a terminal: no progress bar (issue 19; the
  // bar is drawn only on a terminal, src/app/progress.hpp).
  EXPECT_EQ(err.find("ETA"), std::string::npos) << err;
  EXPECT_EQ(err.find("done in"), std::string::npos) << err;
  EXPECT_NE(err.find("forms-sjis.csv:"), std::string::npos) << err;  // file:line: field: reason
  EXPECT_NE(out.find("400 records"), std::string::npos) << out;

  const int queued = std::stoi(Sql("SELECT COUNT(*) FROM submissions WHERE state='submitted'"));
  const int reg_errors =
      std::stoi(Sql("SELECT COUNT(*) FROM submissions WHERE state='registration_error'"));
  EXPECT_GT(queued, 300);
  EXPECT_GT(reg_errors, 0);
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM members"), std::to_string(queued));
  // R-DOC-1: every new member has a notice.
  EXPECT_EQ(Sql("SELECT COUNT(DISTINCT member_id) FROM documents WHERE kind='notice'"),
            std::to_string(queued));
  // Names from the Shift_JIS file arrived intact.
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM member_attributes WHERE name LIKE '%\xE3\x80\x80%'"),
            std::to_string(queued));

  std::ifstream errors(dir_ / "errors.csv");
  std::stringstream e;
  e << errors.rdbuf();
  EXPECT_NE(e.str().find("line,kind,field,reason"), std::string::npos);
  EXPECT_NE(e.str().find(",rejected,my_number,"), std::string::npos) << e.str();
  EXPECT_NE(e.str().find(",registration_error,name,"), std::string::npos) << e.str();

  // The error report export lists exactly the registration errors.
  const std::string csv = Run("submissions --insurer 06139992 --state registration_error", &rc);
  EXPECT_EQ(rc, 0);
  int rows = 0;
  for (char c : csv)
    rows += c == '\n';
  EXPECT_EQ(rows, reg_errors + 1);  // + header
  EXPECT_NE(csv.find("登録エラー: 勤務先に確認"), std::string::npos);

  // The linker on the due day (2 business days after Monday 11-16: 11-18).
  std::string linked = Run("link --now 2026-11-17", &rc);
  EXPECT_NE(linked.find(" 0 linked"), std::string::npos) << linked;
  linked = Run("link --now 2026-11-18", &rc);
  EXPECT_NE(linked.find(std::to_string(queued) + " linked"), std::string::npos) << linked;
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM members WHERE linkage='linked'"), std::to_string(queued));
  Run("audit verify", &rc);
  EXPECT_EQ(rc, 0);
}

// kill -9 during an import: the killed run loses only its uncommitted batch,
// leaves no half-applied record, and a re-run ends in exactly the state one
// clean run produces.
TEST_F(ImportTest, KillDashNineDuringImportLosesNothingAcknowledgedAndRerunCompletes) {
  AddInsurer("06139992", "オンシ健康保険組合");
  int rc = 0;
  constexpr int kLines = 60000;
  Run("forms --persons " + std::to_string(kLines) +
          " --bad-per-mille 20 --today 2026-11-16 --out " + (dir_ / "forms.csv").string(),
      &rc);
  ASSERT_EQ(rc, 0) << Stderr();
  // A twin database for the clean run.
  const std::string clean = (dir_ / "clean.db").string();
  Sh(onshi::testing::SqliteShell(db_) + " \"VACUUM INTO '" + clean + "'\"");
  // The sqlite3 shell makes it under the umask; onshi opens only private files.
  fs::permissions(clean, fs::perms::owner_read | fs::perms::owner_write);
  fs::copy_file(db_ + ".keys", clean + ".keys");

  // The import reads the file through a named pipe that this test feeds:
  // the header and the first 10,000 lines, then nothing, with the pipe kept
  // open. So the import cannot finish, whatever the machine's speed, and the
  // kill lands after acknowledged batches and before the end of the file
  // (issue 21: before, the test polled and could find the import finished).
  const fs::path pipe = dir_ / "forms.pipe";
  ASSERT_EQ(::mkfifo(pipe.c_str(), 0600), 0);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::execl(ONSHI_BINARY, ONSHI_BINARY, "import", pipe.c_str(), "--insurer", "06139992", "--now",
            "2026-11-16T10:00:00+09:00", "--quiet", "--db", db_.c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::signal(SIGPIPE, SIG_IGN);  // a write error below, not a dead test, if the import dies
  FILE* feed = std::fopen(pipe.c_str(), "w");  // blocks until the import opens it
  ASSERT_NE(feed, nullptr);
  {
    std::ifstream in(dir_ / "forms.csv");
    std::string line;
    for (int i = 0; i <= 10000 && std::getline(in, line); ++i) {  // the header and 10,000
      line += '\n';
      ASSERT_EQ(std::fwrite(line.data(), 1, line.size(), feed), line.size());
    }
    ASSERT_EQ(std::fflush(feed), 0);
  }
  // 10,000 lines (2 % of them bad) hold four whole batches of 2,000 forms:
  // wait until those are committed, then kill without warning.
  int committed = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (committed < 8000 && std::chrono::steady_clock::now() < deadline) {
    const std::string n = Sql("SELECT COUNT(*) FROM submissions");
    committed = n.empty() ? 0 : std::stoi(n);
    if (committed < 8000) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_GE(committed, 8000) << Stderr();
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, WNOHANG), 0) << "the import ended with its pipe still open";
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  std::fclose(feed);
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

  EXPECT_EQ(Sql("PRAGMA integrity_check"), "ok");
  const int after_kill = std::stoi(Sql("SELECT COUNT(*) FROM submissions"));
  EXPECT_GE(after_kill, committed);  // acknowledged batches survived
  EXPECT_LT(after_kill, kLines);     // it really was interrupted
  // No half-applied record: every queued acquisition has its member and its
  // notice, every member has its submission.
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM submissions s WHERE state<>'registration_error' AND NOT "
                "EXISTS (SELECT 1 FROM members m WHERE m.member_id=s.member_id)"),
            "0");
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM members m WHERE NOT EXISTS (SELECT 1 FROM submissions s "
                "WHERE s.member_id=m.member_id)"),
            "0");
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM members m WHERE NOT EXISTS (SELECT 1 FROM documents d "
                "WHERE d.member_id=m.member_id AND d.kind='notice')"),
            "0");
  Sh(kBin + " audit verify --db " + db_, &rc);
  EXPECT_EQ(rc, 0);

  // Re-run to completion, and a clean run on the twin.
  const std::string rerun = Run("import " + (dir_ / "forms.csv").string() +
                                    " --insurer 06139992 --now 2026-11-16T11:00:00+09:00 --quiet",
                                &rc);
  EXPECT_EQ(rc, 3) << rerun << Stderr();
  EXPECT_NE(rerun.find(" already received"), std::string::npos);
  Sh(kBin + " import " + (dir_ / "forms.csv").string() +
         " --insurer 06139992 --now 2026-11-16T10:00:00+09:00 --quiet --db " + clean +
         " 2>/dev/null",
     &rc);
  EXPECT_EQ(rc, 3);
  for (const std::string q :
       {"SELECT COUNT(*) FROM submissions", "SELECT COUNT(*) FROM members",
        "SELECT COUNT(*) FROM documents", "SELECT COUNT(*) FROM member_attributes",
        "SELECT state, COUNT(*) FROM submissions GROUP BY state ORDER BY state",
        "SELECT group_concat(submission_id) FROM (SELECT submission_id FROM submissions WHERE "
        "state='registration_error' ORDER BY submission_id)",
        "SELECT COUNT(DISTINCT submission_id) FROM submissions"}) {
    EXPECT_EQ(Sql(q), Sql(clean, q)) << q;
  }
  Sh(kBin + " audit verify --db " + db_, &rc);
  EXPECT_EQ(rc, 0);
}

// The insurer API: mutual TLS with an insurer certificate; each insurer sees
// only its own submissions and members; a facility certificate opens nothing.
class InsurerApiTest : public ImportTest {
 protected:
  HttpAnswer Curl(const std::string& who, const std::string& path, const std::string& extra = "") {
    std::string cert;
    if (!who.empty()) {
      cert = " --cert " + (dir_ / who / "cert.pem").string() + " --key " +
             (dir_ / who / "key.pem").string();
    }
    return onshi::testing::RunCurl("curl -s -i --max-time 30 --cacert " +
                                   (dir_ / "a/ca.pem").string() + cert + " " + extra + " '" +
                                   base_ + path + "'");
  }
  std::string base_;
};

TEST_F(InsurerApiTest, EachInsurerSeesAndChangesOnlyItsOwnAndLinkerRunsInServe) {
  AddInsurer("06139992", "オンシ健康保険組合", "a");
  AddInsurer("06130033", "べつの健康保険組合", "b");
  int rc = 0;
  Run("facility add --code 1310000011 --now 2026-11-16 --out " + (dir_ / "clinic").string(), &rc);
  ASSERT_EQ(rc, 0);
  Run("forms --persons 30 --bad-per-mille 0 --today 2026-11-16 --out " +
          (dir_ / "forms.csv").string(),
      &rc);
  ASSERT_EQ(rc, 0);
  // Insurer A's earlier file, imported on Monday 11-16 (due Wednesday 11-18).
  Run("import " + (dir_ / "forms.csv").string() +
          " --insurer 06139992 --quiet --now 2026-11-16T10:00:00+09:00",
      &rc);
  ASSERT_EQ(rc, 0) << Stderr();

  onshi::testing::ServeProcess server;
  base_ = server.Start({"--db", db_, "--now", "2026-11-23T10:00:00+09:00", "--link-every", "1"});
  ASSERT_EQ(base_.rfind("https://", 0), 0u) << base_;

  // The linker thread links A's due forms without being asked.
  HttpAnswer a;
  for (int i = 0; i < 100; ++i) {
    a = Curl("a", "/insurer/v1/submissions/F000000001");
    if (a.body.find("\"state\":\"linked\"") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_NE(a.body.find("\"state\":\"linked\""), std::string::npos) << a.body;
  EXPECT_NE(a.body.find("\"portal_status\":\"登録済み\""), std::string::npos) << a.body;

  // B cannot read A's submission or member, even knowing the keys.
  EXPECT_EQ(Curl("b", "/insurer/v1/submissions/F000000001").status, 404);
  const json::value sub = json::parse(a.body);
  const std::string keys =
      "/insurer/v1/members?symbol=" + std::string(sub.at("symbol").as_string()) +
      "&number=" + std::string(sub.at("number").as_string()) + "&branch=00";
  HttpAnswer m = Curl("a", keys);
  EXPECT_EQ(m.status, 200) << m.body;
  EXPECT_NE(m.body.find("\"linkage\":\"linked\""), std::string::npos) << m.body;
  // No My Number in the answer: none of the registry's numbers appears.
  const std::string numbers =
      Sh("cut -d, -f3 " + (dir_ / "forms.csv").string() + " | tail -n +2 | tr '\\n' ' '");
  std::istringstream each(numbers);
  for (std::string n; each >> n;)
    EXPECT_EQ(m.body.find(n), std::string::npos) << n;
  ASSERT_GT(numbers.size(), 100u);
  EXPECT_EQ(Curl("b", keys).status, 404);
  // No certificate, or a facility's: refused.
  EXPECT_EQ(Curl("", "/insurer/v1/submissions").status, 401);
  EXPECT_EQ(Curl("clinic", "/insurer/v1/submissions").status, 403);

  // B submits a Shift_JIS CSV with Japanese headers: a form whose My Number
  // names nobody, and a loss for A's member (not B's), reported by line.
  const std::string body =
      "受付番号,届出種別,個人番号,氏名,氏名カナ,生年月日,性別,郵便番号,住所,記号,番号,枝番,"
      "資格取得年月日,喪失事由,資格確認書交付希望\n"
      "B1,資格取得届,123456789018,山田　太郎,ヤマダ　タロウ,19800505,1,100-0013,東京都,1,1,00,"
      "20261101,,0\n"
      "B2,資格喪失届,123456789018,山田　太郎,,19800505,1,,," +
      std::string(sub.at("symbol").as_string()) + "," + std::string(sub.at("number").as_string()) +
      ",00,20261101,03,0\n";
  std::ofstream(dir_ / "b.csv", std::ios::binary) << body;
  Sh("iconv -f UTF-8 -t CP932 " + (dir_ / "b.csv").string() + " > " +
     (dir_ / "b-sjis.csv").string());
  HttpAnswer post = Curl("b", "/insurer/v1/submissions",
                         "-H 'Content-Type: text/csv; charset=Shift_JIS' --data-binary @" +
                             (dir_ / "b-sjis.csv").string());
  ASSERT_EQ(post.status, 200) << post.body;
  const json::value report = json::parse(post.body);
  EXPECT_EQ(report.at("records").as_int64(), 2);
  // B1: the number is well-formed but names nobody: a registration error.
  EXPECT_EQ(report.at("registration_errors").as_int64(), 1) << post.body;
  // B2: A's member does not exist for B.
  EXPECT_EQ(report.at("rejected").as_int64(), 1) << post.body;
  EXPECT_EQ(report.at("errors").as_array()[0].at("line").as_int64(), 3);
  EXPECT_EQ(report.at("errors").as_array()[0].at("field").as_string(), "branch");
  // A's member is untouched.
  EXPECT_EQ(Curl("a", keys).body.find("\"lost\""), std::string::npos);

  // B1 again under the same 受付番号 but for another person: a conflict on
  // its line over the API too (issue 15), not "already received".
  std::string other = body;
  other.replace(other.find("B1,資格取得届,123456789018,山田　太郎"),
                std::string("B1,資格取得届,123456789018,山田　太郎").size(),
                "B1,資格取得届,123456789018,山田　次郎");
  std::ofstream(dir_ / "b2.csv", std::ios::binary) << other;
  HttpAnswer again = Curl(
      "b", "/insurer/v1/submissions",
      "-H 'Content-Type: text/csv; charset=utf-8' --data-binary @" + (dir_ / "b2.csv").string());
  ASSERT_EQ(again.status, 200) << again.body;
  const json::value conflict = json::parse(again.body);
  EXPECT_EQ(conflict.at("conflicts").as_int64(), 1) << again.body;
  EXPECT_EQ(conflict.at("already_received").as_int64(), 0) << again.body;
  const json::value& first = conflict.at("errors").as_array()[0];
  EXPECT_EQ(first.at("line").as_int64(), 2) << again.body;
  EXPECT_EQ(first.at("field").as_string(), "submission_id") << again.body;
  EXPECT_NE(std::string(first.at("reason").as_string()).find("name"), std::string::npos);
  // The same file as first sent is still harmless.
  HttpAnswer same = Curl("b", "/insurer/v1/submissions",
                         "-H 'Content-Type: text/csv; charset=Shift_JIS' --data-binary @" +
                             (dir_ / "b-sjis.csv").string());
  ASSERT_EQ(same.status, 200) << same.body;
  EXPECT_EQ(json::parse(same.body).at("already_received").as_int64(), 1) << same.body;
  EXPECT_EQ(json::parse(same.body).at("conflicts").as_int64(), 0) << same.body;

  // The error report page and CSV for B.
  HttpAnswer page = Curl("b", "/insurer/errors");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("べつの健康保険組合"), std::string::npos);
  EXPECT_NE(page.body.find("B1"), std::string::npos);
  EXPECT_EQ(page.body.find("F000000001"), std::string::npos);
  HttpAnswer csv = Curl("b", "/insurer/errors.csv?charset=shift_jis");
  EXPECT_EQ(csv.status, 200);
  EXPECT_EQ(csv.Header("Content-Type"), "text/csv;charset=Windows-31J");  // CP932 (issue 19)
  // A bad media type and a bad state are problem details.
  HttpAnswer bad = Curl("b", "/insurer/v1/submissions", "-H 'Content-Type: text/plain' -d x");
  EXPECT_EQ(bad.status, 415);
  EXPECT_NE(bad.Header("Content-Type").find("application/problem+json"), std::string::npos);
  EXPECT_EQ(Curl("b", "/insurer/v1/submissions?state=nope").status, 400);
  server.Stop();

  // Every API access is in the audit log, with the insurer as actor.
  EXPECT_NE(Sql("SELECT COUNT(*) FROM audit_log WHERE actor='insurer:06130033'"), "0");
  Sh(kBin + " audit verify --db " + db_, &rc);
  EXPECT_EQ(rc, 0);
}

// Benefits data over the insurer API (issue 14, R-FAC-9): one member's
// 給付情報届 as a JSON-lines body is queued (a bad line refused with its line
// and field), waits out the lag, and is then in the member's record.
TEST_F(InsurerApiTest, BenefitsFiledOverTheApiReachTheMemberAfterTheLag_RFAC9) {
  AddInsurer("06139992", "オンシ健康保険組合", "a");
  int rc = 0;
  Run("forms --persons 3 --bad-per-mille 0 --today 2026-11-16 --out " +
          (dir_ / "forms.csv").string(),
      &rc);
  ASSERT_EQ(rc, 0);
  Run("import " + (dir_ / "forms.csv").string() +
          " --insurer 06139992 --quiet --now 2026-11-16T10:00:00+09:00",
      &rc);
  ASSERT_EQ(rc, 0) << Stderr();
  Run("link --now 2026-11-18", &rc);
  ASSERT_EQ(rc, 0) << Stderr();
  const std::string symbol = Sql("SELECT symbol FROM submissions WHERE submission_id='F000000001'");
  const std::string number = Sql("SELECT number FROM submissions WHERE submission_id='F000000001'");
  const std::string keys =
      "/insurer/v1/members?symbol=" + symbol + "&number=" + number + "&branch=00";

  onshi::testing::ServeProcess server;
  base_ = server.Start({"--db", db_, "--now", "2026-11-24T10:00:00+09:00", "--link-every", "0"});
  HttpAnswer m = Curl("a", keys);
  ASSERT_EQ(m.status, 200) << m.body;
  const json::value member = json::parse(m.body);
  EXPECT_EQ(member.at("copay_percent").as_int64(), 30);  // by law, aged 18-64
  EXPECT_FALSE(member.at("copay_filed").as_bool());
  EXPECT_TRUE(member.at("limits").as_array().empty());
  const std::string birth(member.at("birth_date").as_string());
  const std::string acquired(member.at("acquired").as_string());

  const std::string line =
      R"({"submission_id":"G1","form":"benefits","symbol":")" + symbol + R"(","number":")" +
      number + R"(","branch":"00","birth_date":")" + birth + R"(","event_date":")" + acquired +
      R"(","card_classification":"05","limit_classification":"01","limit_category":"A04",)" +
      R"("limit_certificate_date":")" + acquired + R"(","limit_valid_from":")" + acquired +
      R"(","limit_valid_until":"2027-07-31"})" + "\n" +
      // A 高齢受給者証 for someone under 70: refused, nothing stored.
      R"({"submission_id":"G2","form":"benefits","symbol":")" + symbol + R"(","number":")" +
      number + R"(","branch":"00","birth_date":")" + birth + R"(","event_date":")" + acquired +
      R"(","elderly_certificate_date":"2026-11-01","elderly_valid_from":"2026-11-01",)" +
      R"("elderly_valid_until":"2027-07-31","elderly_copay_percent":"20"})" + "\n";
  std::ofstream(dir_ / "g.jsonl", std::ios::binary) << line;
  HttpAnswer post =
      Curl("a", "/insurer/v1/submissions",
           "-H 'Content-Type: application/x-ndjson' --data-binary @" + (dir_ / "g.jsonl").string());
  ASSERT_EQ(post.status, 200) << post.body;
  const json::value report = json::parse(post.body);
  EXPECT_EQ(report.at("queued").as_int64(), 1) << post.body;
  ASSERT_EQ(report.at("rejected").as_int64(), 1) << post.body;
  EXPECT_EQ(report.at("errors").as_array()[0].at("line").as_int64(), 2);
  EXPECT_EQ(report.at("errors").as_array()[0].at("field").as_string(), "elderly_valid_from");
  EXPECT_EQ(Curl("a", "/insurer/v1/submissions/G2").status, 404);
  // Not before the lag (received Tuesday 11-24, due Thursday 11-26).
  EXPECT_TRUE(json::parse(Curl("a", keys).body).at("limits").as_array().empty());
  server.Stop();

  Run("link --now 2026-11-26", &rc);
  ASSERT_EQ(rc, 0) << Stderr();
  onshi::testing::ServeProcess later;
  base_ = later.Start({"--db", db_, "--now", "2026-11-26T10:00:00+09:00", "--link-every", "0"});
  m = Curl("a", keys);
  ASSERT_EQ(m.status, 200) << m.body;
  const json::value after = json::parse(m.body);
  ASSERT_EQ(after.at("limits").as_array().size(), 1u) << m.body;
  EXPECT_EQ(after.at("limits").as_array()[0].at("category").as_string(), "A04");
  EXPECT_EQ(after.at("card_classification").as_string(), "05");
  later.Stop();
}

}  // namespace
