#include "oqs/response.hpp"

#include <array>
#include <cassert>
#include <string_view>

#include "oqs/element_sink.hpp"
#include "oqs/json_writer.hpp"
#include "oqs/padded.hpp"
#include "oqs/result.hpp"
#include "oqs/xml_writer.hpp"

namespace onshi::oqs {
namespace {

struct HeaderFields {
  const QualificationRequest* request = nullptr;  // the 記号・番号 query, if any
  std::string_view confirmation_date{};           // for answers without a request
  std::string_view institution{};
  std::string_view file_identifier{};
  const char* reference_classification = "2";  // OQSCD002
};

void EmitHeader(ElementSink& s, const HeaderFields& h, std::string_view time, Charset charset,
                const OqsError* error) {
  s.BeginGroup("MessageHeader");
  s.Scalar("ProcessExecutionTime", time);
  const QualificationRequest* r = h.request;
  if (r != nullptr) {
    if (r->qualification_confirmation_date) {
      s.Scalar("QualificationConfirmationDate", *r->qualification_confirmation_date);
    } else {
      // Strict clients require the element in every answer; a request that
      // did not say which day is answered as of the processing day.
      s.Scalar("QualificationConfirmationDate", time.substr(0, 8));
    }
    if (r->medical_institution_code) {
      s.Scalar("MedicalInstitutionCode", *r->medical_institution_code);
    }
    if (r->arbitrary_file_identifier) {
      s.Scalar("ArbitraryFileIdentifier", *r->arbitrary_file_identifier);
    }
  } else {
    s.Scalar("QualificationConfirmationDate", h.confirmation_date);
    s.Scalar("MedicalInstitutionCode", h.institution);
    if (!h.file_identifier.empty()) s.Scalar("ArbitraryFileIdentifier", h.file_identifier);
  }
  s.Scalar("ReferenceClassification", h.reference_classification);
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
  bool any = false;
  for (const RequestElement& e : kSearchInfoElements)
    any = any || (r.*e.member).has_value();
  if (!any) return;
  s.BeginGroup("QualificationConfirmSearchInfo");
  for (const RequestElement& e : kSearchInfoElements) {
    if (const auto& value = r.*e.member) s.Scalar(e.name, *value);
  }
  s.EndGroup();
}

void EmitAnswer(ElementSink& s, const QualificationRequest& r, const ValidatedRequest& v,
                const EligibilityDecision& d, std::string_view time, Charset charset,
                const std::vector<std::string>* reference_numbers) {
  s.BeginGroup("XmlMsg");
  EmitHeader(s, HeaderFields{.request = &r}, time, charset, nullptr);
  s.BeginGroup("MessageBody");
  s.Scalar("ProcessingResultStatus", "1");  // OQSCD004: 正常終了
  s.Scalar("QualificationValidity", Padded(static_cast<int>(d.validity), 1));
  EmitSearchInfoEcho(s, r);
  if (d.validity != QualificationValidity::kNotFound && !d.results.empty()) {
    // The query's one consent flag covers the certificates a facility may
    // be shown (限度額適用認定証 and 特定疾病療養受療証): a 記号・番号 query has no
    // other consent element, and the patient gave it at this reception.
    const Consent consent{v.limit_consent ? "1" : "0",
                          v.limit_consent ? std::string(time) : std::string(), ""};
    ResultContext context;
    context.on = v.confirmation_date;
    context.consents.limit = consent;
    context.consents.specific_diseases = consent;
    context.space_pad_kokuho = r.insurer_number && r.insurer_number->starts_with("  ");
    s.BeginList("ResultList");
    for (size_t i = 0; i < d.results.size(); ++i) {
      context.reference_number =
          reference_numbers && i < reference_numbers->size() ? (*reference_numbers)[i] : "";
      EmitQualificationResult(s, *d.results[i], context);
    }
    s.EndList();
  }
  s.EndGroup();
  s.EndGroup();
}

void EmitError(ElementSink& s, const QualificationRequest& r, const OqsError& error,
               std::string_view time, Charset charset) {
  s.BeginGroup("XmlMsg");
  EmitHeader(s, HeaderFields{.request = &r}, time, charset, &error);
  s.BeginGroup("MessageBody");
  // Per person too (OQSCD004 "2" エラー), so that a client that reads only
  // MessageBody shows the message instead of failing on a missing element.
  s.Scalar("ProcessingResultStatus", "2");
  s.Scalar("ProcessingResultCode", error.Id());
  s.Scalar("ProcessingResultMessage", error.Message());
  EmitSearchInfoEcho(s, r);
  s.EndGroup();
  s.EndGroup();
}

void EmitCardAnswer(ElementSink& s, const CardAnswer& a, std::string_view time, Charset charset) {
  s.BeginGroup("XmlMsg");
  const std::string date = a.confirmation_date.ToCompact();
  EmitHeader(s,
             HeaderFields{.confirmation_date = date,
                          .institution = a.institution,
                          .file_identifier = a.file_identifier,
                          .reference_classification = "1"},  // マイナンバーカード
             time, charset, nullptr);
  s.BeginGroup("MessageBody");
  const EligibilityDecision& d = *a.decision;
  if (!d.results.empty()) {
    ResultContext context;
    context.on = a.confirmation_date;
    context.consents = a.consents;
    s.BeginList("ResultList");
    for (size_t i = 0; i < d.results.size(); ++i) {
      context.reference_number = i < a.reference_numbers.size() ? a.reference_numbers[i] : "";
      EmitQualificationResult(s, *d.results[i], context);
    }
    s.EndList();
  }
  s.Scalar("ProcessingResultStatus", "1");
  if (!a.notice_code.empty()) {
    s.Scalar("ProcessingResultCode", a.notice_code);
    s.Scalar("ProcessingResultMessage", a.notice_message);
  }
  s.Scalar("QualificationValidity", Padded(static_cast<int>(d.validity), 1));
  // onshi's own reading of the check, beside (never instead of) the
  // standard elements; clients ignore elements they do not know.
  s.BeginGroup("OnshiCardCheck");
  s.Scalar("Reason", EligibilityReasonCode(d.reason));
  s.Scalar("Explanation", d.Explanation());
  s.Scalar("CardStatus", a.card_status);
  s.Scalar("CertificateInGrace", d.card_in_grace ? "1" : "0");
  if (!a.grace_end.empty()) s.Scalar("CertificateGraceEnd", a.grace_end);
  s.Scalar("InformationSharing", a.information_sharing ? "1" : "0");
  s.EndGroup();
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

Timestamp Timestamp::AddHours(int hours) const {
  const long total = ((static_cast<long>(hour) + hours) * 60 + minute) * 60 + second;
  constexpr long kDay = 24L * 3600;
  long days = total / kDay, rest = total % kDay;
  if (rest < 0) {
    rest += kDay;
    --days;
  }
  return {date.AddDays(static_cast<int32_t>(days)), static_cast<int>(rest / 3600),
          static_cast<int>(rest / 60 % 60), static_cast<int>(rest % 60)};
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
                                       const Timestamp& processed, ResponseEncoding encoding,
                                       const std::vector<std::string>* reference_numbers) {
  const std::string time = processed.ToCompact();
  return Render(encoding, [&](ElementSink& sink, Charset charset) {
    EmitAnswer(sink, request, validated, decision, time, charset, reference_numbers);
  });
}

std::string WriteCardResponse(const CardAnswer& answer, const Timestamp& processed,
                              ResponseEncoding encoding) {
  const std::string time = processed.ToCompact();
  return Render(encoding, [&](ElementSink& sink, Charset charset) {
    EmitCardAnswer(sink, answer, time, charset);
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
