// How the server frames requests (issue 15, low: Transfer-Encoding other than
// chunked). An in-process HttpServer over plain HTTP, spoken to over a raw
// socket, because no well-behaved client sends these.
//
// Before: "gzip, chunked" was read as chunked and the still-gzipped body
// handed to the route as if it were plain; "identity" (and "chunked, gzip")
// was ignored, so the body was read as empty and its bytes as the next
// request on the connection: two parsers in a row (a proxy, then onshi)
// could disagree on where a request ends. A repeated field closed the
// connection without an answer. Now each is 400, and the connection closes.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>

#include "http/server.hpp"

namespace onshi::http {
namespace {

class RequestFramingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions o;
    o.port = 0;
    o.threads = 1;
    server_ = std::make_unique<HttpServer>(o, [this](const Request& r) {
      ++handled_;
      return Response{200, "text/plain", {}, "got " + std::to_string(r.body.size()) + ":" + r.body};
    });
    server_->Start();
  }
  void TearDown() override { server_->Stop(); }

  // Sends `raw` on a new connection; everything the server sends until it
  // closes (or 20 s pass, which a test then reports as no close).
  std::string Exchange(const std::string& raw, bool* closed) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(server_->port());
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to), 0);
    EXPECT_EQ(::send(fd, raw.data(), raw.size(), MSG_NOSIGNAL), static_cast<ssize_t>(raw.size()));
    std::string got;
    *closed = false;
    for (;;) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 20000) != 1) break;
      char buf[4096];
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) {
        *closed = true;
        break;
      }
      got.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    return got;
  }

  std::unique_ptr<HttpServer> server_;
  std::atomic<int> handled_{0};
};

// A request with the given Transfer-Encoding field(s) and a chunked body,
// followed on the same connection by a second, smuggled request.
std::string WithEncoding(const std::string& fields) {
  return "POST /x HTTP/1.1\r\nHost: onshi\r\n" + fields +
         "\r\n5\r\nhello\r\n0\r\n\r\n"
         "GET /smuggled HTTP/1.1\r\nHost: onshi\r\nConnection: close\r\n\r\n";
}

TEST_F(RequestFramingTest, OnlyPlainChunkedIsAccepted) {
  bool closed = false;
  // The one accepted form (any case): both requests answered, in order.
  const std::string ok = Exchange(WithEncoding("Transfer-Encoding: Chunked\r\n"), &closed);
  EXPECT_EQ(ok.find("HTTP/1.1 200"), 0u) << ok;
  EXPECT_NE(ok.find("got 5:hello"), std::string::npos) << ok;
  EXPECT_EQ(handled_.load(), 2);
}

TEST_F(RequestFramingTest, OtherTransferEncodingsAre400AndClose) {
  for (const std::string fields :
       {"Transfer-Encoding: gzip, chunked\r\n", "Transfer-Encoding: identity\r\n",
        "Transfer-Encoding: chunked, gzip\r\n",
        "Transfer-Encoding: chunked\r\n"
        "Transfer-Encoding: chunked\r\n",
        "Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n",
        "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n",
        "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n"}) {
    bool closed = false;
    const std::string got = Exchange(WithEncoding(fields), &closed);
    EXPECT_EQ(got.find("HTTP/1.1 400"), 0u) << fields << "\n" << got;
    // One answer only: the smuggled request is never read.
    EXPECT_EQ(got.find("HTTP/1.1", 1), std::string::npos) << fields << "\n" << got;
    EXPECT_NE(got.find("Connection: close"), std::string::npos) << fields << "\n" << got;
    EXPECT_TRUE(closed) << fields;
  }
  EXPECT_EQ(handled_.load(), 0) << "a route saw a request with a body it could not trust";
}

}  // namespace
}  // namespace onshi::http
