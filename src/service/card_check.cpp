#include "service/card_check.hpp"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <stdexcept>

#include "auth/es256_key.hpp"
#include "auth/reader_key.hpp"
#include "jpki/certificate_fingerprint.hpp"
#include "service/clock.hpp"
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

// The challenge, redeemed first, so even a failed attempt uses it up.
std::optional<Error> RedeemChallenge(ChallengeBook& challenges,
                                     const std::vector<uint8_t>& challenge,
                                     std::string_view audience, std::time_t now) {
  if (challenge.empty()) return Fail("challenge", "a challenge is required");
  if (!challenges.Redeem(challenge, audience, now)) {
    return Fail("challenge", "unknown, expired or already used challenge");
  }
  return std::nullopt;
}

// Proof that the card is here and unlocked.
std::optional<Error> ProofOfPossession(ChallengeBook& challenges, const std::vector<uint8_t>& der,
                                       const std::vector<uint8_t>& challenge,
                                       const std::vector<uint8_t>& signature,
                                       std::string_view audience, std::time_t now) {
  if (auto e = RedeemChallenge(challenges, challenge, audience, now)) return e;
  if (!SignatureValid(der, SignedMessage(audience, challenge), signature)) {
    return Fail("signature", "the card's signature over the challenge does not verify");
  }
  return std::nullopt;
}

std::string_view AsText(const std::vector<uint8_t>& bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// Proof that one of the facility's own card readers, not revoked, signed
// this (already redeemed) challenge for this card in this mode.
std::optional<Error> ReaderProof(store::Store& store, std::string_view facility,
                                 std::string_view mode, const std::vector<uint8_t>& challenge,
                                 const std::vector<uint8_t>& der, const std::string& reader_id,
                                 const std::vector<uint8_t>& signature) {
  if (reader_id.empty() || signature.empty()) {
    return Fail("reader",
                "a face or 目視 check must be signed by the facility's registered card reader "
                "(\"reader\" and \"readerSignature\")");
  }
  const std::optional<store::ReaderRecord> reader = store.GetReader(reader_id);
  if (!reader) return Fail("reader", "no card reader is registered with this id");
  if (reader->facility_code != facility) {
    return Fail("reader", "this card reader is registered to another facility");
  }
  if (reader->revoked_at) return Fail("reader", "this card reader was revoked");
  auto key = auth::Es256PublicKey::FromJwk(reader->public_jwk);
  if (!key.ok()) return Fail("reader", "the card reader's registered key cannot be read");
  if (!auth::VerifyReaderProof(*key, facility, mode, AsText(challenge), AsText(der),
                               AsText(signature))) {
    return Fail("readerSignature",
                "the card reader's signature over the challenge, certificate, mode and facility "
                "does not verify");
  }
  return std::nullopt;
}

// The card and its holder, by certificate serial only — and only with the
// very certificate the window issued to that card (pinned by its SHA-256):
// a certificate minted with a leaked CA key under the same serial chains and
// verifies, but is not the pinned one (issue 15).
Expected<AuthenticatedCard> Holder(store::Store& store, const std::string& serial,
                                   const std::vector<uint8_t>& der) {
  std::optional<store::CardRecord> card = store.FindCardByCertSerial(serial);
  if (!card) return Fail("certificate", "no card is registered with this certificate");
  if (card->cert_fingerprint.empty()) {
    return Fail("certificate",
                "the card's certificate was issued before certificates were pinned; the "
                "municipal window must pin it first (onshi card pin-certificates)");
  }
  if (card->cert_fingerprint != jpki::CertificateFingerprint(der)) {
    return Fail("certificate",
                "not the certificate issued to the card with this serial (refused: a certificate "
                "is accepted only if it is the one the window issued)");
  }
  std::optional<store::PersonRecord> person = store.GetPerson(card->person_id);
  if (!person) return Fail("certificate", "the card's holder is unknown");
  return AuthenticatedCard{std::move(*card), std::move(*person)};
}

// A login needs a card usable today: beyond the R-CARD-4 grace (or
// suspended, revoked) it logs in nowhere, and its holder is told to renew.
std::optional<Error> UsableForLogin(const AuthenticatedCard& a, std::time_t now) {
  const Date today = JstDate(now);
  const CardUsability u = EvaluateCardForInsurance(store::CardFactsOf(a.card, a.person.birth_date),
                                                   today, IdentityCheck::kVisual);
  if (u.usable()) return std::nullopt;
  switch (u.status) {
    case CardStatus::kCertificateExpired:
    case CardStatus::kCardExpired:
      return Fail("certificate",
                  "the card's certificate expired on " + u.certificate_expiry.ToIso() +
                      (u.grace_end ? " and its 3-month grace ended on " + u.grace_end->ToIso()
                                   : std::string()) +
                      " (R-CARD-4): renew it at the municipal window");
    case CardStatus::kSuspended:
      return Fail("certificate", "the card is suspended (R-CARD-6)");
    default:
      return Fail("certificate", "the card cannot be used today");
  }
}

}  // namespace

std::string_view IdentityCheckName(IdentityCheck method) {
  switch (method) {
    case IdentityCheck::kPin:
      return "pin";
    case IdentityCheck::kFaceRecognition:
      return "face";
    case IdentityCheck::kVisual:
      return "visual";
  }
  return "";
}

Expected<AuthenticatedCard> AuthenticateCard(store::Store& store, const jpki::JpkiCa& ca,
                                             ChallengeBook& challenges,
                                             const std::vector<uint8_t>& der,
                                             const std::vector<uint8_t>& challenge,
                                             const std::vector<uint8_t>& signature,
                                             std::string_view audience, std::time_t now) {
  auto serial = TrustedSerial(ca, der, now);
  if (!serial.ok()) return serial.error();
  if (auto e = ProofOfPossession(challenges, der, challenge, signature, audience, now)) return *e;
  auto holder = Holder(store, *serial, der);
  if (!holder.ok()) return holder.error();
  if (auto e = UsableForLogin(*holder, now)) return *e;
  return holder;
}

Expected<AuthenticatedCard> AuthenticateCardByReader(
    store::Store& store, const jpki::JpkiCa& ca, ChallengeBook& challenges,
    const std::vector<uint8_t>& der, const std::vector<uint8_t>& challenge,
    std::string_view facility, const std::string& reader_id,
    const std::vector<uint8_t>& reader_signature, std::time_t now) {
  auto serial = TrustedSerial(ca, der, now);
  if (!serial.ok()) return serial.error();
  if (auto e = RedeemChallenge(challenges, challenge, facility, now)) return *e;
  if (auto e = ReaderProof(store, facility, kReaderRegistrationMode, challenge, der, reader_id,
                           reader_signature)) {
    return *e;
  }
  auto holder = Holder(store, *serial, der);
  if (!holder.ok()) return holder.error();
  if (auto e = UsableForLogin(*holder, now)) return *e;
  return holder;
}

Expected<CardCheckResult> CheckCard(store::Store& store, const jpki::JpkiCa& ca,
                                    ChallengeBook& challenges, const CardCheckRequest& r,
                                    std::time_t now, Date today) {
  bool revoked = false;
  auto serial = TrustedSerial(ca, r.certificate_der, now, &revoked);
  if (!serial.ok()) return serial.error();
  if (r.method == IdentityCheck::kPin) {
    if (auto e = ProofOfPossession(challenges, r.certificate_der, r.challenge, r.signature,
                                   r.facility, now)) {
      return *e;
    }
  } else if (auto e = RedeemChallenge(challenges, r.challenge, r.facility, now)) {
    return *e;
  }
  // Face and 目視 (R-FAC-2, R-FAC-3): the card cannot sign, so the reader
  // must; in PIN mode its proof is checked when sent.
  const bool reader_sent = !r.reader_id.empty() || !r.reader_signature.empty();
  if (r.method != IdentityCheck::kPin || reader_sent) {
    if (auto e = ReaderProof(store, r.facility, IdentityCheckName(r.method), r.challenge,
                             r.certificate_der, r.reader_id, r.reader_signature)) {
      return *e;
    }
  }
  auto holder = Holder(store, *serial, r.certificate_der);
  if (!holder.ok()) return holder.error();
  const store::CardRecord& card = holder->card;

  CardCheckResult out;
  out.person_id = card.person_id;
  out.cert_serial = *serial;
  if (r.method != IdentityCheck::kPin || reader_sent) out.reader_id = r.reader_id;
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
