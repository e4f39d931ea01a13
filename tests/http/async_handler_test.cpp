// The asynchronous handler (http::AsyncHandler, issue 20): an answer may be
// given later from another thread (the proof signer's), and meanwhile the
// pool thread serves other connections. An in-process HttpServer with ONE
// pool thread, spoken to over raw sockets.
//
// Before: a handler returned its Response on the pool thread, so an answer
// waiting for a signature held that thread and every other connection
// waited behind it.
#include <gtest/gtest.h>

#include <condition_variable>
#include <future>
#include <mutex>
#include <string>
#include <thread>

#include "http/server.hpp"
#include "raw_client.hpp"

namespace onshi::http {
namespace {

using test_client::Connect;
using test_client::ReadToClose;
using test_client::Send;

std::string Get(const std::string& path, bool close) {
  return "GET " + path + " HTTP/1.1\r\nHost: onshi\r\n" + (close ? "Connection: close\r\n" : "") +
         "\r\n";
}

// Completions handed to a thread of the test's own, which calls them when
// the test says so: the handler has long returned by then.
class Later {
 public:
  void Hold(std::string path, Completion done) {
    std::lock_guard<std::mutex> lock(mu_);
    held_.emplace_back(std::move(path), std::move(done));
    cv_.notify_all();
  }
  // Waits until `path` is held, then answers it from a new thread.
  void Answer(const std::string& path, Response r) {
    Completion done;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] {
        for (auto& [p, d] : held_)
          if (p == path && d) return true;
        return false;
      });
      for (auto& [p, d] : held_)
        if (p == path && d) done = std::exchange(d, nullptr);
    }
    std::thread([done = std::move(done), r = std::move(r)]() mutable {
      done(std::move(r));
    }).join();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::pair<std::string, Completion>> held_;
};

class AsyncHandlerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions o;
    o.port = 0;
    o.threads = 1;  // one pool thread: a held answer must not hold it
    server_ = std::make_unique<HttpServer>(o, [this](const Request& r, Completion done) {
      if (r.target.rfind("/later", 0) == 0) return later_.Hold(r.target, std::move(done));
      if (r.target == "/twice") {
        done(Response{200, "text/plain", {}, "first"});
        done(Response{200, "text/plain", {}, "second"});
        return;
      }
      if (r.target == "/throws") throw std::runtime_error("boom");
      done(Response{200, "text/plain", {}, "now " + r.target});
    });
    server_->Start();
  }
  void TearDown() override { server_->Stop(); }

  std::unique_ptr<HttpServer> server_;
  Later later_;
};

TEST_F(AsyncHandlerTest, AHeldAnswerDoesNotHoldThePoolThread) {
  const int held = Connect(server_->port());
  Send(held, Get("/later/1", true));
  // The only pool thread answers another connection while /later/1 waits.
  const int other = Connect(server_->port());
  Send(other, Get("/quick", true));
  const std::string quick = ReadToClose(other);
  EXPECT_NE(quick.find("200 OK"), std::string::npos) << quick;
  EXPECT_NE(quick.find("now /quick"), std::string::npos) << quick;
  later_.Answer("/later/1", Response{201, "text/plain", {}, "signed later"});
  const std::string got = ReadToClose(held);
  EXPECT_NE(got.find("201 Created"), std::string::npos) << got;
  EXPECT_NE(got.find("signed later"), std::string::npos) << got;
}

// Keep-alive: the next request on the connection is read only after the
// late answer is written, so answers stay in request order.
TEST_F(AsyncHandlerTest, ALateAnswerKeepsTheConnectionAndTheOrder) {
  const int fd = Connect(server_->port());
  Send(fd, Get("/later/a", false) + Get("/b", true));
  later_.Answer("/later/a", Response{200, "text/plain", {}, "answer-a"});
  const std::string got = ReadToClose(fd);
  const size_t a = got.find("answer-a"), b = got.find("now /b");
  ASSERT_NE(a, std::string::npos) << got;
  ASSERT_NE(b, std::string::npos) << got;
  EXPECT_LT(a, b);
}

TEST_F(AsyncHandlerTest, ASecondAnswerIsDroppedAndAThrowIsA500) {
  const int fd = Connect(server_->port());
  Send(fd, Get("/twice", false) + Get("/throws", true));
  const std::string got = ReadToClose(fd);
  EXPECT_NE(got.find("first"), std::string::npos) << got;
  EXPECT_EQ(got.find("second"), std::string::npos) << got;
  EXPECT_NE(got.find("500 Internal Server Error"), std::string::npos) << got;
}

}  // namespace
}  // namespace onshi::http
