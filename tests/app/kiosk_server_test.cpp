// The kiosk server's own rules (issue 16), request by request through
// KioskServer::Handle: loopback Host only, JSON POSTs only, the pages and
// face-api's weights from the web root and nothing else, a strict CSP; and
// the renewal notice the card screen shows (R-CARD-4); the staff screen's
// look-up of a 資格確認書 by its number (R-DOC-9).
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <string>

#include "auth/es256_key.hpp"
#include "terminal/kiosk_lookup.hpp"
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

// R-DOC-9: the request staff send is the complete key printed on the
// 資格確認書, as a clinic program's OQSsiquc01req; a bad key is refused before
// anything is sent, naming the box to fix.
TEST(KioskLookup, RequestCarriesTheCompleteKeyOrNamesWhatToFix) {
  InsuranceLookup q{"06139992", "", "１２３４", "01", "1980-05-15", false};
  auto json = LookupRequestJson(q, "1310000011", "20261204", "kiosk0123");
  ASSERT_TRUE(json.ok()) << json.error().ToString();
  EXPECT_EQ(*json,
            "{\"XmlMsg\":{\"MessageHeader\":{\"QualificationConfirmationDate\":\"20261204\","
            "\"MedicalInstitutionCode\":\"1310000011\",\"ArbitraryFileIdentifier\":\"kiosk0123\"},"
            "\"MessageBody\":{\"QualificationConfirmSearchInfo\":{\"InsurerNumber\":\"06139992\","
            "\"InsuredIdentificationNumber\":\"1234\",\"InsuredBranchNumber\":\"01\","
            "\"Birthdate\":\"19800515\",\"LimitApplicationCertificateRelatedConsFlg\":\"0\"}}}}");
  q.insurer_number = "138999";  // 国保: space-padded to 8 on the wire
  q.symbol = "ｱ";
  q.limit_consent = true;
  json = LookupRequestJson(q, "1310000011", "20261204", "k");
  ASSERT_TRUE(json.ok());
  EXPECT_NE(json->find("\"InsurerNumber\":\"  138999\",\"InsuredCardSymbol\":\"ｱ\""),
            std::string::npos);
  EXPECT_NE(json->find("\"LimitApplicationCertificateRelatedConsFlg\":\"1\""), std::string::npos);
  const InsuranceLookup bad[] = {{"0613999", "", "1", "01", "19800515", false},
                                 {"06139992", "", "", "01", "19800515", false},
                                 {"06139992", "", "1", "1", "19800515", false},
                                 {"06139992", "", "1", "01", "1980-02-30", false}};
  const char* fields[] = {"insurerNumber", "number", "branch", "birthdate"};
  for (int i = 0; i < 4; ++i) {
    auto refused = LookupRequestJson(bad[i], "1310000011", "20261204", "k");
    ASSERT_FALSE(refused.ok()) << i;
    EXPECT_EQ(refused.error().field, fields[i]);
  }
}

// What the answer shows: the qualification, 限度額 only with the patient's
// consent, and never a viewing consent or anything clinical (R-FAC-4).
TEST(KioskLookup, ViewShowsTheQualificationAndLimitOnlyWithConsent) {
  const std::string answer = R"({"XmlMsg":{"MessageHeader":{"SegmentOfResult":"1"},
    "MessageBody":{"ProcessingResultStatus":"1","QualificationValidity":"1","ResultList":[
    {"ResultOfQualificationConfirmation":{"InsurerNumber":"06139992","InsurerName":"オンシ健保",
     "InsuredCardSymbol":"12","InsuredIdentificationNumber":"345","InsuredBranchNumber":"00",
     "PersonalFamilyClassification":"1","Name":"試験　太郎","NameKana":"ｼｹﾝ ﾀﾛｳ","Sex1":"1",
     "Birthdate":"19800515","QualificationDate":"20200401","InsuredPartialContributionRatio":"030",
     "PharmacistsInfoConsFlg":"1",
     "LimitApplicationCertificateRelatedInfo":{"LimitApplicationCertificateClassification":"26",
      "LimitApplicationCertificateValidStartDate":"20260801",
      "LimitApplicationCertificateValidEndDate":"20270731"}}}]}}})";
  boost::json::object v = LookupView(answer, false);
  EXPECT_EQ(v["step"], "lookup");
  EXPECT_EQ(v["outcome"], "有効");
  const std::string fields = boost::json::serialize(v["fields"]);
  EXPECT_NE(fields.find("[\"氏名\",\"試験　太郎(ｼｹﾝ ﾀﾛｳ)\"]"), std::string::npos) << fields;
  EXPECT_NE(fields.find("[\"生年月日\",\"1980年5月15日\"]"), std::string::npos);
  EXPECT_NE(fields.find("[\"記号・番号・枝番\",\"12・345・00\"]"), std::string::npos);
  EXPECT_NE(fields.find("[\"一部負担金割合\",\"3割\"]"), std::string::npos);
  EXPECT_EQ(fields.find("Pharmacists"), std::string::npos);
  EXPECT_EQ(fields.find("26"), std::string::npos);
  EXPECT_FALSE(v.contains("limit"));
  v = LookupView(answer, true);
  EXPECT_EQ(boost::json::serialize(v["limit"]),
            "[[\"限度額適用区分\",\"26\"],[\"有効期間\",\"2026年8月1日〜2027年7月31日\"]]");
}

TEST(KioskLookup, ViewOfNoQualificationAndOfARefusal) {
  boost::json::object v = LookupView(
      R"({"XmlMsg":{"MessageHeader":{"SegmentOfResult":"1"},"MessageBody":{
      "ProcessingResultStatus":"1","QualificationValidity":"4"}}})",
      false);
  EXPECT_EQ(v["outcome"], "資格情報なし");
  EXPECT_NE(std::string(v["tell"].as_string()).find("資格確認書と見比べて"), std::string::npos);
  EXPECT_FALSE(v.contains("fields"));  // nothing about anyone
  v = LookupView(R"({"XmlMsg":{"MessageHeader":{"SegmentOfResult":"1"},"MessageBody":{
      "ProcessingResultStatus":"1","QualificationValidity":"2","ResultList":[]}}})",
                 false);
  EXPECT_EQ(v["outcome"], "無効");
  v = LookupView(R"({"XmlMsg":{"MessageHeader":{"SegmentOfResult":"9","ErrorCode":"ONS-E0303",
      "ErrorMessage":"保険者番号の検証番号が不正です"}}})",
                 false);
  EXPECT_EQ(v["step"], "error");
  EXPECT_EQ(v["message"], "照会できませんでした: 保険者番号の検証番号が不正です");
  EXPECT_EQ(LookupView("not json", false)["step"], "error");
}

// The route: a bad key is answered at once, without the central service.
TEST_F(KioskServerTest, LookupRefusesABadKeyWithTheBoxToFix) {
  http::Request r;
  r.method = "POST";
  r.target = "/api/lookup";
  r.headers = {{"Host", "127.0.0.1:38080"}, {"Content-Type", "application/json"}};
  r.body = R"({"insurerNumber":"12","number":"1","branch":"01","birthdate":"1980-05-15"})";
  const http::Response answer = server_.Handle(r);
  ASSERT_EQ(answer.status, 200);
  EXPECT_NE(answer.body.find("\"field\":\"insurerNumber\""), std::string::npos) << answer.body;
  EXPECT_EQ(Get("/api/today").body, "{\"visits\":[]}");  // nothing was looked up
}

}  // namespace
}  // namespace onshi::terminal
