#include "core/wareki.hpp"

#include <string>

#include <gtest/gtest.h>

namespace onshi {
namespace {

Date D(int y, int m, int d) {
  return Date::FromYmd(y, m, d);
}

std::string Format(Date d, WarekiStyle style = WarekiStyle::kKanji, bool gannen = true) {
  const Expected<std::string> s = FormatWareki(d, {.style = style, .gannen = gannen});
  return s.ok() ? *s : "error: " + s.error().message;
}

std::string Parse(std::string_view text) {
  const Expected<Date> d = ParseWareki(text);
  return d.ok() ? d->ToIso() : "error: " + d.error().message;
}

TEST(WarekiTest, FormatsKanji) {
  EXPECT_EQ(Format(D(2025, 4, 1)), "令和7年4月1日");
  EXPECT_EQ(Format(D(2019, 5, 1)), "令和元年5月1日");
  EXPECT_EQ(Format(D(2019, 5, 1), WarekiStyle::kKanji, false), "令和1年5月1日");
  EXPECT_EQ(Format(D(2019, 12, 31)), "令和元年12月31日");
  EXPECT_EQ(Format(D(2020, 1, 1)), "令和2年1月1日");
}

TEST(WarekiTest, FormatsLetterAndNumericForms) {
  EXPECT_EQ(Format(D(2025, 4, 1), WarekiStyle::kLetter), "R7.04.01");
  EXPECT_EQ(Format(D(2025, 4, 1), WarekiStyle::kLetterPadded), "R07.04.01");
  EXPECT_EQ(Format(D(2025, 4, 1), WarekiStyle::kNumeric), "5070401");
  EXPECT_EQ(Format(D(1975, 11, 23), WarekiStyle::kNumeric), "3501123");
  EXPECT_EQ(Format(D(1975, 11, 23), WarekiStyle::kLetter), "S50.11.23");
  EXPECT_EQ(Format(D(1920, 2, 3), WarekiStyle::kLetterPadded), "T09.02.03");
  EXPECT_EQ(Format(D(1900, 1, 1), WarekiStyle::kLetter), "M33.01.01");
  EXPECT_EQ(Format(D(1900, 1, 1), WarekiStyle::kNumeric), "1330101");
}

TEST(WarekiTest, FormatErrors) {
  EXPECT_FALSE(FormatWareki(D(1868, 1, 24)).ok());
  EXPECT_EQ(Format(D(1868, 1, 25)), "明治元年1月25日");
  // 令和100年 (2118) does not fit two digits, but the other styles still work.
  EXPECT_FALSE(FormatWareki(D(2118, 1, 1), {.style = WarekiStyle::kNumeric}).ok());
  EXPECT_EQ(Format(D(2118, 1, 1), WarekiStyle::kLetter), "R100.01.01");
  EXPECT_EQ(Format(D(2117, 12, 31), WarekiStyle::kNumeric), "5991231");
}

// Each boundary: the last day of the old era and the first of the new, both
// ways, in every style.
struct Boundary {
  Date date;
  const char* kanji;
  const char* letter;
  const char* numeric;
};

TEST(WarekiTest, EraBoundariesRoundTrip) {
  const Boundary cases[] = {
      {D(1912, 7, 29), "明治45年7月29日", "M45.07.29", "1450729"},
      {D(1912, 7, 30), "大正元年7月30日", "T1.07.30", "2010730"},
      {D(1926, 12, 24), "大正15年12月24日", "T15.12.24", "2151224"},
      {D(1926, 12, 25), "昭和元年12月25日", "S1.12.25", "3011225"},
      {D(1989, 1, 7), "昭和64年1月7日", "S64.01.07", "3640107"},
      {D(1989, 1, 8), "平成元年1月8日", "H1.01.08", "4010108"},
      {D(2019, 4, 30), "平成31年4月30日", "H31.04.30", "4310430"},
      {D(2019, 5, 1), "令和元年5月1日", "R1.05.01", "5010501"},
  };
  for (const Boundary& c : cases) {
    SCOPED_TRACE(c.date.ToIso());
    EXPECT_EQ(Format(c.date), c.kanji);
    EXPECT_EQ(Format(c.date, WarekiStyle::kLetter), c.letter);
    EXPECT_EQ(Format(c.date, WarekiStyle::kNumeric), c.numeric);
    EXPECT_EQ(Parse(c.kanji), c.date.ToIso());
    EXPECT_EQ(Parse(c.letter), c.date.ToIso());
    EXPECT_EQ(Parse(c.numeric), c.date.ToIso());
    EXPECT_EQ(Parse(Format(c.date, WarekiStyle::kKanji, false)), c.date.ToIso());
    EXPECT_EQ(Parse(Format(c.date, WarekiStyle::kLetterPadded)), c.date.ToIso());
  }
}

TEST(WarekiTest, ToWarekiFields) {
  EXPECT_EQ(ToWareki(D(1989, 1, 7)), (WarekiDate{Era::kShowa, 64, 1, 7}));
  EXPECT_EQ(ToWareki(D(1989, 1, 8)), (WarekiDate{Era::kHeisei, 1, 1, 8}));
  EXPECT_EQ(ToWareki(D(1868, 1, 24)), std::nullopt);
  EXPECT_EQ(EraName(Era::kTaisho), "大正");
  EXPECT_EQ(EraLetter(Era::kShowa), 'S');
  EXPECT_EQ(EraFirstDay(Era::kReiwa), D(2019, 5, 1));
  EXPECT_EQ(EraFirstDay(Era::kMeiji), D(1868, 1, 25));
}

TEST(WarekiTest, ParsesAcceptedSpellings) {
  EXPECT_EQ(Parse("令和7年4月1日"), "2025-04-01");
  EXPECT_EQ(Parse("令和元年5月1日"), "2019-05-01");
  EXPECT_EQ(Parse("令和1年5月1日"), "2019-05-01");
  EXPECT_EQ(Parse("令和７年４月１日"), "2025-04-01");
  EXPECT_EQ(Parse("令和 7年 4月 1日"), "2025-04-01");
  EXPECT_EQ(Parse("　令和07年04月01日 "), "2025-04-01");
  EXPECT_EQ(Parse("昭和50年11月23日"), "1975-11-23");
  EXPECT_EQ(Parse("R7.4.1"), "2025-04-01");
  EXPECT_EQ(Parse("R07.04.01"), "2025-04-01");
  EXPECT_EQ(Parse("H31.4.30"), "2019-04-30");
  EXPECT_EQ(Parse("r7/4/1"), "2025-04-01");
  EXPECT_EQ(Parse("R7-4-1"), "2025-04-01");
  EXPECT_EQ(Parse("Ｒ７．４．１"), "2025-04-01");
  EXPECT_EQ(Parse("R元.5.1"), "2019-05-01");
  EXPECT_EQ(Parse("5070401"), "2025-04-01");
  EXPECT_EQ(Parse("３５０１１２３"), "1975-11-23");
}

TEST(WarekiTest, RejectsDatesOutsideTheirEra) {
  const Expected<Date> h32 = ParseWareki("平成32年1月1日");
  ASSERT_FALSE(h32.ok());
  EXPECT_EQ(h32.error().message,
            "「平成32年1月1日」: 平成32年1月1日 would be 2020-01-01, outside 平成, which runs "
            "from 1989-01-08 to 2019-04-30");
  EXPECT_TRUE(h32.error().field.empty());

  const Expected<Date> r1 = ParseWareki("令和1年4月30日");
  ASSERT_FALSE(r1.ok());
  EXPECT_EQ(r1.error().message,
            "「令和1年4月30日」: 令和1年4月30日 would be 2019-04-30, outside 令和, which began "
            "on 2019-05-01");

  EXPECT_FALSE(ParseWareki("H31.5.1").ok());
  EXPECT_FALSE(ParseWareki("4310501").ok());
  EXPECT_FALSE(ParseWareki("昭和64年1月8日").ok());
  EXPECT_FALSE(ParseWareki("明治元年1月24日").ok());
  EXPECT_FALSE(ParseWareki("大正元年7月29日").ok());
}

TEST(WarekiTest, RejectsMalformedInput) {
  for (const char* bad : {"",
                          "令和",
                          "令和7年4月",
                          "令和7年4月1日x",
                          "令和0年4月1日",
                          "令和7年13月1日",
                          "令和7年2月29日",
                          "令和7年123月1日",
                          "X7.4.1",
                          "R7.4/1",
                          "R7..4.1",
                          "R123.4.1",
                          "R7.4.1.",
                          "6070401",
                          "0070401",
                          "507041",
                          "50704011",
                          "5079931",
                          "2025-04-01",
                          "令和七年四月一日"}) {
    const Expected<Date> d = ParseWareki(bad);
    EXPECT_FALSE(d.ok()) << "accepted 「" << bad << "」 as " << (d.ok() ? d->ToIso() : "");
    if (!d.ok()) {
      EXPECT_NE(d.error().message.find(bad), std::string::npos) << d.error().message;
    }
  }
  EXPECT_EQ(Parse("令和7年2月30日"),
            "error: 「令和7年2月30日」: 令和7年2月30日 is not a calendar date");
  EXPECT_EQ(
      Parse("nonsense"),
      "error: 「nonsense」 is not a 和暦 date; expected e.g. 令和7年4月1日, R7.4.1 or 5070401");
}

TEST(WarekiTest, FromWarekiValidates) {
  EXPECT_EQ(FromWareki(Era::kHeisei, 31, 4, 30).value(), D(2019, 4, 30));
  EXPECT_FALSE(FromWareki(Era::kHeisei, 31, 5, 1).ok());
  EXPECT_FALSE(FromWareki(Era::kReiwa, 0, 5, 1).ok());
  EXPECT_FALSE(FromWareki(Era::kReiwa, -3, 5, 1).ok());
  EXPECT_FALSE(FromWareki(Era::kReiwa, 1000000, 5, 1).ok());
}

TEST(WarekiTest, EveryDayRoundTripsThroughEveryStyle) {
  for (Date d = D(1868, 1, 25); d < D(2118, 1, 1); d = d.AddDays(1)) {
    for (WarekiStyle style : {WarekiStyle::kKanji, WarekiStyle::kLetter, WarekiStyle::kLetterPadded,
                              WarekiStyle::kNumeric}) {
      const Expected<std::string> text = FormatWareki(d, {.style = style});
      ASSERT_TRUE(text.ok()) << d.ToIso();
      const Expected<Date> back = ParseWareki(*text);
      ASSERT_TRUE(back.ok()) << *text;
      ASSERT_EQ(*back, d) << *text;
    }
  }
}

}  // namespace
}  // namespace onshi
