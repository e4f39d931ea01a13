#include "service/jst_timestamp.hpp"

#include <string>

#include "service/clock.hpp"

namespace onshi::service {

oqs::Timestamp JstTimestamp(std::time_t t) {
  const std::string c = JstCompactTime(t);  // YYYYMMDDHHmmss
  oqs::Timestamp ts;
  ts.date = *Date::ParseCompact(c.substr(0, 8));
  ts.hour = std::stoi(c.substr(8, 2));
  ts.minute = std::stoi(c.substr(10, 2));
  ts.second = std::stoi(c.substr(12, 2));
  return ts;
}

}  // namespace onshi::service
