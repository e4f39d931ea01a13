#include "core/birthdays.hpp"

#include <algorithm>
#include <cassert>

namespace onshi {
namespace {

bool IsLeapDay(Date d) {
  return d.month() == 2 && d.day() == 29;
}

}  // namespace

Date BirthdayInYear(Date birth, int year) {
  if (IsLeapDay(birth) && !Date::IsLeapYear(year)) return Date::FromYmd(year, 2, 28);
  return Date::FromYmd(year, birth.month(), birth.day());
}

Date NthBirthdayAfter(Date birth, Date issued, int n) {
  assert(n >= 1);
  // First candidate year: the issue year, but never the birth year (the day of
  // birth is not a birthday, and a card cannot predate its holder anyway).
  int year = std::max(issued.year(), birth.year() + 1);
  if (BirthdayInYear(birth, year) <= issued) ++year;  // on the issue day: not counted
  return BirthdayInYear(birth, year + n - 1);
}

Date AgeAttainmentDay(Date birth, int n) {
  assert(n >= 1);
  const int year = birth.year() + n;
  // 民法143条2項: a year counted from a day that has no counterpart in the
  // final month ends on that month's last day, i.e. 28 Feb for a 29-Feb birth.
  if (IsLeapDay(birth)) return Date::FromYmd(year, 2, 28);
  return Date::FromYmd(year, birth.month(), birth.day()).AddDays(-1);
}

int AgeOn(Date birth, Date on) {
  if (on <= birth) return 0;
  int age = on.year() - birth.year();
  // The age is complete only once its attainment day has ended.
  while (age > 0 && AgeAttainmentDay(birth, age) >= on) {
    --age;
  }
  return age;
}

}  // namespace onshi
