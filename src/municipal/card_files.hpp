// Where a credential's emulated card file lives, and what the card says
// about itself.
//
// The store knows a credential by card_id; the card file is named after it
// ("<cards_dir>/card-<card_id>.card"), so no path is ever stored and the two
// cannot disagree about where the card is. Used by both the card office and
// the registration desk, which must find the same card.
#ifndef ONSHI_MUNICIPAL_CARD_FILES_HPP_
#define ONSHI_MUNICIPAL_CARD_FILES_HPP_

#include <cstdint>
#include <string>
#include <string_view>

#include "card/card.hpp"
#include "core/expected.hpp"

namespace onshi::municipal {

std::string CardFilePath(const std::string& cards_dir, int64_t card_id);

// The answer of the card to VERIFY of the 利用者証明用 PIN, asked the way a
// window terminal or ATM asks it: SELECT the JPKI AP, SELECT EF 0018,
// VERIFY (jpki_card.hpp). The card persists its own counter (R-CARD-5).
enum class PinAnswer { kAccepted, kWrong, kLocked };
struct PinCheck {
  PinAnswer answer = PinAnswer::kWrong;
  int tries_left = 0;
};
Expected<PinCheck> AskCardForPin(card::Card& card, std::string_view pin);

}  // namespace onshi::municipal

#endif  // ONSHI_MUNICIPAL_CARD_FILES_HPP_
