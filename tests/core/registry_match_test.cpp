// The resident-registry check of a filed form (core/registry_match.hpp).
//
// R-LINK-4: a form whose basic information is inaccurate leaves the record
// unregistered. The check must pass a form that says the same thing as the
// registry in another spelling (or the clerk chases a registration error that
// is not one), and must name every field that really differs (or a form for
// someone else is registered under this My Number: the 2023 紐付け誤り).
#include "core/registry_match.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace onshi {
namespace {

using F = RegistryField;

// What J-LIS holds: the family-register forms (髙, 﨑), kanji numerals, no
// spaces in the name.
BasicFour Registry() {
  BasicFour r;
  r.name = "髙﨑　一郎";
  r.name_kana = "タカサキ　イチロウ";
  r.birth_date = Date::FromYmd(1980, 5, 15);
  r.sex = Sex::kMale;
  r.address = "東京都千代田区霞が関一丁目２番３号";
  return r;
}

// The same person as an employer typed him: standard kanji, half-width
// reading, arabic numerals and hyphens.
BasicFour Filed() {
  BasicFour f;
  f.name = "高崎 一郎";
  f.name_kana = "ﾀｶｻｷ ｲﾁﾛｳ";
  f.birth_date = Date::FromYmd(1980, 5, 15);
  f.sex = Sex::kMale;
  f.address = "東京都千代田区霞ヶ関1-2-3";
  return f;
}

TEST(RegistryMatchTest, FieldNamesAreTheSubmissionMembers) {
  // These become FieldError::field, so they must be RawSubmission member names.
  EXPECT_EQ(RegistryFieldName(F::kName), "name");
  EXPECT_EQ(RegistryFieldName(F::kNameKana), "name_kana");
  EXPECT_EQ(RegistryFieldName(F::kBirthDate), "birth_date");
  EXPECT_EQ(RegistryFieldName(F::kSex), "sex");
  EXPECT_EQ(RegistryFieldName(F::kAddress), "address");
}

TEST(RegistryMatchTest, RLink4_SamePersonInOtherSpellingsAgrees) {
  EXPECT_EQ(CompareWithRegistry(Registry(), Filed()), std::vector<F>{});
  EXPECT_EQ(CompareWithRegistry(Registry(), Registry()), std::vector<F>{});
}

TEST(RegistryMatchTest, RLink4_HiraganaReadingAgreesWithKatakana) {
  BasicFour f = Filed();
  f.name_kana = "たかさき いちろう";
  EXPECT_EQ(CompareWithRegistry(Registry(), f), std::vector<F>{});
}

// Each differing field is named, alone, so the clerk corrects only that one.
TEST(RegistryMatchTest, RLink4_EachDifferenceIsNamed) {
  BasicFour f = Filed();
  f.name = "高崎 次郎";
  EXPECT_EQ(CompareWithRegistry(Registry(), f), std::vector<F>{F::kName});

  f = Filed();
  f.name = "高橋 一郎";  // one character off: a different person
  EXPECT_EQ(CompareWithRegistry(Registry(), f), std::vector<F>{F::kName});

  f = Filed();
  f.name_kana = "タカザキ イチロウ";
  EXPECT_EQ(CompareWithRegistry(Registry(), f), std::vector<F>{F::kNameKana});

  f = Filed();
  f.birth_date = Date::FromYmd(1980, 5, 16);
  EXPECT_EQ(CompareWithRegistry(Registry(), f), std::vector<F>{F::kBirthDate});

  f = Filed();
  f.sex = Sex::kFemale;
  EXPECT_EQ(CompareWithRegistry(Registry(), f), std::vector<F>{F::kSex});

  f = Filed();
  f.address = "東京都千代田区霞ヶ関1-2-4";
  EXPECT_EQ(CompareWithRegistry(Registry(), f), std::vector<F>{F::kAddress});

  f = Filed();
  f.address = "東京都千代田区霞ヶ関11-2-3";  // 一丁目 is not 十一丁目
  EXPECT_EQ(CompareWithRegistry(Registry(), f), std::vector<F>{F::kAddress});
}

TEST(RegistryMatchTest, RLink4_AllDifferencesInEnumOrder) {
  // A form for someone else entirely (a family member's My Number typed by
  // mistake): every field is reported, none is "close enough".
  BasicFour f;
  f.name = "高崎 花子";
  f.name_kana = "タカサキ ハナコ";
  f.birth_date = Date::FromYmd(1982, 1, 3);
  f.sex = Sex::kFemale;
  f.address = "東京都千代田区霞が関二丁目１番１号";
  EXPECT_EQ(CompareWithRegistry(Registry(), f),
            (std::vector<F>{F::kName, F::kNameKana, F::kBirthDate, F::kSex, F::kAddress}));
}

TEST(RegistryMatchTest, RLink4_ReadingComparedOnlyWhenBothHaveOne) {
  // Registry records from before 2025-05 have no 振り仮名; older forms had no
  // reading column. Neither is a mismatch.
  BasicFour r = Registry();
  r.name_kana = "";
  EXPECT_EQ(CompareWithRegistry(r, Filed()), std::vector<F>{});
  BasicFour f = Filed();
  f.name_kana = "　";
  EXPECT_EQ(CompareWithRegistry(Registry(), f), std::vector<F>{});
}

TEST(RegistryMatchTest, RLink4_ReadingSpellingVariantsAgree) {
  BasicFour r = Registry();
  r.name = "大野　ヴィクトル";
  r.name_kana = "オオノ　ヴィクトル";
  BasicFour f = Filed();
  f.name = "大野 ヴィクトル";
  f.name_kana = "ｵｵﾉ ﾋﾞｸﾄﾙ";
  EXPECT_EQ(CompareWithRegistry(r, f), std::vector<F>{});
  f.name_kana = "オノ ビクトル";  // 小野, not 大野
  EXPECT_EQ(CompareWithRegistry(r, f), std::vector<F>{F::kNameKana});
}

TEST(RegistryMatchTest, RLink4_NegativeNamePairsStayDifferent) {
  BasicFour r = Registry();
  BasicFour f = Filed();
  r.name = "佐藤　一郎";
  f.name = "佐籐 一郎";
  EXPECT_EQ(CompareWithRegistry(r, f), std::vector<F>{F::kName});
  r.name = "渡辺　一郎";
  f.name = "渡部 一郎";
  EXPECT_EQ(CompareWithRegistry(r, f), std::vector<F>{F::kName});
  f.name = "渡邊 一郎";  // but the old form of 辺 is the same name
  EXPECT_EQ(CompareWithRegistry(r, f), std::vector<F>{});
}

TEST(RegistryMatchTest, RLink4_MissingInformationIsAMismatch) {
  // A blank name or address, or no sex, is missing basic information: it
  // cannot be confirmed against the registry.
  BasicFour f = Filed();
  f.name = " 　";
  f.sex = Sex::kUnset;
  f.address = "";
  EXPECT_EQ(CompareWithRegistry(Registry(), f), (std::vector<F>{F::kName, F::kSex, F::kAddress}));
  BasicFour r = Registry();
  r.sex = Sex::kUnset;
  f = Filed();
  f.sex = Sex::kUnset;
  EXPECT_EQ(CompareWithRegistry(r, f), std::vector<F>{F::kSex});
}

TEST(RegistryMatchTest, RLink4_UnreadableBytesNeverMatch) {
  // Shift_JIS read as UTF-8 decodes to U+FFFD; two different garbled names
  // would otherwise give the same key.
  BasicFour r = Registry();
  BasicFour f = Filed();
  r.name = "\x8E\x52\x93\x63";  // 山田 in Shift_JIS
  f.name = "\x8E\x52\x93\x63";
  EXPECT_EQ(CompareWithRegistry(r, f), std::vector<F>{F::kName});
  f = Filed();
  f.address = "東京都千代田区霞ヶ関1-2-3\xFF";
  EXPECT_EQ(CompareWithRegistry(Registry(), f), std::vector<F>{F::kAddress});
}

TEST(RegistryMatchTest, RLink4_LongFieldsAreComparedInFull) {
  // Longer than the keys' on-stack buffers: a difference at the very end
  // still counts.
  BasicFour r = Registry();
  BasicFour f = Filed();
  r.address = "東京都千代田区霞が関一丁目２番３号" + std::string(300, 'x') + "1";
  f.address = "東京都千代田区霞ヶ関1-2-3" + std::string(300, 'x') + "1";
  EXPECT_EQ(CompareWithRegistry(r, f), std::vector<F>{});
  f.address.back() = '2';
  EXPECT_EQ(CompareWithRegistry(r, f), std::vector<F>{F::kAddress});
}

}  // namespace
}  // namespace onshi
