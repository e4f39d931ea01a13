// Card: an emulated My Number card as a reader sees it — an ATR, and bytes
// in, bytes out.
//
// This is the surface a PC/SC bridge (vpcd, card-and-identifiers.md §6) or
// an in-process test talks to: Transmit takes a raw C-APDU and returns the
// raw R-APDU (data || SW1 SW2); bytes that do not parse as a short APDU get
// 6700 and change nothing. Two applications exist: the JPKI AP
// (jpki_card.hpp) and the 券面事項確認AP with the face photo
// (card_face_ap.hpp); SELECT by DF name switches between them, and selecting
// one ends the other's verified state.
#ifndef ONSHI_CARD_CARD_HPP_
#define ONSHI_CARD_CARD_HPP_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "card/card_face_ap.hpp"
#include "card/card_file.hpp"
#include "card/issuer_key.hpp"
#include "card/jpki_card.hpp"
#include "core/expected.hpp"

namespace onshi::card {

class Card {
 public:
  explicit Card(CardFile file);
  // Opens the card file at `path` (see CardFile::Open).
  static Expected<Card> Open(const std::string& path, const IssuerKey& key);

  Card(Card&&) noexcept;
  Card& operator=(Card&&) noexcept;
  ~Card();

  std::vector<uint8_t> Transmit(const std::vector<uint8_t>& capdu);

  // Power cycle: the selection and the VERIFY state are lost; the PIN
  // counter, being in the file, is not.
  void Reset();

  // The answer to reset: OpenSC's jpki driver recognises a card by it
  // (3B E0 00 FF 81 31 FE 45 14: T=1, no historical bytes). Constant.
  static std::vector<uint8_t> Atr();

  const CardFile& file() const { return *file_; }

 private:
  std::unique_ptr<CardFile> file_;  // heap: jpki_ keeps a pointer to it across moves
  std::unique_ptr<JpkiCard> jpki_;
  std::unique_ptr<CardFaceAp> face_;
  bool face_current_ = false;  // the 券面事項確認AP is selected
};

}  // namespace onshi::card

#endif  // ONSHI_CARD_CARD_HPP_
