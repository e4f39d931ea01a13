#include "jpki/certificate_fingerprint.hpp"

#include <openssl/sha.h>

namespace onshi::jpki {

std::string CertificateFingerprint(std::span<const uint8_t> der) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(der.data(), der.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * sizeof digest);
  for (unsigned char b : digest) {
    out += kHex[b >> 4];
    out += kHex[b & 0xF];
  }
  return out;
}

}  // namespace onshi::jpki
