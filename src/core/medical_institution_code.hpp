// 医療機関コード: the 10-digit code of a 保険医療機関 or 保険薬局 (and of a
// 訪問看護ステーション), as printed on prescriptions and sent in every OQS
// MessageHeader/MedicalInstitutionCode.
//
//   都道府県番号(2, 01–47) + 点数表番号(1) + 医療機関番号(7)
//   医療機関番号 = 郡市区番号(2) + 機関番号(4) + 検証番号(1)
//
// The 検証番号 is the Luhn mod-10 check (LuhnCheckDigit, the 保険者番号 method)
// over the nine digits before it, prefecture and 点数表番号 included. The
// Japanese Wikipedia article 処方箋発行医療機関コード states that the check is
// computed "together with" the prefecture and 点数表番号, and this was verified
// against published codes (see medical_institution_code.cpp). Applying the
// method to the 6 digits 郡市区+機関 alone does NOT reproduce them.
#ifndef ONSHI_CORE_MEDICAL_INSTITUTION_CODE_HPP_
#define ONSHI_CORE_MEDICAL_INSTITUTION_CODE_HPP_

#include <array>
#include <compare>
#include <cstddef>
#include <functional>
#include <string_view>

#include "core/expected.hpp"

namespace onshi {

// 点数表番号: which fee schedule the facility bills under. Values are the digit.
enum class FacilityType {
  kMedical = 1,           // 医科 (hospitals and clinics)
  kDental = 3,            // 歯科
  kPharmacy = 4,          // 調剤 (保険薬局)
  kHomeVisitNursing = 6,  // 訪問看護 (訪問看護ステーション)
};

// Japanese name, e.g. "医科", "薬局".
std::string_view FacilityTypeName(FacilityType type);

class MedicalInstitutionCode {
 public:
  static constexpr std::size_t kLength = 10;
  static constexpr std::string_view kField = "medical_institution_code";

  // Exactly 10 ASCII digits: prefecture 01–47, 点数表番号 1/3/4/6, valid 検証番号.
  static Expected<MedicalInstitutionCode> Parse(std::string_view text);
  // 検証番号 for the 9 digits before it.
  static Expected<int> ComputeCheckDigit(std::string_view body);
  // The valid code with this 9-digit body, for synthetic data.
  static Expected<MedicalInstitutionCode> FromBody(std::string_view body);

  int prefecture() const;              // 1..47
  FacilityType facility_type() const;  // 点数表番号
  int district() const;                // 郡市区番号, 0..99
  // The 7-digit 医療機関番号 (郡市区+機関+検証) as listed by the 地方厚生局,
  // which is unique only within a prefecture and 点数表.
  std::string_view institution_number() const { return digits().substr(3); }
  std::string_view digits() const { return {digits_.data(), digits_.size()}; }

  auto operator<=>(const MedicalInstitutionCode&) const = default;

 private:
  explicit MedicalInstitutionCode(std::string_view digits);

  std::array<char, kLength> digits_{};
};

}  // namespace onshi

template <>
struct std::hash<onshi::MedicalInstitutionCode> {
  std::size_t operator()(const onshi::MedicalInstitutionCode& c) const noexcept {
    return std::hash<std::string_view>{}(c.digits());
  }
};

#endif  // ONSHI_CORE_MEDICAL_INSTITUTION_CODE_HPP_
