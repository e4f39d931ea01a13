// Kana readings in the OQS wire form.
//
// OQS sends NameKana as HALF-WIDTH katakana with an ASCII space between family
// and given name ("ｼﾝﾘｮｳ ﾀﾛｳ", oqs-interface.md §3.3), the form of the old
// receipt (レセプト) systems, while onshi stores readings in full-width
// katakana with U+3000 (core/membership.hpp).
#ifndef ONSHI_OQS_KANA_HPP_
#define ONSHI_OQS_KANA_HPP_

#include <string>
#include <string_view>

namespace onshi::oqs {

// Converts UTF-8 text to half-width katakana:
//   - full-width katakana to half-width; a voiced or semi-voiced kana becomes
//     two characters, base + mark (ガ→ｶﾞ, パ→ﾊﾟ, ヴ→ｳﾞ, ヷ→ﾜﾞ);
//   - kana with no half-width form take the nearest: ヰ→ｲ, ヱ→ｴ, ヮ→ﾜ, ヵ→ｶ,
//     ヶ→ｹ (the usual practice of receipt systems, which have no such glyphs);
//   - hiragana is treated as the same katakana, because a reading keyed in
//     hiragana means the same sound;
//   - ー→ｰ, ・→･, 。「」、→｡｢｣､, ゛゜ and the combining marks U+3099/U+309A →ﾞﾟ;
//   - U+3000 → ASCII space, full-width ASCII (Ａ, １, －) → ASCII;
//   - everything else (kanji, ASCII, half-width kana, invalid bytes) unchanged.
std::string ToHalfWidthKana(std::string_view utf8);

}  // namespace onshi::oqs

#endif  // ONSHI_OQS_KANA_HPP_
