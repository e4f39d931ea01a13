// Header names of import files (src/intake/columns.hpp).
#include "intake/columns.hpp"

#include <gtest/gtest.h>

namespace onshi::intake {
namespace {

using R = RawSubmission;

TEST(ColumnsTest, EnglishMemberNames) {
  ASSERT_EQ(RawFields().size(), 16u);
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
