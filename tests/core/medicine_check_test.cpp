// 重複投薬 and 併用禁忌 checks (core/medicine_check.hpp; seed 002, issue 18).
// The codes here have the YJ shape; the tests are about the rules, not about
// any one product.
#include "core/medicine_check.hpp"

#include <gtest/gtest.h>

namespace onshi {
namespace {

Date D(int y, int m, int d) {
  return Date::FromYmd(y, m, d);
}

MedicineCourse Course(int64_t id, std::string facility, std::string yj, Date start, int days) {
  return {id, std::move(facility), std::move(yj), start, days};
}

TEST(MedicineCheck, YjCodeShape) {
  EXPECT_TRUE(IsYjCodeShape("1149019F1560"));
  EXPECT_TRUE(IsYjCodeShape("1149019F1ZZZ"));  // 一般名コード
  EXPECT_FALSE(IsYjCodeShape("1149019F156"));  // 11 characters
  EXPECT_FALSE(IsYjCodeShape("1149019F15600"));
  EXPECT_FALSE(IsYjCodeShape("114901AF1560"));  // a letter among the first seven
  EXPECT_FALSE(IsYjCodeShape("11490191F560"));  // no 剤形 letter
  EXPECT_FALSE(IsYjCodeShape("1149019f1560"));  // lower case
  EXPECT_FALSE(IsYjCodeShape("1149019F15-0"));
  EXPECT_EQ(IngredientKey("1149019F1560"), "1149019");
}

TEST(MedicineCheck, OverlapCountsSharedDaysInclusive) {
  const auto a = Course(1, "1311234567", "1149019F1560", D(2026, 11, 1), 14);  // 11-01..11-14
  EXPECT_EQ(OverlapDays(a, Course(2, "x", "1149019F1560", D(2026, 11, 14), 7)), 1);
  EXPECT_EQ(OverlapDays(a, Course(2, "x", "1149019F1560", D(2026, 11, 15), 7)), 0);
  EXPECT_EQ(OverlapDays(a, Course(2, "x", "1149019F1560", D(2026, 10, 31), 1)), 0);
  EXPECT_EQ(OverlapDays(a, Course(2, "x", "1149019F1560", D(2026, 10, 31), 2)), 1);
  EXPECT_EQ(OverlapDays(a, Course(2, "x", "1149019F1560", D(2026, 11, 5), 3)), 3);
}

TEST(MedicineCheck, DuplicateIsTheSameIngredientFromAnotherFacilityOnOverlappingDays) {
  const auto prescribed = Course(0, "1311234567", "1149019F1560", D(2026, 11, 20), 7);
  const std::vector<MedicineCourse> history = {
      // a generic of the same ingredient at another clinic, still being taken
      Course(10, "2710000011", "1149019F1ZZZ", D(2026, 11, 15), 14),
      // the same clinic's own earlier course: its own business, not a finding
      Course(11, "1311234567", "1149019F1560", D(2026, 11, 18), 7),
      // another clinic, finished the day before
      Course(12, "2710000011", "1149019F1560", D(2026, 11, 5), 15),
      // another clinic, another ingredient
      Course(13, "2710000011", "3332001F1067", D(2026, 11, 15), 28),
      // another clinic, starts on the prescription's last day
      Course(14, "1410000022", "1149019F1560", D(2026, 11, 26), 3),
  };
  const auto found = FindDuplicates(prescribed, history);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].other.id, 14);  // latest first
  EXPECT_EQ(found[0].overlap_days, 1);
  EXPECT_EQ(found[1].other.id, 10);
  EXPECT_EQ(found[1].overlap_days, 7);
}

TEST(MedicineCheck, InteractionTableIsOrderFreeAndReplaces) {
  InteractionTable t;
  t.Add({"3332001", "6290002", InteractionSeverity::kCaution, "作用増強"});
  t.Add({"6290002", "3332001", InteractionSeverity::kContraindicated, "出血の危険"});
  EXPECT_EQ(t.size(), 1u);
  const Interaction* i = t.Find("3332001", "6290002");
  ASSERT_NE(i, nullptr);
  EXPECT_EQ(i->severity, InteractionSeverity::kContraindicated);
  EXPECT_EQ(t.Find("6290002", "3332001"), i);
  EXPECT_EQ(t.Find("3332001", "1149019"), nullptr);
}

TEST(MedicineCheck, InteractionsOnSharedDaysContraindicatedFirst) {
  InteractionTable t;
  t.Add({"3332001", "6290002", InteractionSeverity::kContraindicated, "出血の危険"});
  t.Add({"3332001", "1149019", InteractionSeverity::kCaution, "作用増強のおそれ"});
  const auto prescribed = Course(0, "1311234567", "3332001F1067", D(2026, 11, 20), 28);
  const std::vector<MedicineCourse> history = {
      Course(20, "1311234567", "1149019F1560", D(2026, 11, 25), 7),   // own facility counts too
      Course(21, "2710000011", "6290002M1020", D(2026, 11, 10), 14),  // 11-10..11-23
      Course(22, "2710000011", "6290002M1020", D(2026, 10, 1), 14),   // over before the 20th
  };
  const auto found = FindInteractions(prescribed, history, t);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].other.id, 21);
  EXPECT_EQ(found[0].interaction->severity, InteractionSeverity::kContraindicated);
  EXPECT_EQ(found[1].other.id, 20);
  EXPECT_EQ(found[1].interaction->message, "作用増強のおそれ");
}

}  // namespace
}  // namespace onshi
