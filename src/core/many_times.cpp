#include "core/many_times.hpp"

#include <algorithm>
#include <map>

namespace onshi {
namespace {

Date FirstOfMonth(Date d) {
  return Date::FromYmd(d.year(), d.month(), 1);
}

}  // namespace

Expected<bool> MonthReached(LimitAgeGroup age, IncomeCategory category, Date month, bool many_times,
                            std::span<const MonthlyClaim> claims) {
  const bool under70 = age == LimitAgeGroup::kUnder70;
  int64_t total = 0, paid = 0;
  for (const MonthlyClaim& c : claims) {
    if (under70 && c.self_pay_yen < kUnder70CombineFrom) continue;
    total += c.total_cost_yen;
    paid += c.self_pay_yen;
  }
  if (paid == 0) return false;
  LimitQuery q;
  q.age = age;
  q.category = category;
  // Under 70 there is one line; 70 and over, the 世帯 line (外来＋入院).
  q.setting = CareSetting::kInpatient;
  q.month = month;
  q.total_cost_yen = total;
  q.many_times = many_times;
  const auto limit = MonthlySelfPayLimit(q);
  if (!limit.ok()) return limit.error();
  return paid >= *limit;
}

Expected<ManyTimesAnswer> ManyTimesIn(LimitAgeGroup age, IncomeCategory category, Date month,
                                      std::span<const MonthlyClaim> claims) {
  const Date asked = FirstOfMonth(month);
  // The claims by month, before the month asked.
  std::map<Date, std::vector<MonthlyClaim>> by_month;
  for (const MonthlyClaim& c : claims) {
    const Date m = FirstOfMonth(c.month);
    if (m < asked) by_month[m].push_back(c);
  }
  // Month by month, oldest first: each month's own 多数回 state decides its
  // limit, and so whether it counts for the months after it.
  std::vector<Date> reached;
  auto count_within = [&](Date m) {
    const Date from = m.AddMonths(-12);
    return std::count_if(reached.begin(), reached.end(),
                         [&](Date r) { return r >= from && r < m; });
  };
  for (const auto& [m, list] : by_month) {
    const bool many = count_within(m) >= 3;
    const auto r = MonthReached(age, category, m, many, list);
    if (!r.ok()) {
      // A month before the tables (2018-08) cannot be judged; it is not
      // counted (the window's limit can only come out higher).
      if (r.error().field == "month") continue;
      return r.error();
    }
    if (*r) reached.push_back(m);
  }
  // The category must fit the month asked too.
  LimitQuery probe;
  probe.age = age;
  probe.category = category;
  probe.setting = CareSetting::kInpatient;
  probe.month = asked;
  if (const auto ok = MonthlySelfPayLimit(probe); !ok.ok()) return ok.error();
  ManyTimesAnswer a;
  const Date from = asked.AddMonths(-12);
  for (Date r : reached)
    if (r >= from) a.reached.push_back(r);
  a.many_times = a.reached.size() >= 3;
  return a;
}

}  // namespace onshi
