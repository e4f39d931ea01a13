// The eligibility decision (資格確認): given what the system knows about one
// or more people, is there a valid qualification on a date?
//
// This is the answer a facility gets back from the online eligibility system:
// the OQS QualificationValidity code (OQSCD006) and the qualifications to list,
// plus a machine-readable reason the wire format does not carry but staff,
// the portal and operators need (R-FAC-5, R-FAC-6: "資格(無効)" and
// "資格情報なし" have several causes, each needing different action).
//
// Two ways in, matching the two 照会区分:
//   - by insurance card data (記号・番号・枝番 + 生年月日), 照会区分 2;
//   - by person, after the My Number card identified them, 照会区分 1.
// Both are pure: the caller passes every qualification of every person that
// could be involved, the confirmation date (past dates allowed), and today's
// date, which decides what has been linked yet (R-LINK-2).
#ifndef ONSHI_CORE_ELIGIBILITY_HPP_
#define ONSHI_CORE_ELIGIBILITY_HPP_

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/card_validity.hpp"
#include "core/date.hpp"
#include "core/membership.hpp"

namespace onshi {

// 資格有効性 (OQSCD006); the values are the wire codes.
enum class QualificationValidity {
  kValid = 1,                    // 有効
  kInvalid = 2,                  // 無効
  kInvalidNewQualification = 3,  // 無効（新しい資格あり）
  kNotFound = 4,                 // 該当資格なし
  kMultipleMatches = 5,          // 複数該当
};

enum class EligibilityReason {
  kValid,
  kNoRecord,                       // nothing registered under these keys (R-REG-5)
  kLinkagePending,                 // insurer registered, not linked yet (R-LINK-2, R-LINK-3)
  kInsurerRegistrationError,       // insurer's registration was rejected (R-LINK-4)
  kNotYetAcquired,                 // the only qualification starts after the date
  kLost,                           // lost before the date, nothing newer
  kNewQualificationExists,         // lost, but a newer linked qualification covers the date
  kMultipleMatches,                // more than one qualification matches (e.g. 枝番 omitted)
  kCertificateExpiredBeyondGrace,  // R-CARD-4
  kCardExpired,                    // R-CARD-2
  kCardSuspended,                  // R-CARD-6
  kCardRevoked,                    // reissued or returned card
  kPinLocked,                      // R-CARD-5: PIN mode only; face or 目視 still work
  kNotRegisteredForInsuranceUse,   // R-REG-3: the reader offers registration
  kSmartphoneNotAccepted,          // R-CARD-8: before its start, or at a facility without support
};

// Stable snake_case code for APIs and logs, e.g. "linkage_pending".
std::string_view EligibilityReasonCode(EligibilityReason r);

struct EligibilityDecision {
  QualificationValidity validity = QualificationValidity::kNotFound;
  EligibilityReason reason = EligibilityReason::kNoRecord;
  // What the facility is shown (ResultList). Points into the caller's span.
  std::vector<const Qualification*> results;
  // R-LINK-4: when data is not linked, a record younger than 3 months is
  // most likely still in the time lag; an older one is most likely an
  // insurer registration error to be fixed with the employer.
  bool likely_time_lag = false;
  // R-CARD-4: the card works but its certificate is in the 3-month grace:
  // drug and medical information sharing is unavailable.
  bool card_in_grace = false;

  // One line for reception staff, in Japanese, saying what to do (R-FAC-6).
  std::string Explanation() const;
};

// Keys read from an insurance card, 資格確認書 or 資格情報のお知らせ.
// Empty symbol or branch means "not given" and matches any.
struct InsuranceCardQuery {
  std::string insurer_number;  // canonical form (see InsurerNumber)
  std::string symbol;
  std::string number;
  std::string branch;
  Date birth_date;
};

// 照会区分 2. `records` holds every qualification of every person who has a
// qualification matching the query keys (so a newer qualification under other
// keys can be found); records that do not match the keys are used only for
// that purpose.
EligibilityDecision DecideByInsuranceCard(const InsuranceCardQuery& query,
                                          std::span<const Qualification> records,
                                          Date confirmation_date, Date today);

// What the identity check at the reader established about the card.
struct CardIdentity {
  // Set when the card cannot be used for insurance at all; must be one of the
  // kCard* reasons, kNotRegisteredForInsuranceUse or kSmartphoneNotAccepted.
  std::optional<EligibilityReason> blocked;
  bool in_grace = false;  // R-CARD-4 grace period
};

// What a card's usability (R-CARD-2..6) and its insurance-use registration
// (R-REG-1) mean for an eligibility check through that card.
CardIdentity ToCardIdentity(const CardUsability& usability, bool insurance_registered);

// R-CARD-8: the smartphone's My Number card function is used like the card
// at facilities that support it, from SmartphoneUseFrom() (2025-09-01) on.
Date SmartphoneUseFrom();
bool SmartphoneAccepted(Date today, bool facility_supports);

// 照会区分 1. `records` holds every qualification of the identified person.
// `failed_filing`: an insurer's form about this person was refused as a
// registration error (R-LINK-4) and nothing it would have created exists;
// with no qualification at all the answer names that cause instead of
// "no record", as a 記号・番号 query for the same person does.
EligibilityDecision DecideByPerson(const CardIdentity& card, std::span<const Qualification> records,
                                   Date confirmation_date, Date today, bool failed_filing = false);

}  // namespace onshi

#endif  // ONSHI_CORE_ELIGIBILITY_HPP_
