// The single qualification query (資格確認, OQSsiquc01req) as received.
//
// QualificationRequest is a faithful image of the wire message: every element
// the client sent, decoded to UTF-8 but otherwise verbatim, and nullopt for
// every element it did not send. Absent and empty are kept apart because the
// answer echoes QualificationConfirmSearchInfo exactly as sent (oqs-interface.md
// §3.2) and InsuredCardSymbol is "key omitted when absent" (§2). Whether the
// values make sense is ValidateRequest's question (validate.hpp), so the
// parsers fail only on syntax, structure and types.
//
// Both parsers read every element they can even after an error, keeping the
// first error in document order (header before body, spec order within), so
// that the error answer can still echo MedicalInstitutionCode and
// ArbitraryFileIdentifier. Unknown elements are ignored, for forward
// compatibility (newer clients send more than §2 lists).
#ifndef ONSHI_OQS_REQUEST_HPP_
#define ONSHI_OQS_REQUEST_HPP_

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "oqs/charset.hpp"
#include "oqs/error.hpp"

namespace onshi::oqs {

enum class WireFormat {
  kJson,  // web API, application/json
  kXml,   // terminal file protocol, and application/xml on the web API
};

struct QualificationRequest {
  WireFormat format = WireFormat::kJson;
  Charset charset = Charset::kUtf8;  // of the bytes received; JSON is always UTF-8

  // MessageHeader
  std::optional<std::string> qualification_confirmation_date;  // YYYYMMDD
  std::optional<std::string> medical_institution_code;         // 10 digits
  std::optional<std::string> arbitrary_file_identifier;        // echoed
  std::optional<std::string> character_code_identifier;        // "0" UTF-8, "1" Shift_JIS
  // MessageBody/QualificationConfirmSearchInfo
  std::optional<std::string> insurer_number;  // 8 chars, or 6 for 国保
  std::optional<std::string> insured_card_symbol;
  std::optional<std::string> insured_identification_number;
  std::optional<std::string> insured_branch_number;
  std::optional<std::string> birthdate;                                       // YYYYMMDD
  std::optional<std::string> limit_application_certificate_related_cons_flg;  // "0" / "1"
  std::optional<std::string> arbitrary_identifier;

  bool operator==(const QualificationRequest&) const = default;
};

// One scalar element of the request, for code that walks them all (the two
// parsers, the echo): its name on the wire and where it lives in the struct.
struct RequestElement {
  const char* name;
  std::optional<std::string> QualificationRequest::*member;
};

inline constexpr std::string_view kHeaderPath = "MessageHeader";
inline constexpr std::string_view kSearchInfoPath = "MessageBody/QualificationConfirmSearchInfo";

// In spec order (oqs-interface.md §2), which is also the echo order.
inline constexpr std::array<RequestElement, 4> kHeaderElements = {{
    {"QualificationConfirmationDate", &QualificationRequest::qualification_confirmation_date},
    {"MedicalInstitutionCode", &QualificationRequest::medical_institution_code},
    {"ArbitraryFileIdentifier", &QualificationRequest::arbitrary_file_identifier},
    {"CharacterCodeIdentifier", &QualificationRequest::character_code_identifier},
}};
inline constexpr std::array<RequestElement, 7> kSearchInfoElements = {{
    {"InsurerNumber", &QualificationRequest::insurer_number},
    {"InsuredCardSymbol", &QualificationRequest::insured_card_symbol},
    {"InsuredIdentificationNumber", &QualificationRequest::insured_identification_number},
    {"InsuredBranchNumber", &QualificationRequest::insured_branch_number},
    {"Birthdate", &QualificationRequest::birthdate},
    {"LimitApplicationCertificateRelatedConsFlg",
     &QualificationRequest::limit_application_certificate_related_cons_flg},
    {"ArbitraryIdentifier", &QualificationRequest::arbitrary_identifier},
}};

// What a parser read, and the first thing wrong with it. `request` is filled
// as far as it could be even when `error` is set.
struct ParsedRequest {
  QualificationRequest request;
  std::optional<OqsError> error;

  bool ok() const { return !error.has_value(); }
};

// {"XmlMsg":{"MessageHeader":{…},"MessageBody":{"QualificationConfirmSearchInfo":{…}}}}
// in UTF-8 (a leading BOM is skipped). Every element value must be a JSON
// string: clients send strings, and a number would lose leading zeros
// ("01" → 1), so numbers, booleans, null, objects and arrays are rejected
// with ONS-E0106 rather than guessed at. For a key given twice the last
// value wins (Boost.JSON's rule).
ParsedRequest ParseRequestJson(std::string_view body);

// <XmlMsg><MessageHeader>…</MessageHeader><MessageBody>
// <QualificationConfirmSearchInfo>…</QualificationConfirmSearchInfo></MessageBody></XmlMsg>.
// The encoding comes from a UTF-8 BOM or the XML declaration's encoding
// (UTF-8 or Shift_JIS and their common aliases; UTF-8 when undeclared);
// Shift_JIS is decoded as CP932 (charset.hpp says why). Text is taken
// verbatim, leading spaces included ("  138057"); CDATA is allowed. An
// element given twice is an error (ONS-E0107), since which one the client
// meant is unknowable. DTDs are not processed and no entity beyond the five
// predefined ones is expanded, so external-entity and entity-expansion
// attacks have nothing to work with.
ParsedRequest ParseRequestXml(std::string_view bytes);

// Only the decoding step of ParseRequestXml: `bytes` (BOM, declaration,
// CP932) as UTF-8 in `utf8`; sets request.format and request.charset, or
// error (ONS-E0103). For other XML messages of the file protocol (bulk.hpp).
ParsedRequest DecodeRequestXml(std::string_view bytes, std::string& utf8);

// Dispatches on `format`.
ParsedRequest ParseRequest(std::string_view bytes, WireFormat format);

}  // namespace onshi::oqs

#endif  // ONSHI_OQS_REQUEST_HPP_
