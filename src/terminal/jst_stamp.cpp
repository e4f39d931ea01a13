#include "terminal/jst_stamp.hpp"

namespace onshi::terminal {

std::string JstStamp(std::time_t t) {
  const std::time_t jst = t + 9 * 3600;
  std::tm tm{};
  gmtime_r(&jst, &tm);
  char buf[32];
  const size_t n = std::strftime(buf, sizeof buf, "%Y%m%d%H%M%S", &tm);
  return std::string(buf, n);
}

}  // namespace onshi::terminal
