// What a card holder's terminal sends to prove possession of a My Number
// card: the card's user-authentication certificate, the service's challenge,
// and the card's signature over SignedMessage(audience, challenge), made
// after the PIN — through the same reader session code that drives a PC/SC
// reader, talking to the card file directly.
#ifndef ONSHI_TESTS_APP_CARD_PROOF_HPP_
#define ONSHI_TESTS_APP_CARD_PROOF_HPP_

#include <gtest/gtest.h>
#include <openssl/sha.h>

#include <array>
#include <string>
#include <vector>

#include "auth/base64url.hpp"
#include "card/card.hpp"
#include "card/issuer_key.hpp"
#include "reader/jpki_reader_session.hpp"
#include "service/card_check.hpp"

namespace onshi::testing {

// The JSON members "certificate", "challenge" and "signature" (the
// signature is empty when the PIN is refused).
inline std::string CardProof(const std::string& card_path, const std::string& issuer_key_path,
                             const std::string& pin, const std::string& audience,
                             const std::string& challenge) {
  auto key = card::IssuerKey::LoadOrCreate(issuer_key_path);
  EXPECT_TRUE(key.ok());
  auto opened = card::Card::Open(card_path, *key);
  EXPECT_TRUE(opened.ok()) << (opened.ok() ? "" : opened.error().ToString());
  if (!opened.ok()) return "";
  reader::JpkiReaderSession session(
      [&](const reader::Bytes& c) -> Expected<reader::Bytes> { return opened->Transmit(c); });
  EXPECT_FALSE(session.SelectJpki().has_value());
  auto cert = session.ReadAuthCertificate();
  EXPECT_TRUE(cert.ok());
  const std::string raw = auth::Base64UrlDecode(challenge).value_or("");
  const std::vector<uint8_t> m =
      service::SignedMessage(audience, std::vector<uint8_t>(raw.begin(), raw.end()));
  std::array<uint8_t, 32> digest;
  SHA256(m.data(), m.size(), digest.data());
  std::string signature;
  if (auto v = session.VerifyPin(pin); v.ok() && v->verified) {
    auto sig = session.SignDigestInfo(reader::Sha256DigestInfo(digest));
    EXPECT_TRUE(sig.ok());
    signature = auth::Base64UrlEncode(
        std::string_view(reinterpret_cast<const char*>(sig->data()), sig->size()));
  }
  return "\"certificate\":\"" +
         auth::Base64UrlEncode(
             std::string_view(reinterpret_cast<const char*>(cert->data()), cert->size())) +
         "\",\"challenge\":\"" + challenge + "\",\"signature\":\"" + signature + "\"";
}

}  // namespace onshi::testing

#endif  // ONSHI_TESTS_APP_CARD_PROOF_HPP_
