// Clock: the one place the service reads the time.
//
// The domain core never reads a clock (time is an input); the service asks a
// Clock, so tests and demos can pin "now" (`onshi serve --now …`).
// Japanese dates are in JST (UTC+9, no daylight saving): the 資格確認日 of a
// check made at 00:30 JST is that JST day, not the UTC day before.
#ifndef ONSHI_SERVICE_CLOCK_HPP_
#define ONSHI_SERVICE_CLOCK_HPP_

#include <ctime>
#include <string>

#include "core/date.hpp"

namespace onshi::service {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::time_t Now() const = 0;  // seconds since the Unix epoch, UTC
};

class SystemClock final : public Clock {
 public:
  std::time_t Now() const override { return std::time(nullptr); }
};

class FixedClock final : public Clock {
 public:
  explicit FixedClock(std::time_t t) : t_(t) {}
  std::time_t Now() const override { return t_; }
  void Set(std::time_t t) { t_ = t; }

 private:
  std::time_t t_;
};

// Japan has no daylight saving time: JST is UTC+9 all year.
inline constexpr std::time_t kJstOffset = 9 * 3600;

Date JstDate(std::time_t t);
std::string JstCompactTime(std::time_t t);  // YYYYMMDDHHmmss, the OQS time format
std::string UtcIsoTime(std::time_t t);      // 2025-04-01T00:30:12Z
// Parses "YYYY-MM-DDTHH:MM:SS+09:00", "...Z" or a plain date (taken as 09:00 JST).
bool ParseTime(const std::string& text, std::time_t* out);

}  // namespace onshi::service

#endif  // ONSHI_SERVICE_CLOCK_HPP_
