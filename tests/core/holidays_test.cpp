#include "core/holidays.hpp"

#include <atomic>
#include <iterator>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace onshi {
namespace {

struct Expect {
  int month;
  int day;
  std::string_view name;
};

// Checks HolidaysInYear(year) against a published list, entry by entry, and
// cross-checks IsPublicHoliday/HolidayName for every day of the year so that
// a stray extra holiday cannot hide behind a correct list.
void ExpectYear(int year, const std::vector<Expect>& expected) {
  const auto actual = HolidaysInYear(year);
  ASSERT_EQ(actual.size(), expected.size()) << "holiday count for " << year;
  for (size_t i = 0; i < expected.size(); ++i) {
    const Date want = Date::FromYmd(year, expected[i].month, expected[i].day);
    EXPECT_EQ(actual[i].first, want) << year << " #" << i << " got " << actual[i].first.ToIso();
    EXPECT_EQ(actual[i].second, expected[i].name) << want.ToIso();
  }
  int count = 0;
  for (Date d = Date::FromYmd(year, 1, 1); d.year() == year; d = d.AddDays(1)) {
    if (IsPublicHoliday(d)) {
      ++count;
      EXPECT_TRUE(HolidayName(d).has_value()) << d.ToIso();
    } else {
      EXPECT_FALSE(HolidayName(d).has_value()) << d.ToIso();
    }
  }
  EXPECT_EQ(count, static_cast<int>(expected.size())) << year;
}

// Lists below are 内閣府「国民の祝日について」 (and its syukujitsu.csv, which
// calls both 振替休日 and 国民の休日 simply 休日).

TEST(HolidaysTest, Year2024MatchesCabinetOfficeList) {
  ExpectYear(2024, {
                       {1, 1, "元日"},       {1, 8, "成人の日"},    {2, 11, "建国記念の日"},
                       {2, 12, "振替休日"},  {2, 23, "天皇誕生日"}, {3, 20, "春分の日"},
                       {4, 29, "昭和の日"},  {5, 3, "憲法記念日"},  {5, 4, "みどりの日"},
                       {5, 5, "こどもの日"}, {5, 6, "振替休日"},    {7, 15, "海の日"},
                       {8, 11, "山の日"},    {8, 12, "振替休日"},   {9, 16, "敬老の日"},
                       {9, 22, "秋分の日"},  {9, 23, "振替休日"},   {10, 14, "スポーツの日"},
                       {11, 3, "文化の日"},  {11, 4, "振替休日"},   {11, 23, "勤労感謝の日"},
                   });
}

TEST(HolidaysTest, Year2025MatchesCabinetOfficeList) {
  ExpectYear(2025,
             {
                 {1, 1, "元日"},           {1, 13, "成人の日"},      {2, 11, "建国記念の日"},
                 {2, 23, "天皇誕生日"},    {2, 24, "振替休日"},      {3, 20, "春分の日"},
                 {4, 29, "昭和の日"},      {5, 3, "憲法記念日"},     {5, 4, "みどりの日"},
                 {5, 5, "こどもの日"},     {5, 6, "振替休日"},  // 5/4 was a Sunday; 5/5 is taken
                 {7, 21, "海の日"},        {8, 11, "山の日"},        {9, 15, "敬老の日"},
                 {9, 23, "秋分の日"},      {10, 13, "スポーツの日"}, {11, 3, "文化の日"},
                 {11, 23, "勤労感謝の日"}, {11, 24, "振替休日"},
             });
}

TEST(HolidaysTest, Year2026MatchesCabinetOfficeList) {
  ExpectYear(2026, {
                       {1, 1, "元日"},
                       {1, 12, "成人の日"},
                       {2, 11, "建国記念の日"},
                       {2, 23, "天皇誕生日"},
                       {3, 20, "春分の日"},
                       {4, 29, "昭和の日"},
                       {5, 3, "憲法記念日"},
                       {5, 4, "みどりの日"},
                       {5, 5, "こどもの日"},
                       {5, 6, "振替休日"},  // 5/3 Sunday; the next free day is 5/6
                       {7, 20, "海の日"},
                       {8, 11, "山の日"},
                       {9, 21, "敬老の日"},
                       {9, 22, "国民の休日"},
                       {9, 23, "秋分の日"},
                       {10, 12, "スポーツの日"},
                       {11, 3, "文化の日"},
                       {11, 23, "勤労感謝の日"},
                   });
}

TEST(HolidaysTest, Year2027MatchesCabinetOfficeList) {
  ExpectYear(2027, {
                       {1, 1, "元日"},
                       {1, 11, "成人の日"},
                       {2, 11, "建国記念の日"},
                       {2, 23, "天皇誕生日"},
                       {3, 21, "春分の日"},
                       {3, 22, "振替休日"},
                       {4, 29, "昭和の日"},
                       {5, 3, "憲法記念日"},
                       {5, 4, "みどりの日"},
                       {5, 5, "こどもの日"},
                       {7, 19, "海の日"},
                       {8, 11, "山の日"},
                       {9, 20, "敬老の日"},
                       {9, 23, "秋分の日"},
                       {10, 11, "スポーツの日"},
                       {11, 3, "文化の日"},
                       {11, 23, "勤労感謝の日"},
                   });
}

std::string NameOf(int y, int m, int d) {
  const auto name = HolidayName(Date::FromYmd(y, m, d));
  return name ? std::string(*name) : "(none)";
}

TEST(HolidaysTest, GoldenWeek2019AroundTheAccession) {
  EXPECT_EQ(NameOf(2019, 4, 27), "(none)");  // Saturday
  EXPECT_EQ(NameOf(2019, 4, 28), "(none)");  // Sunday
  EXPECT_EQ(NameOf(2019, 4, 29), "昭和の日");
  EXPECT_EQ(NameOf(2019, 4, 30), "国民の休日");  // between 4/29 and the 5/1 holiday
  EXPECT_EQ(NameOf(2019, 5, 1), "天皇の即位の日");
  EXPECT_EQ(NameOf(2019, 5, 2), "国民の休日");
  EXPECT_EQ(NameOf(2019, 5, 3), "憲法記念日");
  EXPECT_EQ(NameOf(2019, 5, 4), "みどりの日");
  EXPECT_EQ(NameOf(2019, 5, 5), "こどもの日");
  EXPECT_EQ(NameOf(2019, 5, 6), "振替休日");
  EXPECT_EQ(NameOf(2019, 5, 7), "(none)");
  EXPECT_EQ(NameOf(2019, 10, 22), "即位礼正殿の儀");
}

TEST(HolidaysTest, EmperorsBirthdayMoves) {
  EXPECT_EQ(NameOf(1988, 4, 29), "天皇誕生日");
  EXPECT_EQ(NameOf(1989, 4, 29), "みどりの日");
  EXPECT_EQ(NameOf(1989, 12, 23), "天皇誕生日");
  EXPECT_EQ(NameOf(2018, 12, 23), "天皇誕生日");
  EXPECT_EQ(NameOf(2018, 12, 24), "振替休日");
  EXPECT_EQ(NameOf(2019, 2, 23), "(none)");
  EXPECT_EQ(NameOf(2019, 12, 23), "(none)");
  EXPECT_EQ(NameOf(2020, 2, 23), "天皇誕生日");
  EXPECT_EQ(NameOf(2020, 2, 24), "振替休日");
  EXPECT_EQ(HolidaysInYear(2019).size(), 22u);  // 2019 had 10 days off at GW
}

TEST(HolidaysTest, Olympics2020Moves) {
  EXPECT_EQ(NameOf(2020, 7, 23), "海の日");
  EXPECT_EQ(NameOf(2020, 7, 24), "スポーツの日");
  EXPECT_EQ(NameOf(2020, 8, 10), "山の日");
  EXPECT_EQ(NameOf(2020, 7, 20), "(none)");  // would have been the 3rd Monday
  EXPECT_EQ(NameOf(2020, 8, 11), "(none)");
  EXPECT_EQ(NameOf(2020, 10, 12), "(none)");  // would have been the 2nd Monday
}

TEST(HolidaysTest, Olympics2021Moves) {
  EXPECT_EQ(NameOf(2021, 7, 22), "海の日");
  EXPECT_EQ(NameOf(2021, 7, 23), "スポーツの日");
  EXPECT_EQ(NameOf(2021, 8, 8), "山の日");
  EXPECT_EQ(NameOf(2021, 8, 9), "振替休日");
  EXPECT_EQ(NameOf(2021, 7, 19), "(none)");
  EXPECT_EQ(NameOf(2021, 8, 11), "(none)");
  EXPECT_EQ(NameOf(2021, 10, 11), "(none)");
}

TEST(HolidaysTest, HappyMondayAndNameChanges) {
  EXPECT_EQ(NameOf(1999, 1, 15), "成人の日");
  EXPECT_EQ(NameOf(2000, 1, 15), "(none)");
  EXPECT_EQ(NameOf(2000, 1, 10), "成人の日");
  EXPECT_EQ(NameOf(1999, 10, 10), "体育の日");
  EXPECT_EQ(NameOf(2000, 10, 9), "体育の日");
  EXPECT_EQ(NameOf(2019, 10, 14), "体育の日");
  EXPECT_EQ(NameOf(2002, 7, 20), "海の日");
  EXPECT_EQ(NameOf(2003, 7, 21), "海の日");
  EXPECT_EQ(NameOf(1995, 7, 20), "(none)");  // 海の日 began in 1996
  EXPECT_EQ(NameOf(2002, 9, 15), "敬老の日");
  EXPECT_EQ(NameOf(2003, 9, 15), "敬老の日");  // third Monday happened to be the 15th
  EXPECT_EQ(NameOf(2004, 9, 20), "敬老の日");
  EXPECT_EQ(NameOf(2015, 8, 11), "(none)");  // 山の日 began in 2016
  EXPECT_EQ(NameOf(2016, 8, 11), "山の日");
  EXPECT_EQ(NameOf(2006, 4, 29), "みどりの日");
  EXPECT_EQ(NameOf(2007, 4, 29), "昭和の日");
  EXPECT_EQ(NameOf(2007, 5, 4), "みどりの日");
}

TEST(HolidaysTest, SubstituteHolidayRulesBefore2007) {
  // The rule took effect on 1973-04-12: 1973-02-11 (a Sunday) had none,
  // 1973-04-29 (a Sunday) gave the first one.
  EXPECT_EQ(NameOf(1973, 2, 12), "(none)");
  EXPECT_EQ(NameOf(1973, 4, 30), "振替休日");
  // Before 2007 the substitute was the Monday itself, even inside GW.
  EXPECT_EQ(NameOf(1998, 5, 4), "振替休日");
  EXPECT_EQ(NameOf(1998, 5, 6), "(none)");
  // Since 2007 a Sunday 5/3 pushes the substitute past 5/4 and 5/5.
  EXPECT_EQ(NameOf(2009, 5, 6), "振替休日");
}

TEST(HolidaysTest, CitizensHolidayBetweenTwoHolidays) {
  EXPECT_EQ(NameOf(1985, 5, 4), "(none)");  // before the 1985-12-27 amendment
  EXPECT_EQ(NameOf(1988, 5, 4), "国民の休日");
  EXPECT_EQ(NameOf(2006, 5, 4), "国民の休日");
  EXPECT_EQ(NameOf(2009, 9, 22), "国民の休日");
  EXPECT_EQ(NameOf(2015, 9, 22), "国民の休日");
}

TEST(HolidaysTest, SpecialOneOffHolidays) {
  EXPECT_EQ(NameOf(1959, 4, 10), "皇太子明仁親王の結婚の儀");
  EXPECT_EQ(NameOf(1989, 2, 24), "昭和天皇の大喪の礼");
  EXPECT_EQ(NameOf(1990, 11, 12), "即位礼正殿の儀");
  EXPECT_EQ(NameOf(1993, 6, 9), "皇太子徳仁親王の結婚の儀");
}

TEST(HolidaysTest, EquinoxFormula) {
  // 1979 was the last 9/24 秋分の日 (checks the 1900-1979 constants) and 2012
  // the first 9/22 in decades.
  EXPECT_EQ(NameOf(1979, 9, 24), "秋分の日");
  EXPECT_EQ(NameOf(1980, 9, 23), "秋分の日");
  EXPECT_EQ(NameOf(2012, 9, 22), "秋分の日");
  EXPECT_EQ(NameOf(2028, 3, 20), "春分の日");
  EXPECT_EQ(NameOf(2028, 9, 22), "秋分の日");
  EXPECT_EQ(NameOf(2030, 3, 20), "春分の日");
  EXPECT_EQ(NameOf(2030, 9, 23), "秋分の日");
}

// Every 振替休日 and 国民の休日 from the rule's start to 2023, which
// 内閣府's syukujitsu.csv lists as plain 休日. This exercises both the
// 1973-2006 and the 2007- substitute rules and the 1985 sandwich rule.
TEST(HolidaysTest, DerivedHolidays1955To2023MatchCabinetOfficeCsv) {
  const char* kExpected[] = {
      "1973-04-30", "1973-09-24", "1974-05-06", "1974-09-16", "1974-11-04", "1975-11-24",
      "1976-10-11", "1978-01-02", "1978-01-16", "1979-02-12", "1979-04-30", "1980-11-24",
      "1981-05-04", "1982-03-22", "1982-10-11", "1984-01-02", "1984-01-16", "1984-04-30",
      "1984-09-24", "1985-05-06", "1985-09-16", "1985-11-04", "1986-11-24", "1987-05-04",
      "1988-03-21", "1988-05-04", "1989-01-02", "1989-01-16", "1989-05-04", "1990-02-12",
      "1990-04-30", "1990-05-04", "1990-09-24", "1990-12-24", "1991-05-04", "1991-05-06",
      "1991-09-16", "1991-11-04", "1992-05-04", "1993-05-04", "1993-10-11", "1994-05-04",
      "1995-01-02", "1995-01-16", "1995-05-04", "1996-02-12", "1996-05-04", "1996-05-06",
      "1996-09-16", "1996-11-04", "1997-07-21", "1997-11-24", "1998-05-04", "1999-03-22",
      "1999-05-04", "1999-10-11", "2000-05-04", "2001-02-12", "2001-04-30", "2001-05-04",
      "2001-09-24", "2001-12-24", "2002-05-04", "2002-05-06", "2002-09-16", "2002-11-04",
      "2003-11-24", "2004-05-04", "2005-03-21", "2005-05-04", "2006-01-02", "2006-05-04",
      "2007-02-12", "2007-04-30", "2007-09-24", "2007-12-24", "2008-05-06", "2008-11-24",
      "2009-05-06", "2009-09-22", "2010-03-22", "2012-01-02", "2012-04-30", "2012-12-24",
      "2013-05-06", "2013-11-04", "2014-05-06", "2014-11-24", "2015-05-06", "2015-09-22",
      "2016-03-21", "2017-01-02", "2018-02-12", "2018-04-30", "2018-09-24", "2018-12-24",
      "2019-04-30", "2019-05-02", "2019-05-06", "2019-08-12", "2019-11-04", "2020-02-24",
      "2020-05-06", "2021-08-09", "2023-01-02",
  };
  std::vector<std::string> actual;
  for (int y = 1955; y <= 2023; ++y) {
    for (const auto& [date, name] : HolidaysInYear(y)) {
      if (name == "振替休日" || name == "国民の休日") actual.push_back(date.ToIso());
    }
  }
  EXPECT_EQ(actual, std::vector<std::string>(std::begin(kExpected), std::end(kExpected)));
}

// 春分の日 / 秋分の日 day of month, 1955-2023, from the same CSV.
TEST(HolidaysTest, Equinoxes1955To2023MatchCabinetOfficeCsv) {
  const int kSpring[] = {21, 21, 21, 21, 21, 20, 21, 21, 21, 20, 21, 21, 21, 20, 21, 21, 21, 20,
                         21, 21, 21, 20, 21, 21, 21, 20, 21, 21, 21, 20, 21, 21, 21, 20, 21, 21,
                         21, 20, 20, 21, 21, 20, 20, 21, 21, 20, 20, 21, 21, 20, 20, 21, 21, 20,
                         20, 21, 21, 20, 20, 21, 21, 20, 20, 21, 21, 20, 20, 21, 21};
  const int kAutumn[] = {24, 23, 23, 23, 24, 23, 23, 23, 24, 23, 23, 23, 24, 23, 23, 23, 24, 23,
                         23, 23, 24, 23, 23, 23, 24, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23,
                         23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23,
                         23, 23, 23, 22, 23, 23, 23, 22, 23, 23, 23, 22, 23, 23, 23};
  static_assert(std::size(kSpring) == 2023 - 1955 + 1 && std::size(kAutumn) == std::size(kSpring));
  for (int y = 1955; y <= 2023; ++y) {
    const size_t i = static_cast<size_t>(y - 1955);
    EXPECT_EQ(NameOf(y, 3, kSpring[i]), "春分の日") << y;
    EXPECT_EQ(NameOf(y, 9, kAutumn[i]), "秋分の日") << y;
  }
}

TEST(HolidaysTest, OutsideSupportedRangeHasNoHolidays) {
  EXPECT_TRUE(HolidaysInYear(1947).empty());
  EXPECT_FALSE(IsPublicHoliday(Date::FromYmd(1947, 1, 1)));
  EXPECT_FALSE(IsPublicHoliday(Date::FromYmd(2151, 1, 1)));
  // The Act took effect on 1948-07-20: 1948 has only the autumn holidays.
  const auto h1948 = HolidaysInYear(1948);
  ASSERT_EQ(h1948.size(), 3u);
  EXPECT_EQ(h1948[0].first, Date::FromYmd(1948, 9, 23));
  EXPECT_TRUE(IsPublicHoliday(Date::FromYmd(2150, 1, 1)));
}

TEST(HolidaysTest, EveryYearIsPlausible) {
  // Catches table-building slips in years nobody lists by hand: from 2022
  // on there are exactly 16 named 国民の祝日 a year, and a 振替休日 or
  // 国民の休日 is never a Sunday.
  for (int y = 2022; y <= 2150; ++y) {
    int shukujitsu = 0;
    for (const auto& [date, name] : HolidaysInYear(y)) {
      if (name != "振替休日" && name != "国民の休日") {
        ++shukujitsu;
      } else {
        EXPECT_NE(date.weekday(), Weekday::kSunday) << date.ToIso();
      }
    }
    EXPECT_EQ(shukujitsu, 16) << y;
  }
}

// Issue 21: the test compared each thread's count with the constant 21 for a
// year earlier tests had already computed (so not a first use). Now four
// threads released together ask for years no other test asks for, and each
// must get exactly the list a later single-threaded call gets.
TEST(HolidaysTest, ConcurrentFirstUseIsSafe) {
  constexpr int kYears[] = {2091, 2092, 2093, 2094};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  std::vector<std::vector<std::vector<std::pair<Date, std::string_view>>>> got(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&got, &go, &kYears, t] {
      while (!go.load())
        std::this_thread::yield();
      for (int y : kYears)
        got[static_cast<size_t>(t)].push_back(HolidaysInYear(y));
    });
  }
  go = true;
  for (auto& th : threads)
    th.join();
  for (size_t i = 0; i < std::size(kYears); ++i) {
    const auto expected = HolidaysInYear(kYears[i]);
    EXPECT_GE(expected.size(), 16u) << kYears[i];  // the 16 祝日 at least
    for (int t = 0; t < 4; ++t)
      EXPECT_EQ(got[static_cast<size_t>(t)][i], expected) << "thread " << t << " " << kYears[i];
  }
}

}  // namespace
}  // namespace onshi
