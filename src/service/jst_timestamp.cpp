#include "service/jst_timestamp.hpp"

#include "service/clock.hpp"

namespace onshi::service {

oqs::Timestamp JstTimestamp(std::time_t t) {
  // The seconds into the JST day (also before 1970: the remainder made
  // non-negative).
  const int in_day = static_cast<int>(((t + kJstOffset) % 86400 + 86400) % 86400);
  oqs::Timestamp ts;
  ts.date = JstDate(t);
  ts.hour = in_day / 3600;
  ts.minute = in_day / 60 % 60;
  ts.second = in_day % 60;
  return ts;
}

}  // namespace onshi::service
