// 個人番号 (My Number): the 12-digit individual number of the 番号法.
//
// Format: 11 digits plus a check digit defined by 総務省令第85号 第5条 (see
// docs card-and-identifiers.md §1). A MyNumber always holds a well-formed,
// check-digit-valid number; the only way to get one is Parse, ParseLenient
// or FromBase.
//
// My Number must never be shown or logged in clear (architecture.md: "My
// Number is a key, not data"). Hence this type deliberately has no
// ToString(), no operator<<, and no short accessor for its digits: use
// Masked() for anything a human may see, and digits_for_hashing() only where
// the clear digits are genuinely needed (keyed hashing, the intermediate
// server). The awkward name is there so that misuse stands out in review.
#ifndef ONSHI_CORE_MY_NUMBER_HPP_
#define ONSHI_CORE_MY_NUMBER_HPP_

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/expected.hpp"

namespace onshi {

class MyNumber {
 public:
  static constexpr std::size_t kLength = 12;
  static constexpr std::size_t kBaseLength = 11;  // digits before the check digit
  // Error::field of every error produced here.
  static constexpr std::string_view kField = "my_number";

  // Strict: exactly 12 ASCII digits with a correct check digit. This is the
  // form used on every internal interface and in storage.
  static Expected<MyNumber> Parse(std::string_view text);

  // For input layers only (forms, import files typed by people). Before the
  // strict rules apply, drops ASCII and ideographic (U+3000) spaces and
  // hyphen-like characters (ASCII '-', U+FF0D, U+2010–U+2015, U+2212, and the
  // katakana prolonged sound mark U+30FC / U+FF70 that a Japanese IME produces
  // for the '-' key), and turns full-width digits U+FF10–U+FF19 into ASCII.
  // Positions in error messages count characters (not bytes) of `text`.
  static Expected<MyNumber> ParseLenient(std::string_view text);

  // The check digit (0–9) for an 11-digit base given as ASCII digits.
  static Expected<int> ComputeCheckDigit(std::string_view base);

  // Builds the valid number whose first 11 digits are `base` (zero-padded),
  // for synthetic populations. Requires base < 10^11 (asserted in debug
  // builds; release builds use the low 11 decimal digits). Allocation-free.
  static MyNumber FromBase(uint64_t base);

  // "********0257": only the last four digits, which is exactly what 資格情報
  // のお知らせ prints and what a person can use to recognise their number.
  std::string Masked() const;

  // The 12 digits in clear. See the file comment before calling this.
  std::string_view digits_for_hashing() const { return {digits_.data(), digits_.size()}; }

  auto operator<=>(const MyNumber&) const = default;

 private:
  explicit MyNumber(const std::array<char, kLength>& digits) : digits_(digits) {}

  std::array<char, kLength> digits_;
};

}  // namespace onshi

// Hashing for unordered containers (not a keyed hash: use HMAC for storage).
template <>
struct std::hash<onshi::MyNumber> {
  std::size_t operator()(const onshi::MyNumber& n) const noexcept {
    return std::hash<std::string_view>{}(n.digits_for_hashing());
  }
};

#endif  // ONSHI_CORE_MY_NUMBER_HPP_
