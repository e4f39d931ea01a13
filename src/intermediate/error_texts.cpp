#include "intermediate/error_texts.hpp"

#include <array>
#include <utility>

namespace onshi::intermediate {
namespace {

struct Row {
  std::string_view code;
  std::string_view needle;  // a part of the English reason that names it
  std::string_view text;    // Japanese; {label} is the field's label
};

// First match wins: the more specific rows come first. The needles are the
// fixed parts of the reasons made at the places named in the header.
constexpr std::array kRows = {
    // --- the resident registry check (reception.cpp, R-LINK-4) -------------
    Row{"registry_mismatch", "does not match the resident registry",
        "{label}が住民基本台帳（この個人番号の方の登録内容）と一致しません"},
    Row{"registry_not_found", "is not in the resident registry",
        "個人番号が住民基本台帳にありません"},
    Row{"registry_deceased", "records this person as deceased",
        "住民基本台帳では、この方は届出の年月日より前に亡くなっています"},
    Row{"registry_other_person", "belongs to a different person than this",
        "個人番号が、この記号・番号・枝番の加入者とは別の方のものです"},
    Row{"already_member", "already a member of the insurer", "この方はすでに当保険者の加入者です"},
    // --- the member the form is about (reception.cpp) ----------------------
    Row{"keys_in_use", "are already used by another member",
        "この記号・番号・枝番は別の加入者が使っています（枝番は記号・番号の中で一意です）"},
    Row{"number_has_insured", "already belong to an insured person",
        "この記号・番号にはすでに本人（被保険者）がいます。新しい本人には新しい番号を付けてくださ"
        "い"},
    Row{"no_insured", "no insured person (本人) is registered",
        "この記号・番号には、届出の年月日に本人（被保険者）が登録されていません"},
    Row{"no_member", "no member under these", "この記号・番号・枝番の加入者はいません"},
    Row{"wrong_form_dependent", "is a dependent (家族): use",
        "この枝番は家族（被扶養者）です。資格喪失届ではなく被扶養者異動届（非該当）で届け出てくださ"
        "い"},
    Row{"wrong_form_insured", "is the insured person (本人): use",
        "この枝番は本人（被保険者）です。資格喪失届で届け出てください"},
    Row{"before_acquired", "is before the member's 資格取得日",
        "年月日が加入者の資格取得日より前です"},
    Row{"already_lost", "already lost the qualification", "この加入者はすでに資格を喪失しています"},
    Row{"member_gone", "the member of this submission no longer exists",
        "この届出の加入者の記録がなくなっています"},
    Row{"birth_date_not_member", "生年月日 is not the member's",
        "生年月日が、この記号・番号・枝番の加入者のものと一致しません"},
    Row{"duplicate_in_file", " is also on line ", "同じ受付番号がファイルの別の行にもあります"},
    Row{"conflict", "に別の内容で受付済みです", ""},  // already Japanese: shown as made
    Row{"not_stored",
        "not stored: ", "データベースに保存できませんでした。時間をおいて再送してください"},
    // --- one line's fields (core/submission.cpp) ---------------------------
    Row{"too_long", "is longer than 64 characters", "受付番号が64文字を超えています"},
    Row{"not_ascii", "must be printable ASCII",
        "受付番号は空白を含まない半角の英数字・記号で記入してください"},
    Row{"unknown_form", "unknown 届出種別",
        "届出種別が読めません（資格取得届・資格喪失届などの届出の名称か、その種別コードで記入してく"
        "ださい）"},
    Row{"not_on_benefits", "is not filed on 給付情報届",
        "{label}は給付情報届には記入しません（加入者は記号・番号・枝番と生年月日で特定します）"},
    Row{"kana", "must be katakana or hiragana",
        "氏名カナはカタカナまたはひらがなで記入してください"},
    Row{"not_a_date", "is not a date",
        "{label}が日付として読めません（YYYYMMDD、YYYY-MM-DD、R7.4.1 のような和暦）"},
    Row{"birth_after_receipt", "is after the day of receipt", "生年月日が受付日より後です"},
    Row{"sex_code", "性別 must be", "性別は 1（男）または 2（女）で記入してください"},
    Row{"postcode_format", "郵便番号 must be 7 digits",
        "郵便番号は7桁（123-4567）で記入してください"},
    Row{"before_birth", "is before the birth date", "年月日が生年月日より前です"},
    Row{"too_far_ahead", "more than a year after the day of receipt",
        "年月日が受付日から1年以上先です"},
    Row{"loss_reason_code", "喪失事由 must be", "喪失事由は 01、02、03、99 のいずれかです"},
    Row{"loss_reason_form", "喪失事由 is only for",
        "喪失事由は資格喪失届と被扶養者異動届（非該当）にだけ記入します"},
    Row{"certificate_wanted", "資格確認書交付希望 must be",
        "資格確認書交付希望は 1（希望）または 0 で記入してください"},
    Row{"copay_10", "一部負担金割合 10 is for 後期高齢者医療 only",
        "一部負担金割合1割は後期高齢者医療だけです（75歳未満は2割または3割）"},
    Row{"copay_values", "一部負担金割合 must be", "一部負担金割合は 10、20、30 のいずれかです"},
    Row{"benefits_empty", "files at least one benefits field",
        "給付情報届には給付情報か一部負担金割合を少なくとも一つ記入してください"},
    Row{"benefits_wrong_form", "is filed on 給付情報届 (or with the 資格取得届)",
        "{label}は給付情報届（または資格取得届）に記入します"},
    Row{"check_digit", "check digit is", "個人番号の検査用数字が合いません（番号の誤記）"},
    Row{"digit_count", " digits, got ", "{label}の桁数が違います"},
    Row{"non_digit", "contains a non-digit", "{label}に数字以外の文字があります"},
    Row{"control_char", "contains a control character", "{label}に制御文字があります"},
    Row{"bad_utf8", "is not valid UTF-8", "{label}に文字として読めないバイトがあります"},
    Row{"too_many_chars", "must be at most", "{label}が長すぎます"},
    // --- benefits data (core/benefits.cpp) ---------------------------------
    Row{"certificate_before_acquired", "starts before the member's 資格取得年月日",
        "{label}の開始日が資格取得年月日より前です"},
    Row{"certificate_after_lost", "starts after the member's qualification ended",
        "{label}の開始日が資格喪失の後です"},
    Row{"elderly_kouki", "後期高齢者医療 issues no 高齢受給者証",
        "後期高齢者医療では高齢受給者証を交付しません（負担割合は一部負担金割合で届け出ます）"},
    Row{"elderly_period", "a 高齢受給者証 is valid only from",
        "高齢受給者証の有効期間は70歳の誕生月の翌月から75歳の誕生日の前日までです"},
    Row{"limit_category_b", "must be a B category",
        "適用区分は70歳以上（または後期高齢者医療）の区分にしてください"},
    Row{"limit_category_a", "must be an A category", "適用区分は70歳未満の区分にしてください"},
    Row{"long_term_date", "長期入院該当年月日 belongs on",
        "長期入院該当年月日は減額認定証（区分02または03）にだけ記入します"},
    Row{"disease_cap", "applies only to 人工透析",
        "自己負担限度額20000円は70歳未満の人工透析（特定疾病区分1）だけです。それ以外は10000円で"
        "す"},
    // --- reading the file (intake/*) ----------------------------------------
    Row{"invalid_bytes", "of the file is not valid",
        "文字として読めないバイトがあります（文字コードを確認してください）"},
    Row{"unterminated_quote", "unterminated quote", "引用符（\"）が閉じられていません"},
    Row{"field_count_quote", "is a quote missing its closing quote",
        "項目の数がヘッダーと違います。引用符（\"）の閉じ忘れがないか確認してください"},
    Row{"field_count", " fields, found ", "項目の数がヘッダーと違います"},
    Row{"line_too_long", "line longer than", "行が長すぎます"},
    Row{"record_too_long", "record longer than", "行が長すぎます"},
    Row{"read_failed", "cannot read the rest of the file",
        "ファイルの残りを読めませんでした（途中で切れています）"},
    Row{"json_unknown_key", "unknown key", "知らない項目名（キー）があります"},
    Row{"json_duplicate_key", "appears more than once", "同じ項目名（キー）が2回以上あります"},
    Row{"json_not_scalar", "expected a string, number",
        "値は文字列・数値・真偽値・空値のいずれかにしてください"},
    Row{"json_not_object", "a line must hold one JSON object",
        "1行に1つのJSONオブジェクトを書いてください"},
    Row{"json_invalid", "invalid JSON", "JSONとして読めません"},
    // Last: the generic "X is required" of every field.
    Row{"required", " is required", "{label}がありません（必須項目です）"},
    Row{"required", "is required", "{label}がありません（必須項目です）"},
};

std::string Fill(std::string_view text, std::string_view label) {
  std::string out(text);
  const std::string_view slot = "{label}";
  if (const size_t at = out.find(slot); at != std::string::npos) {
    out.replace(at, slot.size(), label.empty() ? std::string("届出の内容") : std::string(label));
  }
  return out;
}

bool IsFieldName(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || c == '_')) return false;
  }
  return true;
}

}  // namespace

std::string FieldLabel(std::string_view field) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 35> kLabels = {{
      {"submission_id", "受付番号"},
      {"form", "届出種別"},
      {"my_number", "個人番号"},
      {"name", "氏名"},
      {"name_kana", "氏名カナ"},
      {"birth_date", "生年月日"},
      {"sex", "性別"},
      {"postcode", "郵便番号"},
      {"address", "住所"},
      {"symbol", "記号"},
      {"number", "番号"},
      {"branch", "枝番"},
      {"event_date", "年月日"},
      {"loss_reason", "喪失事由"},
      {"certificate_wanted", "資格確認書交付希望"},
      {"copay_percent", "一部負担金割合"},
      {"card_classification", "被保険者証区分"},
      {"card_issued_on", "交付年月日"},
      {"card_valid_until", "有効期限"},
      {"name_of_other", "通称"},
      {"name_of_other_kana", "通称カナ"},
      {"elderly_certificate_date", "高齢受給者証の交付年月日"},
      {"elderly_valid_from", "高齢受給者証"},
      {"elderly_valid_until", "高齢受給者証の有効終了年月日"},
      {"elderly_copay_percent", "高齢受給者証の負担割合"},
      {"limit_classification", "限度額適用認定証区分"},
      {"limit_category", "適用区分"},
      {"limit_certificate_date", "限度額適用認定証の交付年月日"},
      {"limit_valid_from", "限度額適用認定証"},
      {"limit_valid_until", "限度額適用認定証の有効終了年月日"},
      {"limit_long_term_date", "長期入院該当年月日"},
      {"disease_category", "特定疾病区分"},
      {"disease_certificate_date", "特定疾病療養受療証の交付年月日"},
      {"disease_valid_from", "特定疾病療養受療証"},
      {"disease_valid_until", "特定疾病療養受療証の有効終了年月日"},
  }};
  if (field.empty()) return "";
  if (field == "disease_self_pay") return "自己負担限度額";
  for (const auto& [name, label] : kLabels) {
    if (name == field) return std::string(label);
  }
  return std::string(field);
}

ErrorText JapaneseErrorText(std::string_view field, std::string_view reason) {
  ErrorText out{"other", std::string(field), FieldLabel(field), ""};
  for (const Row& row : kRows) {
    if (reason.find(row.needle) == std::string_view::npos) continue;
    out.code = std::string(row.code);
    out.japanese = row.text.empty() ? std::string(reason) : Fill(row.text, out.label);
    return out;
  }
  out.japanese = (out.label.empty() ? std::string("内容") : out.label) +
                 "に誤りがあります（詳細: " + std::string(reason) + "）";
  return out;
}

std::vector<ErrorText> JapaneseErrorTexts(std::string_view stored) {
  std::vector<ErrorText> out;
  while (!stored.empty()) {
    const size_t end = stored.find("; ");
    const std::string_view part = stored.substr(0, end);
    stored = end == std::string_view::npos ? std::string_view() : stored.substr(end + 2);
    if (part.empty()) continue;
    const size_t colon = part.find(": ");
    if (colon != std::string_view::npos && IsFieldName(part.substr(0, colon))) {
      out.push_back(JapaneseErrorText(part.substr(0, colon), part.substr(colon + 2)));
    } else {
      out.push_back(JapaneseErrorText("", part));
    }
  }
  return out;
}

}  // namespace onshi::intermediate
