// Header names of import files (src/intake/columns.hpp).
#include "intake/columns.hpp"

#include <gtest/gtest.h>

namespace onshi::intake {
namespace {

using R = RawSubmission;

TEST(ColumnsTest, EnglishMemberNames) {
  ASSERT_EQ(RawFields().size(), 37u);
  for (const NamedField& f : RawFields()) {
    EXPECT_EQ(ColumnField(f.name), f.field) << f.name;
    EXPECT_EQ(FieldNamed(f.name), f.field) << f.name;
    EXPECT_EQ(NameOf(f.field), f.name);
  }
  EXPECT_EQ(FieldNamed("Name"), nullptr);  // JSON keys are exact
}

TEST(ColumnsTest, ToleratesCaseSpacesBomAndFullWidth) {
  EXPECT_EQ(ColumnField("Submission_ID"), &R::submission_id);
  EXPECT_EQ(ColumnField("  FORM\t"), &R::form);
  EXPECT_EQ(ColumnField("\xEF\xBB\xBFsubmission_id"), &R::submission_id);
  EXPECT_EQ(ColumnField("\u3000氏名\u3000"), &R::name);
  EXPECT_EQ(ColumnField("ＭＹ＿ＮＵＭＢＥＲ"), &R::my_number);
  EXPECT_EQ(ColumnField("氏　名"), &R::name);
  EXPECT_EQ(ColumnField("氏名 （カナ）"), &R::name_kana);
}

TEST(ColumnsTest, JapaneseHeaders) {
  struct Case {
    const char* header;
    RawField field;
  };
  for (const Case& c : {
           Case{"受付番号", &R::submission_id},
           Case{"届出種別", &R::form},
           Case{"届書種別", &R::form},
           Case{"個人番号", &R::my_number},
           Case{"マイナンバー", &R::my_number},
           Case{"氏名", &R::name},
           Case{"氏名カナ", &R::name_kana},
           Case{"フリガナ", &R::name_kana},
           Case{"カナ氏名", &R::name_kana},
           Case{"ﾌﾘｶﾞﾅ", &R::name_kana},
           Case{"生年月日", &R::birth_date},
           Case{"性別", &R::sex},
           Case{"郵便番号", &R::postcode},
           Case{"住所", &R::address},
           Case{"記号", &R::symbol},
           Case{"番号", &R::number},
           Case{"枝番", &R::branch},
           Case{"年月日", &R::event_date},
           Case{"異動年月日", &R::event_date},
           Case{"資格取得年月日", &R::event_date},
           Case{"喪失年月日", &R::event_date},
           Case{"変更年月日", &R::event_date},
           Case{"喪失事由", &R::loss_reason},
           Case{"喪失理由", &R::loss_reason},
           Case{"資格確認書交付希望", &R::certificate_wanted},
           Case{"資格確認書希望", &R::certificate_wanted},
           Case{"一部負担金割合", &R::copay_percent},
           // Benefits data (issue 14, R-FAC-9).
           Case{"被保険者証区分", &R::card_classification},
           Case{"交付年月日", &R::card_issued_on},
           Case{"有効期限", &R::card_valid_until},
           Case{"通称", &R::name_of_other},
           Case{"通称カナ", &R::name_of_other_kana},
           Case{"通称（カナ）", &R::name_of_other_kana},
           Case{"性別２", &R::sex2},
           Case{"高齢受給者証交付年月日", &R::elderly_certificate_date},
           Case{"高齢受給者証有効開始年月日", &R::elderly_valid_from},
           Case{"高齢受給者証有効終了年月日", &R::elderly_valid_until},
           Case{"高齢受給者証負担割合", &R::elderly_copay_percent},
           Case{"限度額適用認定証区分", &R::limit_classification},
           Case{"適用区分", &R::limit_category},
           Case{"限度額適用認定証交付年月日", &R::limit_certificate_date},
           Case{"限度額適用認定証有効開始年月日", &R::limit_valid_from},
           Case{"限度額適用認定証有効終了年月日", &R::limit_valid_until},
           Case{"長期入院該当年月日", &R::limit_long_term_date},
           Case{"特定疾病区分", &R::disease_category},
           Case{"特定疾病療養受療証交付年月日", &R::disease_certificate_date},
           Case{"特定疾病療養受療証有効開始年月日", &R::disease_valid_from},
           Case{"特定疾病療養受療証有効終了年月日", &R::disease_valid_until},
           Case{"自己負担限度額", &R::disease_self_pay},
       }) {
    EXPECT_EQ(ColumnField(c.header), c.field) << c.header;
  }
}

TEST(ColumnsTest, BracketsFullOrHalfWidthAndTrailingNotes) {
  EXPECT_EQ(ColumnField("氏名（カナ）"), &R::name_kana);
  EXPECT_EQ(ColumnField("氏名(カナ)"), &R::name_kana);
  EXPECT_EQ(ColumnField("氏名（漢字）"), &R::name);
  EXPECT_EQ(ColumnField("生年月日(西暦)"), &R::birth_date);
  EXPECT_EQ(ColumnField("生年月日 （YYYYMMDD）"), &R::birth_date);
  EXPECT_EQ(ColumnField("性別【1:男 2:女】"), &R::sex);
  EXPECT_EQ(ColumnField("性別[1:男 2:女]"), &R::sex);
}

TEST(ColumnsTest, UnknownNames) {
  EXPECT_EQ(ColumnField(""), nullptr);
  EXPECT_EQ(ColumnField("備考"), nullptr);
  EXPECT_EQ(ColumnField("(カナ)"), nullptr);
  EXPECT_EQ(ColumnField("submissionid"), nullptr);
}

}  // namespace
}  // namespace onshi::intake
