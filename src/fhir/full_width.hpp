// Widening for JP Core output (internal to src/fhir).
//
// JP Core asks for 記号 and 番号 in full-width (JP_Coverage_InsuredPerson-
// Symbol/Number; the insuranceIdentifier example "00012345:あいう:１８７:05"),
// while the core keeps them with ASCII folded to half-width so that keys
// typed either way compare equal. Widening on the way out is the exact
// inverse of InsuredCardId::Normalize on the characters that function folds,
// so a client that echoes our Coverage back gets the same card.
//
// Widening also keeps the delimiters of the composite identifiers
// unambiguous: a ':' or '"' inside a 記号 becomes '：' or '＂'.
#ifndef ONSHI_FHIR_FULL_WIDTH_HPP_
#define ONSHI_FHIR_FULL_WIDTH_HPP_

#include <string>
#include <string_view>

namespace onshi::fhir {

// ASCII '!'..'~' become U+FF01..U+FF5E and ' ' becomes U+3000; every other
// byte (kana, kanji, half-width katakana) is copied unchanged.
std::string ToFullWidth(std::string_view text);

}  // namespace onshi::fhir

#endif  // ONSHI_FHIR_FULL_WIDTH_HPP_
