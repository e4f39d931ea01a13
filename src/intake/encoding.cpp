// Encoding helpers (encoding.hpp).
#include "intake/encoding.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "oqs/charset.hpp"

namespace onshi::intake {
namespace {

// Length of the UTF-8 character a lead byte announces; 1 for a byte that
// cannot lead one, so that a scan moves past it.
std::size_t Utf8Length(unsigned char lead) {
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  return 1;
}

}  // namespace

bool LooksLikeUtf8(std::string_view sample, bool complete) {
  if (!complete) {
    // Drop a trailing character whose continuation bytes lie past the sample.
    std::size_t lead = sample.size();
    while (lead > 0 && sample.size() - lead < 3 &&
           (static_cast<unsigned char>(sample[lead - 1]) & 0xC0) == 0x80) {
      --lead;
    }
    if (lead > 0) {
      const auto c = static_cast<unsigned char>(sample[lead - 1]);
      if (c >= 0xC2 && Utf8Length(c) > sample.size() - (lead - 1))
        sample.remove_suffix(sample.size() - (lead - 1));
    }
  }
  return IsUtf8(sample);
}

bool IsUtf8(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* const end = p + text.size();
  while (p < end) {
    const unsigned char c = *p;
    if (c < 0x80) {
      for (++p; end - p >= 8; p += 8) {  // the rest of an ASCII run
        uint64_t word;
        std::memcpy(&word, p, 8);
        if ((word & 0x8080808080808080ULL) != 0) break;
      }
      continue;
    }
    // Kana and kanji: a 3-byte character whose lead is neither E0 (which
    // could be overlong) nor ED (which could be a surrogate) is valid
    // whenever both following bytes are continuation bytes.
    if (c >= 0xE1 && c <= 0xEF && c != 0xED && end - p >= 3 && (p[1] & 0xC0) == 0x80 &&
        (p[2] & 0xC0) == 0x80) {
      p += 3;
      continue;
    }
    const std::size_t n = std::min<std::size_t>(Utf8Length(c), static_cast<std::size_t>(end - p));
    if (!oqs::IsValidUtf8(std::string_view(reinterpret_cast<const char*>(p), n))) return false;
    p += n;
  }
  return true;
}

std::size_t FirstInvalidUtf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    // oqs::IsValidUtf8 is the one definition of well-formed (no overlongs,
    // no surrogates); here it judges one character at a time.
    const std::size_t n = Utf8Length(c);
    if (!oqs::IsValidUtf8(text.substr(i, n))) return i;
    i += n;
  }
  return std::string_view::npos;
}

bool IsAscii(std::string_view text) {
  const char* p = text.data();
  const char* const end = p + text.size();
  uint64_t bits = 0;
  for (; end - p >= 8; p += 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    bits |= word;
  }
  for (; p < end; ++p)
    bits |= static_cast<unsigned char>(*p);
  return (bits & 0x8080808080808080ULL) == 0;
}

std::string HexByte(unsigned char byte) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  return std::string{'0', 'x', kDigits[byte >> 4], kDigits[byte & 0xF]};
}

}  // namespace onshi::intake
