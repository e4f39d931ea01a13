// 高額療養費: the monthly self-pay limit at the window (core/high_cost_limit.hpp;
// R-FAC-9, seed 002, issue 18). The figures are the official table's
// (MHLW 「高額療養費制度を利用される皆さまへ」, 平成30年8月診療分から), quoted
// beside each expectation.
#include "core/high_cost_limit.hpp"

#include <gtest/gtest.h>

namespace onshi {
namespace {

Date D(int y, int m, int d) {
  return Date::FromYmd(y, m, d);
}

LimitQuery Q(LimitAgeGroup age, IncomeCategory c, CareSetting s, int64_t total,
             Date month = D(2026, 11, 1)) {
  LimitQuery q;
  q.age = age;
  q.category = c;
  q.setting = s;
  q.month = month;
  q.total_cost_yen = total;
  return q;
}

int64_t Limit(const LimitQuery& q) {
  const auto l = MonthlySelfPayLimit(q);
  EXPECT_TRUE(l.ok()) << l.error().ToString();
  return l.ok() ? *l : -1;
}

constexpr auto kUnder70 = LimitAgeGroup::kUnder70;
constexpr auto k70 = LimitAgeGroup::k70To74;
constexpr auto k75 = LimitAgeGroup::k75AndOver;
constexpr auto kOut = CareSetting::kOutpatient;
constexpr auto kIn = CareSetting::kInpatient;

TEST(HighCostLimit, TheLeafletsWorkedExample) {
  // 「70歳未満・年収約370万円～約770万円（3割負担）の場合 — 100万円の医療費で、
  //  窓口の負担（3割）が30万円かかる場合: 自己負担の上限額
  //  80,100円＋（100万円－26万7千円）×1％＝87,430円、
  //  30万円－87,430円＝212,570円を高額療養費として支給」
  EXPECT_EQ(Limit(Q(kUnder70, IncomeCategory::kU, kIn, 1'000'000)), 87'430);
  EXPECT_EQ(WindowCopay(1'000'000, 30) - 87'430, 212'570);
  // With the limit known online, the window charges the limit, not 30万円.
  const auto c = ChargeAtWindow(Q(kUnder70, IncomeCategory::kU, kIn, 0), 30, {}, 1'000'000);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->charge_yen, 87'430);
  EXPECT_TRUE(c->limit_reached);
}

TEST(HighCostLimit, EveryUnder70LineAtAMillionYen) {
  // ア 252,600円＋（総医療費－842,000円）×1％   多数回 140,100円
  // イ 167,400円＋（総医療費－558,000円）×1％   多数回 93,000円
  // ウ 80,100円＋（総医療費－267,000円）×1％    多数回 44,400円
  // エ 57,600円                                多数回 44,400円
  // オ 35,400円                                多数回 24,600円
  struct Row {
    IncomeCategory c;
    int64_t limit, many;
  } rows[] = {
      {IncomeCategory::kA, 252'600 + 1'580, 140'100}, {IncomeCategory::kI, 167'400 + 4'420, 93'000},
      {IncomeCategory::kU, 80'100 + 7'330, 44'400},   {IncomeCategory::kE, 57'600, 44'400},
      {IncomeCategory::kO, 35'400, 24'600},           {IncomeCategory::kOBorder, 35'400, 24'600},
  };
  for (const Row& r : rows) {
    auto q = Q(kUnder70, r.c, kIn, 1'000'000);
    EXPECT_EQ(Limit(q), r.limit) << JapaneseName(r.c);
    q.setting = kOut;  // under 70, 外来 and 入院 share the line
    EXPECT_EQ(Limit(q), r.limit) << JapaneseName(r.c);
    q.many_times = true;
    EXPECT_EQ(Limit(q), r.many) << JapaneseName(r.c);
  }
}

TEST(HighCostLimit, SeventyAndOverLines) {
  // 現役並みⅢ/Ⅱ/Ⅰ: the ア/イ/ウ formulas, 外来 and 世帯 alike.
  EXPECT_EQ(Limit(Q(k70, IncomeCategory::kActiveIII, kOut, 1'000'000)), 254'180);
  EXPECT_EQ(Limit(Q(k75, IncomeCategory::kActiveII, kIn, 1'000'000)), 171'820);
  EXPECT_EQ(Limit(Q(k70, IncomeCategory::kActiveI, kIn, 1'000'000)), 87'430);
  // 一般: 外来（個人ごと）18,000円, 外来＋入院（世帯）57,600円〈多数回 44,400円〉.
  EXPECT_EQ(Limit(Q(k70, IncomeCategory::kGeneral, kOut, 500'000)), 18'000);
  EXPECT_EQ(Limit(Q(k70, IncomeCategory::kGeneral, kIn, 500'000)), 57'600);
  auto many = Q(k70, IncomeCategory::kGeneral, kIn, 500'000);
  many.many_times = true;
  EXPECT_EQ(Limit(many), 44'400);
  many.setting = kOut;  // 多数回 does not apply to the 外来 individual line
  EXPECT_EQ(Limit(many), 18'000);
  // 低所得Ⅱ: 外来 8,000円, 世帯 24,600円; 低所得Ⅰ: 外来 8,000円, 世帯 15,000円.
  EXPECT_EQ(Limit(Q(k70, IncomeCategory::kLowIncomeII, kOut, 500'000)), 8'000);
  EXPECT_EQ(Limit(Q(k70, IncomeCategory::kLowIncomeII, kIn, 500'000)), 24'600);
  EXPECT_EQ(Limit(Q(k75, IncomeCategory::kLowIncomeI, kIn, 500'000)), 15'000);
  EXPECT_EQ(Limit(Q(k75, IncomeCategory::kLowIncomeIWelfare, kIn, 500'000)), 15'000);
  EXPECT_EQ(Limit(Q(k75, IncomeCategory::kLowIncomeIBorder, kOut, 500'000)), 8'000);
  // 後期 一般Ⅰ (1割) is 一般.
  EXPECT_EQ(Limit(Q(k75, IncomeCategory::kGeneralI, kOut, 500'000)), 18'000);
}

TEST(HighCostLimit, OnePercentTermAtItsThresholdAndRoundedHalfUp) {
  // At the threshold the 1 % term is zero; 0.49円 rounds down, 0.50円 up
  // (健康保険法施行令 §42).
  EXPECT_EQ(Limit(Q(kUnder70, IncomeCategory::kU, kIn, 266'999)), 80'100);
  EXPECT_EQ(Limit(Q(kUnder70, IncomeCategory::kU, kIn, 267'000)), 80'100);
  EXPECT_EQ(Limit(Q(kUnder70, IncomeCategory::kU, kIn, 267'049)), 80'100);
  EXPECT_EQ(Limit(Q(kUnder70, IncomeCategory::kU, kIn, 267'050)), 80'101);
  EXPECT_EQ(Limit(Q(kUnder70, IncomeCategory::kA, kIn, 842'100)), 252'601);
  EXPECT_EQ(Limit(Q(kUnder70, IncomeCategory::kI, kIn, 558'100)), 167'401);
}

TEST(HighCostLimit, GeneralTwoReliefTenPercentTermFromExactly30000Yen) {
  // R-FAC-9 (the system applies the limit): 6,000円＋（総医療費－30,000円）×10％,
  // the 10 % term rounded half up to the yen: 30,004円 → 6,000円, 30,005円 →
  // 6,001円 (issue 21: the threshold moved by one yen must show).
  auto q = Q(k75, IncomeCategory::kGeneralII, kOut, 30'004, D(2024, 4, 1));
  EXPECT_EQ(Limit(q), 6'000);
  q.total_cost_yen = 30'005;
  EXPECT_EQ(Limit(q), 6'001);
  q.total_cost_yen = 29'000;
  EXPECT_EQ(Limit(q), 6'000);
}

TEST(HighCostLimit, GeneralTwoReliefOnlyFromOctober2022ToSeptember2025) {
  // 後期 一般Ⅱ (2割) 外来: 6,000円＋（総医療費－30,000円）×10％ or 18,000円,
  // whichever is lower, 2022-10-01 to 2025-09-30 (配慮措置).
  auto q = Q(k75, IncomeCategory::kGeneralII, kOut, 100'000, D(2025, 9, 30));
  EXPECT_EQ(Limit(q), 13'000);
  q.total_cost_yen = 150'000;  // 6,000 + 12,000 = 18,000: the cap itself
  EXPECT_EQ(Limit(q), 18'000);
  q.total_cost_yen = 149'990;
  EXPECT_EQ(Limit(q), 17'999);
  q.total_cost_yen = 100'000;
  q.month = D(2025, 10, 1);
  EXPECT_EQ(Limit(q), 18'000);
  q.month = D(2022, 10, 1);
  EXPECT_EQ(Limit(q), 13'000);
  q.month = D(2022, 9, 30);
  EXPECT_EQ(Limit(q), 18'000);
  q.month = D(2025, 9, 1);
  q.setting = kIn;  // the relief is for 外来 only
  EXPECT_EQ(Limit(q), 57'600);
}

TEST(HighCostLimit, SeventyFifthBirthdayMonthHalvesAmountsAndThresholds) {
  // 誕生月特例: 40,050円＋（総医療費－133,500円）×1％ for ウ/現役並みⅠ.
  auto q = Q(k75, IncomeCategory::kActiveI, kIn, 500'000);
  q.birthday_month_halved = true;
  EXPECT_EQ(Limit(q), 40'050 + 3'665);
  q.category = IncomeCategory::kGeneral;
  q.setting = kOut;
  EXPECT_EQ(Limit(q), 9'000);
  // Born on the 15th: the month of the 75th birthday only; born on the 1st: never.
  EXPECT_FALSE(IsSeventyFifthBirthdayMonth(D(1951, 5, 15), D(2026, 4, 30)));
  EXPECT_TRUE(IsSeventyFifthBirthdayMonth(D(1951, 5, 15), D(2026, 5, 1)));
  EXPECT_TRUE(IsSeventyFifthBirthdayMonth(D(1951, 5, 15), D(2026, 5, 31)));
  EXPECT_FALSE(IsSeventyFifthBirthdayMonth(D(1951, 5, 15), D(2026, 6, 1)));
  EXPECT_FALSE(IsSeventyFifthBirthdayMonth(D(1951, 5, 1), D(2026, 5, 10)));
  EXPECT_FALSE(IsSeventyFifthBirthdayMonth(D(1951, 5, 15), D(2025, 5, 15)));
}

TEST(HighCostLimit, AgeGroupChangesOnTheFirstOfTheMonthAfterTheSeventiethBirthday) {
  // Born 1956-06-15: 70 on 2026-06-15, 70歳以上 from 2026-07-01 (copay.hpp).
  EXPECT_EQ(LimitAgeGroupOn(D(1956, 6, 15), D(2026, 6, 30), false), kUnder70);
  EXPECT_EQ(LimitAgeGroupOn(D(1956, 6, 15), D(2026, 7, 1), false), k70);
  // Born on the 1st: from the birthday's own month.
  EXPECT_EQ(LimitAgeGroupOn(D(1956, 7, 1), D(2026, 6, 30), false), kUnder70);
  EXPECT_EQ(LimitAgeGroupOn(D(1956, 7, 1), D(2026, 7, 1), false), k70);
  // Every member of a 広域連合 is in the 後期 group, also under 75.
  EXPECT_EQ(LimitAgeGroupOn(D(1960, 1, 10), D(2026, 7, 1), true), k75);
}

TEST(HighCostLimit, CategoriesOfTheOtherAgeGroupAreRefused) {
  const auto a = MonthlySelfPayLimit(Q(k70, IncomeCategory::kU, kOut, 1));
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().field, "category");
  EXPECT_NE(a.error().message.find("70歳未満"), std::string::npos);
  EXPECT_FALSE(MonthlySelfPayLimit(Q(kUnder70, IncomeCategory::kGeneral, kOut, 1)).ok());
  EXPECT_FALSE(MonthlySelfPayLimit(Q(k70, IncomeCategory::kGeneralII, kOut, 1)).ok());
  EXPECT_TRUE(MonthlySelfPayLimit(Q(k75, IncomeCategory::kGeneralII, kOut, 1)).ok());
  // Before the tables, and a negative total.
  EXPECT_FALSE(MonthlySelfPayLimit(Q(k70, IncomeCategory::kGeneral, kOut, 1, D(2018, 7, 31))).ok());
  EXPECT_TRUE(MonthlySelfPayLimit(Q(k70, IncomeCategory::kGeneral, kOut, 1, D(2018, 8, 1))).ok());
  EXPECT_FALSE(MonthlySelfPayLimit(Q(k70, IncomeCategory::kGeneral, kOut, -1)).ok());
}

TEST(HighCostLimit, OqsCodesRoundTrip) {
  // OQSCD012, ../shared/docs/oqs-interface.md.
  EXPECT_EQ(IncomeCategoryFromOqs("A03"), IncomeCategory::kU);
  EXPECT_EQ(IncomeCategoryFromOqs("B09"), IncomeCategory::kGeneralII);
  EXPECT_EQ(IncomeCategoryFromOqs("B11"), std::nullopt);
  EXPECT_EQ(IncomeCategoryFromOqs("a03"), std::nullopt);
  for (const char* code : {"A01", "A02", "A03", "A04", "A05", "A06", "B01", "B02", "B03", "B04",
                           "B05", "B06", "B07", "B08", "B09", "B10"}) {
    const auto c = IncomeCategoryFromOqs(code);
    ASSERT_TRUE(c) << code;
    EXPECT_EQ(OqsCode(*c), code);
  }
  EXPECT_EQ(JapaneseName(IncomeCategory::kActiveII), "現役並みⅡ");
}

TEST(HighCostLimit, WindowCopayRoundsToTenYen) {
  // 健康保険法 §75: 5円未満切り捨て, 5円以上切り上げ.
  EXPECT_EQ(WindowCopay(1'234, 30), 370);  // 370.2
  EXPECT_EQ(WindowCopay(1'249, 30), 370);  // 374.7
  EXPECT_EQ(WindowCopay(1'250, 30), 380);  // 375.0
  EXPECT_EQ(WindowCopay(1'250, 20), 250);
  EXPECT_EQ(WindowCopay(0, 30), 0);
}

TEST(HighCostLimit, ALedgerAcrossVisitsNeverChargesBeyondTheLimit) {
  // ウ, 3割, one hospital, one month of 入院: 50万円 then 10万円 then 1万円.
  const LimitQuery q = Q(kUnder70, IncomeCategory::kU, kIn, 0);
  WindowLedger ledger;
  const auto first = ChargeAtWindow(q, 30, ledger, 500'000);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->limit_yen, 82'430);  // 80,100 + 2,330
  EXPECT_EQ(first->charge_yen, 82'430);
  ledger = {500'000, first->charge_yen};
  const auto second = ChargeAtWindow(q, 30, ledger, 100'000);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->limit_yen, 83'430);  // the 1 % term grows with the month's total
  EXPECT_EQ(second->charge_yen, 1'000);
  EXPECT_EQ(second->remaining_yen, 0);
  ledger = {600'000, ledger.paid_yen + second->charge_yen};
  const auto third = ChargeAtWindow(q, 30, ledger, 10'000);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->charge_yen, 100);  // 83,530 − 83,430
  // Below the limit the copay is charged as it is.
  const auto small = ChargeAtWindow(q, 30, {}, 10'000);
  ASSERT_TRUE(small.ok());
  EXPECT_EQ(small->charge_yen, 3'000);
  EXPECT_EQ(small->remaining_yen, 80'100 - 3'000);
  EXPECT_FALSE(small->limit_reached);
  EXPECT_FALSE(ChargeAtWindow(q, 30, {}, -1).ok());
}

}  // namespace
}  // namespace onshi
