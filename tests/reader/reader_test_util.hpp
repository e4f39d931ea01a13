// Helpers shared by the reader tests: a personalised test card (from
// tests/card's fixtures), signature checking against a certificate, and a
// TransmitFn over an in-process card::Card.
#ifndef ONSHI_TESTS_READER_READER_TEST_UTIL_HPP_
#define ONSHI_TESTS_READER_READER_TEST_UTIL_HPP_

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <array>
#include <string_view>
#include <vector>

#include "../card/test_card.hpp"
#include "card/card.hpp"
#include "reader/transmit.hpp"

namespace onshi::reader::testing {

inline TransmitFn InProcess(card::Card* card) {
  return [card](const Bytes& capdu) -> Expected<Bytes> { return card->Transmit(capdu); };
}

inline std::array<uint8_t, 32> Sha256(std::string_view message) {
  std::array<uint8_t, 32> digest{};
  unsigned int len = 0;
  EVP_Digest(message.data(), message.size(), digest.data(), &len, EVP_sha256(), nullptr);
  return digest;
}

// True if `signature` is an RSASSA-PKCS1-v1_5 SHA-256 signature of `message`
// by the key certified in `certificate_der`.
inline bool VerifiesWithCertificate(const Bytes& certificate_der, std::string_view message,
                                    const Bytes& signature) {
  const unsigned char* p = certificate_der.data();
  X509* cert = d2i_X509(nullptr, &p, static_cast<long>(certificate_der.size()));
  if (cert == nullptr) return false;
  EVP_PKEY* key = X509_get0_pubkey(cert);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok =
      EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
      EVP_DigestVerify(ctx, signature.data(), signature.size(),
                       reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  X509_free(cert);
  return ok;
}

}  // namespace onshi::reader::testing

#endif  // ONSHI_TESTS_READER_READER_TEST_UTIL_HPP_
