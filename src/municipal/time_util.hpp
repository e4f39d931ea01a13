// The two readings of a Unix time the municipal office needs. (The service
// layer has the same in service/clock.hpp; this library does not depend on
// the service.)
#ifndef ONSHI_MUNICIPAL_TIME_UTIL_HPP_
#define ONSHI_MUNICIPAL_TIME_UTIL_HPP_

#include <ctime>
#include <string>

#include "core/date.hpp"

namespace onshi::municipal {

// The day in Japan (UTC+9, no daylight saving) at `t`: operations at the
// window happen on Japanese days.
Date JstDay(std::time_t t);
// "2025-04-01T00:30:12Z", the audit log's format.
std::string UtcIso(std::time_t t);

}  // namespace onshi::municipal

#endif  // ONSHI_MUNICIPAL_TIME_UTIL_HPP_
