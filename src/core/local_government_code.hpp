// 地方公共団体コード: the 6-digit code of a prefecture or municipality (市区町村,
// and the wards of designated cities), the JIS X 0401/0402 number plus a
// check digit, as 総務省 publishes it.
//
//   都道府県コード(2, 01–47) + 市区町村コード(3) + 検査数字(1)
//
// 検査数字: multiply the five digits by 6, 5, 4, 3, 2, sum, take the
// remainder r modulo 11; the check digit is the last digit of 11 − r (so
// r = 0 gives 1 and r = 1 gives 0). Worked against published codes:
// 千代田区 131016 (sum 27, r 5 → 6), 港区 131032 (31, 9 → 2), 新宿区 131041
// (33, 0 → 11 → 1), 札幌市 011002 (9, 9 → 2), 那覇市 472018 (69, 3 → 8).
//
// onshi records each resident's municipality (persons.municipality) and the
// municipal window's certificate carries one (CN); a window acts only on its
// own residents (municipal/residency.hpp).
#ifndef ONSHI_CORE_LOCAL_GOVERNMENT_CODE_HPP_
#define ONSHI_CORE_LOCAL_GOVERNMENT_CODE_HPP_

#include <array>
#include <compare>
#include <string_view>

#include "core/expected.hpp"

namespace onshi {

class LocalGovernmentCode {
 public:
  static constexpr std::size_t kLength = 6;
  static constexpr std::string_view kField = "municipality";

  // Exactly 6 ASCII digits: prefecture 01–47 and a valid 検査数字.
  static Expected<LocalGovernmentCode> Parse(std::string_view text);
  // 検査数字 for the first 5 digits.
  static Expected<int> ComputeCheckDigit(std::string_view body);
  // The valid code for a 5-digit body (e.g. "13101" → 131016).
  static Expected<LocalGovernmentCode> FromBody(std::string_view body);

  int prefecture() const { return (digits_[0] - '0') * 10 + (digits_[1] - '0'); }
  std::string_view digits() const { return {digits_.data(), digits_.size()}; }

  auto operator<=>(const LocalGovernmentCode&) const = default;

 private:
  explicit LocalGovernmentCode(std::string_view digits);
  std::array<char, kLength> digits_{};
};

}  // namespace onshi

#endif  // ONSHI_CORE_LOCAL_GOVERNMENT_CODE_HPP_
