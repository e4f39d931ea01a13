// CheckBenefitsFor and IsLimitCategoryFlag (core/benefits.hpp): what an
// insurer may file as 給付情報 for a member (R-FAC-9: with マイナ保険証 the
// facility learns the 高齢受給者証, 限度額適用認定証 and 特定疾病療養受療証
// online, so a wrong filing reaches the counter). Written for the mutation
// run of issue 21: each check at the day or value where it changes.
#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "core/benefits.hpp"

namespace onshi {
namespace {

Date D(int y, int m, int d) {
  return Date::FromYmd(y, m, d);
}

// Born 1955-05-15: 高齢受給者 from 2025-06-01 to 2030-05-14 (copay.hpp).
BenefitsMember Member(std::string insurer = "06139999") {
  return BenefitsMember{std::move(insurer), D(1955, 5, 15), D(2020, 4, 1), D(2028, 4, 1)};
}

std::vector<std::string> Fields(const std::vector<FieldError>& errors) {
  std::vector<std::string> out;
  for (const FieldError& e : errors) {
    EXPECT_EQ(e.line, 0) << "the caller sets the line";
    out.push_back(e.field);
  }
  return out;
}

using Strings = std::vector<std::string>;

TEST(BenefitsCheck, RFac9_LimitCategoryFlagsA01ToA06AndB01ToB10) {
  for (const char* ok : {"A01", "A06", "B01", "B09", "B10"})
    EXPECT_TRUE(IsLimitCategoryFlag(ok)) << ok;
  for (const char* bad : {"A00", "A07", "A10", "B00", "B11", "B20", "C01", "a01", "A1", "A011",
                          "A0x", "A/1", "A:1"}) {
    EXPECT_FALSE(IsLimitCategoryFlag(bad)) << bad;
  }
}

TEST(BenefitsCheck, RFac9_CopayTenPercentOnlyInLateStageElderlyInsurance) {
  EXPECT_EQ(Fields(CheckBenefitsFor({}, 10, Member())), Strings{"copay_percent"});
  EXPECT_TRUE(CheckBenefitsFor({}, 10, Member("39131234")).empty());
  EXPECT_TRUE(CheckBenefitsFor({}, 20, Member()).empty());
  EXPECT_TRUE(CheckBenefitsFor({}, std::nullopt, Member()).empty());
}

BenefitsFiling Elderly(Date from, Date until) {
  BenefitsFiling b;
  b.elderly = ElderlyRecipient{from, from, until, 20};
  return b;
}

TEST(BenefitsCheck, RFac9_ElderlyCertificateWithinTheMembers70To74Years) {
  EXPECT_TRUE(CheckBenefitsFor(Elderly(D(2025, 6, 1), D(2027, 3, 31)), {}, Member()).empty());
  EXPECT_TRUE(CheckBenefitsFor(Elderly(D(2026, 8, 1), D(2030, 5, 14)), {}, Member()).empty());
  EXPECT_EQ(Fields(CheckBenefitsFor(Elderly(D(2025, 5, 31), D(2026, 7, 31)), {}, Member())),
            Strings{"elderly_valid_from"});
  EXPECT_EQ(Fields(CheckBenefitsFor(Elderly(D(2026, 8, 1), D(2030, 5, 15)), {}, Member())),
            Strings{"elderly_valid_until"});
  EXPECT_EQ(
      Fields(CheckBenefitsFor(Elderly(D(2025, 6, 1), D(2026, 7, 31)), {}, Member("39131234"))),
      Strings{"elderly_valid_from"});
}

TEST(BenefitsCheck, RFac9_ACertificateStartsInsideTheQualification) {
  // Qualification [2020-04-01, 2028-04-01): the first day counts, the loss
  // day is the first without cover.
  BenefitsMember m = Member();
  m.birth_date = D(1985, 1, 10);  // under 70 throughout
  SpecificDisease d;
  d.category = 2;
  d.valid_until = D(2029, 3, 31);
  BenefitsFiling b;
  for (const auto& [from, want] :
       {std::pair{D(2020, 3, 31), Strings{"disease_valid_from"}},
        std::pair{D(2020, 4, 1), Strings{}}, std::pair{D(2028, 3, 31), Strings{}},
        std::pair{D(2028, 4, 1), Strings{"disease_valid_from"}}}) {
    d.valid_from = from;
    b.disease = d;
    EXPECT_EQ(Fields(CheckBenefitsFor(b, {}, m)), want) << from.ToIso();
  }
  m.lost.reset();
  d.valid_from = D(2040, 1, 1);
  b.disease = d;
  EXPECT_TRUE(CheckBenefitsFor(b, {}, m).empty());
}

TEST(BenefitsCheck, RFac9_LimitCategoryAUnder70BFromTheElderlyMonthOrInLateStage) {
  BenefitsFiling b;
  LimitCertificate l;
  l.valid_until = D(2027, 7, 31);
  for (const auto& [from, flag, want] :
       {std::tuple{D(2025, 5, 31), "A03", Strings{}},
        std::tuple{D(2025, 5, 31), "B04", Strings{"limit_category"}},
        std::tuple{D(2025, 6, 1), "B04", Strings{}},
        std::tuple{D(2025, 6, 1), "A03", Strings{"limit_category"}}}) {
    l.valid_from = from;
    l.category_flag = flag;
    b.limit = l;
    EXPECT_EQ(Fields(CheckBenefitsFor(b, {}, Member())), want) << from.ToIso() << " " << flag;
  }
  l.valid_from = D(2021, 4, 1);
  l.category_flag = "B04";
  b.limit = l;
  EXPECT_TRUE(CheckBenefitsFor(b, {}, Member("39131234")).empty());
  l.category_flag = "";  // no 適用区分 filed: nothing to compare
  b.limit = l;
  EXPECT_TRUE(CheckBenefitsFor(b, {}, Member()).empty());
}

TEST(BenefitsCheck, RFac9_LongTermHospitalisationOnlyOnAReductionCertificate) {
  BenefitsFiling b;
  LimitCertificate l;
  l.valid_from = D(2021, 4, 1);
  l.valid_until = D(2022, 7, 31);
  l.category_flag = "A05";
  l.long_term_date = D(2021, 9, 1);
  l.classification = 1;
  b.limit = l;
  EXPECT_EQ(Fields(CheckBenefitsFor(b, {}, Member())), Strings{"limit_long_term_date"});
  for (int c : {2, 3}) {
    b.limit->classification = c;
    EXPECT_TRUE(CheckBenefitsFor(b, {}, Member()).empty()) << c;
  }
}

TEST(BenefitsCheck, RFac9_TwentyThousandYenOnlyForDialysisUnder70) {
  BenefitsFiling b;
  SpecificDisease d;
  d.category = 1;
  d.self_pay_yen = 20000;
  d.valid_from = D(2025, 5, 31);  // the day before the 高齢受給者 month
  d.valid_until = D(2026, 3, 31);
  b.disease = d;
  EXPECT_TRUE(CheckBenefitsFor(b, {}, Member()).empty());
  b.disease->valid_from = D(2025, 6, 1);
  EXPECT_EQ(Fields(CheckBenefitsFor(b, {}, Member())), Strings{"disease_self_pay"});
  b.disease->valid_from = D(2025, 5, 31);
  b.disease->category = 2;
  EXPECT_EQ(Fields(CheckBenefitsFor(b, {}, Member())), Strings{"disease_self_pay"});
  b.disease->category = 1;
  EXPECT_EQ(Fields(CheckBenefitsFor(b, {}, Member("39131234"))), Strings{"disease_self_pay"});
  b.disease->self_pay_yen = 10000;
  EXPECT_TRUE(CheckBenefitsFor(b, {}, Member("39131234")).empty());
}

}  // namespace
}  // namespace onshi
