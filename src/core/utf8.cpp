#include "core/utf8.hpp"

namespace onshi {
namespace utf8_internal {

// The well-formed byte sequences are those of Unicode Table 3-7: the second
// byte's range depends on the lead byte (this excludes overlong forms,
// surrogates and values above U+10FFFF); later bytes are 80..BF.
Utf8Char DecodeMultibyte(std::string_view text, std::size_t pos) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[pos + i]); };
  const unsigned char lead = byte(0);
  std::size_t need;                    // continuation bytes after the lead
  unsigned char lo = 0x80, hi = 0xBF;  // range of the second byte
  char32_t c;
  if (lead >= 0xC2 && lead <= 0xDF) {
    need = 1;
    c = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    need = 2;
    c = lead & 0x0F;
    if (lead == 0xE0) lo = 0xA0;  // below: overlong
    if (lead == 0xED) hi = 0x9F;  // above: surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    need = 3;
    c = lead & 0x07;
    if (lead == 0xF0) lo = 0x90;  // below: overlong
    if (lead == 0xF4) hi = 0x8F;  // above: beyond U+10FFFF
  } else {
    return {kReplacementCharacter, 1};  // 80..C1 (continuation, overlong lead) or F5..FF
  }
  for (std::size_t i = 1; i <= need; ++i) {
    if (pos + i >= text.size()) return {kReplacementCharacter, i};
    const unsigned char b = byte(i);
    if (i == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return {kReplacementCharacter, i};
    c = (c << 6) | (b & 0x3F);
  }
  return {c, need + 1};
}

}  // namespace utf8_internal

void AppendUtf8(std::string& out, char32_t c) {
  char buf[4];
  out.append(buf, static_cast<std::size_t>(EncodeUtf8(c, buf) - buf));
}

}  // namespace onshi
