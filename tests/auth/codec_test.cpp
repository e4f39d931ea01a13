// Tests for the encodings under the tokens: base64url and the flat JSON
// reader/writer.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "auth/base64url.hpp"
#include "auth/flat_json.hpp"

namespace onshi::auth {
namespace {

TEST(Base64UrlTest, Rfc4648TestVectorsWithoutPadding) {
  // RFC 4648 §10, padding removed (RFC 7515 §2).
  EXPECT_EQ(Base64UrlEncode(""), "");
  EXPECT_EQ(Base64UrlEncode("f"), "Zg");
  EXPECT_EQ(Base64UrlEncode("fo"), "Zm8");
  EXPECT_EQ(Base64UrlEncode("foo"), "Zm9v");
  EXPECT_EQ(Base64UrlEncode("foob"), "Zm9vYg");
  EXPECT_EQ(Base64UrlEncode("fooba"), "Zm9vYmE");
  EXPECT_EQ(Base64UrlEncode("foobar"), "Zm9vYmFy");
}

TEST(Base64UrlTest, UsesTheUrlSafeAlphabet) {
  EXPECT_EQ(Base64UrlEncode("\xfb\xff\xbf"), "-_-_");
  EXPECT_EQ(Base64UrlDecode("-_-_"), std::string("\xfb\xff\xbf"));
}

TEST(Base64UrlTest, RoundTripsEveryByteValueAndLength) {
  std::string all;
  for (int i = 0; i < 256; ++i)
    all += static_cast<char>(i);
  for (size_t n = 0; n <= all.size(); n += 7) {
    const std::string s = all.substr(0, n);
    EXPECT_EQ(Base64UrlDecode(Base64UrlEncode(s)), s) << n;
  }
}

TEST(Base64UrlTest, RejectsNonCanonicalText) {
  EXPECT_FALSE(Base64UrlDecode("Zg=="));    // padding
  EXPECT_FALSE(Base64UrlDecode("Zm9v+w"));  // standard alphabet
  EXPECT_FALSE(Base64UrlDecode("Zm9v/w"));
  EXPECT_FALSE(Base64UrlDecode("Zm 9v"));  // whitespace
  EXPECT_FALSE(Base64UrlDecode("Z"));      // 6 bits: not a byte
  EXPECT_FALSE(Base64UrlDecode("Zh"));     // "f" is "Zg"; "Zh" has a stray low bit
  EXPECT_FALSE(Base64UrlDecode("Zm9"));    // "fo" is "Zm8"
  EXPECT_TRUE(Base64UrlDecode(""));
}

TEST(FlatJsonTest, ParsesStringsAndIntegers) {
  const auto obj = FlatJsonObject::Parse(
      R"( { "a" : "x\"y\\z\u00e9\ud83d\ude00" , "n":-42, "big":9223372036854775807 } )");
  ASSERT_TRUE(obj.ok()) << obj.error().ToString();
  EXPECT_EQ(obj->GetString("a"), "x\"y\\z\xc3\xa9\xf0\x9f\x98\x80");
  EXPECT_EQ(obj->GetInt("n"), -42);
  EXPECT_EQ(obj->GetInt("big"), INT64_MAX);
  EXPECT_FALSE(obj->GetString("n"));  // wrong type
  EXPECT_FALSE(obj->GetInt("missing"));
  EXPECT_TRUE(FlatJsonObject::Parse("{}").ok());
}

TEST(FlatJsonTest, RejectsShapesTokensNeverUse) {
  for (const char* text :
       {"", "[]", "{", "{\"a\":}", "{\"a\":1,}", "{\"a\":1}x", "{\"a\":{\"b\":1}}", "{\"a\":[1]}",
        "{\"a\":true}", "{\"a\":null}", "{\"a\":1.5}", "{\"a\":1e3}", "{\"a\":01}",
        "{\"a\":9223372036854775808}", "{\"a\":\"\\x\"}", "{\"a\":\"\\ud800\"}",
        "{\"a\":\"line\nbreak\"}", "{a:1}"}) {
    EXPECT_FALSE(FlatJsonObject::Parse(text).ok()) << text;
  }
}

TEST(FlatJsonTest, RejectsDuplicateKeys) {
  // Which "aud" would a parser keep? Refusing is the only safe answer.
  const auto obj = FlatJsonObject::Parse(R"({"aud":"oqs-search","aud":"other"})");
  ASSERT_FALSE(obj.ok());
  EXPECT_NE(obj.error().message.find("duplicate"), std::string::npos);
}

TEST(FlatJsonTest, WriterIsCompactOrderedAndEscapes) {
  EXPECT_EQ(FlatJsonWriter().Add("b", "q\"\\\n\x01").Add("a", 7).Finish(),
            R"({"b":"q\"\\\n\u0001","a":7})");
  EXPECT_EQ(FlatJsonWriter().Finish(), "{}");
  const std::string kanji = "オンシ診療所";
  const auto round = FlatJsonObject::Parse(FlatJsonWriter().Add("o", kanji).Finish());
  ASSERT_TRUE(round.ok());
  EXPECT_EQ(round->GetString("o"), kanji);
}

}  // namespace
}  // namespace onshi::auth
