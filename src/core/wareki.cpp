#include "core/wareki.hpp"

#include <array>
#include <cstdio>

namespace onshi {
namespace {

struct EraInfo {
  Era era;
  std::string_view name;
  char letter;
  int first_year, first_month, first_day;
};

// Oldest first; each era ends the day before the next one starts.
constexpr std::array<EraInfo, 5> kEras = {{
    {Era::kMeiji, "明治", 'M', 1868, 1, 25},
    {Era::kTaisho, "大正", 'T', 1912, 7, 30},
    {Era::kShowa, "昭和", 'S', 1926, 12, 25},
    {Era::kHeisei, "平成", 'H', 1989, 1, 8},
    {Era::kReiwa, "令和", 'R', 2019, 5, 1},
}};

const EraInfo& Info(Era era) {
  return kEras[static_cast<size_t>(era) - 1];
}

Date FirstDay(const EraInfo& e) {
  return Date::FromYmd(e.first_year, e.first_month, e.first_day);
}

std::string Quote(std::string_view text) {
  return "「" + std::string(text) + "」";
}

// ---- Parsing -------------------------------------------------------------

// Rewrites the full-width forms people type on Japanese keyboards to ASCII:
// digits, Latin letters, '．', '／', '－' and the ideographic space U+3000.
// Everything else (era names, 年月日, 元) passes through unchanged.
std::string Normalize(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const auto b0 = static_cast<unsigned char>(in[i]);
    if (i + 2 < in.size()) {
      const auto b1 = static_cast<unsigned char>(in[i + 1]);
      const auto b2 = static_cast<unsigned char>(in[i + 2]);
      char ascii = 0;
      if (b0 == 0xEF && b1 == 0xBC && b2 >= 0x81 && b2 <= 0xBF) {
        ascii = static_cast<char>(b2 - 0x60);  // U+FF01..U+FF3F -> '!'..'_'
      } else if (b0 == 0xEF && b1 == 0xBD && b2 >= 0x80 && b2 <= 0x9E) {
        ascii = static_cast<char>(b2 - 0x20);  // U+FF40..U+FF5E -> '`'..'~'
      } else if (b0 == 0xE3 && b1 == 0x80 && b2 == 0x80) {
        ascii = ' ';
      }
      if (ascii != 0) {
        out.push_back(ascii);
        i += 2;
        continue;
      }
    }
    out.push_back(static_cast<char>(b0));
  }
  return out;
}

// A cursor over the normalized text.
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}

  bool AtEnd() const { return pos_ == s_.size(); }
  void SkipSpaces() {
    while (pos_ < s_.size() && s_[pos_] == ' ')
      ++pos_;
  }
  bool Consume(std::string_view token) {
    if (s_.substr(pos_, token.size()) != token) return false;
    pos_ += token.size();
    return true;
  }
  // 1..max_digits ASCII digits.
  bool Number(int max_digits, int* out) {
    int v = 0;
    int n = 0;
    while (pos_ < s_.size() && n < max_digits && s_[pos_] >= '0' && s_[pos_] <= '9') {
      v = v * 10 + (s_[pos_++] - '0');
      ++n;
    }
    // A further digit means the number is too long, not that it ended.
    if (n == 0 || (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9')) return false;
    *out = v;
    return true;
  }
  // One character out of `set`, stored in *out.
  bool ConsumeOneOf(std::string_view set, char* out) {
    if (pos_ == s_.size() || set.find(s_[pos_]) == std::string_view::npos) return false;
    *out = s_[pos_++];
    return true;
  }
  // The era year: digits or 元 (first year).
  bool EraYear(int max_digits, int* out) {
    if (Consume("元")) {
      *out = 1;
      return true;
    }
    return Number(max_digits, out);
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

struct Parsed {
  Era era;
  int year, month, day;
};

// 令和7年4月1日
std::optional<Parsed> ParseKanji(std::string_view s) {
  for (const EraInfo& e : kEras) {
    Scanner sc(s);
    if (!sc.Consume(e.name)) continue;
    Parsed p{e.era, 0, 0, 0};
    sc.SkipSpaces();
    if (!sc.EraYear(4, &p.year)) return std::nullopt;
    sc.SkipSpaces();
    if (!sc.Consume("年")) return std::nullopt;
    sc.SkipSpaces();
    if (!sc.Number(2, &p.month)) return std::nullopt;
    sc.SkipSpaces();
    if (!sc.Consume("月")) return std::nullopt;
    sc.SkipSpaces();
    if (!sc.Number(2, &p.day)) return std::nullopt;
    sc.SkipSpaces();
    if (!sc.Consume("日") || !sc.AtEnd()) return std::nullopt;
    return p;
  }
  return std::nullopt;
}

// R7.4.1, R07.04.01, r7/4/1
std::optional<Parsed> ParseLetter(std::string_view s) {
  if (s.empty()) return std::nullopt;
  const char letter = (s[0] >= 'a' && s[0] <= 'z') ? static_cast<char>(s[0] - 'a' + 'A') : s[0];
  for (const EraInfo& e : kEras) {
    if (e.letter != letter) continue;
    Scanner sc(s.substr(1));
    Parsed p{e.era, 0, 0, 0};
    // Whichever separator follows the year must also follow the month.
    char sep_char = 0;
    if (!sc.EraYear(2, &p.year) || !sc.ConsumeOneOf("./-", &sep_char)) return std::nullopt;
    const std::string_view sep(&sep_char, 1);
    if (!sc.Number(2, &p.month) || !sc.Consume(sep) || !sc.Number(2, &p.day) || !sc.AtEnd()) {
      return std::nullopt;
    }
    return p;
  }
  return std::nullopt;
}

// 5070401
std::optional<Parsed> ParseNumeric(std::string_view s) {
  if (s.size() != 7) return std::nullopt;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  const int code = s[0] - '0';
  if (code < 1 || code > static_cast<int>(kEras.size())) return std::nullopt;
  auto two = [&](size_t i) { return (s[i] - '0') * 10 + (s[i + 1] - '0'); };
  return Parsed{static_cast<Era>(code), two(1), two(3), two(5)};
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ')
    s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ')
    s.remove_suffix(1);
  return s;
}

}  // namespace

std::string_view EraName(Era era) {
  return Info(era).name;
}
char EraLetter(Era era) {
  return Info(era).letter;
}
Date EraFirstDay(Era era) {
  return FirstDay(Info(era));
}

std::optional<WarekiDate> ToWareki(Date date) {
  for (size_t i = kEras.size(); i-- > 0;) {
    const EraInfo& e = kEras[i];
    if (date >= FirstDay(e)) {
      return WarekiDate{e.era, date.year() - e.first_year + 1, date.month(), date.day()};
    }
  }
  return std::nullopt;
}

Expected<Date> FromWareki(Era era, int year, int month, int day) {
  const EraInfo& e = Info(era);
  char what[64];
  std::snprintf(what, sizeof what, "%d年%d月%d日", year, month, day);
  const std::string text = std::string(e.name) + what;
  if (year < 1 || year > 10000 - e.first_year) {
    return MakeError("", text + " has an impossible era year");
  }
  const std::optional<Date> date = Date::FromYmdChecked(e.first_year + year - 1, month, day);
  if (!date) return MakeError("", text + " is not a calendar date");
  const Date first = FirstDay(e);
  const size_t index = static_cast<size_t>(era) - 1;
  const bool has_next = index + 1 < kEras.size();
  const Date next_first = has_next ? FirstDay(kEras[index + 1]) : Date();
  if (*date < first || (has_next && *date >= next_first)) {
    const std::string span =
        has_next ? "runs from " + first.ToIso() + " to " + next_first.AddDays(-1).ToIso()
                 : "began on " + first.ToIso();
    return MakeError("", text + " would be " + date->ToIso() + ", outside " + std::string(e.name) +
                             ", which " + span);
  }
  return *date;
}

Expected<std::string> FormatWareki(Date date, const WarekiFormatOptions& options) {
  const std::optional<WarekiDate> w = ToWareki(date);
  if (!w) {
    return MakeError("", date.ToIso() + " is before 明治 (1868-01-25) and has no 和暦 form");
  }
  const EraInfo& e = Info(w->era);
  char buf[64];
  switch (options.style) {
    case WarekiStyle::kKanji:
      if (w->year == 1 && options.gannen) {
        std::snprintf(buf, sizeof buf, "元年%d月%d日", w->month, w->day);
      } else {
        std::snprintf(buf, sizeof buf, "%d年%d月%d日", w->year, w->month, w->day);
      }
      return std::string(e.name) + buf;
    case WarekiStyle::kLetter:
      std::snprintf(buf, sizeof buf, "%c%d.%02d.%02d", e.letter, w->year, w->month, w->day);
      return std::string(buf);
    case WarekiStyle::kLetterPadded:
      std::snprintf(buf, sizeof buf, "%c%02d.%02d.%02d", e.letter, w->year, w->month, w->day);
      return std::string(buf);
    case WarekiStyle::kNumeric:
      if (w->year > 99) {
        return MakeError("", date.ToIso() + " is " + std::string(e.name) + std::to_string(w->year) +
                                 "年, which does not fit the 7-digit form");
      }
      std::snprintf(buf, sizeof buf, "%d%02d%02d%02d", static_cast<int>(w->era), w->year, w->month,
                    w->day);
      return std::string(buf);
  }
  return MakeError("", "unknown 和暦 style");  // unreachable with a valid enum
}

Expected<Date> ParseWareki(std::string_view text) {
  const std::string normalized = Normalize(text);
  const std::string_view s = Trim(normalized);
  std::optional<Parsed> p = ParseKanji(s);
  if (!p) p = ParseLetter(s);
  if (!p) p = ParseNumeric(s);
  if (!p) {
    return MakeError(
        "", Quote(text) + " is not a 和暦 date; expected e.g. 令和7年4月1日, R7.4.1 or 5070401");
  }
  Expected<Date> date = FromWareki(p->era, p->year, p->month, p->day);
  if (!date.ok()) return MakeError("", Quote(text) + ": " + date.error().message);
  return date;
}

}  // namespace onshi
