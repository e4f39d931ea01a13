// CardCheck: 資格確認 by My Number card (照会区分 1) — the reader at the
// facility presents the card's user-authentication certificate and, in PIN
// mode, the card's signature over a fresh challenge from the service; in
// face and 目視 mode, the reader's own signature.
//
// The public OQS material does not say what the reader sends (card-and-
// identifiers.md §5), so this is onshi's own protocol, built on what the
// card can do (JPKI: READ BINARY of the certificate without PIN; a PKCS#1
// v1.5 signature over a DigestInfo after VERIFY):
//   1. the facility asks for a challenge: 32 random bytes, single use, bound
//      to the facility, valid kChallengeSeconds (challenge_book.hpp);
//   2. PIN mode: the patient enters the PIN; the reader has the card sign
//      DigestInfo(SHA-256(SignedMessage(facility, challenge)));
//      face/目視 mode (R-FAC-2, R-FAC-3): the card is not unlocked and cannot
//      sign, so the reader signs with its own registered key: the challenge,
//      the certificate's SHA-256, the mode and the facility
//      (auth/reader_key.hpp). A PIN-mode request may carry the reader's
//      proof too; it is verified when present;
//   3. the service verifies the certificate (chain, validity, revocation —
//      an expired one is passed on so the core can apply the 3-month grace,
//      R-CARD-4), redeems the challenge (a replay fails), checks the card's
//      or the reader's signature (a reader must be registered to the
//      token's facility and not revoked), then finds the card by the
//      certificate serial — never by My Number — accepting only the very
//      certificate the window issued to it (its pinned SHA-256, issue 15),
//      and decides with the core's DecideByPerson.
// The facility is authenticated by its token either way.
//
// Challenges live in this process: a deployment with several servers must
// route a reader's two calls to the same one (or share the book; not yet).
#ifndef ONSHI_SERVICE_CARD_CHECK_HPP_
#define ONSHI_SERVICE_CARD_CHECK_HPP_

#include <cstdint>
#include <ctime>
#include <string>
#include <vector>

#include "core/card_validity.hpp"
#include "core/eligibility.hpp"
#include "core/expected.hpp"
#include "jpki/jpki_ca.hpp"
#include "service/challenge_book.hpp"
#include "store/store.hpp"

namespace onshi::service {

// The bytes the card signs (through SHA-256 and a DigestInfo): a label, the
// facility code and the challenge, so a signature made for one facility or
// one check is worth nothing for another.
std::vector<uint8_t> SignedMessage(std::string_view facility,
                                   const std::vector<uint8_t>& challenge);

// The mode's name on the wire and in the reader's proof: "pin", "face",
// "visual".
std::string_view IdentityCheckName(IdentityCheck method);

// A card that proved itself: its certificate chains to the JPKI CA, is not
// revoked, is the one pinned for the card, and is usable today (an expired
// one only within the R-CARD-4 grace: beyond it, or on a suspended or
// revoked card, nobody logs in), and it signed SignedMessage(audience,
// challenge) after its PIN was entered, with a challenge issued to
// `audience` and not used before.
struct AuthenticatedCard {
  store::CardRecord card;
  store::PersonRecord person;
};

// Errors as CheckCard's. `audience` is a facility code, or "portal" for the
// person's own channels (マイナポータル, the ATM).
Expected<AuthenticatedCard> AuthenticateCard(store::Store& store, const jpki::JpkiCa& ca,
                                             ChallengeBook& challenges,
                                             const std::vector<uint8_t>& certificate_der,
                                             const std::vector<uint8_t>& challenge,
                                             const std::vector<uint8_t>& signature,
                                             std::string_view audience, std::time_t now);

// 利用登録 at the facility's reader (R-REG-3) by a card that cannot sign — a
// 顔認証マイナンバーカード, or any card after a face match: the facility's
// registered reader signs the challenge and the certificate with the mode
// kReaderRegistrationMode, meaning "this person matched the card's photo and
// asked to register". Otherwise as AuthenticateCard (pinned certificate,
// usable today); errors as CheckCard's reader errors.
inline constexpr std::string_view kReaderRegistrationMode = "register-face";
Expected<AuthenticatedCard> AuthenticateCardByReader(
    store::Store& store, const jpki::JpkiCa& ca, ChallengeBook& challenges,
    const std::vector<uint8_t>& certificate_der, const std::vector<uint8_t>& challenge,
    std::string_view facility, const std::string& reader_id,
    const std::vector<uint8_t>& reader_signature, std::time_t now);

struct CardCheckRequest {
  std::string facility;  // 医療機関コード, from the token
  std::vector<uint8_t> certificate_der;
  IdentityCheck method = IdentityCheck::kPin;
  std::vector<uint8_t> challenge;  // every mode
  std::vector<uint8_t> signature;  // PIN mode: PKCS#1 v1.5 over SHA-256(SignedMessage)
  // The card reader's proof (auth/reader_key.hpp): required in face and
  // 目視 mode, verified in PIN mode when present.
  std::string reader_id;
  std::vector<uint8_t> reader_signature;  // 64-byte ES256 R||S
  Date confirmation_date;
};

struct CardCheckResult {
  int64_t person_id = 0;
  std::string cert_serial;
  std::string reader_id;  // the reader whose proof was verified; "" if none
  CardUsability usability{};
  std::vector<Qualification> records;  // the person's qualifications (decision points here)
  EligibilityDecision decision;
};

// Fails with Error{field, message} for a request that identifies no card:
// field "certificate" (malformed, other CA, revoked, unknown serial, not the
// pinned certificate), "signature" (bad or missing), "challenge" (missing,
// unknown, expired, replayed), "reader" (no reader proof in face/目視 mode;
// unknown reader, another facility's, revoked) or "readerSignature" (does
// not verify). The reader is looked up in `store`.
Expected<CardCheckResult> CheckCard(store::Store& store, const jpki::JpkiCa& ca,
                                    ChallengeBook& challenges, const CardCheckRequest& request,
                                    std::time_t now, Date today);

}  // namespace onshi::service

#endif  // ONSHI_SERVICE_CARD_CHECK_HPP_
