#include "core/filed_text.hpp"

#include "core/wareki.hpp"

namespace onshi {

std::string_view TrimFiled(std::string_view s) {
  // ASCII blanks and U+3000 (E3 80 80): both come from fixed-width exports.
  for (;;) {
    if (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
      s.remove_prefix(1);
    } else if (s.size() >= 3 && s.substr(0, 3) == "\xE3\x80\x80") {
      s.remove_prefix(3);
    } else {
      break;
    }
  }
  for (;;) {
    if (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
      s.remove_suffix(1);
    } else if (s.size() >= 3 && s.substr(s.size() - 3) == "\xE3\x80\x80") {
      s.remove_suffix(3);
    } else {
      break;
    }
  }
  return s;
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::optional<Date> ParseFiledDate(std::string_view text) {
  if (text.size() == 8 && AllDigits(text)) return Date::ParseCompact(text);
  if (text.size() == 10 && (text[4] == '-' || text[4] == '/') && text[7] == text[4]) {
    std::string iso(text);
    iso[4] = iso[7] = '-';
    return Date::ParseIso(iso);
  }
  auto w = ParseWareki(text);
  if (w.ok()) return w.value();
  return std::nullopt;
}

std::optional<Sex> ParseFiledSex(std::string_view t) {
  if (t == "1" || t == "男" || t == "M" || t == "m" || t == "男性") return Sex::kMale;
  if (t == "2" || t == "女" || t == "F" || t == "f" || t == "女性") return Sex::kFemale;
  return std::nullopt;
}

std::optional<std::string> ParsePostcode(std::string_view t) {
  std::string digits;
  for (std::size_t i = 0; i < t.size();) {
    unsigned char c = static_cast<unsigned char>(t[i]);
    if (c >= '0' && c <= '9') {
      digits += static_cast<char>(c);
      ++i;
    } else if (c == '-') {
      ++i;
    } else if (t.compare(i, 3, "－") == 0 || t.compare(i, 3, "ー") == 0) {
      i += 3;
    } else if (i + 3 <= t.size() && c == 0xEF && static_cast<unsigned char>(t[i + 1]) == 0xBC &&
               static_cast<unsigned char>(t[i + 2]) >= 0x90 &&
               static_cast<unsigned char>(t[i + 2]) <= 0x99) {
      digits += static_cast<char>('0' + (static_cast<unsigned char>(t[i + 2]) - 0x90));
      i += 3;
    } else {
      return std::nullopt;
    }
  }
  if (digits.size() != 7) return std::nullopt;
  return digits.substr(0, 3) + "-" + digits.substr(3);
}

std::string EchoFiled(std::string_view text) {
  int run = 0;
  for (char c : text) {
    run = (c >= '0' && c <= '9') ? run + 1 : 0;
    if (run >= 10) return "(a long number, not repeated here)";
  }
  constexpr std::size_t kMax = 24;
  if (text.size() <= kMax) return "\"" + std::string(text) + "\"";
  std::size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
    --cut;  // UTF-8 boundary
  return "\"" + std::string(text.substr(0, cut)) + "…\"";
}

}  // namespace onshi
