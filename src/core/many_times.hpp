// 多数回該当: the lower limit from the 4th month in which the 高額療養費 limit
// was reached within 12 months (健康保険法施行令 §42 ①; MHLW 「高額療養費制度を
// 利用される皆さまへ」: 「過去12か月以内に3回以上、上限額に達した場合は、
// 4回目から『多数回』該当となり、上限額が下がります」). R-FAC-9, issue 18.
//
// The insurer knows it from its monthly claim totals (レセプト, one per
// facility, month and 入院/外来); the window applies it. This decides it
// from those totals, for one person under one insurer (a change of insurer
// starts the count again: the caller passes only the current insurer's
// claims).
//
// Which claims a month's limit is reached with:
//   - under 70: the claims (per facility, per 入院/外来) of 21,000円 or more
//     self-pay are added up (レセプト単位の21,000円以上の合算), and the limit
//     is computed on their total cost;
//   - 70 and over: every claim, against the 世帯 line (外来＋入院, the
//     inpatient line of the table). A month reached only by the 外来 個人
//     limit (外来特例) does not count towards 多数回 (MHLW: 「外来（個人ごと）
//     の限度額による支給は、多数回該当の回数に含みません」).
//   - 世帯合算 across family members is the insurer's later reckoning and is
//     not seen here: a month reached only with the family's claims is missed,
//     which can only make the window's limit higher, never lower than due.
// The count runs month by month, oldest first, since a month reached under
// the lower 多数回 limit counts as well.
#ifndef ONSHI_CORE_MANY_TIMES_HPP_
#define ONSHI_CORE_MANY_TIMES_HPP_

#include <cstdint>
#include <span>
#include <vector>

#include "core/date.hpp"
#include "core/expected.hpp"
#include "core/high_cost_limit.hpp"

namespace onshi {

// One monthly claim total of the person.
struct MonthlyClaim {
  Date month;  // any day of the month of treatment
  CareSetting setting = CareSetting::kOutpatient;
  int64_t total_cost_yen = 0;  // 総医療費 (10割)
  int64_t self_pay_yen = 0;    // 一部負担金 the patient paid
};

// The self-pay a claim needs, under 70, to be added up with others.
inline constexpr int64_t kUnder70CombineFrom = 21'000;

struct ManyTimesAnswer {
  bool many_times = false;    // the month asked is a 多数回 month
  std::vector<Date> reached;  // months (1st day) reached in the 12 before it, oldest first
};

// Whether `month` is a 多数回 month for someone in `age` / `category` (as
// in force in `month`; the person's category is taken as the same for the
// months before), from `claims` (any order, any months: those from `month`
// on are ignored). An error when the category does not fit the age group.
Expected<ManyTimesAnswer> ManyTimesIn(LimitAgeGroup age, IncomeCategory category, Date month,
                                      std::span<const MonthlyClaim> claims);

// Whether `claims` (all of one month) reach that month's limit; `many_times`
// is whether the month itself was a 多数回 month.
Expected<bool> MonthReached(LimitAgeGroup age, IncomeCategory category, Date month, bool many_times,
                            std::span<const MonthlyClaim> claims);

}  // namespace onshi

#endif  // ONSHI_CORE_MANY_TIMES_HPP_
