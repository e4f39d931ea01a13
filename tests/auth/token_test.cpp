// Tests for the login tokens (idToken, accessToken; no refreshToken, issue 19).
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "auth/base64url.hpp"
#include "auth/batch_proof.hpp"
#include "auth/flat_json.hpp"
#include "auth/token.hpp"

namespace onshi::auth {
namespace {

constexpr std::time_t kNow = 1743467412;  // 2025-04-01 00:30:12 UTC

MedicalInstitutionCode Code(std::string_view digits) {
  auto c = MedicalInstitutionCode::Parse(digits);
  if (!c.ok()) std::abort();
  return std::move(c).value();
}

Es256SigningKey NewKey() {
  auto key = Es256SigningKey::Generate();
  if (!key.ok()) std::abort();
  return std::move(key).value();
}

// A token with arbitrary header and claims, signed by `key`: the claims a
// correct issuer would never produce, with a valid signature.
std::string Forge(const Es256SigningKey& key, const std::string& header,
                  const std::string& claims) {
  const std::string input = Base64UrlEncode(header) + "." + Base64UrlEncode(claims);
  return input + "." + Base64UrlEncode(key.Sign(input));
}

std::string Header(const Es256SigningKey& key) {
  return FlatJsonWriter().Add("alg", "ES256").Add("typ", "JWT").Add("kid", key.key_id()).Finish();
}

class TokenTest : public ::testing::Test {
 protected:
  TokenTest() : service_(NewKey()) {}
  TokenFailure FailureOf(std::string_view token, std::time_t now = kNow) const {
    return service_.Verify(token, now).failure;
  }

  TokenService service_;
  const MedicalInstitutionCode code_ = Code("0110113719");
};

TEST_F(TokenTest, IdTokenRoundTripsToTheFacilityCode) {
  const std::string token = service_.Issue(code_, kIdTokenAudience, 300, kNow);
  const TokenVerification v = service_.Verify(token, kNow + 10);
  ASSERT_TRUE(v.ok()) << v.ToError().ToString();
  EXPECT_EQ(v.claims->subject, code_);
  EXPECT_EQ(v.claims->audience, "oqs-search");
  EXPECT_EQ(v.claims->issued_at, kNow);
  EXPECT_EQ(v.claims->expires_at, kNow + 300);
  EXPECT_EQ(v.claims->token_id.size(), 22u);  // 128 bits, base64url
}

TEST_F(TokenTest, TokenIsCompactJwsWithTheDocumentedHeaderAndClaims) {
  const std::string token = service_.Issue(code_, kIdTokenAudience, 300, kNow);
  const size_t d1 = token.find('.'), d2 = token.rfind('.');
  ASSERT_NE(d1, d2);
  EXPECT_EQ(Base64UrlDecode(token.substr(0, d1)),
            R"({"alg":"ES256","typ":"JWT","kid":")" + service_.key().key_id() + R"("})");
  const auto claims = FlatJsonObject::Parse(*Base64UrlDecode(token.substr(d1 + 1, d2 - d1 - 1)));
  ASSERT_TRUE(claims.ok());
  EXPECT_EQ(claims->GetString("iss"), "onshi");
  EXPECT_EQ(claims->GetString("sub"), "0110113719");
  EXPECT_EQ(claims->GetString("aud"), "oqs-search");
  EXPECT_EQ(claims->GetInt("iat"), kNow);
  EXPECT_EQ(claims->GetInt("exp"), kNow + 300);
  EXPECT_EQ(Base64UrlDecode(token.substr(d2 + 1))->size(), 64u);
  EXPECT_EQ(token.find('='), std::string::npos);
}

TEST_F(TokenTest, LoginIssuesTwoTokensWithDistinctAudiences) {
  const LoginTokens t = service_.IssueLogin(code_, kNow);
  EXPECT_EQ(t.id_token_expires_at, kNow + 300);
  EXPECT_TRUE(service_.Verify(t.id_token, kNow).ok());
  // Only the idToken opens the search.
  EXPECT_EQ(FailureOf(t.access_token), TokenFailure::kWrongAudience);
  EXPECT_TRUE(service_.Verify(t.access_token, kNow, kAccessTokenAudience).ok());
  EXPECT_NE(t.id_token, service_.IssueLogin(code_, kNow).id_token);  // fresh jti
}

TEST_F(TokenTest, VerifiesWithThePublicJwkAlone) {
  const std::string token = service_.Issue(code_, kIdTokenAudience, 300, kNow);
  const auto pub = Es256PublicKey::FromJwk(service_.key().public_key().jwk());
  ASSERT_TRUE(pub.ok());
  EXPECT_TRUE(VerifyToken(token, *pub, kNow).ok());
}

TEST_F(TokenTest, TamperedPayloadFailsSignature) {
  const std::string token = service_.Issue(code_, kIdTokenAudience, 300, kNow);
  const size_t d1 = token.find('.'), d2 = token.rfind('.');
  // Same claims but another facility's code: the classic privilege swap.
  std::string claims = *Base64UrlDecode(token.substr(d1 + 1, d2 - d1 - 1));
  claims.replace(claims.find("0110113719"), 10, "2714206386");
  const std::string forged = token.substr(0, d1 + 1) + Base64UrlEncode(claims) + token.substr(d2);
  EXPECT_EQ(FailureOf(forged), TokenFailure::kBadSignature);
}

TEST_F(TokenTest, TamperedSignatureFails) {
  const std::string token = service_.Issue(code_, kIdTokenAudience, 300, kNow);
  const size_t sig = token.rfind('.') + 1;
  for (size_t at : {sig, sig + 20, token.size() - 2}) {
    std::string t = token;
    t[at] = t[at] == 'A' ? 'B' : 'A';
    EXPECT_EQ(FailureOf(t), TokenFailure::kBadSignature) << at;
  }
}

TEST_F(TokenTest, SignatureByAnotherKeyFails) {
  const Es256SigningKey other = NewKey();
  const std::string claims = FlatJsonWriter()
                                 .Add("iss", "onshi")
                                 .Add("sub", "0110113719")
                                 .Add("aud", "oqs-search")
                                 .Add("iat", kNow)
                                 .Add("exp", kNow + 300)
                                 .Add("jti", "x")
                                 .Finish();
  // Its own kid, and then our kid: both refused.
  EXPECT_EQ(FailureOf(Forge(other, Header(other), claims)), TokenFailure::kBadSignature);
  EXPECT_EQ(FailureOf(Forge(other, Header(service_.key()), claims)), TokenFailure::kBadSignature);
  // Sanity: the same claims signed by the service key pass.
  EXPECT_TRUE(service_.Verify(Forge(service_.key(), Header(service_.key()), claims), kNow).ok());
}

TEST_F(TokenTest, WrongAudienceAndIssuerAreNamed) {
  EXPECT_EQ(FailureOf(service_.Issue(code_, "oqs-other", 300, kNow)), TokenFailure::kWrongAudience);
  const std::string claims = FlatJsonWriter()
                                 .Add("iss", "someone-else")
                                 .Add("sub", "0110113719")
                                 .Add("aud", "oqs-search")
                                 .Add("iat", kNow)
                                 .Add("exp", kNow + 300)
                                 .Add("jti", "x")
                                 .Finish();
  EXPECT_EQ(FailureOf(Forge(service_.key(), Header(service_.key()), claims)),
            TokenFailure::kWrongIssuer);
}

// Issue 15 (low): a proof-of-check JWS presented as an idToken. Before the
// typ check, a proof made with the key that also signed tokens verified as
// a token. A batched proof ends in a complete compact JWS (its signed root):
// refused by its type, even under one key (the server also keeps the two
// keys apart: serve_command.cpp).
TEST_F(TokenTest, ProofSignatureReplayedAsTokenIsRefused) {
  const RootSigner prover(service_.key());
  MerkleHash root{};
  root.fill(0x42);
  const std::string signed_root = prover.Sign(root, 1, kNow);  // header.payload.signature
  const TokenVerification v = service_.Verify(signed_root, kNow);
  EXPECT_EQ(v.failure, TokenFailure::kWrongType) << v.detail;
  EXPECT_FALSE(v.ok());
}

TEST_F(TokenTest, TokenWithoutTypeIsRefused) {
  const std::string claims = FlatJsonWriter()
                                 .Add("iss", "onshi")
                                 .Add("sub", "0110113719")
                                 .Add("aud", "oqs-search")
                                 .Add("iat", kNow)
                                 .Add("exp", kNow + 300)
                                 .Add("jti", "x")
                                 .Finish();
  const std::string untyped =
      FlatJsonWriter().Add("alg", "ES256").Add("kid", service_.key().key_id()).Finish();
  EXPECT_EQ(FailureOf(Forge(service_.key(), untyped, claims)), TokenFailure::kWrongType);
  const std::string other_type = FlatJsonWriter()
                                     .Add("alg", "ES256")
                                     .Add("typ", "at+jwt")
                                     .Add("kid", service_.key().key_id())
                                     .Finish();
  EXPECT_EQ(FailureOf(Forge(service_.key(), other_type, claims)), TokenFailure::kWrongType);
}

TEST_F(TokenTest, ExpiryAndNotBeforeHonourTheClockSkew) {
  TokenOptions strict;
  strict.clock_skew_seconds = 0;
  const TokenService service(service_.key(), strict);
  const std::string token = service.Issue(code_, kIdTokenAudience, 300, kNow);
  EXPECT_TRUE(service.Verify(token, kNow + 299).ok());
  EXPECT_EQ(service.Verify(token, kNow + 300).failure, TokenFailure::kExpired);
  EXPECT_EQ(service.Verify(token, kNow + 86400).failure, TokenFailure::kExpired);
  EXPECT_EQ(service.Verify(token, kNow - 1).failure, TokenFailure::kNotYetValid);

  // Default skew of 30 s on both ends.
  EXPECT_TRUE(service_.Verify(token, kNow + 329).ok());
  EXPECT_EQ(FailureOf(token, kNow + 330), TokenFailure::kExpired);
  EXPECT_TRUE(service_.Verify(token, kNow - 30).ok());
  EXPECT_EQ(FailureOf(token, kNow - 31), TokenFailure::kNotYetValid);
  EXPECT_NE(service_.Verify(token, kNow + 330).ToError().ToString().find("idToken: expired"),
            std::string::npos);
}

TEST_F(TokenTest, GarbageIsMalformed) {
  const std::string token = service_.Issue(code_, kIdTokenAudience, 300, kNow);
  for (const std::string& bad :
       {std::string(), std::string("garbage"), std::string("a.b"), std::string("a.b.c"),
        std::string(".."), std::string("..."), token + ".", "Bearer " + token,
        token.substr(0, token.rfind('.')), token + "=", std::string("\xff\xfe.\x01.\x02")}) {
    EXPECT_EQ(FailureOf(bad), TokenFailure::kMalformed) << bad;
  }
}

TEST_F(TokenTest, AlgorithmIsNeverTakenFromTheToken) {
  const std::string claims = FlatJsonWriter()
                                 .Add("iss", "onshi")
                                 .Add("sub", "0110113719")
                                 .Add("aud", "oqs-search")
                                 .Add("iat", kNow)
                                 .Add("exp", kNow + 300)
                                 .Add("jti", "x")
                                 .Finish();
  const std::string unsigned_token =
      Base64UrlEncode(R"({"alg":"none"})") + "." + Base64UrlEncode(claims) + ".";
  EXPECT_EQ(FailureOf(unsigned_token), TokenFailure::kMalformed);
  EXPECT_EQ(FailureOf(Forge(service_.key(), R"({"alg":"HS256"})", claims)),
            TokenFailure::kMalformed);
  EXPECT_EQ(FailureOf(Forge(service_.key(), R"({"alg":"ES256","crit":"x"})", claims)),
            TokenFailure::kMalformed);
}

TEST_F(TokenTest, SignedButIncompleteOrInvalidClaimsAreMalformed) {
  auto claims = [](std::string_view sub, bool with_exp, bool duplicate_aud) {
    FlatJsonWriter w;
    w.Add("iss", "onshi").Add("sub", sub).Add("aud", "oqs-search").Add("iat", kNow);
    if (with_exp) w.Add("exp", kNow + 300);
    if (duplicate_aud) w.Add("aud", "oqs-search");
    return w.Add("jti", "x").Finish();
  };
  const std::string h = Header(service_.key());
  EXPECT_EQ(FailureOf(Forge(service_.key(), h, claims("0110113719", false, false))),
            TokenFailure::kMalformed);
  EXPECT_EQ(FailureOf(Forge(service_.key(), h, claims("0110113710", true, false))),
            TokenFailure::kMalformed);  // bad check digit
  EXPECT_EQ(FailureOf(Forge(service_.key(), h, claims("0110113719", true, true))),
            TokenFailure::kMalformed);
}

}  // namespace
}  // namespace onshi::auth
