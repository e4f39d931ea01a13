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
  return out;
}

}  // namespace onshi::intermediate
