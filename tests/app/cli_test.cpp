// The `onshi` binary as a user runs it: subcommands, exit codes, messages,
// and `serve` answering /healthz over a real socket until SIGTERM.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

#include "store/sqlite/migrations.hpp"

namespace {

// The newest schema version, as `migrate` and /healthz report it.
std::string Latest() {
  return std::to_string(onshi::store::sqlite::Migrations().back().version);
}

namespace fs = std::filesystem;

struct Result {
  int exit_code;
  std::string output;
};

Result RunOnshi(const std::string& args) {
  const std::string cmd = std::string(ONSHI_BINARY) + " " + args + " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0)
    out.append(buf.data(), n);
  const int status = ::pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("onshi-cli-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = (dir_ / "t.db").string();
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
  std::string db_;
};

TEST_F(CliTest, HelpAndUnknownCommand) {
  auto r = RunOnshi("help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("populate"), std::string::npos);
  r = RunOnshi("frobnicate");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("unknown command \"frobnicate\""), std::string::npos);
}

TEST_F(CliTest, MigrateCreatesTheSchemaAndKeyFile) {
  auto r = RunOnshi("migrate --db " + db_);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("schema version " + Latest()), std::string::npos) << r.output;
  ASSERT_TRUE(fs::exists(db_ + ".keys"));
  // The key file holds secrets: owner-only.
  EXPECT_EQ(fs::status(db_ + ".keys").permissions() & fs::perms::others_read, fs::perms::none);
}

TEST_F(CliTest, BadOptionsAreClearErrors) {
  auto r = RunOnshi("populate --members many --db " + db_);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("--members must be a whole number"), std::string::npos) << r.output;
  r = RunOnshi("populate --today 2025-02-30 --db " + db_);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("--today"), std::string::npos) << r.output;
  r = RunOnshi("populate --colour blue --db " + db_);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("unknown option --colour"), std::string::npos) << r.output;
  r = RunOnshi("facility add --code 1310000019 --out " + (dir_ / "f").string() + " --db " + db_);
  EXPECT_EQ(r.exit_code, 3);  // bad input: the check digit
  EXPECT_NE(r.output.find("check digit"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir_ / "f" / "cert.pem"));
  r = RunOnshi("serve --now yesterday --db " + db_);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("--now"), std::string::npos) << r.output;
  r = RunOnshi("migrate --db /nonexistent-dir/x.db");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("cannot"), std::string::npos) << r.output;
}

TEST_F(CliTest, PopulatePrintsScenariosAndRefusesToRunTwice) {
  auto r = RunOnshi("populate --members 300 --seed 5 --scenarios --quiet --db " + db_);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("複数該当"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("QualificationValidity=3"), std::string::npos) << r.output;
  r = RunOnshi("populate --members 300 --quiet --db " + db_);
  EXPECT_EQ(r.exit_code, 4);  // refused: the database is not empty
  EXPECT_NE(r.output.find("already holds members"), std::string::npos) << r.output;
  r = RunOnshi("audit verify --db " + db_);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("intact"), std::string::npos) << r.output;
}

// Issue 14: `onshi card status` says 「データ連携中」 while the insurer's
// registration waits out its lag (not 「保険者: なし」), and `onshi registry
// event` changes what the registry, and so the status, shows.
TEST_F(CliTest, CardStatusSaysDataLinkageAndRegistryEventsChangeTheAddress) {
  const std::string db = " --db " + db_;
  auto r = RunOnshi(
      "insurer add --number 06139992 --name オンシ健康保険組合 --lag 2 --now "
      "2026-11-16" +
      db);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = RunOnshi("forms --persons 1 --bad-per-mille 0 --today 2026-11-16 --out " +
               (dir_ / "f.csv").string() + db);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = RunOnshi("import " + (dir_ / "f.csv").string() +
               " --insurer 06139992 --quiet --now 2026-11-16T10:00:00+09:00" + db);
  ASSERT_EQ(r.exit_code, 0) << r.output;

  r = RunOnshi("card status --person-id 1 --now 2026-11-17" + db);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("保険者: データ連携中 (オンシ健康保険組合"), std::string::npos)
      << r.output;
  EXPECT_EQ(r.output.find("保険者: なし"), std::string::npos) << r.output;

  r = RunOnshi(
      "registry event --person-id 1 --kind moved --date 2026-11-10 --municipality "
      "131016 --postcode 105-0011 --address 東京都港区芝公園四丁目２番８号 --now "
      "2026-11-17" +
      db);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("転居 of person 1 recorded"), std::string::npos) << r.output;
  r = RunOnshi("card status --person-id 1 --now 2026-11-17" + db);
  EXPECT_NE(r.output.find("住所: 〒105-0011 東京都港区芝公園四丁目２番８号"), std::string::npos)
      << r.output;
  // Usage errors exit 2; a refusal names the field and exits 4.
  r = RunOnshi(
      "registry event --person-id 1 --kind emigrated --date 2026-11-10 --municipality "
      "131016" +
      db);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  r = RunOnshi(
      "registry event --person-id 1 --kind moved --date 2026-12-01 --municipality 131016 "
      "--address 大阪府 --now 2026-11-17" +
      db);
  EXPECT_EQ(r.exit_code, 4) << r.output;  // refused by the registry's rule
  EXPECT_NE(r.output.find("date: "), std::string::npos) << r.output;
}

TEST_F(CliTest, ServeAnswersHealthzAndStopsOnSigterm) {
  ASSERT_EQ(RunOnshi("migrate --db " + db_).exit_code, 0);
  int out[2];
  ASSERT_EQ(::pipe(out), 0);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::dup2(out[1], 1);
    ::close(out[0]);
    ::execl(ONSHI_BINARY, ONSHI_BINARY, "serve", "--db", db_.c_str(), "--listen", "127.0.0.1:0",
            "--no-tls", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(out[1]);
  std::string banner;
  char c;
  while (::read(out[0], &c, 1) == 1 && c != '\n')
    banner += c;
  const size_t colon = banner.rfind(':');
  ASSERT_NE(colon, std::string::npos) << banner;
  const int port = std::stoi(banner.substr(colon + 1));

  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  const std::string req = "GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
  ASSERT_EQ(::write(fd, req.data(), req.size()), static_cast<ssize_t>(req.size()));
  std::string resp;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0)
    resp.append(buf, static_cast<size_t>(n));
  ::close(fd);
  EXPECT_NE(resp.find("HTTP/1.1 200"), std::string::npos) << resp;
  EXPECT_NE(resp.find("\"status\":\"ok\""), std::string::npos) << resp;
  EXPECT_NE(resp.find("\"schema_version\":" + Latest()), std::string::npos) << resp;

  ASSERT_EQ(::kill(pid, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  ::close(out[0]);
}

}  // namespace
