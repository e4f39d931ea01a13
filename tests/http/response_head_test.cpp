// The response head the server writes itself (response_head.hpp), read back
// by Beast's strict response parser, as a client reads it.
#include "http/response_head.hpp"

#include <gtest/gtest.h>

#include <boost/beast/http.hpp>

namespace onshi::http {
namespace {

namespace bhttp = boost::beast::http;

// Parses head + body (when the status allows one) as a client would; fails
// the test if Beast refuses it.
bhttp::response<bhttp::string_body> Parse(const Response& r, bool keep_alive, unsigned version) {
  std::string wire = ResponseHead(r, keep_alive, version);
  if (BodyAllowed(r.status)) wire += r.body;
  bhttp::response_parser<bhttp::string_body> p;
  p.eager(true);
  boost::beast::error_code ec;
  const size_t used = p.put(boost::asio::buffer(wire), ec);
  EXPECT_FALSE(ec) << ec.message() << "\n" << wire;
  EXPECT_EQ(used, wire.size()) << wire;
  if (!p.is_done()) {
    p.put_eof(ec);  // a response without a length ends with the connection
  }
  EXPECT_TRUE(p.is_done()) << wire;
  return p.release();
}

TEST(ResponseHeadTest, AClientReadsStatusFieldsAndBody) {
  Response r{200, "application/json; charset=utf-8", {{"X-Onshi-Proof", "abc.def"}}, "{\"a\":1}"};
  const auto m = Parse(r, true, 11);
  EXPECT_EQ(m.result_int(), 200);
  EXPECT_EQ(m.reason(), "OK");
  EXPECT_EQ(m[bhttp::field::server], "onshi");
  EXPECT_EQ(m[bhttp::field::content_type], "application/json; charset=utf-8");
  EXPECT_EQ(m["X-Onshi-Proof"], "abc.def");
  EXPECT_EQ(m[bhttp::field::content_length], "7");
  EXPECT_EQ(m.body(), "{\"a\":1}");
  EXPECT_TRUE(m.keep_alive());
  EXPECT_EQ(m.count(bhttp::field::connection), 0u);  // HTTP/1.1 keeps alive by default
}

TEST(ResponseHeadTest, ConnectionSaysWhatTheVersionDoesNotByDefault) {
  Response r{404, "application/problem+json", {}, "{}"};
  const auto closing = Parse(r, false, 11);
  EXPECT_EQ(closing.reason(), "Not Found");
  EXPECT_FALSE(closing.keep_alive());
  const auto old_alive = Parse(r, true, 10);
  EXPECT_EQ(old_alive.version(), 10u);
  EXPECT_TRUE(old_alive.keep_alive());
  const auto old_closing = Parse(r, false, 10);
  EXPECT_FALSE(old_closing.keep_alive());
  EXPECT_EQ(old_closing.count(bhttp::field::connection), 0u);
}

TEST(ResponseHeadTest, TheLastFieldOfANameWinsAndTheServerKeepsItsLengthAndConnection) {
  Response r{200,
             "text/plain",
             {{"X-A", "1"},
              {"Content-Type", "text/html;charset=UTF-8"},
              {"x-a", "2"},
              {"Content-Length", "999"},
              {"Connection", "close"},
              {"Server", "other"}},
             "hello"};
  const auto m = Parse(r, true, 11);
  EXPECT_EQ(m.count("X-A"), 1u);
  EXPECT_EQ(m["X-A"], "2");
  EXPECT_EQ(m.count(bhttp::field::content_type), 1u);
  EXPECT_EQ(m[bhttp::field::content_type], "text/html;charset=UTF-8");
  EXPECT_EQ(m[bhttp::field::server], "other");
  EXPECT_EQ(m[bhttp::field::content_length], "5");
  EXPECT_TRUE(m.keep_alive());
  EXPECT_EQ(m.body(), "hello");
}

TEST(ResponseHeadTest, AFieldWithALineBreakIsLeftOutNotSplitIntoAnother) {
  Response r{200,
             "application/json",
             {{"X-Ok", "yes"},
              {"X-Evil", "a\r\nSet-Cookie: stolen=1"},
              {"X-Evil2\r\nSet-Cookie", "b"},
              {"X-Lf", "a\nb"}},
             "{}"};
  const std::string head = ResponseHead(r, true, 11);
  EXPECT_EQ(head.find("stolen"), std::string::npos) << head;
  EXPECT_EQ(head.find("X-Lf"), std::string::npos) << head;
  const auto m = Parse(r, true, 11);
  EXPECT_EQ(m["X-Ok"], "yes");
  EXPECT_EQ(m.count(bhttp::field::set_cookie), 0u);
  EXPECT_EQ(m.body(), "{}");
}

TEST(ResponseHeadTest, NoContentAndNotModifiedCarryNoLengthAndNoBody) {
  for (int status : {204, 304}) {
    Response r{status, "application/json", {}, "ignored"};
    EXPECT_FALSE(BodyAllowed(status));
    const std::string head = ResponseHead(r, true, 11);
    EXPECT_EQ(head.find("Content-Length"), std::string::npos) << head;
    EXPECT_EQ(head.substr(head.size() - 4), "\r\n\r\n");
    const auto m = Parse(r, true, 11);
    EXPECT_EQ(m.result_int(), status);
    EXPECT_EQ(m.body(), "");
  }
  EXPECT_TRUE(BodyAllowed(200));
  EXPECT_TRUE(BodyAllowed(503));
}

}  // namespace
}  // namespace onshi::http
