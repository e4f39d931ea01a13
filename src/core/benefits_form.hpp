// The benefits columns of a filed form (RawSubmission) read into a
// BenefitsFiling (benefits.hpp): codes from their tables, dates, and whole
// certificates. What depends on the member is CheckBenefitsFor's.
#ifndef ONSHI_CORE_BENEFITS_FORM_HPP_
#define ONSHI_CORE_BENEFITS_FORM_HPP_

#include <string_view>
#include <vector>

#include "core/benefits.hpp"
#include "core/submission.hpp"

namespace onshi {

// Reads every benefits field of `raw` into `out`, appending one FieldError
// (line 0) per problem, named after the RawSubmission member:
//   - card_classification 01..07 (a single digit is zero-padded);
//   - sex2 1, 2 or 3; name_of_other_kana katakana or hiragana, and only
//     with a name_of_other;
//   - each date a date (YYYYMMDD, YYYY-MM-DD, 和暦);
//   - a 高齢受給者証 is its four fields, a 限度額適用認定証 its five (the
//     長期入院該当年月日 besides), a 特定疾病療養受療証 its five: some but not
//     all of them is an error naming each missing one;
//   - elderly_copay_percent 20 or 30 (also 020, 030, 2, 3);
//     limit_classification 01..03 (or 1..3); limit_category A01..A06 or
//     B01..B10 (upper or lower case); disease_category 1..3;
//     disease_self_pay 10000 or 20000 (yen, commas allowed);
//   - valid from on or before valid until.
void ReadBenefitsFields(const RawSubmission& raw, BenefitsFiling* out,
                        std::vector<FieldError>* errors);

// The names of the benefits fields of `raw` that are not blank.
std::vector<std::string_view> FilledBenefitsFields(const RawSubmission& raw);

}  // namespace onshi

#endif  // ONSHI_CORE_BENEFITS_FORM_HPP_
