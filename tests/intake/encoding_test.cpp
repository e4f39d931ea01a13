// Encoding helpers (src/intake/encoding.hpp).
#include "intake/encoding.hpp"

#include <gtest/gtest.h>

#include <string>

#include "oqs/charset.hpp"

namespace onshi::intake {
namespace {

// IsUtf8 is a faster road to oqs::IsValidUtf8's verdict: compare them on
// every string of up to three bytes that starts with a non-ASCII byte (after
// an ASCII byte both just look at the rest), alone and behind an ASCII word.
TEST(EncodingTest, IsUtf8AgreesWithIsValidUtf8) {
  std::string s(3, '\0');
  std::string padded = "abcdefgh" + s;
  for (uint32_t v = 0x800000; v < (1u << 24); ++v) {
    s[0] = static_cast<char>(v >> 16);
    s[1] = static_cast<char>(v >> 8);
    s[2] = static_cast<char>(v);
    const bool expected = oqs::IsValidUtf8(s);
    ASSERT_EQ(IsUtf8(s), expected) << v;
    if ((v & 0xFF) == 0x41) {  // sample the padded form, and shorter strings
      padded.replace(8, 3, s);
      ASSERT_EQ(IsUtf8(padded), expected) << v;
      ASSERT_EQ(IsUtf8(s.substr(0, 2)), oqs::IsValidUtf8(s.substr(0, 2))) << v;
    }
  }
  for (const char* four : {"\xF0\x9F\x98\x80", "\xF0\x8F\xBF\xBF", "\xF4\x90\x80\x80",
                           "\xF4\x8F\xBF\xBF", "\xED\xA0\x80", "\xE0\x80\x80", "𠮷野家"}) {
    EXPECT_EQ(IsUtf8(four), oqs::IsValidUtf8(four)) << four;
  }
}

TEST(EncodingTest, FirstInvalidUtf8) {
  EXPECT_EQ(FirstInvalidUtf8("abc"), std::string::npos);
  EXPECT_EQ(FirstInvalidUtf8("髙橋"), std::string::npos);
  EXPECT_EQ(FirstInvalidUtf8("ab\xFF"), 2u);
  EXPECT_EQ(FirstInvalidUtf8("髙\xE6\xA9"), 3u);      // cut short
  EXPECT_EQ(FirstInvalidUtf8("a\xC0\xAF"), 1u);       // overlong
  EXPECT_EQ(FirstInvalidUtf8("a\xED\xA0\x80z"), 1u);  // surrogate
}

TEST(EncodingTest, IsAsciiAndHexByte) {
  EXPECT_TRUE(IsAscii(""));
  EXPECT_TRUE(IsAscii("0123456789abcdefghij"));
  EXPECT_FALSE(IsAscii("0123456789abcdefghi\x80"));
  EXPECT_FALSE(
      IsAscii("\xFF"
              "0123456789"));
  EXPECT_EQ(HexByte(0xFF), "0xFF");
  EXPECT_EQ(HexByte(0x0A), "0x0A");
}

}  // namespace
}  // namespace onshi::intake
