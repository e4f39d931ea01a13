#include "auth/token.hpp"

#include <openssl/rand.h>

#include <stdexcept>

#include "auth/base64url.hpp"
#include "auth/flat_json.hpp"
#include "auth/openssl_util.hpp"

namespace onshi::auth {
namespace {

std::string RandomId() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    throw std::runtime_error(OpenSslError("cannot generate a token id"));
  }
  return Base64UrlEncode(std::string_view(reinterpret_cast<char*>(bytes), sizeof bytes));
}

TokenVerification Fail(TokenFailure failure, std::string detail) {
  TokenVerification v;
  v.failure = failure;
  v.detail = std::move(detail);
  return v;
}

}  // namespace

std::string_view TokenFailureName(TokenFailure failure) {
  switch (failure) {
    case TokenFailure::kNone:
      return "valid";
    case TokenFailure::kMalformed:
      return "malformed";
    case TokenFailure::kWrongType:
      return "wrong type";
    case TokenFailure::kBadSignature:
      return "bad signature";
    case TokenFailure::kWrongIssuer:
      return "wrong issuer";
    case TokenFailure::kWrongAudience:
      return "wrong audience";
    case TokenFailure::kExpired:
      return "expired";
    case TokenFailure::kNotYetValid:
      return "not yet valid";
  }
  return "unknown";
}

Error TokenVerification::ToError() const {
  return MakeError("idToken", std::string(TokenFailureName(failure)) + ": " + detail);
}

std::string TokenService::Issue(const MedicalInstitutionCode& facility, std::string_view audience,
                                std::int64_t lifetime_seconds, std::time_t now) const {
  const std::string header = FlatJsonWriter()
                                 .Add("alg", "ES256")
                                 .Add("typ", kTokenType)
                                 .Add("kid", key_.key_id())
                                 .Finish();
  const std::int64_t iat = static_cast<std::int64_t>(now);
  const std::string claims = FlatJsonWriter()
                                 .Add("iss", kTokenIssuer)
                                 .Add("sub", facility.digits())
                                 .Add("aud", audience)
                                 .Add("iat", iat)
                                 .Add("exp", iat + lifetime_seconds)
                                 .Add("jti", RandomId())
                                 .Finish();
  std::string input = Base64UrlEncode(header) + "." + Base64UrlEncode(claims);
  const std::string signature = key_.Sign(input);
  return input + "." + Base64UrlEncode(signature);
}

LoginTokens TokenService::IssueLogin(const MedicalInstitutionCode& facility,
                                     std::time_t now) const {
  LoginTokens t;
  t.access_token =
      Issue(facility, kAccessTokenAudience, options_.access_token_lifetime_seconds, now);
  t.id_token = Issue(facility, kIdTokenAudience, options_.id_token_lifetime_seconds, now);
  t.id_token_expires_at = now + static_cast<std::time_t>(options_.id_token_lifetime_seconds);
  return t;
}

TokenVerification VerifyToken(std::string_view token, const Es256PublicKey& key, std::time_t now,
                              std::string_view audience, std::int64_t clock_skew_seconds) {
  // Structure: exactly three base64url parts.
  const size_t dot1 = token.find('.');
  const size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return Fail(TokenFailure::kMalformed, "not a compact JWS (header.payload.signature)");
  }
  const std::string_view signing_input = token.substr(0, dot2);
  const auto header_json = Base64UrlDecode(token.substr(0, dot1));
  const auto payload_json = Base64UrlDecode(token.substr(dot1 + 1, dot2 - dot1 - 1));
  const auto signature = Base64UrlDecode(token.substr(dot2 + 1));
  if (!header_json || !payload_json || !signature) {
    return Fail(TokenFailure::kMalformed, "a part is not base64url");
  }

  // Header: the algorithm is fixed, never taken from the token ("alg":"none"
  // and algorithm-substitution attacks need a verifier that trusts it).
  auto header = FlatJsonObject::Parse(*header_json);
  if (!header.ok()) return Fail(TokenFailure::kMalformed, "header: " + header.error().message);
  if (header->GetString("alg") != "ES256") {
    return Fail(TokenFailure::kMalformed, "header alg must be \"ES256\"");
  }
  if (header->Has("crit")) {
    return Fail(TokenFailure::kMalformed, "header has critical extensions we do not understand");
  }
  // Explicit typing (RFC 8725 §3.11): another kind of JWS signed with a key
  // we trust, an answer proof above all, is not a token.
  if (const auto typ = header->GetString("typ"); typ != kTokenType) {
    return Fail(TokenFailure::kWrongType,
                "header typ must be \"JWT\", got " + (typ ? "\"" + *typ + "\"" : "none"));
  }
  if (const auto kid = header->GetString("kid"); kid && *kid != key.key_id()) {
    return Fail(TokenFailure::kBadSignature, "signed by another key (kid " + *kid + ")");
  }

  // Signature before any claim is believed.
  if (signature->size() != kEs256SignatureBytes) {
    return Fail(TokenFailure::kMalformed, "signature must be 64 bytes (R||S)");
  }
  if (!key.Verify(signing_input, *signature)) {
    return Fail(TokenFailure::kBadSignature, "signature does not verify");
  }

  auto claims = FlatJsonObject::Parse(*payload_json);
  if (!claims.ok()) return Fail(TokenFailure::kMalformed, "claims: " + claims.error().message);
  const auto iss = claims->GetString("iss");
  const auto sub = claims->GetString("sub");
  const auto aud = claims->GetString("aud");
  const auto iat = claims->GetInt("iat");
  const auto exp = claims->GetInt("exp");
  const auto jti = claims->GetString("jti");
  if (!iss || !sub || !aud || !iat || !exp || !jti || jti->empty()) {
    return Fail(TokenFailure::kMalformed, "claims iss, sub, aud, iat, exp and jti are required");
  }
  if (*iss != kTokenIssuer) return Fail(TokenFailure::kWrongIssuer, "issuer is \"" + *iss + "\"");
  if (*aud != audience) {
    return Fail(TokenFailure::kWrongAudience,
                "audience is \"" + *aud + "\", want \"" + std::string(audience) + "\"");
  }
  const std::int64_t t = static_cast<std::int64_t>(now);
  // Arithmetic on `t` (a real clock value), never on the claim: no overflow.
  if (t - clock_skew_seconds >= *exp) {
    return Fail(TokenFailure::kExpired, "expired at " + std::to_string(*exp));
  }
  if (*iat > t + clock_skew_seconds) {
    return Fail(TokenFailure::kNotYetValid, "issued in the future (" + std::to_string(*iat) + ")");
  }
  auto code = MedicalInstitutionCode::Parse(*sub);
  if (!code.ok()) return Fail(TokenFailure::kMalformed, "sub: " + code.error().message);

  TokenVerification v;
  v.claims = TokenClaims{std::move(code).value(), *aud, static_cast<std::time_t>(*iat),
                         static_cast<std::time_t>(*exp), *jti};
  return v;
}

}  // namespace onshi::auth
