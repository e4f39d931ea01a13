// 保険者番号 (insurer number) and 公費負担者番号 (public-expense payer number).
//
// Both follow 厚労省「保険者番号等の設定要領」 (card-and-identifiers.md §2):
//
//   8 digits  法別番号(2) + 都道府県番号(2, 01–47) + 保険者別番号(3) + 検証番号(1)
//   6 digits  都道府県番号(2) + 保険者別番号(3) + 検証番号(1)
//             (市町村国保 and 国保組合 only; they have no 法別番号)
//
// The 検証番号 is the Luhn mod-10 check over the preceding digits (LuhnCheckDigit
// below). A 公費負担者番号 has the 8-digit layout and the same check, but its
// 法別番号 comes from a disjoint set of codes (programmes under 生活保護法,
// 難病法 …), so it is a separate type: an insurer number and a 公費 number are
// never interchangeable, and each parser rejects the other's codes by name.
//
// On the OQS wire (oqs-interface.md §2) InsurerNumber is always 8 characters: a
// 6-digit 国保 number arrives zero-padded ("00138057") or space-padded
// ("  138057"). Parse accepts both and the bare 6 digits; all three give the
// same value. Because no insurer 法別番号 is 00, the padding is unambiguous.
#ifndef ONSHI_CORE_INSURER_NUMBER_HPP_
#define ONSHI_CORE_INSURER_NUMBER_HPP_

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/expected.hpp"

namespace onshi {

// The 検証番号 of 「保険者番号等の設定要領」: multiply the digits by 2,1,2,1…
// starting from the rightmost, add the products digit by digit (16 counts as
// 1+6), and take (10 − sum mod 10) mod 10. This is exactly the Luhn check
// digit. Also used for 公費負担者番号 and 医療機関コード.
// Requires `digits` to be ASCII digits only (asserted in debug builds).
int LuhnCheckDigit(std::string_view digits);

// What kind of scheme an insurer 法別番号 denotes.
enum class InsurerCategory {
  kKyokaiKenpo,              // 01 協会けんぽ
  kSeamen,                   // 02 船員保険
  kDayLaborer,               // 03, 04 日雇特例被保険者
  kHealthInsuranceSociety,   // 06 組合管掌健康保険 (組合健保)
  kSelfDefenseForces,        // 07 自衛官等
  kMutualAid,                // 31–34 共済組合
  kLateStageElderly,         // 39 後期高齢者医療
  kSpecialRetiree,           // 63, 72–75 特例退職被保険者
  kRetireeMedical,           // 67 国保 退職者医療
  kNationalHealthInsurance,  // 6-digit numbers: 市町村国保・国保組合 (no 法別番号)
};

// Japanese name of a category, e.g. "協会けんぽ".
std::string_view InsurerCategoryName(InsurerCategory category);

struct InsurerLawCode {
  int code;               // 法別番号, 1..99
  std::string_view name;  // official-style Japanese name
  InsurerCategory category;
};

// The table entry for an insurer 法別番号, or nullopt if it is not one we know.
// The table (insurer_number.cpp) is from secondary public lists; a code
// missing from it is rejected by InsurerNumber::Parse, so extend it rather
// than loosening the parser.
std::optional<InsurerLawCode> FindInsurerLawCode(int code);

class InsurerNumber {
 public:
  enum class Kind {
    kKokuho,      // 6 digits, 市町村国保・国保組合
    kEightDigit,  // 8 digits with a 法別番号
  };
  static constexpr std::string_view kField = "insurer_number";

  // Accepts "06139992"-style 8 digits, a bare 6-digit 国保 number, and a 6-digit
  // 国保 number padded to 8 with "00" or two spaces. Nothing else: no trimming,
  // no full-width digits (the input layer's job).
  static Expected<InsurerNumber> Parse(std::string_view text);

  // 検証番号 for a body of 7 digits (法別+都道府県+保険者別) or 5 digits (国保).
  static Expected<int> ComputeCheckDigit(std::string_view body);

  // The valid number with this body (7 or 5 digits), for synthetic data. The
  // body must pass the same rules as Parse (known 法別番号, prefecture 01–47).
  static Expected<InsurerNumber> FromBody(std::string_view body);

  Kind kind() const { return size_ == 6 ? Kind::kKokuho : Kind::kEightDigit; }
  InsurerCategory category() const;
  // nullopt for 国保, which has no 法別番号.
  std::optional<int> law_code() const;
  // nullopt for 国保.
  std::optional<InsurerLawCode> law_code_info() const;
  // 都道府県番号, 1..47 (JIS X 0401 order: 1 北海道 … 13 東京都 … 47 沖縄県).
  int prefecture() const;

  // The number as printed on cards: 6 digits for 国保, otherwise 8.
  std::string_view digits() const { return {digits_.data(), size_}; }

  // The canonical 8-character wire form, zero-padded: "00138057". We choose
  // zeros because a plain digit string survives JSON, XML whitespace
  // handling, SQL TRIM and copy-paste unchanged, where leading spaces are
  // silently dropped; myclinic's Web API client also sends this form. Use the
  // space-padded form only where a peer is known to expect it (the real
  // terminal's result files show "  138057"). Caveat: spreadsheets drop the
  // leading zeros instead, which Parse then reports as a length error.
  std::string ToWire() const;
  std::string ToWireSpacePadded() const;

  auto operator<=>(const InsurerNumber&) const = default;

 private:
  explicit InsurerNumber(std::string_view digits);

  std::array<char, 8> digits_{};  // first size_ chars used; rest stay '\0'
  uint8_t size_ = 0;              // 6 or 8
};

// ---------------------------------------------------------------------------

struct PublicExpenseLawCode {
  int code;               // 法別番号
  std::string_view name;  // programme, e.g. "生活保護法 医療扶助"
  bool local;             // 地方単独事業 (地単公費): our assumption, see .cpp
};

// The table entry for a 公費 法別番号, or nullopt if it is not one we know.
std::optional<PublicExpenseLawCode> FindPublicExpenseLawCode(int code);

class PublicExpensePayerNumber {
 public:
  static constexpr std::string_view kField = "public_expense_payer_number";

  // Exactly 8 ASCII digits: 公費 法別番号, prefecture 01–47, valid 検証番号.
  static Expected<PublicExpensePayerNumber> Parse(std::string_view text);
  // 検証番号 for a 7-digit body.
  static Expected<int> ComputeCheckDigit(std::string_view body);
  // The valid number with this 7-digit body, for synthetic data.
  static Expected<PublicExpensePayerNumber> FromBody(std::string_view body);

  int law_code() const;
  PublicExpenseLawCode law_code_info() const;
  int prefecture() const;
  std::string_view digits() const { return {digits_.data(), digits_.size()}; }

  auto operator<=>(const PublicExpensePayerNumber&) const = default;

 private:
  explicit PublicExpensePayerNumber(std::string_view digits);

  std::array<char, 8> digits_{};
};

}  // namespace onshi

template <>
struct std::hash<onshi::InsurerNumber> {
  std::size_t operator()(const onshi::InsurerNumber& n) const noexcept {
    return std::hash<std::string_view>{}(n.digits());
  }
};

template <>
struct std::hash<onshi::PublicExpensePayerNumber> {
  std::size_t operator()(const onshi::PublicExpensePayerNumber& n) const noexcept {
    return std::hash<std::string_view>{}(n.digits());
  }
};

#endif  // ONSHI_CORE_INSURER_NUMBER_HPP_
