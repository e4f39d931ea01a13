// 一部負担金割合 and 高齢受給者 by law (core/copay.hpp; R-FAC-9, issue 14).
#include "core/copay.hpp"

#include <gtest/gtest.h>

#include "core/preschool.hpp"

namespace onshi {
namespace {

Date D(int y, int m, int d) {
  return Date::FromYmd(y, m, d);
}

Qualification Member(std::string insurer, Date birth) {
  Qualification q;
  q.insurer_number = std::move(insurer);
  q.birth_date = birth;
  q.acquired = D(2000, 1, 1);
  return q;
}

TEST(Copay, PreschoolTwoTenthsUntilTheMarchAfterReachingSixThenThree) {
  // Born 2019-04-02 reaches 6 on 2025-04-01: preschool through 2026-03-31.
  const Qualification q = Member("06139992", D(2019, 4, 2));
  EXPECT_EQ(CopayPercentOn(q, D(2026, 3, 31)), 20);
  EXPECT_EQ(CopayPercentOn(q, D(2026, 4, 1)), 30);
  // The classification and the ratio agree on every day around the boundary.
  for (Date on = D(2026, 3, 25); on <= D(2026, 4, 5); on = on.AddDays(1)) {
    EXPECT_EQ(IsPreschool(q.birth_date, on), CopayPercentOn(q, on) == 20) << on.ToCompact();
  }
}

TEST(Copay, ChildBornOnFirstAprilMovesAYearEarlier) {
  // Reaches 6 on 2025-03-31 (the day before the birthday): 3割 from 2025-04-01.
  const Qualification q = Member("06139992", D(2019, 4, 1));
  EXPECT_EQ(CopayPercentOn(q, D(2025, 3, 31)), 20);
  EXPECT_EQ(CopayPercentOn(q, D(2025, 4, 1)), 30);
}

TEST(Copay, ElderlyRecipientFromTheMonthAfterTheSeventiethBirthday) {
  EXPECT_EQ(ElderlyRecipientFrom(D(1956, 5, 15)), D(2026, 6, 1));
  EXPECT_EQ(ElderlyRecipientFrom(D(1956, 5, 31)), D(2026, 6, 1));
  // Born on the 1st: reaches 70 on the last day of April, so May.
  EXPECT_EQ(ElderlyRecipientFrom(D(1956, 5, 1)), D(2026, 5, 1));
  EXPECT_EQ(ElderlyRecipientUntil(D(1956, 5, 15)), D(2031, 5, 14));

  const Qualification q = Member("06139992", D(1956, 5, 15));
  EXPECT_EQ(CopayPercentOn(q, D(2026, 5, 31)), 30);
  EXPECT_EQ(CopayPercentOn(q, D(2026, 6, 1)), 20);
  EXPECT_FALSE(ElderlyRecipientOn(q, D(2026, 5, 31)));
  auto e = ElderlyRecipientOn(q, D(2026, 6, 1));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->valid_from, D(2026, 6, 1));
  EXPECT_EQ(e->valid_until, D(2031, 5, 14));
  EXPECT_EQ(e->copay_percent, 20);
  EXPECT_FALSE(ElderlyRecipientOn(q, D(2031, 5, 15)));
}

TEST(Copay, LateStageElderlyIsOneTenthUnlessFiled) {
  Qualification q = Member("39139993", D(1945, 2, 10));
  EXPECT_EQ(CopayPercentOn(q, D(2026, 12, 3)), 10);
  EXPECT_FALSE(ElderlyRecipientOn(q, D(2026, 12, 3)));  // no 高齢受給者証 in 後期高齢者医療
  q.copay_filed = true;
  q.copay_percent = 30;
  EXPECT_EQ(CopayPercentOn(q, D(2026, 12, 3)), 30);
}

TEST(Copay, FiledRatioAndCertificateWin) {
  Qualification q = Member("06139992", D(1954, 8, 20));
  q.copay_filed = true;
  q.copay_percent = 30;  // 現役並み所得
  EXPECT_EQ(CopayPercentOn(q, D(2026, 12, 3)), 30);
  EXPECT_EQ(ElderlyRecipientOn(q, D(2026, 12, 3))->copay_percent, 30);
  q.elderly = ElderlyRecipient{D(2026, 8, 1), D(2026, 8, 1), D(2027, 7, 31), 20};
  EXPECT_EQ(ElderlyRecipientOn(q, D(2026, 12, 3))->valid_until, D(2027, 7, 31));
}

TEST(Copay, FiledElderlyCertificateSetsTheRatioWhileInForce) {
  // A 3割 高齢受給者証 (現役並み所得) filed without a separate ratio: the
  // member pays 3割 while it is in force, not the statutory 2割 (R-FAC-9).
  Qualification q = Member("06139992", D(1954, 8, 20));
  q.elderly = ElderlyRecipient{D(2026, 7, 20), D(2026, 8, 1), D(2027, 7, 31), 30};
  EXPECT_EQ(CopayPercentOn(q, D(2026, 12, 3)), 30);
  EXPECT_EQ(ElderlyRecipientOn(q, D(2026, 12, 3))->copay_percent, 30);
  // Before it, the statutory 2割 of a 70-year-old.
  EXPECT_EQ(CopayPercentOn(q, D(2026, 7, 31)), 20);
}

TEST(CardClassification, WholeTableRoundTrips) {
  for (int i = 1; i <= 7; ++i) {
    const auto c = static_cast<CardClassification>(i);
    EXPECT_EQ(ParseCardClassificationCode(CardClassificationCode(c)), c);
  }
  EXPECT_EQ(ParseCardClassificationCode("3"), CardClassification::kShortTerm);
  EXPECT_FALSE(ParseCardClassificationCode("08"));
  EXPECT_FALSE(ParseCardClassificationCode("A1"));
}

}  // namespace
}  // namespace onshi
