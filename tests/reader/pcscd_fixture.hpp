// PcscdFixture: a private pcscd with vpcd as its only reader, for one test
// process — so the tests run on a machine with its own pcscd (or none), in
// parallel with each other, and never touch the system's readers.
//
// Two things are made private:
//  - The socket. Debian's pcscd 1.9.9 ignores $PCSCLITE_CSOCK_NAME and
//    always listens on /run/pcscd/pcscd.comm, but the client library honours
//    it. So pcscd runs in its own mount namespace (unshare --mount, as root)
//    with a directory of ours bind-mounted over /run/pcscd, and the clients
//    (this process, pkcs15-tool) get PCSCLITE_CSOCK_NAME pointing into it.
//  - The vpcd port. `pcscd -c DIR` reads reader.conf entries from DIR instead
//    of /etc/reader.conf.d, so vpcd is told to listen on a free port pair
//    (vpcd opens port and port + 1: two slots).
//
// pcscd is killed (SIGTERM, then SIGKILL) and its directory removed in the
// destructor, whatever the test did.
#ifndef ONSHI_TESTS_READER_PCSCD_FIXTURE_HPP_
#define ONSHI_TESTS_READER_PCSCD_FIXTURE_HPP_

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

namespace onshi::reader::testing {

inline constexpr const char* kReaderFriendlyName = "Onshi Virtual PCD";

class PcscdFixture {
 public:
  PcscdFixture() {
    std::filesystem::create_directories(ONSHI_READER_TEST_DIR);
    std::string pattern = std::string(ONSHI_READER_TEST_DIR) + "/pcscd-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) return;
    dir_ = pattern;
    std::filesystem::create_directories(dir_ + "/conf");
    std::filesystem::create_directories(dir_ + "/run");
    port_ = FreePortPair();
    if (port_ == 0) return;
    std::ofstream(dir_ + "/conf/vpcd")
        << "FRIENDLYNAME \"" << kReaderFriendlyName << "\"\n"
        << "DEVICENAME   /dev/null:" << port_ << "\n"
        << "LIBPATH      /usr/lib/pcsc/drivers/serial/libifdvpcd.so\n"
        << "CHANNELID    " << port_ << "\n";
    socket_ = dir_ + "/run/pcscd.comm";
    // Before any SCard call in this process, and inherited by pkcs15-tool.
    ::setenv("PCSCLITE_CSOCK_NAME", socket_.c_str(), 1);

    const std::string script = "mkdir -p /run/pcscd && mount --bind '" + dir_ +
                               "/run' /run/pcscd && exec pcscd --foreground -c '" + dir_ + "/conf'";
    pid_ = ::fork();
    if (pid_ == 0) {
      const int log = ::open((dir_ + "/pcscd.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(log, 1);
      ::dup2(log, 2);
      // Dies with the test even if the destructor never runs (abort):
      // this process (unshare) on our death, pcscd on unshare's.
      ::prctl(PR_SET_PDEATHSIG, SIGTERM);
      ::execlp("unshare", "unshare", "--mount", "--kill-child=SIGTERM", "sh", "-c", script.c_str(),
               static_cast<char*>(nullptr));
      ::_exit(127);
    }
    // pcscd removes a stale socket and makes a new one when ready.
    for (int i = 0; i < 100 && !std::filesystem::exists(socket_); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ready_ = std::filesystem::exists(socket_);
  }

  ~PcscdFixture() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      for (int i = 0; i < 50; ++i) {
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
          pid_ = -1;
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
      }
    }
    if (!dir_.empty() && std::getenv("ONSHI_KEEP_PCSCD_DIR") == nullptr) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }
  PcscdFixture(const PcscdFixture&) = delete;
  PcscdFixture& operator=(const PcscdFixture&) = delete;

  bool ready() const { return ready_; }
  uint16_t vpcd_port() const { return port_; }
  // vpcd's first slot, as pcscd names it.
  std::string reader_name() const { return std::string(kReaderFriendlyName) + " 00 00"; }
  const std::string& dir() const { return dir_; }
  std::string log() const {
    std::ifstream in(dir_ + "/pcscd.log");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

 private:
  // A port p such that p and p + 1 are both free on loopback now. The kernel
  // picks p at random from the ephemeral range, so two test processes
  // racing here collide only by bad luck.
  static uint16_t FreePortPair() {
    for (int attempt = 0; attempt < 50; ++attempt) {
      const int a = Bind(0);
      if (a < 0) continue;
      sockaddr_in addr{};
      socklen_t len = sizeof addr;
      ::getsockname(a, reinterpret_cast<sockaddr*>(&addr), &len);
      const uint16_t port = ntohs(addr.sin_port);
      const int b = port < 65535 ? Bind(static_cast<uint16_t>(port + 1)) : -1;
      ::close(a);
      if (b >= 0) {
        ::close(b);
        return port;
      }
    }
    return 0;
  }
  static int Bind(uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_ANY);
    addr.sin_port = htons(port);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd);
      return -1;
    }
    return fd;
  }

  std::string dir_;
  std::string socket_;
  uint16_t port_ = 0;
  pid_t pid_ = -1;
  bool ready_ = false;
};

}  // namespace onshi::reader::testing

#endif  // ONSHI_TESTS_READER_PCSCD_FIXTURE_HPP_
