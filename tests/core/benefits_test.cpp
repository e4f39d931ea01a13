// Benefits data an insurer files (core/benefits.hpp, core/benefits_form.hpp;
// R-FAC-9, issue 14 "Benefits data from insurers"): reading the columns,
// checking them against the member, applying them to the qualification.
#include "core/benefits.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/benefits_form.hpp"
#include "core/copay.hpp"
#include "core/submission.hpp"

namespace onshi {
namespace {

Date D(int y, int m, int d) {
  return Date::FromYmd(y, m, d);
}

RawSubmission BenefitsRaw() {
  RawSubmission r;
  r.submission_id = "B1";
  r.form = "給付情報届";
  r.symbol = "10";
  r.number = "1234";
  r.branch = "00";
  r.birth_date = "19550615";
  r.event_date = "20260101";
  return r;
}

std::vector<std::string> Fields(const std::vector<FieldError>& errors) {
  std::vector<std::string> out;
  for (const FieldError& e : errors)
    out.push_back(e.field);
  return out;
}

bool Has(const std::vector<FieldError>& errors, std::string_view field) {
  return std::any_of(errors.begin(), errors.end(),
                     [&](const FieldError& e) { return e.field == field; });
}

TEST(BenefitsForm, EveryCertificateIsRead) {
  RawSubmission r = BenefitsRaw();
  r.copay_percent = "30";
  r.card_classification = "3";
  r.card_issued_on = "R7.12.1";
  r.card_valid_until = "2027-07-31";
  r.name_of_other = "スミス　ジョン";
  r.name_of_other_kana = "すみす　じょん";
  r.sex2 = "3";
  r.elderly_certificate_date = "20250720";
  r.elderly_valid_from = "20250801";
  r.elderly_valid_until = "20260731";
  r.elderly_copay_percent = "030";
  r.limit_classification = "02";
  r.limit_category = "b05";
  r.limit_certificate_date = "20250801";
  r.limit_valid_from = "20250801";
  r.limit_valid_until = "20260731";
  r.limit_long_term_date = "20251101";
  r.disease_category = "1";
  r.disease_certificate_date = "20250401";
  r.disease_valid_from = "20250401";
  r.disease_valid_until = "20300331";
  r.disease_self_pay = "10,000";
  auto s = ReadSubmission(r, D(2026, 1, 5));
  ASSERT_TRUE(s.ok()) << (s.ok() ? "" : s.error()[0].field + ": " + s.error()[0].reason);
  const BenefitsFiling& b = s->benefits;
  EXPECT_EQ(s->form, FormKind::kBenefits);
  EXPECT_EQ(s->copay_percent, 30);
  EXPECT_EQ(b.card_classification, CardClassification::kShortTerm);
  EXPECT_EQ(b.card_issued_on, D(2025, 12, 1));
  EXPECT_EQ(b.card_valid_until, D(2027, 7, 31));
  EXPECT_EQ(b.name_of_other, "スミス　ジョン");
  EXPECT_EQ(b.name_of_other_kana, "スミス　ジョン");
  EXPECT_EQ(b.sex2, Sex::kUnset);
  ASSERT_TRUE(b.elderly);
  EXPECT_EQ(b.elderly->copay_percent, 30);
  EXPECT_EQ(b.elderly->valid_until, D(2026, 7, 31));
  ASSERT_TRUE(b.limit);
  EXPECT_EQ(b.limit->classification, 2);
  EXPECT_EQ(b.limit->category_flag, "B05");
  EXPECT_EQ(b.limit->long_term_date, D(2025, 11, 1));
  ASSERT_TRUE(b.disease);
  EXPECT_EQ(b.disease->category, 1);
  EXPECT_EQ(b.disease->self_pay_yen, 10000);
}

TEST(BenefitsForm, EachBadValueIsNamed) {
  RawSubmission r = BenefitsRaw();
  r.card_classification = "08";
  r.sex2 = "4";
  r.name_of_other_kana = "ジョン";    // a reading without the 通称
  r.elderly_valid_from = "20250801";  // a certificate with fields missing
  r.limit_classification = "04";
  r.limit_category = "C01";
  r.limit_certificate_date = "20250801";
  r.limit_valid_from = "20250801";
  r.limit_valid_until = "20250731";  // before it starts
  r.disease_category = "4";
  r.disease_certificate_date = "20250401";
  r.disease_valid_from = "2025-04-01";
  r.disease_valid_until = "2030/03/31";
  r.disease_self_pay = "15000";
  auto s = ReadSubmission(r, D(2026, 1, 5));
  ASSERT_FALSE(s.ok());
  const auto fields = Fields(s.error());
  for (const char* f :
       {"card_classification", "sex2", "name_of_other_kana", "elderly_certificate_date",
        "elderly_valid_until", "elderly_copay_percent", "limit_classification", "limit_category",
        "limit_valid_until", "disease_category", "disease_self_pay"}) {
    EXPECT_NE(std::find(fields.begin(), fields.end(), f), fields.end()) << f;
  }
  // The filled field of the partial 高齢受給者証 is not blamed.
  EXPECT_EQ(std::find(fields.begin(), fields.end(), "elderly_valid_from"), fields.end());
}

TEST(BenefitsForm, NamesAMemberByItsKeysOnly) {
  RawSubmission r = BenefitsRaw();
  EXPECT_FALSE(ReadSubmission(r, D(2026, 1, 5)).ok());  // nothing filed
  r.copay_percent = "20";
  EXPECT_TRUE(ReadSubmission(r, D(2026, 1, 5)).ok());
  r.name = "山田　太郎";
  r.my_number = "123456789018";
  auto s = ReadSubmission(r, D(2026, 1, 5));
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Has(s.error(), "name"));
  EXPECT_TRUE(Has(s.error(), "my_number"));
}

TEST(BenefitsForm, OnlyOnJoiningFormsAndTheBenefitsForm) {
  RawSubmission r;
  r.submission_id = "C1";
  r.form = "変更届";
  r.my_number = "123456789018";
  r.name = "山田　太郎";
  r.name_kana = "ヤマダ　タロウ";
  r.birth_date = "19800505";
  r.sex = "1";
  r.address = "東京都千代田区霞が関1-2-3";
  r.symbol = "10";
  r.number = "1234";
  r.branch = "00";
  r.event_date = "20250520";
  ASSERT_TRUE(ReadSubmission(r, D(2025, 5, 21)).ok());
  r.limit_category = "A03";
  r.copay_percent = "30";  // was silently dropped on a 変更届
  auto s = ReadSubmission(r, D(2025, 5, 21));
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Has(s.error(), "limit_category"));
  EXPECT_TRUE(Has(s.error(), "copay_percent"));
  r.form = "資格取得届";
  r.limit_category = "";
  r.card_classification = "01";
  EXPECT_TRUE(ReadSubmission(r, D(2025, 5, 21)).ok());
}

BenefitsMember Member(const char* insurer, Date birth) {
  return {insurer, birth, D(2020, 4, 1), std::nullopt};
}

TEST(BenefitsCheck, ElderlyCertificateOnlyBetweenSeventyAndSeventyFour) {
  // Born 1955-06-15: 高齢受給者 from 2025-07-01 to 2030-06-14.
  BenefitsFiling b;
  b.elderly = ElderlyRecipient{D(2025, 6, 20), D(2025, 7, 1), D(2026, 7, 31), 20};
  EXPECT_TRUE(CheckBenefitsFor(b, std::nullopt, Member("06139992", D(1955, 6, 15))).empty());
  b.elderly->valid_from = D(2025, 6, 1);  // still 69
  EXPECT_TRUE(Has(CheckBenefitsFor(b, std::nullopt, Member("06139992", D(1955, 6, 15))),
                  "elderly_valid_from"));
  b.elderly->valid_from = D(2029, 8, 1);
  b.elderly->valid_until = D(2030, 7, 31);  // past the 75th birthday
  EXPECT_TRUE(Has(CheckBenefitsFor(b, std::nullopt, Member("06139992", D(1955, 6, 15))),
                  "elderly_valid_until"));
  // 後期高齢者医療 has no 高齢受給者証.
  b.elderly = ElderlyRecipient{D(2025, 6, 20), D(2025, 7, 1), D(2026, 7, 31), 20};
  EXPECT_FALSE(CheckBenefitsFor(b, std::nullopt, Member("39139999", D(1955, 6, 15))).empty());
}

TEST(BenefitsCheck, LimitCategoryFollowsAgeAndLateStage) {
  BenefitsFiling b;
  b.limit = LimitCertificate{1, "A03", D(2025, 8, 1), D(2025, 8, 1), D(2026, 7, 31), std::nullopt};
  EXPECT_TRUE(CheckBenefitsFor(b, std::nullopt, Member("06139992", D(1980, 5, 5))).empty());
  EXPECT_TRUE(
      Has(CheckBenefitsFor(b, std::nullopt, Member("06139992", D(1950, 5, 5))), "limit_category"));
  EXPECT_TRUE(Has(CheckBenefitsFor(b, std::nullopt, Member("39139999", D(1958, 5, 5))),
                  "limit_category"));  // 後期高齢者医療 under 75 (障害認定): B
  b.limit->category_flag = "B04";
  EXPECT_TRUE(CheckBenefitsFor(b, std::nullopt, Member("39139999", D(1958, 5, 5))).empty());
  b.limit->long_term_date = D(2025, 10, 1);  // only on a 減額認定証
  EXPECT_TRUE(Has(CheckBenefitsFor(b, std::nullopt, Member("39139999", D(1958, 5, 5))),
                  "limit_long_term_date"));
  b.limit->classification = 2;
  EXPECT_TRUE(CheckBenefitsFor(b, std::nullopt, Member("39139999", D(1958, 5, 5))).empty());
  // Not before the qualification began.
  b.limit->valid_from = D(2019, 8, 1);
  EXPECT_TRUE(Has(CheckBenefitsFor(b, std::nullopt, Member("39139999", D(1958, 5, 5))),
                  "limit_valid_from"));
}

TEST(BenefitsCheck, OneTenthOnlyInLateStageAndTwentyThousandOnlyForDialysisUnderSeventy) {
  BenefitsFiling b;
  EXPECT_TRUE(Has(CheckBenefitsFor(b, 10, Member("06139992", D(1980, 5, 5))), "copay_percent"));
  EXPECT_TRUE(CheckBenefitsFor(b, 10, Member("39139999", D(1945, 5, 5))).empty());
  b.disease = SpecificDisease{2, D(2025, 4, 1), D(2025, 4, 1), D(2030, 3, 31), 20000};
  EXPECT_TRUE(Has(CheckBenefitsFor(b, std::nullopt, Member("06139992", D(1980, 5, 5))),
                  "disease_self_pay"));
  b.disease->category = 1;
  EXPECT_TRUE(CheckBenefitsFor(b, std::nullopt, Member("06139992", D(1980, 5, 5))).empty());
}

Qualification Stored() {
  Qualification q;
  q.insurer_number = "06139992";
  q.birth_date = D(1955, 6, 15);
  q.acquired = D(2020, 4, 1);
  q.attributes.push_back({D(2020, 4, 1), "山田　花子", "ヤマダ　ハナコ", "山田　花子", "100-0013",
                          "東京都千代田区霞が関1-2-3"});
  q.attributes.push_back({D(2026, 3, 1), "山田　花子", "ヤマダ　ハナコ", "山田　花子", "160-0023",
                          "東京都新宿区西新宿2-8-1"});
  q.limits.push_back({1, "B04", D(2025, 7, 20), D(2025, 8, 1), D(2026, 7, 31), std::nullopt});
  q.diseases.push_back({1, D(2021, 1, 1), D(2021, 1, 1), D(2026, 3, 31), 10000});
  q.diseases.push_back({2, D(2021, 1, 1), D(2021, 1, 1), D(2026, 3, 31), 10000});
  return q;
}

TEST(BenefitsApply, RatioCardFactsAliasAndCertificatesReplaceOverlaps) {
  Qualification q = Stored();
  EXPECT_EQ(CopayPercentOn(q, D(2026, 1, 5)), 20);  // 高齢受給者 by law
  BenefitsFiling b;
  b.card_classification = CardClassification::kEligibilityCertificate;
  b.card_issued_on = D(2025, 12, 1);
  b.card_valid_until = D(2030, 11, 30);
  b.sex2 = Sex::kFemale;
  b.name_of_other = "スミス　ハナ";
  b.name_of_other_kana = "スミス　ハナ";
  b.limit =
      LimitCertificate{2, "B05", D(2025, 12, 20), D(2026, 1, 1), D(2026, 7, 31), D(2025, 11, 1)};
  b.disease = SpecificDisease{1, D(2026, 1, 1), D(2026, 1, 1), D(2031, 3, 31), 10000};
  ApplyBenefits(q, b, 30, D(2026, 1, 1));
  EXPECT_TRUE(q.copay_filed);
  EXPECT_EQ(CopayPercentOn(q, D(2026, 1, 5)), 30);
  EXPECT_EQ(q.card_classification, CardClassification::kEligibilityCertificate);
  EXPECT_EQ(q.card_issued_on, D(2025, 12, 1));
  EXPECT_EQ(q.card_valid_until, D(2030, 11, 30));
  EXPECT_EQ(q.sex2, Sex::kFemale);
  // The 通称 from its day on, through the later change of address too.
  ASSERT_EQ(q.attributes.size(), 3u);
  EXPECT_EQ(q.AttributesOn(D(2025, 12, 31)).name_of_other, "");
  EXPECT_EQ(q.AttributesOn(D(2026, 1, 1)).name_of_other, "スミス　ハナ");
  EXPECT_EQ(q.AttributesOn(D(2026, 1, 1)).address, "東京都千代田区霞が関1-2-3");
  EXPECT_EQ(q.AttributesOn(D(2026, 3, 1)).name_of_other_kana, "スミス　ハナ");
  EXPECT_EQ(q.AttributesOn(D(2026, 3, 1)).address, "東京都新宿区西新宿2-8-1");
  // The overlapping 限度額 certificate is replaced; the other category's
  // 特定疾病 certificate stays.
  ASSERT_EQ(q.limits.size(), 1u);
  EXPECT_EQ(q.LimitOn(D(2026, 2, 1))->category_flag, "B05");
  ASSERT_EQ(q.diseases.size(), 2u);
  EXPECT_EQ(q.diseases[0].category, 2);
  EXPECT_EQ(q.diseases[1].valid_until, D(2031, 3, 31));
}

}  // namespace
}  // namespace onshi
