// UTF-8 decoding checked against Unicode's Table 3-7 (well-formed byte
// sequences) for every lead byte and every second byte, and encoding checked
// by a round trip of every scalar value. Names, addresses and readings on a
// form are UTF-8 (R-LINK-1); a decoder that accepts an overlong form or a
// surrogate, or rejects a valid character at the edge of a range, changes
// what is compared with the resident registry (R-LINK-4). Written for the
// mutation run of issue 21: every range edge of the decoder is one of the
// 65,536 pairs checked here.
#include <gtest/gtest.h>

#include <string>

#include "core/utf8.hpp"

namespace onshi {
namespace {

// Table 3-7, one row per lead-byte range: the bytes after the lead, and the
// allowed range of the first of them (the later ones are always 80..BF).
struct Row {
  int lead_lo, lead_hi, continuation_bytes, second_lo, second_hi;
};
constexpr Row kTable37[] = {
    {0xC2, 0xDF, 1, 0x80, 0xBF}, {0xE0, 0xE0, 2, 0xA0, 0xBF}, {0xE1, 0xEC, 2, 0x80, 0xBF},
    {0xED, 0xED, 2, 0x80, 0x9F}, {0xEE, 0xEF, 2, 0x80, 0xBF}, {0xF0, 0xF0, 3, 0x90, 0xBF},
    {0xF1, 0xF3, 3, 0x80, 0xBF}, {0xF4, 0xF4, 3, 0x80, 0x8F},
};

const Row* RowOf(int lead) {
  for (const Row& r : kTable37) {
    if (lead >= r.lead_lo && lead <= r.lead_hi) return &r;
  }
  return nullptr;
}

TEST(Utf8Table37, EveryLeadByteWithEverySecondByte) {
  int mismatches = 0;
  for (int lead = 0; lead < 256; ++lead) {
    for (int second = 0; second < 256; ++second) {
      // Followed by 80 80, valid continuations for any row.
      const std::string text{static_cast<char>(lead), static_cast<char>(second), '\x80', '\x80'};
      const Utf8Char got = DecodeUtf8(text, 0);
      char32_t want_cp;
      std::size_t want_len;
      const Row* row = RowOf(lead);
      if (lead < 0x80) {
        want_cp = static_cast<char32_t>(lead);
        want_len = 1;
      } else if (!row || second < row->second_lo || second > row->second_hi) {
        want_cp = kReplacementCharacter;
        want_len = 1;
      } else {
        const int n = row->continuation_bytes;
        const int lead_bits = n == 1 ? lead & 0x1F : n == 2 ? lead & 0x0F : lead & 0x07;
        want_cp =
            static_cast<char32_t>((lead_bits << (6 * n)) | ((second & 0x3F) << (6 * (n - 1))));
        want_len = static_cast<std::size_t>(n + 1);
      }
      if (got.code_point != want_cp || got.length != want_len) {
        if (++mismatches <= 5) {
          ADD_FAILURE() << std::hex << "lead " << lead << " second " << second << ": got U+"
                        << static_cast<unsigned>(got.code_point) << " length " << got.length
                        << ", want U+" << static_cast<unsigned>(want_cp) << " length " << want_len;
        }
      }
    }
  }
  EXPECT_EQ(mismatches, 0);
}

TEST(Utf8Table37, LaterBytesMustBeContinuationBytes) {
  // The third byte of 𠮷 (F0 A0 AE B7) and of あ (E3 81 82) just outside and
  // at the edges of 80..BF.
  for (int b : {0x7F, 0xC0}) {
    const std::string three{'\xE3', '\x81', static_cast<char>(b)};
    EXPECT_EQ(DecodeUtf8(three, 0).code_point, kReplacementCharacter) << b;
    EXPECT_EQ(DecodeUtf8(three, 0).length, 2u) << b;
    const std::string four{'\xF0', '\xA0', '\xAE', static_cast<char>(b)};
    EXPECT_EQ(DecodeUtf8(four, 0).code_point, kReplacementCharacter) << b;
    EXPECT_EQ(DecodeUtf8(four, 0).length, 3u) << b;
    const std::string third_of_four{'\xF0', '\xA0', static_cast<char>(b), '\xB7'};
    EXPECT_EQ(DecodeUtf8(third_of_four, 0).length, 2u) << b;
  }
  EXPECT_EQ(DecodeUtf8(std::string{'\xE0', '\xA0', '\x80'}, 0).code_point, U'\u0800');
  EXPECT_EQ(DecodeUtf8(std::string{'\xED', '\x9F', '\xBF'}, 0).code_point, U'\uD7FF');
  EXPECT_EQ(DecodeUtf8(std::string{'\xF4', '\x8F', '\xBF', '\xBF'}, 0).code_point, U'\U0010FFFF');
  EXPECT_EQ(DecodeUtf8(std::string{'\xF0', '\x90', '\x80', '\xBF'}, 0).code_point, U'\U0001003F');
}

TEST(Utf8Table37, TruncatedSequencesCoverWhatIsThere) {
  EXPECT_EQ(DecodeUtf8(std::string{'\xC3'}, 0).length, 1u);
  EXPECT_EQ(DecodeUtf8(std::string{'\xED', '\x80'}, 0).length, 2u);
  EXPECT_EQ(DecodeUtf8(std::string{'\xF4', '\x80', '\x80'}, 0).length, 3u);
  EXPECT_EQ(DecodeUtf8(std::string{'\xF4', '\x80', '\x80'}, 0).code_point, kReplacementCharacter);
  // A complete character at the very end of the text is read whole.
  EXPECT_EQ(DecodeUtf8(std::string{'a', '\xC3', '\xA9'}, 1).code_point, U'\u00E9');
  EXPECT_EQ(DecodeUtf8(std::string{'a', '\xF0', '\xA0', '\xAE', '\xB7'}, 1).code_point,
            U'\U00020BB7');
}

TEST(Utf8Table37, EveryScalarValueRoundTrips) {
  int mismatches = 0;
  for (char32_t c = 0; c <= 0x10FFFF; ++c) {
    if (c >= 0xD800 && c <= 0xDFFF) continue;
    std::string s;
    AppendUtf8(s, c);
    const std::size_t want_len = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    const Utf8Char got = DecodeUtf8(s, 0);
    if (s.size() != want_len || got.code_point != c || got.length != want_len) {
      if (++mismatches <= 5) ADD_FAILURE() << std::hex << "U+" << static_cast<unsigned>(c);
    }
  }
  EXPECT_EQ(mismatches, 0);
  // Surrogates and values beyond U+10FFFF are written as U+FFFD.
  std::string s;
  AppendUtf8(s, 0xD800);
  AppendUtf8(s, 0x110000);
  EXPECT_EQ(s, "\uFFFD\uFFFD");
}

}  // namespace
}  // namespace onshi
