#include "service/jst_timestamp.hpp"

#include "service/clock.hpp"

namespace onshi::service {

oqs::Timestamp JstTimestamp(std::time_t t) {
  // Japan has no daylight saving time: JST is UTC+9 all year.
  const std::time_t jst = t + 9 * 3600;
  const std::time_t day = jst >= 0 ? jst / 86400 : (jst - 86399) / 86400;
  const int in_day = static_cast<int>(jst - day * 86400);
  oqs::Timestamp ts;
  ts.date = JstDate(t);
  ts.hour = in_day / 3600;
  ts.minute = in_day / 60 % 60;
  ts.second = in_day % 60;
  return ts;
}

}  // namespace onshi::service
