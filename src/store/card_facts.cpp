#include "store/card_facts.hpp"

namespace onshi::store {

CardFacts CardFactsOf(const CardRecord& card, Date birth) {
  CardFacts f;
  f.card.birth = birth;
  f.card.application_received = card.application_date;
  f.card.issued = card.issued_on;
  f.certificate_issued = card.cert_issued_on;
  if (card.status == CardState::kSuspended) f.suspended_on = card.issued_on;
  if (card.status == CardState::kRevoked) f.revoked_on = card.issued_on;
  f.auth_pin = PinCounter::FromFailures(card.pin_failures);
  return f;
}

}  // namespace onshi::store
