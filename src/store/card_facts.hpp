// The domain core's view of a stored card.
//
// CardRecord is what the store keeps; CardFacts is what the card rules
// (core/card_validity.hpp) evaluate. The store keeps the card's state but not
// the day it entered it, so a suspended or revoked card is treated as having
// been so since its issue day: the rules only ask whether the state is in
// force on the evaluation day, which that preserves.
#ifndef ONSHI_STORE_CARD_FACTS_HPP_
#define ONSHI_STORE_CARD_FACTS_HPP_

#include "core/card_validity.hpp"
#include "store/records.hpp"

namespace onshi::store {

CardFacts CardFactsOf(const CardRecord& card, Date birth);

}  // namespace onshi::store

#endif  // ONSHI_STORE_CARD_FACTS_HPP_
