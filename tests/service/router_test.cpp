// The route table of `onshi serve` (service/router.hpp): ids parsed whole,
// 405 with Allow, 404, 400, percent-decoding per segment. Issue 15: under the
// old prefix routing `POST /municipal/v1/cards/3926abc/suspend` suspended
// card 3926 (std::stoll read the digits and ignored the rest).
#include "service/router.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <climits>

namespace onshi::service {
namespace {

using Kind = RouteTable::Match::Kind;

TEST(ParseWholeIntTest, OnlyDigitsWholeAndInRange) {
  EXPECT_EQ(ParseWholeInt("3926", 0, INT64_MAX), 3926);
  EXPECT_EQ(ParseWholeInt("0042", 0, INT64_MAX), 42);
  EXPECT_EQ(ParseWholeInt("9223372036854775807", 0, INT64_MAX), INT64_MAX);
  for (const char* bad : {"3926abc", "abc", "", "-1", "+1", " 1", "1 ", "1e3", "0x10", "1.0",
                          "9223372036854775808", "99999999999999999999"}) {
    EXPECT_FALSE(ParseWholeInt(bad, 0, INT64_MAX).has_value()) << bad;
  }
  EXPECT_FALSE(ParseWholeInt("0", 1, 1000).has_value());
  EXPECT_FALSE(ParseWholeInt("1001", 1, 1000).has_value());
  EXPECT_EQ(ParseWholeInt("1000", 1, 1000), 1000);
}

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() {
    r_.Add("POST", "/municipal/v1/cards", "issue")
        .Add("POST", "/municipal/v1/cards/{id:int}/suspend", "suspend")
        .Add("GET", "/municipal/v1/persons/{id:int}/registration", "registration")
        .Add("GET", "/insurer/v1/submissions", "list")
        .Add("POST", "/insurer/v1/submissions", "submit")
        .Add("GET", "/insurer/v1/submissions/{id}", "one")
        .Add("*", "/sub/**", "subtree")
        .Add("GET", "/healthz", "health");
  }
  Router<std::string> r_;
};

TEST_F(RouterTest, AnIdWithAnythingAfterItsDigitsMatchesNoRoute) {
  auto f = r_.Find("POST", "/municipal/v1/cards/3926/suspend");
  ASSERT_NE(f.value, nullptr);
  EXPECT_EQ(*f.value, "suspend");
  EXPECT_EQ(f.match.params.Int("id"), 3926);
  for (const char* path :
       {"/municipal/v1/cards/3926abc/suspend", "/municipal/v1/cards/-3926/suspend",
        "/municipal/v1/cards/+3926/suspend", "/municipal/v1/cards/3926%20/suspend",
        "/municipal/v1/cards//suspend", "/municipal/v1/cards/3926/suspend/more",
        "/municipal/v1/cards/99999999999999999999/suspend"}) {
    f = r_.Find("POST", path);
    EXPECT_EQ(f.value, nullptr) << path;
    EXPECT_EQ(f.match.kind, Kind::kNotFound) << path;
  }
}

TEST_F(RouterTest, AKnownPathWithAnotherMethodIs405WithAllow) {
  auto f = r_.Find("DELETE", "/insurer/v1/submissions");
  EXPECT_EQ(f.match.kind, Kind::kMethodNotAllowed);
  EXPECT_EQ(f.match.allow, "GET, POST");
  const http::Response a = NotRouted(f.match, "DELETE");
  EXPECT_EQ(a.status, 405);
  EXPECT_EQ(a.content_type, "application/problem+json");
  ASSERT_EQ(a.headers.size(), 1u);
  EXPECT_EQ(a.headers[0].first, "Allow");
  EXPECT_EQ(a.headers[0].second, "GET, POST");
  const auto body = boost::json::parse(a.body).as_object();
  EXPECT_EQ(body.at("status").as_int64(), 405);
  EXPECT_EQ(body.at("title").as_string(), "method not allowed");

  f = r_.Find("GET", "/municipal/v1/cards/7/suspend");
  EXPECT_EQ(f.match.kind, Kind::kMethodNotAllowed);
  EXPECT_EQ(f.match.allow, "POST");
  // A path only a bad id would match is not "known": 404, not 405.
  EXPECT_EQ(r_.Find("GET", "/municipal/v1/cards/7x/suspend").match.kind, Kind::kNotFound);
}

TEST_F(RouterTest, AnUnknownPathIs404AndABadTargetIs400) {
  auto f = r_.Find("GET", "/nope");
  EXPECT_EQ(f.match.kind, Kind::kNotFound);
  http::Response a = NotRouted(f.match, "GET");
  EXPECT_EQ(a.status, 404);
  EXPECT_TRUE(a.headers.empty());
  EXPECT_EQ(r_.Find("GET", "/healthz/").match.kind, Kind::kNotFound);
  f = r_.Find("GET", "/insurer/v1/submissions/%zz");
  EXPECT_EQ(f.match.kind, Kind::kBadTarget);
  EXPECT_EQ(NotRouted(f.match, "GET").status, 400);
  EXPECT_EQ(r_.Find("GET", "http://example.org/healthz").match.kind, Kind::kBadTarget);
}

TEST_F(RouterTest, SegmentsAreDecodedOneByOneAndTheQueryIsIgnored) {
  // An encoded slash stays inside its segment.
  auto f = r_.Find("GET", "/insurer/v1/submissions/A%2FB?x=1");
  ASSERT_NE(f.value, nullptr);
  EXPECT_EQ(*f.value, "one");
  EXPECT_EQ(f.match.params.Text("id"), "A/B");
  EXPECT_THROW(f.match.params.Int("id"), std::logic_error);  // a text parameter
  f = r_.Find("GET", "/healthz?verbose=1");
  ASSERT_NE(f.value, nullptr);
  EXPECT_EQ(*f.value, "health");
  // Digits that arrive percent-encoded are still digits.
  f = r_.Find("GET", "/municipal/v1/persons/%31%32/registration");
  ASSERT_NE(f.value, nullptr);
  EXPECT_EQ(f.match.params.Int("id"), 12);
}

TEST_F(RouterTest, ASubtreeTakesEveryMethodAndTheRestOfThePath) {
  for (const char* m : {"GET", "POST", "DELETE"}) {
    auto f = r_.Find(m, "/sub/a/b/c");
    ASSERT_NE(f.value, nullptr) << m;
    EXPECT_EQ(*f.value, "subtree");
  }
  EXPECT_NE(r_.Find("GET", "/sub/").value, nullptr);
  EXPECT_EQ(r_.Find("GET", "/subway").value, nullptr);
}

TEST(RouteTableTest, MalformedPatternsAreRefused) {
  RouteTable t;
  EXPECT_THROW(t.Add("GET", "no-slash"), std::invalid_argument);
  EXPECT_THROW(t.Add("GET", "/a/**/b"), std::invalid_argument);
  EXPECT_THROW(t.Add("GET", "/a/{id:float}"), std::invalid_argument);
  EXPECT_THROW(t.Add("GET", "/a/{}"), std::invalid_argument);
  EXPECT_NO_THROW(t.Add("GET", "/"));
  EXPECT_EQ(t.Find("GET", "/").kind, Kind::kFound);
}

}  // namespace
}  // namespace onshi::service
