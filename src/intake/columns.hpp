// The fields of a RawSubmission by name: the English member names (JSON
// lines keys, CSV headers) and the Japanese column headers insurers use.
#ifndef ONSHI_INTAKE_COLUMNS_HPP_
#define ONSHI_INTAKE_COLUMNS_HPP_

#include <span>
#include <string>
#include <string_view>

#include "core/submission.hpp"

namespace onshi::intake {

// A member of RawSubmission, e.g. &RawSubmission::name.
using RawField = std::string RawSubmission::*;

struct NamedField {
  std::string_view name;  // the member's name: "submission_id", …
  RawField field;
};

// Every member of RawSubmission, in declaration order.
std::span<const NamedField> RawFields();

// The member named exactly `name` (case-sensitive, as JSON keys are), or
// nullptr.
RawField FieldNamed(std::string_view name);

// The member's name, for messages: "submission_id", …
std::string_view NameOf(RawField field);

// The member a CSV header cell (UTF-8) names, or nullptr. Tolerates what
// spreadsheets and clerks add to a name: spaces anywhere (ASCII or U+3000:
// "氏　名"), a byte order mark, ASCII case, full-width letters and brackets
// (（カナ） = (カナ)), and a trailing note in brackets ("生年月日(西暦)").
// Japanese names: 受付番号, 届出種別/届書種別, 個人番号/マイナンバー, 氏名,
// 氏名カナ/フリガナ/カナ氏名, 生年月日, 性別, 郵便番号, 住所, 記号, 番号, 枝番,
// 年月日/異動年月日/資格取得年月日/喪失年月日/変更年月日 (all the event date),
// 喪失事由/喪失理由, 資格確認書交付希望/資格確認書希望, 一部負担金割合/負担割合,
// and the benefits columns (README, "Benefits data"): 被保険者証区分,
// 交付年月日, 有効期限, 通称, 通称カナ, 性別2, 高齢受給者証交付年月日 /
// 有効開始年月日 / 有効終了年月日 / 負担割合, 限度額適用認定証区分, 適用区分,
// 限度額適用認定証交付年月日 / 有効開始年月日 / 有効終了年月日,
// 長期入院該当年月日, 特定疾病区分, 特定疾病療養受療証交付年月日 /
// 有効開始年月日 / 有効終了年月日, 自己負担限度額.
RawField ColumnField(std::string_view header);

}  // namespace onshi::intake

#endif  // ONSHI_INTAKE_COLUMNS_HPP_
