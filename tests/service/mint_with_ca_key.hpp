// The attack of issue 15 (R-SEC-1): whoever holds the JPKI CA's private key
// (ca-key.pem, once committed to the repository) mints a user-authentication
// certificate for a key of their own, carrying the serial of a victim's card.
// Done here with plain OpenSSL, exactly as an attacker would — not through
// JpkiCa, which never lets a caller choose a serial.
#ifndef ONSHI_TESTS_SERVICE_MINT_WITH_CA_KEY_HPP_
#define ONSHI_TESTS_SERVICE_MINT_WITH_CA_KEY_HPP_

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "core/date.hpp"
#include "jpki/jpki_ca.hpp"

namespace onshi::testing {

struct Minted {
  std::vector<uint8_t> der;       // the certificate
  std::shared_ptr<EVP_PKEY> key;  // the attacker's RSA-2048 key in it

  // RSA PKCS#1 v1.5 SHA-256 over `message`, as the card would sign it.
  std::vector<uint8_t> Sign(const std::vector<uint8_t>& message) const {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    size_t len = 0;
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &len, message.data(), message.size()) != 1) {
      return {};
    }
    std::vector<uint8_t> sig(len);
    if (EVP_DigestSign(ctx.get(), sig.data(), &len, message.data(), message.size()) != 1) return {};
    sig.resize(len);
    return sig;
  }
};

// A certificate signed with `jpki_dir`/ca-key.pem: serial `serial_hex`,
// subject C=JP + CN, a fresh RSA-2048 key, keyUsage digitalSignature, valid
// from `not_before` to the end of `last_day` (JST). Empty on any failure.
inline Minted MintWithCaKey(const std::string& jpki_dir, const std::string& serial_hex,
                            std::time_t not_before, Date last_day) {
  Minted out;
  auto read_pem = [](const std::string& path, auto reader) {
    FILE* f = std::fopen(path.c_str(), "r");
    if (!f) return decltype(reader(f))(nullptr);
    auto v = reader(f);
    std::fclose(f);
    return v;
  };
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> ca_key(
      read_pem(jpki_dir + "/ca-key.pem",
               [](FILE* f) { return PEM_read_PrivateKey(f, nullptr, nullptr, nullptr); }),
      EVP_PKEY_free);
  std::unique_ptr<X509, decltype(&X509_free)> ca(
      read_pem(jpki_dir + "/ca.pem",
               [](FILE* f) { return PEM_read_X509(f, nullptr, nullptr, nullptr); }),
      X509_free);
  if (!ca_key || !ca) return out;

  EVP_PKEY* mine = EVP_RSA_gen(2048);
  if (!mine) return out;
  out.key.reset(mine, EVP_PKEY_free);

  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
  BIGNUM* bn = nullptr;
  if (!cert || BN_hex2bn(&bn, serial_hex.c_str()) == 0) return out;
  ASN1_INTEGER* serial = BN_to_ASN1_INTEGER(bn, nullptr);
  BN_free(bn);
  X509_NAME* subject = X509_NAME_new();
  const bool built =
      serial && subject &&
      X509_NAME_add_entry_by_txt(subject, "C", MBSTRING_ASC,
                                 reinterpret_cast<const unsigned char*>("JP"), -1, -1, 0) == 1 &&
      X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                                 reinterpret_cast<const unsigned char*>("ATTACKER"), -1, -1,
                                 0) == 1 &&
      X509_set_version(cert.get(), X509_VERSION_3) == 1 &&
      X509_set_serialNumber(cert.get(), serial) == 1 &&
      X509_set_subject_name(cert.get(), subject) == 1 &&
      X509_set_issuer_name(cert.get(), X509_get_subject_name(ca.get())) == 1 &&
      ASN1_TIME_set(X509_getm_notBefore(cert.get()), not_before) != nullptr &&
      ASN1_TIME_set(X509_getm_notAfter(cert.get()), jpki::JpkiCa::EndOfDayJst(last_day)) !=
          nullptr &&
      X509_set_pubkey(cert.get(), mine) == 1;
  ASN1_INTEGER_free(serial);
  X509_NAME_free(subject);
  if (!built) return out;
  for (auto [nid, value] : {std::pair{NID_key_usage, "critical,digitalSignature"},
                            std::pair{NID_subject_key_identifier, "hash"},
                            std::pair{NID_authority_key_identifier, "keyid:always"}}) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, ca.get(), cert.get(), nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value);
    if (!ext) return out;
    const bool added = X509_add_ext(cert.get(), ext, -1) == 1;
    X509_EXTENSION_free(ext);
    if (!added) return out;
  }
  if (X509_sign(cert.get(), ca_key.get(), EVP_sha256()) == 0) return out;
  unsigned char* der = nullptr;
  const int len = i2d_X509(cert.get(), &der);
  if (len > 0) out.der.assign(der, der + len);
  OPENSSL_free(der);
  return out;
}

}  // namespace onshi::testing

#endif  // ONSHI_TESTS_SERVICE_MINT_WITH_CA_KEY_HPP_
