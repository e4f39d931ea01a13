// Plain TCP clients for the tests that need what curl hides: connections
// held open, requests a well-behaved client would never send, a chosen
// source address, and whether the server answered or just closed.
#ifndef ONSHI_TESTS_APP_RAW_CLIENT_HPP_
#define ONSHI_TESTS_APP_RAW_CLIENT_HPP_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>

namespace onshi::testing {

class RawConnection {
 public:
  // Connects to 127.0.0.1:`port` from `source` (any 127.x.y.z: the whole
  // block is loopback, so each is a distinct client address to the server).
  RawConnection(int port, const std::string& source = "127.0.0.1") {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return;
    sockaddr_in from{};
    from.sin_family = AF_INET;
    ::inet_pton(AF_INET, source.c_str(), &from.sin_addr);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<uint16_t>(port));
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0 ||
        ::connect(fd_, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
      Close();
    }
  }
  ~RawConnection() { Close(); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool ok() const { return fd_ >= 0; }
  int fd() const { return fd_; }

  bool Send(const std::string& bytes) {
    size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
      if (n <= 0) return false;
      done += static_cast<size_t>(n);
    }
    return true;
  }

  enum class Outcome { kAnswered, kClosed, kTimedOut };
  struct Reply {
    Outcome outcome;
    std::string bytes;
  };
  // Waits up to `seconds` for the first bytes of an answer, or for the
  // connection to end without one. kAnswered reads until the headers end
  // (and Content-Length bytes of body, if any, arrive).
  Reply Await(int seconds) {
    std::string got;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                            deadline - std::chrono::steady_clock::now())
                            .count();
      if (left <= 0) return {got.empty() ? Outcome::kTimedOut : Outcome::kAnswered, got};
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left)) != 1) continue;
      char buf[8192];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return {got.empty() ? Outcome::kClosed : Outcome::kAnswered, got};
      got.append(buf, static_cast<size_t>(n));
      if (Complete(got)) return {Outcome::kAnswered, got};
    }
  }

  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  static bool Complete(const std::string& got) {
    const size_t end = got.find("\r\n\r\n");
    if (end == std::string::npos) return false;
    const size_t cl = got.find("Content-Length: ");
    if (cl == std::string::npos || cl > end) return true;
    return got.size() >= end + 4 + std::stoul(got.substr(cl + 16));
  }
  int fd_ = -1;
};

}  // namespace onshi::testing

#endif  // ONSHI_TESTS_APP_RAW_CLIENT_HPP_
