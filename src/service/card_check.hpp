// CardCheck: 資格確認 by My Number card (照会区分 1) — the reader at the
// facility presents the card's user-authentication certificate and, in PIN
// mode, the card's signature over a fresh challenge from the service.
//
// The public OQS material does not say what the reader sends (card-and-
// identifiers.md §5), so this is onshi's own protocol, built on what the
// card can do (JPKI: READ BINARY of the certificate without PIN; a PKCS#1
// v1.5 signature over a DigestInfo after VERIFY):
//   1. the facility asks for a challenge: 32 random bytes, single use, bound
//      to the facility, valid kChallengeSeconds;
//   2. the patient enters the PIN; the reader has the card sign
//      DigestInfo(SHA-256(SignedMessage(facility, challenge)));
//   3. the service verifies the certificate (chain, validity, revocation —
//      an expired one is passed on so the core can apply the 3-month grace,
//      R-CARD-4), the signature, and redeems the challenge (a replay fails),
//      then finds the card by the certificate serial — never by My Number —
//      and decides with the core's DecideByPerson.
// In face-recognition or visual mode (R-FAC-2) the card is not unlocked and
// cannot sign: the reader vouches for the match, and only the certificate is
// checked. The facility is authenticated by its token either way.
//
// Challenges live in this process: a deployment with several servers must
// route a reader's two calls to the same one (or share the book; not yet).
#ifndef ONSHI_SERVICE_CARD_CHECK_HPP_
#define ONSHI_SERVICE_CARD_CHECK_HPP_

#include <cstdint>
#include <ctime>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "core/card_validity.hpp"
#include "core/eligibility.hpp"
#include "core/expected.hpp"
#include "jpki/jpki_ca.hpp"
#include "store/store.hpp"

namespace onshi::service {

constexpr int kChallengeSeconds = 120;

// Single-use challenges. Thread-safe.
class ChallengeBook {
 public:
  // A fresh challenge (32 random bytes) for `facility`.
  std::vector<uint8_t> Issue(std::string_view facility, std::time_t now);
  // True exactly once for a challenge issued to `facility` and not expired.
  bool Redeem(const std::vector<uint8_t>& challenge, std::string_view facility, std::time_t now);

 private:
  struct Entry {
    std::string facility;
    std::time_t expires = 0;
  };
  void Sweep(std::time_t now);  // drops expired entries; mu_ held
  std::mutex mu_;
  std::map<std::vector<uint8_t>, Entry> open_;
};

// The bytes the card signs (through SHA-256 and a DigestInfo): a label, the
// facility code and the challenge, so a signature made for one facility or
// one check is worth nothing for another.
std::vector<uint8_t> SignedMessage(std::string_view facility,
                                   const std::vector<uint8_t>& challenge);

// A card that proved itself: its certificate chains to the JPKI CA and is not
// revoked (an expired one is allowed through: the callers' rules decide),
// and it signed SignedMessage(audience, challenge) after its PIN was
// entered, with a challenge issued to `audience` and not used before.
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

struct CardCheckRequest {
  std::string facility;  // 医療機関コード, from the token
  std::vector<uint8_t> certificate_der;
  IdentityCheck method = IdentityCheck::kPin;
  std::vector<uint8_t> challenge;  // PIN mode
  std::vector<uint8_t> signature;  // PIN mode: PKCS#1 v1.5 over SHA-256(SignedMessage)
  Date confirmation_date;
};

struct CardCheckResult {
  int64_t person_id = 0;
  std::string cert_serial;
  CardUsability usability{};
  std::vector<Qualification> records;  // the person's qualifications (decision points here)
  EligibilityDecision decision;
};

// Fails with Error{field, message} for a request that identifies no card:
// field "certificate" (malformed, other CA, revoked, unknown serial),
// "signature" (bad or missing), "challenge" (unknown, expired, replayed).
Expected<CardCheckResult> CheckCard(store::Store& store, const jpki::JpkiCa& ca,
                                    ChallengeBook& challenges, const CardCheckRequest& request,
                                    std::time_t now, Date today);

}  // namespace onshi::service

#endif  // ONSHI_SERVICE_CARD_CHECK_HPP_
