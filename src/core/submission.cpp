#include "core/submission.hpp"

#include <array>
#include <cctype>

#include "core/insured_card_id.hpp"
#include "core/japanese_text.hpp"
#include "core/wareki.hpp"

namespace onshi {
namespace {

struct FormName {
  FormKind kind;
  std::string_view code;
  std::string_view name;  // for reports
};

constexpr std::array<FormName, 5> kForms = {{
    {FormKind::kAcquisition, "acquisition", "資格取得届"},
    {FormKind::kDependentAdd, "dependent_add", "被扶養者異動届（該当）"},
    {FormKind::kDependentRemove, "dependent_remove", "被扶養者異動届（非該当）"},
    {FormKind::kLoss, "loss", "資格喪失届"},
    {FormKind::kChange, "change", "変更届"},
}};

// Other spellings clerks type into the 届出種別 column. Brackets are folded
// to ASCII before the lookup.
struct FormAlias {
  std::string_view text;
  FormKind kind;
};
constexpr std::array<FormAlias, 12> kFormAliases = {{
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
}};

std::string_view Trim(std::string_view s) {
  // ASCII blanks and U+3000 (E3 80 80): both come from fixed-width exports.
  for (;;) {
    if (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
      s.remove_prefix(1);
    } else if (s.size() >= 3 && s.substr(0, 3) == "\xE3\x80\x80") {
      s.remove_prefix(3);
    } else {
      break;
    }
  }
  for (;;) {
    if (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
      s.remove_suffix(1);
    } else if (s.size() >= 3 && s.substr(s.size() - 3) == "\xE3\x80\x80") {
      s.remove_suffix(3);
    } else {
      break;
    }
  }
  return s;
}

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

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Gregorian YYYYMMDD, YYYY-MM-DD, YYYY/MM/DD, or a 和暦 date as ParseWareki
// reads it (R7.4.1, 令和7年4月1日): paper forms use 和暦.
std::optional<Date> ParseFiledDate(std::string_view text) {
  if (text.size() == 8 && AllDigits(text)) return Date::ParseCompact(text);
  if (text.size() == 10 && (text[4] == '-' || text[4] == '/') && text[7] == text[4]) {
    std::string iso(text);
    iso[4] = iso[7] = '-';
    return Date::ParseIso(iso);
  }
  auto w = ParseWareki(text);
  if (w.ok()) return w.value();
  return std::nullopt;
}

std::optional<Sex> ParseSex(std::string_view t) {
  if (t == "1" || t == "男" || t == "M" || t == "m" || t == "男性") return Sex::kMale;
  if (t == "2" || t == "女" || t == "F" || t == "f" || t == "女性") return Sex::kFemale;
  return std::nullopt;
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

// "1234567" or "123-4567" (ASCII or full-width digits and hyphen) to "123-4567".
std::optional<std::string> ParsePostcode(std::string_view t) {
  std::string digits;
  for (std::size_t i = 0; i < t.size();) {
    unsigned char c = static_cast<unsigned char>(t[i]);
    if (c >= '0' && c <= '9') {
      digits += static_cast<char>(c);
      ++i;
    } else if (c == '-') {
      ++i;
    } else if (t.compare(i, 3, "－") == 0 || t.compare(i, 3, "ー") == 0) {
      i += 3;
    } else if (i + 3 <= t.size() && c == 0xEF && static_cast<unsigned char>(t[i + 1]) == 0xBC &&
               static_cast<unsigned char>(t[i + 2]) >= 0x90 &&
               static_cast<unsigned char>(t[i + 2]) <= 0x99) {
      digits += static_cast<char>('0' + (static_cast<unsigned char>(t[i + 2]) - 0x90));
      i += 3;
    } else {
      return std::nullopt;
    }
  }
  if (digits.size() != 7) return std::nullopt;
  return digits.substr(0, 3) + "-" + digits.substr(3);
}

// A filed text quoted back in an error message. Messages go to terminals,
// error files and API answers, so the quote is short, and a long run of
// digits (a My Number put in the wrong column) is never repeated.
std::string Echo(std::string_view text) {
  int run = 0;
  for (char c : text) {
    run = (c >= '0' && c <= '9') ? run + 1 : 0;
    if (run >= 10) return "(a long number, not repeated here)";
  }
  constexpr std::size_t kMax = 24;
  if (text.size() <= kMax) return "\"" + std::string(text) + "\"";
  std::size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
    --cut;  // UTF-8 boundary
  return "\"" + std::string(text.substr(0, cut)) + "…\"";
}

bool NeedsContactDetails(FormKind f) {
  return f == FormKind::kAcquisition || f == FormKind::kDependentAdd || f == FormKind::kChange;
}

bool IsLeaving(FormKind f) {
  return f == FormKind::kLoss || f == FormKind::kDependentRemove;
}

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
  text = Trim(text);
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

  const std::string_view id = Trim(raw.submission_id);
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
                                  : "unknown 届出種別 " + Echo(raw.form) +
                                        " (acquisition, dependent_add, dependent_remove, loss, "
                                        "change)");
  } else {
    s.form = *form;
  }

  if (Trim(raw.my_number).empty()) {
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

  const std::string_view kana = Trim(raw.name_kana);
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

  const std::string_view birth = Trim(raw.birth_date);
  std::optional<Date> birth_date;
  if (birth.empty()) {
    fail("birth_date", "生年月日 is required");
  } else if (!(birth_date = ParseFiledDate(birth))) {
    fail("birth_date",
         "生年月日 " + Echo(birth) + " is not a date (YYYYMMDD, YYYY-MM-DD or 和暦 like R7.4.1)");
  } else if (*birth_date > received_on) {
    fail("birth_date", "生年月日 is after the day of receipt");
  } else {
    s.birth_date = *birth_date;
  }

  const std::string_view sex = Trim(raw.sex);
  if (auto x = ParseSex(sex)) {
    s.sex = *x;
  } else {
    fail("sex", sex.empty() ? "性別 is required" : "性別 must be 1 (男) or 2 (女)");
  }

  const std::string_view postcode = Trim(raw.postcode);
  if (!postcode.empty()) {
    if (auto p = ParsePostcode(postcode)) {
      s.postcode = *p;
    } else {
      fail("postcode", "郵便番号 must be 7 digits (123-4567)");
    }
  }
  s.address = std::string(Trim(raw.address));
  if (s.address.empty() && form && NeedsContactDetails(*form)) {
    fail("address", "住所 is required on this form");
  }

  std::string branch(Trim(raw.branch));
  if (branch.size() == 1 && AllDigits(branch)) branch = "0" + branch;
  if (branch.empty()) {
    fail("branch", "枝番 is required");
  }
  if (Trim(raw.number).empty()) {
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

  const std::string_view event = Trim(raw.event_date);
  std::optional<Date> event_date;
  if (event.empty()) {
    fail("event_date", "年月日 (the date of acquisition, loss or change) is required");
  } else if (!(event_date = ParseFiledDate(event))) {
    fail("event_date", "年月日 " + Echo(event) + " is not a date");
  } else if (birth_date && *event_date < *birth_date) {
    fail("event_date", "年月日 is before the birth date");
  } else if (*event_date > received_on.AddYears(1)) {
    fail("event_date", "年月日 is more than a year after the day of receipt");
  } else {
    s.event_date = *event_date;
  }

  const std::string_view reason = Trim(raw.loss_reason);
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

  if (auto tick = ParseTick(Trim(raw.certificate_wanted))) {
    s.certificate_wanted = *tick;
  } else {
    fail("certificate_wanted", "資格確認書交付希望 must be 1 (希望) or 0");
  }

  const std::string_view copay = Trim(raw.copay_percent);
  if (!copay.empty()) {
    if (copay == "10" || copay == "20" || copay == "30") {
      s.copay_percent = std::stoi(std::string(copay));
    } else {
      fail("copay_percent", "一部負担金割合 must be 10, 20 or 30");
    }
  }

  if (!errors.empty()) return errors;
  return s;
}

}  // namespace onshi
