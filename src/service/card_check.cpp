#include "service/card_check.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <memory>
#include <stdexcept>

#include "store/card_facts.hpp"

namespace onshi::service {
namespace {

constexpr std::string_view kLabel = "onshi-card-auth/1";

Error Fail(std::string field, std::string message) {
  return Error{std::move(field), std::move(message)};
}

// Verifies an RSA PKCS#1 v1.5 SHA-256 signature over `message` with the
// certificate's public key.
bool SignatureValid(const std::vector<uint8_t>& der, const std::vector<uint8_t>& message,
                    const std::vector<uint8_t>& signature) {
  const unsigned char* p = der.data();
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      d2i_X509(nullptr, &p, static_cast<long>(der.size())), X509_free);
  if (!cert) return false;
  EVP_PKEY* key = X509_get0_pubkey(cert.get());
  if (!key) return false;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  return ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) == 1 &&
         EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(),
                          message.size()) == 1;
}

}  // namespace

std::vector<uint8_t> ChallengeBook::Issue(std::string_view facility, std::time_t now) {
  std::vector<uint8_t> c(32);
  if (RAND_bytes(c.data(), static_cast<int>(c.size())) != 1) {
    throw std::runtime_error("no randomness for a card challenge");
  }
  std::lock_guard<std::mutex> lock(mu_);
  Sweep(now);
  open_[c] = Entry{std::string(facility), now + kChallengeSeconds};
  return c;
}

bool ChallengeBook::Redeem(const std::vector<uint8_t>& challenge, std::string_view facility,
                           std::time_t now) {
  std::lock_guard<std::mutex> lock(mu_);
  Sweep(now);
  auto it = open_.find(challenge);
  if (it == open_.end() || it->second.facility != facility) return false;
  open_.erase(it);  // single use, even if the rest of the check fails
  return true;
}

void ChallengeBook::Sweep(std::time_t now) {
  for (auto it = open_.begin(); it != open_.end();) {
    it = it->second.expires < now ? open_.erase(it) : std::next(it);
  }
}

std::vector<uint8_t> SignedMessage(std::string_view facility,
                                   const std::vector<uint8_t>& challenge) {
  std::vector<uint8_t> m(kLabel.begin(), kLabel.end());
  m.push_back(0);
  m.insert(m.end(), facility.begin(), facility.end());
  m.push_back(0);
  m.insert(m.end(), challenge.begin(), challenge.end());
  return m;
}

namespace {

// The certificate's serial if it chains to the CA; an expired one goes on to
// the core, which knows the grace (R-CARD-4). A revoked one is refused
// unless `revoked` is given, which is then set: an eligibility check
// answers a suspended or lost card (R-CARD-6) with its state (資格情報なし
// and what to tell the patient, R-FAC-6) instead of refusing it.
Expected<std::string> TrustedSerial(const jpki::JpkiCa& ca, const std::vector<uint8_t>& der,
                                    std::time_t now, bool* revoked = nullptr) {
  auto verified = ca.Verify(der, now);
  if (verified.ok()) return verified->serial_hex;
  if (verified.error().failure == jpki::VerifyFailure::kExpired && verified.error().expired) {
    return verified.error().expired->serial_hex;
  }
  if (verified.error().failure == jpki::VerifyFailure::kRevoked) {
    if (revoked != nullptr && verified.error().expired) {
      *revoked = true;
      return verified.error().expired->serial_hex;
    }
    return Fail("certificate",
                "the card's certificate is revoked (card suspended, lost or reissued; R-CARD-6)");
  }
  return Fail("certificate", verified.error().error.message);
}

// Proof that the card is here and unlocked. The challenge is redeemed
// first, so even a failed attempt uses it up.
std::optional<Error> ProofOfPossession(ChallengeBook& challenges, const std::vector<uint8_t>& der,
                                       const std::vector<uint8_t>& challenge,
                                       const std::vector<uint8_t>& signature,
                                       std::string_view audience, std::time_t now) {
  if (challenge.empty()) return Fail("challenge", "a challenge is required");
  if (!challenges.Redeem(challenge, audience, now)) {
    return Fail("challenge", "unknown, expired or already used challenge");
  }
  if (!SignatureValid(der, SignedMessage(audience, challenge), signature)) {
    return Fail("signature", "the card's signature over the challenge does not verify");
  }
  return std::nullopt;
}

// The card and its holder, by certificate serial only.
Expected<AuthenticatedCard> Holder(store::Store& store, const std::string& serial) {
  std::optional<store::CardRecord> card = store.FindCardByCertSerial(serial);
  if (!card) return Fail("certificate", "no card is registered with this certificate");
  std::optional<store::PersonRecord> person = store.GetPerson(card->person_id);
  if (!person) return Fail("certificate", "the card's holder is unknown");
  return AuthenticatedCard{std::move(*card), std::move(*person)};
}

}  // namespace

Expected<AuthenticatedCard> AuthenticateCard(store::Store& store, const jpki::JpkiCa& ca,
                                             ChallengeBook& challenges,
                                             const std::vector<uint8_t>& der,
                                             const std::vector<uint8_t>& challenge,
                                             const std::vector<uint8_t>& signature,
                                             std::string_view audience, std::time_t now) {
  auto serial = TrustedSerial(ca, der, now);
  if (!serial.ok()) return serial.error();
  if (auto e = ProofOfPossession(challenges, der, challenge, signature, audience, now)) return *e;
  return Holder(store, *serial);
}

Expected<CardCheckResult> CheckCard(store::Store& store, const jpki::JpkiCa& ca,
                                    ChallengeBook& challenges, const CardCheckRequest& r,
                                    std::time_t now, Date today) {
  bool revoked = false;
  auto serial = TrustedSerial(ca, r.certificate_der, now, &revoked);
  if (!serial.ok()) return serial.error();
  // In face or visual mode (R-FAC-2) the card is not unlocked and cannot
  // sign; the reader vouches for the match.
  if (r.method == IdentityCheck::kPin) {
    if (auto e = ProofOfPossession(challenges, r.certificate_der, r.challenge, r.signature,
                                   r.facility, now)) {
      return *e;
    }
  }
  auto holder = Holder(store, *serial);
  if (!holder.ok()) return holder.error();
  const store::CardRecord& card = holder->card;

  CardCheckResult out;
  out.person_id = card.person_id;
  out.cert_serial = *serial;
  out.usability = EvaluateCardForInsurance(store::CardFactsOf(card, holder->person.birth_date),
                                           today, r.method);
  if (revoked && out.usability.usable()) {
    // The certificate was revoked although the card record does not say
    // why: never usable for insurance (R-CARD-6).
    out.usability.status = CardStatus::kRevoked;
    out.usability.clinical_info_sharing = false;
  }
  const bool registered =
      card.insurance_registered_on.has_value() && *card.insurance_registered_on <= today;
  out.records = store.QualificationsOfPerson(card.person_id);
  CardIdentity identity = ToCardIdentity(out.usability, registered);
  if (card.kind == store::CredentialKind::kSmartphone && !identity.blocked) {
    // R-CARD-8: like the card, but only from its start and only where the
    // facility has said its reader takes smartphones.
    const std::optional<store::FacilityRecord> facility = store.GetFacility(r.facility);
    if (!SmartphoneAccepted(today, facility && facility->smartphone_supported)) {
      identity.blocked = EligibilityReason::kSmartphoneNotAccepted;
    }
  }
  bool failed_filing = false;
  if (out.records.empty()) {
    // A form refused at reception (R-LINK-4) leaves no qualification, only
    // the submission under this person: say so (資格情報なし・登録エラー).
    for (const store::SubmissionRecord& f : store.SubmissionsOfPerson(card.person_id)) {
      failed_filing = failed_filing || f.state == LinkageState::kRegistrationError;
    }
  }
  out.decision = DecideByPerson(identity, out.records, r.confirmation_date, today, failed_filing);
  return out;
}

}  // namespace onshi::service
