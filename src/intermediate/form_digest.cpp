#include "intermediate/form_digest.hpp"

#include <optional>

namespace onshi::intermediate {
namespace {

void Add(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
}

std::string OptionalText(const std::optional<int>& v) {
  return v ? std::to_string(*v) : "";
}

std::string DateText(const std::optional<Date>& d) {
  return d ? d->ToIso() : "";
}

// The benefits data a form filed (給付情報届 and joining forms), in a fixed
// order; every certificate field counts, so a resend with another 適用区分
// or date is a different form.
std::string BenefitsText(const BenefitsFiling& b) {
  std::string out;
  Add(out, b.card_classification ? CardClassificationCode(*b.card_classification) : "");
  Add(out, DateText(b.card_issued_on));
  Add(out, DateText(b.card_valid_until));
  Add(out, b.name_of_other);
  Add(out, b.name_of_other_kana);
  Add(out, b.sex2 ? std::to_string(static_cast<int>(*b.sex2)) : "");
  if (b.elderly) {
    Add(out, "elderly");
    Add(out, b.elderly->certificate_date.ToIso());
    Add(out, b.elderly->valid_from.ToIso());
    Add(out, b.elderly->valid_until.ToIso());
    Add(out, std::to_string(b.elderly->copay_percent));
  }
  if (b.limit) {
    Add(out, "limit");
    Add(out, std::to_string(b.limit->classification));
    Add(out, b.limit->category_flag);
    Add(out, b.limit->certificate_date.ToIso());
    Add(out, b.limit->valid_from.ToIso());
    Add(out, b.limit->valid_until.ToIso());
    Add(out, DateText(b.limit->long_term_date));
  }
  if (b.disease) {
    Add(out, "disease");
    Add(out, std::to_string(b.disease->category));
    Add(out, b.disease->certificate_date.ToIso());
    Add(out, b.disease->valid_from.ToIso());
    Add(out, b.disease->valid_until.ToIso());
    Add(out, std::to_string(b.disease->self_pay_yen));
  }
  return out;
}

}  // namespace

std::string CanonicalFormText(const Submission& f) {
  std::string out = "onshi-form-v1;";
  Add(out, f.submission_id);
  Add(out, FormKindCode(f.form));
  Add(out, f.my_number.digits_for_hashing());
  Add(out, f.name);
  Add(out, f.name_kana);
  Add(out, f.birth_date.ToIso());
  Add(out, std::to_string(static_cast<int>(f.sex)));
  Add(out, f.postcode);
  Add(out, f.address);
  Add(out, f.symbol);
  Add(out, f.number);
  Add(out, f.branch);
  Add(out, f.event_date.ToIso());
  Add(out, f.loss_reason ? LossReasonCode(*f.loss_reason) : "");
  Add(out, f.certificate_wanted ? "1" : "0");
  Add(out, OptionalText(f.copay_percent));
  // Forms without benefits keep the text (and so the digest) they had
  // before benefits could be filed.
  if (!f.benefits.empty()) Add(out, BenefitsText(f.benefits));
  return out;
}

std::vector<std::string> DifferingFields(const store::SubmissionRecord& r, const Submission& f) {
  std::vector<std::string> out;
  auto check = [&out](bool differs, const char* field) {
    if (differs) out.emplace_back(field);
  };
  check(r.form != f.form, "form");
  check(r.name != f.name, "name");
  check(r.name_kana != f.name_kana, "name_kana");
  check(r.birth_date != f.birth_date, "birth_date");
  check(r.sex != f.sex, "sex");
  check(r.postcode != f.postcode, "postcode");
  check(r.address != f.address, "address");
  check(r.symbol != f.symbol, "symbol");
  check(r.number != f.number, "number");
  check(r.branch != f.branch, "branch");
  check(r.event_date != f.event_date, "event_date");
  check(r.loss_reason != f.loss_reason, "loss_reason");
  check(r.certificate_wanted != f.certificate_wanted, "certificate_wanted");
  check(r.copay_percent != f.copay_percent, "copay_percent");
  check(BenefitsText(r.benefits) != BenefitsText(f.benefits), "benefits");
  return out;
}

}  // namespace onshi::intermediate
