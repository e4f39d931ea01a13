#include "core/benefits_form.hpp"

#include <array>

#include "core/filed_text.hpp"
#include "core/japanese_text.hpp"

namespace onshi {
namespace {

using R = RawSubmission;

struct BenefitsField {
  std::string R::*field;
  std::string_view name;
};

constexpr std::array<BenefitsField, 21> kBenefitsFields = {{
    {&R::card_classification, "card_classification"},
    {&R::card_issued_on, "card_issued_on"},
    {&R::card_valid_until, "card_valid_until"},
    {&R::name_of_other, "name_of_other"},
    {&R::name_of_other_kana, "name_of_other_kana"},
    {&R::sex2, "sex2"},
    {&R::elderly_certificate_date, "elderly_certificate_date"},
    {&R::elderly_valid_from, "elderly_valid_from"},
    {&R::elderly_valid_until, "elderly_valid_until"},
    {&R::elderly_copay_percent, "elderly_copay_percent"},
    {&R::limit_classification, "limit_classification"},
    {&R::limit_category, "limit_category"},
    {&R::limit_certificate_date, "limit_certificate_date"},
    {&R::limit_valid_from, "limit_valid_from"},
    {&R::limit_valid_until, "limit_valid_until"},
    {&R::limit_long_term_date, "limit_long_term_date"},
    {&R::disease_category, "disease_category"},
    {&R::disease_certificate_date, "disease_certificate_date"},
    {&R::disease_valid_from, "disease_valid_from"},
    {&R::disease_valid_until, "disease_valid_until"},
    {&R::disease_self_pay, "disease_self_pay"},
}};

class Reader {
 public:
  Reader(const RawSubmission& raw, std::vector<FieldError>* errors) : raw_(raw), errors_(errors) {}

  void Fail(std::string_view field, std::string reason) {
    errors_->push_back(FieldError{0, std::string(field), std::move(reason)});
  }

  std::string_view Text(std::string R::*field) const { return TrimFiled(raw_.*field); }

  // A date field: nullopt when blank or unreadable (reported).
  std::optional<Date> DateOf(std::string R::*field, std::string_view name,
                             std::string_view japanese) {
    const std::string_view t = Text(field);
    if (t.empty()) return std::nullopt;
    if (auto d = ParseFiledDate(t)) return d;
    Fail(name, std::string(japanese) + " " + EchoFiled(t) +
                   " is not a date (YYYYMMDD, YYYY-MM-DD or 和暦 like R7.4.1)");
    return std::nullopt;
  }

  // For a certificate of several fields: true when every one in `fields` is
  // filled, false when none is; some but not all is an error for each
  // missing one (and false).
  bool Whole(std::initializer_list<std::pair<std::string R::*, std::string_view>> fields,
             std::string_view certificate) {
    int filled = 0;
    for (const auto& [f, name] : fields)
      filled += Text(f).empty() ? 0 : 1;
    if (filled == 0) return false;
    if (filled == static_cast<int>(fields.size())) return true;
    for (const auto& [f, name] : fields) {
      if (Text(f).empty()) {
        Fail(name, "the " + std::string(certificate) + " needs this field too (or leave all of " +
                       "its fields blank)");
      }
    }
    return false;
  }

  void CheckPeriod(Date from, Date until, std::string_view until_name,
                   std::string_view certificate) {
    if (until < from) {
      Fail(until_name, "the " + std::string(certificate) + "'s 有効終了年月日 is before its " +
                           "有効開始年月日");
    }
  }

 private:
  const RawSubmission& raw_;
  std::vector<FieldError>* errors_;
};

// "20", "020", "2" (割) → 20; the same for 30.
std::optional<int> ElderlyRatio(std::string_view t) {
  if (t == "20" || t == "020" || t == "2") return 20;
  if (t == "30" || t == "030" || t == "3") return 30;
  return std::nullopt;
}

std::optional<int> LimitClassification(std::string_view t) {
  if (t.size() == 2 && t[0] == '0') t.remove_prefix(1);
  if (t.size() == 1 && t[0] >= '1' && t[0] <= '3') return t[0] - '0';
  return std::nullopt;
}

// 10000 or 20000, written with or without a thousands separator.
std::optional<int> SelfPay(std::string_view t) {
  std::string digits;
  for (char c : t) {
    if (c != ',') digits += c;
  }
  if (digits == "10000") return 10000;
  if (digits == "20000") return 20000;
  return std::nullopt;
}

}  // namespace

std::vector<std::string_view> FilledBenefitsFields(const RawSubmission& raw) {
  std::vector<std::string_view> out;
  for (const BenefitsField& f : kBenefitsFields) {
    if (!TrimFiled(raw.*f.field).empty()) out.push_back(f.name);
  }
  return out;
}

void ReadBenefitsFields(const RawSubmission& raw, BenefitsFiling* out,
                        std::vector<FieldError>* errors) {
  Reader r(raw, errors);
  BenefitsFiling& b = *out;

  if (const std::string_view t = r.Text(&R::card_classification); !t.empty()) {
    if (auto c = ParseCardClassificationCode(t)) {
      b.card_classification = *c;
    } else {
      r.Fail("card_classification", "被保険者証区分 must be 01..07 (OQSCD010)");
    }
  }
  b.card_issued_on = r.DateOf(&R::card_issued_on, "card_issued_on", "交付年月日");
  b.card_valid_until = r.DateOf(&R::card_valid_until, "card_valid_until", "有効期限");
  if (b.card_issued_on && b.card_valid_until && *b.card_valid_until < *b.card_issued_on) {
    r.Fail("card_valid_until", "有効期限 is before the 交付年月日");
  }

  b.name_of_other = TidyName(r.Text(&R::name_of_other));
  if (const std::string_view kana = r.Text(&R::name_of_other_kana); !kana.empty()) {
    if (b.name_of_other.empty()) {
      r.Fail("name_of_other_kana", "通称カナ needs the 通称 (name_of_other) it reads");
    } else if (auto k = ToFullWidthKatakana(kana)) {
      b.name_of_other_kana = *k;
    } else {
      r.Fail("name_of_other_kana", "通称カナ must be katakana or hiragana");
    }
  }

  if (const std::string_view t = r.Text(&R::sex2); !t.empty()) {
    if (t == "3" || t == "未設定") {
      b.sex2 = Sex::kUnset;
    } else if (auto x = ParseFiledSex(t)) {
      b.sex2 = *x;
    } else {
      r.Fail("sex2", "性別2 must be 1 (男), 2 (女) or 3 (未設定)");
    }
  }

  if (r.Whole({{&R::elderly_certificate_date, "elderly_certificate_date"},
               {&R::elderly_valid_from, "elderly_valid_from"},
               {&R::elderly_valid_until, "elderly_valid_until"},
               {&R::elderly_copay_percent, "elderly_copay_percent"}},
              "高齢受給者証")) {
    auto issued = r.DateOf(&R::elderly_certificate_date, "elderly_certificate_date",
                           "高齢受給者証交付年月日");
    auto from =
        r.DateOf(&R::elderly_valid_from, "elderly_valid_from", "高齢受給者証有効開始年月日");
    auto until =
        r.DateOf(&R::elderly_valid_until, "elderly_valid_until", "高齢受給者証有効終了年月日");
    auto ratio = ElderlyRatio(r.Text(&R::elderly_copay_percent));
    if (!ratio) r.Fail("elderly_copay_percent", "高齢受給者証の負担割合 must be 20 or 30");
    if (from && until) r.CheckPeriod(*from, *until, "elderly_valid_until", "高齢受給者証");
    if (issued && from && until && ratio)
      b.elderly = ElderlyRecipient{*issued, *from, *until, *ratio};
  }

  if (r.Whole({{&R::limit_classification, "limit_classification"},
               {&R::limit_category, "limit_category"},
               {&R::limit_certificate_date, "limit_certificate_date"},
               {&R::limit_valid_from, "limit_valid_from"},
               {&R::limit_valid_until, "limit_valid_until"}},
              "限度額適用認定証")) {
    auto classification = LimitClassification(r.Text(&R::limit_classification));
    if (!classification) {
      r.Fail("limit_classification",
             "限度額適用認定証区分 must be 01 (限度額適用認定証), 02 (限度額適用・標準負担額減額"
             "認定証) or 03 (標準負担額減額認定証) (OQSCD011)");
    }
    std::string flag(r.Text(&R::limit_category));
    if (!flag.empty() && (flag[0] == 'a' || flag[0] == 'b'))
      flag[0] = static_cast<char>(flag[0] - 32);
    if (!IsLimitCategoryFlag(flag)) {
      r.Fail("limit_category", "適用区分 must be A01..A06 or B01..B10 (OQSCD012)");
    }
    auto issued = r.DateOf(&R::limit_certificate_date, "limit_certificate_date",
                           "限度額適用認定証交付年月日");
    auto from =
        r.DateOf(&R::limit_valid_from, "limit_valid_from", "限度額適用認定証有効開始年月日");
    auto until =
        r.DateOf(&R::limit_valid_until, "limit_valid_until", "限度額適用認定証有効終了年月日");
    auto long_term =
        r.DateOf(&R::limit_long_term_date, "limit_long_term_date", "長期入院該当年月日");
    if (from && until) r.CheckPeriod(*from, *until, "limit_valid_until", "限度額適用認定証");
    if (classification && IsLimitCategoryFlag(flag) && issued && from && until &&
        (long_term || r.Text(&R::limit_long_term_date).empty())) {
      b.limit = LimitCertificate{*classification, flag, *issued, *from, *until, long_term};
    }
  } else if (!r.Text(&R::limit_long_term_date).empty()) {
    r.Fail("limit_long_term_date", "長期入院該当年月日 is filed with its 限度額適用認定証");
  }

  if (r.Whole({{&R::disease_category, "disease_category"},
               {&R::disease_certificate_date, "disease_certificate_date"},
               {&R::disease_valid_from, "disease_valid_from"},
               {&R::disease_valid_until, "disease_valid_until"},
               {&R::disease_self_pay, "disease_self_pay"}},
              "特定疾病療養受療証")) {
    const std::string_view c = r.Text(&R::disease_category);
    const bool category_ok = c.size() == 1 && c[0] >= '1' && c[0] <= '3';
    if (!category_ok) {
      r.Fail("disease_category",
             "特定疾病区分 must be 1 (人工透析を要する慢性腎不全), 2 (血友病) or 3 (血液製剤による"
             "HIV) (OQSCD013)");
    }
    auto issued = r.DateOf(&R::disease_certificate_date, "disease_certificate_date",
                           "特定疾病療養受療証交付年月日");
    auto from =
        r.DateOf(&R::disease_valid_from, "disease_valid_from", "特定疾病療養受療証有効開始年月日");
    auto until = r.DateOf(&R::disease_valid_until, "disease_valid_until",
                          "特定疾病療養受療証有効終了年月日");
    auto self_pay = SelfPay(r.Text(&R::disease_self_pay));
    if (!self_pay) {
      r.Fail("disease_self_pay", "自己負担限度額 must be 10000 or 20000 (yen a month)");
    }
    if (from && until) r.CheckPeriod(*from, *until, "disease_valid_until", "特定疾病療養受療証");
    if (category_ok && issued && from && until && self_pay) {
      b.disease = SpecificDisease{c[0] - '0', *issued, *from, *until, *self_pay};
    }
  }
}

}  // namespace onshi
