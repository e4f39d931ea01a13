#include "core/medicine_check.hpp"

#include <algorithm>
#include <tuple>

namespace onshi {
namespace {

bool Digit(char c) {
  return c >= '0' && c <= '9';
}
bool Upper(char c) {
  return c >= 'A' && c <= 'Z';
}

// Interactions are stored with the smaller key first.
std::pair<std::string_view, std::string_view> Ordered(std::string_view a, std::string_view b) {
  return a <= b ? std::pair{a, b} : std::pair{b, a};
}

bool LatestFirst(const MedicineCourse& x, const MedicineCourse& y) {
  return std::tie(x.start, x.id) > std::tie(y.start, y.id);
}

}  // namespace

bool IsYjCodeShape(std::string_view code) {
  if (code.size() != 12) return false;
  for (size_t i = 0; i < 7; ++i)
    if (!Digit(code[i])) return false;
  if (!Upper(code[7])) return false;
  for (size_t i = 8; i < 12; ++i)
    if (!Digit(code[i]) && !Upper(code[i])) return false;
  return true;
}

std::string_view IngredientKey(std::string_view yj_code) {
  return yj_code.substr(0, 7);
}

int OverlapDays(const MedicineCourse& a, const MedicineCourse& b) {
  const Date from = std::max(a.start, b.start);
  const Date to = std::min(a.LastDay(), b.LastDay());
  return to < from ? 0 : DaysBetween(from, to) + 1;
}

std::vector<DuplicateFinding> FindDuplicates(const MedicineCourse& prescribed,
                                             std::span<const MedicineCourse> history) {
  std::vector<DuplicateFinding> out;
  const std::string_view key = IngredientKey(prescribed.yj_code);
  for (const MedicineCourse& c : history) {
    if (c.facility_code == prescribed.facility_code || IngredientKey(c.yj_code) != key) continue;
    if (const int days = OverlapDays(prescribed, c); days > 0) out.push_back({c, days});
  }
  std::sort(out.begin(), out.end(), [](const DuplicateFinding& x, const DuplicateFinding& y) {
    return LatestFirst(x.other, y.other);
  });
  return out;
}

void InteractionTable::Add(Interaction interaction) {
  if (interaction.ingredient_b < interaction.ingredient_a)
    std::swap(interaction.ingredient_a, interaction.ingredient_b);
  auto less = [](const Interaction& x, const Interaction& y) {
    return std::tie(x.ingredient_a, x.ingredient_b) < std::tie(y.ingredient_a, y.ingredient_b);
  };
  auto it = std::lower_bound(rows_.begin(), rows_.end(), interaction, less);
  if (it != rows_.end() && it->ingredient_a == interaction.ingredient_a &&
      it->ingredient_b == interaction.ingredient_b) {
    *it = std::move(interaction);
  } else {
    rows_.insert(it, std::move(interaction));
  }
}

const Interaction* InteractionTable::Find(std::string_view a, std::string_view b) const {
  const auto [lo, hi] = Ordered(a, b);
  auto it = std::lower_bound(
      rows_.begin(), rows_.end(), std::pair{lo, hi},
      [](const Interaction& x, std::pair<std::string_view, std::string_view> k) {
        return std::pair<std::string_view, std::string_view>(x.ingredient_a, x.ingredient_b) < k;
      });
  if (it == rows_.end() || it->ingredient_a != lo || it->ingredient_b != hi) return nullptr;
  return &*it;
}

std::vector<InteractionFinding> FindInteractions(const MedicineCourse& prescribed,
                                                 std::span<const MedicineCourse> history,
                                                 const InteractionTable& table) {
  std::vector<InteractionFinding> out;
  const std::string_view key = IngredientKey(prescribed.yj_code);
  for (const MedicineCourse& c : history) {
    if (OverlapDays(prescribed, c) == 0) continue;
    if (const Interaction* i = table.Find(key, IngredientKey(c.yj_code))) out.push_back({c, i});
  }
  std::sort(out.begin(), out.end(), [](const InteractionFinding& x, const InteractionFinding& y) {
    const bool xc = x.interaction->severity == InteractionSeverity::kContraindicated;
    const bool yc = y.interaction->severity == InteractionSeverity::kContraindicated;
    if (xc != yc) return xc;
    return LatestFirst(x.other, y.other);
  });
  return out;
}

}  // namespace onshi
