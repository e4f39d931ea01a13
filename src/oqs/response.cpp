#include "oqs/response.hpp"

#include <array>
#include <cassert>
#include <string_view>

#include "core/preschool.hpp"
#include "oqs/element_sink.hpp"
#include "oqs/json_writer.hpp"
#include "oqs/kana.hpp"
#include "oqs/xml_writer.hpp"

namespace onshi::oqs {
namespace {

// A zero-padded decimal in a fixed buffer: codes and small numbers are
// formatted on the hot path without touching the heap.
class Padded {
 public:
  Padded(long value, int width) {
    assert(value >= 0);
    char digits[20];
    int n = 0;
    do {
      digits[n++] = static_cast<char>('0' + value % 10);
      value /= 10;
    } while (value > 0);
    while (n < width && n < static_cast<int>(sizeof(digits)))
      digits[n++] = '0';
    for (int i = 0; i < n; ++i)
      buf_[i] = digits[n - 1 - i];
    len_ = static_cast<std::size_t>(n);
  }
  operator std::string_view() const { return {buf_.data(), len_}; }  // NOLINT: implicit

 private:
  std::array<char, 20> buf_{};
  std::size_t len_ = 0;
};

void ScalarIfNotEmpty(ElementSink& s, const char* name, std::string_view value) {
  if (!value.empty()) s.Scalar(name, value);
}

// What every result of one answer shares.
struct ResultContext {
  Date on;               // the confirmation date
  bool consent = false;  // LimitApplicationCertificateRelatedConsFlg == "1"
  std::string_view consent_flag;
  std::string_view consent_time;  // ProcessExecutionTime
  bool space_pad_kokuho = false;
};

void EmitHeader(ElementSink& s, const QualificationRequest& r, std::string_view time,
                Charset charset, const OqsError* error) {
  s.BeginGroup("MessageHeader");
  s.Scalar("ProcessExecutionTime", time);
  if (r.qualification_confirmation_date) {
    s.Scalar("QualificationConfirmationDate", *r.qualification_confirmation_date);
  }
  if (r.medical_institution_code) {
    s.Scalar("MedicalInstitutionCode", *r.medical_institution_code);
  }
  if (r.arbitrary_file_identifier) {
    s.Scalar("ArbitraryFileIdentifier", *r.arbitrary_file_identifier);
  }
  s.Scalar("ReferenceClassification", "2");  // OQSCD002: 被保険者証情報
  if (error == nullptr) {
    s.Scalar("SegmentOfResult", "1");  // OQSCD003: 正常終了
  } else {
    s.Scalar("SegmentOfResult", "9");  // 異常終了
    s.Scalar("ErrorCode", error->Id());
    s.Scalar("ErrorMessage", error->Message());
  }
  s.Scalar("CharacterCodeIdentifier", CharacterCodeIdentifier(charset));
  s.EndGroup();
}

void EmitSearchInfoEcho(ElementSink& s, const QualificationRequest& r) {
  s.BeginGroup("QualificationConfirmSearchInfo");
  for (const RequestElement& e : kSearchInfoElements) {
    if (const auto& value = r.*e.member) s.Scalar(e.name, *value);
  }
  s.EndGroup();
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
      s.BeginList("SpecificDiseasesCertificateList");
      open = true;
    }
    s.BeginItem("SpecificDiseasesCertificateInfo");
    s.Scalar("SpecificDiseasesDiseaseCategory", Padded(d.category, 1));
    s.Scalar("SpecificDiseasesCertificateDate", d.certificate_date.ToCompact());
    s.Scalar("SpecificDiseasesValidStartDate", d.valid_from.ToCompact());
    s.Scalar("SpecificDiseasesValidEndDate", d.valid_until.ToCompact());
    s.Scalar("SpecificDiseasesSelfPay", Padded(d.self_pay_yen, 1));
    s.EndItem();
  }
  if (open) s.EndList();
}

void EmitResult(ElementSink& s, const Qualification& q, const ResultContext& c) {
  s.BeginItem("ResultOfQualificationConfirmation");
  s.Scalar("InsuredCardClassification", Padded(static_cast<int>(q.card_classification), 2));
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
    ScalarIfNotEmpty(s, "NameKana", ToHalfWidthKana(a->name_kana));
  }
  s.Scalar("Sex1", Padded(static_cast<int>(q.sex), 1));
  s.Scalar("Birthdate", q.birth_date.ToCompact());
  if (a != nullptr) {
    ScalarIfNotEmpty(s, "Address", a->address);
    ScalarIfNotEmpty(s, "PostNumber", a->postcode);
  }
  s.Scalar("QualificationDate", q.acquired.ToCompact());
  if (q.lost) s.Scalar("DisqualificationDate", q.lost->ToCompact());
  s.Scalar("InsuredPartialContributionRatio", Padded(q.copay_percent, 3));
  if (IsPreschool(q.birth_date, c.on)) s.Scalar("PreschoolClassification", "1");
  if (q.lost && q.loss_reason) s.Scalar("ReasonOfLoss", LossReasonCode(*q.loss_reason));
  s.Scalar("InsurerName", q.insurer_name);

  if (const ElderlyRecipient* e = q.ElderlyOn(c.on)) EmitElderly(s, *e);
  s.Scalar("LimitApplicationCertificateRelatedConsFlg", c.consent_flag);
  if (c.consent) {
    s.Scalar("LimitApplicationCertificateRelatedConsTime", c.consent_time);
    if (const LimitCertificate* l = q.LimitOn(c.on)) EmitLimit(s, *l);
  }
  EmitDiseases(s, q, c.on);
  s.EndItem();
}

void EmitAnswer(ElementSink& s, const QualificationRequest& r, const ValidatedRequest& v,
                const EligibilityDecision& d, std::string_view time, Charset charset) {
  s.BeginGroup("XmlMsg");
  EmitHeader(s, r, time, charset, nullptr);
  s.BeginGroup("MessageBody");
  s.Scalar("ProcessingResultStatus", "1");  // OQSCD004: 正常終了
  s.Scalar("QualificationValidity", Padded(static_cast<int>(d.validity), 1));
  EmitSearchInfoEcho(s, r);
  if (d.validity != QualificationValidity::kNotFound && !d.results.empty()) {
    const ResultContext context{
        .on = v.confirmation_date,
        .consent = v.limit_consent,
        .consent_flag = v.limit_consent ? "1" : "0",
        .consent_time = time,
        .space_pad_kokuho = r.insurer_number && r.insurer_number->starts_with("  "),
    };
    s.BeginList("ResultList");
    for (const Qualification* q : d.results)
      EmitResult(s, *q, context);
    s.EndList();
  }
  s.EndGroup();
  s.EndGroup();
}

void EmitError(ElementSink& s, const QualificationRequest& r, const OqsError& error,
               std::string_view time, Charset charset) {
  s.BeginGroup("XmlMsg");
  EmitHeader(s, r, time, charset, &error);
  s.BeginGroup("MessageBody");
  s.EndGroup();
  s.EndGroup();
}

// Runs `emit` against the writer for `encoding` and returns the bytes.
template <class Emit>
std::string Render(ResponseEncoding encoding, const Emit& emit) {
  if (encoding.format == WireFormat::kJson) {
    JsonWriter writer;
    emit(writer, Charset::kUtf8);
    return std::move(writer).Finish();
  }
  XmlWriter writer;
  emit(writer, encoding.charset);
  return std::move(writer).Finish(encoding.charset);
}

}  // namespace

std::string Timestamp::ToCompact() const {
  std::string out = date.ToCompact();
  for (int part : {hour, minute, second})
    out += Padded(part, 2);
  return out;
}

ResponseEncoding AnswerEncoding(const QualificationRequest& request) {
  if (request.format == WireFormat::kJson) return {WireFormat::kJson, Charset::kUtf8};
  const auto& cci = request.character_code_identifier;
  if (cci == "0") return {WireFormat::kXml, Charset::kUtf8};
  if (cci == "1") return {WireFormat::kXml, Charset::kShiftJis};
  return {WireFormat::kXml, request.charset};
}

std::string WriteQualificationResponse(const QualificationRequest& request,
                                       const ValidatedRequest& validated,
                                       const EligibilityDecision& decision,
                                       const Timestamp& processed, ResponseEncoding encoding) {
  const std::string time = processed.ToCompact();
  return Render(encoding, [&](ElementSink& sink, Charset charset) {
    EmitAnswer(sink, request, validated, decision, time, charset);
  });
}

std::string WriteErrorResponse(const QualificationRequest& request, const OqsError& error,
                               const Timestamp& processed, ResponseEncoding encoding) {
  const std::string time = processed.ToCompact();
  return Render(encoding, [&](ElementSink& sink, Charset charset) {
    EmitError(sink, request, error, time, charset);
  });
}

}  // namespace onshi::oqs
