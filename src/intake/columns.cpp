// Field names and CSV header aliases (columns.hpp).
#include "intake/columns.hpp"

#include <array>

#include "intake/encoding.hpp"

namespace onshi::intake {
namespace {

using R = RawSubmission;

constexpr std::array<NamedField, 37> kFields = {{
    {"submission_id", &R::submission_id},
    {"form", &R::form},
    {"my_number", &R::my_number},
    {"name", &R::name},
    {"name_kana", &R::name_kana},
    {"birth_date", &R::birth_date},
    {"sex", &R::sex},
    {"postcode", &R::postcode},
    {"address", &R::address},
    {"symbol", &R::symbol},
    {"number", &R::number},
    {"branch", &R::branch},
    {"event_date", &R::event_date},
    {"loss_reason", &R::loss_reason},
    {"certificate_wanted", &R::certificate_wanted},
    {"copay_percent", &R::copay_percent},
    {"card_classification", &R::card_classification},
    {"card_issued_on", &R::card_issued_on},
    {"card_valid_until", &R::card_valid_until},
    {"name_of_other", &R::name_of_other},
    {"name_of_other_kana", &R::name_of_other_kana},
    {"sex2", &R::sex2},
    {"elderly_certificate_date", &R::elderly_certificate_date},
    {"elderly_valid_from", &R::elderly_valid_from},
    {"elderly_valid_until", &R::elderly_valid_until},
    {"elderly_copay_percent", &R::elderly_copay_percent},
    {"limit_classification", &R::limit_classification},
    {"limit_category", &R::limit_category},
    {"limit_certificate_date", &R::limit_certificate_date},
    {"limit_valid_from", &R::limit_valid_from},
    {"limit_valid_until", &R::limit_valid_until},
    {"limit_long_term_date", &R::limit_long_term_date},
    {"disease_category", &R::disease_category},
    {"disease_certificate_date", &R::disease_certificate_date},
    {"disease_valid_from", &R::disease_valid_from},
    {"disease_valid_until", &R::disease_valid_until},
    {"disease_self_pay", &R::disease_self_pay},
}};
static_assert(kFields.size() <= 64, "json_line.cpp keeps the keys seen in a 64-bit mask");

// Japanese headers seen on insurers' forms and exports, after Normalize
// (so brackets are ASCII). The date column is named after the form's event
// on each form; one file mixes forms, so every variant is the event date.
constexpr NamedField kJapanese[] = {
    {"受付番号", &R::submission_id},
    {"届出種別", &R::form},
    {"届書種別", &R::form},
    {"個人番号", &R::my_number},
    {"マイナンバー", &R::my_number},
    {"氏名", &R::name},
    {"氏名カナ", &R::name_kana},
    {"フリガナ", &R::name_kana},
    {"カナ氏名", &R::name_kana},
    {"氏名(カナ)", &R::name_kana},
    {"氏名(フリガナ)", &R::name_kana},
    {"ﾌﾘｶﾞﾅ", &R::name_kana},
    {"氏名ｶﾅ", &R::name_kana},
    {"ｶﾅ氏名", &R::name_kana},
    {"氏名(ｶﾅ)", &R::name_kana},
    {"氏名(ﾌﾘｶﾞﾅ)", &R::name_kana},
    {"生年月日", &R::birth_date},
    {"性別", &R::sex},
    {"郵便番号", &R::postcode},
    {"住所", &R::address},
    {"記号", &R::symbol},
    {"番号", &R::number},
    {"枝番", &R::branch},
    {"年月日", &R::event_date},
    {"異動年月日", &R::event_date},
    {"資格取得年月日", &R::event_date},
    {"喪失年月日", &R::event_date},
    {"資格喪失年月日", &R::event_date},
    {"変更年月日", &R::event_date},
    {"喪失事由", &R::loss_reason},
    {"喪失理由", &R::loss_reason},
    {"資格確認書交付希望", &R::certificate_wanted},
    {"資格確認書希望", &R::certificate_wanted},
    {"資格確認書の交付希望", &R::certificate_wanted},
    {"一部負担金割合", &R::copay_percent},
    {"負担割合", &R::copay_percent},
    // Benefits data (給付情報, core/benefits.hpp).
    {"被保険者証区分", &R::card_classification},
    {"証区分", &R::card_classification},
    {"交付年月日", &R::card_issued_on},
    {"証交付年月日", &R::card_issued_on},
    {"被保険者証交付年月日", &R::card_issued_on},
    {"資格確認書交付年月日", &R::card_issued_on},
    {"有効期限", &R::card_valid_until},
    {"証有効期限", &R::card_valid_until},
    {"被保険者証有効期限", &R::card_valid_until},
    {"資格確認書有効期限", &R::card_valid_until},
    {"通称", &R::name_of_other},
    {"通称名", &R::name_of_other},
    {"通称カナ", &R::name_of_other_kana},
    {"通称(カナ)", &R::name_of_other_kana},
    {"通称フリガナ", &R::name_of_other_kana},
    {"通称ｶﾅ", &R::name_of_other_kana},
    {"性別2", &R::sex2},
    {"高齢受給者証交付年月日", &R::elderly_certificate_date},
    {"高齢受給者証有効開始年月日", &R::elderly_valid_from},
    {"高齢受給者証有効終了年月日", &R::elderly_valid_until},
    {"高齢受給者証負担割合", &R::elderly_copay_percent},
    {"高齢受給者証一部負担金割合", &R::elderly_copay_percent},
    {"限度額適用認定証区分", &R::limit_classification},
    {"限度額適用認定証適用区分", &R::limit_category},
    {"適用区分", &R::limit_category},
    {"限度額適用認定証交付年月日", &R::limit_certificate_date},
    {"限度額適用認定証有効開始年月日", &R::limit_valid_from},
    {"限度額適用認定証有効終了年月日", &R::limit_valid_until},
    {"長期入院該当年月日", &R::limit_long_term_date},
    {"特定疾病区分", &R::disease_category},
    {"特定疾病療養受療証交付年月日", &R::disease_certificate_date},
    {"特定疾病療養受療証有効開始年月日", &R::disease_valid_from},
    {"特定疾病療養受療証有効終了年月日", &R::disease_valid_until},
    {"特定疾病自己負担限度額", &R::disease_self_pay},
    {"自己負担限度額", &R::disease_self_pay},
};

// Folds what varies between spreadsheets without changing the name:
// full-width ASCII (U+FF01..U+FF5E) to ASCII, 【】 to [], ASCII to lower
// case, and drops a leading byte order mark and every space, ASCII or
// U+3000 (no name has one, and clerks pad names: "氏　名", "氏名 （カナ）").
std::string Normalize(std::string_view header) {
  if (header.starts_with(kUtf8Bom)) header.remove_prefix(kUtf8Bom.size());
  std::string out;
  out.reserve(header.size());
  for (std::size_t i = 0; i < header.size(); ++i) {
    const auto c = static_cast<unsigned char>(header[i]);
    if (c == 0xEF && i + 2 < header.size()) {
      const auto b1 = static_cast<unsigned char>(header[i + 1]);
      const auto b2 = static_cast<unsigned char>(header[i + 2]);
      // U+FF01..U+FF3F is EF BC 81..BF, U+FF40..U+FF5E is EF BD 80..9E.
      if ((b1 == 0xBC && b2 >= 0x81 && b2 <= 0xBF) || (b1 == 0xBD && b2 >= 0x80 && b2 <= 0x9E)) {
        const int ascii = b1 == 0xBC ? 0x21 + (b2 - 0x81) : 0x60 + (b2 - 0x80);
        out.push_back(static_cast<char>(ascii >= 'A' && ascii <= 'Z' ? ascii - 'A' + 'a' : ascii));
        i += 2;
        continue;
      }
    }
    if (c == 0xE3 && i + 2 < header.size() && static_cast<unsigned char>(header[i + 1]) == 0x80) {
      const auto b2 = static_cast<unsigned char>(header[i + 2]);
      if (b2 == 0x80 || b2 == 0x90 || b2 == 0x91) {  // U+3000, 【, 】
        if (b2 != 0x80) out.push_back(b2 == 0x90 ? '[' : ']');
        i += 2;
        continue;
      }
    }
    if (c == ' ' || c == '\t') continue;
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c));
  }
  return out;
}

RawField Lookup(std::string_view name) {
  for (const NamedField& f : kFields) {
    if (f.name == name) return f.field;
  }
  for (const NamedField& f : kJapanese) {
    if (f.name == name) return f.field;
  }
  return nullptr;
}

}  // namespace

std::span<const NamedField> RawFields() {
  return kFields;
}

RawField FieldNamed(std::string_view name) {
  for (const NamedField& f : kFields) {
    if (f.name == name) return f.field;
  }
  return nullptr;
}

std::string_view NameOf(RawField field) {
  for (const NamedField& f : kFields) {
    if (f.field == field) return f.name;
  }
  return "";
}

RawField ColumnField(std::string_view header) {
  const std::string name = Normalize(header);
  if (RawField f = Lookup(name)) return f;
  // A note after the name: "生年月日(西暦)", "性別[1:男 2:女]".
  std::string_view base = name;
  const char close = base.empty() ? '\0' : base.back();
  if (close == ')' || close == ']') {
    const std::size_t open = base.rfind(close == ')' ? '(' : '[');
    if (open != std::string_view::npos && open > 0) return Lookup(base.substr(0, open));
  }
  return nullptr;
}

}  // namespace onshi::intake
