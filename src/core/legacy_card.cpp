#include "core/legacy_card.hpp"

#include <algorithm>
#include <array>

namespace onshi {

Date LegacyIssuanceEndDate() {
  return Date::FromYmd(2024, 12, 2);
}

bool MayIssueLegacyCard(Date on) {
  return on < LegacyIssuanceEndDate();
}

Date LegacyCardFinalDay() {
  return Date::FromYmd(2025, 12, 1);
}

namespace {

struct Ending {
  LegacyCardStatus cause;
  std::optional<Date> last_day;  // nullopt: this cause does not apply
};

// The last usable day implied by an event, if the event counts: it must not
// precede `counts_from`.
std::optional<Date> EndedBy(const std::optional<Date>& event, Date counts_from) {
  if (!event || *event < counts_from) return std::nullopt;
  return event->AddDays(-1);  // unusable from the event day itself ("at once")
}

}  // namespace

LegacyCardUsability EvaluateLegacyCard(const LegacyCardFacts& card, Date on) {
  if (!MayIssueLegacyCard(card.issued)) {
    return {LegacyCardStatus::kIssuedAfterCutoff, std::nullopt};  // R-OLD-1
  }
  const Date issued = card.issued;
  const Date transition = std::max(issued, LegacyIssuanceEndDate());
  // Listed in tie-break order: the causes known in advance come first.
  const std::array<Ending, 6> endings = {{
      {LegacyCardStatus::kPrintedExpiryPassed, card.printed_expiry},               // R-OLD-2
      {LegacyCardStatus::kTransitionEnded, LegacyCardFinalDay()},                  // R-OLD-2
      {LegacyCardStatus::kInsurerChanged, EndedBy(card.insurer_changed, issued)},  // R-OLD-3
      {LegacyCardStatus::kLostOrDamaged, EndedBy(card.lost_or_damaged, issued)},   // R-OLD-3
      {LegacyCardStatus::kNameChanged, EndedBy(card.name_changed, issued)},        // R-OLD-3
      // R-OLD-3 is what makes an address change fatal, and only from 2024-12-02.
      {LegacyCardStatus::kAddressChanged, EndedBy(card.address_changed, transition)},
  }};

  const Ending* first = nullptr;
  for (const Ending& e : endings) {
    if (e.last_day && (first == nullptr || *e.last_day < *first->last_day)) first = &e;
  }
  // The 2025-12-01 cap always applies, so `first` is never null.
  const Date last = *first->last_day;
  LegacyCardUsability result{first->cause, last};
  if (last < card.issued) result.last_usable_day = std::nullopt;  // ended on its issue day
  if (on < card.issued) {
    result.status = LegacyCardStatus::kNotYetIssued;
  } else if (on <= last) {
    result.status = LegacyCardStatus::kUsable;
  }
  return result;
}

LegacyCardAcceptance AcceptLegacyCardAtFacility(const LegacyCardFacts& card, Date on,
                                                bool oqs_lookup_succeeded,
                                                const ExpiredLegacyCardMeasure& measure) {
  const LegacyCardUsability u = EvaluateLegacyCard(card, on);
  if (u.usable()) return LegacyCardAcceptance::kAccepted;
  const bool merely_expired = u.status == LegacyCardStatus::kPrintedExpiryPassed ||
                              u.status == LegacyCardStatus::kTransitionEnded;
  if (measure.enabled && merely_expired && on <= measure.accept_until && oqs_lookup_succeeded) {
    return LegacyCardAcceptance::kAcceptedUnderProvisionalMeasure;
  }
  return LegacyCardAcceptance::kRefused;
}

}  // namespace onshi
