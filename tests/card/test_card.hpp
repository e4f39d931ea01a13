// Shared fixtures for the card tests: a temporary directory, one JPKI CA and
// one RSA-2048 card key per test binary (key generation is the slow part),
// and a personalised card with a fast PIN hash.
#ifndef ONSHI_TESTS_CARD_TEST_CARD_HPP_
#define ONSHI_TESTS_CARD_TEST_CARD_HPP_

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "card/card_file.hpp"
#include "card/issuer_key.hpp"
#include "jpki/jpki_ca.hpp"

namespace onshi::card::testing {

inline constexpr std::time_t kNow = 1743465600;  // 2025-04-01T00:00:00Z
inline constexpr const char* kPin = "7395";
inline const Date kLastValidDay = Date::FromYmd(2029, 6, 15);

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "onshi-card-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Process-wide: one CA directory and one card key, made on first use and
// removed at exit.
struct Shared {
  std::unique_ptr<TempDir> dir;
  jpki::JpkiCa ca;
  std::vector<uint8_t> card_key_der;  // PKCS#8

  static Shared& Get() {
    static Shared shared = Make();
    return shared;
  }

 private:
  static Shared Make() {
    auto dir = std::make_unique<TempDir>();
    auto ca = jpki::JpkiCa::Create(*dir / "jpki-ca", kNow - 86400);
    if (!ca.ok()) std::abort();
    EVP_PKEY* key = EVP_RSA_gen(2048);
    unsigned char* der = nullptr;
    PKCS8_PRIV_KEY_INFO* p8 = EVP_PKEY2PKCS8(key);
    const int len = i2d_PKCS8_PRIV_KEY_INFO(p8, &der);
    std::vector<uint8_t> key_der(der, der + len);
    OPENSSL_free(der);
    PKCS8_PRIV_KEY_INFO_free(p8);
    EVP_PKEY_free(key);
    return Shared{std::move(dir), std::move(ca).value(), std::move(key_der)};
  }
};

// A personalised card file at `path` with the shared key, PIN kPin and a
// certificate from the shared CA. Fails the test on error.
inline CardFile MakeCard(const std::string& path, const IssuerKey& key,
                         jpki::IssuedUserCertificate* issued = nullptr) {
  Shared& s = Shared::Get();
  CardFileOptions fast;
  fast.pin_hash_log2_n = 10;
  auto file = CardFile::CreateWithKey(path, key, kPin, s.card_key_der, fast);
  if (!file.ok()) std::abort();
  auto cert = s.ca.IssueUserAuthentication(file->PublicKeyDer(), kNow, kLastValidDay);
  if (!cert.ok()) std::abort();
  if (file->InstallCertificates(cert->der, s.ca.CertificateDer())) std::abort();
  if (issued) *issued = *cert;
  return std::move(file).value();
}

}  // namespace onshi::card::testing

#endif  // ONSHI_TESTS_CARD_TEST_CARD_HPP_
