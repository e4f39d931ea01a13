// 記号・番号・枝番: the insured person's identifiers within one insurer, as
// printed on a 保険証, 資格確認書 or 資格情報のお知らせ. Together with the
// 保険者番号 they identify one insured person (個人単位被保険者番号).
//
//   記号 (symbol)  optional: 国保 and some insurers print none. Free text as
//                  printed: digits, kanji, kana, hyphens ("12-34", "ｱ").
//   番号 (number)  required. Usually digits; leading zeros are significant.
//   枝番 (branch)  optional (older cards have none), else exactly 2 ASCII
//                  digits; the leading zero is significant ("01", never "1").
//
// Values are normalised on construction, and what you read back is the
// normalised form:
//   - full-width ASCII (U+FF01–U+FF5E) becomes half-width and U+3000 becomes a
//     space, because the same card is keyed in by clinics, insurers and import
//     files with different IME settings, and "１２－３４" and "12-34" must match
//     when the OQS lookup compares them;
//   - leading and trailing spaces are trimmed, because they are never printed
//     on the card and come from fixed-width files and copy-paste;
//   - nothing else: half-width katakana is NOT widened (ｱ stays ｱ) and
//     internal spaces are kept, since folding them needs rules (voiced marks,
//     spacing conventions) that no public source confirms.
// An empty 記号 or 枝番 after normalisation means "absent".
//
// Limits (ours: the OQS interface specification is not public), measured
// after normalisation: 記号 at most 38 bytes of UTF-8 (12 kanji, or 38 ASCII),
// 番号 at most 20 characters.
// Control characters and invalid UTF-8 are rejected everywhere.
//
// 告知要求制限 (健康保険法194条の2): these numbers are protected data. Log only
// Masked().
#ifndef ONSHI_CORE_INSURED_CARD_ID_HPP_
#define ONSHI_CORE_INSURED_CARD_ID_HPP_

#include <compare>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/expected.hpp"

namespace onshi {

class InsuredCardId {
 public:
  static constexpr std::size_t kMaxSymbolBytes = 38;
  static constexpr std::size_t kMaxNumberChars = 20;
  // Error::field values, named after the OQS elements InsuredCardSymbol,
  // InsuredIdentificationNumber and InsuredBranchNumber.
  static constexpr std::string_view kSymbolField = "insured_card_symbol";
  static constexpr std::string_view kNumberField = "insured_identification_number";
  static constexpr std::string_view kBranchField = "insured_branch_number";

  // Empty (or all-space) `symbol` / `branch` mean absent.
  static Expected<InsuredCardId> Parse(std::string_view symbol, std::string_view number,
                                       std::string_view branch);

  // The normalisation applied to each field, exposed for input layers that
  // compare before parsing. Does not validate; invalid UTF-8 passes through.
  static std::string Normalize(std::string_view text);

  const std::optional<std::string>& symbol() const { return symbol_; }
  const std::string& number() const { return number_; }
  const std::optional<std::string>& branch() const { return branch_; }

  // For logs: "symbol=*** number=****45 branch=01". The 記号 is fully masked
  // (for 協会けんぽ it is derived from the employer's code); 番号 shows its last
  // two characters only if it has at least four; 枝番 is shown, since "01"
  // identifies no one and tells a reader which family member was meant.
  // One '*' per character, so the form does not depend on byte lengths.
  std::string Masked() const;

  auto operator<=>(const InsuredCardId&) const = default;

 private:
  InsuredCardId(std::optional<std::string> symbol, std::string number,
                std::optional<std::string> branch);

  std::optional<std::string> symbol_;
  std::string number_;
  std::optional<std::string> branch_;
};

}  // namespace onshi

template <>
struct std::hash<onshi::InsuredCardId> {
  std::size_t operator()(const onshi::InsuredCardId& id) const noexcept;
};

#endif  // ONSHI_CORE_INSURED_CARD_ID_HPP_
