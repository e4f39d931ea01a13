#include "municipal/time_util.hpp"

namespace onshi::municipal {

Date JstDay(std::time_t t) {
  constexpr std::time_t kDay = 24 * 3600;
  std::time_t jst = t + 9 * 3600;
  std::time_t days = jst / kDay - (jst % kDay < 0 ? 1 : 0);  // floor for times before 1970
  return Date::FromDaysSinceEpoch(static_cast<int32_t>(days));
}

std::string UtcIso(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace onshi::municipal
