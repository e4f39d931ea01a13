// CardFaceAp: the 券面事項確認AP of a My Number card (card-and-identifiers.md
// §4) as far as a 顔認証付きカードリーダー uses it: the holder's face photo,
// readable only after the 照合番号B printed on the card face is presented.
//
// A reader photographs the card face, reads 照合番号B from it (生年月日
// YYMMDD + the card's expiry year + a security code), VERIFYs it, and only
// then may read the photo to match it with the person in front of it. So the
// photo cannot be skimmed from a card in a pocket: whoever reads it has seen
// the card's face. Files (onshi's emulation):
//
//   0012  照合番号B       VERIFY target (14 ASCII digits); never readable
//   0002  券面 entries    READ BINARY after a successful VERIFY of 0012:
//                         30 82 LL LL 04 82 LL LL <JPEG>, a DER SEQUENCE
//                         holding one OCTET STRING with the photo (a real
//                         card holds several images, the photo in JPEG 2000;
//                         onshi holds only the photo, as JPEG, which every
//                         browser decodes)
//
// Commands (the same encodings as the JPKI AP, jpki_card.hpp):
//   SELECT EF   00 A4 02 0C 02 <FID>     9000 | 6A82 (unknown; 0002 on a card
//                                        issued without a photo)
//   VERIFY      00 20 00 80 0E <14 digits>  9000 | 6300 (wrong: no counter,
//               the number is printed on the card) | 6700 (Lc not 14) |
//               6A80 (not digits) | 6984 (the card has no 照合番号B) |
//               6986 (current EF is not 0012)
//   READ BINARY 00 B0 <off hi> <off lo> Le  data 9000 | 6982 (no successful
//               VERIFY since this AP was selected) | 6986 (not 0002) | 6B00
// Any other INS → 6D00, CLA other than 00 → 6E00. Selecting this AP, or
// another one, and Reset() end the verified state.
#ifndef ONSHI_CARD_CARD_FACE_AP_HPP_
#define ONSHI_CARD_CARD_FACE_AP_HPP_

#include <array>
#include <cstdint>
#include <optional>

#include "card/apdu.hpp"
#include "card/card_file.hpp"

namespace onshi::card {

// DF name of the 券面事項確認AP.
inline constexpr std::array<uint8_t, 10> kCardFaceAid = {0xD3, 0x92, 0x10, 0x00, 0x31,
                                                         0x00, 0x01, 0x01, 0x04, 0x02};

namespace fid {
inline constexpr uint16_t kCardFaceEntries = 0x0002;
inline constexpr uint16_t kCollationNumberB = 0x0012;
}  // namespace fid

// 6300: verification failed, no retry counter.
inline constexpr StatusWord kVerificationFailed = 0x6300;

// The content of EF 0002 for `jpeg` (layout above).
std::vector<uint8_t> CardFaceEntries(const std::vector<uint8_t>& jpeg);

class CardFaceAp {
 public:
  // `file` must outlive this object.
  explicit CardFaceAp(const CardFile* file) : file_(file) {}

  // Called once this AP was selected by its DF name.
  void Selected();
  // Another AP was selected, or the card was reset.
  void Reset();
  // Commands other than SELECT by DF name, while this AP is the current one.
  ResponseApdu Process(const CommandApdu& command);

  bool verified() const { return verified_; }

 private:
  const CardFile* file_;
  std::optional<uint16_t> current_ef_;
  bool verified_ = false;
};

}  // namespace onshi::card

#endif  // ONSHI_CARD_CARD_FACE_AP_HPP_
