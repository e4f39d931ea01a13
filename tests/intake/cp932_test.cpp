// DecodeCp932 (src/intake/cp932.hpp) must agree with iconv through
// oqs::Cp932ToUtf8 on every input: same text, same bytes rejected.
#include "intake/cp932.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "oqs/charset.hpp"

namespace onshi::intake {
namespace {

void ExpectSameAsIconv(const std::string& bytes) {
  std::size_t iconv_bad = 0;
  const std::optional<std::string> expected = oqs::Cp932ToUtf8(bytes, &iconv_bad);
  std::string got;
  std::size_t bad = 0;
  const bool ok = DecodeCp932(bytes, &got, &bad);
  ASSERT_EQ(ok, expected.has_value()) << testing::PrintToString(bytes);
  if (ok) {
    ASSERT_EQ(got, *expected) << testing::PrintToString(bytes);
  } else {
    ASSERT_EQ(bad, iconv_bad) << testing::PrintToString(bytes);
  }
}

TEST(Cp932Test, EveryOneAndTwoByteInput) {
  std::string one(1, '\0');
  for (int b = 0; b < 256; ++b) {
    one[0] = static_cast<char>(b);
    ExpectSameAsIconv(one);
  }
  std::string two(2, '\0');
  for (int v = 0; v < 65536; ++v) {
    two[0] = static_cast<char>(v >> 8);
    two[1] = static_cast<char>(v);
    ExpectSameAsIconv(two);
  }
}

TEST(Cp932Test, RandomStrings) {
  // Bytes weighted towards lead bytes and ASCII, so that valid runs are long
  // enough for an invalid byte in the middle to matter.
  uint64_t state = 0x9E3779B97F4A7C15ULL;
  auto next = [&] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  for (int i = 0; i < 200000; ++i) {
    std::string s(1 + next() % 12, '\0');
    for (char& c : s) {
      const uint64_t r = next();
      switch (r % 4) {
        case 0:
          c = static_cast<char>(0x20 + (r >> 8) % 0x5F);  // ASCII
          break;
        case 1:
          c = static_cast<char>(0x81 + (r >> 8) % 0x1F);  // lead 81..9F
          break;
        case 2:
          c = static_cast<char>(0xE0 + (r >> 8) % 0x1D);  // lead E0..FC
          break;
        default:
          c = static_cast<char>(r >> 8);
      }
    }
    ExpectSameAsIconv(s);
  }
}

TEST(Cp932Test, NamesFromTheField) {
  for (const char* utf8 :
       {"髙橋　﨑子", "①②㈱", "～〜", "ｼﾝﾘｮｳ ﾀﾛｳ", "東京都港区芝公園", "Ａ－１"}) {
    const std::string cp932 = oqs::Utf8ToCp932(utf8);
    std::string got;
    ASSERT_TRUE(DecodeCp932(cp932, &got));
    EXPECT_EQ(got, *oqs::Cp932ToUtf8(cp932));
  }
  std::string got;
  std::size_t bad = 99;
  EXPECT_FALSE(DecodeCp932("ab\x81", &got, &bad));  // a lead byte cut off
  EXPECT_EQ(bad, 2u);
  EXPECT_TRUE(DecodeCp932("", &got));
  EXPECT_EQ(got, "");
}

}  // namespace
}  // namespace onshi::intake
