// Tests for CardFile and IssuerKey: the sealed file never holds the private
// key or the PIN in clear (R-SEC-1, R-SEC-2), tampering is refused, and the
// PIN counter is on disk before VERIFY answers (R-CARD-5).
#include "card/card_file.hpp"

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <string>

#include "test_card.hpp"

namespace onshi::card {
namespace {

using testing::kPin;
using testing::MakeCard;
using testing::Shared;
using testing::TempDir;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

bool Contains(const std::string& haystack, const std::vector<uint8_t>& needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) !=
         haystack.end();
}

IssuerKey Key(const TempDir& dir) {
  auto key = IssuerKey::LoadOrCreate(dir / "issuer.key");
  if (!key.ok()) std::abort();
  return std::move(key).value();
}

TEST(IssuerKeyTest, CreatedMode0600AndStable) {
  TempDir dir;
  auto a = IssuerKey::LoadOrCreate(dir / "issuer.key");
  ASSERT_TRUE(a.ok()) << a.error().ToString();
  struct stat st;
  ASSERT_EQ(::stat((dir / "issuer.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto b = IssuerKey::LoadOrCreate(dir / "issuer.key");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(a->bytes(), b->bytes());
}

TEST(IssuerKeyTest, RefusesReadableOrMalformedFile) {
  TempDir dir;
  ASSERT_TRUE(IssuerKey::LoadOrCreate(dir / "issuer.key").ok());
  ::chmod((dir / "issuer.key").c_str(), 0644);
  EXPECT_FALSE(IssuerKey::LoadOrCreate(dir / "issuer.key").ok());
  std::ofstream(dir / "short.key") << "abcd\n";
  ::chmod((dir / "short.key").c_str(), 0600);
  EXPECT_FALSE(IssuerKey::LoadOrCreate(dir / "short.key").ok());
}

// R-SEC-2: the file must not give the key away; R-SEC-1: nor the PIN.
TEST(CardFileTest, RSec2FileHoldsNeitherKeyNorPinInClear) {
  TempDir dir;
  const IssuerKey key = Key(dir);
  CardFile card = MakeCard(dir / "card.bin", key);
  const std::string bytes = ReadFile(dir / "card.bin");
  ASSERT_GT(bytes.size(), 2000u);

  const std::vector<uint8_t>& pkcs8 = Shared::Get().card_key_der;
  const unsigned char* p = pkcs8.data();
  EVP_PKEY* pkey = d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(pkcs8.size()));
  ASSERT_NE(pkey, nullptr);
  unsigned char* der = nullptr;
  const int len = i2d_PrivateKey(pkey, &der);  // PKCS#1 RSAPrivateKey
  const std::vector<uint8_t> pkcs1(der, der + len);
  OPENSSL_free(der);
  BIGNUM* d = nullptr;
  ASSERT_EQ(EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_D, &d), 1);
  std::vector<uint8_t> d_bytes(static_cast<size_t>(BN_num_bytes(d)));
  BN_bn2bin(d, d_bytes.data());
  BN_free(d);
  EVP_PKEY_free(pkey);

  EXPECT_FALSE(Contains(bytes, pkcs8));
  EXPECT_FALSE(Contains(bytes, pkcs1));
  // Any 32-byte window of the private exponent.
  EXPECT_FALSE(Contains(bytes, std::vector<uint8_t>(d_bytes.begin() + 100, d_bytes.begin() + 132)));
  EXPECT_EQ(bytes.find(kPin), std::string::npos);
  // The certificate is sealed too (the counter beside it must not be editable).
  EXPECT_FALSE(Contains(bytes, card.auth_certificate()));
}

TEST(CardFileTest, ReopenGivesSameStateAndPublicKey) {
  TempDir dir;
  const IssuerKey key = Key(dir);
  CardFile card = MakeCard(dir / "card.bin", key);
  auto again = CardFile::Open(dir / "card.bin", key);
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_EQ(again->card_serial(), card.card_serial());
  EXPECT_EQ(again->card_serial().size(), 16u);
  EXPECT_EQ(again->PublicKeyDer(), card.PublicKeyDer());
  EXPECT_EQ(again->auth_certificate(), card.auth_certificate());
  EXPECT_EQ(again->auth_ca_certificate(), Shared::Get().ca.CertificateDer());
  struct stat st;
  ASSERT_EQ(::stat((dir / "card.bin").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_FALSE(CardFile::CreateWithKey(dir / "card.bin", key, kPin, Shared::Get().card_key_der)
                   .ok());  // never overwrites a card
}

// R-SEC-2: a tampered chip is dead; so is a file edited to reset the counter.
TEST(CardFileTest, RSec2TamperedOrForeignFileRefused) {
  TempDir dir;
  const IssuerKey key = Key(dir);
  MakeCard(dir / "card.bin", key);
  std::string bytes = ReadFile(dir / "card.bin");
  for (size_t at : {size_t{0}, size_t{30}, bytes.size() / 2, bytes.size() - 1}) {
    std::string edited = bytes;
    edited[at] = static_cast<char>(edited[at] ^ 0x01);
    std::ofstream(dir / "edited.bin", std::ios::binary) << edited;
    EXPECT_FALSE(CardFile::Open(dir / "edited.bin", key).ok()) << "byte " << at;
  }
  TempDir other;
  EXPECT_FALSE(CardFile::Open(dir / "card.bin", Key(other)).ok());
}

// R-CARD-5: every attempt is on disk before the answer; a restart keeps it.
TEST(CardFileTest, RCard5CounterPersistsAcrossReopen) {
  TempDir dir;
  const IssuerKey key = Key(dir);
  CardFile card = MakeCard(dir / "card.bin", key);
  auto v = card.VerifyPin("0000");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->outcome, PinOutcome::kRejected);
  EXPECT_EQ(v->tries_left, 2);
  auto reopened = CardFile::Open(dir / "card.bin", key);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(reopened->pin_counter().consecutive_failures(), 1);

  auto right = reopened->VerifyPin(kPin);
  ASSERT_TRUE(right.ok());
  EXPECT_EQ(right->outcome, PinOutcome::kAccepted);
  EXPECT_EQ(CardFile::Open(dir / "card.bin", key)->pin_counter().consecutive_failures(), 0);
}

TEST(CardFileTest, RCard5LockedUntilMunicipalityResets) {
  TempDir dir;
  const IssuerKey key = Key(dir);
  CardFile card = MakeCard(dir / "card.bin", key);
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(card.VerifyPin("1111").ok());
  EXPECT_TRUE(card.pin_counter().locked());
  const std::string before = ReadFile(dir / "card.bin");
  auto blocked = card.VerifyPin(kPin);
  ASSERT_TRUE(blocked.ok());
  EXPECT_EQ(blocked->outcome, PinOutcome::kBlocked);
  EXPECT_EQ(ReadFile(dir / "card.bin"), before);  // not even rewritten
  EXPECT_TRUE(CardFile::Open(dir / "card.bin", key)->pin_counter().locked());

  EXPECT_TRUE(card.ResetPinByMunicipality("12345").has_value());  // not 4 digits
  ASSERT_EQ(card.ResetPinByMunicipality("2468"), std::nullopt);
  EXPECT_EQ(card.VerifyPin("2468")->outcome, PinOutcome::kAccepted);
  EXPECT_EQ(card.VerifyPin(kPin)->outcome, PinOutcome::kRejected);
}

TEST(CardFileTest, MalformedPinIsAnErrorAndNotCounted) {
  TempDir dir;
  const IssuerKey key = Key(dir);
  CardFile card = MakeCard(dir / "card.bin", key);
  EXPECT_FALSE(card.VerifyPin("12a4").ok());
  EXPECT_FALSE(card.VerifyPin("123").ok());
  EXPECT_EQ(card.pin_counter().consecutive_failures(), 0);
  EXPECT_FALSE(
      CardFile::CreateWithKey(dir / "x.bin", key, "12345", Shared::Get().card_key_der).ok());
}

TEST(CardFileTest, InstallRefusesCertificateForAnotherKey) {
  TempDir dir;
  const IssuerKey key = Key(dir);
  CardFile card = MakeCard(dir / "card.bin", key);
  // The CA certificate is valid DER but not for the card's key.
  EXPECT_TRUE(card.InstallCertificates(Shared::Get().ca.CertificateDer(), {}));
  EXPECT_TRUE(card.InstallCertificates({0x30, 0x00}, {}));
}

}  // namespace
}  // namespace onshi::card
