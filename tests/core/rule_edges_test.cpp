// Edges of src/core's rules that the mutation run (issue 21,
// scripts/mutate-core.sh) found unchecked: each test here failed on at least
// one mutant that every other core test passed. Each checks the rule's own
// edge (the last accepted value and the first refused one), written out, not
// computed with the code under test.
#include <gtest/gtest.h>

#include <string>

#include "core/business_days.hpp"
#include "core/card_validity.hpp"
#include "core/date.hpp"
#include "core/holidays.hpp"
#include "core/insured_card_id.hpp"
#include "core/japanese_text.hpp"
#include "core/medical_institution_code.hpp"
#include "core/my_number.hpp"
#include "core/submission.hpp"
#include "core/wareki.hpp"

namespace onshi {
namespace {

Date D(int y, int m, int d) {
  return Date::FromYmd(y, m, d);
}

// --- date.cpp --------------------------------------------------------------

TEST(RuleEdges, DatesFromYearOneToYear9999Only) {
  EXPECT_EQ(Date::FromYmdChecked(0, 12, 31), std::nullopt);
  EXPECT_TRUE(Date::FromYmdChecked(1, 1, 1).has_value());
  EXPECT_TRUE(Date::FromYmdChecked(9999, 12, 31).has_value());
  EXPECT_EQ(Date::FromYmdChecked(10000, 1, 1), std::nullopt);
}

// --- card_validity.cpp -------------------------------------------------------

TEST(RuleEdges, RCard5_AnAsciiControlCharacterIsANonDigitNotAFullWidthOne) {
  // DEL (0x7F) is the last ASCII byte: the PIN is refused for holding a
  // non-digit, not told to use half-width digits; 0x80 starts multibyte text.
  const std::optional<Error> del = CheckAuthPinFormat(
      "12\x7f"
      "4");
  ASSERT_TRUE(del.has_value());
  EXPECT_EQ(del->message, "must contain only the digits 0-9");
  const std::optional<Error> wide = CheckAuthPinFormat("12\xC2\x80");
  ASSERT_TRUE(wide.has_value());
  EXPECT_EQ(wide->message,
            "must use half-width digits 0-9 (full-width characters are not accepted)");
}

// --- holidays.cpp ------------------------------------------------------------

TEST(RuleEdges, TaikuNoHiFrom1966OnOctoberTenthUntil1999) {
  EXPECT_FALSE(IsPublicHoliday(D(1965, 10, 10)));
  EXPECT_TRUE(IsPublicHoliday(D(1966, 10, 10)));
  EXPECT_TRUE(IsPublicHoliday(D(1999, 10, 11)));   // 1999-10-10 was a Sunday: 振替休日
  EXPECT_FALSE(IsPublicHoliday(D(2000, 10, 10)));  // then the 2nd Monday (10-09)
  EXPECT_TRUE(IsPublicHoliday(D(2000, 10, 9)));
}

TEST(RuleEdges, KenkokuKinenNoHiFrom1967) {
  EXPECT_FALSE(IsPublicHoliday(D(1966, 2, 11)));
  EXPECT_TRUE(IsPublicHoliday(D(1967, 2, 11)));
}

// --- insured_card_id.cpp (記号・番号 text, R-DOC-9) ----------------------------

TEST(RuleEdges, RDoc9_CardIdTextAcceptsEveryWellFormedLengthAndNoOverlongForm) {
  // Two-byte characters from lead C2 (the first that is not overlong).
  EXPECT_TRUE(InsuredCardId::Parse("\xC2\xA9", "1", "").ok());  // ©
  EXPECT_TRUE(InsuredCardId::Parse("é", "1", "").ok());
  EXPECT_FALSE(InsuredCardId::Parse("\xC1\xBF", "1", "").ok());  // overlong '\x7F'
  // Three bytes: U+0800 is the first; E0 9F BF would be U+07FF, overlong.
  EXPECT_TRUE(InsuredCardId::Parse("\xE0\xA0\x80", "1", "").ok());
  EXPECT_FALSE(InsuredCardId::Parse("\xE0\x9F\xBF", "1", "").ok());
  // Four bytes: U+10000 is the first; F0 8F BF BF would be U+FFFF, overlong.
  EXPECT_TRUE(InsuredCardId::Parse("\xF0\x90\x80\x80", "1", "").ok());
  EXPECT_FALSE(InsuredCardId::Parse("\xF0\x8F\xBF\xBF", "1", "").ok());
  EXPECT_TRUE(InsuredCardId::Parse("\xF4\x8F\xBF\xBF", "1", "").ok());  // U+10FFFF
  EXPECT_FALSE(InsuredCardId::Parse("\xF4\x90\x80\x80", "1", "").ok());
  // Surrogates are not characters.
  EXPECT_TRUE(InsuredCardId::Parse("\xED\x9F\xBF", "1", "").ok());  // U+D7FF
  EXPECT_FALSE(InsuredCardId::Parse("\xED\xA0\x80", "1", "").ok());
  EXPECT_FALSE(InsuredCardId::Parse("\xED\xBF\xBF", "1", "").ok());
  EXPECT_TRUE(InsuredCardId::Parse("\xEE\x80\x80", "1", "").ok());  // U+E000
}

// --- japanese_text.cpp (readings, R-LINK-4's registry comparison) ------------

std::string Kata(std::string_view text) {
  const std::optional<std::string> k = ToFullWidthKatakana(text);
  return k ? *k : "<none>";
}

TEST(RuleEdges, RLink4_HalfWidthVoicingMarksComposeAtTheEndsOfEachRow) {
  EXPECT_EQ(Kata("ﾂﾞ"), "ヅ");  // ツテト: voiced one code point up
  EXPECT_EQ(Kata("ﾄﾞ"), "ド");
  EXPECT_EQ(Kata("ﾎﾞ"), "ボ");  // ハ..ホ: the last of the row
  EXPECT_EQ(Kata("ﾎﾟ"), "ポ");
  EXPECT_EQ(Kata("ﾊﾞ"), "バ");
  EXPECT_EQ(Kata("ｶﾞ"), "ガ");
  EXPECT_EQ(Kata("ﾁﾞ"), "ヂ");
  EXPECT_EQ(Kata("ﾜﾞ"), "ヷ");  // ワ → ヷ is 8 code points up
  EXPECT_EQ(Kata("ｦﾞ"), "ヺ");
}

TEST(RuleEdges, RLink4_DaijiAndAzaAreDroppedOnlyBeforeAPlaceName) {
  // 大字 / 字 followed by a number are not the old district marks.
  EXPECT_NE(AddressKey("恩納村大字123"), AddressKey("恩納村123"));
  EXPECT_NE(AddressKey("恩納村字123"), AddressKey("恩納村123"));
  EXPECT_EQ(AddressKey("恩納村大字恩納123"), AddressKey("恩納村恩納123"));
  EXPECT_EQ(AddressKey("恩納村字恩納123"), AddressKey("恩納村恩納123"));
}

TEST(RuleEdges, RLink4_AnIterationMarkWithNothingBeforeItRepeatsNothing) {
  // ヽ and ヾ repeat the kana before them (ミスヾ = ミスズ); first in a
  // reading there is none, and no NUL may enter the key.
  for (const char* text : {"ヽア", "ヾア"}) {
    const std::string key = KanaKey(text);
    EXPECT_EQ(key.find('\0'), std::string::npos) << text;
    EXPECT_FALSE(key.empty()) << text;
  }
  // ヾ after a kana that has no voiced form (ア) repeats it unvoiced.
  EXPECT_EQ(KanaKey("アヾ"), KanaKey("アア"));
  EXPECT_EQ(KanaKey("アヾ").find('\0'), std::string::npos);
  EXPECT_EQ(KanaKey("ミスヾ"), KanaKey("ミスズ"));
}

// --- business_days.cpp (R-LINK-3's lag in business days) -------------------

TEST(RuleEdges, RLink3_BusinessDaysAfterTheHolidayTableFollowTheWeekdays) {
  // Past kHolidayLastYear nothing is cached: weekdays are open, weekends not.
  const BusinessDayOptions no_closure{.year_end_closure = false};
  EXPECT_TRUE(IsBusinessDay(D(9999, 12, 1), no_closure));    // a Wednesday
  EXPECT_FALSE(IsBusinessDay(D(9999, 12, 25), no_closure));  // a Saturday
  EXPECT_EQ(BusinessDaysBetween(D(9999, 12, 1), D(9999, 12, 10), no_closure), 7);
  EXPECT_FALSE(IsBusinessDay(D(9999, 12, 29)));  // 年末年始
}

TEST(RuleEdges, RLink3_YearEndClosureFromDecember29ToJanuary3) {
  EXPECT_TRUE(IsBusinessDay(D(2026, 12, 28)));   // a Monday
  EXPECT_FALSE(IsBusinessDay(D(2026, 12, 29)));  // a Tuesday, closed
  EXPECT_FALSE(IsBusinessDay(D(2027, 1, 1)));
  EXPECT_TRUE(IsBusinessDay(D(2027, 1, 4)));  // a Monday
}

// --- my_number.cpp (R-LINK-1: the My Number as the employer's form has it) --

TEST(RuleEdges, RLink1_MyNumberTypedWithAnyOfTheDashesU2010ToU2015) {
  const MyNumber want = *MyNumber::Parse("621498320257");
  for (const char* dash : {"\u2010", "\u2011", "\u2014", "\u2015"}) {
    const std::string text = std::string("6214") + dash + "9832" + dash + "0257";
    const Expected<MyNumber> got = MyNumber::ParseLenient(text);
    ASSERT_TRUE(got.ok()) << text;
    EXPECT_EQ(*got, want);
  }
  // Just outside the range: U+200F (a direction mark) and U+2016 (‖).
  EXPECT_FALSE(MyNumber::ParseLenient("6214\u200F98320257").ok());
  EXPECT_FALSE(MyNumber::ParseLenient("6214\u20169832 0257").ok());
}

// --- medical_institution_code.cpp (the facility's code, R-FAC-6 ④) ---------

TEST(RuleEdges, FeeScheduleErrorQuotesTheOneDigitItFound) {
  const Expected<MedicalInstitutionCode> got = MedicalInstitutionCode::Parse("1320010018");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().message, "fee schedule (点数表番号) must be 1, 3, 4 or 6, got 2");
}

// --- submission.cpp (R-LINK-1: the 届出種別 column) --------------------------

TEST(RuleEdges, RLink1_FormKindWithFullWidthOrAsciiBrackets) {
  EXPECT_EQ(ParseFormKind("被扶養者異動届（追加）"), FormKind::kDependentAdd);
  EXPECT_EQ(ParseFormKind("被扶養者異動届(追加)"), FormKind::kDependentAdd);
  EXPECT_EQ(ParseFormKind("被扶養者異動届（削除）"), FormKind::kDependentRemove);
  EXPECT_EQ(ParseFormKind("被扶養者異動届(非該当)"), FormKind::kDependentRemove);
  EXPECT_EQ(ParseFormKind("被扶養者異動届（該当）"), FormKind::kDependentAdd);
  EXPECT_EQ(ParseFormKind("被扶養者異動届（追加"), std::nullopt);
}

RawSubmission CardRaw() {
  RawSubmission r;  // a 給付情報届 names the member by 記号・番号・枝番 (R-DOC-9)
  r.submission_id = "E1";
  r.form = "給付情報届";
  r.symbol = "10";
  r.number = "1234";
  r.branch = "00";
  r.birth_date = "19550615";
  r.event_date = "20260101";
  return r;
}

bool HasError(const RawSubmission& r, std::string_view field) {
  auto s = ReadSubmission(r, D(2026, 1, 5));
  if (s.ok()) return false;
  for (const FieldError& e : s.error()) {
    EXPECT_EQ(e.line, 0) << "the caller sets the line";
    if (e.field == field) return true;
  }
  return false;
}

TEST(RuleEdges, RLink1_ACardIdErrorNamesTheColumnToCorrect) {
  RawSubmission r = CardRaw();
  r.symbol = "1\t0";
  EXPECT_TRUE(HasError(r, "symbol"));
  EXPECT_FALSE(HasError(r, "number"));
  r = CardRaw();
  r.branch = "0x";
  EXPECT_TRUE(HasError(r, "branch"));
  EXPECT_FALSE(HasError(r, "symbol"));
  r = CardRaw();
  r.number = "12\n34";
  EXPECT_TRUE(HasError(r, "number"));
  EXPECT_FALSE(HasError(r, "branch"));
}

TEST(RuleEdges, RLink1_OneDigitLossReasonIsReadWithItsLeadingZero) {
  RawSubmission r = CardRaw();
  r.form = "資格喪失届";
  r.loss_reason = "1";  // a spreadsheet ate the 0 of 01 (死亡)
  EXPECT_FALSE(HasError(r, "loss_reason"));
  r.loss_reason = "01";
  EXPECT_FALSE(HasError(r, "loss_reason"));
  r.loss_reason = "4";
  EXPECT_TRUE(HasError(r, "loss_reason"));
  r.loss_reason = "";
  EXPECT_TRUE(HasError(r, "loss_reason"));
}

// --- wareki.cpp (和暦 dates on paper forms) ----------------------------------

TEST(RuleEdges, WarekiMonthAndDayHaveAtMostTwoDigits) {
  EXPECT_EQ(ParseWareki("R7.04.01").value(), D(2025, 4, 1));
  EXPECT_FALSE(ParseWareki("R7.004.01").ok());
  EXPECT_FALSE(ParseWareki("R7.04.001").ok());
}

TEST(RuleEdges, WarekiEraYearsUpToTheYear9999) {
  // 令和 began in 2019: 令和7981年 is 9999, the last year a Date holds.
  EXPECT_EQ(FromWareki(Era::kReiwa, 7981, 12, 31).value(), D(9999, 12, 31));
  const Expected<Date> beyond = FromWareki(Era::kReiwa, 7982, 1, 1);
  ASSERT_FALSE(beyond.ok());
  EXPECT_NE(beyond.error().message.find("impossible era year"), std::string::npos);
}

TEST(RuleEdges, WarekiFoldsFullWidthFormsFromU_FF01Only) {
  // U+FF01..U+FF5E are full-width ASCII; U+FF00 before them is no character
  // at all and must not become a blank that Trim would drop.
  EXPECT_EQ(ParseWareki("R7.4.1\xEF\xBC\x81").ok(), false);  // ！ stays a '!'
  EXPECT_FALSE(ParseWareki("R7.4.1\xEF\xBC\x80").ok());
  EXPECT_EQ(ParseWareki("\xEF\xBC\xB2\xEF\xBC\x97.4.1").value(), D(2025, 4, 1));  // Ｒ７
}

TEST(RuleEdges, WarekiKanjiDayHasAtMostTwoDigits) {
  EXPECT_EQ(ParseWareki("令和7年4月01日").value(), D(2025, 4, 1));
  EXPECT_FALSE(ParseWareki("令和7年4月001日").ok());
}

TEST(RuleEdges, WarekiFullWidthLowercaseLetter) {
  // ｒ (U+FF52) is in the U+FF40..U+FF5E block, folded to 'r'.
  EXPECT_EQ(ParseWareki("\xEF\xBD\x92\xEF\xBC\x97.4.1").value(), D(2025, 4, 1));
}

TEST(RuleEdges, WarekiReadsOnlyItsOwnFieldOfARecord) {
  // A field cut out of a longer record: what follows it is not read, neither
  // a further digit nor the rest of a full-width character.
  const std::string digits = "R7.4.12";
  EXPECT_EQ(ParseWareki(std::string_view(digits).substr(0, 6)).value(), D(2025, 4, 1));
  const std::string wide = "R7.4.\xEF\xBC\x91";  // R7.4.１
  EXPECT_EQ(ParseWareki(wide).value(), D(2025, 4, 1));
  EXPECT_FALSE(ParseWareki(std::string_view(wide).substr(0, 6)).ok());
  EXPECT_FALSE(ParseWareki(std::string_view(wide).substr(0, 7)).ok());
}

}  // namespace
}  // namespace onshi
