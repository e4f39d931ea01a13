#include "oqs/result.hpp"

#include <array>
#include <cassert>
#include <string_view>

#include "core/copay.hpp"
#include "core/preschool.hpp"
#include "oqs/kana.hpp"
#include "oqs/padded.hpp"

namespace onshi::oqs {
namespace {

void ScalarIfNotEmpty(ElementSink& s, const char* name, std::string_view value) {
  if (!value.empty()) s.Scalar(name, value);
}

// The 8-character InsurerNumber of a result (see response.hpp).
std::string_view WireInsurerNumber(const std::string& canonical, bool space_pad,
                                   std::array<char, 8>& buf) {
  if (canonical.size() != 6) return canonical;
  buf[0] = buf[1] = space_pad ? ' ' : '0';
  canonical.copy(buf.data() + 2, 6);
  return {buf.data(), buf.size()};
}

void EmitElderly(ElementSink& s, const ElderlyRecipient& e) {
  s.BeginGroup("ElderlyRecipientCertificateInfo");
  s.Scalar("ElderlyRecipientCertificateDate", e.certificate_date.ToCompact());
  s.Scalar("ElderlyRecipientValidStartDate", e.valid_from.ToCompact());
  s.Scalar("ElderlyRecipientValidEndDate", e.valid_until.ToCompact());
  s.Scalar("ElderlyRecipientContributionRatio", Padded(e.copay_percent, 3));
  s.EndGroup();
}

void EmitLimit(ElementSink& s, const LimitCertificate& l) {
  s.BeginGroup("LimitApplicationCertificateRelatedInfo");
  s.Scalar("LimitApplicationCertificateClassification", Padded(l.classification, 2));
  s.Scalar("LimitApplicationCertificateClassificationFlag", l.category_flag);
  s.Scalar("LimitApplicationCertificateDate", l.certificate_date.ToCompact());
  s.Scalar("LimitApplicationCertificateValidStartDate", l.valid_from.ToCompact());
  s.Scalar("LimitApplicationCertificateValidEndDate", l.valid_until.ToCompact());
  if (l.long_term_date) {
    s.Scalar("LimitApplicationCertificateLongTermDate", l.long_term_date->ToCompact());
  }
  s.EndGroup();
}

void EmitDiseases(ElementSink& s, const Qualification& q, Date on) {
  bool open = false;
  for (const SpecificDisease& d : q.diseases) {
    // Qualification::DiseasesOn's rule, inlined to spare its vector on the hot path.
    if (d.valid_from > on || on > d.valid_until) continue;
    if (!open) {
      s.BeginRepeated("SpecificDiseasesCertificateList");
      open = true;
    }
    s.BeginEntry();
    s.Scalar("SpecificDiseasesDiseaseCategory", Padded(d.category, 1));
    s.Scalar("SpecificDiseasesCertificateDate", d.certificate_date.ToCompact());
    s.Scalar("SpecificDiseasesValidStartDate", d.valid_from.ToCompact());
    s.Scalar("SpecificDiseasesValidEndDate", d.valid_until.ToCompact());
    s.Scalar("SpecificDiseasesSelfPay", Padded(d.self_pay_yen, 1));
    s.EndEntry();
  }
  if (open) s.EndRepeated();
}

// <prefix>ConsFlg, <prefix>ConsTime and (viewing consents) <prefix>AvailableTime.
void EmitConsent(ElementSink& s, const Consent& c, const char* flag, const char* time,
                 const char* available) {
  s.Scalar(flag, c.flag);
  if (c.flag != "1") return;
  ScalarIfNotEmpty(s, time, c.time);
  if (available != nullptr) ScalarIfNotEmpty(s, available, c.available);
}

bool Given(const std::optional<Consent>& c) {
  return c && c->flag == "1";
}

}  // namespace

void EmitQualificationResult(ElementSink& s, const Qualification& q, const ResultContext& c) {
  s.BeginItem("ResultOfQualificationConfirmation");
  s.Scalar("InsuredCardClassification", CardClassificationCode(q.card_classification));
  std::array<char, 8> insurer_buf;
  s.Scalar("InsurerNumber", WireInsurerNumber(q.insurer_number, c.space_pad_kokuho, insurer_buf));
  ScalarIfNotEmpty(s, "InsuredCardSymbol", q.symbol);
  s.Scalar("InsuredIdentificationNumber", q.number);
  ScalarIfNotEmpty(s, "InsuredBranchNumber", q.branch);
  s.Scalar("PersonalFamilyClassification", Padded(static_cast<int>(q.personal_family), 1));

  const MemberAttributes* a = q.attributes.empty() ? nullptr : &q.AttributesOn(c.on);
  if (a != nullptr) {
    ScalarIfNotEmpty(s, "InsuredName", a->insured_name);
    s.Scalar("Name", a->name);
    ScalarIfNotEmpty(s, "NameOfOther", a->name_of_other);
    ScalarIfNotEmpty(s, "NameKana", ToHalfWidthKana(a->name_kana));
    if (!a->name_of_other_kana.empty()) {
      s.Scalar("NameOfOtherKana", ToHalfWidthKana(a->name_of_other_kana));
    }
  }
  s.Scalar("Sex1", Padded(static_cast<int>(q.sex), 1));
  if (q.sex2) s.Scalar("Sex2", Padded(static_cast<int>(*q.sex2), 1));
  s.Scalar("Birthdate", q.birth_date.ToCompact());
  if (a != nullptr) {
    ScalarIfNotEmpty(s, "Address", a->address);
    ScalarIfNotEmpty(s, "PostNumber", a->postcode);
  }
  if (q.card_issued_on) {
    s.Scalar("InsuredCertificateIssuanceDate", q.card_issued_on->ToCompact());
  }
  s.Scalar("InsuredCardValidDate", q.acquired.ToCompact());
  if (q.card_valid_until) s.Scalar("InsuredCardExpirationDate", q.card_valid_until->ToCompact());
  s.Scalar("QualificationDate", q.acquired.ToCompact());
  if (q.lost) s.Scalar("DisqualificationDate", q.lost->ToCompact());
  if (IsLateStageElderlyInsurer(q.insurer_number)) {
    s.Scalar("InsuredPartialContributionRatio", Padded(CopayPercentOn(q, c.on), 3));
  }
  if (IsPreschool(q.birth_date, c.on)) s.Scalar("PreschoolClassification", "1");
  if (q.lost && q.loss_reason) s.Scalar("ReasonOfLoss", LossReasonCode(*q.loss_reason));
  s.Scalar("InsurerName", q.insurer_name);
  if (!c.reference_number.empty()) s.Scalar("ReferenceNumber", c.reference_number);

  if (const auto e = ElderlyRecipientOn(q, c.on)) EmitElderly(s, *e);
  const ResultConsents& k = c.consents;
  if (k.limit) {
    EmitConsent(s, *k.limit, "LimitApplicationCertificateRelatedConsFlg",
                "LimitApplicationCertificateRelatedConsTime", nullptr);
    if (Given(k.limit)) {
      if (const LimitCertificate* l = q.LimitOn(c.on)) EmitLimit(s, *l);
    }
  }
  if (k.specific_diseases) {
    EmitConsent(s, *k.specific_diseases, "SpecificDiseasesCertificateRelatedConsFlg",
                "SpecificDiseasesCertificateRelatedConsTime", nullptr);
    if (Given(k.specific_diseases)) EmitDiseases(s, q, c.on);
  }
  if (k.checkups) {
    EmitConsent(s, *k.checkups, "SpecificHealthCheckupsInfoConsFlg",
                "SpecificHealthCheckupsInfoConsTime", "SpecificHealthCheckupsInfoAvailableTime");
  }
  if (k.pharmacists) {
    EmitConsent(s, *k.pharmacists, "PharmacistsInfoConsFlg", "PharmacistsInfoConsTime",
                "PharmacistsInfoAvailableTime");
  }
  if (k.diagnosis) {
    EmitConsent(s, *k.diagnosis, "DiagnosisInfoConsFlg", "DiagnosisInfoConsTime",
                "DiagnosisInfoAvailableTime");
  }
  if (k.operation) {
    EmitConsent(s, *k.operation, "OperationInfoConsFlg", "OperationInfoConsTime",
                "OperationInfoAvailableTime");
  }
  s.EndItem();
}

}  // namespace onshi::oqs
