// Birthdays for card expiry (R-CARD-2/3) and legal age (年齢計算ニ関スル法律).
#include "core/birthdays.hpp"

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

TEST(Birthdays, BirthdayInYearIsTheCalendarAnniversary) {
  EXPECT_EQ(Iso(BirthdayInYear(D("1990-10-10"), 2029)), "2029-10-10");
  EXPECT_EQ(Iso(BirthdayInYear(D("1990-12-31"), 2001)), "2001-12-31");
}

// 29 Feb: in a common year the birthday is 28 Feb (みなし誕生日, as for the
// driving-licence expiry), in a leap year 29 Feb.
TEST(Birthdays, LeapDayBirthIsTwentyEighthInCommonYears) {
  EXPECT_EQ(Iso(BirthdayInYear(D("2000-02-29"), 2001)), "2001-02-28");
  EXPECT_EQ(Iso(BirthdayInYear(D("2000-02-29"), 2004)), "2004-02-29");
  EXPECT_EQ(Iso(BirthdayInYear(D("2000-02-29"), 2100)), "2100-02-28");  // 2100 is not leap
}

// The government example for R-CARD-2: born 10 Oct, issued 2020-05-15 → the
// 10th birthday after issuance is 2029-10-10.
TEST(Birthdays, RCard2_TenthBirthdayAfterIssuanceGovernmentExample) {
  EXPECT_EQ(Iso(NthBirthdayAfter(D("1985-10-10"), D("2020-05-15"), 10)), "2029-10-10");
}

// card-and-identifiers.md §3: a birthday on the issue day itself is not counted.
TEST(Birthdays, RCard2_BirthdayOnIssueDayIsNotCounted) {
  EXPECT_EQ(Iso(NthBirthdayAfter(D("1990-05-15"), D("2020-05-15"), 1)), "2021-05-15");
  EXPECT_EQ(Iso(NthBirthdayAfter(D("1990-05-15"), D("2020-05-15"), 10)), "2030-05-15");
  // Issued the day before the birthday: that birthday counts as the first.
  EXPECT_EQ(Iso(NthBirthdayAfter(D("1990-05-16"), D("2020-05-15"), 1)), "2020-05-16");
  EXPECT_EQ(Iso(NthBirthdayAfter(D("1990-05-16"), D("2020-05-15"), 10)), "2029-05-16");
}

TEST(Birthdays, DayOfBirthIsNotABirthday) {
  EXPECT_EQ(Iso(NthBirthdayAfter(D("2020-03-01"), D("2020-03-01"), 1)), "2021-03-01");
  EXPECT_EQ(Iso(NthBirthdayAfter(D("2020-03-01"), D("2020-06-01"), 1)), "2021-03-01");
}

TEST(Birthdays, RCard2_LeapDayBirthCountsTwentyEighthInCommonYears) {
  // Issued 2020-03-01: 2021-02-28 (1), 2022 (2), 2023 (3), 2024-02-29 (4), 2025-02-28 (5).
  EXPECT_EQ(Iso(NthBirthdayAfter(D("2000-02-29"), D("2020-03-01"), 4)), "2024-02-29");
  EXPECT_EQ(Iso(NthBirthdayAfter(D("2000-02-29"), D("2020-03-01"), 5)), "2025-02-28");
  EXPECT_EQ(Iso(NthBirthdayAfter(D("2000-02-29"), D("2020-03-01"), 10)), "2030-02-28");
  // Issued on the 28 Feb that is the birthday of a common year: not counted.
  EXPECT_EQ(Iso(NthBirthdayAfter(D("2000-02-29"), D("2021-02-28"), 1)), "2022-02-28");
  // Issued on 28 Feb of a leap year: the 29th is still ahead and counts.
  EXPECT_EQ(Iso(NthBirthdayAfter(D("2000-02-29"), D("2024-02-28"), 1)), "2024-02-29");
}

// 年齢計算ニ関スル法律 + 民法143条: the age is attained at the end of the day
// before the anniversary, so it holds for the whole anniversary day.
TEST(Birthdays, AgeAttainedAtEndOfDayBeforeBirthday) {
  EXPECT_EQ(Iso(AgeAttainmentDay(D("2004-04-02"), 18)), "2022-04-01");
  EXPECT_EQ(Iso(AgeAttainmentDay(D("2004-04-01"), 18)), "2022-03-31");
  EXPECT_EQ(AgeOn(D("2004-04-02"), D("2022-04-01")), 17);
  EXPECT_EQ(AgeOn(D("2004-04-02"), D("2022-04-02")), 18);
  EXPECT_EQ(Iso(AgeAttainmentDay(D("2000-01-01"), 1)), "2000-12-31");
  EXPECT_EQ(AgeOn(D("2000-01-01"), D("2000-12-31")), 0);
  EXPECT_EQ(AgeOn(D("2000-01-01"), D("2001-01-01")), 1);
}

// 民法143条2項: with no 29 Feb in the final year, the year of age ends with
// 28 Feb, so a 29-Feb person is N from 1 March (one day after the card's
// birthday); in leap years the age is reached on 29 Feb.
TEST(Birthdays, LeapDayBirthAgeChangesOnFirstMarchInCommonYears) {
  const Date birth = D("2004-02-29");
  EXPECT_EQ(Iso(AgeAttainmentDay(birth, 18)), "2022-02-28");
  EXPECT_EQ(Iso(AgeAttainmentDay(birth, 20)), "2024-02-28");
  EXPECT_EQ(AgeOn(birth, D("2022-02-28")), 17);
  EXPECT_EQ(AgeOn(birth, D("2022-03-01")), 18);
  EXPECT_EQ(AgeOn(birth, D("2024-02-28")), 19);
  EXPECT_EQ(AgeOn(birth, D("2024-02-29")), 20);
}

TEST(Birthdays, AgeBeforeAndOnBirthIsZero) {
  EXPECT_EQ(AgeOn(D("2010-06-01"), D("2009-01-01")), 0);
  EXPECT_EQ(AgeOn(D("2010-06-01"), D("2010-06-01")), 0);
}

// Cross-check AgeOn against the everyday month/day comparison over every
// birth day of a leap year and a common year and three years of query days.
TEST(Birthdays, AgeOnMatchesMonthDayComparisonExhaustively) {
  for (Date b = D("2003-01-01"); b <= D("2004-12-31"); b = b.AddDays(1)) {
    for (Date on = D("2021-01-01"); on <= D("2023-12-31"); on = on.AddDays(1)) {
      const bool before = on.month() < b.month() || (on.month() == b.month() && on.day() < b.day());
      ASSERT_EQ(AgeOn(b, on), on.year() - b.year() - (before ? 1 : 0))
          << "birth " << b.ToIso() << " on " << on.ToIso();
    }
  }
}

}  // namespace
}  // namespace onshi
