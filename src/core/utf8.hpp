// UTF-8 decoding and encoding, one code point at a time.
//
// Just enough for the Japanese text rules (core/japanese_text.hpp): those
// work on code points, and the core may not depend on ICU, iconv or a locale.
// Ill-formed input is never an error here: it decodes to U+FFFD, so a
// comparison over bad bytes still terminates and bad bytes can never equal a
// real character. Whether a field holding U+FFFD is acceptable is the
// caller's decision.
#ifndef ONSHI_CORE_UTF8_HPP_
#define ONSHI_CORE_UTF8_HPP_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace onshi {

inline constexpr char32_t kReplacementCharacter = U'\uFFFD';

// One decoded character: its code point and how many bytes it took.
struct Utf8Char {
  char32_t code_point;
  std::size_t length;  // 1 to 4; never 0, so a scan always makes progress
};

namespace utf8_internal {
Utf8Char DecodeMultibyte(std::string_view text, std::size_t pos);
}  // namespace utf8_internal

// Decodes the character that starts at text[pos]; requires pos < text.size().
// An ill-formed sequence (stray continuation byte, overlong form, surrogate,
// value above U+10FFFF, truncation) decodes to U+FFFD whose length is its
// "maximal subpart" (Unicode §3.9, U+FFFD substitution of maximal subparts):
// at most the bytes that could have begun a valid sequence, so a bad byte
// never swallows the well-formed character after it.
inline Utf8Char DecodeUtf8(std::string_view text, std::size_t pos) {
  // Inline for the two common cases, ASCII and the three-byte sequences of
  // kana and kanji; everything else takes the out-of-line path.
  const auto b0 = static_cast<unsigned char>(text[pos]);
  if (b0 < 0x80) return {b0, 1};
  // E1–EC and EE–EF: every continuation is valid (E0 and ED, which have
  // overlong forms or surrogates, take the out-of-line path).
  if (b0 >= 0xE1 && b0 != 0xED && b0 <= 0xEF && pos + 2 < text.size()) {
    const auto b1 = static_cast<unsigned char>(text[pos + 1]);
    const auto b2 = static_cast<unsigned char>(text[pos + 2]);
    if (((b1 ^ 0x80) | (b2 ^ 0x80)) < 0x40) {  // both 10xxxxxx
      return {static_cast<char32_t>((b0 & 0x0F) << 12 | (b1 & 0x3F) << 6 | (b2 & 0x3F)), 3};
    }
  }
  return utf8_internal::DecodeMultibyte(text, pos);
}

// Writes the UTF-8 form of `c` at `out`, which must have room for 4 bytes,
// and returns the end. Surrogates (U+D800–U+DFFF) and values above U+10FFFF
// are not characters and are written as U+FFFD.
inline char* EncodeUtf8(char32_t c, char* out) {
  if (c < 0x80) {
    *out++ = static_cast<char>(c);
    return out;
  }
  if ((c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF) c = kReplacementCharacter;
  if (c < 0x800) {
    *out++ = static_cast<char>(0xC0 | (c >> 6));
  } else if (c < 0x10000) {
    *out++ = static_cast<char>(0xE0 | (c >> 12));
    *out++ = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
  } else {
    *out++ = static_cast<char>(0xF0 | (c >> 18));
    *out++ = static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    *out++ = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
  }
  *out++ = static_cast<char>(0x80 | (c & 0x3F));
  return out;
}

// Appends the UTF-8 form of `c` (as EncodeUtf8).
void AppendUtf8(std::string& out, char32_t c);

}  // namespace onshi

#endif  // ONSHI_CORE_UTF8_HPP_
