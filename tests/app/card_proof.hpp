// What a card holder's terminal sends to prove possession of a My Number
// card: the card's user-authentication certificate, the service's challenge,
// and the card's signature over SignedMessage(audience, challenge), made
// after the PIN — through the same reader session code that drives a PC/SC
// reader, talking to the card file directly. In face and 目視 mode the card
// cannot sign; the facility's registered card reader does (ReaderProof).
#ifndef ONSHI_TESTS_APP_CARD_PROOF_HPP_
#define ONSHI_TESTS_APP_CARD_PROOF_HPP_

#include <gtest/gtest.h>
#include <openssl/sha.h>

#include <array>
#include <string>
#include <vector>

#include "auth/base64url.hpp"
#include "auth/reader_key.hpp"
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

// The card's certificate as base64url, read without the PIN as any reader
// (or anyone holding the card) can.
inline std::string CardCertificate(const std::string& card_path,
                                   const std::string& issuer_key_path) {
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
  return auth::Base64UrlEncode(
      std::string_view(reinterpret_cast<const char*>(cert->data()), cert->size()));
}

// The card reader's proof of a check (auth/reader_key.hpp): the JSON members
// "reader" and "readerSignature" for `mode` ("pin", "face", "visual"), over
// the challenge and certificate as sent (base64url).
inline std::string ReaderProof(const auth::ReaderKey& reader, const std::string& facility,
                               const std::string& mode, const std::string& challenge,
                               const std::string& certificate) {
  const std::string raw_challenge = auth::Base64UrlDecode(challenge).value_or("");
  const std::string der = auth::Base64UrlDecode(certificate).value_or("");
  auto signature = reader.Sign(facility, mode, raw_challenge, der);
  EXPECT_TRUE(signature.ok());
  return "\"reader\":\"" + reader.id() + "\",\"readerSignature\":\"" +
         (signature.ok() ? *signature : std::string()) + "\"";
}

}  // namespace onshi::testing

#endif  // ONSHI_TESTS_APP_CARD_PROOF_HPP_
