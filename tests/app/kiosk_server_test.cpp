// The kiosk server's own rules (issue 16), request by request through
// KioskServer::Handle: loopback Host only, JSON POSTs only, the pages and
// face-api's weights from the web root and nothing else, a strict CSP; and
// the renewal notice the card screen shows (R-CARD-4).
#include <gtest/gtest.h>

#include <string>

#include "auth/es256_key.hpp"
#include "terminal/kiosk_server.hpp"
#include "terminal/kiosk_session.hpp"

namespace onshi::terminal {
namespace {

class KioskServerTest : public ::testing::Test {
 protected:
  KioskServerTest()
      : central_({"https://127.0.0.1:1", "", "", "", ""}),
        publisher_(::testing::TempDir() + "/kiosk-staging"),
        session_(KioskOptions{}, central_, publisher_,
                 auth::ReaderKey::FromKey(auth::Es256SigningKey::Generate().value())),
        server_(session_, std::string(ONSHI_SOURCE_DIR) + "/src/web/kiosk", 38080) {}

  http::Response Get(const std::string& target, const std::string& host = "127.0.0.1:38080") {
    http::Request r;
    r.method = "GET";
    r.target = target;
    r.headers = {{"Host", host}};
    return server_.Handle(r);
  }
  http::Response Post(const std::string& target, const std::string& type) {
    http::Request r;
    r.method = "POST";
    r.target = target;
    r.headers = {{"Host", "localhost:38080"}, {"Content-Type", type}};
    r.body = "{}";
    return server_.Handle(r);
  }
  static std::string HeaderOf(const http::Response& r, const std::string& name) {
    for (const auto& [k, v] : r.headers) {
      if (k == name) return v;
    }
    return "";
  }

  CentralClient central_;
  Publisher publisher_;
  KioskSession session_;
  KioskServer server_;
};

TEST_F(KioskServerTest, ServesThePagesWithAStrictPolicy) {
  const http::Response page = Get("/");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.content_type, "text/html;charset=UTF-8");
  EXPECT_NE(page.body.find("マイナンバーカードを"), std::string::npos);
  const std::string csp = HeaderOf(page, "Content-Security-Policy");
  EXPECT_NE(csp.find("default-src 'none'"), std::string::npos);
  EXPECT_NE(csp.find("script-src 'self';"), std::string::npos);  // no inline, no eval
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(HeaderOf(page, "Cache-Control"), "no-store");
  EXPECT_EQ(Get("/staff").status, 200);
  EXPECT_EQ(Get("/kiosk.js").content_type, "text/javascript;charset=UTF-8");
}

TEST_F(KioskServerTest, OnlyLoopbackHostsAndJsonPosts) {
  // DNS rebinding: a page of another site resolved to 127.0.0.1.
  EXPECT_EQ(Get("/", "evil.example:38080").status, 421);
  EXPECT_EQ(Get("/", "127.0.0.1:9999").status, 421);
  EXPECT_EQ(Get("/", "").status, 421);
  // A cross-site form can send text/plain or form data, never JSON.
  EXPECT_EQ(Post("/api/cancel", "text/plain").status, 415);
  EXPECT_EQ(Post("/api/cancel", "application/x-www-form-urlencoded").status, 415);
  EXPECT_EQ(Post("/api/cancel", "application/json").status, 200);
  EXPECT_EQ(Get("/api/card").status, 404);  // the steps are POSTs
}

TEST_F(KioskServerTest, NothingOutsideThePagesAndTheModels) {
  EXPECT_EQ(Get("/../../etc/passwd").status, 404);
  EXPECT_EQ(Get("/models/../../../../etc/passwd").status, 404);
  EXPECT_EQ(Get("/models/x.txt").status, 404);
  EXPECT_EQ(Get("/package.json").status, 404);
  const http::Response config = Get("/api/config");
  ASSERT_EQ(config.status, 200);
  EXPECT_EQ(config.body, "{\"threshold\":4E-1}");
}

TEST_F(KioskServerTest, TodayStartsEmpty) {
  const http::Response today = Get("/api/today");
  ASSERT_EQ(today.status, 200);
  EXPECT_EQ(today.body, "{\"visits\":[]}");
}

// R-CARD-4: from 3 months before expiry; in the grace (to the end of the
// third month after the expiry month); beyond it.
TEST(KioskRenewalNotice, BeforeDuringAndAfterTheGrace) {
  const Date expiry = Date::FromYmd(2026, 7, 1);
  EXPECT_EQ(RenewalNotice(expiry, Date::FromYmd(2026, 3, 31)), "");
  EXPECT_NE(RenewalNotice(expiry, Date::FromYmd(2026, 4, 1)).find("2026-07-01までです"),
            std::string::npos);
  const std::string grace = RenewalNotice(expiry, Date::FromYmd(2026, 10, 31));
  EXPECT_NE(grace.find("2026-10-31まではマイナ保険証として使えます"), std::string::npos);
  EXPECT_NE(grace.find("薬剤情報などの提供はできません"), std::string::npos);
  const std::string beyond = RenewalNotice(expiry, Date::FromYmd(2026, 11, 1));
  EXPECT_EQ(beyond.find("使えます"), std::string::npos);
  EXPECT_NE(beyond.find("市区町村窓口で更新"), std::string::npos);
}

}  // namespace
}  // namespace onshi::terminal
