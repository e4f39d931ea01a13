#include "core/card_validity.hpp"

#include <algorithm>
#include <string>

#include "core/birthdays.hpp"

namespace onshi {

Date AdultAgeReformDate() {
  return Date::FromYmd(2022, 4, 1);
}

int ShortValidityAgeLimit(Date application_received) {
  // R-CARD-2: the 成年年齢 dropped from 20 to 18 on 2022-04-01, and the card
  // rule follows the day J-LIS received the application, not the issue day.
  return application_received < AdultAgeReformDate() ? 20 : 18;
}

Date CardExpiry(const CardIssuance& card) {
  // R-CARD-2. Minors get 5 years because their face changes quickly.
  const bool minor =
      AgeOn(card.birth, card.issued) < ShortValidityAgeLimit(card.application_received);
  Date expiry = NthBirthdayAfter(card.birth, card.issued, minor ? 5 : 10);
  if (card.residence_period_end) expiry = std::min(expiry, *card.residence_period_end);
  return expiry;
}

Date CertificateExpiry(Date birth, Date certificate_issued, Date card_expiry) {
  // R-CARD-3: a certificate lives on the card's chip, so it cannot outlive it.
  return std::min(NthBirthdayAfter(birth, certificate_issued, 5), card_expiry);
}

Date InsuranceGraceStartDate() {
  return Date::FromYmd(2024, 12, 2);
}

std::optional<Date> InsuranceGraceEnd(Date expiry) {
  if (expiry < InsuranceGraceStartDate()) return std::nullopt;
  // R-CARD-4: "until the end of the 3rd month after the expiry month". Step
  // from the 1st so that a 31st never gets clamped into the wrong month.
  return Date::FromYmd(expiry.year(), expiry.month(), 1).AddMonths(3).LastDayOfMonth();
}

Date RenewalOpensOn(Date expiry) {
  return expiry.AddMonths(-3);
}

DateRange RenewalNoticePeriod(Date expiry) {
  return DateRange{expiry.AddMonths(-3), expiry.AddMonths(-2)};
}

std::optional<Error> CheckAuthPinFormat(std::string_view pin) {
  // R-CARD-5. The messages state the rule but never repeat the input: a PIN
  // must not end up in a log line or an error response.
  for (char c : pin) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      return MakeError("pin",
                       "must use half-width digits 0-9 (full-width characters are not accepted)");
    }
  }
  if (pin.size() != 4) {
    return MakeError("pin", "must be exactly 4 digits (got " + std::to_string(pin.size()) + ")");
  }
  for (char c : pin) {
    if (c < '0' || c > '9') return MakeError("pin", "must contain only the digits 0-9");
  }
  return std::nullopt;
}

PinCounter PinCounter::FromFailures(int consecutive_failures) {
  PinCounter counter;
  counter.failures_ = std::clamp(consecutive_failures, 0, kMaxConsecutiveFailures);
  return counter;
}

PinVerification PinCounter::Verify(bool correct) {
  // R-CARD-5: a locked PIN stays locked even for the right PIN; only the
  // municipal window resets it.
  if (locked()) return {PinOutcome::kBlocked, 0, true};
  if (correct) {
    failures_ = 0;
    return {PinOutcome::kAccepted, tries_left(), false};
  }
  ++failures_;
  return {PinOutcome::kRejected, tries_left(), locked()};
}

namespace {

bool SuspendedOn(const CardFacts& f, Date on) {
  if (!f.suspended_on || *f.suspended_on > on) return false;
  // R-CARD-6: only a resumption at the window after the suspension lifts it.
  const bool resumed = f.resumed_on && *f.resumed_on >= *f.suspended_on && *f.resumed_on <= on;
  return !resumed;
}

}  // namespace

CardUsability EvaluateCardForInsurance(const CardFacts& facts, Date on, IdentityCheck method) {
  CardUsability u{};
  u.card_expiry = CardExpiry(facts.card);
  u.certificate_expiry = CertificateExpiry(
      facts.card.birth, facts.certificate_issued.value_or(facts.card.issued), u.card_expiry);
  u.grace_end = InsuranceGraceEnd(u.certificate_expiry);
  u.clinical_info_sharing = false;

  auto done = [&](CardStatus s) {
    u.status = s;
    u.clinical_info_sharing = s == CardStatus::kUsable || s == CardStatus::kExpiringSoon;
    return u;
  };

  if (on < facts.card.issued) return done(CardStatus::kNotYetIssued);
  // R-CARD-6: revocation is final, whatever else is true.
  if (facts.revoked_on && *facts.revoked_on <= on) return done(CardStatus::kRevoked);
  if (SuspendedOn(facts, on)) return done(CardStatus::kSuspended);

  const bool expired = on > u.certificate_expiry;
  const bool in_grace = expired && u.grace_end && on <= *u.grace_end;
  if (expired && !in_grace) {
    return done(on > u.card_expiry ? CardStatus::kCardExpired : CardStatus::kCertificateExpired);
  }
  // R-CARD-5 with R-FAC-2/3: a locked PIN blocks only the PIN mode.
  if (method == IdentityCheck::kPin && facts.auth_pin.locked()) {
    return done(CardStatus::kPinLocked);
  }
  // R-CARD-4: the grace keeps eligibility working but turns clinical sharing off.
  if (in_grace) return done(CardStatus::kUsableInGrace);
  if (on >= RenewalOpensOn(u.certificate_expiry)) return done(CardStatus::kExpiringSoon);
  return done(CardStatus::kUsable);
}

}  // namespace onshi
