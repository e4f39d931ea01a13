// Issue 19: a config file (--config FILE or $ONSHI_CONFIG, TOML read by
// CLI11) sets any option; the command line wins over it, and it wins over
// the environment. Before, there was no config file at all.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

namespace fs = std::filesystem;

struct Ran {
  int code;
  std::string output;
};

Ran Onshi(const std::string& env_and_args) {
  const std::string cmd = env_and_args + " 2>&1 </dev/null";
  FILE* p = ::popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0)
    out.append(buf.data(), n);
  const int status = ::pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

class CliConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("onshi-config-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    bin_ = std::string(ONSHI_BINARY);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  void Write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_ / name) << text;
  }
  fs::path dir_;
  std::string bin_;
};

TEST_F(CliConfigTest, CommandLineWinsOverTheFileWhichWinsOverTheEnvironment) {
  Write("onshi.toml", "db = \"" + Path("from-file.db") + "\"\n\n[populate]\nmembers = 7\n");
  const std::string env = "ONSHI_DB=" + Path("from-env.db") + " ";

  // The file's db, not the environment's; the file's --members.
  Ran r = Onshi(env + bin_ + " --config " + Path("onshi.toml") + " populate --quiet");
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find(" 7 members,"), std::string::npos) << r.output;
  EXPECT_TRUE(fs::exists(Path("from-file.db")));
  EXPECT_FALSE(fs::exists(Path("from-env.db")));

  // The command line wins over both, the option after the command too.
  r = Onshi(env + bin_ + " populate --config " + Path("onshi.toml") + " --members 9 --quiet --db " +
            Path("from-flag.db"));
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find(" 9 members,"), std::string::npos) << r.output;
  EXPECT_TRUE(fs::exists(Path("from-flag.db")));

  // Without a file, the environment.
  r = Onshi(env + bin_ + " init");
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_TRUE(fs::exists(Path("from-env.db")));
}

TEST_F(CliConfigTest, OnshiConfigNamesTheFileAndMistakesInItAreBadInput) {
  Write("a.toml", "[init]\n");
  Write("b.toml", "db = \"" + Path("b.db") + "\"\n");
  Ran r = Onshi("ONSHI_CONFIG=" + Path("b.toml") + " " + bin_ + " init");
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_TRUE(fs::exists(Path("b.db")));
  // A file named but missing, and a key no command has: exit 3, nothing made.
  r = Onshi("ONSHI_CONFIG=" + Path("none.toml") + " " + bin_ + " init --db " + Path("c.db"));
  EXPECT_EQ(r.code, 3) << r.output;
  Write("typo.toml", "[serve]\nlisen = \"127.0.0.1:1\"\n");
  r = Onshi(bin_ + " --config " + Path("typo.toml") + " init --db " + Path("c.db"));
  EXPECT_EQ(r.code, 3) << r.output;
  EXPECT_NE(r.output.find("lisen"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(Path("c.db")));
}

// A flag set in the file, and turned off there.
TEST_F(CliConfigTest, FlagsInTheFile) {
  Write("on.toml", "[populate]\nscenarios = true\nquiet = true\n");
  Ran r = Onshi(bin_ + " --config " + Path("on.toml") + " populate --members 300 --db " +
                Path("on.db"));
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("Demo scenarios"), std::string::npos) << r.output;
  Write("off.toml", "[populate]\nscenarios = false\nquiet = true\n");
  r = Onshi(bin_ + " --config " + Path("off.toml") + " populate --members 300 --db " +
            Path("off.db"));
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(r.output.find("Demo scenarios"), std::string::npos) << r.output;
}

}  // namespace
