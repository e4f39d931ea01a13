// Japanese public holidays (国民の祝日に関する法律, the "Holiday Act").
//
// A day is a public holiday (休日 in the Act's sense, the days government
// offices and insurers are closed on top of weekends) when it is
//   - a 国民の祝日 (元日, 成人の日, ...), including the one-off days that
//     special acts declared holidays (e.g. 2019-05-01 天皇の即位の日);
//   - a 振替休日: a 国民の祝日 that falls on a Sunday moves to the next day
//     that is not itself a 国民の祝日 (since 2007; from 1973-04-12 to 2006
//     only the following Monday qualified, and only if it was free);
//   - a 国民の休日: a day, not a Sunday, between two 国民の祝日 (since
//     1985-12-27; e.g. 2026-09-22 between 敬老の日 and 秋分の日).
//
// The history of the Act is encoded from its enactment on 1948-07-20: the
// Happy Monday moves (2000, 2003), 海の日 (1996), 山の日 (2016), the
// 天皇誕生日 changes (4/29 until 1988, 12/23 1989-2018, none in 2019, 2/23
// from 2020), 昭和の日/みどりの日 (2007) and the Olympic moves of 2020/2021.
//
// 春分の日 and 秋分の日 are fixed each February by the Cabinet from the
// astronomical almanac; we predict them with the standard formula
//   day = int(C + 0.242194 * (y - 1980)) - int((y - L) / 4)
// with (C, L) = (20.8357 / 23.2588, 1983) for 1900-1979,
// (20.8431 / 23.2488, 1980) for 1980-2099 and (21.8510 / 24.2488, 1980) for
// 2100-2150. The formula reproduces the proclaimed dates; should a future
// proclamation ever differ, the proclamation wins and this file must change.
//
// Holidays are known for kHolidayFirstYear..kHolidayLastYear; outside that
// range no day is a holiday. A new special holiday needs a code change here.
//
// All functions are thread-safe. The whole table (about 74,000 days, one byte
// each) is built on first use; after that a lookup is an index into it.
#ifndef ONSHI_CORE_HOLIDAYS_HPP_
#define ONSHI_CORE_HOLIDAYS_HPP_

#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "core/date.hpp"

namespace onshi {

inline constexpr int kHolidayFirstYear = 1948;
inline constexpr int kHolidayLastYear = 2150;

// True for 国民の祝日, 振替休日 and 国民の休日 (not for plain weekends, and
// not for the 12/29-1/3 office closure: see core/business_days.hpp).
bool IsPublicHoliday(Date date);

// The Japanese name ("元日", "振替休日", "国民の休日", "天皇の即位の日", ...),
// or nullopt if the day is not a public holiday. The view refers to static
// storage and never dangles.
std::optional<std::string_view> HolidayName(Date date);

// Every public holiday of `year` in date order; empty outside the supported
// range.
std::vector<std::pair<Date, std::string_view>> HolidaysInYear(int year);

}  // namespace onshi

#endif  // ONSHI_CORE_HOLIDAYS_HPP_
