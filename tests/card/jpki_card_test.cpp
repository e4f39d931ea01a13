// The JPKI application walked APDU by APDU through Card::Transmit, as a
// reader (or OpenSC's jpki driver) drives it: select, read the certificate
// in chunks, VERIFY with its counter (R-CARD-5), sign after VERIFY only
// (R-SEC-1), and every malformed command with its status word.
#include "card/card.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "card/personalise.hpp"
#include "test_card.hpp"

namespace onshi::card {
namespace {

using Bytes = std::vector<uint8_t>;
using testing::kPin;
using testing::MakeCard;
using testing::Shared;
using testing::TempDir;

const Bytes kSelectAp = {0x00, 0xA4, 0x04, 0x0C, 0x0A, 0xD3, 0x92, 0xF0,
                         0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01};
Bytes SelectEf(uint16_t fid) {
  return {0x00,
          0xA4,
          0x02,
          0x0C,
          0x02,
          static_cast<uint8_t>(fid >> 8),
          static_cast<uint8_t>(fid & 0xFF)};
}
Bytes ReadBinary(size_t offset, uint8_t le) {
  return {0x00, 0xB0, static_cast<uint8_t>(offset >> 8), static_cast<uint8_t>(offset & 0xFF), le};
}
// Built by index: GCC 12's -Warray-bounds misfires on insert into a
// brace-initialised vector.
Bytes VerifyPin(std::string_view pin) {
  Bytes b(5 + pin.size());
  b[0] = 0x00, b[1] = 0x20, b[2] = 0x00, b[3] = 0x80, b[4] = static_cast<uint8_t>(pin.size());
  std::copy(pin.begin(), pin.end(), b.begin() + 5);
  return b;
}
const Bytes kRetryQuery = {0x00, 0x20, 0x00, 0x80};

// DER DigestInfo for SHA-256 (RFC 8017 §9.2 note 1) over `message`.
Bytes Sha256DigestInfo(std::string_view message) {
  Bytes out = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
               0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};
  unsigned char digest[32];
  unsigned int len = 0;
  EVP_Digest(message.data(), message.size(), digest, &len, EVP_sha256(), nullptr);
  out.insert(out.end(), digest, digest + len);
  return out;
}
Bytes Sign(const Bytes& digest_info, uint8_t le = 0x00) {
  Bytes b(5 + digest_info.size() + 1);
  b[0] = 0x80, b[1] = 0x2A, b[2] = 0x00, b[3] = 0x80;
  b[4] = static_cast<uint8_t>(digest_info.size());
  std::copy(digest_info.begin(), digest_info.end(), b.begin() + 5);
  b.back() = le;
  return b;
}

uint16_t Sw(const Bytes& r) {
  return r.size() < 2 ? 0 : static_cast<uint16_t>((r[r.size() - 2] << 8) | r[r.size() - 1]);
}
Bytes Data(const Bytes& r) {
  return Bytes(r.begin(), r.end() - 2);
}

class JpkiCardTest : public ::testing::Test {
 protected:
  JpkiCardTest() : key_(IssuerKey::LoadOrCreate(dir_ / "issuer.key").value()) {
    card_ = std::make_unique<Card>(MakeCard(dir_ / "card.bin", key_, &issued_));
  }

  uint16_t Send(const Bytes& capdu) { return Sw(card_->Transmit(capdu)); }
  void SelectPin() {
    ASSERT_EQ(Send(kSelectAp), 0x9000);
    ASSERT_EQ(Send(SelectEf(fid::kAuthPin)), 0x9000);
  }
  // Reads the selected EF as a host does: Le = 00 chunks until a short one.
  Bytes ReadAll() {
    Bytes out;
    for (;;) {
      const Bytes r = card_->Transmit(ReadBinary(out.size(), 0x00));
      if (Sw(r) != 0x9000) {
        EXPECT_EQ(Sw(r), sw::kOffsetOutOfRange);
        return out;
      }
      EXPECT_LE(Data(r).size(), 256u);
      out.insert(out.end(), r.begin(), r.end() - 2);
      if (Data(r).size() < 256) return out;
    }
  }

  TempDir dir_;
  IssuerKey key_;
  jpki::IssuedUserCertificate issued_;
  std::unique_ptr<Card> card_;
};

TEST_F(JpkiCardTest, AtrIsTheOneOpenScMatches) {
  EXPECT_EQ(Card::Atr(), (Bytes{0x3B, 0xE0, 0x00, 0xFF, 0x81, 0x31, 0xFE, 0x45, 0x14}));
}

// R-CARD-3: the certificate on the card is the one the CA issued, readable
// without a PIN.
TEST_F(JpkiCardTest, RCard3ReadCertificateInChunks) {
  ASSERT_EQ(Send(kSelectAp), 0x9000);
  ASSERT_EQ(Send(SelectEf(fid::kAuthCertificate)), 0x9000);
  // OpenSC's jpki_select_file: 4 bytes, size = (b2 << 8 | b3) + 4.
  const Bytes head = card_->Transmit(ReadBinary(0, 4));
  ASSERT_EQ(Sw(head), 0x9000);
  ASSERT_EQ(Data(head).size(), 4u);
  EXPECT_EQ(head[0], 0x30);
  EXPECT_EQ(head[1], 0x82);
  EXPECT_EQ(((head[2] << 8) | head[3]) + 4u, issued_.der.size());

  const Bytes cert = ReadAll();
  EXPECT_EQ(cert, issued_.der);
  ASSERT_GT(cert.size(), 512u);  // really chunked
  // The certificate verifies against the CA as the service would check it.
  EXPECT_TRUE(Shared::Get().ca.Verify(cert, testing::kNow + 86400).ok());

  // Odd chunk sizes as myna uses, and a read that over-asks at the end.
  const Bytes seven = card_->Transmit(ReadBinary(0, 7));
  EXPECT_EQ(Data(seven), Bytes(cert.begin(), cert.begin() + 7));
  const Bytes tail = card_->Transmit(ReadBinary(cert.size() - 3, 0xFF));
  EXPECT_EQ(Sw(tail), 0x9000);
  EXPECT_EQ(Data(tail), Bytes(cert.end() - 3, cert.end()));
  // At and past the end: 6B00.
  EXPECT_EQ(Send(ReadBinary(cert.size(), 1)), sw::kOffsetOutOfRange);
  EXPECT_EQ(Send(ReadBinary(0x7FFF, 0)), sw::kOffsetOutOfRange);
}

TEST_F(JpkiCardTest, ReadCaCertificateAndToken) {
  ASSERT_EQ(Send(kSelectAp), 0x9000);
  ASSERT_EQ(Send(SelectEf(fid::kAuthCaCertificate)), 0x9000);
  EXPECT_EQ(ReadAll(), Shared::Get().ca.CertificateDer());
  ASSERT_EQ(Send(SelectEf(fid::kToken)), 0x9000);
  const Bytes token = card_->Transmit(ReadBinary(0, 20));
  EXPECT_EQ(Sw(token), 0x9000);
  EXPECT_EQ(std::string(token.begin(), token.end() - 2), "JPKIAPICCTOKEN");
}

// R-CARD-5: 3 tries, counted down, reset by the right PIN.
TEST_F(JpkiCardTest, RCard5WrongPinsCountDownRightPinResets) {
  SelectPin();
  EXPECT_EQ(Send(kRetryQuery), 0x63C3);
  EXPECT_EQ(Send(VerifyPin("0000")), 0x63C2);
  EXPECT_EQ(Send(VerifyPin("9999")), 0x63C1);
  EXPECT_EQ(Send(kRetryQuery), 0x63C1);
  EXPECT_EQ(Send(VerifyPin(kPin)), 0x9000);
  // Always 63 Cx, even verified: OpenSC's GET_INFO insists on SW1 = 63.
  EXPECT_EQ(Send(kRetryQuery), 0x63C3);
  EXPECT_EQ(card_->file().pin_counter().consecutive_failures(), 0);
}

// R-CARD-5: the third wrong PIN locks; then even the right one fails, and
// only the municipal window helps.
TEST_F(JpkiCardTest, RCard5ThreeWrongPinsBlock) {
  SelectPin();
  EXPECT_EQ(Send(VerifyPin("0000")), 0x63C2);
  EXPECT_EQ(Send(VerifyPin("0000")), 0x63C1);
  EXPECT_EQ(Send(VerifyPin("0000")), 0x63C0);  // counted, and now locked
  EXPECT_EQ(Send(VerifyPin(kPin)), sw::kAuthenticationBlocked);
  EXPECT_EQ(Send(VerifyPin("0000")), sw::kAuthenticationBlocked);
  EXPECT_EQ(Send(VerifyPin("12a4")), sw::kAuthenticationBlocked);  // blocked first
  EXPECT_EQ(Send(kRetryQuery), 0x63C0);
  // Not even a power cycle or a new card object helps.
  card_->Reset();
  card_ = std::make_unique<Card>(Card::Open(dir_ / "card.bin", key_).value());
  SelectPin();
  EXPECT_EQ(Send(VerifyPin(kPin)), sw::kAuthenticationBlocked);
  ASSERT_EQ(Send(SelectEf(fid::kAuthPrivateKey)), 0x9000);
  EXPECT_EQ(Send(Sign(Sha256DigestInfo("x"))), sw::kSecurityStatusNotSatisfied);
}

// R-CARD-5: the counter is in the card file, not in the Card object.
TEST_F(JpkiCardTest, RCard5CounterSurvivesReopen) {
  SelectPin();
  EXPECT_EQ(Send(VerifyPin("0000")), 0x63C2);
  card_ = std::make_unique<Card>(Card::Open(dir_ / "card.bin", key_).value());
  SelectPin();
  EXPECT_EQ(Send(kRetryQuery), 0x63C2);
  EXPECT_EQ(Send(VerifyPin("0000")), 0x63C1);
}

// R-SEC-1: the key signs only after VERIFY; the signature checks out with
// the certificate's public key.
TEST_F(JpkiCardTest, RSec1SignAfterVerifyVerifiesWithCertificateKey) {
  SelectPin();
  ASSERT_EQ(Send(VerifyPin(kPin)), 0x9000);
  ASSERT_EQ(Send(SelectEf(fid::kAuthPrivateKey)), 0x9000);
  const std::string message = "challenge from the 資格確認端末";
  const Bytes r = card_->Transmit(Sign(Sha256DigestInfo(message)));
  ASSERT_EQ(Sw(r), 0x9000);
  const Bytes signature = Data(r);
  ASSERT_EQ(signature.size(), 256u);

  const unsigned char* p = issued_.der.data();
  X509* cert = d2i_X509(nullptr, &p, static_cast<long>(issued_.der.size()));
  ASSERT_NE(cert, nullptr);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ASSERT_EQ(EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, X509_get0_pubkey(cert)), 1);
  EXPECT_EQ(
      EVP_DigestVerify(ctx, signature.data(), signature.size(),
                       reinterpret_cast<const unsigned char*>(message.data()), message.size()),
      1);
  EVP_MD_CTX_free(ctx);
  X509_free(cert);

  // The verified state lasts for the session: a second signature works.
  EXPECT_EQ(Sw(card_->Transmit(Sign(Sha256DigestInfo("again")))), 0x9000);
}

TEST_F(JpkiCardTest, RSec1NoSignatureWithoutVerify) {
  ASSERT_EQ(Send(kSelectAp), 0x9000);
  ASSERT_EQ(Send(SelectEf(fid::kAuthPrivateKey)), 0x9000);
  EXPECT_EQ(Send(Sign(Sha256DigestInfo("m"))), sw::kSecurityStatusNotSatisfied);

  // Verified, then power cycled: gone.
  SelectPin();
  ASSERT_EQ(Send(VerifyPin(kPin)), 0x9000);
  card_->Reset();
  ASSERT_EQ(Send(kSelectAp), 0x9000);
  ASSERT_EQ(Send(SelectEf(fid::kAuthPrivateKey)), 0x9000);
  EXPECT_EQ(Send(Sign(Sha256DigestInfo("m"))), sw::kSecurityStatusNotSatisfied);

  // Verified, then the AP selected again: gone.
  SelectPin();
  ASSERT_EQ(Send(VerifyPin(kPin)), 0x9000);
  ASSERT_EQ(Send(kSelectAp), 0x9000);
  ASSERT_EQ(Send(SelectEf(fid::kAuthPrivateKey)), 0x9000);
  EXPECT_EQ(Send(Sign(Sha256DigestInfo("m"))), sw::kSecurityStatusNotSatisfied);

  // Verified, then a wrong PIN: gone.
  SelectPin();
  ASSERT_EQ(Send(VerifyPin(kPin)), 0x9000);
  ASSERT_EQ(Send(VerifyPin("0000")), 0x63C2);
  ASSERT_EQ(Send(SelectEf(fid::kAuthPrivateKey)), 0x9000);
  EXPECT_EQ(Send(Sign(Sha256DigestInfo("m"))), sw::kSecurityStatusNotSatisfied);
}

// R-CARD-5: a malformed PIN is refused without being counted.
TEST_F(JpkiCardTest, RCard5MalformedPinNotCounted) {
  SelectPin();
  EXPECT_EQ(Send(VerifyPin("12a4")), sw::kWrongData);
  EXPECT_EQ(Send(VerifyPin("12 4")), sw::kWrongData);
  EXPECT_EQ(Send(VerifyPin("\xEF\xBC\x91")), sw::kWrongLength);  // full-width "1"
  EXPECT_EQ(Send(VerifyPin("12345")), sw::kWrongLength);
  EXPECT_EQ(Send(VerifyPin("123")), sw::kWrongLength);
  EXPECT_EQ(Send(kRetryQuery), 0x63C3);
  EXPECT_EQ(card_->file().pin_counter().consecutive_failures(), 0);
}

TEST_F(JpkiCardTest, EveryMalformedCommand) {
  // Unparseable bytes.
  EXPECT_EQ(Send({}), sw::kWrongLength);
  EXPECT_EQ(Send({0x00, 0xA4}), sw::kWrongLength);
  EXPECT_EQ(Send({0x00, 0xA4, 0x04, 0x0C, 0x00, 0x00, 0x0A}), sw::kWrongLength);  // extended
  EXPECT_EQ(Send({0x00, 0xA4, 0x02, 0x0C, 0x05, 0x00, 0x0A}), sw::kWrongLength);  // Lc > data

  // CLA and INS.
  EXPECT_EQ(Send({0x0C, 0xA4, 0x04, 0x0C}), sw::kClaNotSupported);  // secure messaging
  EXPECT_EQ(Send({0xFF, 0xCA, 0x00, 0x00, 0x00}), sw::kClaNotSupported);
  EXPECT_EQ(Send({0x00, 0xCA, 0x00, 0x00, 0x00}), sw::kInsNotSupported);
  EXPECT_EQ(Send({0x00, 0x2A, 0x00, 0x80, 0x01, 0x00, 0x00}), sw::kInsNotSupported);
  EXPECT_EQ(Send({0x80, 0xA4, 0x04, 0x0C}), sw::kInsNotSupported);
  EXPECT_EQ(Send({0x00, 0x24, 0x01, 0x80, 0x04, '1', '2', '3', '4'}), sw::kInsNotSupported);

  // SELECT.
  Bytes wrong_p2 = kSelectAp;
  wrong_p2[3] = 0x00;
  EXPECT_EQ(Send(wrong_p2), sw::kWrongP1P2);
  EXPECT_EQ(Send({0x00, 0xA4, 0x00, 0x0C, 0x02, 0x3F, 0x00}), sw::kWrongP1P2);
  EXPECT_EQ(Send({0x00, 0xA4, 0x04, 0x0C}), sw::kWrongLength);          // no DF name
  EXPECT_EQ(Send(SelectEf(fid::kAuthCertificate)), sw::kFileNotFound);  // AP not selected
  // The 券面事項入力補助AP is not emulated.
  EXPECT_EQ(Send({0x00, 0xA4, 0x04, 0x0C, 0x0A, 0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01,
                  0x04, 0x08}),
            sw::kFileNotFound);
  ASSERT_EQ(Send(kSelectAp), 0x9000);
  for (uint16_t absent : {0x0001, 0x0002, 0x001A, 0x3F00, 0xFFFF}) {
    EXPECT_EQ(Send(SelectEf(absent)), sw::kFileNotFound) << absent;
  }
  // The 署名用 PIN stub that OpenSC 0.23 insists on: a retry counter, never
  // a VERIFY, and the 利用者証明用 counter untouched.
  ASSERT_EQ(Send(SelectEf(fid::kSignPinStub)), 0x9000);
  EXPECT_EQ(Send({0x00, 0x20, 0x00, 0x80}), sw::TriesLeft(5));
  EXPECT_EQ(Send({0x00, 0x20, 0x00, 0x80, 0x04, '1', '2', '3', '4'}), sw::kReferenceDataNotUsable);
  EXPECT_EQ(Send(ReadBinary(0, 0)), sw::kCommandNotAllowed);
  ASSERT_EQ(Send(SelectEf(fid::kAuthPin)), 0x9000);
  EXPECT_EQ(Send({0x00, 0x20, 0x00, 0x80}), sw::TriesLeft(3));
  EXPECT_EQ(Send({0x00, 0xA4, 0x02, 0x0C, 0x01, 0x0A}), sw::kWrongLength);
  EXPECT_EQ(Send({0x00, 0xA4, 0x02, 0x0C, 0x03, 0x00, 0x0A, 0x00}), sw::kWrongLength);

  // READ BINARY.
  EXPECT_EQ(Send(ReadBinary(0, 0)), sw::kCommandNotAllowed);  // no EF selected
  ASSERT_EQ(Send(SelectEf(fid::kAuthCertificate)), 0x9000);
  EXPECT_EQ(Send({0x00, 0xB0, 0x00, 0x00}), sw::kWrongLength);                    // no Le
  EXPECT_EQ(Send({0x00, 0xB0, 0x00, 0x00, 0x01, 0x00, 0x00}), sw::kWrongLength);  // data
  EXPECT_EQ(Send({0x00, 0xB0, 0x8A, 0x00, 0x00}), sw::kWrongP1P2);                // short EF id
  ASSERT_EQ(Send(SelectEf(fid::kAuthPrivateKey)), 0x9000);
  EXPECT_EQ(Send(ReadBinary(0, 0)), sw::kCommandNotAllowed);  // R-SEC-2
  ASSERT_EQ(Send(SelectEf(fid::kAuthPin)), 0x9000);
  EXPECT_EQ(Send(ReadBinary(0, 0)), sw::kCommandNotAllowed);

  // VERIFY.
  EXPECT_EQ(Send({0x00, 0x20, 0x00, 0x81, 0x04, '1', '2', '3', '4'}), sw::kWrongP1P2);
  EXPECT_EQ(Send({0x00, 0x20, 0x01, 0x80}), sw::kWrongP1P2);
  EXPECT_EQ(Send({0x00, 0x20, 0x00, 0x80, 0x04, '1', '2', '3', '4', 0x00}), sw::kWrongLength);
  ASSERT_EQ(Send(SelectEf(fid::kAuthCertificate)), 0x9000);
  EXPECT_EQ(Send(VerifyPin(kPin)), sw::kCommandNotAllowed);  // not the PIN EF
  EXPECT_EQ(Send(kRetryQuery), sw::kCommandNotAllowed);

  // SIGN (verified, so only the malformation can fail it).
  ASSERT_EQ(Send(SelectEf(fid::kAuthPin)), 0x9000);
  ASSERT_EQ(Send(VerifyPin(kPin)), 0x9000);
  const Bytes di = Sha256DigestInfo("m");
  EXPECT_EQ(Send(Sign(di)), sw::kCommandNotAllowed);  // current EF is the PIN
  ASSERT_EQ(Send(SelectEf(fid::kAuthPrivateKey)), 0x9000);
  Bytes no_le = Sign(di);
  no_le.pop_back();
  EXPECT_EQ(Send(no_le), sw::kWrongLength);
  EXPECT_EQ(Send(Sign(di, 0x80)), sw::kWrongLength);                  // Le must be 00 (256)
  EXPECT_EQ(Send({0x80, 0x2A, 0x00, 0x80, 0x00}), sw::kWrongLength);  // no data
  EXPECT_EQ(Send(Sign(Bytes(246, 0x01))), sw::kWrongLength);          // > k - 11
  Bytes wrong_p1 = Sign(di);
  wrong_p1[2] = 0x9E;
  EXPECT_EQ(Send(wrong_p1), sw::kWrongP1P2);
  // None of that touched the PIN counter or the verified state.
  EXPECT_EQ(card_->file().pin_counter().consecutive_failures(), 0);
  EXPECT_EQ(Sw(card_->Transmit(Sign(di))), 0x9000);
}

// R-CARD-5 / R-SEC-1: the attempt is written before the PIN is compared. If
// it cannot be written, the card answers 6581 for the right PIN as for a
// wrong one, so cutting the write (or the power) never reveals or grants
// anything.
TEST_F(JpkiCardTest, RCard5UncountableAttemptRevealsNothing) {
  SelectPin();
  // Make every later write fail: the card file's path becomes a non-empty
  // directory, which rename(2) cannot replace.
  std::filesystem::remove(dir_ / "card.bin");
  std::filesystem::create_directories(dir_ / "card.bin/blocker");
  EXPECT_EQ(Send(VerifyPin("0000")), sw::kMemoryFailure);
  EXPECT_EQ(Send(VerifyPin(kPin)), sw::kMemoryFailure);
  EXPECT_EQ(card_->file().pin_counter().consecutive_failures(), 0);  // = what is on disk
  ASSERT_EQ(Send(SelectEf(fid::kAuthPrivateKey)), 0x9000);
  EXPECT_EQ(Send(Sign(Sha256DigestInfo("m"))), sw::kSecurityStatusNotSatisfied);
}

TEST(PersonaliseCardTest, IssuesAndInstalls) {
  TempDir dir;
  auto key = IssuerKey::LoadOrCreate(dir / "issuer.key");
  ASSERT_TRUE(key.ok());
  CardFileOptions fast;
  fast.pin_hash_log2_n = 10;
  auto card = PersonaliseCard(Shared::Get().ca, dir / "card.bin", *key, "1234", testing::kNow,
                              testing::kLastValidDay, fast);
  ASSERT_TRUE(card.ok()) << card.error().ToString();
  EXPECT_EQ(card->file.auth_certificate(), card->certificate.der);
  EXPECT_EQ(card->file.auth_ca_certificate(), Shared::Get().ca.CertificateDer());
  // A key of its own, generated for this card, and certified.
  auto reopened = CardFile::Open(dir / "card.bin", *key);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(reopened->PublicKeyDer(), card->file.PublicKeyDer());
  EXPECT_TRUE(Shared::Get().ca.Verify(card->certificate.der, testing::kNow + 1).ok());
}

}  // namespace
}  // namespace onshi::card
