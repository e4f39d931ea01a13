// 和暦: dates in the Japanese era calendar (元号), as written on insurance
// cards, receipts (レセプト) and paper forms.
//
// Eras and their first days (proleptic Gregorian, like core/date.hpp):
//   明治 M code 1  1868-01-25
//   大正 T code 2  1912-07-30
//   昭和 S code 3  1926-12-25
//   平成 H code 4  1989-01-08
//   令和 R code 5  2019-05-01
// 明治 was proclaimed on 1868-10-23 but made retroactive to the first day of
// the (lunisolar) year, 1868-01-25, which is the start Japanese government
// systems use; note .NET and ICU use 1868-10-23 instead. Before 1873 Japan
// used a lunisolar calendar, so a Gregorian 明治 month/day from 1868-1872 is
// a conversion, not the date printed in documents of the time. Dates before
// 1868-01-25 have no era here. The era year is the Gregorian year minus the
// year before the era began; a new era starts on its first day, so
// 1989-01-07 is 昭和64年1月7日 and 1989-01-08 is 平成元年1月8日. Old documents
// sometimes write the changeover day in the old era (明治45年7月30日,
// 大正15年12月25日); we follow the official start and reject those.
//
// The numeric era codes are the 元号コード used on forms and in レセプト
// data (e.g. 生年月日 5070401 = 令和7年4月1日).
#ifndef ONSHI_CORE_WAREKI_HPP_
#define ONSHI_CORE_WAREKI_HPP_

#include <optional>
#include <string>
#include <string_view>

#include "core/date.hpp"
#include "core/expected.hpp"

namespace onshi {

// The value is the 元号コード.
enum class Era { kMeiji = 1, kTaisho = 2, kShowa = 3, kHeisei = 4, kReiwa = 5 };

std::string_view EraName(Era era);  // "令和"
char EraLetter(Era era);            // 'R'
Date EraFirstDay(Era era);          // 2019-05-01 for 令和

struct WarekiDate {
  Era era;
  int year;  // 1 = 元年
  int month;
  int day;

  bool operator==(const WarekiDate&) const = default;
};

// nullopt for dates before 1868-01-25.
std::optional<WarekiDate> ToWareki(Date date);

// The Gregorian date for an era date, or an Error if it is not a real date
// or lies outside the era (平成32年1月1日, 令和元年4月30日). Errors carry an
// empty `field`: the caller knows which input it parsed.
Expected<Date> FromWareki(Era era, int year, int month, int day);

enum class WarekiStyle {
  kKanji,         // 令和7年4月1日; 令和元年5月1日 (or 令和1年5月1日, see below)
  kLetter,        // R7.04.01
  kLetterPadded,  // R07.04.01
  kNumeric,       // 5070401: 元号コード + YYMMDD, seven digits
};

struct WarekiFormatOptions {
  WarekiStyle style = WarekiStyle::kKanji;
  // kKanji only: write the first year of an era as 元年 (the official usage)
  // rather than 1年.
  bool gannen = true;
};

// Error for dates with no era, and for kNumeric when the era year does not
// fit in two digits (令和100年 and later).
Expected<std::string> FormatWareki(Date date, const WarekiFormatOptions& options = {});

// Accepts, after trimming surrounding ASCII and full-width (U+3000) spaces:
//   - 令和7年4月1日, 令和元年5月1日, 令和 7年 4月 1日: era name, year (digits or
//     元), month, day; digits may be full-width (令和７年４月１日);
//   - R7.4.1, R07.04.01, H31.4.30, r7/4/1, Ｒ７．４．１: era letter (either
//     case, ASCII or full-width), then year, month and day of one or two
//     digits separated by '.', '/' or '-' (the same one twice);
//   - 5070401: exactly seven digits, 元号コード + YYMMDD.
// Anything else, and any date outside its era, is an Error whose message
// quotes the input and says what is wrong.
Expected<Date> ParseWareki(std::string_view text);

}  // namespace onshi

#endif  // ONSHI_CORE_WAREKI_HPP_
