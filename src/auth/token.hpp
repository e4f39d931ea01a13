// Login tokens: what the auth endpoint (MSA12020/ILI12020SV01/auth) returns
// and what the search endpoint accepts in its Authorization header.
//
// Both tokens are compact JWS/JWT (RFC 7519) signed ES256 by the token key,
// differing only in audience and lifetime:
//
//   token          aud            default lifetime  used by
//   idToken        "oqs-search"   5 minutes         every search (raw, no "Bearer")
//   accessToken    "oqs-access"   5 minutes         nothing yet (returned for shape)
//
// No refreshToken is issued (issue 19): it was returned for the answer's
// shape and no endpoint took it. A refresh would renew a facility's access
// without its client certificate, which the login checks (chain, CRL) each
// time; a client whose idToken expired logs in again with the certificate.
//
// Signed rather than opaque, so a server process verifies any token with the
// public key alone: no session table, no shared state between processes.
// The idToken is short-lived because real clients log in before every
// search (OQS §1.1); a stolen one is useless within minutes.
//
// The token key is not the key that signs answer proofs
// (auth/batch_proof.hpp): a proof vouches for bytes the service was asked
// to answer, and a key that signs both could be talked into signing
// something that reads as a token. As a second lock, the header's "typ"
// must be "JWT" (a proof's signed root says "oqs-batch-proof"), so neither
// kind of JWS passes for the other even under one key.
//
// Header {"alg":"ES256","typ":"JWT","kid":<RFC 7638 thumbprint>}; claims
// {"iss":"onshi","sub":<医療機関コード>,"aud":…,"iat":…,"exp":…,"jti":<random>}.
// Times are seconds since the epoch and are always passed in: nothing here
// reads the clock.
#ifndef ONSHI_AUTH_TOKEN_HPP_
#define ONSHI_AUTH_TOKEN_HPP_

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

#include "auth/es256_key.hpp"
#include "core/medical_institution_code.hpp"

namespace onshi::auth {

inline constexpr std::string_view kTokenIssuer = "onshi";
inline constexpr std::string_view kTokenType = "JWT";
inline constexpr std::string_view kIdTokenAudience = "oqs-search";
inline constexpr std::string_view kAccessTokenAudience = "oqs-access";

struct TokenOptions {
  std::int64_t id_token_lifetime_seconds = 5 * 60;
  std::int64_t access_token_lifetime_seconds = 5 * 60;
  // Tolerated clock difference between the server processes that issue and
  // verify, applied to both exp and iat.
  std::int64_t clock_skew_seconds = 30;
};

struct LoginTokens {
  std::string access_token;
  std::string id_token;
  std::time_t id_token_expires_at = 0;
};

struct TokenClaims {
  MedicalInstitutionCode subject;  // the facility the token was issued to
  std::string audience;
  std::time_t issued_at = 0;
  std::time_t expires_at = 0;
  std::string token_id;  // jti: 128 random bits, base64url
};

// Why a token was refused. Each maps to one thing the caller can do: log in
// again (kExpired), fix its clock (kNotYetValid), or stop (the rest).
enum class TokenFailure {
  kNone,
  kMalformed,      // not three base64url parts, bad JSON, alg ≠ ES256, missing claims, bad sub
  kWrongType,      // header typ ≠ "JWT" (e.g. an answer proof presented as a token)
  kBadSignature,   // signature does not verify, or "kid" names another key
  kWrongIssuer,    // iss ≠ "onshi"
  kWrongAudience,  // e.g. an accessToken presented to search
  kExpired,        // now ≥ exp + skew
  kNotYetValid,    // iat > now + skew
};

// "malformed", "bad signature", …
std::string_view TokenFailureName(TokenFailure failure);

struct TokenVerification {
  std::optional<TokenClaims> claims;  // present iff the token is valid
  TokenFailure failure = TokenFailure::kNone;
  std::string detail;  // for logs: which part failed and why

  bool ok() const { return claims.has_value(); }
  // As an onshi::Error on field "idToken", for adapters.
  Error ToError() const;
};

// Verifies with the public key alone (any process that has the JWK can).
TokenVerification VerifyToken(std::string_view token, const Es256PublicKey& key, std::time_t now,
                              std::string_view audience = kIdTokenAudience,
                              std::int64_t clock_skew_seconds = TokenOptions{}.clock_skew_seconds);

// Issues and verifies tokens with one service key, held in memory.
// Thread-safe: all methods are const.
class TokenService {
 public:
  explicit TokenService(Es256SigningKey key, TokenOptions options = {})
      : key_(std::move(key)), options_(options) {}

  // The three tokens of a successful login by `facility`.
  LoginTokens IssueLogin(const MedicalInstitutionCode& facility, std::time_t now) const;

  // One token for `audience` valid for [now, now + lifetime_seconds).
  std::string Issue(const MedicalInstitutionCode& facility, std::string_view audience,
                    std::int64_t lifetime_seconds, std::time_t now) const;

  TokenVerification Verify(std::string_view token, std::time_t now,
                           std::string_view audience = kIdTokenAudience) const {
    return VerifyToken(token, key_.public_key(), now, audience, options_.clock_skew_seconds);
  }

  const Es256SigningKey& key() const { return key_; }
  const TokenOptions& options() const { return options_; }

 private:
  Es256SigningKey key_;
  TokenOptions options_;
};

}  // namespace onshi::auth

#endif  // ONSHI_AUTH_TOKEN_HPP_
