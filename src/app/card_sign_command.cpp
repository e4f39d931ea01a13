// `onshi card sign`: what a card reader does with a My Number card for a
// check or a portal login — read the 利用者証明用電子証明書 (no PIN), VERIFY
// the PIN, have the card sign DigestInfo(SHA-256(SignedMessage(audience,
// challenge))) — on a card file, so the card protocol
// (docs/card-protocol.md) can be tried with curl:
//
//   onshi card sign --card demo/onshi.db.cards/card-1.card
//     --issuer-key demo/onshi.db.card-issuer.key --pin 1234
//     --audience 1310000011 --challenge <base64url from /oqs-api-pro/card/challenge>
//
// prints {"certificate":"…","challenge":"…","signature":"…"}, the members
// /oqs-api-pro/card/search (with "mode":"pin") and the portal's login take.
// The card counts a wrong PIN as a real one would: exit 4 with the tries left.
#include <openssl/sha.h>

#include <array>
#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "app/card_command.hpp"
#include "app/exit_codes.hpp"
#include "auth/base64url.hpp"
#include "card/card.hpp"
#include "card/issuer_key.hpp"
#include "reader/jpki_reader_session.hpp"
#include "service/card_check.hpp"

namespace onshi::app {
namespace {

std::string B64(const std::vector<uint8_t>& bytes) {
  return auth::Base64UrlEncode(
      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

}  // namespace

int CardSignCommand(const Args& args) {
  for (const char* required : {"card", "issuer-key", "pin", "audience", "challenge"}) {
    if (!args.Has(required)) {
      throw std::invalid_argument(std::string("card sign needs --") + required);
    }
  }
  const std::string audience = args.Get("audience");
  if (audience != "portal" &&
      (audience.size() != 10 || audience.find_first_not_of("0123456789") != std::string::npos)) {
    throw std::invalid_argument("--audience must be the 10-digit 医療機関コード or portal");
  }
  const auto challenge = auth::Base64UrlDecode(args.Get("challenge"));
  if (!challenge || challenge->empty()) {
    throw std::invalid_argument("--challenge must be the base64url challenge the service gave");
  }
  const std::string key_path = args.Get("issuer-key");
  if (!std::filesystem::exists(key_path)) {
    throw BadInput("--issuer-key: no such file: " + key_path);
  }
  auto key = card::IssuerKey::LoadOrCreate(key_path);
  if (!key.ok()) throw BadInput("--issuer-key: " + key.error().ToString());
  auto opened = card::Card::Open(args.Get("card"), *key);
  if (!opened.ok()) throw BadInput("--card: " + opened.error().ToString());

  reader::JpkiReaderSession session(
      [&](const reader::Bytes& c) -> Expected<reader::Bytes> { return opened->Transmit(c); });
  if (auto e = session.SelectJpki()) throw Refused("the card's JPKI AP: " + e->ToString());
  auto cert = session.ReadAuthCertificate();
  if (!cert.ok()) throw Refused("the card's certificate: " + cert.error().ToString());
  auto pin = session.VerifyPin(args.Get("pin"));
  if (!pin.ok()) throw Refused("VERIFY: " + pin.error().ToString());
  if (!pin->verified) {
    throw Refused(pin->blocked ? "the PIN is locked: the municipal window resets it"
                               : "wrong PIN; " + std::to_string(pin->tries_left) + " tries left");
  }
  const std::vector<uint8_t> message =
      service::SignedMessage(audience, std::vector<uint8_t>(challenge->begin(), challenge->end()));
  std::array<uint8_t, 32> digest;
  SHA256(message.data(), message.size(), digest.data());
  auto signature = session.SignDigestInfo(reader::Sha256DigestInfo(digest));
  if (!signature.ok()) throw Refused("SIGN: " + signature.error().ToString());
  std::cout << "{\"certificate\":\"" << B64(*cert) << "\",\"challenge\":\"" << args.Get("challenge")
            << "\",\"signature\":\"" << B64(*signature) << "\"}\n";
  return kExitOk;
}

}  // namespace onshi::app
