// ReadCardFacePhoto: the host side of the 券面事項確認AP (card/card_face_ap.hpp)
// — what a 顔認証付きカードリーダー does before a face match: present the
// 照合番号B it read from the card's face, then read the holder's photo.
//
//   SELECT AP   00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 02
//   SELECT EF   0012; VERIFY 00 20 00 80 0E <照合番号B>
//   SELECT EF   0002; READ BINARY the first 4 bytes (the SEQUENCE header
//               gives the size), then the rest in chunks of at most 256
//
// Selecting this AP ends any JPKI session on the card, so a reader reads the
// photo first and selects the JPKI AP afterwards (JpkiReaderSession).
#ifndef ONSHI_READER_CARD_FACE_READER_HPP_
#define ONSHI_READER_CARD_FACE_READER_HPP_

#include <string_view>

#include "core/expected.hpp"
#include "reader/transmit.hpp"

namespace onshi::reader {

// The photo (JPEG bytes). Errors: field "collation" when the card refused
// the 照合番号B (6300) or `collation_b` is not 14 digits; "photo" when the
// card holds no photo (6A82 on EF 0002); "card" for any other answer.
Expected<Bytes> ReadCardFacePhoto(const TransmitFn& transmit, std::string_view collation_b);

}  // namespace onshi::reader

#endif  // ONSHI_READER_CARD_FACE_READER_HPP_
