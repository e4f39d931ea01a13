// ES256 keys: ECDSA over P-256 with SHA-256, in the form JOSE uses (RFC 7518
// §3.4), for the idToken (token.hpp) and the signed roots of the batched
// proofs of check (batch_proof.hpp).
//
// Keys are parsed once into an EVP_PKEY held by the object; signing and
// verifying do no file I/O and no parsing, because they run on every
// eligibility request. Both classes are cheap to copy (the EVP_PKEY is
// shared) and their const methods may be called from many threads at once:
// each call uses its own EVP_MD_CTX and OpenSSL 3 keys are read-only there.
//
// JOSE signatures are the raw 64-byte R||S (each a 32-byte big-endian
// integer), not the DER ECDSA-Sig-Value that OpenSSL produces; the
// conversion functions below translate between the two.
#ifndef ONSHI_AUTH_ES256_KEY_HPP_
#define ONSHI_AUTH_ES256_KEY_HPP_

#include <openssl/types.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/expected.hpp"

namespace onshi::auth {

inline constexpr size_t kEs256SignatureBytes = 64;

// DER ECDSA-Sig-Value -> R||S (64 bytes). Nullopt if not a P-256 signature.
std::optional<std::string> EcdsaDerToJose(std::string_view der);
// R||S -> DER. Nullopt unless exactly 64 bytes.
std::optional<std::string> EcdsaJoseToDer(std::string_view jose);

class Es256PublicKey {
 public:
  // {"kty":"EC","crv":"P-256","x":…,"y":…}; other members (kid, use, alg)
  // are allowed and ignored. The point must lie on the curve.
  static Expected<Es256PublicKey> FromJwk(std::string_view json);
  // SubjectPublicKeyInfo PEM ("BEGIN PUBLIC KEY").
  static Expected<Es256PublicKey> FromPem(std::string_view pem);

  // True iff `jose_signature` (64-byte R||S) is this key's ES256 signature
  // over `signing_input`.
  bool Verify(std::string_view signing_input, std::string_view jose_signature) const;

  // The RFC 7638 canonical JWK: {"crv":"P-256","kty":"EC","x":"…","y":"…"},
  // members in that order and nothing else, so it is also the thumbprint input.
  const std::string& jwk() const { return jwk_; }
  // RFC 7638 JWK thumbprint: base64url(SHA-256(jwk())). Depends only on the
  // public point, so it is stable across reloads and usable as a "kid".
  const std::string& key_id() const { return key_id_; }
  std::string Pem() const;
  EVP_PKEY* get() const { return key_.get(); }

 private:
  static Expected<Es256PublicKey> Adopt(std::shared_ptr<EVP_PKEY> key);
  Es256PublicKey() = default;

  std::shared_ptr<EVP_PKEY> key_;
  std::string jwk_;
  std::string key_id_;
};

class Es256SigningKey {
 public:
  // A fresh random P-256 key.
  static Expected<Es256SigningKey> Generate();
  // A PKCS#8 or SEC1 private-key PEM holding a P-256 key.
  static Expected<Es256SigningKey> FromPem(std::string_view pem);
  // Reads the PEM at `path`, or creates it (mode 0600) with a fresh key if it
  // does not exist. Refuses a key file readable by group or others.
  static Expected<Es256SigningKey> LoadOrCreate(const std::string& path);

  // The 64-byte JOSE signature over `signing_input`. ECDSA is randomised, so
  // two calls give different signatures. Throws std::runtime_error only if
  // OpenSSL itself fails (out of memory); never for any input.
  std::string Sign(std::string_view signing_input) const;

  const Es256PublicKey& public_key() const { return public_key_; }
  const std::string& key_id() const { return public_key_.key_id(); }
  // PKCS#8 PEM, unencrypted (protect it with file permissions).
  std::string PrivatePem() const;

 private:
  static Expected<Es256SigningKey> Adopt(EVP_PKEY* key);
  Es256SigningKey(std::shared_ptr<EVP_PKEY> key, std::shared_ptr<EVP_MD_CTX> prepared,
                  Es256PublicKey pub)
      : key_(std::move(key)), prepared_(std::move(prepared)), public_key_(std::move(pub)) {}

  std::shared_ptr<EVP_PKEY> key_;
  // A signing context set up once (SHA-256, this key): each signature copies
  // it instead of looking the algorithms up again, a quarter of the cost of
  // signing a proof. Only ever read, so threads may copy it at once.
  std::shared_ptr<EVP_MD_CTX> prepared_;
  Es256PublicKey public_key_;
};

}  // namespace onshi::auth

#endif  // ONSHI_AUTH_ES256_KEY_HPP_
