// The fingerprint of a 利用者証明用電子証明書: lowercase hex SHA-256 of its DER.
//
// Certificate pinning (issue 15): the store keeps the fingerprint of the one
// certificate issued to each card (CardRecord::cert_fingerprint), set by the
// window at issue, renewal and resumption, and a card check or login accepts
// a certificate only if it is that one. A serial alone is not enough: anyone
// holding the CA's key could mint a certificate with a victim card's serial
// and their own key, and it would chain, verify and name the victim.
#ifndef ONSHI_JPKI_CERTIFICATE_FINGERPRINT_HPP_
#define ONSHI_JPKI_CERTIFICATE_FINGERPRINT_HPP_

#include <cstdint>
#include <span>
#include <string>

namespace onshi::jpki {

// 64 lowercase hex digits.
std::string CertificateFingerprint(std::span<const uint8_t> der);

}  // namespace onshi::jpki

#endif  // ONSHI_JPKI_CERTIFICATE_FINGERPRINT_HPP_
