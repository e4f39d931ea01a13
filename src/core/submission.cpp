#include "core/submission.hpp"

#include <array>
#include <cctype>

#include "core/benefits_form.hpp"
#include "core/filed_text.hpp"
#include "core/insured_card_id.hpp"
#include "core/japanese_text.hpp"

namespace onshi {
namespace {

struct FormName {
  FormKind kind;
  std::string_view code;
  std::string_view name;  // for reports
};

constexpr std::array<FormName, 6> kForms = {{
    {FormKind::kAcquisition, "acquisition", "資格取得届"},
    {FormKind::kDependentAdd, "dependent_add", "被扶養者異動届（該当）"},
    {FormKind::kDependentRemove, "dependent_remove", "被扶養者異動届（非該当）"},
    {FormKind::kLoss, "loss", "資格喪失届"},
    {FormKind::kChange, "change", "変更届"},
    {FormKind::kBenefits, "benefits", "給付情報届"},
}};

// Other spellings clerks type into the 届出種別 column. Brackets are folded
// to ASCII before the lookup.
struct FormAlias {
  std::string_view text;
  FormKind kind;
};
constexpr std::array<FormAlias, 13> kFormAliases = {{
    {"資格取得", FormKind::kAcquisition},
    {"被扶養者異動届(該当)", FormKind::kDependentAdd},
    {"被扶養者追加", FormKind::kDependentAdd},
    {"被扶養者異動届(追加)", FormKind::kDependentAdd},
    {"被扶養者異動届(非該当)", FormKind::kDependentRemove},
    {"被扶養者削除", FormKind::kDependentRemove},
    {"被扶養者異動届(削除)", FormKind::kDependentRemove},
    {"資格喪失", FormKind::kLoss},
    {"変更", FormKind::kChange},
    {"氏名変更届", FormKind::kChange},
    {"住所変更届", FormKind::kChange},
    {"氏名・住所変更届", FormKind::kChange},
    {"給付情報", FormKind::kBenefits},
}};

std::string FoldBrackets(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    if (s.compare(i, 3, "（") == 0) {
      out += '(';
      i += 3;
    } else if (s.compare(i, 3, "）") == 0) {
      out += ')';
      i += 3;
    } else {
      out += s[i++];
    }
  }
  return out;
}

std::optional<bool> ParseTick(std::string_view t) {
  if (t.empty() || t == "0" || t == "無" || t == "なし" || t == "false" || t == "FALSE" ||
      t == "×" || t == "-") {
    return false;
  }
  if (t == "1" || t == "○" || t == "〇" || t == "有" || t == "あり" || t == "希望" || t == "true" ||
      t == "TRUE") {
    return true;
  }
  return std::nullopt;
}

bool NeedsContactDetails(FormKind f) {
  return f == FormKind::kAcquisition || f == FormKind::kDependentAdd || f == FormKind::kChange;
}

// The fields about the person, which a 給付情報届 does not carry: it names
// the member by 記号・番号・枝番 and 生年月日, and a name or address on it
// would be silently ignored (a 変更届 changes them).
struct PersonField {
  std::string RawSubmission::*field;
  std::string_view name;
  std::string_view japanese;
};
constexpr std::array<PersonField, 7> kPersonFields = {{
    {&RawSubmission::my_number, "my_number", "個人番号"},
    {&RawSubmission::name, "name", "氏名"},
    {&RawSubmission::name_kana, "name_kana", "氏名カナ"},
    {&RawSubmission::sex, "sex", "性別"},
    {&RawSubmission::postcode, "postcode", "郵便番号"},
    {&RawSubmission::address, "address", "住所"},
    {&RawSubmission::certificate_wanted, "certificate_wanted", "資格確認書交付希望"},
}};

}  // namespace

std::string_view FormKindCode(FormKind kind) {
  for (const FormName& f : kForms) {
    if (f.kind == kind) return f.code;
  }
  return "";
}

std::string_view FormKindName(FormKind kind) {
  for (const FormName& f : kForms) {
    if (f.kind == kind) return f.name;
  }
  return "";
}

std::optional<FormKind> ParseFormKind(std::string_view text) {
  text = TrimFiled(text);
  const std::string folded = FoldBrackets(text);
  for (const FormName& f : kForms) {
    if (text == f.code || text == f.name || folded == FoldBrackets(f.name)) return f.kind;
  }
  for (const FormAlias& a : kFormAliases) {
    if (folded == a.text) return a.kind;
  }
  return std::nullopt;
}

Expected<Submission, std::vector<FieldError>> ReadSubmission(const RawSubmission& raw,
                                                             Date received_on) {
  std::vector<FieldError> errors;
  auto fail = [&errors](std::string_view field, std::string reason) {
    errors.push_back(FieldError{0, std::string(field), std::move(reason)});
  };
  Submission s;

  const std::string_view id = TrimFiled(raw.submission_id);
  if (id.empty()) {
    fail("submission_id", "受付番号 (submission_id) is required");
  } else if (id.size() > 64) {
    fail("submission_id", "受付番号 is longer than 64 characters");
  } else {
    bool printable = true;
    for (char c : id)
      printable = printable && c > ' ' && c < 0x7F;
    if (!printable) fail("submission_id", "受付番号 must be printable ASCII without spaces");
    s.submission_id = std::string(id);
  }

  const std::optional<FormKind> form = ParseFormKind(raw.form);
  if (!form) {
    fail("form", raw.form.empty() ? "届出種別 (form) is required"
                                  : "unknown 届出種別 " + EchoFiled(raw.form) +
                                        " (acquisition, dependent_add, dependent_remove, loss, "
                                        "change, benefits)");
  } else {
    s.form = *form;
  }

  const bool benefits_form = form == FormKind::kBenefits;
  if (benefits_form) {
    for (const PersonField& p : kPersonFields) {
      if (!TrimFiled(raw.*p.field).empty()) {
        fail(p.name, std::string(p.japanese) +
                         " is not filed on 給付情報届: the member is named by 記号・番号・枝番 "
                         "and 生年月日 (a 変更届 changes name and address)");
      }
    }
  } else {
    if (TrimFiled(raw.my_number).empty()) {
      fail("my_number", "個人番号 is required (R-LINK-4: a form without it cannot be registered)");
    } else {
      auto n = MyNumber::ParseLenient(raw.my_number);
      if (n.ok()) {
        s.my_number = n.value();
      } else {
        fail("my_number", n.error().message);
      }
    }

    s.name = TidyName(raw.name);
    if (s.name.empty()) fail("name", "氏名 is required");

    const std::string_view kana = TrimFiled(raw.name_kana);
    if (!kana.empty()) {
      auto k = ToFullWidthKatakana(kana);
      if (k) {
        s.name_kana = *k;
      } else {
        fail("name_kana", "氏名カナ must be katakana or hiragana");
      }
    } else if (form && NeedsContactDetails(*form)) {
      fail("name_kana", "氏名カナ is required on this form");
    }
  }

  const std::string_view birth = TrimFiled(raw.birth_date);
  std::optional<Date> birth_date;
  if (birth.empty()) {
    fail("birth_date", "生年月日 is required");
  } else if (!(birth_date = ParseFiledDate(birth))) {
    fail("birth_date", "生年月日 " + EchoFiled(birth) +
                           " is not a date (YYYYMMDD, YYYY-MM-DD or 和暦 like R7.4.1)");
  } else if (*birth_date > received_on) {
    fail("birth_date", "生年月日 is after the day of receipt");
  } else {
    s.birth_date = *birth_date;
  }

  if (!benefits_form) {
    const std::string_view sex = TrimFiled(raw.sex);
    if (auto x = ParseFiledSex(sex)) {
      s.sex = *x;
    } else {
      fail("sex", sex.empty() ? "性別 is required" : "性別 must be 1 (男) or 2 (女)");
    }

    const std::string_view postcode = TrimFiled(raw.postcode);
    if (!postcode.empty()) {
      if (auto p = ParsePostcode(postcode)) {
        s.postcode = *p;
      } else {
        fail("postcode", "郵便番号 must be 7 digits (123-4567)");
      }
    }
    s.address = std::string(TrimFiled(raw.address));
    if (s.address.empty() && form && NeedsContactDetails(*form)) {
      fail("address", "住所 is required on this form");
    }
  }

  std::string branch(TrimFiled(raw.branch));
  if (branch.size() == 1 && AllDigits(branch)) branch = "0" + branch;
  if (branch.empty()) {
    fail("branch", "枝番 is required");
  }
  if (TrimFiled(raw.number).empty()) {
    fail("number", "番号 is required");
  } else if (!branch.empty()) {
    auto card = InsuredCardId::Parse(raw.symbol, raw.number, branch);
    if (card.ok()) {
      s.symbol = card.value().symbol().value_or("");
      s.number = card.value().number();
      s.branch = card.value().branch().value_or("");
    } else {
      const std::string& f = card.error().field;
      fail(f == InsuredCardId::kSymbolField   ? "symbol"
           : f == InsuredCardId::kBranchField ? "branch"
                                              : "number",
           card.error().message);
    }
  }

  const std::string_view event = TrimFiled(raw.event_date);
  std::optional<Date> event_date;
  if (event.empty()) {
    fail("event_date", "年月日 (the date of acquisition, loss or change) is required");
  } else if (!(event_date = ParseFiledDate(event))) {
    fail("event_date", "年月日 " + EchoFiled(event) + " is not a date");
  } else if (birth_date && *event_date < *birth_date) {
    fail("event_date", "年月日 is before the birth date");
  } else if (*event_date > received_on.AddYears(1)) {
    fail("event_date", "年月日 is more than a year after the day of receipt");
  } else {
    s.event_date = *event_date;
  }

  const std::string_view reason = TrimFiled(raw.loss_reason);
  if (form && IsLeaving(*form)) {
    std::string code(reason);
    if (code.size() == 1 && AllDigits(code)) code = "0" + code;
    if (auto r = ParseLossReasonCode(code)) {
      s.loss_reason = *r;
    } else {
      fail("loss_reason", reason.empty() ? "喪失事由 is required on this form"
                                         : "喪失事由 must be 01, 02, 03 or 99");
    }
  } else if (!reason.empty()) {
    fail("loss_reason", "喪失事由 is only for 資格喪失届 and 被扶養者異動届（非該当）");
  }

  if (benefits_form) {
    // Checked blank above.
  } else if (auto tick = ParseTick(TrimFiled(raw.certificate_wanted))) {
    s.certificate_wanted = *tick;
  } else {
    fail("certificate_wanted", "資格確認書交付希望 must be 1 (希望) or 0");
  }

  const std::string_view copay = TrimFiled(raw.copay_percent);
  if (!copay.empty()) {
    if (copay == "10" || copay == "20" || copay == "30") {
      s.copay_percent = std::stoi(std::string(copay));
    } else {
      fail("copay_percent", "一部負担金割合 must be 10, 20 or 30");
    }
  }

  const bool carries_benefits = form && (Joins(*form) || *form == FormKind::kBenefits);
  if (carries_benefits) {
    ReadBenefitsFields(raw, &s.benefits, &errors);
    if (benefits_form && s.benefits.empty() && !s.copay_percent && errors.empty()) {
      fail("", "a 給付情報届 files at least one benefits field or 一部負担金割合");
    }
  } else if (form) {
    for (const std::string_view field : FilledBenefitsFields(raw)) {
      fail(field, "benefits data is filed on 給付情報届 (or with the 資格取得届), not on " +
                      std::string(FormKindName(*form)));
    }
    if (!TrimFiled(raw.copay_percent).empty()) {
      fail("copay_percent",
           "一部負担金割合 is filed on 給付情報届 (or with the 資格取得届), not on " +
               std::string(FormKindName(*form)));
    }
  }

  if (!errors.empty()) return errors;
  return s;
}

bool Joins(FormKind f) {
  return f == FormKind::kAcquisition || f == FormKind::kDependentAdd;
}

bool IsLeaving(FormKind f) {
  return f == FormKind::kLoss || f == FormKind::kDependentRemove;
}

}  // namespace onshi
