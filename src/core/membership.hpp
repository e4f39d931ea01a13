// Membership (資格) history: what an insurer registered about one person.
//
// A person may hold a sequence of qualifications over a lifetime: a job with
// a 健保組合, then 国保 between jobs, then 後期高齢者医療 at 75. Each
// Qualification is one period with one insurer under one 記号・番号・枝番. A
// qualification starts on its acquisition date (資格取得年月日) and ends the day
// before its loss date (資格喪失年月日): Japanese insurance law makes the loss
// date the first day without cover (the day after death or after leaving a
// job), so the period is the half-open range [acquired, lost).
//
// Attributes that may change during a qualification (name, address, copay
// ratio, elderly and limit certificates) are effective-dated so that a query
// for a past date answers as of that date.
#ifndef ONSHI_CORE_MEMBERSHIP_HPP_
#define ONSHI_CORE_MEMBERSHIP_HPP_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.hpp"

namespace onshi {

// 本人・家族の別 (OQSCD009).
enum class PersonalFamily { kInsured = 1 /* 本人 */, kDependent = 2 /* 家族 */ };

// 性別 (OQSCD007).
enum class Sex { kMale = 1, kFemale = 2, kUnset = 3 };

// 資格喪失事由 (OQSCD008). The numeric values are the wire codes.
enum class LossReason {
  kDeath = 1,             // 01 死亡
  kPublicAssistance = 2,  // 02 生活保護受給開始
  kOtherInsurance = 3,    // 03 医療保険等の資格取得 (e.g. changed jobs)
  kOther = 99,            // 99 その他 (left the job, left the household …)
};
std::string_view LossReasonCode(LossReason r);  // "01", "02", "03", "99"
std::optional<LossReason> ParseLossReasonCode(std::string_view code);

// 被保険者証区分 (OQSCD010): the kind of card (or 資格確認書) the insurer
// issued for the qualification. The numeric values are the wire codes. A1
// (医療扶助) is not an insurer's qualification and is not modelled.
enum class CardClassification {
  kGeneral = 1,                 // 01 被保険者証（一般）
  kRetired = 2,                 // 02 被保険者証（退職）
  kShortTerm = 3,               // 03 短期被保険者証（一般）
  kShortTermRetired = 4,        // 04 短期被保険者証（退職）
  kEligibilityCertificate = 5,  // 05 被保険者資格証明書 (特別療養費支給対象者)
  kSpecialRetired = 6,          // 06 特例退職被保険者証
  kSelfDefenseForces = 7,       // 07 自衛官診療証
};
std::string_view CardClassificationCode(CardClassification c);  // "01".."07"
std::optional<CardClassification> ParseCardClassificationCode(std::string_view code);

// Linkage (紐付け) of an insurer's registration to the eligibility system
// through the intermediate server (中間サーバー). R-LINK-1..4.
enum class LinkageState {
  kSubmitted,          // received from the insurer, waiting for the lag to pass
  kProcessing,         // being checked against the resident registry
  kLinked,             // visible to facilities from linked_on
  kRegistrationError,  // rejected: missing/inaccurate My Number or basic info
};
std::string_view LinkageStateName(LinkageState s);
std::optional<LinkageState> ParseLinkageStateName(std::string_view name);

// Name and address as filed with the insurer, effective from a date.
struct MemberAttributes {
  Date effective_from;
  std::string name;          // full-width, family and given name separated by U+3000
  std::string name_kana;     // full-width katakana; the OQS codec converts to half-width
  std::string insured_name;  // 被保険者氏名 (世帯主 for 国保); the 本人's name
  std::string postcode;      // "123-4567"
  std::string address;
  std::string name_of_other{};       // 通称 (a registered alias), empty when none
  std::string name_of_other_kana{};  // its reading, full-width katakana
};

// 高齢受給者証 (ages 70-74): copay ratio is on the certificate, not the card.
struct ElderlyRecipient {
  Date certificate_date;
  Date valid_from;
  Date valid_until;        // inclusive
  int copay_percent = 20;  // 20 or 30
};

// 限度額適用認定証 relations (OQSCD011/012). Shown only with consent.
struct LimitCertificate {
  int classification = 1;     // OQSCD011: 1, 2 or 3
  std::string category_flag;  // OQSCD012: "A01".."A06", "B01".."B10"
  Date certificate_date;
  Date valid_from;
  Date valid_until;                    // inclusive
  std::optional<Date> long_term_date;  // 長期入院該当年月日
};

// 特定疾病療養受療証 (OQSCD013).
struct SpecificDisease {
  int category = 1;  // 1 人工透析を要する慢性腎不全, 2 血友病, 3 血液製剤によるHIV
  Date certificate_date;
  Date valid_from;
  Date valid_until;          // inclusive
  int self_pay_yen = 10000;  // monthly cap
};

struct Qualification {
  int64_t member_id = 0;  // store key; 0 before it is stored
  int64_t person_id = 0;  // the person (resident registry), never the My Number

  std::string insurer_number;  // canonical: 8 digits, or 6 digits for 国保
  std::string insurer_name;
  std::string symbol;  // 記号 (may be empty)
  std::string number;  // 番号
  std::string branch;  // 枝番, 2 digits
  PersonalFamily personal_family = PersonalFamily::kInsured;
  CardClassification card_classification = CardClassification::kGeneral;

  Date birth_date;          // copied from the registration; the query key
  Sex sex = Sex::kUnset;    // 性別 as printed (Sex1)
  std::optional<Sex> sex2;  // 性別2, only where the insurer applies the 性別表記 rules

  Date acquired;             // 資格取得年月日
  std::optional<Date> lost;  // 資格喪失年月日: first day without cover
  std::optional<LossReason> loss_reason;

  // 一部負担金割合 (10, 20 or 30) as filed by the insurer. When copay_filed is
  // false the ratio follows the law day by day instead (copay.hpp): a
  // preschool child moves from 2割 to 3割, a 70-year-old to 2割.
  int copay_percent = 30;
  bool copay_filed = false;
  // The card or 資格確認書: 交付年月日 and 有効期限 when the insurer gave them
  // (InsuredCertificateIssuanceDate / InsuredCardExpirationDate). Its
  // valid-from date (InsuredCardValidDate) is the qualification's start.
  std::optional<Date> card_issued_on;
  std::optional<Date> card_valid_until;
  std::optional<ElderlyRecipient> elderly;
  std::vector<LimitCertificate> limits;
  std::vector<SpecificDisease> diseases;
  std::vector<MemberAttributes> attributes;  // sorted by effective_from

  LinkageState linkage = LinkageState::kSubmitted;
  Date submitted_on;               // reached the intermediate server
  std::optional<Date> linked_on;   // visible to facilities from this date
  std::string registration_error;  // why, when linkage is kRegistrationError

  // True when the qualification covers `on`: acquired <= on < lost.
  bool Covers(Date on) const { return acquired <= on && (!lost.has_value() || on < *lost); }
  // True when facilities can see it on `today` (R-LINK-2).
  bool VisibleOn(Date today) const {
    return linkage == LinkageState::kLinked && linked_on.has_value() && *linked_on <= today;
  }
  // Attributes in force on `on`; the earliest set if `on` precedes them all.
  // Requires a non-empty attributes list.
  const MemberAttributes& AttributesOn(Date on) const;
  // Certificates in force on `on` (nullptr / empty when none).
  const ElderlyRecipient* ElderlyOn(Date on) const;
  const LimitCertificate* LimitOn(Date on) const;
  std::vector<const SpecificDisease*> DiseasesOn(Date on) const;
};

}  // namespace onshi

#endif  // ONSHI_CORE_MEMBERSHIP_HPP_
