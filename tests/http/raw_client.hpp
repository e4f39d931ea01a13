// A client over a raw loopback socket, for the server's tests that need to
// hold a connection open, send bytes as they are and read what comes back.
#ifndef ONSHI_TESTS_HTTP_RAW_CLIENT_HPP_
#define ONSHI_TESTS_HTTP_RAW_CLIENT_HPP_

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <string>

namespace onshi::http::test_client {

inline int Connect(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to), 0);
  return fd;
}

inline void Send(int fd, const std::string& raw) {
  EXPECT_EQ(::send(fd, raw.data(), raw.size(), MSG_NOSIGNAL), static_cast<ssize_t>(raw.size()));
}

// Everything until the server closes, or until `seconds` pass in silence;
// closes the socket.
inline std::string ReadToClose(int fd, int seconds = 20) {
  std::string got;
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, seconds * 1000) != 1) break;
    char buf[4096];
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    got.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return got;
}

}  // namespace onshi::http::test_client

#endif  // ONSHI_TESTS_HTTP_RAW_CLIENT_HPP_
