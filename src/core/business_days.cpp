#include "core/business_days.hpp"

#include <cstdint>
#include <vector>

#include "core/holidays.hpp"

namespace onshi {
namespace {

bool IsWeekend(Date d) {
  const Weekday w = d.weekday();
  return w == Weekday::kSaturday || w == Weekday::kSunday;
}

bool InYearEndClosure(Date d) {
  const int m = d.month();
  const int day = d.day();
  return (m == 12 && day >= 29) || (m == 1 && day <= 3);
}

// The rule itself, evaluated from scratch. The table below caches it; this is
// also the fallback outside the table's range.
bool ComputeIsBusinessDay(Date d, const BusinessDayOptions& options) {
  if (IsWeekend(d) || IsPublicHoliday(d)) return false;
  return !(options.year_end_closure && InYearEndClosure(d));
}

// Business-day flags and running counts for every day of the holiday table's
// range, for both settings of the single option. prefix_*[i] is the number of
// business days among the first i days, so a count over a range is one
// subtraction however long the range is (useful for batch jobs measuring lag
// over many records).
class Table {
 public:
  Table() {
    first_ = Date::FromYmd(kHolidayFirstYear, 1, 1).days_since_epoch();
    const int32_t end = Date::FromYmd(kHolidayLastYear + 1, 1, 1).days_since_epoch();
    const size_t n = static_cast<size_t>(end - first_);
    open_.resize(n);
    prefix_closure_.resize(n + 1);
    prefix_no_closure_.resize(n + 1);
    for (size_t i = 0; i < n; ++i) {
      const Date d = Date::FromDaysSinceEpoch(first_ + static_cast<int32_t>(i));
      const bool no_closure = ComputeIsBusinessDay(d, {.year_end_closure = false});
      const bool closure = no_closure && !InYearEndClosure(d);
      open_[i] = static_cast<uint8_t>((closure ? kOpenWithClosure : 0) |
                                      (no_closure ? kOpenWithoutClosure : 0));
      prefix_closure_[i + 1] = prefix_closure_[i] + (closure ? 1 : 0);
      prefix_no_closure_[i + 1] = prefix_no_closure_[i] + (no_closure ? 1 : 0);
    }
  }

  bool Contains(Date d) const {
    const int64_t i = static_cast<int64_t>(d.days_since_epoch()) - first_;
    return i >= 0 && i < static_cast<int64_t>(open_.size());
  }

  // Requires Contains(d).
  bool IsOpen(Date d, const BusinessDayOptions& options) const {
    return (open_[Index(d)] & Bit(options)) != 0;
  }

  // Business days in (from, to]; requires from <= to, both contained.
  int CountAfterThrough(Date from, Date to, const BusinessDayOptions& options) const {
    const std::vector<int32_t>& p = options.year_end_closure ? prefix_closure_ : prefix_no_closure_;
    return p[Index(to) + 1] - p[Index(from) + 1];
  }

 private:
  static constexpr uint8_t kOpenWithClosure = 1;
  static constexpr uint8_t kOpenWithoutClosure = 2;
  static uint8_t Bit(const BusinessDayOptions& o) {
    return o.year_end_closure ? kOpenWithClosure : kOpenWithoutClosure;
  }
  size_t Index(Date d) const { return static_cast<size_t>(d.days_since_epoch() - first_); }

  int32_t first_ = 0;
  std::vector<uint8_t> open_;
  std::vector<int32_t> prefix_closure_;
  std::vector<int32_t> prefix_no_closure_;
};

const Table& GetTable() {
  static const Table table;  // thread-safe one-time initialisation
  return table;
}

}  // namespace

bool IsBusinessDay(Date date, const BusinessDayOptions& options) {
  const Table& table = GetTable();
  if (table.Contains(date)) return table.IsOpen(date, options);
  return ComputeIsBusinessDay(date, options);
}

Date AddBusinessDays(Date start, int n, const BusinessDayOptions& options) {
  // Lags are a handful of days, so stepping beats searching the prefix sums.
  const int step = n < 0 ? -1 : 1;
  int remaining = n < 0 ? -n : n;
  Date d = start;
  while (remaining > 0) {
    d = d.AddDays(step);
    if (IsBusinessDay(d, options)) --remaining;
  }
  return d;
}

int BusinessDaysBetween(Date from, Date to, const BusinessDayOptions& options) {
  if (to < from) return -BusinessDaysBetween(to, from, options);
  const Table& table = GetTable();
  if (table.Contains(from) && table.Contains(to)) {
    return table.CountAfterThrough(from, to, options);
  }
  int count = 0;
  for (Date d = from.AddDays(1); d <= to; d = d.AddDays(1)) {
    if (IsBusinessDay(d, options)) ++count;
  }
  return count;
}

}  // namespace onshi
