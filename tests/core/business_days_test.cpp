#include "core/business_days.hpp"

#include <gtest/gtest.h>

namespace onshi {
namespace {

Date D(int y, int m, int d) {
  return Date::FromYmd(y, m, d);
}

constexpr BusinessDayOptions kNoClosure{.year_end_closure = false};

TEST(BusinessDaysTest, WeekendsAndHolidaysAreClosed) {
  EXPECT_TRUE(IsBusinessDay(D(2025, 4, 4)));    // Friday
  EXPECT_FALSE(IsBusinessDay(D(2025, 4, 5)));   // Saturday
  EXPECT_FALSE(IsBusinessDay(D(2025, 4, 6)));   // Sunday
  EXPECT_FALSE(IsBusinessDay(D(2025, 5, 6)));   // 振替休日
  EXPECT_FALSE(IsBusinessDay(D(2026, 9, 22)));  // 国民の休日
  EXPECT_FALSE(IsBusinessDay(D(2025, 5, 6), kNoClosure));
}

TEST(BusinessDaysTest, YearEndClosureIsAnOption) {
  // 2025-12-29 (Mon) .. 2026-01-02 (Fri) are weekdays; only 1/1 is a holiday.
  for (Date d = D(2025, 12, 29); d <= D(2026, 1, 2); d = d.AddDays(1)) {
    EXPECT_FALSE(IsBusinessDay(d)) << d.ToIso();
    EXPECT_EQ(IsBusinessDay(d, kNoClosure), d != D(2026, 1, 1)) << d.ToIso();
  }
  EXPECT_TRUE(IsBusinessDay(D(2025, 12, 26)));  // Friday before the closure
  EXPECT_TRUE(IsBusinessDay(D(2026, 1, 5)));    // first Monday after it
}

TEST(BusinessDaysTest, RLink3TwoBusinessDaysAfterFridayIsTuesday) {
  EXPECT_EQ(AddBusinessDays(D(2025, 4, 4), 2), D(2025, 4, 8));
  EXPECT_EQ(AddBusinessDays(D(2025, 4, 4), 1), D(2025, 4, 7));
  EXPECT_EQ(BusinessDaysBetween(D(2025, 4, 4), D(2025, 4, 8)), 2);
}

TEST(BusinessDaysTest, RLink3StartDayNeverCounts) {
  EXPECT_EQ(AddBusinessDays(D(2025, 4, 7), 0), D(2025, 4, 7));
  EXPECT_EQ(AddBusinessDays(D(2025, 4, 6), 0), D(2025, 4, 6));  // even a Sunday
  EXPECT_EQ(AddBusinessDays(D(2025, 4, 5), 1), D(2025, 4, 7));  // Saturday -> Monday
  EXPECT_EQ(AddBusinessDays(D(2025, 4, 7), 1), D(2025, 4, 8));  // Monday -> Tuesday
  EXPECT_EQ(BusinessDaysBetween(D(2025, 4, 7), D(2025, 4, 7)), 0);
}

TEST(BusinessDaysTest, RLink3AcrossGoldenWeek) {
  // Submitted Friday 2025-05-02; 5/3-5/6 are off (5/6 is the 振替休日).
  EXPECT_EQ(AddBusinessDays(D(2025, 5, 2), 1), D(2025, 5, 7));
  EXPECT_EQ(AddBusinessDays(D(2025, 5, 2), 2), D(2025, 5, 8));
  // 2019: ten days off from 4/27 to 5/6.
  EXPECT_EQ(AddBusinessDays(D(2019, 4, 26), 1), D(2019, 5, 7));
}

TEST(BusinessDaysTest, RLink3AcrossYearEnd) {
  EXPECT_EQ(AddBusinessDays(D(2025, 12, 26), 1), D(2026, 1, 5));
  EXPECT_EQ(AddBusinessDays(D(2025, 12, 26), 1, kNoClosure), D(2025, 12, 29));
  EXPECT_EQ(AddBusinessDays(D(2024, 12, 27), 2), D(2025, 1, 7));
  EXPECT_EQ(AddBusinessDays(D(2024, 12, 27), 2, kNoClosure), D(2024, 12, 31));
  EXPECT_EQ(BusinessDaysBetween(D(2024, 12, 27), D(2025, 1, 6)), 1);
  EXPECT_EQ(BusinessDaysBetween(D(2024, 12, 27), D(2025, 1, 6), kNoClosure), 5);
}

TEST(BusinessDaysTest, NegativeStepsGoBackwards) {
  EXPECT_EQ(AddBusinessDays(D(2025, 5, 7), -1), D(2025, 5, 2));
  EXPECT_EQ(AddBusinessDays(D(2025, 4, 8), -2), D(2025, 4, 4));
  EXPECT_EQ(BusinessDaysBetween(D(2025, 4, 8), D(2025, 4, 4)), -2);
}

TEST(BusinessDaysTest, WholeYear2025) {
  // 365 days - 104 weekend days - 15 holidays on weekdays = 246; the closure
  // adds 1/2, 1/3, 12/29, 12/30 and 12/31 (all weekdays in 2025).
  EXPECT_EQ(BusinessDaysBetween(D(2024, 12, 31), D(2025, 12, 31), kNoClosure), 246);
  EXPECT_EQ(BusinessDaysBetween(D(2024, 12, 31), D(2025, 12, 31)), 241);
}

TEST(BusinessDaysTest, OutsideHolidayRangeFallsBackToWeekendsAndClosure) {
  // 1947-12-26 is a Friday; the Holiday Act only began on 1948-07-20, so
  // 1948-01-01 is a plain Thursday. The range straddles the table's start.
  EXPECT_EQ(BusinessDaysBetween(D(1947, 12, 26), D(1948, 1, 6)), 2);
  EXPECT_EQ(BusinessDaysBetween(D(1947, 12, 26), D(1948, 1, 6), kNoClosure), 7);
  EXPECT_EQ(AddBusinessDays(D(1947, 12, 26), 1), D(1948, 1, 5));
  EXPECT_FALSE(IsBusinessDay(D(1900, 1, 2)));
  EXPECT_TRUE(IsBusinessDay(D(1900, 1, 2), kNoClosure));
}

TEST(BusinessDaysTest, BetweenInvertsAdd) {
  // Deterministic spread of starts over the table and its edges.
  for (int32_t i = 0; i < 2000; ++i) {
    const Date start = D(1947, 6, 1).AddDays(i * 37);
    for (int n : {0, 1, 2, 5, 10, 30}) {
      for (const BusinessDayOptions& o : {BusinessDayOptions{}, kNoClosure}) {
        const Date end = AddBusinessDays(start, n, o);
        ASSERT_EQ(BusinessDaysBetween(start, end, o), n) << start.ToIso() << " +" << n;
        // Going back lands on start if it is open, else on the open day before.
        ASSERT_TRUE(AddBusinessDays(end, -n, o) <= start) << start.ToIso();
        if (n > 0) {
          ASSERT_TRUE(IsBusinessDay(end, o)) << end.ToIso();
        }
      }
    }
  }
}

}  // namespace
}  // namespace onshi
