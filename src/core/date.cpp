#include "core/date.hpp"

#include <algorithm>
#include <cassert>
#include <cstdio>

namespace onshi {
namespace {

// Howard Hinnant's days_from_civil / civil_from_days: exact for the whole
// int32 range and branch-light, which matters because populate and the
// eligibility hot path convert dates constantly.
int32_t DaysFromCivil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

struct Ymd {
  int y;
  int m;
  int d;
};

Ymd CivilFromDays(int32_t z) {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int y = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), static_cast<int>(m), static_cast<int>(d)};
}

bool ParseDigits(std::string_view s, int* out) {
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

}  // namespace

bool Date::IsLeapYear(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int Date::DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && IsLeapYear(year)) return 29;
  return kDays[month - 1];
}

Date Date::FromYmd(int year, int month, int day) {
  assert(FromYmdChecked(year, month, day).has_value());
  return Date(DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)));
}

std::optional<Date> Date::FromYmdChecked(int year, int month, int day) {
  if (year < 1 || year > 9999 || month < 1 || month > 12) return std::nullopt;
  if (day < 1 || day > DaysInMonth(year, month)) return std::nullopt;
  return Date(DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)));
}

std::optional<Date> Date::ParseCompact(std::string_view text) {
  int y, m, d;
  if (text.size() != 8 || !ParseDigits(text.substr(0, 4), &y) ||
      !ParseDigits(text.substr(4, 2), &m) || !ParseDigits(text.substr(6, 2), &d)) {
    return std::nullopt;
  }
  return FromYmdChecked(y, m, d);
}

std::optional<Date> Date::ParseIso(std::string_view text) {
  int y, m, d;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' ||
      !ParseDigits(text.substr(0, 4), &y) || !ParseDigits(text.substr(5, 2), &m) ||
      !ParseDigits(text.substr(8, 2), &d)) {
    return std::nullopt;
  }
  return FromYmdChecked(y, m, d);
}

int Date::year() const {
  return CivilFromDays(days_).y;
}
int Date::month() const {
  return CivilFromDays(days_).m;
}
int Date::day() const {
  return CivilFromDays(days_).d;
}

Weekday Date::weekday() const {
  // 1970-01-01 was a Thursday (4).
  const int w = static_cast<int>((static_cast<int64_t>(days_) % 7 + 7 + 4) % 7);
  return static_cast<Weekday>(w);
}

Date Date::AddMonths(int n) const {
  const Ymd c = CivilFromDays(days_);
  const int total = c.y * 12 + (c.m - 1) + n;
  const int y = total / 12;
  const int m = total % 12 + 1;
  const int d = std::min(c.d, DaysInMonth(y, m));
  return Date(DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d)));
}

Date Date::LastDayOfMonth() const {
  const Ymd c = CivilFromDays(days_);
  return Date(
      DaysFromCivil(c.y, static_cast<unsigned>(c.m), static_cast<unsigned>(DaysInMonth(c.y, c.m))));
}

namespace {

// YYYY[sep]MM[sep]DD without printf: every stored date is bound as text, so
// a check or an imported form formats a dozen of them, and snprintf showed
// in the profiles. Years outside 0..9999 (never stored) take the slow path.
std::string Format(const Ymd& c, const char* sep) {
  if (c.y < 0 || c.y > 9999) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d%s%02d%s%02d", c.y, sep, c.m, sep, c.d);
    return buf;
  }
  std::string out;
  out.reserve(10);
  const int y = c.y;
  out += static_cast<char>('0' + y / 1000);
  out += static_cast<char>('0' + y / 100 % 10);
  out += static_cast<char>('0' + y / 10 % 10);
  out += static_cast<char>('0' + y % 10);
  out += sep;
  out += static_cast<char>('0' + c.m / 10);
  out += static_cast<char>('0' + c.m % 10);
  out += sep;
  out += static_cast<char>('0' + c.d / 10);
  out += static_cast<char>('0' + c.d % 10);
  return out;
}

}  // namespace

std::string Date::ToCompact() const {
  return Format(CivilFromDays(days_), "");
}

std::string Date::ToIso() const {
  return Format(CivilFromDays(days_), "-");
}

}  // namespace onshi
