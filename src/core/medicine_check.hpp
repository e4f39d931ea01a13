// 重複投薬・併用禁忌 checks: what a prescriber or pharmacist is told about a
// new prescription given the patient's other medicines (seed 002: 「重複する
// 投薬を回避し、お薬の飲み合わせに配慮した適切な処方が受けられます」; issue 18).
//
// Drugs are named by their 薬価基準収載医薬品コード (YJ code, 12 characters:
// 薬効分類 4 digits, 投与経路・成分 3 digits, 剤形 1 letter, 規格・銘柄 and a
// check character). The first seven characters name the ingredient and its
// route (the 一般名処方マスタ's 一般名コード keeps them and puts "ZZZ" at the
// end), so two products share an ingredient when their first seven agree:
// a brand and its generic are the same medicine for these checks.
//
// The core decides; adapters decide what may be shown. Without the patient's
// consent (R-FAC-4) the prescriber learns only that a finding exists, never
// the other facility or drug — that redaction is the adapter's, which is why
// findings carry the whole other course.
#ifndef ONSHI_CORE_MEDICINE_CHECK_HPP_
#define ONSHI_CORE_MEDICINE_CHECK_HPP_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.hpp"

namespace onshi {

// Seven digits, an upper-case letter (剤形), then four digits or upper-case
// letters. The check character is not verified: 一般名コード end in "ZZZ".
bool IsYjCodeShape(std::string_view code);

// The first seven characters: ingredient and route. `code` must have the shape.
std::string_view IngredientKey(std::string_view yj_code);

// One prescribed or dispensed course of a medicine.
struct MedicineCourse {
  int64_t id = 0;             // the store's record id
  std::string facility_code;  // 医療機関コード of the prescriber or pharmacy
  std::string yj_code;
  Date start;    // first day taken
  int days = 1;  // 投与日数 (≥ 1; 頓服 count as 1 per dispensing)
  Date LastDay() const { return start.AddDays(days - 1); }
};

// Days on which both courses are taken (0 if they do not overlap).
int OverlapDays(const MedicineCourse& a, const MedicineCourse& b);

struct DuplicateFinding {
  MedicineCourse other;
  int overlap_days = 0;
};

// Courses in `history` from another facility with the same ingredient whose
// days overlap `prescribed`'s, latest first.
std::vector<DuplicateFinding> FindDuplicates(const MedicineCourse& prescribed,
                                             std::span<const MedicineCourse> history);

// 併用禁忌 (contraindicated) or 併用注意 (use with caution), per the package
// inserts (添付文書) an interaction table is made from.
enum class InteractionSeverity { kContraindicated, kCaution };

struct Interaction {
  std::string ingredient_a, ingredient_b;  // ingredient keys (7 characters)
  InteractionSeverity severity = InteractionSeverity::kCaution;
  std::string message;  // the reason, in Japanese, for the prescriber
};

// A table of interactions between ingredients, order-free: (a, b) is (b, a).
class InteractionTable {
 public:
  // Adds or replaces; keys are IngredientKey()s.
  void Add(Interaction interaction);
  // The interaction between two ingredients, or nullptr.
  const Interaction* Find(std::string_view a, std::string_view b) const;
  size_t size() const { return rows_.size(); }

 private:
  std::vector<Interaction> rows_;  // sorted by (a, b) with a < b
};

struct InteractionFinding {
  MedicineCourse other;
  const Interaction* interaction = nullptr;  // points into the table
};

// Courses in `history` (any facility, the prescriber's own included) taken on
// any day of `prescribed` whose ingredient interacts with it; contraindicated
// first, then latest first.
std::vector<InteractionFinding> FindInteractions(const MedicineCourse& prescribed,
                                                 std::span<const MedicineCourse> history,
                                                 const InteractionTable& table);

}  // namespace onshi

#endif  // ONSHI_CORE_MEDICINE_CHECK_HPP_
