// The portal's session book and the access log's reading of audit entries.
#include <gtest/gtest.h>

#include "service/access_log.hpp"
#include "service/portal_pages.hpp"
#include "service/portal_sessions.hpp"

namespace onshi::service {
namespace {

TEST(PortalSessionsTest, ATokenFindsItsSessionUntilIdleOrAbsoluteExpiry) {
  PortalSessions book({/*idle=*/600, /*absolute=*/1800, /*capacity=*/10});
  const std::string token = book.Open(7, 70, 1000);
  EXPECT_EQ(token.size(), 43u);  // 256 random bits, base64url
  auto s = book.Find(token, 1100);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->person_id, 7);
  EXPECT_EQ(s->card_id, 70);
  // Kept alive by use, every 599 s, until the absolute limit.
  for (std::time_t t = 1100 + 599; t < 1000 + 1800; t += 599) {
    EXPECT_TRUE(book.Find(token, t).has_value()) << t;
  }
  EXPECT_FALSE(book.Find(token, 1000 + 1800).has_value());  // an hour's half: over
  EXPECT_EQ(book.size(), 0u);                               // dropped when found expired

  // Idle: 600 s without a request ends it.
  const std::string idle = book.Open(8, 80, 5000);
  EXPECT_TRUE(book.Find(idle, 5599).has_value());
  EXPECT_FALSE(book.Find(idle, 5599 + 600).has_value());
}

TEST(PortalSessionsTest, UnknownMalformedAndClosedTokensFindNothing) {
  PortalSessions book;
  const std::string token = book.Open(1, 2, 0);
  EXPECT_FALSE(book.Find("", 1).has_value());
  EXPECT_FALSE(book.Find(std::string(43, 'A'), 1).has_value());
  EXPECT_FALSE(book.Find(token.substr(1), 1).has_value());
  std::string other = token;
  other[5] = other[5] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(book.Find(other, 1).has_value());
  EXPECT_NE(book.Open(1, 2, 0), token);  // fresh randomness each time
  book.Close(token);
  EXPECT_FALSE(book.Find(token, 1).has_value());
}

TEST(PortalSessionsTest, AFullBookDropsExpiredThenTheOldestLogin) {
  PortalSessions book({600, 3600, 2});
  const std::string a = book.Open(1, 1, 0);
  const std::string b = book.Open(2, 2, 100);
  const std::string c = book.Open(3, 3, 200);  // full: a (the oldest) goes
  EXPECT_EQ(book.size(), 2u);
  EXPECT_FALSE(book.Find(a, 201).has_value());
  EXPECT_TRUE(book.Find(b, 201).has_value());
  EXPECT_TRUE(book.Find(c, 201).has_value());
}

store::AuditEntry Entry(std::string actor, std::string action, int64_t person, std::string detail) {
  return {12,
          "2026-11-23T01:00:00Z",
          std::move(actor),
          std::move(action),
          person,
          std::move(detail),
          "",
          "abc"};
}

TEST(AccessLogTest, ReadsFacilityLookUpsWithMethodModeAndConsents) {
  auto card = ReadAccess(Entry("facility:1310000011", "eligibility.card", 5,
                               "method=card validity=1 reason=valid date=20261123 cert=AB "
                               "mode=face reader=xyz cert_sha256=0011 "
                               "consents=diagnosis:1,pharmacists:0,limit:1"));
  ASSERT_TRUE(card.has_value());
  EXPECT_EQ(card->facility_code, "1310000011");
  EXPECT_EQ(card->method, "card");
  EXPECT_EQ(card->mode, "face");
  EXPECT_EQ(card->validity, "1");
  EXPECT_EQ(AccessMethodLabel(*card), "マイナ保険証（顔認証）");
  ASSERT_EQ(card->consents.size(), 3u);
  EXPECT_EQ(card->consents[0].kind, "diagnosis");
  EXPECT_EQ(card->consents[0].flag, "1");
  EXPECT_EQ(ConsentFlagLabel("pharmacists", card->consents[1].flag), "同意しない");
  EXPECT_EQ(ConsentKindLabel(card->consents[2].kind), "限度額適用認定証");

  auto keys = ReadAccess(Entry("facility:1310000011", "eligibility.search", 5,
                               "method=card-keys validity=2 reason=lost date=20261123 "
                               "insurer=06139992 number=**01"));
  ASSERT_TRUE(keys.has_value());
  EXPECT_EQ(AccessMethodLabel(*keys), "保険者番号・記号・番号");
  EXPECT_TRUE(keys->consents.empty());
  EXPECT_EQ(ValidityLabel(keys->validity), "無効");
}

TEST(AccessLogTest, RefusalsLoginsAndOthersAreNotLookUps) {
  // A refused check found nobody; the person's own login and an insurer's
  // work are not a facility looking.
  EXPECT_FALSE(ReadAccess(Entry("facility:1310000011", "eligibility.card", 0,
                                "refused signature: does not verify"))
                   .has_value());
  EXPECT_FALSE(ReadAccess(Entry("facility:1310000011", "eligibility.card", 5,
                                "refused rate_limit: over 20 look-ups"))
                   .has_value());
  EXPECT_FALSE(ReadAccess(Entry("person", "portal.login", 5, "ok card=3")).has_value());
  EXPECT_FALSE(
      ReadAccess(Entry("insurer:06139992", "insurer.members.read", 5, "member=3")).has_value());
}

TEST(AccessLogTest, CardConsentsWordListsWhatWasAskedInAFixedOrder) {
  oqs::ResultConsents none;
  EXPECT_EQ(CardConsentsWord(none), "");
  oqs::ResultConsents c;
  c.limit = oqs::Consent{"1", "20261123100000", ""};
  c.diagnosis = oqs::Consent{"0", "", ""};
  c.checkups = oqs::Consent{"1", "20261123100000", "20261124100000"};
  EXPECT_EQ(CardConsentsWord(c), "consents=diagnosis:0,specificHealthCheckups:1,limit:1");
  // What it writes, it reads back.
  auto r =
      ReadAccess(Entry("facility:1", "eligibility.card", 1, "method=card " + CardConsentsWord(c)));
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->consents.size(), 3u);
  EXPECT_EQ(r->consents[1].kind, "specificHealthCheckups");
}

TEST(PortalPagesTest, EscapesTextAndKeepsTheClinicalPagesPlaces) {
  EXPECT_EQ(HtmlEscape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  const std::string page =
      PortalPage("資格情報", PortalNav::kQualification, "<script>", "<p>x</p>");
  EXPECT_EQ(page.find("<script>"), std::string::npos);  // the name is escaped
  EXPECT_NE(page.find("&lt;script&gt; さん"), std::string::npos);
  EXPECT_NE(page.find("href=\"/portal/qualification\" aria-current=\"page\""), std::string::npos);
  for (const char* later : {"診療・お薬", "医療費", "特定健診"}) {
    EXPECT_NE(page.find(later), std::string::npos) << later;
  }
  EXPECT_NE(page.find("<main id=\"main\""), std::string::npos);
  EXPECT_NE(page.find("<nav aria-label="), std::string::npos);
  EXPECT_EQ(page.find("<style"), std::string::npos);  // nothing inline (CSP)
  EXPECT_EQ(page.find("<script"), std::string::npos);
}

}  // namespace
}  // namespace onshi::service
