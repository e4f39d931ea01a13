// JpkiReaderSession against the emulated card in the same process: the host
// side of every step, and its errors by status word.
#include "reader/jpki_reader_session.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "card/card.hpp"
#include "reader_test_util.hpp"

namespace onshi::reader {
namespace {

using card::testing::kPin;
using card::testing::MakeCard;
using card::testing::Shared;
using card::testing::TempDir;
using testing::InProcess;
using testing::Sha256;
using testing::VerifiesWithCertificate;

class JpkiReaderSessionTest : public ::testing::Test {
 protected:
  JpkiReaderSessionTest()
      : key_(card::IssuerKey::LoadOrCreate(dir_ / "issuer.key").value()),
        card_(MakeCard(dir_ / "card.bin", key_, &issued_)),
        session_(InProcess(&card_)) {}

  TempDir dir_;
  card::IssuerKey key_;
  jpki::IssuedUserCertificate issued_;
  card::Card card_;
  JpkiReaderSession session_;
};

TEST_F(JpkiReaderSessionTest, ReadsBothCertificates) {
  ASSERT_FALSE(session_.SelectJpki());
  auto cert = session_.ReadAuthCertificate();
  ASSERT_TRUE(cert.ok()) << cert.error().ToString();
  EXPECT_EQ(*cert, issued_.der);
  auto ca = session_.ReadAuthCaCertificate();
  ASSERT_TRUE(ca.ok()) << ca.error().ToString();
  EXPECT_EQ(*ca, Shared::Get().ca.CertificateDer());
}

TEST_F(JpkiReaderSessionTest, VerifyCountsDownAndSigns) {
  ASSERT_FALSE(session_.SelectJpki());
  auto tries = session_.PinTriesLeft();
  ASSERT_TRUE(tries.ok()) << tries.error().ToString();
  EXPECT_EQ(tries->tries_left, 3);

  auto wrong = session_.VerifyPin("0000");
  ASSERT_TRUE(wrong.ok());
  EXPECT_FALSE(wrong->verified);
  EXPECT_EQ(wrong->tries_left, 2);
  EXPECT_FALSE(wrong->blocked);

  auto right = session_.VerifyPin(kPin);
  ASSERT_TRUE(right.ok());
  EXPECT_TRUE(right->verified);
  EXPECT_EQ(right->tries_left, 3);

  const auto digest = Sha256("onshi reader test");
  auto signature = session_.SignDigestInfo(Sha256DigestInfo(digest));
  ASSERT_TRUE(signature.ok()) << signature.error().ToString();
  EXPECT_EQ(signature->size(), 256u);
  EXPECT_TRUE(VerifiesWithCertificate(issued_.der, "onshi reader test", *signature));
}

TEST_F(JpkiReaderSessionTest, SignWithoutVerifyNamesTheStatusWord) {
  ASSERT_FALSE(session_.SelectJpki());
  auto signature = session_.SignDigestInfo(Sha256DigestInfo(Sha256("x")));
  ASSERT_FALSE(signature.ok());
  EXPECT_NE(signature.error().message.find("6982"), std::string::npos) << signature.error().message;
}

TEST_F(JpkiReaderSessionTest, LocksAfterThreeWrongPins) {
  ASSERT_FALSE(session_.SelectJpki());
  EXPECT_EQ(session_.VerifyPin("1111")->tries_left, 2);
  EXPECT_EQ(session_.VerifyPin("1111")->tries_left, 1);
  auto last = session_.VerifyPin("1111");
  EXPECT_TRUE(last->blocked);
  EXPECT_EQ(last->tries_left, 0);
  auto after = session_.VerifyPin(kPin);  // 6983: even the right PIN
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->blocked);
  EXPECT_FALSE(after->verified);
  EXPECT_TRUE(session_.PinTriesLeft()->blocked);
}

// Issue 21: the card sees every APDU the session sends, so the test can say
// that no VERIFY (INS 0x20) reached it, not only that the counter is unchanged.
TEST_F(JpkiReaderSessionTest, MalformedPinNeverReachesTheCard) {
  std::vector<Bytes> seen;
  JpkiReaderSession watched([&](const Bytes& capdu) -> Expected<Bytes> {
    seen.push_back(capdu);
    return card_.Transmit(capdu);
  });
  ASSERT_FALSE(watched.SelectJpki());
  for (const char* pin : {"12345", "12a4", "123", "", "１２３４"}) {
    EXPECT_FALSE(watched.VerifyPin(pin).ok()) << pin;
  }
  const auto verifies = [&](size_t from) {
    int n = 0;
    for (size_t i = from; i < seen.size(); ++i)
      n += seen[i].size() >= 2 && seen[i][1] == 0x20;
    return n;
  };
  EXPECT_EQ(verifies(0), 0) << "a malformed PIN was sent to the card in a VERIFY";
  EXPECT_EQ(watched.PinTriesLeft()->tries_left, 3);
  // A well-formed wrong PIN does reach it, and is counted: the watch works.
  const size_t before = seen.size();
  EXPECT_TRUE(watched.VerifyPin("0000").ok());
  EXPECT_EQ(verifies(before), 1);
  EXPECT_EQ(watched.PinTriesLeft()->tries_left, 2);
}

TEST_F(JpkiReaderSessionTest, WithoutSelectingTheApFilesAreNotFound) {
  auto cert = session_.ReadAuthCertificate();
  ASSERT_FALSE(cert.ok());
  EXPECT_NE(cert.error().message.find("SELECT EF 000A: 6A82"), std::string::npos)
      << cert.error().message;
}

TEST_F(JpkiReaderSessionTest, TransportFailureIsAnError) {
  JpkiReaderSession broken(
      [](const Bytes&) -> Expected<Bytes> { return MakeError("pcsc", "reader removed"); });
  auto e = broken.SelectJpki();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->message, "reader removed");
}

}  // namespace
}  // namespace onshi::reader
