// Japanese text as people type it, and keys for comparing it.
//
// The same name or address reaches onshi in many spellings: full-width or
// half-width letters and digits (ＡＢＣ１２３ / ABC123), half-width katakana
// from old mainframe exports (ﾔﾏﾀﾞ), hiragana or katakana readings, spaces
// or none between family and given name, 旧字体 from the family register
// (髙橋, 齋藤, 邊), kanji or arabic numerals in addresses (一丁目２番３号 /
// 1-2-3). The resident-registry check (core/registry_match.hpp, R-LINK-4)
// must not reject a form over such differences, and must never accept one
// that names a different person or place.
//
// So there are two kinds of function here:
//   - tidying (ToFullWidthKatakana, TidyName): the form onshi stores and
//     shows, which changes the spelling but never the text;
//   - keys (NameKey, KanaKey, AddressKey): lossy, for equality only. Two
//     texts denote the same name, reading or address when their keys are
//     equal. Keys are not for display and not for storage: a better key
//     tomorrow must not need a data migration.
//
// Everything works on UTF-8 code points with table lookups: no locale, no
// regular expressions, no ICU. Ill-formed UTF-8 reads as U+FFFD (core/utf8).
// Speed matters: the bulk import compares about 10^5 records a second.
#ifndef ONSHI_CORE_JAPANESE_TEXT_HPP_
#define ONSHI_CORE_JAPANESE_TEXT_HPP_

#include <optional>
#include <string>
#include <string_view>

namespace onshi {

// A kana reading in onshi's stored form: full-width katakana, one U+3000
// between words, no leading or trailing space. Half-width katakana are
// composed with a following ﾞ/ﾟ (ｶﾞ→ガ, ﾊﾟ→パ, ｳﾞ→ヴ), and so are kana
// followed by a combining or spacing (han)dakuten (NFD text from macOS);
// hiragana become katakana (ゝゞ → ヽヾ); a run of ASCII spaces and U+3000 is
// one U+3000; the half-width prolonged mark ｰ is ー and ･ is ・. Small kana
// are kept. Returns nullopt if any character is not kana, ー, ・ or a space
// (kanji, latin letters, digits, hyphens, a ﾞ that follows no voiceable kana)
// or if nothing is left.
std::optional<std::string> ToFullWidthKatakana(std::string_view utf8);

// A name as filed, tidied for storage: trimmed, each run of ASCII or
// ideographic spaces one U+3000, half-width katakana full-width (composed as
// above), ASCII letters and digits full-width (names on insurance documents
// are full-width). Everything else, kanji variants included, is kept exactly:
// the stored name is the one the person wrote.
std::string TidyName(std::string_view utf8);

// Comparison keys. Each is the same function of the text whatever its
// spelling; see japanese_text.cpp for the tables.
//
// NameKey (氏名): full-width ASCII → ASCII and latin letters upper case
// (registry names of foreign residents are in capitals), half-width katakana
// → full-width, spaces and ・ removed (separators, not part of the name),
// hiragana → katakana, a dash after kana → ー (ジョ－ジ), old and variant
// kanji → standard form (異体字 table), small kana kept (ショウ and シヨウ
// are different names).
std::string NameKey(std::string_view utf8);

// KanaKey (振り仮名): the reading as ToFullWidthKatakana, with spaces and ・
// removed, the iteration marks ヽヾ spelt out, and the spellings that
// registries have used interchangeably merged: ヂ→ジ, ヅ→ズ, ヴァヴィヴヴェヴォ
// → バビブベボ (and ヷヸヹヺ), ヰ→イ, ヱ→エ, ヲ→オ, ヵ→カ, ヶ→ケ, small kana
// → large (old systems could not store 拗音), and every long-vowel or
// hyphen-like mark (ｰ － ‐ - − ― 〜 ～) → ー. Long vowels are not merged with
// vowel letters: オオノ, オーノ and オノ are three keys. Characters that are
// not kana are kept (width-folded), so a non-kana text only equals itself.
std::string KanaKey(std::string_view utf8);

// AddressKey (住所):
//   - full-width digits, letters and hyphen → ASCII; letters upper case;
//     spaces removed, except that a space between two numbers separates
//     them ("1-2-3 101" is not "1-2-3101"); 異体字 table applied (關→関, 縣→県);
//   - a run of kanji numerals (〇一二三四五六七八九十百千: 十一 = 11,
//     二十三 = 23, 百五 = 105, 一〇五 = 105) → ASCII digits when it is a
//     number: followed by 丁目, 番地, 番, 号, 条, a hyphen-like mark, or
//     の/ノ and then a numeral, or at the end; or following a number's
//     separator and not followed by another kanji. Place names are left
//     alone: 四谷, 八丁堀, 十日町, 千代田, 一の宮;
//   - after a number, 丁目 / 番地 / 番 / 号 / hyphen-like marks (- ‐ ‑ ‒ – —
//     ― − － ー) and の/ノ before a numeral are a separator, written '-' only
//     when another number follows: repeats collapse, and a separator at the
//     end or before a building name is dropped (一丁目２番３号 → 1-2-3, and
//     "3号 霞ビル" = "3 霞ビル");
//   - ー after kana is a long vowel (コーポ), whatever dash was typed;
//   - ケ ヶ ヵ が ガ between two kanji → ケ (霞が関 = 霞ヶ関 = 霞ケ関);
//   - 大字 and 字 before a place name dropped (old 住所表記 kept them).
// 東京都千代田区霞が関一丁目２番３号 and 東京都千代田区霞ヶ関1-2-3 give the
// same key; 1-2-3 and 1-2-4, or 一丁目 and 十一丁目, do not.
std::string AddressKey(std::string_view utf8);

// How two texts compare under one of the keys above, computed without
// building key strings (the registry check compares 10^5 records a second).
enum class KeyComparison {
  kEqual,       // the same key
  kDifferent,   // different keys
  kBlank,       // at least one key is empty: nothing to compare
  kUnreadable,  // a text had bytes that are not UTF-8 (or U+FFFD): its key
                // cannot be trusted to be equal or different
};
// In that order of precedence: kBlank, then kUnreadable, then the keys.
KeyComparison CompareNameKeys(std::string_view a, std::string_view b);
KeyComparison CompareKanaKeys(std::string_view a, std::string_view b);
KeyComparison CompareAddressKeys(std::string_view a, std::string_view b);

}  // namespace onshi

#endif  // ONSHI_CORE_JAPANESE_TEXT_HPP_
