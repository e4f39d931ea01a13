// `onshi terminal --kiosk-listen HOST:PORT` (issue 19): the kiosk took only
// a port and always bound 127.0.0.1, unlike serve's --listen. Now it takes
// the same HOST:PORT forms (localhost, 127.0.0.1, [::1]) through
// app/listen_address and http::ResolveListenHost, the older --kiosk PORT
// still works, and an address off loopback is refused (the kiosk is the
// reader's own screen, issue 16).
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "process_util.hpp"

namespace {

namespace fs = std::filesystem;
using onshi::testing::Sh;

const std::string kBin = ONSHI_BINARY;

class KioskListenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("onshi-kiosk-listen-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = (dir_ / "t.db").string();
    const std::string failed =
        onshi::testing::PopulateWithClinic(db_, (dir_ / "clinic").string(), 5, false);
    ASSERT_EQ(failed, "");
    int rc = 0;
    const std::string out = Sh(kBin + " reader add --facility 1310000011 --out " +
                                   (dir_ / "reader").string() + " --db " + db_ + " 2>&1",
                               &rc);
    ASSERT_EQ(rc, 0) << out;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::vector<std::string> Terminal(const std::vector<std::string>& kiosk) {
    const fs::path c = dir_ / "clinic";
    std::vector<std::string> args = {kBin,
                                     "terminal",
                                     "--central",
                                     "https://127.0.0.1:1",
                                     "--dir",
                                     (dir_ / "term").string(),
                                     "--no-outage",
                                     "--facility",
                                     "1310000011",
                                     "--reader-key",
                                     (dir_ / "reader").string()};
    const std::vector<std::string> clinic = onshi::testing::ClinicTerminalArgs(c.string());
    args.insert(args.end(), clinic.begin(), clinic.end());
    args.insert(args.end(), kiosk.begin(), kiosk.end());
    return args;
  }

  // Starts the terminal and returns the kiosk's URL as it prints it ("" if
  // it exited or printed none within 60 s), then stops it.
  std::string KioskUrlAndStatus(const std::vector<std::string>& kiosk, int* status) {
    int fds[2];
    if (::pipe(fds) != 0) return "";
    const pid_t pid = onshi::testing::SpawnOnshi(Terminal(kiosk), fds[1], fds[0]);
    ::close(fds[1]);
    std::string out, url;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (url.empty() && std::chrono::steady_clock::now() < deadline) {
      pollfd p{fds[0], POLLIN, 0};
      if (::poll(&p, 1, 1000) <= 0) continue;
      char buf[512];
      const ssize_t n = ::read(fds[0], buf, sizeof buf);
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
      const size_t at = out.find("kiosk on ");
      const size_t end = at == std::string::npos ? at : out.find("/ (staff", at);
      if (end != std::string::npos) url = out.substr(at + 9, end - at - 9);
    }
    *status = 0;
    if (!url.empty()) {
      *status =
          std::stoi(Sh("curl -g -s -o /dev/null -w '%{http_code}' --max-time 20 '" + url + "/'"));
    }
    ::kill(pid, SIGTERM);
    int ws = 0;
    ::waitpid(pid, &ws, 0);
    ::close(fds[0]);
    return url;
  }

  int ExitCode(const std::vector<std::string>& kiosk) {
    std::string cmd;
    for (const std::string& a : Terminal(kiosk))
      cmd += "'" + a + "' ";
    int rc = 0;
    Sh(cmd + ">/dev/null 2>&1", &rc);
    return rc;
  }

  fs::path dir_;
  std::string db_;
};

TEST_F(KioskListenTest, TakesServesHostPortFormsAndTheOldPort) {
  int status = 0;
  std::string url = KioskUrlAndStatus({"--kiosk-listen", "[::1]:0"}, &status);
  EXPECT_EQ(url.rfind("http://[::1]:", 0), 0u) << url;
  EXPECT_EQ(status, 200) << url;

  url = KioskUrlAndStatus({"--kiosk-listen", "localhost:0"}, &status);
  EXPECT_EQ(url.rfind("http://127.0.0.1:", 0), 0u) << url;  // resolved, as serve does
  EXPECT_EQ(status, 200) << url;

  url = KioskUrlAndStatus({"--kiosk", "0"}, &status);
  EXPECT_EQ(url.rfind("http://127.0.0.1:", 0), 0u) << url;
  EXPECT_EQ(status, 200) << url;
}

TEST_F(KioskListenTest, OffLoopbackAndMalformedAddressesAreUsageErrors) {
  EXPECT_EQ(ExitCode({"--kiosk-listen", "0.0.0.0:8088"}), 2);
  EXPECT_EQ(ExitCode({"--kiosk-listen", "8088"}), 2);
  EXPECT_EQ(ExitCode({"--kiosk-listen", "::1:8088"}), 2);  // IPv6 needs its brackets
  EXPECT_EQ(ExitCode({"--kiosk-listen", "127.0.0.1:0", "--kiosk", "0"}), 2);
  // A name that does not resolve is bad input, as for serve's --listen.
  EXPECT_EQ(ExitCode({"--kiosk-listen", "no-such-host.invalid:0"}), 3);
}

}  // namespace
