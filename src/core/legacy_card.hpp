// The old 健康保険証 during the transition to マイナ保険証.
//
// From 2024-12-02 no new card is issued (R-OLD-1); a card already in hand
// stays usable until its printed expiry and never after 2025-12-01 (R-OLD-2),
// but ends at once on a name or address change, a change of insurer, or loss
// or damage, and is not reissued (R-OLD-3). Separately, a time-limited
// 暫定措置 lets facilities accept an *expired* card when OQS finds the
// membership by the card's numbers; it is a policy, not one of the R-OLD
// rules, and is modelled on its own so it can be switched off or extended.
//
// Events are known to the day; a card is unusable from the day of the event
// ("at once"), so its last usable day is the day before.
#ifndef ONSHI_CORE_LEGACY_CARD_HPP_
#define ONSHI_CORE_LEGACY_CARD_HPP_

#include <optional>

#include "core/date.hpp"

namespace onshi {

// R-OLD-1: the first day on which no new 健康保険証 may be issued.
Date LegacyIssuanceEndDate();  // 2024-12-02

// R-OLD-1: whether an insurer may issue a legacy card on `on`.
bool MayIssueLegacyCard(Date on);

// R-OLD-2: no legacy card is usable after this day.
Date LegacyCardFinalDay();  // 2025-12-01

struct LegacyCardFacts {
  Date issued;
  // 有効期限 printed on the card; nullopt when none is printed (common for
  // 健保組合 cards, which were valid while the membership lasted).
  std::optional<Date> printed_expiry;
  // Dates of events after issue. Events before `issued` are ignored: a card
  // issued later already reflects them. A name change, a change of insurer
  // and a loss end the card whenever they happen: before 2024-12-02 the card
  // was replaced by a new one, from then on R-OLD-3 forbids the replacement.
  std::optional<Date> name_changed;
  // Ignored before LegacyIssuanceEndDate(): the old procedure amended the card
  // (new address written on it) and it stayed valid.
  std::optional<Date> address_changed;
  std::optional<Date> insurer_changed;  // 資格喪失 or move to another insurer
  std::optional<Date> lost_or_damaged;  // 紛失・き損
};

enum class LegacyCardStatus {
  kUsable,
  kNotYetIssued,         // `on` precedes the issue day
  kIssuedAfterCutoff,    // R-OLD-1: issued on/after 2024-12-02, so never a valid card
  kPrintedExpiryPassed,  // R-OLD-2: past the printed 有効期限
  kTransitionEnded,      // R-OLD-2: after 2025-12-01
  kInsurerChanged,       // R-OLD-3 (and always: a card of a former insurer is void)
  kLostOrDamaged,        // R-OLD-3: not reissued
  kNameChanged,          // R-OLD-3
  kAddressChanged,       // R-OLD-3
};

struct LegacyCardUsability {
  LegacyCardStatus status;
  // The last day the card is (or was) usable according to all recorded facts,
  // including events dated after `on`; nullopt if it never was usable. When
  // the card is unusable, `status` names the cause that ended it on this day;
  // on a tie the order is printed expiry, transition end, insurer change,
  // loss, name change, address change.
  std::optional<Date> last_usable_day;

  bool usable() const { return status == LegacyCardStatus::kUsable; }
};

LegacyCardUsability EvaluateLegacyCard(const LegacyCardFacts& card, Date on);

// 暫定措置 (事務連絡 2025-06-27 and 2025-11-12, card-and-identifiers.md §7):
// a facility may accept a legacy card that is no longer valid *only because
// it expired* (printed expiry passed, or the 2025-12-01 cap) until
// `accept_until`, provided the OQS lookup by the card's 保険者番号・記号・番号
// finds the membership. Cards ended by an event (R-OLD-3) are not covered.
struct ExpiredLegacyCardMeasure {
  bool enabled = true;
  Date accept_until = Date::FromYmd(2026, 3, 31);
};

enum class LegacyCardAcceptance {
  kAccepted,                         // the card is valid (R-OLD-2)
  kAcceptedUnderProvisionalMeasure,  // expired, but the 暫定措置 applies
  kRefused,
};

LegacyCardAcceptance AcceptLegacyCardAtFacility(const LegacyCardFacts& card, Date on,
                                                bool oqs_lookup_succeeded,
                                                const ExpiredLegacyCardMeasure& measure);

}  // namespace onshi

#endif  // ONSHI_CORE_LEGACY_CARD_HPP_
