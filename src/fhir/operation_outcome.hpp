// Why a FHIR request was refused, and the OperationOutcome that says so.
//
// Every refusal names the element at fault by its FHIRPath ("expression"),
// so that a client developer can find it without reading our code, and
// carries the HTTP status the server must answer with:
//
//   400  the body is not a FHIR resource we can read: not JSON, not an
//        object, the wrong resourceType, a JSON type or a primitive format
//        that FHIR R4 itself forbids, or an element R4 requires;
//   422  a readable resource that breaks our rules: an unsupported purpose,
//        a missing element our profile requires (birthDate, coverage, the
//        insured person's number), an insurer number failing its 検証番号.
//
// Diagnostics never repeat 記号・番号 (告知要求制限): messages say what is
// wrong with a value, not what the value was.
#ifndef ONSHI_FHIR_OPERATION_OUTCOME_HPP_
#define ONSHI_FHIR_OPERATION_OUTCOME_HPP_

#include <string>
#include <string_view>
#include <utility>

#include "core/expected.hpp"

namespace onshi::fhir {

// OperationOutcome.issue.code (http://hl7.org/fhir/issue-type), the subset we use.
enum class IssueCode {
  kInvalid,       // "invalid": content is not acceptable
  kRequired,      // "required": a required element is missing
  kNotSupported,  // "not-supported": valid FHIR, but not something we do
  kLogin,         // "login": no valid token (the server's 401)
  kForbidden,     // "forbidden": authenticated, but not allowed (the server's 403)
  kTransient,     // "transient": the server cannot answer now; retry (503)
};
std::string_view IssueCodeName(IssueCode code);

struct Issue {
  int http_status = 400;  // 400 or 422 from the parser; 401/403 from the server
  IssueCode code = IssueCode::kInvalid;
  std::string expression;  // FHIRPath, e.g. "CoverageEligibilityRequest.patient"
  std::string message;     // why, in English, without the offending value

  // "expression: message", the OperationOutcome.issue.diagnostics text.
  std::string Diagnostics() const;
};

// A value, or the Issue that prevented it (error()).
template <class T>
using Parsed = Expected<T, Issue>;

// The OperationOutcome resource (JSON text) for one error issue: severity
// "error", the code, diagnostics and expression.
std::string RenderOperationOutcome(const Issue& issue);

}  // namespace onshi::fhir

#endif  // ONSHI_FHIR_OPERATION_OUTCOME_HPP_
