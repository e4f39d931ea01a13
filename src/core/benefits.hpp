// Benefits data (給付情報) an insurer files per member, R-FAC-9 (seeds 002,
// 004): with a マイナ保険証 the facility learns the 高齢受給者証, the
// 限度額適用認定証 and the 特定疾病療養受療証 online, so the insurer must have
// filed them. Besides the certificates, a filing may carry the card's own
// facts: 被保険者証区分, its 交付年月日 and 有効期限, the 通称 and 性別2.
//
// A filing comes on a 資格取得届 / 被扶養者異動届（該当） (applied to the new
// member at receipt) or on a 給付情報届 (applied to the member under its
// 記号・番号・枝番 when the form links, after the insurer's lag like every
// form, R-LINK-3). The 一部負担金割合 is filed in its own column
// (Submission::copay_percent) on the same forms.
//
// Codes (oqs-interface.md §3.3):
//   - 被保険者証区分 OQSCD010: 01..07;
//   - 限度額適用認定証区分 OQSCD011: 01 限度額適用認定証, 02 限度額適用・
//     標準負担額減額認定証, 03 標準負担額減額認定証;
//   - 適用区分 OQSCD012: A01..A06 (under 70: ア, イ, ウ, エ, オ, オ（境）),
//     B01..B10 (70 and over, 後期高齢者: 現役並みⅢ, Ⅱ, Ⅰ, 一般, 低所得Ⅱ, Ⅰ,
//     Ⅰ（老福）, Ⅰ（境）, 一般Ⅱ, 一般Ⅰ);
//   - 特定疾病 OQSCD013: 1 人工透析を要する慢性腎不全, 2 血友病, 3 血液製剤に
//     よるHIV; the monthly self-pay is 10,000 yen, or 20,000 yen for 人工透析
//     of a high-income member (健康保険法施行令 §42⑨).
#ifndef ONSHI_CORE_BENEFITS_HPP_
#define ONSHI_CORE_BENEFITS_HPP_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.hpp"
#include "core/field_error.hpp"
#include "core/membership.hpp"

namespace onshi {

struct BenefitsFiling {
  std::optional<CardClassification> card_classification;
  std::optional<Date> card_issued_on;    // 交付年月日 of the card or 資格確認書
  std::optional<Date> card_valid_until;  // 有効期限
  std::string name_of_other;             // 通称; empty when not filed
  std::string name_of_other_kana;        // its reading, full-width katakana
  std::optional<Sex> sex2;               // 性別2
  std::optional<ElderlyRecipient> elderly;
  std::optional<LimitCertificate> limit;
  std::optional<SpecificDisease> disease;

  bool empty() const {
    return !card_classification && !card_issued_on && !card_valid_until && name_of_other.empty() &&
           !sex2 && !elderly && !limit && !disease;
  }
};

// True for an OQSCD012 code: A01..A06 or B01..B10.
bool IsLimitCategoryFlag(std::string_view flag);

// The member a filing is checked against.
struct BenefitsMember {
  std::string insurer_number;
  Date birth_date;
  Date acquired;
  std::optional<Date> lost;
};

// What is wrong with `filing` (and `copay_percent`, the filed
// 一部負担金割合) for `member`, one FieldError per problem (line 0), named
// after the RawSubmission member to correct:
//   - copay_percent 10 only in 後期高齢者医療 (§67; under 75 it is 2 or 3割);
//   - 高齢受給者証: not in 後期高齢者医療, valid only within the member's
//     70–74 years (ElderlyRecipientFrom..Until, copay.hpp), from before to
//     after;
//   - 限度額適用認定証: an A flag only before the member's 高齢受給者 start
//     and outside 後期高齢者医療, a B flag otherwise; 長期入院該当 only on a
//     減額認定証 (区分 02, 03);
//   - 特定疾病: 20,000 yen only for 人工透析 (区分 1) before 70;
//   - every certificate and the card: valid from on or before valid until,
//     and a certificate's first day inside the qualification [acquired, lost).
std::vector<FieldError> CheckBenefitsFor(const BenefitsFiling& filing,
                                         std::optional<int> copay_percent,
                                         const BenefitsMember& member);

// Puts the filing into `q`: a filed ratio (copay_filed), the card's facts,
// the 通称 from `effective` on (on every later set of attributes too), the
// 高齢受給者証 (replacing the earlier one), a 限度額適用認定証 (replacing every
// stored one whose validity overlaps it) and a 特定疾病療養受療証 (replacing
// those of the same category that overlap it). Certificates stay ordered by
// their first day. Requires q.attributes to be non-empty.
void ApplyBenefits(Qualification& q, const BenefitsFiling& filing, std::optional<int> copay_percent,
                   Date effective);

}  // namespace onshi

#endif  // ONSHI_CORE_BENEFITS_HPP_
