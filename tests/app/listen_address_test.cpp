// Issue 19: `--listen localhost:PORT` and `--listen [::1]:PORT` (hostnames
// resolved, IPv6 in brackets) for every listener; before, only a numeric
// IPv4 address worked for `onshi serve` ("localhost" reached
// make_address and failed). Each is checked with a real connection.
#include "app/listen_address.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <stdexcept>
#include <string>

#include "process_util.hpp"

namespace onshi {
namespace {

namespace fs = std::filesystem;
using testing::ServeProcess;
using testing::Sh;

TEST(ListenAddressTest, ParsesHostsPortsAndBrackets) {
  app::ListenAddress a = app::ParseListenAddress("localhost:8443");
  EXPECT_EQ(a.host, "localhost");
  EXPECT_EQ(a.port, 8443);
  a = app::ParseListenAddress("[::1]:0");
  EXPECT_EQ(a.host, "::1");
  EXPECT_EQ(a.port, 0);
  a = app::ParseListenAddress("0.0.0.0:65535");
  EXPECT_EQ(a.host, "0.0.0.0");
  EXPECT_EQ(a.port, 65535);
  for (const char* bad : {"localhost", ":8443", "::1:8443", "[::1]8443", "[::1]:", "[]:1",
                          "host:65536", "host:-1", "host:80x", "[127.0.0.1]:80"}) {
    EXPECT_THROW(app::ParseListenAddress(bad), std::invalid_argument) << bad;
  }
  EXPECT_EQ(app::HostPort("::1", 8443), "[::1]:8443");
  EXPECT_EQ(app::HostPort("127.0.0.1", 80), "127.0.0.1:80");
}

class ListenServeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("onshi-listen-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Starts `onshi serve` on `listen`, then fetches /healthz from `host` on
  // the port it announced.
  void ServeAndConnect(const std::string& listen, const std::string& host,
                       const std::string& announced_host) {
    ServeProcess serve;
    const std::string base =
        serve.Start({"--no-tls", "--create", "--db", (dir_ / "t.db").string()}, listen);
    ASSERT_FALSE(base.empty()) << listen;
    const std::string prefix = "http://" + announced_host + ":";
    ASSERT_EQ(base.rfind(prefix, 0), 0u) << base;
    const std::string port = base.substr(prefix.size());
    const std::string out =
        Sh("curl -s -g -o /dev/null -w '%{http_code}' http://" + host + ":" + port + "/healthz");
    EXPECT_EQ(out, "200") << listen << " via " << host << ":" << port;
    EXPECT_EQ(serve.Stop(), 0);
  }
  fs::path dir_;
};

TEST_F(ListenServeTest, Localhost) {
  ServeAndConnect("localhost:0", "localhost", "127.0.0.1");
}

TEST_F(ListenServeTest, Ipv6LoopbackInBrackets) {
  ServeAndConnect("[::1]:0", "[::1]", "[::1]");
}

}  // namespace
}  // namespace onshi
