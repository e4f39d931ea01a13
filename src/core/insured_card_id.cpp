#include "core/insured_card_id.hpp"

#include <utility>

namespace onshi {
namespace {

bool IsContinuation(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

// Decodes one code point at `s[*i]` and advances *i. Returns false for
// malformed UTF-8 (bad lead or continuation byte, truncation, overlong form,
// surrogate, or beyond U+10FFFF).
bool DecodeUtf8(std::string_view s, std::size_t* i, char32_t* out) {
  const auto lead = static_cast<unsigned char>(s[*i]);
  std::size_t len;
  char32_t cp;
  if (lead < 0x80) {
    len = 1;
    cp = lead;
  } else if (lead >= 0xC2 && lead <= 0xDF) {
    len = 2;
    cp = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    len = 3;
    cp = lead & 0x0F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    len = 4;
    cp = lead & 0x07;
  } else {
    return false;
  }
  if (*i + len > s.size()) return false;
  for (std::size_t k = 1; k < len; ++k) {
    const auto c = static_cast<unsigned char>(s[*i + k]);
    if (!IsContinuation(c)) return false;
    cp = (cp << 6) | (c & 0x3F);
  }
  if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF)) {
    return false;
  }
  *i += len;
  *out = cp;
  return true;
}

bool IsControl(char32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

// Rejects malformed UTF-8 and control characters; positions are 1-based
// characters of the raw input, which is what a clerk sees.
std::optional<Error> CheckText(std::string_view field, std::string_view text) {
  std::size_t i = 0;
  std::size_t position = 0;
  while (i < text.size()) {
    ++position;
    char32_t cp;
    if (!DecodeUtf8(text, &i, &cp)) {
      return MakeError(std::string(field),
                       "is not valid UTF-8 at position " + std::to_string(position));
    }
    if (IsControl(cp)) {
      return MakeError(std::string(field),
                       "contains a control character at position " + std::to_string(position));
    }
  }
  return std::nullopt;
}

// Characters (code points) in valid UTF-8.
std::size_t CharCount(std::string_view s) {
  std::size_t n = 0;
  for (char c : s)
    n += !IsContinuation(static_cast<unsigned char>(c));
  return n;
}

}  // namespace

std::string InsuredCardId::Normalize(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto b0 = static_cast<unsigned char>(text[i]);
    if (b0 == 0xEF && i + 2 < text.size()) {
      const auto b1 = static_cast<unsigned char>(text[i + 1]);
      const auto b2 = static_cast<unsigned char>(text[i + 2]);
      if (b1 == 0xBC && b2 >= 0x81 && b2 <= 0xBF) {  // U+FF01..U+FF3F → '!'..'_'
        out.push_back(static_cast<char>(b2 - 0x60));
        i += 2;
        continue;
      }
      if (b1 == 0xBD && b2 >= 0x80 && b2 <= 0x9E) {  // U+FF40..U+FF5E → '`'..'~'
        out.push_back(static_cast<char>(b2 - 0x20));
        i += 2;
        continue;
      }
    }
    if (text.substr(i, 3) == "\xE3\x80\x80") {  // U+3000 ideographic space
      out.push_back(' ');
      i += 2;
      continue;
    }
    out.push_back(text[i]);
  }
  const std::size_t first = out.find_first_not_of(' ');
  if (first == std::string::npos) return {};
  return out.substr(first, out.find_last_not_of(' ') - first + 1);
}

InsuredCardId::InsuredCardId(std::optional<std::string> symbol, std::string number,
                             std::optional<std::string> branch)
    : symbol_(std::move(symbol)), number_(std::move(number)), branch_(std::move(branch)) {}

Expected<InsuredCardId> InsuredCardId::Parse(std::string_view symbol, std::string_view number,
                                             std::string_view branch) {
  if (auto error = CheckText(kSymbolField, symbol)) return *std::move(error);
  if (auto error = CheckText(kNumberField, number)) return *std::move(error);
  if (auto error = CheckText(kBranchField, branch)) return *std::move(error);

  std::optional<std::string> norm_symbol;
  if (std::string s = Normalize(symbol); !s.empty()) {
    if (s.size() > kMaxSymbolBytes) {
      return MakeError(std::string(kSymbolField),
                       "must be at most " + std::to_string(kMaxSymbolBytes) +
                           " bytes of UTF-8 (12 kanji), got " + std::to_string(s.size()));
    }
    norm_symbol = std::move(s);
  }

  std::string norm_number = Normalize(number);
  if (norm_number.empty()) return MakeError(std::string(kNumberField), "is required");
  if (const std::size_t n = CharCount(norm_number); n > kMaxNumberChars) {
    return MakeError(std::string(kNumberField), "must be at most " +
                                                    std::to_string(kMaxNumberChars) +
                                                    " characters, got " + std::to_string(n));
  }

  // No zero-padding of a 1-digit 枝番: "1" usually means a spreadsheet ate
  // the leading zero, and guessing would hide that from the sender.
  std::optional<std::string> norm_branch;
  if (std::string b = Normalize(branch); !b.empty()) {
    // Everything before the first non-digit is ASCII, so byte index + 1 is
    // the character position.
    for (std::size_t i = 0; i < b.size(); ++i) {
      if (b[i] < '0' || b[i] > '9') {
        return MakeError(std::string(kBranchField),
                         "contains a non-digit at position " + std::to_string(i + 1));
      }
    }
    if (b.size() != 2) {
      return MakeError(std::string(kBranchField),
                       "must be 2 digits, got " + std::to_string(b.size()));
    }
    norm_branch = std::move(b);
  }

  return InsuredCardId(std::move(norm_symbol), std::move(norm_number), std::move(norm_branch));
}

std::string InsuredCardId::Masked() const {
  std::string out;
  if (symbol_) out += "symbol=" + std::string(CharCount(*symbol_), '*') + " ";
  const std::size_t chars = CharCount(number_);
  constexpr std::size_t kShown = 2;
  out += "number=";
  if (chars >= 4) {
    // Byte offset where the last kShown characters begin.
    std::size_t start = number_.size();
    for (std::size_t seen = 0; seen < kShown;) {
      --start;
      if (!IsContinuation(static_cast<unsigned char>(number_[start]))) ++seen;
    }
    out += std::string(chars - kShown, '*') + number_.substr(start);
  } else {
    out += std::string(chars, '*');
  }
  if (branch_) out += " branch=" + *branch_;
  return out;
}

}  // namespace onshi

std::size_t std::hash<onshi::InsuredCardId>::operator()(
    const onshi::InsuredCardId& id) const noexcept {
  // Absent fields mix in a fixed marker, so that a 記号 "01" with no 枝番
  // and a 枝番 "01" with no 記号 do not collide by construction.
  std::size_t h = std::hash<std::string>{}(id.number());
  auto mix = [&h](std::size_t v) { h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2); };
  mix(id.symbol() ? std::hash<std::string>{}(*id.symbol()) : 0x51);
  mix(id.branch() ? std::hash<std::string>{}(*id.branch()) : 0xB7);
  return h;
}
