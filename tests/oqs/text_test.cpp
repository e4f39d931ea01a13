// Half-width kana (§3.3 NameKana), CP932 conversion (§1.2) and the 未就学
// rule (§3.3 PreschoolClassification). "§N" refers to
// /work/shared/docs/oqs-interface.md.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "core/preschool.hpp"
#include "oqs/charset.hpp"
#include "oqs/kana.hpp"

namespace onshi::oqs {
namespace {

TEST(KanaTest, S33_SpecExamples) {
  EXPECT_EQ(ToHalfWidthKana("シンリョウ　タロウ"), "ｼﾝﾘｮｳ ﾀﾛｳ");
  EXPECT_EQ(ToHalfWidthKana("シケン　ハナコ"), "ｼｹﾝ ﾊﾅｺ");
  EXPECT_EQ(ToHalfWidthKana("シケン　ジロウ"), "ｼｹﾝ ｼﾞﾛｳ");
}

TEST(KanaTest, S33_ConversionTable) {
  struct Case {
    std::string_view full, half;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"アイウエオ", "ｱｲｳｴｵ"},
           {"ァィゥェォ", "ｧｨｩｪｫ"},
           {"ャュョッ", "ｬｭｮｯ"},
           {"ガギグゲゴ", "ｶﾞｷﾞｸﾞｹﾞｺﾞ"},
           {"ザジズゼゾ", "ｻﾞｼﾞｽﾞｾﾞｿﾞ"},
           {"ダヂヅデド", "ﾀﾞﾁﾞﾂﾞﾃﾞﾄﾞ"},
           {"バビブベボ", "ﾊﾞﾋﾞﾌﾞﾍﾞﾎﾞ"},
           {"パピプペポ", "ﾊﾟﾋﾟﾌﾟﾍﾟﾎﾟ"},
           {"ヴ", "ｳﾞ"},
           {"ヷヺ", "ﾜﾞｦﾞ"},
           {"ヸヹ", "ｲﾞｴﾞ"},
           {"ワヲン", "ﾜｦﾝ"},
           {"ヰヱヮヵヶ", "ｲｴﾜｶｹ"},
           {"ラーメン", "ﾗｰﾒﾝ"},
           {"ナカグロ・テン", "ﾅｶｸﾞﾛ･ﾃﾝ"},
           {"「。、」", "｢｡､｣"},
           {"カ\u3099", "ｶﾞ"},               // combining voiced mark
           {"ハ\u309A", "ﾊﾟ"},               // combining semi-voiced mark
           {"カ゛ハ゜", "ｶﾞﾊﾟ"},             // spacing marks
           {"がっこう　ぱん", "ｶﾞｯｺｳ ﾊﾟﾝ"},  // hiragana reads as katakana
           {"ヤマダ　ＡＢＣ１２", "ﾔﾏﾀﾞ ABC12"},
           {"ｼｹﾝ ﾊﾅｺ", "ｼｹﾝ ﾊﾅｺ"},  // already half-width: unchanged
           {"山田", "山田"},
           {"", ""},
       }) {
    EXPECT_EQ(ToHalfWidthKana(c.full), c.half) << c.full;
  }
}

TEST(KanaTest, InvalidBytesPassThrough) {
  EXPECT_EQ(ToHalfWidthKana("ア\xFFイ\xE3"), "ｱ\xFFｲ\xE3");
}

TEST(CharsetTest, S12_Cp932RoundTrip) {
  const std::string text = "試験　花子 ｼｹﾝ ﾊﾅｺ ①㈱髙﨑～－";
  const std::string sjis = Utf8ToCp932(text);
  EXPECT_EQ(sjis.substr(0, 4), "\x8E\x8E\x8C\xB1");  // 試験
  const std::optional<std::string> back = Cp932ToUtf8(sjis);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, text);
}

TEST(CharsetTest, S12_JisVariantsMapToCp932) {
  // U+301C WAVE DASH and U+2212 MINUS SIGN (what JIS-minded converters
  // produce) are written as the CP932 bytes Windows shows as ～ and －.
  EXPECT_EQ(Utf8ToCp932("\u301C\u2212"), "\x81\x60\x81\x7C");
}

TEST(CharsetTest, S12_UnrepresentableBecomesGeta) {
  std::size_t replaced = 0;
  EXPECT_EQ(Utf8ToCp932("a𠮷b😀c", &replaced),
            "a\x81\xAC"
            "b\x81\xAC"
            "c");
  EXPECT_EQ(replaced, 2u);
  EXPECT_EQ(Utf8ToCp932("a\xFF"
                        "b",
                        &replaced),
            "a\x81\xAC"
            "b");
  EXPECT_EQ(replaced, 1u);
  EXPECT_EQ(Utf8ToCp932("a\xE3\x81", &replaced), "a\x81\xAC\x81\xAC");  // truncated
}

TEST(CharsetTest, InvalidCp932IsReported) {
  std::size_t at = 0;
  EXPECT_FALSE(Cp932ToUtf8("ab\x81", &at).has_value());
  EXPECT_EQ(at, 2u);
  EXPECT_FALSE(Cp932ToUtf8("\x85\x40").has_value());  // unassigned row
  EXPECT_EQ(Cp932ToUtf8("").value(), "");
}

TEST(CharsetTest, Utf8Validation) {
  EXPECT_TRUE(IsValidUtf8("abc 試験 𠮷"));
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // > U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xE3\x81"));          // truncated
  EXPECT_FALSE(IsValidUtf8("\x8E\x8E"));          // Shift_JIS 試
}

Date D(int y, int m, int d) {
  return Date::FromYmd(y, m, d);
}

TEST(PreschoolTest, S33_FirstMarch31AfterReachingSix) {
  // 4/2 births are the first of a school cohort; 4/1 births the last of
  // the previous one (they reach 6 on 3/31).
  EXPECT_EQ(LastPreschoolDay(D(2019, 4, 2)), D(2026, 3, 31));
  EXPECT_EQ(LastPreschoolDay(D(2019, 4, 1)), D(2025, 3, 31));
  EXPECT_EQ(LastPreschoolDay(D(2019, 1, 1)), D(2025, 3, 31));
  EXPECT_EQ(LastPreschoolDay(D(2018, 12, 31)), D(2025, 3, 31));
  EXPECT_EQ(LastPreschoolDay(D(2020, 2, 29)), D(2026, 3, 31));

  EXPECT_TRUE(IsPreschool(D(2019, 4, 2), D(2019, 4, 2)));
  EXPECT_TRUE(IsPreschool(D(2019, 4, 2), D(2026, 3, 31)));
  EXPECT_FALSE(IsPreschool(D(2019, 4, 2), D(2026, 4, 1)));
  EXPECT_FALSE(IsPreschool(D(2019, 4, 1), D(2025, 4, 1)));
  EXPECT_FALSE(IsPreschool(D(2019, 4, 2), D(2019, 4, 1)));  // not yet born
}

}  // namespace
}  // namespace onshi::oqs
