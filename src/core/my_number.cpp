#include "core/my_number.hpp"

#include <cassert>
#include <optional>
#include <utility>

namespace onshi {
namespace {

// 総務省令第85号 第5条 weights Qn, written left to right over the base: the
// ordinance counts n from the rightmost digit with Qn = n+1 (n ≤ 6) and
// Qn = n−5 (n ≥ 7), which read from the left is 6,5,4,3,2,7,6,5,4,3,2.
constexpr int kWeights[MyNumber::kBaseLength] = {6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2};

// `base` points at 11 ASCII digits.
int CheckDigitOf(const char* base) {
  int sum = 0;
  for (std::size_t i = 0; i < MyNumber::kBaseLength; ++i)
    sum += (base[i] - '0') * kWeights[i];
  const int r = sum % 11;
  // Remainders 0 and 1 would give 11 and 10, which are not digits; the
  // ordinance maps both to 0.
  return r <= 1 ? 0 : 11 - r;
}

bool IsAsciiDigit(char c) {
  return c >= '0' && c <= '9';
}

Error LengthError(std::size_t what, std::size_t got) {
  return MakeError(std::string(MyNumber::kField),
                   "must be " + std::to_string(what) + " digits, got " + std::to_string(got));
}

Error NonDigitError(std::size_t position) {
  return MakeError(std::string(MyNumber::kField),
                   "contains a non-digit at position " + std::to_string(position));
}

// Shared tail of Parse and ParseLenient: `digits` holds 12 ASCII digits.
std::optional<Error> CheckDigitError(const std::array<char, MyNumber::kLength>& digits) {
  const int expected = CheckDigitOf(digits.data());
  const int actual = digits[MyNumber::kBaseLength] - '0';
  if (actual == expected) return std::nullopt;
  return MakeError(std::string(MyNumber::kField), "check digit is " + std::to_string(actual) +
                                                      ", expected " + std::to_string(expected));
}

// Length in bytes of the UTF-8 sequence starting with lead byte `c` (1 for
// ASCII and for stray continuation bytes, so a scan always makes progress).
std::size_t Utf8Length(unsigned char c) {
  if (c >= 0xF0) return 4;
  if (c >= 0xE0) return 3;
  if (c >= 0xC0) return 2;
  return 1;
}

}  // namespace

Expected<MyNumber> MyNumber::Parse(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!IsAsciiDigit(text[i])) return NonDigitError(i + 1);
  }
  if (text.size() != kLength) return LengthError(kLength, text.size());
  std::array<char, kLength> digits;
  for (std::size_t i = 0; i < kLength; ++i)
    digits[i] = text[i];
  if (auto error = CheckDigitError(digits)) return *std::move(error);
  return MyNumber(digits);
}

Expected<MyNumber> MyNumber::ParseLenient(std::string_view text) {
  std::array<char, kLength> digits;
  std::size_t count = 0;     // digits seen so far (may exceed kLength)
  std::size_t position = 0;  // 1-based character position in `text`
  std::size_t i = 0;
  while (i < text.size()) {
    ++position;
    const auto c = static_cast<unsigned char>(text[i]);
    const std::size_t len = Utf8Length(c);
    const std::string_view ch = text.substr(i, len);
    i += len;
    char digit = 0;
    if (IsAsciiDigit(static_cast<char>(c))) {
      digit = static_cast<char>(c);
    } else if (ch.size() == 3 && ch[0] == '\xEF' && ch[1] == '\xBC' && ch[2] >= '\x90' &&
               ch[2] <= '\x99') {
      digit = static_cast<char>('0' + (ch[2] - '\x90'));          // U+FF10..U+FF19 full-width digit
    } else if (ch == " " || ch == "-" || ch == "\xE3\x80\x80" ||  // U+3000 ideographic space
               ch == "\xEF\xBC\x8D" ||                            // U+FF0D full-width hyphen-minus
               ch == "\xE2\x88\x92" ||                            // U+2212 minus sign
               ch == "\xE3\x83\xBC" ||  // U+30FC katakana prolonged sound mark
               ch == "\xEF\xBD\xB0" ||  // U+FF70 half-width prolonged sound mark
               (ch.size() == 3 && ch[0] == '\xE2' && ch[1] == '\x80' && ch[2] >= '\x90' &&
                ch[2] <= '\x95')) {  // U+2010..U+2015 hyphens and dashes
      continue;
    } else {
      return NonDigitError(position);
    }
    if (count < kLength) digits[count] = digit;
    ++count;
  }
  if (count != kLength) return LengthError(kLength, count);
  if (auto error = CheckDigitError(digits)) return *std::move(error);
  return MyNumber(digits);
}

Expected<int> MyNumber::ComputeCheckDigit(std::string_view base) {
  for (std::size_t i = 0; i < base.size(); ++i) {
    if (!IsAsciiDigit(base[i])) return NonDigitError(i + 1);
  }
  if (base.size() != kBaseLength) return LengthError(kBaseLength, base.size());
  return CheckDigitOf(base.data());
}

MyNumber MyNumber::FromBase(uint64_t base) {
  assert(base < 100'000'000'000ULL);
  std::array<char, kLength> digits;
  for (std::size_t i = kBaseLength; i-- > 0;) {
    digits[i] = static_cast<char>('0' + base % 10);
    base /= 10;
  }
  digits[kBaseLength] = static_cast<char>('0' + CheckDigitOf(digits.data()));
  return MyNumber(digits);
}

std::string MyNumber::Masked() const {
  std::string out(kLength - 4, '*');
  out.append(digits_.data() + kLength - 4, 4);
  return out;
}

}  // namespace onshi
