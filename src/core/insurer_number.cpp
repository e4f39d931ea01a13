#include "core/insurer_number.hpp"

#include <algorithm>
#include <cassert>
#include <utility>

namespace onshi {
namespace {

// Insurer 法別番号 (card-and-identifiers.md §2; secondary public lists). Sorted.
constexpr InsurerLawCode kInsurerLawCodes[] = {
    {1, "全国健康保険協会管掌健康保険", InsurerCategory::kKyokaiKenpo},
    {2, "船員保険", InsurerCategory::kSeamen},
    {3, "日雇特例被保険者の保険（一般療養）", InsurerCategory::kDayLaborer},
    {4, "日雇特例被保険者の保険（特別療養費）", InsurerCategory::kDayLaborer},
    {6, "組合管掌健康保険", InsurerCategory::kHealthInsuranceSociety},
    {7, "自衛官等の療養の給付", InsurerCategory::kSelfDefenseForces},
    {31, "国家公務員共済組合", InsurerCategory::kMutualAid},
    {32, "地方公務員等共済組合", InsurerCategory::kMutualAid},
    {33, "警察共済組合", InsurerCategory::kMutualAid},
    {34, "公立学校共済組合・日本私立学校振興・共済事業団", InsurerCategory::kMutualAid},
    {39, "後期高齢者医療", InsurerCategory::kLateStageElderly},
    {63, "特定健康保険組合（特例退職被保険者）", InsurerCategory::kSpecialRetiree},
    {67, "国民健康保険（退職者医療）", InsurerCategory::kRetireeMedical},
    {72, "国家公務員共済組合（特例退職被保険者）", InsurerCategory::kSpecialRetiree},
    {73, "地方公務員等共済組合（特例退職被保険者）", InsurerCategory::kSpecialRetiree},
    {74, "警察共済組合（特例退職被保険者）", InsurerCategory::kSpecialRetiree},
    {75, "公立学校共済組合・日本私立学校振興・共済事業団（特例退職被保険者）",
     InsurerCategory::kSpecialRetiree},
};

// National 公費 法別番号 (secondary lists; the doc quotes 10–25, 28–30, 38,
// 51–54, 66, 79). Sorted.
constexpr PublicExpenseLawCode kPublicExpenseLawCodes[] = {
    {10, "感染症法 結核患者の適正医療", false},
    {11, "感染症法 結核患者の入院", false},
    {12, "生活保護法 医療扶助", false},
    {13, "戦傷病者特別援護法 療養の給付", false},
    {14, "戦傷病者特別援護法 更生医療", false},
    {15, "障害者総合支援法 更生医療", false},
    {16, "障害者総合支援法 育成医療", false},
    {17, "児童福祉法 療育の給付", false},
    {18, "原爆被爆者援護法 認定疾病医療", false},
    {19, "原爆被爆者援護法 一般疾病医療費", false},
    {20, "精神保健福祉法 措置入院", false},
    {21, "障害者総合支援法 精神通院医療", false},
    {22, "麻薬及び向精神薬取締法 入院措置", false},
    {23, "母子保健法 養育医療", false},
    {24, "障害者総合支援法 療養介護医療", false},
    {25, "中国残留邦人等支援法 医療支援給付", false},
    {28, "感染症法 一類・二類感染症等の入院", false},
    {29, "感染症法 新感染症の入院", false},
    {30, "心神喪失者等医療観察法 医療の実施", false},
    {38, "肝炎治療特別促進事業", false},
    {51, "特定疾患治療費・先天性血液凝固因子障害等治療費", false},
    {52, "児童福祉法 小児慢性特定疾病医療支援", false},
    {53, "児童福祉法 措置等に係る医療の給付", false},
    {54, "難病法 特定医療", false},
    {66, "石綿健康被害救済法 医療費", false},
    {79, "児童福祉法 障害児入所医療", false},
};

// 地方単独事業 (prefectural/municipal subsidies such as 乳幼児医療) number
// their programmes per prefecture. We assume they use 法別番号 80–99 with the
// standard layout and check digit; no official text for this was found.
constexpr int kFirstLocalPublicExpenseCode = 80;
constexpr int kLastLocalPublicExpenseCode = 99;

bool IsAsciiDigit(char c) {
  return c >= '0' && c <= '9';
}

int TwoDigits(const char* p) {
  return (p[0] - '0') * 10 + (p[1] - '0');
}

std::string Pad2(int n) {
  return std::string{static_cast<char>('0' + n / 10 % 10), static_cast<char>('0' + n % 10)};
}

// 1-based position of the first non-digit in `text`, or 0 if there is none.
std::size_t FirstNonDigit(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!IsAsciiDigit(text[i])) return i + 1;
  }
  return 0;
}

Error NonDigitError(std::string_view field, std::size_t position) {
  return MakeError(std::string(field),
                   "contains a non-digit at position " + std::to_string(position));
}

// Checks the parts shared by every layout: prefecture at `digits[pref_at]`,
// check digit last. `digits` is all ASCII digits.
std::optional<Error> CheckPrefectureAndDigit(std::string_view field, std::string_view digits,
                                             std::size_t pref_at) {
  const int prefecture = TwoDigits(digits.data() + pref_at);
  if (prefecture < 1 || prefecture > 47) {
    return MakeError(std::string(field),
                     "prefecture (都道府県番号) must be 01-47, got " + Pad2(prefecture));
  }
  const int expected = LuhnCheckDigit(digits.substr(0, digits.size() - 1));
  const int actual = digits.back() - '0';
  if (actual != expected) {
    return MakeError(std::string(field), "check digit (検証番号) is " + std::to_string(actual) +
                                             ", expected " + std::to_string(expected));
  }
  return std::nullopt;
}

// Validates a body for ComputeCheckDigit/FromBody: digits only, one of the
// allowed lengths.
std::optional<Error> CheckBody(std::string_view field, std::string_view body, std::size_t length_a,
                               std::size_t length_b) {
  if (const std::size_t pos = FirstNonDigit(body)) return NonDigitError(field, pos);
  if (body.size() != length_a && body.size() != length_b) {
    std::string want = std::to_string(length_a);
    if (length_b != length_a) want += " or " + std::to_string(length_b);
    return MakeError(std::string(field),
                     "body must be " + want + " digits, got " + std::to_string(body.size()));
  }
  return std::nullopt;
}

}  // namespace

int LuhnCheckDigit(std::string_view digits) {
  int sum = 0;
  bool doubled = true;  // the rightmost digit is multiplied by 2
  for (std::size_t i = digits.size(); i-- > 0;) {
    assert(IsAsciiDigit(digits[i]));
    int d = digits[i] - '0';
    if (doubled) {
      d *= 2;
      if (d > 9) d -= 9;  // same as adding the two digits of 10..18
    }
    sum += d;
    doubled = !doubled;
  }
  return (10 - sum % 10) % 10;
}

std::string_view InsurerCategoryName(InsurerCategory category) {
  switch (category) {
    case InsurerCategory::kKyokaiKenpo:
      return "協会けんぽ";
    case InsurerCategory::kSeamen:
      return "船員保険";
    case InsurerCategory::kDayLaborer:
      return "日雇特例被保険者";
    case InsurerCategory::kHealthInsuranceSociety:
      return "組合健保";
    case InsurerCategory::kSelfDefenseForces:
      return "自衛官等";
    case InsurerCategory::kMutualAid:
      return "共済組合";
    case InsurerCategory::kLateStageElderly:
      return "後期高齢者医療";
    case InsurerCategory::kSpecialRetiree:
      return "特例退職被保険者";
    case InsurerCategory::kRetireeMedical:
      return "退職者医療";
    case InsurerCategory::kNationalHealthInsurance:
      return "国民健康保険";
  }
  return "";
}

std::optional<InsurerLawCode> FindInsurerLawCode(int code) {
  const auto* it = std::find_if(std::begin(kInsurerLawCodes), std::end(kInsurerLawCodes),
                                [code](const InsurerLawCode& e) { return e.code == code; });
  if (it == std::end(kInsurerLawCodes)) return std::nullopt;
  return *it;
}

std::optional<PublicExpenseLawCode> FindPublicExpenseLawCode(int code) {
  if (code >= kFirstLocalPublicExpenseCode && code <= kLastLocalPublicExpenseCode) {
    return PublicExpenseLawCode{code, "地方単独事業（地単公費）", true};
  }
  const auto* it =
      std::find_if(std::begin(kPublicExpenseLawCodes), std::end(kPublicExpenseLawCodes),
                   [code](const PublicExpenseLawCode& e) { return e.code == code; });
  if (it == std::end(kPublicExpenseLawCodes)) return std::nullopt;
  return *it;
}

// ---------------------------------------------------------------------------
// InsurerNumber

InsurerNumber::InsurerNumber(std::string_view digits) : size_(static_cast<uint8_t>(digits.size())) {
  assert(digits.size() == 6 || digits.size() == 8);
  std::copy(digits.begin(), digits.end(), digits_.begin());
}

Expected<InsurerNumber> InsurerNumber::Parse(std::string_view text) {
  // Space padding is only meaningful as exactly two leading spaces before a
  // 6-digit 国保 number; anything else with a space is a non-digit below.
  std::size_t offset = 0;
  if (text.size() == 8 && text.starts_with("  ")) offset = 2;
  const std::string_view rest = text.substr(offset);
  if (const std::size_t pos = FirstNonDigit(rest)) return NonDigitError(kField, pos + offset);
  if (text.size() != 8 && text.size() != 6) {
    return MakeError(std::string(kField),
                     "must be 8 digits (or 6 for 国保), got " + std::to_string(text.size()));
  }

  std::string_view digits = rest;
  if (digits.size() == 8 && digits.starts_with("00")) digits = digits.substr(2);  // padded 国保

  if (digits.size() == 8) {
    const int law = TwoDigits(digits.data());
    if (!FindInsurerLawCode(law)) {
      if (FindPublicExpenseLawCode(law)) {
        return MakeError(std::string(kField), "law code (法別番号) " + Pad2(law) +
                                                  " is a 公費 (public expense) programme, "
                                                  "not an insurer");
      }
      return MakeError(std::string(kField), "unknown law code (法別番号) " + Pad2(law));
    }
    if (auto error = CheckPrefectureAndDigit(kField, digits, 2)) return *std::move(error);
  } else {
    if (auto error = CheckPrefectureAndDigit(kField, digits, 0)) return *std::move(error);
  }
  return InsurerNumber(digits);
}

Expected<int> InsurerNumber::ComputeCheckDigit(std::string_view body) {
  if (auto error = CheckBody(kField, body, 7, 5)) return *std::move(error);
  return LuhnCheckDigit(body);
}

Expected<InsurerNumber> InsurerNumber::FromBody(std::string_view body) {
  if (auto error = CheckBody(kField, body, 7, 5)) return *std::move(error);
  std::string digits(body);
  digits.push_back(static_cast<char>('0' + LuhnCheckDigit(body)));
  return Parse(digits);
}

InsurerCategory InsurerNumber::category() const {
  if (kind() == Kind::kKokuho) return InsurerCategory::kNationalHealthInsurance;
  return FindInsurerLawCode(TwoDigits(digits_.data()))->category;
}

std::optional<int> InsurerNumber::law_code() const {
  if (kind() == Kind::kKokuho) return std::nullopt;
  return TwoDigits(digits_.data());
}

std::optional<InsurerLawCode> InsurerNumber::law_code_info() const {
  if (kind() == Kind::kKokuho) return std::nullopt;
  return FindInsurerLawCode(TwoDigits(digits_.data()));
}

int InsurerNumber::prefecture() const {
  return TwoDigits(digits_.data() + (kind() == Kind::kKokuho ? 0 : 2));
}

std::string InsurerNumber::ToWire() const {
  return std::string(8 - size_, '0').append(digits());
}

std::string InsurerNumber::ToWireSpacePadded() const {
  return std::string(8 - size_, ' ').append(digits());
}

// ---------------------------------------------------------------------------
// PublicExpensePayerNumber

PublicExpensePayerNumber::PublicExpensePayerNumber(std::string_view digits) {
  assert(digits.size() == digits_.size());
  std::copy(digits.begin(), digits.end(), digits_.begin());
}

Expected<PublicExpensePayerNumber> PublicExpensePayerNumber::Parse(std::string_view text) {
  if (const std::size_t pos = FirstNonDigit(text)) return NonDigitError(kField, pos);
  if (text.size() != 8) {
    return MakeError(std::string(kField), "must be 8 digits, got " + std::to_string(text.size()));
  }
  const int law = TwoDigits(text.data());
  if (!FindPublicExpenseLawCode(law)) {
    if (FindInsurerLawCode(law)) {
      return MakeError(std::string(kField), "law code (法別番号) " + Pad2(law) +
                                                " belongs to an insurer, not a 公費 programme");
    }
    return MakeError(std::string(kField), "unknown law code (法別番号) " + Pad2(law));
  }
  if (auto error = CheckPrefectureAndDigit(kField, text, 2)) return *std::move(error);
  return PublicExpensePayerNumber(text);
}

Expected<int> PublicExpensePayerNumber::ComputeCheckDigit(std::string_view body) {
  if (auto error = CheckBody(kField, body, 7, 7)) return *std::move(error);
  return LuhnCheckDigit(body);
}

Expected<PublicExpensePayerNumber> PublicExpensePayerNumber::FromBody(std::string_view body) {
  if (auto error = CheckBody(kField, body, 7, 7)) return *std::move(error);
  std::string digits(body);
  digits.push_back(static_cast<char>('0' + LuhnCheckDigit(body)));
  return Parse(digits);
}

int PublicExpensePayerNumber::law_code() const {
  return TwoDigits(digits_.data());
}

PublicExpenseLawCode PublicExpensePayerNumber::law_code_info() const {
  return *FindPublicExpenseLawCode(law_code());
}

int PublicExpensePayerNumber::prefecture() const {
  return TwoDigits(digits_.data() + 2);
}

}  // namespace onshi
