#include "jpki/certificate_fingerprint.hpp"

#include <openssl/sha.h>

#include "core/hex.hpp"

namespace onshi::jpki {

std::string CertificateFingerprint(std::span<const uint8_t> der) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(der.data(), der.size(), digest);
  return ToHex(digest, sizeof digest);
}

}  // namespace onshi::jpki
