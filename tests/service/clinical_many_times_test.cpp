// 多数回該当 decided from an insurer's monthly claim totals (core/many_times.hpp;
// issue 18, R-FAC-9). The rule and the amounts are MHLW's 「高額療養費制度を
// 利用される皆さまへ（平成30年8月診療分から）」:
//   「過去12か月以内に3回以上、上限額に達した場合は、4回目から『多数回』該当と
//    なり、上限額が下がります。」
//   70歳未満 区分ウ（年収約370〜約770万円）: 80,100円＋（医療費−267,000円）×1％
//     ＜多数回 44,400円＞
//   70歳以上 一般: 外来（個人ごと）18,000円、外来＋入院（世帯）57,600円
//     ＜多数回 44,400円＞; 「外来（個人ごと）の限度額による支給は、多数回該当の
//    回数に含みません」
//   70歳未満の合算: 「1つの医療機関等での自己負担（院外処方代を含む）では上限額を
//    超えないときでも、同じ月の別の医療機関等での自己負担（69歳以下の場合は
//    2万1千円以上であることが必要）を合算することができます」
// Before this, the window never applied 多数回 (the service answered
// "manyTimes": false whatever the claims said).
#include <gtest/gtest.h>

#include <vector>

#include "core/many_times.hpp"

namespace onshi {
namespace {

Date M(int y, int m) {
  return Date::FromYmd(y, m, 1);
}

// A month of 総医療費 300,000円 at one hospital, 入院, under 70 ウ: the limit
// 80,100 + (300,000 − 267,000) × 1 % = 80,430円 is what the patient paid.
MonthlyClaim Reached(Date m) {
  return {m, CareSetting::kInpatient, 300'000, 80'430};
}

TEST(ManyTimes, FourthMonthWithinTwelveIsManyTimes_Under70U) {
  const std::vector<MonthlyClaim> claims = {Reached(M(2026, 1)), Reached(M(2026, 3)),
                                            Reached(M(2026, 6))};
  const auto a = ManyTimesIn(LimitAgeGroup::kUnder70, IncomeCategory::kU, M(2026, 7), claims);
  ASSERT_TRUE(a.ok()) << a.error().ToString();
  EXPECT_TRUE(a->many_times);
  ASSERT_EQ(a->reached.size(), 3u);
  EXPECT_EQ(a->reached.front(), M(2026, 1));
  // The 4th month's limit is the 多数回 amount: 44,400円.
  LimitQuery q{LimitAgeGroup::kUnder70,
               IncomeCategory::kU,
               CareSetting::kInpatient,
               M(2026, 7),
               300'000,
               a->many_times,
               false};
  EXPECT_EQ(*MonthlySelfPayLimit(q), 44'400);
}

TEST(ManyTimes, ThirdTimeIsNotYetManyTimes) {
  const std::vector<MonthlyClaim> claims = {Reached(M(2026, 1)), Reached(M(2026, 3))};
  const auto a = ManyTimesIn(LimitAgeGroup::kUnder70, IncomeCategory::kU, M(2026, 6), claims);
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(a->many_times);
  EXPECT_EQ(a->reached.size(), 2u);
}

TEST(ManyTimes, AMonthMoreThanTwelveMonthsBackNoLongerCounts) {
  // Reached 2025-06, 2025-08, 2025-10: 2026-07's 12 months are 2025-07..2026-06.
  const std::vector<MonthlyClaim> claims = {Reached(M(2025, 6)), Reached(M(2025, 8)),
                                            Reached(M(2025, 10))};
  auto a = ManyTimesIn(LimitAgeGroup::kUnder70, IncomeCategory::kU, M(2026, 7), claims);
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(a->many_times);
  EXPECT_EQ(a->reached.size(), 2u);
  // 2026-06 still has all three within its 12 months (2025-06..2026-05).
  a = ManyTimesIn(LimitAgeGroup::kUnder70, IncomeCategory::kU, M(2026, 6), claims);
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->many_times);
}

TEST(ManyTimes, UnderSeventyOnlyClaimsOf21000OrMoreAreAddedUp) {
  // Two facilities in one month: 60,000円 and 20,990円 paid. The second is
  // under 21,000円 and is not added, so 60,000 < 80,100: not reached, in any
  // of the three months.
  std::vector<MonthlyClaim> claims;
  for (Date m : {M(2026, 1), M(2026, 2), M(2026, 3)}) {
    claims.push_back({m, CareSetting::kOutpatient, 200'000, 60'000});
    claims.push_back({m, CareSetting::kOutpatient, 69'970, 20'990});
  }
  auto a = ManyTimesIn(LimitAgeGroup::kUnder70, IncomeCategory::kU, M(2026, 4), claims);
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->reached.empty());
  // At 21,000円 it is added: 60,000 + 21,000 = 81,000 ≥ 80,100 + (270,000 −
  // 267,000) × 1 % = 80,130: reached each month, so April is 多数回.
  for (MonthlyClaim& c : claims) {
    if (c.self_pay_yen == 20'990) {
      c.self_pay_yen = 21'000;
      c.total_cost_yen = 70'000;
    }
  }
  a = ManyTimesIn(LimitAgeGroup::kUnder70, IncomeCategory::kU, M(2026, 4), claims);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->reached.size(), 3u);
  EXPECT_TRUE(a->many_times);
}

TEST(ManyTimes, SeventyPlusOutpatientOnlyLimitDoesNotCount) {
  // 70歳以上 一般: 18,000円 paid for 外来 each month reaches the 外来 個人
  // limit but not the 世帯 57,600円: never counted.
  std::vector<MonthlyClaim> claims;
  for (int m = 1; m <= 6; ++m)
    claims.push_back({M(2026, m), CareSetting::kOutpatient, 180'000, 18'000});
  auto a = ManyTimesIn(LimitAgeGroup::k70To74, IncomeCategory::kGeneral, M(2026, 7), claims);
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(a->many_times);
  // With 入院 reaching 57,600円 in three months, the fourth is 44,400円.
  for (int m : {2, 4, 6})
    claims.push_back({M(2026, m), CareSetting::kInpatient, 600'000, 39'600});
  a = ManyTimesIn(LimitAgeGroup::k70To74, IncomeCategory::kGeneral, M(2026, 7), claims);
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->many_times);
  LimitQuery q{LimitAgeGroup::k70To74,
               IncomeCategory::kGeneral,
               CareSetting::kInpatient,
               M(2026, 7),
               0,
               true,
               false};
  EXPECT_EQ(*MonthlySelfPayLimit(q), 44'400);
}

TEST(ManyTimes, MonthsReachedUnderTheLowerLimitCountToo) {
  // Reached in months 1–3 at the usual limit, then 44,400円 paid in months 4
  // and 5, which reach only the 多数回 limit they are under — and count.
  std::vector<MonthlyClaim> claims;
  for (int m : {1, 2, 3})
    claims.push_back(Reached(M(2026, m)));
  for (int m : {4, 5})
    claims.push_back({M(2026, m), CareSetting::kInpatient, 300'000, 44'400});
  // 2027-02's 12 months (2026-02..2027-01) hold months 2–5: 多数回. Were
  // months 4 and 5 not counted, only 2 and 3 would be left.
  auto a = ManyTimesIn(LimitAgeGroup::kUnder70, IncomeCategory::kU, M(2027, 2), claims);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->reached.size(), 4u);
  EXPECT_TRUE(a->many_times);
  // 2027-04's (2026-04..2027-03) hold only months 4 and 5.
  a = ManyTimesIn(LimitAgeGroup::kUnder70, IncomeCategory::kU, M(2027, 4), claims);
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(a->many_times);
  // 44,400円 in month 2 (not yet 多数回) does not reach 80,430円.
  const std::vector<MonthlyClaim> early = {Reached(M(2026, 1)),
                                           {M(2026, 2), CareSetting::kInpatient, 300'000, 44'400}};
  const auto b = ManyTimesIn(LimitAgeGroup::kUnder70, IncomeCategory::kU, M(2026, 3), early);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->reached.size(), 1u);
}

TEST(ManyTimes, ACategoryOfAnotherAgeGroupIsAnError) {
  const auto a = ManyTimesIn(LimitAgeGroup::kUnder70, IncomeCategory::kGeneral, M(2026, 7), {});
  EXPECT_FALSE(a.ok());
}

}  // namespace
}  // namespace onshi
