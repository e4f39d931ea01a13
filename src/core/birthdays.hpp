// Birthdays and ages, as the card rules and the age-based rules count them.
//
// Two different questions are answered here, and they differ by one day for
// people born on 29 February:
//
//  * "Which day is the person's Nth birthday?" (card and certificate expiry,
//    R-CARD-2, R-CARD-3). A birthday is the calendar anniversary of the birth
//    date. In a common year a 29 February birthday falls on 28 February, the
//    みなし誕生日 that Japanese statutes use when an expiry is tied to the
//    birthday (e.g. the driving-licence rule of 道路交通法 92条の2). The card
//    rule itself is silent on this (card-and-identifiers.md §3, "not found"),
//    so we follow that precedent: a 29-Feb holder's card never outlives the
//    month of February.
//
//  * "How old is the person on a day?" (AgeOn, e.g. "under 18 at issuance").
//    By 年齢計算ニ関スル法律 with 民法143条 the age is counted from the day
//    of birth and a year of age is completed at the END of the day before the
//    anniversary; when the anniversary does not exist (29 Feb in a common
//    year) the year ends at the end of 28 Feb. So the new age holds for the
//    whole of the anniversary day, which for ordinary dates makes the legal
//    age equal to the everyday one. Only a 29-Feb person differs: in a common
//    year they are still N-1 on 28 Feb (the age is attained when it ends) and
//    N from 1 March. AgeAttainmentDay names the day at whose end the age is
//    attained (the 年齢到達日 used by insurance rules such as "the month after
//    reaching 70").
//
// All functions are pure and total for dates in years 1..9998.
#ifndef ONSHI_CORE_BIRTHDAYS_HPP_
#define ONSHI_CORE_BIRTHDAYS_HPP_

#include "core/date.hpp"

namespace onshi {

// The birthday of someone born on `birth` in `year`: same month and day, or
// 28 February for a 29-February birth in a common year.
Date BirthdayInYear(Date birth, int year);

// The `n`th birthday strictly after `issued` (n >= 1). A birthday on the
// issue day itself is not counted (card-and-identifiers.md §3: a card issued
// on the birthday gets ten full years). The day of birth is not a birthday.
Date NthBirthdayAfter(Date birth, Date issued, int n);

// The day at whose end a person born on `birth` attains age `n` (n >= 1):
// the day before the anniversary, or 28 Feb for a 29-Feb birth in any year.
Date AgeAttainmentDay(Date birth, int n);

// Age in completed years throughout the day `on` (0 if `on` precedes birth).
int AgeOn(Date birth, Date on);

}  // namespace onshi

#endif  // ONSHI_CORE_BIRTHDAYS_HPP_
