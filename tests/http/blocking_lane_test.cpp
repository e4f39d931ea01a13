// Issue 20: each server thread owns its connections (one io_context a
// thread), so a handler that blocks would hold every connection of its
// thread. ServerOptions::answers_inline names the requests that never wait;
// the others run on a shared pool. An in-process HttpServer with ONE
// connection thread, spoken to over raw sockets.
#include <gtest/gtest.h>
#include <poll.h>

#include <future>
#include <sstream>
#include <string>
#include <thread>

#include "http/server.hpp"
#include "raw_client.hpp"

namespace onshi::http {
namespace {

using test_client::Connect;
using test_client::ReadToClose;
using test_client::Send;

std::string Get(const std::string& path) {
  return "GET " + path + " HTTP/1.1\r\nHost: onshi\r\nConnection: close\r\n\r\n";
}

std::string ThisThread() {
  std::ostringstream id;
  id << std::this_thread::get_id();
  return id.str();
}

// The body of an answer (after the blank line).
std::string BodyOf(const std::string& answer) {
  const size_t at = answer.find("\r\n\r\n");
  return at == std::string::npos ? "" : answer.substr(at + 4);
}

class BlockingLaneTest : public ::testing::Test {
 protected:
  void Start(bool with_lane) {
    ServerOptions o;
    o.port = 0;
    o.threads = 1;  // one connection thread: a blocked handler there holds everyone
    if (with_lane) {
      o.answers_inline = [](const Request& r) { return r.target != "/block"; };
      o.blocking_threads = 1;
    }
    server_ = std::make_unique<HttpServer>(o, [this](const Request& r, Completion done) {
      if (r.target == "/block") {
        entered_promise_.set_value();
        release_.wait();  // as an upload waits for the database's write lock
      }
      done(Response{200, "text/plain", {}, ThisThread()});
    });
    server_->Start();
  }
  void TearDown() override {
    if (!released_) release_promise_.set_value();
    server_->Stop();
  }
  // A connection whose request (/block) is in its handler, waiting for
  // Release(); -1 if it never got there.
  int OpenBlocked() {
    std::future<void> entered = entered_promise_.get_future();
    const int fd = Connect(server_->port());
    Send(fd, Get("/block"));
    if (entered.wait_for(std::chrono::seconds(20)) != std::future_status::ready) {
      ::close(fd);
      return -1;
    }
    return fd;
  }
  void Release() {
    released_ = true;
    release_promise_.set_value();
  }

  std::unique_ptr<HttpServer> server_;
  std::promise<void> entered_promise_;
  std::promise<void> release_promise_;
  std::shared_future<void> release_ = release_promise_.get_future().share();
  bool released_ = false;
};

TEST_F(BlockingLaneTest, AHandlerThatBlocksHoldsNoOtherConnection) {
  Start(true);
  const int blocked = OpenBlocked();
  ASSERT_GE(blocked, 0);
  // The only connection thread answers at once, while /block still waits.
  const int other = Connect(server_->port());
  Send(other, Get("/quick"));
  const std::string quick = ReadToClose(other, 10);
  EXPECT_NE(quick.find("200 OK"), std::string::npos) << quick;
  Release();
  const std::string slow = ReadToClose(blocked, 20);
  EXPECT_NE(slow.find("200 OK"), std::string::npos) << slow;
  // Each ran where it should: the check on the connection's thread, the
  // blocking request on the pool's.
  EXPECT_NE(BodyOf(quick), BodyOf(slow));
}

// Without answers_inline every request runs on its connection's thread
// (no pool): what a server without blocking routes wants, and the reason the
// lane exists — the second connection waits for the first one's handler.
TEST_F(BlockingLaneTest, WithoutTheLaneABlockedHandlerHoldsItsThread) {
  Start(false);
  const int blocked = OpenBlocked();
  ASSERT_GE(blocked, 0);
  const int other = Connect(server_->port());
  Send(other, Get("/quick"));
  pollfd p{other, POLLIN, 0};
  EXPECT_EQ(::poll(&p, 1, 300), 0) << "answered while the only thread was blocked";
  Release();
  const std::string quick = ReadToClose(other, 20);
  EXPECT_NE(quick.find("200 OK"), std::string::npos) << quick;
  const std::string slow = ReadToClose(blocked, 20);
  EXPECT_NE(slow.find("200 OK"), std::string::npos) << slow;
  EXPECT_EQ(BodyOf(quick), BodyOf(slow));  // the same, only thread
}

// Stop drains: a request waiting on the pool is still answered.
TEST_F(BlockingLaneTest, StopWaitsForARequestOnThePool) {
  Start(true);
  const int blocked = OpenBlocked();
  ASSERT_GE(blocked, 0);
  std::thread releaser([this] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    Release();
  });
  server_->Stop();
  releaser.join();
  const std::string slow = ReadToClose(blocked, 20);
  EXPECT_NE(slow.find("200 OK"), std::string::npos) << slow;
}

}  // namespace
}  // namespace onshi::http
