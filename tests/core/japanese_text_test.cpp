// Japanese text normalisation (core/japanese_text.hpp) and the UTF-8 helpers
// under it (core/utf8.hpp).
//
// R-LINK-4: a form whose basic information does not match the resident
// registry leaves the record unregistered. The keys decide what "match"
// means, so every test here is one of two kinds: the same name or address in
// another spelling must give the same key (or a clerk chases a registration
// error that is not one), and a different name or address must give a
// different key (or a form is accepted for the wrong person or place). The
// negative cases matter as much as the positive ones.
#include "core/japanese_text.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>

#include "core/utf8.hpp"

namespace onshi {
namespace {

// Succeeds if `key` gives the same key for every text in `texts`.
template <class Key>
::testing::AssertionResult SameKey(Key key, std::initializer_list<std::string_view> texts) {
  const std::string first = key(*texts.begin());
  for (std::string_view t : texts) {
    const std::string k = key(t);
    if (k != first) {
      return ::testing::AssertionFailure() << "\"" << *texts.begin() << "\" → \"" << first
                                           << "\" but \"" << t << "\" → \"" << k << "\"";
    }
  }
  return ::testing::AssertionSuccess();
}

template <class Key>
::testing::AssertionResult DifferentKeys(Key key, std::string_view a, std::string_view b) {
  const std::string ka = key(a);
  if (ka == key(b)) {
    return ::testing::AssertionFailure()
           << "\"" << a << "\" and \"" << b << "\" both → \"" << ka << "\"";
  }
  return ::testing::AssertionSuccess();
}

std::string Kata(std::string_view text) {
  const std::optional<std::string> k = ToFullWidthKatakana(text);
  return k ? *k : "<none>";
}

// ===========================================================================
// UTF-8

TEST(JapaneseTextUtf8Test, DecodesOneToFourBytes) {
  const std::string_view text = "a\u00E9\u3042\U00020BB7";  // a é あ 𠮷
  Utf8Char c = DecodeUtf8(text, 0);
  EXPECT_EQ(c.code_point, U'a');
  EXPECT_EQ(c.length, 1u);
  c = DecodeUtf8(text, 1);
  EXPECT_EQ(c.code_point, U'\u00E9');
  EXPECT_EQ(c.length, 2u);
  c = DecodeUtf8(text, 3);
  EXPECT_EQ(c.code_point, U'\u3042');
  EXPECT_EQ(c.length, 3u);
  c = DecodeUtf8(text, 6);
  EXPECT_EQ(c.code_point, U'\U00020BB7');
  EXPECT_EQ(c.length, 4u);
}

// Bad bytes become U+FFFD covering only their maximal subpart, so the good
// character after them is still read (an import line in a wrong encoding must
// not turn into a shorter, plausible name).
TEST(JapaneseTextUtf8Test, IllFormedSequencesAreReplacementCharacters) {
  struct Case {
    std::string_view bytes;
    std::size_t length;
  };
  for (const Case& c : {
           Case{"\x80", 1},              // stray continuation byte
           Case{"\xC0\x80", 1},          // overlong lead byte
           Case{"\xE0\x80\x80", 1},      // overlong three-byte form
           Case{"\xED\xA0\x80", 1},      // surrogate U+D800
           Case{"\xF4\x90\x80\x80", 1},  // above U+10FFFF
           Case{"\xF5\x80", 1},          // never a lead byte
           Case{"\xE3\x81", 2},          // truncated あ
           Case{"\xE3\x81"
                "a",
                2},                  // truncated あ before a letter
           Case{"\xF0\xA0\xAE", 3},  // truncated 𠮷
       }) {
    const Utf8Char u = DecodeUtf8(c.bytes, 0);
    EXPECT_EQ(u.code_point, kReplacementCharacter) << testing::PrintToString(c.bytes);
    EXPECT_EQ(u.length, c.length) << testing::PrintToString(c.bytes);
  }
  EXPECT_EQ(DecodeUtf8("\xE3\x81"
                       "a",
                       2)
                .code_point,
            U'a');
}

TEST(JapaneseTextUtf8Test, AppendsAndRoundTrips) {
  std::string out;
  for (char32_t c : {U'a', U'\u00E9', U'\u3042', U'\uFF76', U'\U00020BB7'})
    AppendUtf8(out, c);
  EXPECT_EQ(out, "a\u00E9\u3042\uFF76\U00020BB7");
  std::string bad;
  AppendUtf8(bad, 0xD800);
  AppendUtf8(bad, 0x110000);
  EXPECT_EQ(bad, "\uFFFD\uFFFD");
}

// ===========================================================================
// ToFullWidthKatakana: the stored form of a reading

TEST(JapaneseTextTest, KatakanaFromHalfWidthComposesDakuten) {
  // Half-width readings come from old mainframe exports; ﾞ/ﾟ are separate
  // characters there and must become one kana, or ガ would be stored as カ゛.
  EXPECT_EQ(Kata("ｶﾞｯｺｳ"), "ガッコウ");
  EXPECT_EQ(Kata("ﾊﾟﾝ"), "パン");
  EXPECT_EQ(Kata("ｳﾞｨｵﾗ"), "ヴィオラ");
  EXPECT_EQ(Kata("ﾔﾏﾀﾞ ﾀﾛｳ"), "ヤマダ　タロウ");
  EXPECT_EQ(Kata("ｼﾞｮｰｼﾞ･ｽﾐｽ"), "ジョージ・スミス");
}

TEST(JapaneseTextTest, KatakanaFromHiraganaAndDecomposedText) {
  EXPECT_EQ(Kata("やまだ　たろう"), "ヤマダ　タロウ");
  EXPECT_EQ(Kata("みすゞ"), "ミスヾ");
  EXPECT_EQ(Kata("ゔぁ"), "ヴァ");
  // NFD (macOS file names, some web forms): カ + U+3099, ハ + U+309A.
  EXPECT_EQ(Kata("\u30AB\u3099\u30CF\u309A"), "ガパ");
  EXPECT_EQ(Kata("カ゛"), "ガ");  // spacing ゛ typed after the kana
}

TEST(JapaneseTextTest, KatakanaSpacesBecomeOneIdeographicSpaceAndAreTrimmed) {
  EXPECT_EQ(Kata("ヤマダタロウ"), "ヤマダタロウ");
  EXPECT_EQ(Kata("ヤマダ タロウ"), "ヤマダ　タロウ");
  EXPECT_EQ(Kata("ヤマダ　タロウ"), "ヤマダ　タロウ");
  EXPECT_EQ(Kata("  ヤマダ 　　タロウ\t"), "ヤマダ　タロウ");
}

TEST(JapaneseTextTest, KatakanaKeepsSmallKanaAndLongVowel) {
  EXPECT_EQ(Kata("ｷｮｳｺ"), "キョウコ");
  EXPECT_EQ(Kata("ｼｮｰ"), "ショー");
  EXPECT_EQ(Kata("ヶヵ"), "ヶヵ");
}

TEST(JapaneseTextTest, KatakanaRejectsWhatIsNotAReading) {
  // A reading with kanji, latin letters or digits is a mistyped field (the
  // name in the kana column), not something to store as a reading.
  EXPECT_EQ(ToFullWidthKatakana("山田"), std::nullopt);
  EXPECT_EQ(ToFullWidthKatakana("ヤマダ1"), std::nullopt);
  EXPECT_EQ(ToFullWidthKatakana("YAMADA"), std::nullopt);
  EXPECT_EQ(ToFullWidthKatakana("ヤマ-ダ"), std::nullopt);  // only ー/ｰ are long vowels here
  EXPECT_EQ(ToFullWidthKatakana("ｱﾞ"), std::nullopt);       // ﾞ after a kana it cannot voice
  EXPECT_EQ(ToFullWidthKatakana(""), std::nullopt);
  EXPECT_EQ(ToFullWidthKatakana(" 　 "), std::nullopt);
  EXPECT_EQ(ToFullWidthKatakana("ヤマ\xFF"), std::nullopt);  // not UTF-8
}

// ===========================================================================
// TidyName: the stored form of a name

TEST(JapaneseTextTest, TidyNameSpacesWidthAndKeepsKanjiAsWritten) {
  EXPECT_EQ(TidyName("  山田  太郎 "), "山田　太郎");
  EXPECT_EQ(TidyName("山田　\t太郎"), "山田　太郎");
  EXPECT_EQ(TidyName("ﾔﾏﾀﾞ ﾀﾛｳ"), "ヤマダ　タロウ");
  EXPECT_EQ(TidyName("SMITH John 2"), "ＳＭＩＴＨ　Ｊｏｈｎ　２");
  EXPECT_EQ(TidyName("ＳＭＩＴＨ"), "ＳＭＩＴＨ");
  // The stored name is the one the person wrote: 髙 is not tidied to 高.
  EXPECT_EQ(TidyName("髙橋 一郎"), "髙橋　一郎");
  EXPECT_EQ(TidyName(""), "");
}

// ===========================================================================
// NameKey — R-LINK-4

TEST(JapaneseTextTest, RLink4_NameSpacesDoNotMatter) {
  // Registry: no space or U+3000; forms: ASCII, U+3000, doubled, or none.
  EXPECT_TRUE(
      SameKey(NameKey, {"山田太郎", "山田 太郎", "山田　太郎", "山田  太郎", " 山田　　太郎 "}));
}

TEST(JapaneseTextTest, RLink4_NameWidthDoesNotMatter) {
  EXPECT_TRUE(SameKey(NameKey, {"ヤマダタロウ", "ﾔﾏﾀﾞ ﾀﾛｳ", "やまだたろう"}));
  // Foreign residents: the registry holds the alphabet name in capitals.
  EXPECT_TRUE(
      SameKey(NameKey, {"SMITH JOHN", "ＳＭＩＴＨ　ＪＯＨＮ", "Smith John", "ｓｍｉｔｈ john"}));
  EXPECT_TRUE(SameKey(NameKey, {"スミス・ジョン", "スミス ジョン", "ｽﾐｽ･ｼﾞｮﾝ"}));
  EXPECT_TRUE(SameKey(NameKey, {"ジョージ", "ジョ－ジ", "ｼﾞｮｰｼﾞ", "ジョ-ジ"}));
}

// Each category of the 異体字 table: the registry keeps the family-register
// form, the employer's PC often cannot type it.
TEST(JapaneseTextTest, RLink4_NameOldAndVariantKanjiMatchTheStandardForm) {
  EXPECT_TRUE(SameKey(NameKey, {"高橋", "髙橋"}));                  // はしごだか
  EXPECT_TRUE(SameKey(NameKey, {"山崎", "山﨑", "山嵜", "山碕"}));  // たつさき (U+FA11) and others
  EXPECT_TRUE(SameKey(NameKey, {"渡辺", "渡邊", "渡邉"}));          // 旧字体 and its variant
  EXPECT_TRUE(SameKey(NameKey, {"斎藤", "齋藤"}));
  EXPECT_TRUE(SameKey(NameKey, {"斉藤", "齊藤"}));
  EXPECT_TRUE(SameKey(NameKey, {"沢田", "澤田"}));
  EXPECT_TRUE(SameKey(NameKey, {"浜田", "濱田", "濵田"}));
  EXPECT_TRUE(SameKey(NameKey, {"広瀬", "廣瀨"}));
  EXPECT_TRUE(SameKey(NameKey, {"桜井", "櫻井"}));
  EXPECT_TRUE(SameKey(NameKey, {"徳川", "德川"}));
  EXPECT_TRUE(SameKey(NameKey, {"富田", "冨田"}));
  EXPECT_TRUE(SameKey(NameKey, {"真一", "眞一"}));
  EXPECT_TRUE(SameKey(NameKey, {"槙原", "槇原"}));
  EXPECT_TRUE(SameKey(NameKey, {"昇", "曻"}));
  EXPECT_TRUE(SameKey(NameKey, {"寿子", "壽子"}));
  EXPECT_TRUE(SameKey(NameKey, {"恵", "惠"}));
  EXPECT_TRUE(SameKey(NameKey, {"栄一", "榮一"}));
  EXPECT_TRUE(SameKey(NameKey, {"吉田", "𠮷田"}));  // つちよし: outside the BMP
  // CJK compatibility ideographs: their canonical decomposition (pure Unicode).
  EXPECT_TRUE(SameKey(NameKey, {"晴美", "\uFA12美"}));
  EXPECT_TRUE(SameKey(NameKey, {"隆", "\uF9DC"}));
  // A compatibility ideograph whose decomposition is itself an old form: 龜 U+F907.
  EXPECT_TRUE(SameKey(NameKey, {"亀田", "\uF907田", "龜田"}));
}

// Different names must stay different, however close they look: accepting
// them would register a form against someone else's registry record.
TEST(JapaneseTextTest, RLink4_DifferentNamesStayDifferent) {
  EXPECT_TRUE(DifferentKeys(NameKey, "佐藤", "佐籐"));  // 籐 (rattan) is not a variant of 藤
  EXPECT_TRUE(DifferentKeys(NameKey, "渡辺", "渡部"));
  EXPECT_TRUE(DifferentKeys(NameKey, "斎藤", "斉藤"));  // two surnames, each with its own old form
  EXPECT_TRUE(DifferentKeys(NameKey, "齋藤", "齊藤"));
  EXPECT_TRUE(DifferentKeys(NameKey, "淵上", "渕上"));  // registered as distinct surnames
  EXPECT_TRUE(DifferentKeys(NameKey, "龍也", "竜也"));
  EXPECT_TRUE(DifferentKeys(NameKey, "島田", "嶋田"));
  EXPECT_TRUE(DifferentKeys(NameKey, "山田太郎", "山田次郎"));
  EXPECT_TRUE(DifferentKeys(NameKey, "ショウコ", "シヨウコ"));  // small kana kept in names
  EXPECT_TRUE(DifferentKeys(NameKey, "山田", "山田\xFF"));
}

// ===========================================================================
// KanaKey — R-LINK-4

TEST(JapaneseTextTest, RLink4_ReadingScriptWidthAndSpacesDoNotMatter) {
  EXPECT_TRUE(SameKey(
      KanaKey, {"ヤマダ　タロウ", "やまだ たろう", "ﾔﾏﾀﾞﾀﾛｳ", "ヤマダ  タロウ", "ヤマダタロウ"}));
  EXPECT_TRUE(SameKey(KanaKey, {"ガッコウ", "ｶﾞｯｺｳ", "\u30AB\u3099ッコウ"}));
}

TEST(JapaneseTextTest, RLink4_ReadingVuAndBuAreOneSpelling) {
  // The registry's 振り仮名 rules allow ヴ; older systems wrote バ-row kana.
  EXPECT_TRUE(SameKey(KanaKey, {"ヴァイオリン", "バイオリン", "ｳﾞｧｲｵﾘﾝ"}));
  EXPECT_TRUE(SameKey(KanaKey, {"ヴィ", "ビ"}));
  EXPECT_TRUE(SameKey(KanaKey, {"ヴ", "ブ"}));
  EXPECT_TRUE(SameKey(KanaKey, {"ヴェ", "ベ"}));
  EXPECT_TRUE(SameKey(KanaKey, {"ヴォ", "ボ"}));
  EXPECT_TRUE(SameKey(KanaKey, {"ゔぃくとりあ", "ビクトリア"}));
}

TEST(JapaneseTextTest, RLink4_ReadingHistoricalKanaSpellings) {
  EXPECT_TRUE(SameKey(KanaKey, {"チヂミ", "チジミ"}));
  EXPECT_TRUE(SameKey(KanaKey, {"ツヅキ", "ツズキ", "つづき"}));
  EXPECT_TRUE(SameKey(KanaKey, {"ヰノウエ", "イノウエ"}));
  EXPECT_TRUE(SameKey(KanaKey, {"ヱミ", "エミ"}));
  EXPECT_TRUE(SameKey(KanaKey, {"カヲル", "カオル"}));
  EXPECT_TRUE(SameKey(KanaKey, {"ミスヾ", "ミスズ", "みすゞ"}));  // iteration marks spelt out
}

TEST(JapaneseTextTest, RLink4_ReadingSmallKanaMatchLargeOnes) {
  // Old registry data could not hold 拗音 and 促音.
  EXPECT_TRUE(SameKey(KanaKey, {"キョウコ", "キヨウコ", "ｷｮｳｺ"}));
  EXPECT_TRUE(SameKey(KanaKey, {"ハットリ", "ハツトリ"}));
  EXPECT_TRUE(SameKey(KanaKey, {"ヵヶ", "カケ"}));
}

TEST(JapaneseTextTest, RLink4_ReadingLongVowelMarksAreOne) {
  EXPECT_TRUE(
      SameKey(KanaKey, {"ジョージ", "ｼﾞｮｰｼﾞ", "ジョ－ジ", "ジョ-ジ", "ジョ‐ジ", "ジョ〜ジ"}));
}

TEST(JapaneseTextTest, RLink4_DifferentReadingsStayDifferent) {
  EXPECT_TRUE(DifferentKeys(KanaKey, "オオノ", "オノ"));    // 大野 and 小野
  EXPECT_TRUE(DifferentKeys(KanaKey, "オオノ", "オーノ"));  // vowel letters are not long marks
  EXPECT_TRUE(DifferentKeys(KanaKey, "サトウ", "サイトウ"));
  EXPECT_TRUE(DifferentKeys(KanaKey, "カトウ", "ガトウ"));  // voicing is never dropped
  EXPECT_TRUE(DifferentKeys(KanaKey, "ハラ", "パラ"));
  EXPECT_TRUE(DifferentKeys(KanaKey, "ブンタ", "フンタ"));
}

// ===========================================================================
// AddressKey — R-LINK-4

TEST(JapaneseTextTest, RLink4_AddressKanjiNumeralsAndBlockWordsMatchHyphens) {
  // The example every implementation must get right.
  EXPECT_TRUE(
      SameKey(AddressKey, {"東京都千代田区霞が関一丁目２番３号", "東京都千代田区霞ヶ関1-2-3",
                           "東京都千代田区霞ケ関１－２－３", "東京都 千代田区 霞が関 1‐2‐3"}));
  EXPECT_EQ(AddressKey("東京都千代田区霞が関一丁目２番３号"), "東京都千代田区霞ケ関1-2-3");
}

TEST(JapaneseTextTest, RLink4_AddressKanjiNumeralValues) {
  EXPECT_TRUE(SameKey(AddressKey, {"本町十一丁目", "本町11丁目", "本町１１－"}));
  EXPECT_TRUE(SameKey(AddressKey, {"本町二十三番地", "本町23番地", "本町23"}));
  EXPECT_TRUE(SameKey(AddressKey, {"本町百五番", "本町105"}));
  EXPECT_TRUE(SameKey(AddressKey, {"本町一〇五号", "本町105号"}));
  EXPECT_TRUE(SameKey(AddressKey, {"本町千二百三十四番地", "本町1234"}));
  EXPECT_TRUE(SameKey(AddressKey, {"本町三丁目十番地の五", "本町3-10-5", "本町3丁目10番地5"}));
  EXPECT_TRUE(SameKey(AddressKey, {"本町三の五", "本町3-5", "本町３ノ５"}));
  EXPECT_TRUE(SameKey(AddressKey, {"本町1丁目2-三", "本町1-2-3"}));  // after a number's '-'
}

TEST(JapaneseTextTest, RLink4_AddressHyphenVariants) {
  // What IMEs and import files produce for '-': ー after a digit is the
  // commonest (kana mode), then －, ‐, −, ―, ‑.
  EXPECT_TRUE(SameKey(AddressKey, {"本町1-2-3", "本町1ー2ー3", "本町１－２－３", "本町1−2−3",
                                   "本町1―2―3", "本町1‑2‑3", "本町1ｰ2ｰ3", "本町1--2-3-"}));
  // Away from digits ー is a long vowel and stays one (コーポ, not コ-ポ).
  EXPECT_TRUE(SameKey(AddressKey, {"本町1-2コーポ101", "本町1-2 コ－ポ 101"}));
}

TEST(JapaneseTextTest, RLink4_AddressKeBetweenKanji) {
  EXPECT_TRUE(SameKey(AddressKey, {"霞が関", "霞ヶ関", "霞ケ関", "霞ヵ関", "霞ガ関"}));
  EXPECT_TRUE(SameKey(AddressKey, {"浜松市北区三ヶ日町", "浜松市北区三ケ日町"}));
}

TEST(JapaneseTextTest, RLink4_AddressAzaDropped) {
  // 大字 and 字 mark old land-register districts; newer records omit them.
  EXPECT_TRUE(SameKey(AddressKey, {"恩納村大字恩納字前兼久123", "恩納村恩納前兼久123",
                                   "恩納村大字恩納前兼久１２３番地"}));
  // Only the marker goes, never the district name after it.
  EXPECT_TRUE(DifferentKeys(AddressKey, "恩納村大字恩納字前兼久123", "恩納村字恩納123"));
}

TEST(JapaneseTextTest, RLink4_AddressOldKanjiAndWidth) {
  EXPECT_TRUE(SameKey(AddressKey, {"東京都澁谷區", "東京都渋谷区"}));
  EXPECT_TRUE(SameKey(
      AddressKey, {"大阪府大阪市北区梅田1-1-3 Aビル", "大阪府大阪市北区梅田１－１－３ ａビル"}));
}

// Place names that contain numerals are names, not numbers.
TEST(JapaneseTextTest, RLink4_AddressPlaceNamesKeepTheirNumerals) {
  EXPECT_EQ(AddressKey("東京都新宿区四谷三丁目"), "東京都新宿区四谷3");
  EXPECT_EQ(AddressKey("東京都中央区八丁堀二丁目"), "東京都中央区八丁堀2");
  EXPECT_EQ(AddressKey("東京都港区六本木六丁目"), "東京都港区六本木6");
  EXPECT_EQ(AddressKey("新潟県十日町市"), "新潟県十日町市");
  EXPECT_EQ(AddressKey("千葉県長生郡一宮町一宮"), "千葉県長生郡一宮町一宮");
  EXPECT_EQ(AddressKey("愛知県一宮市一の宮"), "愛知県一宮市一の宮");
  EXPECT_EQ(AddressKey("東京都千代田区九段北一丁目"), "東京都千代田区九段北1");
}

TEST(JapaneseTextTest, RLink4_AddressSeparatorsOnlyBetweenNumbers) {
  // 号 (or a dash) before a building name, or at the end, separates nothing.
  EXPECT_TRUE(
      SameKey(AddressKey, {"霞が関1-2-3号 霞ビル", "霞が関1-2-3 霞ビル", "霞が関1-2-3-霞ビル"}));
  EXPECT_TRUE(SameKey(AddressKey, {"本町1-2-3号", "本町1-2-3", "本町1-2-3-"}));
  // A space between two numbers does separate them: a room number is not
  // part of the 番地.
  EXPECT_TRUE(SameKey(AddressKey, {"本町1-2-3 101", "本町1-2-3-101", "本町一丁目二番三号 一〇一"}));
  EXPECT_TRUE(DifferentKeys(AddressKey, "本町1-2-3 101", "本町1-2-3101"));
}

TEST(JapaneseTextTest, RLink4_DifferentAddressesStayDifferent) {
  EXPECT_TRUE(DifferentKeys(AddressKey, "霞が関1-2-3", "霞が関1-2-4"));
  EXPECT_TRUE(DifferentKeys(AddressKey, "霞が関一丁目", "霞が関十一丁目"));
  EXPECT_TRUE(DifferentKeys(AddressKey, "本町二十三番地", "本町二十番地三"));  // 23 vs 20-3
  EXPECT_TRUE(DifferentKeys(AddressKey, "本町1-23", "本町12-3"));
  EXPECT_TRUE(DifferentKeys(AddressKey, "本町百五番", "本町百番五"));  // 105 vs 100-5
  EXPECT_TRUE(DifferentKeys(AddressKey, "八丁堀", "8丁堀"));
  EXPECT_TRUE(DifferentKeys(AddressKey, "東京都千代田区", "東京都中央区"));
  EXPECT_TRUE(DifferentKeys(AddressKey, "本町1-2-3 101号室", "本町1-2-3 102号室"));
}

// ===========================================================================
// Compare*Keys: the keys' verdict without building them

TEST(JapaneseTextTest, CompareKeysAgreeWithTheKeys) {
  EXPECT_EQ(CompareNameKeys("髙橋　一郎", "高橋 一郎"), KeyComparison::kEqual);
  EXPECT_EQ(CompareNameKeys("佐藤", "佐籐"), KeyComparison::kDifferent);
  EXPECT_EQ(CompareKanaKeys("ヴィ", "ビ"), KeyComparison::kEqual);
  EXPECT_EQ(CompareKanaKeys("オオノ", "オノ"), KeyComparison::kDifferent);
  EXPECT_EQ(CompareAddressKeys("霞が関一丁目２番３号", "霞ヶ関1-2-3"), KeyComparison::kEqual);
  EXPECT_EQ(CompareAddressKeys("霞が関1-2-3", "霞が関1-2-4"), KeyComparison::kDifferent);
  EXPECT_EQ(CompareAddressKeys("霞が関1-2-3", "霞が関1-2-3"), KeyComparison::kEqual);
}

TEST(JapaneseTextTest, CompareKeysReportsBlankBeforeUnreadable) {
  // Blank: spaces, ・ or nothing at all have an empty key.
  EXPECT_EQ(CompareNameKeys("", "山田"), KeyComparison::kBlank);
  EXPECT_EQ(CompareNameKeys("山田", " 　・"), KeyComparison::kBlank);
  EXPECT_EQ(CompareKanaKeys("", ""), KeyComparison::kBlank);
  EXPECT_EQ(CompareAddressKeys("", "\xFF"), KeyComparison::kBlank);
  // Unreadable even when the bytes are identical: two different names in a
  // wrong encoding can decode to the same U+FFFD.
  EXPECT_EQ(CompareNameKeys("\x8E\x52\x93\x63", "\x8E\x52\x93\x63"), KeyComparison::kUnreadable);
  EXPECT_EQ(CompareNameKeys("山田\xFF", "山田\xFE"), KeyComparison::kUnreadable);
  EXPECT_EQ(CompareNameKeys("山田\uFFFD", "山田\uFFFD"), KeyComparison::kUnreadable);
  EXPECT_EQ(CompareAddressKeys("霞が関1-2-3", "霞が関1-2-3\xC0"), KeyComparison::kUnreadable);
}

// Texts from the tests above, in all their spellings.
constexpr std::string_view kCorpus[] = {
    "髙﨑　一郎",          "高崎 一郎",  "ﾀｶｻｷ ｲﾁﾛｳ",      "たかさき いちろう",
    "ヴァイオリン",        "ミスヾ",     "ジョ－ジ",       "スミス・ジョン",
    "Smith John",          "𠮷田",       "\uF907田",       "霞が関一丁目２番３号",
    "霞ヶ関1-2-3",         "本町三の五", "本町二十三番地", "八丁堀二丁目",
    "大字恩納字前兼久123", "1-2-3 101",  "コ－ポ",         "一の宮",
};

// A key is already in its own normal form: a rule that maps into something
// another rule would change again (a chain in the 異体字 table, 二十 → 20 →
// …) would make equality depend on how many times a text was normalised.
TEST(JapaneseTextTest, KeysAreTheirOwnKeys) {
  for (std::string_view text : kCorpus) {
    EXPECT_EQ(NameKey(NameKey(text)), NameKey(text)) << text;
    EXPECT_EQ(KanaKey(KanaKey(text)), KanaKey(text)) << text;
    EXPECT_EQ(AddressKey(AddressKey(text)), AddressKey(text)) << text;
  }
}

// The Compare* functions build the same keys as the string functions; check
// them against each other on every pair.
TEST(JapaneseTextTest, CompareKeysMatchesKeyEquality) {
  const auto expected = [](const std::string& a, const std::string& b) {
    return a == b ? KeyComparison::kEqual : KeyComparison::kDifferent;
  };
  for (std::string_view a : kCorpus) {
    for (std::string_view b : kCorpus) {
      EXPECT_EQ(CompareNameKeys(a, b), expected(NameKey(a), NameKey(b))) << a << " / " << b;
      EXPECT_EQ(CompareKanaKeys(a, b), expected(KanaKey(a), KanaKey(b))) << a << " / " << b;
      EXPECT_EQ(CompareAddressKeys(a, b), expected(AddressKey(a), AddressKey(b)))
          << a << " / " << b;
    }
  }
}

TEST(JapaneseTextTest, LongTextsAreHandled) {
  // Longer than the on-stack buffers: the same rules, on the heap.
  std::string a;
  std::string b;
  for (int i = 0; i < 100; ++i) {
    a += "霞が関一丁目２番３号 ";
    b += "霞ヶ関1-2-3 ";
  }
  EXPECT_EQ(AddressKey(a), AddressKey(b));
  EXPECT_EQ(CompareAddressKeys(a, b), KeyComparison::kEqual);
  EXPECT_EQ(CompareNameKeys(std::string(1000, 'a'), std::string(1000, 'A')), KeyComparison::kEqual);
}

}  // namespace
}  // namespace onshi
