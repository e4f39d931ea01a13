#include "core/checkup_items.hpp"

#include <array>

namespace onshi {
namespace {

// 保健指導判定値 as in the 標準的な健診・保健指導プログラム（令和6年度版）:
// 腹囲 85 (men; 90 women — one line is drawn, the men's), BMI 25, 収縮期
// 130, 拡張期 85, 中性脂肪 150, HDL below 40 (drawn at 40), LDL 120,
// AST 31, ALT 31, γ-GT 51, HbA1c 5.6, 空腹時血糖 100.
constexpr std::array<CheckupItem, 14> kItems = {{
    {"9N001000000000001", "身長", "cm", 0, false},
    {"9N006000000000001", "体重", "kg", 0, false},
    {"9N016160100000001", "腹囲（実測）", "cm", 85, false},
    {"9N011000000000001", "BMI", "kg/m2", 25, false},
    {"9A751000000000001", "収縮期血圧（1回目）", "mmHg", 130, false},
    {"9A761000000000001", "拡張期血圧（1回目）", "mmHg", 85, false},
    {"3F015000002327101", "中性脂肪", "mg/dL", 150, false},
    {"3F070000002327101", "HDLコレステロール", "mg/dL", 40, true},
    {"3F077000002327101", "LDLコレステロール", "mg/dL", 120, false},
    {"3B035000002327201", "AST（GOT）", "U/L", 31, false},
    {"3B045000002327201", "ALT（GPT）", "U/L", 31, false},
    {"3B090000002327101", "γ-GT（γ-GTP）", "U/L", 51, false},
    {"3D010000002227101", "空腹時血糖", "mg/dL", 100, false},
    {"3D046000001906202", "HbA1c（NGSP値）", "%", 5.6, false},
}};

}  // namespace

std::optional<CheckupItem> CheckupItemOf(std::string_view code) {
  for (const CheckupItem& i : kItems)
    if (i.code == code) return i;
  return std::nullopt;
}

std::span<const CheckupItem> KnownCheckupItems() {
  return kItems;
}

}  // namespace onshi
