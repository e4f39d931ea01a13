#include "municipal/card_files.hpp"

#include <cstdint>
#include <vector>

#include "card/jpki_card.hpp"

namespace onshi::municipal {

std::string CardFilePath(const std::string& cards_dir, int64_t card_id) {
  return cards_dir + "/card-" + std::to_string(card_id) + ".card";
}

namespace {

uint16_t StatusWord(const std::vector<uint8_t>& rapdu) {
  if (rapdu.size() < 2) return 0;
  return static_cast<uint16_t>(rapdu[rapdu.size() - 2] << 8 | rapdu[rapdu.size() - 1]);
}

}  // namespace

Expected<PinCheck> AskCardForPin(card::Card& card, std::string_view pin) {
  if (auto bad = CheckAuthPinFormat(pin)) return *bad;
  // Built byte by byte: GCC 12 misreads insert() into a short vector as an
  // out-of-bounds memmove (-Warray-bounds).
  std::vector<uint8_t> select_ap = {0x00, 0xA4, 0x04, 0x0C,
                                    static_cast<uint8_t>(card::kJpkiAid.size())};
  for (uint8_t b : card::kJpkiAid)
    select_ap.push_back(b);
  const std::vector<uint8_t> select_pin = {0x00,
                                           0xA4,
                                           0x02,
                                           0x0C,
                                           0x02,
                                           static_cast<uint8_t>(card::fid::kAuthPin >> 8),
                                           static_cast<uint8_t>(card::fid::kAuthPin & 0xFF)};
  if (StatusWord(card.Transmit(select_ap)) != 0x9000 ||
      StatusWord(card.Transmit(select_pin)) != 0x9000) {
    return MakeError("card", "the card does not answer as a My Number card (JPKI AP)");
  }
  std::vector<uint8_t> verify = {0x00, 0x20, 0x00, 0x80, static_cast<uint8_t>(pin.size())};
  for (char c : pin)
    verify.push_back(static_cast<uint8_t>(c));
  const uint16_t sw = StatusWord(card.Transmit(verify));
  if (sw == 0x9000) return PinCheck{PinAnswer::kAccepted, PinCounter::kMaxConsecutiveFailures};
  if (sw == 0x6983) return PinCheck{PinAnswer::kLocked, 0};
  if ((sw & 0xFFF0) == 0x63C0) {
    const int left = sw & 0x0F;
    return PinCheck{left == 0 ? PinAnswer::kLocked : PinAnswer::kWrong, left};
  }
  return MakeError("card",
                   "the card could not check the PIN (status word " + std::to_string(sw) + ")");
}

}  // namespace onshi::municipal
