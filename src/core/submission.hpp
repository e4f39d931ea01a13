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

#include "core/date.hpp"
#include "core/expected.hpp"
#include "core/membership.hpp"
#include "core/my_number.hpp"

namespace onshi {

enum class FormKind {
  kAcquisition,      // 資格取得届: a new insured person (本人)
  kDependentAdd,     // 被扶養者異動届 (該当): a dependent (家族) joins
  kDependentRemove,  // 被扶養者異動届 (非該当): a dependent leaves
  kLoss,             // 資格喪失届: the insured person leaves, with reason
  kChange,           // 変更届 (氏名・住所変更)
};

// The storage and file code: "acquisition", "dependent_add",
// "dependent_remove", "loss", "change".
std::string_view FormKindCode(FormKind kind);
// Accepts the code or the Japanese name used on the paper form: 資格取得届,
// 被扶養者異動届(該当) / 被扶養者追加, 被扶養者異動届(非該当) / 被扶養者削除,
// 資格喪失届, 変更届 (full- or half-width brackets).
std::optional<FormKind> ParseFormKind(std::string_view text);
// The Japanese name, for reports: "資格取得届", "被扶養者異動届（該当）", …
std::string_view FormKindName(FormKind kind);

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
};

// One problem with one field of one record. `line` is filled in by the
// adapter (1-based physical line of the file; 0 for API calls).
struct FieldError {
  int64_t line = 0;
  std::string field;   // a RawSubmission member name, or "" for the whole record
  std::string reason;  // what is wrong, in words a clerk can act on
};

struct Submission {
  std::string submission_id;
  FormKind form = FormKind::kAcquisition;
  MyNumber my_number = MyNumber::FromBase(0);  // always set by ReadSubmission
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

  PersonalFamily personal_family() const {
    return form == FormKind::kAcquisition || form == FormKind::kLoss ? PersonalFamily::kInsured
                                                                     : PersonalFamily::kDependent;
  }
};

// Checks and types `raw`. Rules (R-LINK-1, R-LINK-4: an inaccurate form must
// be stopped, not registered):
//   - submission_id: 1–64 printable ASCII characters;
//   - my_number: check digit (MyNumber::ParseLenient), required on every form;
//   - name, birth_date, sex, symbol/number/branch, event_date: required;
//   - name_kana: required on acquisition, dependent_add and change;
//     full-width or half-width katakana (converted to full-width);
//   - address: required on acquisition, dependent_add and change;
//   - birth_date on or before event_date, and neither after `received_on`
//     by more than 1 year (a future acquisition date is allowed: employers
//     file ahead of the start day);
//   - loss_reason: required on loss and dependent_remove, absent otherwise;
//   - copay_percent: 10, 20 or 30 if present.
// Returns every error found; `line` in each is 0.
Expected<Submission, std::vector<FieldError>> ReadSubmission(const RawSubmission& raw,
                                                             Date received_on);

}  // namespace onshi

#endif  // ONSHI_CORE_SUBMISSION_HPP_
