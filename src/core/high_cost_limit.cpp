#include "core/high_cost_limit.hpp"

#include <algorithm>
#include <array>

#include "core/copay.hpp"

namespace onshi {
namespace {

struct CategoryInfo {
  IncomeCategory category;
  std::string_view code;
  std::string_view name;
};

constexpr std::array<CategoryInfo, 16> kCategories = {{
    {IncomeCategory::kA, "A01", "ア"},
    {IncomeCategory::kI, "A02", "イ"},
    {IncomeCategory::kU, "A03", "ウ"},
    {IncomeCategory::kE, "A04", "エ"},
    {IncomeCategory::kO, "A05", "オ"},
    {IncomeCategory::kOBorder, "A06", "オ（境）"},
    {IncomeCategory::kActiveIII, "B01", "現役並みⅢ"},
    {IncomeCategory::kActiveII, "B02", "現役並みⅡ"},
    {IncomeCategory::kActiveI, "B03", "現役並みⅠ"},
    {IncomeCategory::kGeneral, "B04", "一般"},
    {IncomeCategory::kLowIncomeII, "B05", "低所得Ⅱ"},
    {IncomeCategory::kLowIncomeI, "B06", "低所得Ⅰ"},
    {IncomeCategory::kLowIncomeIWelfare, "B07", "低所得Ⅰ（老福）"},
    {IncomeCategory::kLowIncomeIBorder, "B08", "低所得Ⅰ（境）"},
    {IncomeCategory::kGeneralII, "B09", "一般Ⅱ"},
    {IncomeCategory::kGeneralI, "B10", "一般Ⅰ"},
}};

const CategoryInfo& Info(IncomeCategory c) {
  for (const CategoryInfo& i : kCategories)
    if (i.category == c) return i;
  return kCategories[0];  // unreachable: every enumerator is in the table
}

// One line of a limit table: `fixed` + (総医療費 − `threshold`) × 1 % when
// `threshold` is set, `fixed` alone otherwise; `many_times` replaces it for
// the 4th month (0: 多数回 does not apply to this line).
struct Line {
  int64_t fixed = 0;
  int64_t threshold = 0;
  int64_t many_times = 0;
};

// The 1 % term, rounded to the yen half up (健康保険法施行令 §42: 50銭未満
// 切り捨て, 50銭以上切り上げ).
int64_t OnePercentOver(int64_t total, int64_t threshold) {
  const int64_t over = std::max<int64_t>(0, total - threshold);
  return (over + 50) / 100;
}

// The month the current tables start (70歳以上 revised 2018-08; the under-70
// lines have been the same since 2015-01).
constexpr int kTablesFromYear = 2018, kTablesFromMonth = 8;

// 一般Ⅱ's 外来 relief, 2022-10-01 to 2025-09-30: the rise from 1割 to 2割
// is capped at 3,000円 a month, i.e. 6,000円 + (総医療費 − 30,000円) × 10 %,
// never more than the 18,000円 of the other 一般.
bool InGeneralIIRelief(Date month) {
  const int ym = month.year() * 100 + month.month();
  return ym >= 202210 && ym <= 202509;
}

Line ActiveLine(IncomeCategory c) {
  switch (c) {
    case IncomeCategory::kA:
    case IncomeCategory::kActiveIII:
      return {252'600, 842'000, 140'100};
    case IncomeCategory::kI:
    case IncomeCategory::kActiveII:
      return {167'400, 558'000, 93'000};
    default:  // ウ, 現役並みⅠ
      return {80'100, 267'000, 44'400};
  }
}

bool IsUnder70Category(IncomeCategory c) {
  return c == IncomeCategory::kA || c == IncomeCategory::kI || c == IncomeCategory::kU ||
         c == IncomeCategory::kE || c == IncomeCategory::kO || c == IncomeCategory::kOBorder;
}

}  // namespace

std::optional<IncomeCategory> IncomeCategoryFromOqs(std::string_view code) {
  for (const CategoryInfo& i : kCategories)
    if (i.code == code) return i.category;
  return std::nullopt;
}

std::string_view OqsCode(IncomeCategory c) {
  return Info(c).code;
}
std::string_view JapaneseName(IncomeCategory c) {
  return Info(c).name;
}

LimitAgeGroup LimitAgeGroupOn(Date birth, Date on, bool late_stage_elderly) {
  if (late_stage_elderly) return LimitAgeGroup::k75AndOver;
  if (on >= ElderlyRecipientFrom(birth)) return LimitAgeGroup::k70To74;
  return LimitAgeGroup::kUnder70;
}

bool IsSeventyFifthBirthdayMonth(Date birth, Date on) {
  if (birth.day() == 1) return false;
  const Date birthday = birth.AddYears(75);
  return birthday.year() == on.year() && birthday.month() == on.month();
}

Expected<int64_t> MonthlySelfPayLimit(const LimitQuery& q) {
  if (q.month.year() * 100 + q.month.month() < kTablesFromYear * 100 + kTablesFromMonth)
    return Error{"month", "no limit table before 2018-08 (平成30年8月診療分)"};
  if (q.total_cost_yen < 0) return Error{"total_cost_yen", "the total cost cannot be negative"};
  const bool under70 = q.age == LimitAgeGroup::kUnder70;
  if (under70 != IsUnder70Category(q.category)) {
    return Error{"category", std::string("所得区分「") + std::string(JapaneseName(q.category)) +
                                 "」は" + (under70 ? "70歳以上" : "70歳未満") + "の区分です"};
  }
  if ((q.category == IncomeCategory::kGeneralI || q.category == IncomeCategory::kGeneralII) &&
      q.age != LimitAgeGroup::k75AndOver) {
    return Error{"category", "所得区分「一般Ⅰ」「一般Ⅱ」は後期高齢者医療の区分です"};
  }
  const bool outpatient = q.setting == CareSetting::kOutpatient;
  // The halving of the 75th birthday's month applies to every amount of the
  // line, thresholds included.
  const int64_t div = q.birthday_month_halved ? 2 : 1;

  Line line;
  switch (q.category) {
    case IncomeCategory::kA:
    case IncomeCategory::kI:
    case IncomeCategory::kU:
    case IncomeCategory::kActiveIII:
    case IncomeCategory::kActiveII:
    case IncomeCategory::kActiveI:
      line = ActiveLine(q.category);
      break;
    case IncomeCategory::kE:
      line = {57'600, 0, 44'400};
      break;
    case IncomeCategory::kO:
    case IncomeCategory::kOBorder:
      line = {35'400, 0, 24'600};
      break;
    case IncomeCategory::kGeneral:
    case IncomeCategory::kGeneralI:
    case IncomeCategory::kGeneralII:
      // 外来 is the individual line, to which 多数回 does not apply.
      line = outpatient ? Line{18'000, 0, 0} : Line{57'600, 0, 44'400};
      if (outpatient && q.category == IncomeCategory::kGeneralII && InGeneralIIRelief(q.month)) {
        const int64_t threshold = 30'000 / div;
        const int64_t over = std::max<int64_t>(0, q.total_cost_yen - threshold);
        return std::min<int64_t>(6'000 / div + (over + 5) / 10, 18'000 / div);
      }
      break;
    case IncomeCategory::kLowIncomeII:
      line = outpatient ? Line{8'000, 0, 0} : Line{24'600, 0, 0};
      break;
    case IncomeCategory::kLowIncomeI:
    case IncomeCategory::kLowIncomeIWelfare:
    case IncomeCategory::kLowIncomeIBorder:
      line = outpatient ? Line{8'000, 0, 0} : Line{15'000, 0, 0};
      break;
  }
  if (q.many_times && line.many_times > 0) return line.many_times / div;
  if (line.threshold == 0) return line.fixed / div;
  return line.fixed / div + OnePercentOver(q.total_cost_yen, line.threshold / div);
}

int64_t WindowCopay(int64_t cost_yen, int copay_percent) {
  const int64_t sen = cost_yen * copay_percent;  // 1/100 yen
  return (sen + 500) / 1000 * 10;                // 10 yen = 1000 sen
}

Expected<WindowCharge> ChargeAtWindow(const LimitQuery& q, int copay_percent,
                                      const WindowLedger& ledger, int64_t cost_yen) {
  if (cost_yen < 0) return Error{"cost_yen", "the cost of a visit cannot be negative"};
  LimitQuery month = q;
  month.total_cost_yen = ledger.total_cost_yen + cost_yen;
  const auto limit = MonthlySelfPayLimit(month);
  if (!limit.ok()) return limit.error();
  WindowCharge c;
  c.limit_yen = *limit;
  const int64_t room = std::max<int64_t>(0, *limit - ledger.paid_yen);
  const int64_t copay = WindowCopay(cost_yen, copay_percent);
  c.charge_yen = std::min(copay, room);
  c.remaining_yen = std::max<int64_t>(0, *limit - ledger.paid_yen - c.charge_yen);
  c.limit_reached = c.charge_yen < copay || c.remaining_yen == 0;
  return c;
}

}  // namespace onshi
