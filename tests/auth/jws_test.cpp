// Tests for the detached JWS proof-of-check over response bodies.
#include <gtest/gtest.h>

#include <cstdlib>
#include <regex>
#include <string>

#include "auth/base64url.hpp"
#include "auth/jws.hpp"

namespace onshi::auth {
namespace {

Es256SigningKey NewKey() {
  auto key = Es256SigningKey::Generate();
  if (!key.ok()) std::abort();
  return std::move(key).value();
}

// A response body as OQS §4.4 shows it, with a kanji name for non-ASCII bytes.
const std::string kBody =
    R"({"XmlMsg":{"MessageHeader":{"ProcessExecutionTime":"20250401093012",)"
    R"("QualificationConfirmationDate":"20250401","MedicalInstitutionCode":"0110113719",)"
    R"("ReferenceClassification":"2","SegmentOfResult":"1","CharacterCodeIdentifier":"0"},)"
    R"("MessageBody":{"ProcessingResultStatus":"1","QualificationValidity":"4","Name":"試験　花子"}}})";

TEST(DetachedJwsTest, RoundTripsAndHasTheDetachedShape) {
  const DetachedSigner signer(NewKey());
  const std::string jws = signer.Sign(kBody);
  EXPECT_TRUE(std::regex_match(jws, std::regex("[A-Za-z0-9_-]+\\.\\.[A-Za-z0-9_-]+"))) << jws;
  EXPECT_EQ(Base64UrlDecode(jws.substr(0, jws.find('.'))),
            R"({"alg":"ES256","kid":")" + signer.key().key_id() + R"(","typ":"oqs-proof"})");
  std::string why;
  EXPECT_TRUE(VerifyDetached(jws, kBody, signer.key().public_key(), &why)) << why;
}

TEST(DetachedJwsTest, AnyOneByteChangeInTheBodyFails) {
  const DetachedSigner signer(NewKey());
  const std::string jws = signer.Sign(kBody);
  for (size_t i = 0; i < kBody.size(); ++i) {
    std::string changed = kBody;
    changed[i] = static_cast<char>(changed[i] ^ 0x01);
    ASSERT_FALSE(VerifyDetached(jws, changed, signer.key().public_key())) << "byte " << i;
  }
  EXPECT_FALSE(VerifyDetached(jws, kBody + " ", signer.key().public_key()));
  EXPECT_FALSE(VerifyDetached(jws, kBody.substr(1), signer.key().public_key()));
}

TEST(DetachedJwsTest, VerifiesWithTheJwkAndRejectsOtherKeys) {
  const DetachedSigner signer(NewKey());
  const std::string jws = signer.Sign(kBody);
  const auto pub = Es256PublicKey::FromJwk(signer.key().public_key().jwk());
  ASSERT_TRUE(pub.ok());
  EXPECT_TRUE(VerifyDetached(jws, kBody, *pub));
  std::string why;
  EXPECT_FALSE(VerifyDetached(jws, kBody, NewKey().public_key(), &why));
  EXPECT_NE(why.find("another key"), std::string::npos) << why;
}

TEST(DetachedJwsTest, EmptyBodyIsSignable) {
  const DetachedSigner signer(NewKey());
  EXPECT_TRUE(VerifyDetached(signer.Sign(""), "", signer.key().public_key()));
  EXPECT_FALSE(VerifyDetached(signer.Sign(""), "x", signer.key().public_key()));
}

TEST(DetachedJwsTest, MalformedAndAlteredProofsFail) {
  const DetachedSigner signer(NewKey());
  const Es256PublicKey& pub = signer.key().public_key();
  const std::string jws = signer.Sign(kBody);
  const std::string header = jws.substr(0, jws.find('.'));
  const std::string sig = jws.substr(jws.rfind('.') + 1);
  // The attached form (payload present) is not a detached proof.
  EXPECT_FALSE(VerifyDetached(header + "." + Base64UrlEncode(kBody) + "." + sig, kBody, pub));
  // A header changed to another typ no longer matches the signature.
  const std::string other_typ =
      Base64UrlEncode(R"({"alg":"ES256","kid":")" + signer.key().key_id() + R"(","typ":"JWT"})");
  EXPECT_FALSE(VerifyDetached(other_typ + ".." + sig, kBody, pub));
  std::string flipped = jws;
  flipped[jws.rfind('.') + 3] = flipped[jws.rfind('.') + 3] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(VerifyDetached(flipped, kBody, pub));
  for (const std::string& bad : {std::string(), std::string(".."), std::string("a..b"),
                                 header + "..", ".." + sig, header + "..." + sig}) {
    EXPECT_FALSE(VerifyDetached(bad, kBody, pub)) << bad;
  }
}

}  // namespace
}  // namespace onshi::auth
