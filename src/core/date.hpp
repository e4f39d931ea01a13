// A civil (proleptic Gregorian) calendar date with no time zone.
//
// The domain core never reads a clock: every rule takes the date it is
// evaluated on as a parameter (see docs/ARCHITECTURE.md, "time is an input").
// Dates are stored as a day count so that comparison and arithmetic are a
// single integer operation; year/month/day are derived on demand.
#ifndef ONSHI_CORE_DATE_HPP_
#define ONSHI_CORE_DATE_HPP_

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace onshi {

enum class Weekday { kSunday = 0, kMonday, kTuesday, kWednesday, kThursday, kFriday, kSaturday };

class Date {
 public:
  // 1970-01-01. Exists so Date can live in containers; prefer FromYmd.
  constexpr Date() = default;

  // Requires a valid date (checked with an assertion in debug builds).
  static Date FromYmd(int year, int month, int day);
  // Returns nullopt for impossible dates such as 2023-02-29 or month 13.
  static std::optional<Date> FromYmdChecked(int year, int month, int day);
  static constexpr Date FromDaysSinceEpoch(int32_t days) { return Date(days); }

  // "YYYYMMDD", the OQS wire format. Exactly eight ASCII digits.
  static std::optional<Date> ParseCompact(std::string_view text);
  // "YYYY-MM-DD" (ISO 8601 calendar date).
  static std::optional<Date> ParseIso(std::string_view text);

  static bool IsLeapYear(int year);
  static int DaysInMonth(int year, int month);

  int year() const;
  int month() const;
  int day() const;
  constexpr int32_t days_since_epoch() const { return days_; }
  Weekday weekday() const;

  constexpr Date AddDays(int32_t n) const { return Date(days_ + n); }
  // Adds calendar months; the day is clamped to the last day of the target
  // month (2024-01-31 + 1 month = 2024-02-29).
  Date AddMonths(int n) const;
  Date AddYears(int n) const { return AddMonths(n * 12); }
  Date LastDayOfMonth() const;

  std::string ToCompact() const;  // YYYYMMDD
  std::string ToIso() const;      // YYYY-MM-DD

  constexpr auto operator<=>(const Date&) const = default;

 private:
  constexpr explicit Date(int32_t days) : days_(days) {}
  int32_t days_ = 0;
};

// Whole days from `from` to `to` (negative if `to` is earlier).
inline int32_t DaysBetween(Date from, Date to) {
  return to.days_since_epoch() - from.days_since_epoch();
}

}  // namespace onshi

#endif  // ONSHI_CORE_DATE_HPP_
