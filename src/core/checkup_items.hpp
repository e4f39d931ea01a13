// 特定健診 result items by their code in the MHLW electronic standard form
// (特定健診・特定保健指導の電子的な標準様式: JLAC10-based, 17 characters):
// the Japanese name, the unit and whether the item is charted over years on
// the portal (R-PORT-1). A small subset — the items every 特定健診 has (身体
// 計測, 血圧, 脂質, 肝機能, 血糖) by their most used method; a code not here is
// shown by its code, never guessed.
#ifndef ONSHI_CORE_CHECKUP_ITEMS_HPP_
#define ONSHI_CORE_CHECKUP_ITEMS_HPP_

#include <optional>
#include <span>
#include <string_view>

namespace onshi {

struct CheckupItem {
  std::string_view code;  // 17 characters
  std::string_view name;  // 「HbA1c（NGSP値）」
  std::string_view unit;  // 「%」
  // The reference range's upper bound of 特定保健指導 (保健指導判定値) where
  // the chart draws a line; 0 for none.
  double guidance_from = 0;
  // True when the finding is a value BELOW guidance_from (HDL: 40 未満);
  // otherwise at or above it (BMI 25 以上).
  bool low_is_finding = false;
};

std::optional<CheckupItem> CheckupItemOf(std::string_view code);
// Every item known, in the order the portal lists them.
std::span<const CheckupItem> KnownCheckupItems();

}  // namespace onshi

#endif  // ONSHI_CORE_CHECKUP_ITEMS_HPP_
