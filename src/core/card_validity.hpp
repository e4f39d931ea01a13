// My Number card and 利用者証明用電子証明書 validity, PIN lock and suspension,
// as they decide whether a card can be used as マイナ保険証 on a given day.
//
// This module answers only "can this card and its certificate be used at all
// today, and in what mode". Whether the holder has done 健康保険証利用登録
// (R-CARD-1, R-REG-*) and whether the insurer's data is linked (R-LINK-*) are
// decided elsewhere.
//
// Expiry dates are inclusive: a card "valid until the 10th birthday" can be
// used during that whole day. Events (suspension, revocation) are known only
// to the day, so they take effect for the whole day they happen on: a card
// reported lost in the afternoon is treated as unusable from that morning,
// which errs on the safe side (R-CARD-6 "at once").
#ifndef ONSHI_CORE_CARD_VALIDITY_HPP_
#define ONSHI_CORE_CARD_VALIDITY_HPP_

#include <optional>
#include <string_view>

#include "core/date.hpp"
#include "core/expected.hpp"

namespace onshi {

// ---------------------------------------------------------------- validity

// Applications received (by J-LIS) before this day use 20, not 18, as the age
// below which a card gets the short validity (R-CARD-2, 民法 成年年齢 reform).
Date AdultAgeReformDate();  // 2022-04-01

// The age below which the short (5th birthday) validity applies, for an
// application received on `application_received`: 20 before 2022-04-01, else 18.
int ShortValidityAgeLimit(Date application_received);

struct CardIssuance {
  Date birth;
  Date application_received;  // 申請受付日 at J-LIS (not the day the form was mailed)
  Date issued;                // 発行日: J-LIS made the card (not the pick-up day)
  // 在留期間満了日 of a foreign resident whose card is capped by it; nullopt
  // for citizens and permanent residents.
  std::optional<Date> residence_period_end;
};

// R-CARD-2: the last day the card is valid. The 10th birthday after issuance,
// or the 5th if the holder was under ShortValidityAgeLimit() at issuance
// (age per AgeOn); capped by the residence period end if earlier.
Date CardExpiry(const CardIssuance& card);

// R-CARD-3: the last day the 利用者証明用電子証明書 is valid. The 5th birthday
// after the certificate was issued (whatever the age), or the card's expiry
// if that is earlier.
Date CertificateExpiry(Date birth, Date certificate_issued, Date card_expiry);

// Expiries on or after this day get the grace period of R-CARD-4
// (card-and-identifiers.md §3: "expired on/after 2024-12-02").
Date InsuranceGraceStartDate();  // 2024-12-02

// R-CARD-4: after the certificate (or the card) expires on `expiry`, online
// eligibility still works until the end of the 3rd month after the expiry
// month: expiry any day in February → 31 May; in December → 31 March; on
// 30 November → 28/29 February. nullopt if `expiry` predates
// InsuranceGraceStartDate(), when no grace existed.
std::optional<Date> InsuranceGraceEnd(Date expiry);

// R-CARD-4: renewal can be done from 3 months before `expiry` (same day of
// month, clamped: expiry 31 May → from 28/29 Feb). The reader and OQS warn
// "expires within 3 months" from the same day.
Date RenewalOpensOn(Date expiry);

// R-CARD-4: the renewal notice (有効期限通知書) is sent 2–3 months before
// expiry: between `first` and `last`, inclusive.
struct DateRange {
  Date first;
  Date last;
  bool Contains(Date d) const { return first <= d && d <= last; }
};
DateRange RenewalNoticePeriod(Date expiry);

// ---------------------------------------------------------------- PIN

// R-CARD-5: the 利用者証明用 PIN is exactly 4 ASCII digits ('0'-'9'; full-width
// digits are rejected). Returns nullopt if `pin` is well formed, else an Error
// on field "pin" that never echoes the PIN itself.
std::optional<Error> CheckAuthPinFormat(std::string_view pin);

enum class PinOutcome {
  kAccepted,  // correct PIN; the failure counter is back to zero
  kRejected,  // wrong PIN; counted (this may be the try that locks)
  kBlocked,   // the PIN is locked; the entry was not even tried
};

struct PinVerification {
  PinOutcome outcome;
  int tries_left;  // before the lock; 0 once locked
  bool locked;
};

// R-CARD-5: the card's retry counter for the 利用者証明用 PIN. Three
// consecutive wrong entries lock it; a correct entry before that resets the
// count; once locked, only the municipal window can reset it (the holder
// cannot unlock it by guessing right). A plain value: copy it, store
// consecutive_failures() and rebuild it with FromFailures().
class PinCounter {
 public:
  static constexpr int kMaxConsecutiveFailures = 3;

  PinCounter() = default;
  // Clamped to [0, kMaxConsecutiveFailures].
  static PinCounter FromFailures(int consecutive_failures);

  PinVerification Verify(bool correct);
  // 暗証番号の初期化 at the 市区町村窓口: unlocks and clears the counter.
  void ResetByMunicipality() { failures_ = 0; }

  int consecutive_failures() const { return failures_; }
  int tries_left() const { return kMaxConsecutiveFailures - failures_; }
  bool locked() const { return failures_ >= kMaxConsecutiveFailures; }

 private:
  int failures_ = 0;
};

// ---------------------------------------------------------------- decision

// How the person's identity is checked at the reader (R-FAC-2, R-FAC-3).
enum class IdentityCheck {
  kPin,              // 4-digit 利用者証明用 PIN (the 本則)
  kFaceRecognition,  // 顔認証: the reader compares the chip photo with a camera image
  kVisual,           // 目視: staff compare the card photo with the person
};

// Everything known about one card and the certificate on it. Dated events
// are the latest of their kind; nullopt means "never happened".
struct CardFacts {
  CardIssuance card;
  // 利用者証明用電子証明書 issue day; nullopt = issued with the card. A renewal
  // at the window sets a later day.
  std::optional<Date> certificate_issued;
  std::optional<Date> suspended_on;  // 一時利用停止 by the 24h hotline (R-CARD-6)
  std::optional<Date> resumed_on;  // 一時停止解除 at the window; only counts if >= suspended_on
  std::optional<Date> revoked_on;  // 廃止: 紛失届, reissue or return; final (R-CARD-6)
  PinCounter auth_pin;             // state of the 利用者証明用 PIN counter
};

enum class CardStatus {
  kUsable,              // valid and not expiring within 3 months
  kExpiringSoon,        // usable; the certificate or card expires within 3 months (R-CARD-4)
  kUsableInGrace,       // expired, but inside the R-CARD-4 grace; clinical sharing is off
  kCertificateExpired,  // certificate expired beyond grace; the card itself is still valid
  kCardExpired,         // the card expired and any grace is over
  kSuspended,           // 一時利用停止 in force (R-CARD-6)
  kRevoked,             // card revoked or replaced: its certificate never works again
  kPinLocked,           // PIN mode only: the PIN is locked (R-CARD-5); face/目視 still work
  kNotYetIssued,        // `on` precedes the issue day: the facts are inconsistent with the query
};

struct CardUsability {
  CardStatus status;
  Date card_expiry;         // R-CARD-2
  Date certificate_expiry;  // R-CARD-3 (never after card_expiry)
  // Last day of the R-CARD-4 grace for certificate_expiry; nullopt if the
  // expiry predates the grace rule.
  std::optional<Date> grace_end;
  // 薬剤情報・診療情報 may be shared (subject to the person's consent,
  // R-FAC-4). False whenever the card is unusable and during grace (R-CARD-4).
  bool clinical_info_sharing;

  // Online eligibility can be confirmed with this card today.
  bool usable() const {
    return status == CardStatus::kUsable || status == CardStatus::kExpiringSoon ||
           status == CardStatus::kUsableInGrace;
  }
};

// The single decision: can `facts`' card confirm eligibility on `on` with the
// identity check `method`? Checks are made in this order, first match wins:
// not yet issued, revoked, suspended, expired beyond grace (card expiry
// reported before certificate expiry), PIN locked (kPin only), in grace,
// expiring within 3 months, usable.
CardUsability EvaluateCardForInsurance(const CardFacts& facts, Date on, IdentityCheck method);

}  // namespace onshi

#endif  // ONSHI_CORE_CARD_VALIDITY_HPP_
