// Issue 19: one table of exit codes, the same for every command
// (src/app/exit_codes.hpp, README "Exit codes"): 2 usage, 3 bad input,
// 4 refused, 5 database unavailable, 1 internal. Each row is a failure a
// user meets with one command; the old code gave 1 for a missing import
// file but 2 for a bad 保険者番号 in the same command, 2 for a backup
// directory that exists and 1 for a populated database.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

struct Ran {
  int code;
  std::string output;
};

Ran Onshi(const std::string& args) {
  const std::string cmd = std::string(ONSHI_BINARY) + " " + args + " 2>&1 </dev/null";
  FILE* p = ::popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0)
    out.append(buf.data(), n);
  const int status = ::pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

class CliExitCodesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("onshi-exit-codes-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = (dir_ / "t.db").string();
    ASSERT_EQ(Onshi("populate --members 20 --quiet --db " + db_).code, 0);
    ASSERT_EQ(Onshi("insurer add --number 06139992 --name 健保 --db " + db_).code, 0);
    ASSERT_EQ(Onshi("backup " + (dir_ / "bk").string() + " --db " + db_).code, 0);
    std::ofstream(dir_ / "forms.csv") << "not,a,form\n";
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }
  static fs::path dir_;
  static std::string db_;
};

fs::path CliExitCodesTest::dir_;
std::string CliExitCodesTest::db_;

struct Row {
  const char* what;
  std::string args;  // "DB" and "DIR" are replaced
  int code;
};

std::string Expand(std::string s, const std::string& db, const std::string& dir) {
  for (size_t at; (at = s.find("DB")) != std::string::npos;)
    s.replace(at, 2, db);
  for (size_t at; (at = s.find("DIR")) != std::string::npos;)
    s.replace(at, 3, dir);
  return s;
}

TEST_F(CliExitCodesTest, EveryCommandFollowsTheTable) {
  const std::vector<Row> rows = {
      // 2: the command line itself.
      {"no command", "", 2},
      {"unknown command", "frobnicate", 2},
      {"unknown option", "init --colour blue --db DB", 2},
      {"extra argument", "migrate extra --db DB", 2},
      {"not a number", "populate --members many --db DB", 2},
      {"not a date", "link --now yesterday --db DB", 2},
      {"subcommand missing", "facility --db DB", 2},
      {"required option missing", "facility add --out DIR/f --db DB", 2},
      {"import without a file", "import --insurer 06139992 --db DB", 2},
      {"forms without --out", "forms --persons 1 --db DB", 2},
      {"unknown documents verb", "documents bogus --db DB", 2},
      {"card status without --person-id", "card status --db DB", 2},
      {"registry event without its keys", "registry event --db DB", 2},
      {"masters load of nothing", "masters load --db DB", 2},
      {"audit without a verb", "audit --db DB", 2},
      {"audit export without --to", "audit export --from 2026-01-01 --db DB", 2},
      {"terminal without --central", "terminal --once", 2},
      {"reader-agent off loopback", "reader-agent --origin https://x:1 --listen 10.0.0.1:0", 2},
      {"serve --listen without a port", "serve --listen localhost --db DB", 2},
      {"serve --listen IPv6 without brackets", "serve --listen ::1:0 --db DB", 2},
      {"municipal code not 6 digits", "municipal add --code 12 --out DIR/m --db DB", 2},
      {"bad --log-level", "serve --log-level loud --db DB", 2},
      // 3: what the command line names is not usable.
      {"医療機関コード check digit", "facility add --code 1310000019 --out DIR/f --db DB", 3},
      {"保険者番号 check digit", "insurer add --number 06139993 --name X --db DB", 3},
      {"import: missing file", "import DIR/none.csv --insurer 06139992 --db DB", 3},
      {"import: bad 保険者番号", "import DIR/forms.csv --insurer 06139993 --db DB", 3},
      {"import: bad lines", "import DIR/forms.csv --insurer 06139992 --quiet --db DB", 3},
      {"submissions: bad 保険者番号", "submissions --insurer 1234 --db DB", 3},
      {"documents: bad 保険者番号", "documents due --insurer 06139993 --db DB", 3},
      {"masters: missing file", "masters load --drugs DIR/none.csv --db DB", 3},
      {"card: missing My Number file", "card issue --my-number-file DIR/none --pin 1234 --db DB",
       3},
      {"card emulate: missing key", "card emulate --card DIR/c --issuer-key DIR/none", 3},
      {"reader: facility not registered", "reader add --facility 1310000018 --out DIR/r --db DB",
       3},
      {"restore: not a backup", "restore DIR --db DIR/new.db", 3},
      {"terminal record: bad card keys",
       "terminal record --dir DIR --via notice --code 1 --insurer 2 --number 3 --birthdate 4", 3},
      {"config file missing", "--config DIR/none.toml migrate --db DB", 3},
      // 4: a rule or the state forbids it.
      {"populate into a populated database", "populate --members 5 --quiet --db DB", 4},
      {"serve without a database", "serve --listen 127.0.0.1:0 --db DIR/none.db", 4},
      {"backup onto an existing directory", "backup DIR/bk --db DB", 4},
      {"restore onto existing data", "restore DIR/bk --db DB", 4},
      {"revoke with no CA", "facility revoke --serial 01 --ca-dir DIR/no-ca --db DB", 4},
      // 5: the database does not answer.
      {"PostgreSQL not answering",
       "migrate --db postgresql://127.0.0.1:1/onshi --state-dir DIR/pg-state", 5},
  };
  for (const Row& row : rows) {
    const Ran r = Onshi(Expand(row.args, db_, dir_.string()));
    EXPECT_EQ(r.code, row.code) << row.what << ": onshi " << row.args << "\n" << r.output;
  }
}

// --help works for every command and subcommand and exits 0.
TEST_F(CliExitCodesTest, HelpForEveryCommand) {
  const std::vector<std::string> commands = {"",
                                             "init",
                                             "migrate",
                                             "populate",
                                             "serve",
                                             "facility",
                                             "facility add",
                                             "facility revoke",
                                             "insurer add",
                                             "municipal add",
                                             "admin add",
                                             "reader add",
                                             "reader list",
                                             "import",
                                             "link",
                                             "submissions",
                                             "forms",
                                             "documents issue",
                                             "documents form",
                                             "card issue",
                                             "card smartphone add",
                                             "card emulate",
                                             "card sign",
                                             "registry event",
                                             "masters load",
                                             "audit verify",
                                             "audit anchor",
                                             "audit export",
                                             "masters show",
                                             "terminal",
                                             "terminal record",
                                             "reader-agent",
                                             "backup",
                                             "restore"};
  for (const std::string& c : commands) {
    const Ran r = Onshi(c + " --help");
    EXPECT_EQ(r.code, 0) << c << "\n" << r.output;
    EXPECT_NE(r.output.find("Usage: onshi" + (c.empty() ? "" : " " + c)), std::string::npos)
        << c << "\n"
        << r.output;
  }
  // The environment variables are in the help of the commands that read them.
  const Ran serve = Onshi("serve --help");
  for (const char* env : {"ONSHI_DB", "ONSHI_KEY_FILE", "ONSHI_STATE_DIR", "ONSHI_CA_DIR",
                          "ONSHI_JPKI_DIR", "ONSHI_LOG_LEVEL"}) {
    EXPECT_NE(serve.output.find(env), std::string::npos) << env << "\n" << serve.output;
  }
  const Ran root = Onshi("--help");
  EXPECT_NE(root.output.find("exit codes"), std::string::npos) << root.output;
  EXPECT_NE(root.output.find("ONSHI_CONFIG"), std::string::npos) << root.output;
}

}  // namespace
