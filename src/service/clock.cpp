#include "service/clock.hpp"

#include <cstdio>

namespace onshi::service {
namespace {

constexpr std::time_t kJstOffset = 9 * 3600;

std::tm Utc(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  return tm;
}

}  // namespace

Date JstDate(std::time_t t) {
  const std::tm tm = Utc(t + kJstOffset);
  return Date::FromYmd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

std::string JstCompactTime(std::time_t t) {
  const std::tm tm = Utc(t + kJstOffset);
  char buf[80];
  std::snprintf(buf, sizeof buf, "%04d%02d%02d%02d%02d%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::string UtcIsoTime(std::time_t t) {
  const std::tm tm = Utc(t);
  char buf[80];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

bool ParseTime(const std::string& text, std::time_t* out) {
  if (auto d = Date::ParseIso(text)) {
    *out = static_cast<std::time_t>(d->days_since_epoch()) * 86400;  // 09:00 JST
    return true;
  }
  int y, mo, d, h, mi, s;
  char tail[8] = {0};
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%7s", &y, &mo, &d, &h, &mi, &s, tail) !=
      7) {
    return false;
  }
  auto date = Date::FromYmdChecked(y, mo, d);
  if (!date || h > 23 || mi > 59 || s > 60) return false;
  std::time_t offset;
  const std::string tz = tail;
  if (tz == "Z") {
    offset = 0;
  } else if (tz == "+09:00") {
    offset = kJstOffset;
  } else {
    return false;
  }
  *out =
      static_cast<std::time_t>(date->days_since_epoch()) * 86400 + h * 3600 + mi * 60 + s - offset;
  return true;
}

}  // namespace onshi::service
