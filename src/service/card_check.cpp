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

Expected<CardCheckResult> CheckCard(store::Store& store, const jpki::JpkiCa& ca,
                                    ChallengeBook& challenges, const CardCheckRequest& r,
                                    std::time_t now, Date today) {
  // The certificate: our CA, not revoked; an expired one goes on to the
  // core, which knows the grace (R-CARD-4).
  std::string serial;
  auto verified = ca.Verify(r.certificate_der, now);
  if (verified.ok()) {
    serial = verified->serial_hex;
  } else if (verified.error().failure == jpki::VerifyFailure::kExpired &&
             verified.error().expired) {
    serial = verified.error().expired->serial_hex;
  } else if (verified.error().failure == jpki::VerifyFailure::kRevoked) {
    return Fail("certificate",
                "the card's certificate is revoked (card suspended, lost or reissued; R-CARD-6)");
  } else {
    return Fail("certificate", verified.error().error.message);
  }

  // Proof that the card is here and unlocked (PIN mode). The challenge is
  // redeemed first, so even a failed attempt uses it up.
  if (r.method == IdentityCheck::kPin) {
    if (r.challenge.empty()) return Fail("challenge", "PIN mode needs a challenge");
    if (!challenges.Redeem(r.challenge, r.facility, now)) {
      return Fail("challenge", "unknown, expired or already used challenge");
    }
    if (!SignatureValid(r.certificate_der, SignedMessage(r.facility, r.challenge), r.signature)) {
      return Fail("signature", "the card's signature over the challenge does not verify");
    }
  }

  // The person, by certificate serial only.
  std::optional<store::CardRecord> card = store.FindCardByCertSerial(serial);
  if (!card) return Fail("certificate", "no card is registered with this certificate");
  std::optional<store::PersonRecord> person = store.GetPerson(card->person_id);
  if (!person) return Fail("certificate", "the card's holder is unknown");

  CardCheckResult out;
  out.person_id = card->person_id;
  out.cert_serial = serial;
  out.usability =
      EvaluateCardForInsurance(store::CardFactsOf(*card, person->birth_date), today, r.method);
  const bool registered =
      card->insurance_registered_on.has_value() && *card->insurance_registered_on <= today;
  out.records = store.QualificationsOfPerson(card->person_id);
  out.decision = DecideByPerson(ToCardIdentity(out.usability, registered), out.records,
                                r.confirmation_date, today);
  return out;
}

}  // namespace onshi::service
