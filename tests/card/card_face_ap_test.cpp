// The 券面事項確認AP (issue 16): the holder's face photo on the card, readable
// only after the 照合番号B printed on the card face — the way the card already
// guards its JPKI key behind the PIN — and kept in the sealed card file.
#include "card/card_face_ap.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "card/card.hpp"
#include "reader/card_face_reader.hpp"
#include "test_card.hpp"

namespace onshi::card {
namespace {

using Bytes = std::vector<uint8_t>;
using testing::MakeCard;
using testing::TempDir;

const Bytes kSelectFaceAp = {0x00, 0xA4, 0x04, 0x0C, 0x0A, 0xD3, 0x92, 0x10,
                             0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x02};
const Bytes kSelectJpki = {0x00, 0xA4, 0x04, 0x0C, 0x0A, 0xD3, 0x92, 0xF0,
                           0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01};
constexpr const char* kCollation = "55030320350417";  // 1955-03-03, expires 2035, code 0417

Bytes SelectEf(uint16_t fid) {
  return {0x00,
          0xA4,
          0x02,
          0x0C,
          0x02,
          static_cast<uint8_t>(fid >> 8),
          static_cast<uint8_t>(fid & 0xFF)};
}
Bytes Verify(std::string_view number) {
  Bytes b(5 + number.size());
  b[0] = 0x00, b[1] = 0x20, b[2] = 0x00, b[3] = 0x80, b[4] = static_cast<uint8_t>(number.size());
  std::copy(number.begin(), number.end(), b.begin() + 5);
  return b;
}
const Bytes kReadHead = {0x00, 0xB0, 0x00, 0x00, 0x04};

// A JPEG-shaped photo of `n` bytes (SOI … EOI); the card does not decode it.
Bytes Photo(size_t n) {
  Bytes p(n, 0x42);
  p[0] = 0xFF, p[1] = 0xD8, p[n - 2] = 0xFF, p[n - 1] = 0xD9;
  return p;
}

uint16_t Sw(const Bytes& r) {
  return static_cast<uint16_t>(r[r.size() - 2] << 8 | r.back());
}

class CardFaceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CardFile file = MakeCard(dir_ / "c.card", key_);
    ASSERT_FALSE(file.InstallCardFace(Photo(3000), kCollation));
    card_ = std::make_unique<Card>(std::move(file));
  }
  uint16_t Send(const Bytes& c) { return Sw(card_->Transmit(c)); }

  TempDir dir_;
  IssuerKey key_ = IssuerKey::LoadOrCreate(dir_ / "issuer.key").value();
  std::unique_ptr<Card> card_;
};

TEST_F(CardFaceTest, PhotoOnlyAfterTheCollationNumberB) {
  ASSERT_EQ(Send(kSelectFaceAp), 0x9000);
  ASSERT_EQ(Send(SelectEf(fid::kCardFaceEntries)), 0x9000);
  EXPECT_EQ(Send(kReadHead), sw::kSecurityStatusNotSatisfied);  // not yet
  ASSERT_EQ(Send(SelectEf(fid::kCollationNumberB)), 0x9000);
  EXPECT_EQ(Send(Verify("55030320350418")), kVerificationFailed);  // one digit off
  EXPECT_EQ(Send(Verify("5503032035041")), sw::kWrongLength);
  EXPECT_EQ(Send(Verify("5503032035041X")), sw::kWrongData);
  EXPECT_EQ(Send(kReadHead), sw::kCommandNotAllowed);  // 0012 is never readable
  ASSERT_EQ(Send(Verify(kCollation)), 0x9000);
  ASSERT_EQ(Send(SelectEf(fid::kCardFaceEntries)), 0x9000);
  const Bytes head = card_->Transmit(kReadHead);
  ASSERT_EQ(Sw(head), 0x9000);
  EXPECT_EQ(Bytes(head.begin(), head.end() - 2), (Bytes{0x30, 0x82, 0x0B, 0xBC}));  // 4 + 3000

  // Selecting the JPKI AP ends the verified state, as a reset does.
  ASSERT_EQ(Send(kSelectJpki), 0x9000);
  ASSERT_EQ(Send(kSelectFaceAp), 0x9000);
  ASSERT_EQ(Send(SelectEf(fid::kCardFaceEntries)), 0x9000);
  EXPECT_EQ(Send(kReadHead), sw::kSecurityStatusNotSatisfied);
}

TEST_F(CardFaceTest, TheReaderReadsThePhotoThroughTheCard) {
  reader::TransmitFn transmit = [this](const reader::Bytes& c) -> Expected<reader::Bytes> {
    return card_->Transmit(c);
  };
  auto photo = reader::ReadCardFacePhoto(transmit, kCollation);
  ASSERT_TRUE(photo.ok()) << photo.error().ToString();
  EXPECT_EQ(*photo, Photo(3000));
  auto wrong = reader::ReadCardFacePhoto(transmit, "11111111111111");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().field, "collation");
  // The JPKI AP still works after: the reader selects it again.
  EXPECT_EQ(Send(kSelectJpki), 0x9000);
  EXPECT_EQ(Send(SelectEf(0x000A)), 0x9000);
}

TEST_F(CardFaceTest, SealedInTheCardFileAndCheckedOnInstall) {
  auto reopened = CardFile::Open(dir_ / "c.card", key_);
  ASSERT_TRUE(reopened.ok()) << reopened.error().ToString();
  EXPECT_EQ(reopened->face_photo(), Photo(3000));
  EXPECT_TRUE(reopened->MatchesCollationNumberB(kCollation));
  EXPECT_FALSE(reopened->MatchesCollationNumberB("55030320350418"));
  EXPECT_TRUE(reopened->InstallCardFace(Bytes{1, 2, 3, 4}, kCollation));  // not a JPEG
  EXPECT_TRUE(reopened->InstallCardFace(Photo(CardFile::kMaxPhotoBytes + 1), kCollation));
  EXPECT_TRUE(reopened->InstallCardFace(Photo(100), "1234"));  // 照合番号B is 14 digits
  EXPECT_EQ(CollationNumberB(Date::FromYmd(1955, 3, 3), Date::FromYmd(2035, 3, 3), "0417"),
            kCollation);
  EXPECT_EQ(RandomSecurityCode().size(), 4u);
}

TEST_F(CardFaceTest, ACardWithoutAPhotoSaysSo) {
  CardFile file = MakeCard(dir_ / "d.card", key_);
  ASSERT_FALSE(file.InstallCardFace({}, kCollation));
  Card card(std::move(file));
  reader::TransmitFn transmit = [&card](const reader::Bytes& c) -> Expected<reader::Bytes> {
    return card.Transmit(c);
  };
  auto photo = reader::ReadCardFacePhoto(transmit, kCollation);
  ASSERT_FALSE(photo.ok());
  EXPECT_EQ(photo.error().field, "photo");
}

}  // namespace
}  // namespace onshi::card
