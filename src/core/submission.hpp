// Submissions (届出): the forms an insurer receives from employers and enters
// into the intermediate server (中間サーバー), R-LINK-1.
//
// A submission arrives as text, one record per line of an import file or per
// API call, and is read in two steps so that every input format shares the
// same rules:
//   1. an adapter (src/intake: CSV in UTF-8 or Shift_JIS, JSON lines) turns
//      a line into a RawSubmission: the field texts exactly as filed;
//   2. ReadSubmission checks them and returns a typed Submission, or every
//      FieldError found (not just the first: a clerk fixes a line once).
// Rules that need stored state (duplicates, 枝番 uniqueness, the resident
// registry check) are applied by the intermediate server, not here.
#ifndef ONSHI_CORE_SUBMISSION_HPP_
#define ONSHI_CORE_SUBMISSION_HPP_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/benefits.hpp"
#include "core/date.hpp"
#include "core/expected.hpp"
#include "core/field_error.hpp"
#include "core/membership.hpp"
#include "core/my_number.hpp"

namespace onshi {

enum class FormKind {
  kAcquisition,      // 資格取得届: a new insured person (本人)
  kDependentAdd,     // 被扶養者異動届 (該当): a dependent (家族) joins
  kDependentRemove,  // 被扶養者異動届 (非該当): a dependent leaves
  kLoss,             // 資格喪失届: the insured person leaves, with reason
  kChange,           // 変更届 (氏名・住所変更)
  kBenefits,         // 給付情報届: benefits data for a member (benefits.hpp)
};

// The storage and file code: "acquisition", "dependent_add",
// "dependent_remove", "loss", "change".
std::string_view FormKindCode(FormKind kind);
// Accepts the code or the Japanese name used on the paper form: 資格取得届,
// 被扶養者異動届(該当) / 被扶養者追加, 被扶養者異動届(非該当) / 被扶養者削除,
// 資格喪失届, 変更届, 給付情報届 (full- or half-width brackets).
std::optional<FormKind> ParseFormKind(std::string_view text);
// The Japanese name, for reports: "資格取得届", "被扶養者異動届（該当）", …
std::string_view FormKindName(FormKind kind);
// A form that makes a new member: 資格取得届 or 被扶養者異動届（該当）.
bool Joins(FormKind f);
// A form that ends a membership: 資格喪失届 or 被扶養者異動届（非該当）.
bool IsLeaving(FormKind f);

// The field texts of one filed form, as an adapter read them. Empty means
// "not filled in". Field names (the `field` of a FieldError) are the member
// names below; file headers map onto them (see src/intake).
struct RawSubmission {
  std::string submission_id;       // 受付番号: the insurer's id, the idempotency key
  std::string form;                // FormKind code or Japanese name
  std::string my_number;           // 個人番号
  std::string name;                // 氏名 (kanji), family and given name
  std::string name_kana;           // 氏名カナ
  std::string birth_date;          // 生年月日: YYYYMMDD, YYYY-MM-DD or YYYY/MM/DD
  std::string sex;                 // 性別: 1/2, 男/女, M/F
  std::string postcode;            // 郵便番号: 1234567 or 123-4567
  std::string address;             // 住所
  std::string symbol;              // 記号
  std::string number;              // 番号
  std::string branch;              // 枝番: 2 digits (1 digit is zero-padded)
  std::string event_date;          // 資格取得日 / 喪失日 / 異動日 / 変更日, by form
  std::string loss_reason;         // 喪失事由: 01/02/03/99 (loss and dependent_remove)
  std::string certificate_wanted;  // 資格確認書の交付希望: 1/0, ○, 有/無, true/false
  std::string copay_percent;       // 一部負担金割合 (optional): 10, 20, 30
  // Benefits data (benefits.hpp), on 資格取得届, 被扶養者異動届（該当） and
  // 給付情報届 only. Dates as birth_date; codes as oqs-interface.md §3.3.
  std::string card_classification;       // 被保険者証区分 OQSCD010: 01..07
  std::string card_issued_on;            // 交付年月日 (card or 資格確認書)
  std::string card_valid_until;          // 有効期限
  std::string name_of_other;             // 通称
  std::string name_of_other_kana;        // 通称カナ
  std::string sex2;                      // 性別2: 1, 2 or 3
  std::string elderly_certificate_date;  // 高齢受給者証 交付年月日
  std::string elderly_valid_from;        // 高齢受給者証 有効開始年月日
  std::string elderly_valid_until;       // 高齢受給者証 有効終了年月日
  std::string elderly_copay_percent;     // 高齢受給者証 負担割合: 20 or 30
  std::string limit_classification;      // 限度額適用認定証区分 OQSCD011: 01..03
  std::string limit_category;            // 適用区分 OQSCD012: A01..A06, B01..B10
  std::string limit_certificate_date;    // 限度額適用認定証 交付年月日
  std::string limit_valid_from;          // 限度額適用認定証 有効開始年月日
  std::string limit_valid_until;         // 限度額適用認定証 有効終了年月日
  std::string limit_long_term_date;      // 長期入院該当年月日
  std::string disease_category;          // 特定疾病区分 OQSCD013: 1..3
  std::string disease_certificate_date;  // 特定疾病療養受療証 交付年月日
  std::string disease_valid_from;        // 特定疾病療養受療証 有効開始年月日
  std::string disease_valid_until;       // 特定疾病療養受療証 有効終了年月日
  std::string disease_self_pay;          // 自己負担限度額 (yen a month): 10000 or 20000
};

struct Submission {
  std::string submission_id;
  FormKind form = FormKind::kAcquisition;
  MyNumber my_number = MyNumber::FromBase(0);  // set by ReadSubmission but on 給付情報届
  std::string name;       // normalised spacing: one U+3000 between family and given name
  std::string name_kana;  // full-width katakana
  Date birth_date;
  Sex sex = Sex::kUnset;
  std::string postcode;  // "123-4567" or ""
  std::string address;
  std::string symbol;
  std::string number;
  std::string branch;  // 2 digits
  Date event_date;
  std::optional<LossReason> loss_reason;
  bool certificate_wanted = false;
  std::optional<int> copay_percent;
  BenefitsFiling benefits;

  PersonalFamily personal_family() const {
    return form == FormKind::kAcquisition || form == FormKind::kLoss ? PersonalFamily::kInsured
                                                                     : PersonalFamily::kDependent;
  }
};

// Checks and types `raw`. Rules (R-LINK-1, R-LINK-4: an inaccurate form must
// be stopped, not registered):
//   - submission_id: 1–64 printable ASCII characters;
//   - my_number: check digit (MyNumber::ParseLenient), required on every
//     form but 給付情報届;
//   - name, birth_date, sex, symbol/number/branch, event_date: required
//     (給付情報届: birth_date, symbol/number/branch and event_date);
//   - name_kana: required on acquisition, dependent_add and change;
//     full-width or half-width katakana (converted to full-width);
//   - address: required on acquisition, dependent_add and change;
//   - birth_date on or before event_date, and neither after `received_on`
//     by more than 1 year (a future acquisition date is allowed: employers
//     file ahead of the start day);
//   - loss_reason: required on loss and dependent_remove, absent otherwise;
//   - copay_percent: 10, 20 or 30 if present;
//   - benefits (給付情報届): the member is named by 記号・番号・枝番 and
//     生年月日 only, so my_number, name, name_kana, sex, postcode, address
//     and certificate_wanted stay blank; event_date is the day a filed 通称
//     applies from; at least one benefits field or copay_percent;
//   - benefits fields: only on 資格取得届, 被扶養者異動届（該当） and
//     給付情報届; each code from its table, each date a date; a certificate
//     is all its fields or none (長期入院該当年月日 is optional); 通称カナ
//     needs a 通称. What depends on the member (age, insurer) is
//     CheckBenefitsFor's.
// Returns every error found; `line` in each is 0.
Expected<Submission, std::vector<FieldError>> ReadSubmission(const RawSubmission& raw,
                                                             Date received_on);

}  // namespace onshi

#endif  // ONSHI_CORE_SUBMISSION_HPP_
