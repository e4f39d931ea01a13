// RenderOperationOutcome (operation_outcome.hpp).
#include "fhir/operation_outcome.hpp"

#include <boost/json.hpp>

namespace onshi::fhir {

namespace json = boost::json;

std::string_view IssueCodeName(IssueCode code) {
  switch (code) {
    case IssueCode::kInvalid:
      return "invalid";
    case IssueCode::kRequired:
      return "required";
    case IssueCode::kNotSupported:
      return "not-supported";
    case IssueCode::kLogin:
      return "login";
    case IssueCode::kTransient:
      return "transient";
    case IssueCode::kForbidden:
      return "forbidden";
  }
  return "invalid";
}

std::string Issue::Diagnostics() const {
  return expression.empty() ? message : expression + ": " + message;
}

std::string RenderOperationOutcome(const Issue& issue) {
  json::object entry;
  entry["severity"] = "error";
  entry["code"] = IssueCodeName(issue.code);
  entry["diagnostics"] = issue.Diagnostics();
  // No expression for a body that is not a resource at all: there is no
  // element to point at.
  if (!issue.expression.empty()) entry["expression"] = json::array{json::string(issue.expression)};
  json::object outcome;
  outcome["resourceType"] = "OperationOutcome";
  outcome["issue"] = json::array{std::move(entry)};
  return json::serialize(outcome);
}

}  // namespace onshi::fhir
