// Field names and CSV header aliases (columns.hpp).
#include "intake/columns.hpp"

#include <array>

#include "intake/encoding.hpp"

namespace onshi::intake {
namespace {

using R = RawSubmission;

constexpr std::array<NamedField, 16> kFields = {{
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
}};

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
