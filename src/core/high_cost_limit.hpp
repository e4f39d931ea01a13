// 高額療養費 (high-cost medical expense benefit): the monthly self-pay limit
// (自己負担限度額) a patient pays at the window, by age group and income
// category, so that no 限度額適用認定証 is needed with a マイナ保険証 (R-FAC-9,
// seed 002: 「限度額適用認定証がなくても、所得に応じた自己負担限度額以上の
// 支払いが免除されます」).
//
// The figures are those in force since August 2018 (健康保険法施行令 §41–42,
// 高齢者の医療の確保に関する法律施行令 §15; MHLW 「高額療養費制度を利用される
// 皆さまへ」), with the 後期高齢者 一般Ⅱ 外来 relief (配慮措置) of 2022-10-01 to
// 2025-09-30. They are a table dated by the month of treatment: a later
// revision is a new row of kTables in the .cpp, not an edit of this one.
//
// What the window applies, and what it leaves to the insurer:
//   - The limit is per patient, per facility, per month, with 入院 and 外来
//     separate (and 医科 and 歯科 separate — the facility's own business):
//     that is the unit WindowLedger accumulates.
//   - 多数回該当 (the 4th month with the limit reached within 12) lowers the
//     limit; the insurer knows it and files it, so it is an input here.
//   - 世帯合算, the 70+ 外来 annual cap (144,000円) and the refund of what the
//     window could not see are the insurer's later reckoning, not the
//     window's, and are not computed here.
//   - In the month of the 75th birthday (unless born on the 1st) both the old
//     and the new insurer's limits are halved, thresholds included
//     (誕生月特例, 高齢者の医療の確保に関する法律施行令 §16の2).
#ifndef ONSHI_CORE_HIGH_COST_LIMIT_HPP_
#define ONSHI_CORE_HIGH_COST_LIMIT_HPP_

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/date.hpp"
#include "core/expected.hpp"

namespace onshi {

// 所得区分 as the 限度額適用認定証 and OQS name it (OQSCD012).
enum class IncomeCategory {
  kA,                  // A01 ア   (標準報酬月額 83万円以上)
  kI,                  // A02 イ   (53万〜79万円)
  kU,                  // A03 ウ   (28万〜50万円)
  kE,                  // A04 エ   (26万円以下)
  kO,                  // A05 オ   (住民税非課税)
  kOBorder,            // A06 オ（境）(境界層該当)
  kActiveIII,          // B01 現役並みⅢ
  kActiveII,           // B02 現役並みⅡ
  kActiveI,            // B03 現役並みⅠ
  kGeneral,            // B04 一般
  kLowIncomeII,        // B05 低所得Ⅱ
  kLowIncomeI,         // B06 低所得Ⅰ
  kLowIncomeIWelfare,  // B07 低所得Ⅰ（老福）
  kLowIncomeIBorder,   // B08 低所得Ⅰ（境）
  kGeneralII,          // B09 一般Ⅱ (後期高齢者, 2割)
  kGeneralI,           // B10 一般Ⅰ (後期高齢者, 1割)
};

std::optional<IncomeCategory> IncomeCategoryFromOqs(std::string_view code);  // "A01".."B10"
std::string_view OqsCode(IncomeCategory c);
std::string_view JapaneseName(IncomeCategory c);  // 「ウ」, 「現役並みⅠ」, …

// The three age groups of the tables.
enum class LimitAgeGroup {
  kUnder70,    // 70歳未満
  k70To74,     // 70歳以上75歳未満 (高齢受給者)
  k75AndOver,  // 後期高齢者医療
};

// The group of someone born on `birth` on `on`: 後期 for every member of a
// 後期高齢者医療広域連合 (also those under 75 it covers for disability),
// 70–74 from the first day of 高齢受給者 status (copay.hpp), else under 70.
LimitAgeGroup LimitAgeGroupOn(Date birth, Date on, bool late_stage_elderly);

// True in the month of the 75th birthday unless born on the 1st (the new
// insurer's status then starts with the month): 誕生月特例.
bool IsSeventyFifthBirthdayMonth(Date birth, Date on);

enum class CareSetting { kOutpatient, kInpatient };  // 外来, 入院

struct LimitQuery {
  LimitAgeGroup age = LimitAgeGroup::kUnder70;
  IncomeCategory category = IncomeCategory::kU;
  CareSetting setting = CareSetting::kOutpatient;
  Date month;                  // any day of the month of treatment
  int64_t total_cost_yen = 0;  // 総医療費 (10割) of the month so far, in yen
  bool many_times = false;     // 多数回該当
  bool birthday_month_halved = false;
};

// The limit for the month, in yen. An error when the category does not exist
// for the age group (ア–オ are under 70 only; 一般Ⅰ/Ⅱ only for 後期) or the
// month is before the tables.
Expected<int64_t> MonthlySelfPayLimit(const LimitQuery& q);

// 一部負担金 at the window: `copay_percent` of the cost, rounded to 10 yen
// (5円未満切り捨て, 5円以上切り上げ; 健康保険法 §75).
int64_t WindowCopay(int64_t cost_yen, int copay_percent);

// What one patient has been charged at one facility in one month, in one
// setting: the unit the window's limit applies to.
struct WindowLedger {
  int64_t total_cost_yen = 0;  // 総医療費 so far
  int64_t paid_yen = 0;        // what the patient paid so far
};

struct WindowCharge {
  int64_t charge_yen = 0;     // what to collect for this visit
  int64_t limit_yen = 0;      // the month's limit after this visit
  int64_t remaining_yen = 0;  // limit − paid after this visit (≥ 0)
  bool limit_reached = false;
};

// The charge for a visit costing `cost_yen` (10割), given what the ledger
// already holds: the copay, but never more than the limit (recomputed on the
// month's total including this visit) less what was paid. `q.total_cost_yen`
// is ignored; the ledger's total plus `cost_yen` is used. Updates nothing:
// the caller adds cost and charge to its ledger when the visit is billed.
Expected<WindowCharge> ChargeAtWindow(const LimitQuery& q, int copay_percent,
                                      const WindowLedger& ledger, int64_t cost_yen);

}  // namespace onshi

#endif  // ONSHI_CORE_HIGH_COST_LIMIT_HPP_
