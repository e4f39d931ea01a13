// Business days (営業日, 開庁日): the days an insurer or a government office
// is open and can process a submission.
//
// A business day is not a Saturday, not a Sunday, not a public holiday (see
// core/holidays.hpp) and, by default, not in the year-end/new-year closure
// 12/29-1/3 that 行政機関の休日に関する法律 art. 1 gives government offices
// and that insurers observe in practice. The closure is an option because
// R-LINK-3 (registration lag: "at least 2 business days, no weekends or
// holidays") is a per-insurer setting and not every insurer closes.
//
// Counting convention, used by every function here: the start day never
// counts. "2 business days after a Friday submission" is the Tuesday when
// Monday is an ordinary day, whatever hour the form arrived on Friday.
//
// All functions are pure and thread-safe. Inside the holiday table's range
// (core/holidays.hpp) they use a precomputed per-day table with prefix sums,
// so IsBusinessDay and BusinessDaysBetween are O(1); outside it they fall back
// to day-by-day evaluation with weekends and the closure only.
#ifndef ONSHI_CORE_BUSINESS_DAYS_HPP_
#define ONSHI_CORE_BUSINESS_DAYS_HPP_

#include "core/date.hpp"

namespace onshi {

struct BusinessDayOptions {
  // Treat 12/29, 12/30, 12/31, 1/1, 1/2 and 1/3 as closed (年末年始).
  bool year_end_closure = true;
};

bool IsBusinessDay(Date date, const BusinessDayOptions& options = {});

// For n > 0, the n-th business day after `start` (start itself does not
// count, whether or not it is a business day): AddBusinessDays(Fri, 2) is the
// following Tuesday, AddBusinessDays(Sat, 1) the following Monday.
// For n < 0, the |n|-th business day before `start`, symmetrically.
// For n == 0, `start` unchanged.
Date AddBusinessDays(Date start, int n, const BusinessDayOptions& options = {});

// The number of business days d with from < d <= to, negated when to < from
// (then counting to < d <= from). It is the inverse of AddBusinessDays:
// AddBusinessDays(from, BusinessDaysBetween(from, to)) == to whenever `to` is
// a business day. Friday to the next Tuesday is 2; a day to itself is 0.
int BusinessDaysBetween(Date from, Date to, const BusinessDayOptions& options = {});

}  // namespace onshi

#endif  // ONSHI_CORE_BUSINESS_DAYS_HPP_
