#include "core/preschool.hpp"

namespace onshi {

Date LastPreschoolDay(Date birth) {
  const Date reaches_six = birth.AddYears(6).AddDays(-1);
  const Date march31 = Date::FromYmd(reaches_six.year(), 3, 31);
  return reaches_six <= march31 ? march31 : Date::FromYmd(reaches_six.year() + 1, 3, 31);
}

bool IsPreschool(Date birth, Date on) {
  return birth <= on && on <= LastPreschoolDay(birth);
}

}  // namespace onshi
