#include "service/clock.hpp"

#include <cstdio>

namespace onshi::service {
namespace {

std::tm Utc(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  return tm;
}

// Writes `value` (>= 0) as `width` digits, zero-padded; returns the end.
// By hand, not snprintf: a check formats two times, and the printf machinery
// was 1 % of the server's CPU.
char* Digits(char* out, int value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return out + width;
}

// "YYYY<d>MM<d>DD<m>hh<t>mm<t>ss<e>"; a separator '\0' is left out.
std::string FormatTime(const std::tm& tm, char d, char m, char t, char e) {
  char buf[24];
  char* p = buf;
  auto separator = [&p](char c) {
    if (c != '\0') *p++ = c;
  };
  p = Digits(p, tm.tm_year + 1900, 4);
  separator(d);
  p = Digits(p, tm.tm_mon + 1, 2);
  separator(d);
  p = Digits(p, tm.tm_mday, 2);
  separator(m);
  p = Digits(p, tm.tm_hour, 2);
  separator(t);
  p = Digits(p, tm.tm_min, 2);
  separator(t);
  p = Digits(p, tm.tm_sec, 2);
  separator(e);
  return std::string(buf, p);
}

}  // namespace

Date JstDate(std::time_t t) {
  const std::tm tm = Utc(t + kJstOffset);
  return Date::FromYmd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

std::string JstCompactTime(std::time_t t) {
  return FormatTime(Utc(t + kJstOffset), '\0', '\0', '\0', '\0');  // YYYYMMDDhhmmss
}

std::string UtcIsoTime(std::time_t t) {
  return FormatTime(Utc(t), '-', 'T', ':', 'Z');  // YYYY-MM-DDThh:mm:ssZ
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
