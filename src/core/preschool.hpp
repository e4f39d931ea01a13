// 未就学区分 (PreschoolClassification, OQSCD015): is a child below school age?
//
// A child counts as 未就学 until the school year after reaching 6 begins
// (学校教育法 §17: the first 学年の初め after the day of reaching 満6歳), which is
// also the end of the 2割 copay for preschool children (健康保険法 §74: 6歳に
// 達する日以後の最初の3月31日以前). Under 年齢計算ニ関スル法律 and 民法 §143 a
// person reaches an age at the end of the day BEFORE the birthday, so:
//
//   last preschool day = the first 31 March on or after (6th birthday − 1 day)
//
// Born 2019-04-01: reaches 6 on 2025-03-31 → last day 2025-03-31 (enters school
// with those born in 2018-04-02..2019-04-01, as schools do).
// Born 2019-04-02: reaches 6 on 2025-04-01 → last day 2026-03-31.
// A 29 February birthday needs no special case: the clamped anniversary
// (28 February) lands in the same school year either way.
#ifndef ONSHI_CORE_PRESCHOOL_HPP_
#define ONSHI_CORE_PRESCHOOL_HPP_

#include "core/date.hpp"

namespace onshi {

// The last day on which a child born on `birth` is 未就学.
Date LastPreschoolDay(Date birth);

// True when `on` is on or before LastPreschoolDay(birth) (and not before birth).
bool IsPreschool(Date birth, Date on);

}  // namespace onshi

#endif  // ONSHI_CORE_PRESCHOOL_HPP_
