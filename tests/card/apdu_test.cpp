// Tests for the short C-APDU parser and the R-APDU encoding: the four cases,
// Le = 00 as 256, and every malformed length refused with 6700 without
// reading past the input.
#include "card/apdu.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace onshi::card {
namespace {

using Bytes = std::vector<uint8_t>;

TEST(ApduTest, Case1HeaderOnly) {
  auto c = ParseCommand(Bytes{0x00, 0x20, 0x00, 0x80});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->Case(), 1);
  EXPECT_EQ(c->ins, 0x20);
  EXPECT_EQ(c->p2, 0x80);
  EXPECT_TRUE(c->data.empty());
  EXPECT_FALSE(c->le);
}

TEST(ApduTest, Case2LeZeroMeans256) {
  auto c = ParseCommand(Bytes{0x00, 0xB0, 0x01, 0x00, 0x00});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->Case(), 2);
  EXPECT_EQ(c->le, 256);
  auto small = ParseCommand(Bytes{0x00, 0xB0, 0x00, 0x00, 0x04});
  ASSERT_TRUE(small.ok());
  EXPECT_EQ(small->le, 4);
}

TEST(ApduTest, Case3SelectEf) {
  auto c = ParseCommand(Bytes{0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x0A});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->Case(), 3);
  EXPECT_EQ(c->data, (Bytes{0x00, 0x0A}));
  EXPECT_FALSE(c->le);
}

TEST(ApduTest, Case4SignWithLe00) {
  Bytes b{0x80, 0x2A, 0x00, 0x80, 0x03, 0xAA, 0xBB, 0xCC, 0x00};
  auto c = ParseCommand(b);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->Case(), 4);
  EXPECT_EQ(c->cla, 0x80);
  EXPECT_EQ(c->data, (Bytes{0xAA, 0xBB, 0xCC}));
  EXPECT_EQ(c->le, 256);
  EXPECT_EQ(EncodeCommand(*c), b);
}

TEST(ApduTest, MalformedLengthsAre6700) {
  const std::vector<Bytes> bad = {
      {},
      {0x00},
      {0x00, 0xA4, 0x04},
      // Extended length: Lc = 00 followed by two length bytes.
      {0x00, 0xA4, 0x04, 0x0C, 0x00, 0x00, 0x02, 0xD3, 0x92},
      {0x00, 0xB0, 0x00, 0x00, 0x00, 0x01, 0x00},
      {0x00, 0xB0, 0x00, 0x00, 0x00, 0x00},
      // Lc says 5, 2 bytes follow.
      {0x00, 0xA4, 0x02, 0x0C, 0x05, 0x00, 0x0A},
      // Lc says 1, 3 bytes follow (neither case 3 nor case 4).
      {0x00, 0x20, 0x00, 0x80, 0x01, 0x31, 0x32, 0x33},
  };
  for (const Bytes& b : bad) {
    auto c = ParseCommand(b);
    ASSERT_FALSE(c.ok()) << "size " << b.size();
    EXPECT_EQ(c.error(), sw::kWrongLength);
  }
}

TEST(ApduTest, MaximalShortApdu) {
  Bytes b{0x00, 0x20, 0x00, 0x80, 0xFF};
  b.resize(5 + 255, 0x31);
  b.push_back(0x00);
  auto c = ParseCommand(b);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->data.size(), 255u);
  EXPECT_EQ(c->le, 256);
  EXPECT_EQ(EncodeCommand(*c), b);
}

TEST(ApduTest, ResponseEncodingAndParsing) {
  ResponseApdu r{{0x01, 0x02}, 0x9000};
  const Bytes wire = r.Encode();
  EXPECT_EQ(wire, (Bytes{0x01, 0x02, 0x90, 0x00}));
  auto back = ParseResponse(wire);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->data, r.data);
  EXPECT_EQ(back->sw, 0x9000);
  EXPECT_EQ(ResponseApdu::Status(sw::TriesLeft(2)).Encode(), (Bytes{0x63, 0xC2}));
  EXPECT_FALSE(ParseResponse(Bytes{0x90}));
}

}  // namespace
}  // namespace onshi::card
