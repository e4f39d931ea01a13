// The membership record's date-ranged lookups and its wire codes
// (core/membership.hpp). Written for the mutation run of issue 21: each
// range is checked on its first and last day and the day outside either end,
// so a `<=` turned into `<` (or the reverse) fails, and each code table is
// checked both ways and at the ends of its range.
#include <gtest/gtest.h>

#include "core/membership.hpp"

namespace onshi {
namespace {

Date D(int y, int m, int d) {
  return Date::FromYmd(y, m, d);
}

Qualification WithCertificates() {
  Qualification q;
  q.acquired = D(2020, 4, 1);
  // 高齢受給者証 (R-FAC-9: the system supplies it) for one year, inclusive.
  q.elderly = ElderlyRecipient{D(2025, 7, 20), D(2025, 8, 1), D(2026, 7, 31), 20};
  LimitCertificate first;
  first.category_flag = "A01";
  first.valid_from = D(2025, 8, 1);
  first.valid_until = D(2025, 12, 31);
  LimitCertificate second;
  second.category_flag = "A02";
  second.valid_from = D(2026, 1, 1);
  second.valid_until = D(2026, 7, 31);
  q.limits = {first, second};
  SpecificDisease d;
  d.category = 2;
  d.valid_from = D(2025, 9, 1);
  d.valid_until = D(2025, 9, 30);
  q.diseases = {d};
  return q;
}

TEST(Membership, RFac9_ElderlyCertificateFromItsFirstToItsLastDay) {
  const Qualification q = WithCertificates();
  EXPECT_EQ(q.ElderlyOn(D(2025, 7, 31)), nullptr);
  EXPECT_NE(q.ElderlyOn(D(2025, 8, 1)), nullptr);
  EXPECT_NE(q.ElderlyOn(D(2026, 7, 31)), nullptr);
  EXPECT_EQ(q.ElderlyOn(D(2026, 8, 1)), nullptr);
  Qualification none;
  EXPECT_EQ(none.ElderlyOn(D(2025, 8, 1)), nullptr);
}

TEST(Membership, RFac9_LimitCertificateInForceOnTheDay) {
  const Qualification q = WithCertificates();
  EXPECT_EQ(q.LimitOn(D(2025, 7, 31)), nullptr);
  ASSERT_NE(q.LimitOn(D(2025, 8, 1)), nullptr);
  EXPECT_EQ(q.LimitOn(D(2025, 8, 1))->category_flag, "A01");
  EXPECT_EQ(q.LimitOn(D(2025, 12, 31))->category_flag, "A01");
  EXPECT_EQ(q.LimitOn(D(2026, 1, 1))->category_flag, "A02");
  EXPECT_EQ(q.LimitOn(D(2026, 7, 31))->category_flag, "A02");
  EXPECT_EQ(q.LimitOn(D(2026, 8, 1)), nullptr);
}

TEST(Membership, RFac9_SpecificDiseaseOnlyWithinItsValidity) {
  const Qualification q = WithCertificates();
  EXPECT_TRUE(q.DiseasesOn(D(2025, 8, 31)).empty());
  ASSERT_EQ(q.DiseasesOn(D(2025, 9, 1)).size(), 1u);
  EXPECT_EQ(q.DiseasesOn(D(2025, 9, 1))[0]->category, 2);
  EXPECT_EQ(q.DiseasesOn(D(2025, 9, 30)).size(), 1u);
  EXPECT_TRUE(q.DiseasesOn(D(2025, 10, 1)).empty());
}

TEST(Membership, AttributesInForceFromTheirEffectiveDay) {
  Qualification q;
  MemberAttributes a;
  a.effective_from = D(2024, 4, 1);
  a.name = "山田　花子";
  MemberAttributes b;
  b.effective_from = D(2025, 6, 10);
  b.name = "佐藤　花子";
  q.attributes = {a, b};
  EXPECT_EQ(q.AttributesOn(D(2024, 3, 31)).name, "山田　花子");  // before all: the earliest
  EXPECT_EQ(q.AttributesOn(D(2025, 6, 9)).name, "山田　花子");
  EXPECT_EQ(q.AttributesOn(D(2025, 6, 10)).name, "佐藤　花子");
  EXPECT_EQ(q.AttributesOn(D(2030, 1, 1)).name, "佐藤　花子");
}

TEST(Membership, LossReasonCodesBothWays) {
  const std::pair<LossReason, const char*> codes[] = {{LossReason::kDeath, "01"},
                                                      {LossReason::kPublicAssistance, "02"},
                                                      {LossReason::kOtherInsurance, "03"},
                                                      {LossReason::kOther, "99"}};
  for (const auto& [reason, code] : codes) {
    EXPECT_EQ(LossReasonCode(reason), code);
    EXPECT_EQ(ParseLossReasonCode(code), reason) << code;
  }
  EXPECT_EQ(ParseLossReasonCode("04"), std::nullopt);
  EXPECT_EQ(ParseLossReasonCode("1"), std::nullopt);
}

TEST(Membership, CardClassificationCodesOneToSevenWithOrWithoutTheLeadingZero) {
  for (int i = 1; i <= 7; ++i) {
    const auto c = static_cast<CardClassification>(i);
    const std::string code = "0" + std::to_string(i);
    EXPECT_EQ(CardClassificationCode(c), code);
    EXPECT_EQ(ParseCardClassificationCode(code), c) << code;
    EXPECT_EQ(ParseCardClassificationCode(std::to_string(i)), c) << i;
  }
  for (const char* bad : {"00", "08", "0", "8", "10", "17", "A1", "", "001"}) {
    EXPECT_EQ(ParseCardClassificationCode(bad), std::nullopt) << bad;
  }
}

TEST(Membership, LinkageStateNamesBothWays) {
  const std::pair<LinkageState, const char*> names[] = {
      {LinkageState::kSubmitted, "submitted"},
      {LinkageState::kProcessing, "processing"},
      {LinkageState::kLinked, "linked"},
      {LinkageState::kRegistrationError, "registration_error"}};
  for (const auto& [state, name] : names) {
    EXPECT_EQ(LinkageStateName(state), name);
    EXPECT_EQ(ParseLinkageStateName(name), state) << name;
  }
  EXPECT_EQ(ParseLinkageStateName("Linked"), std::nullopt);
}

}  // namespace
}  // namespace onshi
