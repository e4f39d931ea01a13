#include "oqs/bulk.hpp"

#include <pugixml.hpp>

#include "core/medical_institution_code.hpp"
#include "oqs/padded.hpp"
#include "oqs/result.hpp"
#include "oqs/xml_writer.hpp"

namespace onshi::oqs {
namespace {

// The text of an element that must hold text only; nullopt when it has
// child elements.
std::optional<std::string> TextOf(pugi::xml_node node) {
  std::string text;
  for (pugi::xml_node child : node.children()) {
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
      text += child.value();
    } else if (child.type() == pugi::node_element) {
      return std::nullopt;
    }
  }
  return text;
}

// Reads `name` below `group` into `slot`; the first problem goes to `error`.
void ReadScalar(pugi::xml_node group, const char* name, std::string_view path,
                std::optional<std::string>& slot, std::optional<OqsError>& error) {
  const pugi::xml_node node = group.child(name);
  if (!node) return;
  const std::string where = std::string(path) + "/" + name;
  if (node.next_sibling(name)) {
    if (!error) {
      error = MakeOqsError(ErrorCode::kDuplicateElement, where, "element appears more than once");
    }
    return;
  }
  auto text = TextOf(node);
  if (!text) {
    if (!error) {
      error = MakeOqsError(ErrorCode::kNotAString, where,
                           "must contain text only, found child elements");
    }
    return;
  }
  slot = std::move(*text);
}

// The registration item's elements, beside the keys a query has.
struct RegistrationElement {
  const char* name;
  std::optional<std::string> QualificationRequest::*member;
};
constexpr std::array<RegistrationElement, 4> kRegistrationKeys = {{
    {"InsurerNumber", &QualificationRequest::insurer_number},
    {"InsuredCardSymbol", &QualificationRequest::insured_card_symbol},
    {"InsuredIdentificationNumber", &QualificationRequest::insured_identification_number},
    {"InsuredBranchNumber", &QualificationRequest::insured_branch_number},
}};

std::string Quote(std::string_view v) {
  return "\"" + std::string(v.substr(0, 40)) + (v.size() > 40 ? "...\"" : "\"");
}

// Runs `emit` against an XmlWriter and returns the document in `charset`.
template <class Emit>
std::string RenderXml(Charset charset, const Emit& emit) {
  XmlWriter writer;
  emit(writer);
  return std::move(writer).Finish(charset);
}

void ScalarIf(ElementSink& s, const char* name, const std::optional<std::string>& v) {
  if (v) s.Scalar(name, *v);
}

// The header of every bulk/registration answer, in the spec's order
// (terminal-protocol.md §6.4 02res): what the request said, echoed.
struct HeaderValues {
  std::string time;
  std::optional<std::string> confirmation_date;
  std::optional<std::string> institution;
  std::optional<std::string> file_identifier;
  std::optional<std::string> reception_number;
  const char* segment = "1";
  const OqsError* error = nullptr;
  std::optional<RenderedUnits> counts;
  Charset charset = Charset::kUtf8;
};

void EmitHeader(ElementSink& s, const HeaderValues& h) {
  s.BeginGroup("MessageHeader");
  s.Scalar("ProcessExecutionTime", h.time);
  ScalarIf(s, "QualificationConfirmationDate", h.confirmation_date);
  ScalarIf(s, "MedicalInstitutionCode", h.institution);
  ScalarIf(s, "ArbitraryFileIdentifier", h.file_identifier);
  ScalarIf(s, "ReceptionNumber", h.reception_number);
  s.Scalar("SegmentOfResult", h.error ? "9" : h.segment);
  if (h.error) {
    s.Scalar("ErrorCode", h.error->Id());
    s.Scalar("ErrorMessage", h.error->Message());
  }
  if (h.counts) {
    s.Scalar("NumberOfProcessingResult", std::to_string(h.counts->normal + h.counts->errors));
    s.Scalar("NumberOfNormalProcessing", std::to_string(h.counts->normal));
    s.Scalar("NumberOfError", std::to_string(h.counts->errors));
  }
  s.Scalar("CharacterCodeIdentifier", CharacterCodeIdentifier(h.charset));
  s.EndGroup();
}

void EmitProcessingError(ElementSink& s, const OqsError& e) {
  s.Scalar("ProcessingResultStatus", "2");  // OQSCD004 エラー
  s.Scalar("ProcessingResultCode", e.Id());
  s.Scalar("ProcessingResultMessage", e.Message());
}

void EmitSearchEcho(ElementSink& s, const QualificationRequest& r) {
  s.BeginGroup(kSearchInfoGroup);
  for (const RequestElement& e : kSearchInfoElements) {
    if (const auto& v = r.*e.member) s.Scalar(e.name, *v);
  }
  s.EndGroup();
}

void EmitRegistrationEcho(ElementSink& s, const BulkItem& item) {
  s.BeginGroup(kRegistrationGroup);
  ScalarIf(s, "ReferenceNumber", item.reference_number);
  for (const RegistrationElement& e : kRegistrationKeys) {
    ScalarIf(s, e.name, item.request.*e.member);
  }
  s.EndGroup();
}

// The serialised children of <Units>…</Units> (a UTF-8 document).
std::string InnerOfRoot(const std::string& document, std::string_view root) {
  const std::string open = "<" + std::string(root) + ">";
  const std::string close = "</" + std::string(root) + ">";
  const size_t a = document.find(open);
  const size_t b = document.rfind(close);
  if (a == std::string::npos || b == std::string::npos) return "";  // no units: <Units/>
  return document.substr(a + open.size(), b - a - open.size());
}

constexpr std::string_view kUnitsMark = "@@onshi-units@@";

}  // namespace

ParsedBulk ParseBulkXml(std::string_view bytes, const char* group) {
  ParsedBulk out;
  std::string utf8;
  ParsedRequest decoded = DecodeRequestXml(bytes, utf8);
  out.header = decoded.request;
  if (decoded.error) {
    out.error = decoded.error;
    return out;
  }
  // Keep the document without its declaration: it is UTF-8 now, whatever
  // the declaration said.
  if (utf8.starts_with("<?xml")) {
    const size_t end = utf8.find("?>");
    if (end != std::string::npos) utf8.erase(0, end + 2);
  }
  out.utf8 = utf8;
  pugi::xml_document doc;
  const pugi::xml_parse_result parsed =
      doc.load_buffer_inplace(utf8.data(), utf8.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!parsed) {
    out.error = MakeOqsError(
        ErrorCode::kNotXml, "",
        std::string(parsed.description()) + " at offset " + std::to_string(parsed.offset));
    return out;
  }
  const pugi::xml_node root = doc.document_element();
  if (std::string_view(root.name()) != "XmlMsg") {
    out.error =
        MakeOqsError(ErrorCode::kWrongRoot, "",
                     "the root element is <" + std::string(root.name()) + ">, expected <XmlMsg>");
    return out;
  }
  const pugi::xml_node header = root.child("MessageHeader");
  const pugi::xml_node body = root.child("MessageBody");
  std::optional<OqsError> header_error;
  if (header) {
    for (const RequestElement& e : kHeaderElements) {
      ReadScalar(header, e.name, kHeaderPath, out.header.*e.member, header_error);
    }
    ReadScalar(header, "ReceptionNumber", kHeaderPath, out.reception_number, header_error);
  }
  if (body && !out.reception_number) {
    ReadScalar(body, "ReceptionNumber", "MessageBody", out.reception_number, header_error);
  }
  if (!header || !body) {
    out.error = MakeOqsError(ErrorCode::kMissingGroup, header ? "MessageBody" : "MessageHeader",
                             "element is missing");
    return out;
  }
  if (header_error) {
    out.error = header_error;
    return out;
  }
  if (group == nullptr || *group == '\0') return out;
  const std::string path = "MessageBody/" + std::string(group);
  for (pugi::xml_node node = body.child(group); node; node = node.next_sibling(group)) {
    BulkItem item;
    item.request = out.header;
    if (std::string_view(group) == kSearchInfoGroup) {
      for (const RequestElement& e : kSearchInfoElements) {
        ReadScalar(node, e.name, path, item.request.*e.member, item.error);
      }
    } else {
      ReadScalar(node, "ReferenceNumber", path, item.reference_number, item.error);
      for (const RegistrationElement& e : kRegistrationKeys) {
        ReadScalar(node, e.name, path, item.request.*e.member, item.error);
      }
    }
    out.items.push_back(std::move(item));
  }
  return out;
}

std::optional<OqsError> ValidateBulkHeader(const QualificationRequest& h) {
  const std::string path = std::string(kHeaderPath) + "/";
  if (!h.medical_institution_code || h.medical_institution_code->empty()) {
    return MakeOqsError(ErrorCode::kInstitutionCodeMissing, path + "MedicalInstitutionCode",
                        "element is missing or empty");
  }
  auto code = MedicalInstitutionCode::Parse(*h.medical_institution_code);
  if (!code) {
    return MakeOqsError(ErrorCode::kInstitutionCodeInvalid, path + "MedicalInstitutionCode",
                        Quote(*h.medical_institution_code) + ": " + code.error().message);
  }
  if (const auto& afi = h.arbitrary_file_identifier) {
    bool control = false;
    for (unsigned char c : *afi)
      control = control || c < 0x20 || c == 0x7F;
    if (afi->size() > kMaxArbitraryIdentifierBytes || control) {
      return MakeOqsError(ErrorCode::kArbitraryFileIdentifierInvalid,
                          path + "ArbitraryFileIdentifier",
                          "at most " + std::to_string(kMaxArbitraryIdentifierBytes) +
                              " bytes, no control characters");
    }
  }
  if (const auto& cci = h.character_code_identifier;
      cci && !cci->empty() && *cci != "0" && *cci != "1") {
    return MakeOqsError(ErrorCode::kCharacterCodeInvalid, path + "CharacterCodeIdentifier",
                        Quote(*cci) + " must be \"0\" (UTF-8) or \"1\" (Shift_JIS)");
  }
  return std::nullopt;
}

Result<ValidatedRegistration> ValidateRegistration(const BulkItem& item) {
  if (item.error) return *item.error;
  const std::string path = std::string("MessageBody/") + kRegistrationGroup + "/ReferenceNumber";
  const auto& number = item.reference_number;
  if (!number || number->empty()) {
    return MakeOqsError(ErrorCode::kReferenceNumberInvalid, path, "element is missing or empty");
  }
  if (number->size() > kMaxReferenceNumberBytes) {
    return MakeOqsError(
        ErrorCode::kReferenceNumberInvalid, path,
        Quote(*number) + " is longer than " + std::to_string(kMaxReferenceNumberBytes) + " bytes");
  }
  for (unsigned char c : *number) {
    if (c <= 0x20 || c == 0x7F) {
      return MakeOqsError(ErrorCode::kReferenceNumberInvalid, path,
                          "contains a space or control character");
    }
  }
  Result<InsuranceCardQuery> keys = ValidateCardKeys(item.request);
  if (!keys) {
    // The key rules are the query's; the element lives in this group.
    OqsError e = keys.error();
    const std::string from(kSearchInfoPath);
    if (e.element.starts_with(from)) {
      e.element = std::string("MessageBody/") + kRegistrationGroup + e.element.substr(from.size());
    }
    return e;
  }
  return ValidatedRegistration{*number, std::move(*keys)};
}

RenderedUnits RenderQualificationUnits(const std::vector<BulkUnit>& units,
                                       const Timestamp& processed) {
  RenderedUnits out;
  const std::string time = processed.ToCompact();
  XmlWriter w;
  w.BeginGroup("Units");
  for (const BulkUnit& u : units) {
    w.BeginGroup("BulkConfirmUnit");
    EmitSearchEcho(w, u.item->request);
    if (u.error || !u.decision || !u.validated) {
      const OqsError e = u.error.value_or(MakeOqsError(ErrorCode::kInternalError, "", "no answer"));
      EmitProcessingError(w, e);
      ++out.errors;
    } else {
      const EligibilityDecision& d = *u.decision;
      w.Scalar("ProcessingResultStatus", "1");
      w.Scalar("QualificationValidity", Padded(static_cast<int>(d.validity), 1));
      if (d.validity != QualificationValidity::kNotFound) {
        // As the single answer: the item's one consent flag covers both
        // certificates (response.cpp says why).
        const bool consent = u.validated->limit_consent;
        const Consent c{consent ? "1" : "0", consent ? time : std::string(), ""};
        for (size_t i = 0; i < d.results.size(); ++i) {
          ResultContext context;
          context.on = u.validated->confirmation_date;
          context.consents.limit = c;
          context.consents.specific_diseases = c;
          context.space_pad_kokuho =
              u.item->request.insurer_number && u.item->request.insurer_number->starts_with("  ");
          if (i < u.reference_numbers.size()) context.reference_number = u.reference_numbers[i];
          EmitQualificationResult(w, *d.results[i], context);
        }
        if (!u.reference_numbers.empty() && !u.reference_numbers.front().empty()) {
          w.Scalar("ReferenceNumber", u.reference_numbers.front());
        }
      }
      ++out.normal;
    }
    w.EndGroup();
  }
  w.EndGroup();
  out.xml = InnerOfRoot(std::move(w).Finish(Charset::kUtf8), "Units");
  return out;
}

RenderedUnits RenderRegistrationUnits(const std::vector<BulkUnit>& units) {
  RenderedUnits out;
  XmlWriter w;
  w.BeginGroup("Units");
  for (const BulkUnit& u : units) {
    w.BeginGroup("ReferenceNumberRegistrationUnit");
    EmitRegistrationEcho(w, *u.item);
    if (u.error) {
      EmitProcessingError(w, *u.error);
      ++out.errors;
    } else {
      w.Scalar("ProcessingResultStatus", "1");
      w.Scalar("ReferenceNumber", u.registered);
      ++out.normal;
    }
    w.EndGroup();
  }
  w.EndGroup();
  out.xml = InnerOfRoot(std::move(w).Finish(Charset::kUtf8), "Units");
  return out;
}

std::string WriteBulkAccepted(const QualificationRequest& header, std::string_view reception_number,
                              const Timestamp& processed, Charset charset) {
  return RenderXml(charset, [&](ElementSink& s) {
    s.BeginGroup("XmlMsg");
    HeaderValues h;
    h.time = processed.ToCompact();
    h.confirmation_date = header.qualification_confirmation_date;
    h.institution = header.medical_institution_code;
    h.file_identifier = header.arbitrary_file_identifier;
    h.charset = charset;
    EmitHeader(s, h);
    s.BeginGroup("MessageBody");
    s.Scalar("ProcessingResultStatus", "1");
    s.Scalar("ReceptionNumber", reception_number);
    s.Scalar("ReceptionDateTime", h.time);
    s.EndGroup();
    s.EndGroup();
  });
}

namespace {

HeaderValues ResultHeader(const BulkResultHeader& r, const Timestamp& processed, Charset charset) {
  HeaderValues h;
  h.time = processed.ToCompact();
  h.confirmation_date = r.submit ? r.submit->qualification_confirmation_date : std::nullopt;
  if (!h.confirmation_date) h.confirmation_date = h.time.substr(0, 8);
  h.institution = r.fetch->medical_institution_code;
  h.file_identifier = r.fetch->arbitrary_file_identifier;
  if (!h.file_identifier && r.submit) h.file_identifier = r.submit->arbitrary_file_identifier;
  h.reception_number = r.reception_number;
  h.charset = charset;
  return h;
}

}  // namespace

std::string WriteBulkProcessing(const BulkResultHeader& r, const Timestamp& processed,
                                Charset charset) {
  return RenderXml(charset, [&](ElementSink& s) {
    s.BeginGroup("XmlMsg");
    HeaderValues h = ResultHeader(r, processed, charset);
    h.segment = "2";  // OQSCD003 処理中: ask again later with another 02req
    EmitHeader(s, h);
    s.BeginGroup("MessageBody");
    s.EndGroup();
    s.EndGroup();
  });
}

std::string WriteBulkResult(const BulkResultHeader& r, const RenderedUnits& units,
                            const Timestamp& processed, Charset charset) {
  // The units were rendered once, in UTF-8, when the job finished; the
  // envelope is rendered now (its time, the 02req's identifier) around them.
  std::string out = RenderXml(Charset::kUtf8, [&](ElementSink& s) {
    s.BeginGroup("XmlMsg");
    HeaderValues h = ResultHeader(r, processed, charset);
    h.counts = units;
    EmitHeader(s, h);
    s.BeginGroup("MessageBody");
    s.Scalar("OnshiUnits", kUnitsMark);
    s.EndGroup();
    s.EndGroup();
  });
  const std::string mark = "<OnshiUnits>" + std::string(kUnitsMark) + "</OnshiUnits>";
  if (const size_t at = out.find(mark); at != std::string::npos) {
    out.replace(at, mark.size(), units.xml);
  }
  if (charset == Charset::kShiftJis) {
    const std::string from = R"(encoding="UTF-8")";
    out.replace(out.find(from), from.size(), R"(encoding="Shift_JIS")");
    return Utf8ToCp932(out);
  }
  return out;
}

std::string WriteBulkError(const QualificationRequest& header,
                           std::optional<std::string_view> reception_number, const OqsError& error,
                           const Timestamp& processed, Charset charset) {
  return RenderXml(charset, [&](ElementSink& s) {
    s.BeginGroup("XmlMsg");
    HeaderValues h;
    h.time = processed.ToCompact();
    h.confirmation_date = header.qualification_confirmation_date;
    if (!h.confirmation_date) h.confirmation_date = h.time.substr(0, 8);
    h.institution = header.medical_institution_code;
    h.file_identifier = header.arbitrary_file_identifier;
    if (reception_number) h.reception_number = std::string(*reception_number);
    h.error = &error;
    h.charset = charset;
    EmitHeader(s, h);
    s.BeginGroup("MessageBody");
    EmitProcessingError(s, error);
    s.EndGroup();
    s.EndGroup();
  });
}

std::string WriteRegistrationResult(const BulkItem& item, const std::optional<OqsError>& error,
                                    const Timestamp& processed, Charset charset) {
  return RenderXml(charset, [&](ElementSink& s) {
    s.BeginGroup("XmlMsg");
    HeaderValues h;
    h.time = processed.ToCompact();
    h.institution = item.request.medical_institution_code;
    h.file_identifier = item.request.arbitrary_file_identifier;
    h.charset = charset;
    EmitHeader(s, h);
    s.BeginGroup("MessageBody");
    if (error) {
      EmitProcessingError(s, *error);
    } else {
      s.Scalar("ProcessingResultStatus", "1");
    }
    ScalarIf(s, "ReferenceNumber", item.reference_number);
    EmitRegistrationEcho(s, item);
    s.EndGroup();
    s.EndGroup();
  });
}

}  // namespace onshi::oqs
