// How a clerk's filed text is read (core/filed_text.hpp; R-LINK-1: the form's
// name, birth date, sex and address; R-LINK-4: what cannot be read is an
// error, never a guess). Written for the mutation run of issue 21: each
// reader is checked at the edges of what it accepts.
#include <gtest/gtest.h>

#include <string>

#include "core/filed_text.hpp"

namespace onshi {
namespace {

TEST(FiledText, TrimRemovesAsciiBlanksAndIdeographicSpacesAtBothEnds) {
  EXPECT_EQ(TrimFiled(" \t　山田　花子　\t "), "山田　花子");
  EXPECT_EQ(TrimFiled("　　"), "");
  EXPECT_EQ(TrimFiled(""), "");
  EXPECT_EQ(TrimFiled("x"), "x");
  // Two bytes of U+3000 are not a blank: nothing is cut from inside a
  // character.
  EXPECT_EQ(TrimFiled("\xE3\x80"), "\xE3\x80");
  EXPECT_EQ(TrimFiled("a\xE3\x80"), "a\xE3\x80");
}

TEST(FiledText, AllDigitsIsANonEmptyRunOfAsciiDigits) {
  EXPECT_TRUE(AllDigits("0123456789"));
  EXPECT_FALSE(AllDigits(""));
  EXPECT_FALSE(AllDigits("12/4"));  // '/' is just below '0'
  EXPECT_FALSE(AllDigits("12:4"));  // ':' is just above '9'
  EXPECT_FALSE(AllDigits("１２"));  // full-width
}

TEST(FiledText, DatesInTheFourWaysFormsWriteThem) {
  const Date want = Date::FromYmd(2025, 4, 1);
  EXPECT_EQ(ParseFiledDate("20250401"), want);
  EXPECT_EQ(ParseFiledDate("2025-04-01"), want);
  EXPECT_EQ(ParseFiledDate("2025/04/01"), want);
  EXPECT_EQ(ParseFiledDate("令和7年4月1日"), want);
  EXPECT_EQ(ParseFiledDate("R7.4.1"), want);
  EXPECT_EQ(ParseFiledDate("2025-04/01"), std::nullopt);  // mixed separators
  EXPECT_EQ(ParseFiledDate("2025.04.01"), std::nullopt);
  EXPECT_EQ(ParseFiledDate("2025041"), std::nullopt);
  EXPECT_EQ(ParseFiledDate("2025040a"), std::nullopt);
  EXPECT_EQ(ParseFiledDate("20250231"), std::nullopt);
  EXPECT_EQ(ParseFiledDate(""), std::nullopt);
}

TEST(FiledText, SexAsCodeKanjiOrLetter) {
  for (const char* male : {"1", "男", "M", "m", "男性"})
    EXPECT_EQ(ParseFiledSex(male), Sex::kMale);
  for (const char* female : {"2", "女", "F", "f", "女性"}) {
    EXPECT_EQ(ParseFiledSex(female), Sex::kFemale);
  }
  for (const char* bad : {"3", "", "X", "男女"})
    EXPECT_EQ(ParseFiledSex(bad), std::nullopt);
}

TEST(FiledText, PostcodeFromAsciiOrFullWidthDigitsAndHyphens) {
  EXPECT_EQ(ParsePostcode("1234567"), "123-4567");
  EXPECT_EQ(ParsePostcode("123-4567"), "123-4567");
  EXPECT_EQ(ParsePostcode("０９８－７６５４"), "098-7654");
  EXPECT_EQ(ParsePostcode("１２３ー４５６７"), "123-4567");
  EXPECT_EQ(ParsePostcode("０１２３４５６"), "012-3456");  // ０ and ９ ends of the range
  EXPECT_EQ(ParsePostcode("９８７６５４３"), "987-6543");
  EXPECT_EQ(ParsePostcode("100-0009"), "100-0009");  // ASCII 0 and 9
  EXPECT_EQ(ParsePostcode("123456７"), "123-4567");  // a full-width digit last
  EXPECT_EQ(ParsePostcode("123456"), std::nullopt);
  EXPECT_EQ(ParsePostcode("12345678"), std::nullopt);
  EXPECT_EQ(ParsePostcode("123 4567"), std::nullopt);
  EXPECT_EQ(ParsePostcode("123/4567"), std::nullopt);
  EXPECT_EQ(ParsePostcode("123:4567"), std::nullopt);
  // U+FF0F and U+FF1A sit just outside full-width ０..９.
  EXPECT_EQ(ParsePostcode("123／4567"), std::nullopt);
  EXPECT_EQ(ParsePostcode("123：4567"), std::nullopt);
  EXPECT_EQ(ParsePostcode("123\xEF\xBC"), std::nullopt);  // a cut character
  // A field cut inside a full-width digit (a fixed-width record): the bytes
  // after the field are not read, even when they would complete it.
  const std::string record = "123456\xEF\xBC\x91";
  EXPECT_EQ(ParsePostcode(std::string_view(record).substr(0, 7)), std::nullopt);
  EXPECT_EQ(ParsePostcode(std::string_view(record).substr(0, 8)), std::nullopt);
}

TEST(FiledText, EchoQuotesShortTextAndNeverALongNumber) {
  EXPECT_EQ(EchoFiled("abc"), "\"abc\"");
  EXPECT_EQ(EchoFiled("123456789"), "\"123456789\"");  // 9 digits: still quoted
  EXPECT_EQ(EchoFiled("x1234567890"), "(a long number, not repeated here)");
  EXPECT_EQ(EchoFiled("12345-123456789"), "\"12345-123456789\"");  // the run restarts
  const std::string exactly24(24, 'a');
  EXPECT_EQ(EchoFiled(exactly24), "\"" + exactly24 + "\"");
  EXPECT_EQ(EchoFiled(exactly24 + "b"), "\"" + exactly24 + "…\"");
  // The cut never splits a character: 山 is 3 bytes, so 8 of them fill 24
  // bytes exactly and the 9th is left out whole; shifted by one byte, the
  // cut moves back to the start of the 8th.
  EXPECT_EQ(EchoFiled("山山山山山山山山山"), "\"山山山山山山山山…\"");
  EXPECT_EQ(EchoFiled("a山山山山山山山山"), "\"a山山山山山山山…\"");
  // Bytes that are all continuation bytes (not UTF-8 at all) leave nothing
  // before the cut.
  EXPECT_EQ(EchoFiled(std::string(30, '\x80')), "\"…\"");
}

}  // namespace
}  // namespace onshi
