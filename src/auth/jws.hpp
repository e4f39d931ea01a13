// Proof-of-check: a detached JWS (RFC 7515 Appendix F) over an eligibility
// response body, so that a facility can later show that this service really
// gave that answer.
//
//   <b64url(header)>..<b64url(signature)>
//   header         = {"alg":"ES256","kid":<RFC 7638 thumbprint>,"typ":"oqs-proof"}
//   signing input  = b64url(header) + "." + b64url(body)
//
// The payload is left out of the serialisation because the body itself
// travels as the HTTP response; the verifier supplies the exact bytes it
// received. Any change to those bytes, one byte included, fails. The
// verifier needs only the public JWK (Es256PublicKey::jwk()).
#ifndef ONSHI_AUTH_JWS_HPP_
#define ONSHI_AUTH_JWS_HPP_

#include <string>
#include <string_view>

#include "auth/es256_key.hpp"

namespace onshi::auth {

inline constexpr std::string_view kProofType = "oqs-proof";

// Signs response bodies. The encoded header is computed once; each Sign is
// one base64url pass over the body and one ECDSA signature. Thread-safe.
class DetachedSigner {
 public:
  explicit DetachedSigner(Es256SigningKey key);

  // The detached compact JWS over `body`.
  std::string Sign(std::string_view body) const;

  const Es256SigningKey& key() const { return key_; }

 private:
  Es256SigningKey key_;
  std::string encoded_header_;  // b64url(header)
};

// True iff `jws` is a detached ES256 proof by `key` over exactly `body`.
// On false, `*why` (if given) says which check failed.
bool VerifyDetached(std::string_view jws, std::string_view body, const Es256PublicKey& key,
                    std::string* why = nullptr);

}  // namespace onshi::auth

#endif  // ONSHI_AUTH_JWS_HPP_
