// The old 健康保険証 during the transition (R-OLD-1..3) and the 暫定措置.
#include "core/legacy_card.hpp"

#include <gtest/gtest.h>

#include <string>

namespace onshi {
namespace {

Date D(const char* iso) {
  return *Date::ParseIso(iso);
}
std::string Iso(Date d) {
  return d.ToIso();
}

LegacyCardFacts CardIssued(const char* issued) {
  LegacyCardFacts c;
  c.issued = D(issued);
  return c;
}

LegacyCardStatus StatusOn(const LegacyCardFacts& c, const char* on) {
  return EvaluateLegacyCard(c, D(on)).status;
}

TEST(LegacyCard, ROld1_NoNewCardsFromDecember2nd2024) {
  EXPECT_TRUE(MayIssueLegacyCard(D("2024-12-01")));
  EXPECT_FALSE(MayIssueLegacyCard(D("2024-12-02")));
  EXPECT_FALSE(MayIssueLegacyCard(D("2026-01-01")));
}

TEST(LegacyCard, ROld1_CardIssuedAfterCutoffIsNeverValid) {
  const LegacyCardUsability u = EvaluateLegacyCard(CardIssued("2024-12-02"), D("2024-12-03"));
  EXPECT_EQ(u.status, LegacyCardStatus::kIssuedAfterCutoff);
  EXPECT_FALSE(u.usable());
  EXPECT_FALSE(u.last_usable_day.has_value());
}

TEST(LegacyCard, ROld2_UsableUntilPrintedExpiry) {
  LegacyCardFacts c = CardIssued("2023-08-01");
  c.printed_expiry = D("2025-07-31");
  EXPECT_EQ(StatusOn(c, "2025-07-31"), LegacyCardStatus::kUsable);
  EXPECT_EQ(StatusOn(c, "2025-08-01"), LegacyCardStatus::kPrintedExpiryPassed);
  EXPECT_EQ(Iso(*EvaluateLegacyCard(c, D("2025-08-01")).last_usable_day), "2025-07-31");
}

TEST(LegacyCard, ROld2_NeverAfterDecember1st2025) {
  LegacyCardFacts no_expiry = CardIssued("2015-04-01");
  EXPECT_EQ(StatusOn(no_expiry, "2025-12-01"), LegacyCardStatus::kUsable);
  EXPECT_EQ(StatusOn(no_expiry, "2025-12-02"), LegacyCardStatus::kTransitionEnded);
  EXPECT_EQ(Iso(*EvaluateLegacyCard(no_expiry, D("2025-12-02")).last_usable_day), "2025-12-01");

  LegacyCardFacts later_expiry = CardIssued("2024-11-29");
  later_expiry.printed_expiry = D("2026-03-31");
  EXPECT_EQ(StatusOn(later_expiry, "2025-12-02"), LegacyCardStatus::kTransitionEnded);
  EXPECT_EQ(Iso(*EvaluateLegacyCard(later_expiry, D("2025-01-01")).last_usable_day), "2025-12-01");
}

// R-OLD-3: each event ends the card on its own day ("at once").
TEST(LegacyCard, ROld3_EachEventEndsTheCardAtOnce) {
  struct Case {
    std::optional<Date> LegacyCardFacts::*event;
    LegacyCardStatus status;
  };
  const Case cases[] = {
      {&LegacyCardFacts::name_changed, LegacyCardStatus::kNameChanged},
      {&LegacyCardFacts::address_changed, LegacyCardStatus::kAddressChanged},
      {&LegacyCardFacts::insurer_changed, LegacyCardStatus::kInsurerChanged},
      {&LegacyCardFacts::lost_or_damaged, LegacyCardStatus::kLostOrDamaged},
  };
  for (const Case& k : cases) {
    LegacyCardFacts c = CardIssued("2022-04-01");
    c.*k.event = D("2025-03-10");
    EXPECT_EQ(StatusOn(c, "2025-03-09"), LegacyCardStatus::kUsable);
    const LegacyCardUsability u = EvaluateLegacyCard(c, D("2025-03-10"));
    EXPECT_EQ(u.status, k.status);
    EXPECT_EQ(Iso(*u.last_usable_day), "2025-03-09");
    // It is not reissued: it stays unusable.
    EXPECT_EQ(StatusOn(c, "2025-06-01"), k.status);
  }
}

TEST(LegacyCard, ROld3_FutureEventAlreadyShowsInLastUsableDay) {
  LegacyCardFacts c = CardIssued("2022-04-01");
  c.insurer_changed = D("2025-05-01");
  const LegacyCardUsability u = EvaluateLegacyCard(c, D("2025-01-01"));
  EXPECT_TRUE(u.usable());
  EXPECT_EQ(Iso(*u.last_usable_day), "2025-04-30");
}

TEST(LegacyCard, ROld3_AddressChangeBeforeTransitionDidNotEndTheCard) {
  LegacyCardFacts c = CardIssued("2022-04-01");
  c.address_changed = D("2024-06-01");  // amended on the card under the old rules
  EXPECT_EQ(StatusOn(c, "2025-01-01"), LegacyCardStatus::kUsable);
  // …but a name change then still meant a replacement card.
  c.name_changed = D("2024-06-01");
  EXPECT_EQ(StatusOn(c, "2025-01-01"), LegacyCardStatus::kNameChanged);
}

TEST(LegacyCard, EventsBeforeIssueAreIgnored) {
  LegacyCardFacts c = CardIssued("2024-03-01");
  c.name_changed = D("2024-02-20");
  c.lost_or_damaged = D("2024-02-25");
  EXPECT_EQ(StatusOn(c, "2025-01-01"), LegacyCardStatus::kUsable);
}

TEST(LegacyCard, EarliestCauseWinsAndTiesPreferExpiry) {
  LegacyCardFacts c = CardIssued("2023-04-01");
  c.printed_expiry = D("2025-09-30");
  c.lost_or_damaged = D("2025-05-01");
  c.address_changed = D("2025-02-01");
  EXPECT_EQ(StatusOn(c, "2025-10-01"), LegacyCardStatus::kAddressChanged);
  LegacyCardFacts tie = CardIssued("2023-04-01");
  tie.printed_expiry = D("2025-09-30");
  tie.name_changed = D("2025-10-01");
  EXPECT_EQ(StatusOn(tie, "2025-10-02"), LegacyCardStatus::kPrintedExpiryPassed);
}

TEST(LegacyCard, EventOnIssueDayMeansNeverUsable) {
  LegacyCardFacts c = CardIssued("2024-11-01");
  c.lost_or_damaged = D("2024-11-01");
  const LegacyCardUsability u = EvaluateLegacyCard(c, D("2024-11-01"));
  EXPECT_EQ(u.status, LegacyCardStatus::kLostOrDamaged);
  EXPECT_FALSE(u.last_usable_day.has_value());
}

TEST(LegacyCard, QueryBeforeIssueIsReported) {
  EXPECT_EQ(StatusOn(CardIssued("2024-11-01"), "2024-10-31"), LegacyCardStatus::kNotYetIssued);
}

// 暫定措置 (card-and-identifiers.md §7): an expired card is accepted until
// 2026-03-31 if the OQS lookup by its numbers succeeds.
TEST(LegacyCard, ProvisionalMeasureAcceptsExpiredCardFoundInOqs) {
  const ExpiredLegacyCardMeasure measure;
  const LegacyCardFacts c = CardIssued("2020-04-01");  // ended 2025-12-01 (R-OLD-2)
  EXPECT_EQ(AcceptLegacyCardAtFacility(c, D("2025-11-30"), false, measure),
            LegacyCardAcceptance::kAccepted);
  EXPECT_EQ(AcceptLegacyCardAtFacility(c, D("2026-01-15"), true, measure),
            LegacyCardAcceptance::kAcceptedUnderProvisionalMeasure);
  EXPECT_EQ(AcceptLegacyCardAtFacility(c, D("2026-03-31"), true, measure),
            LegacyCardAcceptance::kAcceptedUnderProvisionalMeasure);
  EXPECT_EQ(AcceptLegacyCardAtFacility(c, D("2026-04-01"), true, measure),
            LegacyCardAcceptance::kRefused);
  EXPECT_EQ(AcceptLegacyCardAtFacility(c, D("2026-01-15"), false, measure),
            LegacyCardAcceptance::kRefused);
}

TEST(LegacyCard, ProvisionalMeasureCoversPrintedExpiryToo) {
  LegacyCardFacts c = CardIssued("2023-08-01");
  c.printed_expiry = D("2025-07-31");
  EXPECT_EQ(AcceptLegacyCardAtFacility(c, D("2025-08-10"), true, ExpiredLegacyCardMeasure{}),
            LegacyCardAcceptance::kAcceptedUnderProvisionalMeasure);
}

TEST(LegacyCard, ProvisionalMeasureIsConfigurable) {
  const LegacyCardFacts c = CardIssued("2020-04-01");
  ExpiredLegacyCardMeasure off;
  off.enabled = false;
  EXPECT_EQ(AcceptLegacyCardAtFacility(c, D("2026-01-15"), true, off),
            LegacyCardAcceptance::kRefused);
  ExpiredLegacyCardMeasure extended;
  extended.accept_until = D("2026-09-30");
  EXPECT_EQ(AcceptLegacyCardAtFacility(c, D("2026-06-01"), true, extended),
            LegacyCardAcceptance::kAcceptedUnderProvisionalMeasure);
}

TEST(LegacyCard, ProvisionalMeasureDoesNotCoverROld3Events) {
  LegacyCardFacts c = CardIssued("2020-04-01");
  c.name_changed = D("2025-06-01");
  EXPECT_EQ(AcceptLegacyCardAtFacility(c, D("2026-01-15"), true, ExpiredLegacyCardMeasure{}),
            LegacyCardAcceptance::kRefused);
}

}  // namespace
}  // namespace onshi
