// ParseEligibilityRequest (eligibility_request.hpp).
#include "fhir/eligibility_request.hpp"

#include <boost/json.hpp>

#include <algorithm>

#include "fhir/contained.hpp"
#include "fhir/coverage_keys.hpp"
#include "fhir/json_reader.hpp"
#include "fhir/uris.hpp"

namespace onshi::fhir {

namespace json = boost::json;

namespace {

constexpr std::string_view kRoot = "CoverageEligibilityRequest";

// The CoverageEligibilityRequest inside the body: the body itself, or the
// "resource" parameter of a Parameters resource. nullptr after an issue.
const json::object* Unwrap(Reader& reader, const json::value& body) {
  if (!body.is_object()) {
    reader.Invalid("", "the body must be a JSON object holding a FHIR resource");
    return nullptr;
  }
  const json::object& resource = body.get_object();
  const std::optional<std::string_view> type = reader.String(resource, "resourceType", "");
  if (reader.failed()) return nullptr;
  if (!type) {
    reader.Missing(400, "resourceType", "is required");
    return nullptr;
  }
  if (*type == kRoot) return &resource;
  if (*type == "Parameters") {
    const json::array* params = reader.Array(resource, "parameter", "Parameters");
    if (reader.failed()) return nullptr;
    if (params != nullptr) {
      for (std::size_t i = 0; i < params->size(); ++i) {
        const std::string path = IndexPath("Parameters.parameter", i);
        const json::object* param = reader.ObjectAt(*params, i, "Parameters.parameter");
        if (param == nullptr) return nullptr;
        const std::optional<std::string_view> name = reader.String(*param, "name", path);
        if (reader.failed()) return nullptr;
        if (name != "resource") continue;
        const json::object* inner = reader.Object(*param, "resource", path);
        if (reader.failed()) return nullptr;
        if (inner == nullptr) {
          reader.Missing(400, ChildPath(path, "resource"),
                         "the parameter 'resource' must hold a CoverageEligibilityRequest");
          return nullptr;
        }
        const json::value* inner_type = inner->if_contains("resourceType");
        if (inner_type == nullptr || !inner_type->is_string() ||
            inner_type->get_string() != kRoot) {
          reader.Invalid(ChildPath(ChildPath(path, "resource"), "resourceType"),
                         "must be CoverageEligibilityRequest");
          return nullptr;
        }
        return inner;
      }
    }
    reader.Missing(400, "Parameters.parameter",
                   "a parameter named 'resource' holding a CoverageEligibilityRequest is required");
    return nullptr;
  }
  if (*type == "Bundle") {
    reader.Fail(422, IssueCode::kNotSupported, "resourceType",
                "Bundle input to $submit is not supported; send one CoverageEligibilityRequest");
    return nullptr;
  }
  reader.Invalid("resourceType", "must be CoverageEligibilityRequest or Parameters, got '" +
                                     std::string(*type) + "'");
  return nullptr;
}

// FHIR R4 id: [A-Za-z0-9\-\.]{1,64}. Checked because the response echoes it
// inside a reference.
bool IsFhirId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.';
  });
}

void ReadEcho(Reader& reader, const json::object& root, EligibilityRequest& out) {
  if (std::optional<std::string_view> id = reader.String(root, "id", kRoot)) {
    if (!IsFhirId(*id)) {
      reader.Invalid(ChildPath(kRoot, "id"), "must be 1-64 characters of A-Z a-z 0-9 - .");
      return;
    }
    out.id = *id;
  }
  const json::array* identifiers = reader.Array(root, "identifier", kRoot);
  if (identifiers == nullptr) return;
  const std::string path = ChildPath(kRoot, "identifier");
  for (std::size_t i = 0; i < identifiers->size() && !out.identifier; ++i) {
    const json::object* id = reader.ObjectAt(*identifiers, i, path);
    if (id == nullptr) return;
    const std::string id_path = IndexPath(path, i);
    const std::optional<std::string_view> system = reader.String(*id, "system", id_path);
    const std::optional<std::string_view> value = reader.String(*id, "value", id_path);
    if (value)
      out.identifier = RequestIdentifier{std::string(system.value_or("")), std::string(*value)};
  }
}

void ReadStatus(Reader& reader, const json::object& root) {
  const std::optional<std::string_view> status = reader.String(root, "status", kRoot);
  if (reader.failed()) return;
  const std::string path = ChildPath(kRoot, "status");
  if (!status) {
    reader.Missing(400, path, "is required");
  } else if (*status != "active" && *status != "cancelled" && *status != "draft" &&
             *status != "entered-in-error") {
    reader.Invalid(path, "must be one of active, cancelled, draft, entered-in-error");
  } else if (*status != "active") {
    reader.Rejected(path, "must be 'active': only an active request is checked");
  }
}

void ReadPurposes(Reader& reader, const json::object& root, EligibilityRequest& out) {
  const std::string path = ChildPath(kRoot, "purpose");
  const json::array* purposes = reader.Array(root, "purpose", kRoot);
  if (reader.failed()) return;
  if (purposes == nullptr) {
    reader.Missing(400, path, "is required (use 'validation')");
    return;
  }
  for (std::size_t i = 0; i < purposes->size(); ++i) {
    const std::optional<std::string_view> code = reader.StringAt(*purposes, i, path);
    if (!code) return;
    Purpose p;
    if (*code == "validation") {
      p = Purpose::kValidation;
    } else if (*code == "discovery") {
      p = Purpose::kDiscovery;
    } else if (*code == "benefits" || *code == "auth-requirements") {
      reader.Fail(422, IssueCode::kNotSupported, IndexPath(path, i),
                  "'" + std::string(*code) +
                      "' is not supported; only validation and discovery are supported");
      return;
    } else {
      reader.Invalid(IndexPath(path, i),
                     "must be one of auth-requirements, benefits, discovery, validation");
      return;
    }
    if (std::find(out.purposes.begin(), out.purposes.end(), p) == out.purposes.end()) {
      out.purposes.push_back(p);
    }
  }
}

void ReadBirthDate(Reader& reader, const Contained& contained, const json::object& root,
                   EligibilityRequest& out) {
  const std::string path = ChildPath(kRoot, "patient");
  const json::object* reference = reader.Object(root, "patient", kRoot);
  if (reader.failed()) return;
  if (reference == nullptr) {
    reader.Missing(400, path, "is required: a reference to a contained Patient with birthDate");
    return;
  }
  const json::object* patient = contained.Resolve(reader, *reference, path, "Patient");
  if (patient == nullptr) return;
  const std::optional<std::string_view> text = reader.String(*patient, "birthDate", path);
  if (reader.failed()) return;
  if (!text) {
    reader.Missing(422, ChildPath(path, "birthDate"),
                   "is required: the 生年月日 is a key of the insurance-card check");
    return;
  }
  if (std::optional<Date> d = reader.FullDate(*text, ChildPath(path, "birthDate"))) {
    out.query.birth_date = *d;
  }
}

void ReadServicedDate(Reader& reader, const json::object& root, Date today,
                      EligibilityRequest& out) {
  out.confirmation_date = today;
  if (root.contains("servicedPeriod")) {
    reader.Fail(422, IssueCode::kNotSupported, ChildPath(kRoot, "servicedPeriod"),
                "is not supported: send servicedDate, the one day to check (資格確認日)");
    return;
  }
  const std::optional<std::string_view> text = reader.String(root, "servicedDate", kRoot);
  if (!text) return;
  if (std::optional<Date> d = reader.FullDate(*text, ChildPath(kRoot, "servicedDate"))) {
    out.confirmation_date = *d;
  }
}

void ReadCoverage(Reader& reader, const Contained& contained, const json::object& root,
                  EligibilityRequest& out) {
  const std::string path = ChildPath(kRoot, "insurance");
  const json::array* insurance = reader.Array(root, "insurance", kRoot);
  if (reader.failed()) return;
  if (insurance == nullptr) {
    reader.Missing(422, path,
                   "is required: one entry whose coverage references the card's Coverage");
    return;
  }
  if (insurance->size() != 1) {
    reader.Fail(422, IssueCode::kNotSupported, path,
                "exactly one entry is supported: one card is checked per request");
    return;
  }
  const std::string entry_path = IndexPath(path, 0);
  const json::object* entry = reader.ObjectAt(*insurance, 0, path);
  if (entry == nullptr) return;
  const json::object* reference = reader.Object(*entry, "coverage", entry_path);
  if (reader.failed()) return;
  const std::string coverage_path = ChildPath(entry_path, "coverage");
  if (reference == nullptr) {
    reader.Missing(400, coverage_path, "is required: a reference to a contained Coverage");
    return;
  }
  const json::object* coverage = contained.Resolve(reader, *reference, coverage_path, "Coverage");
  if (coverage == nullptr) return;
  std::optional<InsuranceCardQuery> keys =
      ReadCoverageKeys(reader, contained, *coverage, coverage_path);
  if (!keys) return;
  keys->birth_date = out.query.birth_date;
  out.query = std::move(*keys);
}

void ReadProvider(Reader& reader, const Contained& contained, const json::object& root,
                  EligibilityRequest& out) {
  const std::string path = ChildPath(kRoot, "provider");
  const json::object* reference = reader.Object(root, "provider", kRoot);
  if (reference == nullptr) return;
  const std::optional<Contained::Identifier> id = contained.FindIdentifier(
      reader, *reference, path, "Organization", {kSystemMedicalInstitutionCode});
  if (reader.failed()) return;
  if (!id) {
    reader.Missing(422, ChildPath(path, "identifier"),
                   "a provider must carry its 医療機関コード (identifier system " +
                       std::string(kSystemMedicalInstitutionCode) + ")");
    return;
  }
  const Expected<MedicalInstitutionCode> code = MedicalInstitutionCode::Parse(id->value);
  if (!code) {
    reader.Rejected(id->path, code.error().message);
    return;
  }
  out.provider = *code;
}

}  // namespace

std::string_view PurposeCode(Purpose p) {
  return p == Purpose::kDiscovery ? "discovery" : "validation";
}

Parsed<EligibilityRequest> ParseEligibilityRequest(std::string_view body, Date today) {
  boost::system::error_code ec;
  const json::value parsed = json::parse(body, ec);
  if (ec) return Issue{400, IssueCode::kInvalid, "", "the body is not valid JSON: " + ec.message()};

  Reader reader;
  const json::object* root = Unwrap(reader, parsed);
  if (root == nullptr) return reader.error();

  // Reading order is document order as a client writes it, so the first
  // error reported is the first one they would meet reading top-down.
  EligibilityRequest out;
  ReadEcho(reader, *root, out);
  ReadStatus(reader, *root);
  ReadPurposes(reader, *root, out);
  const Contained contained(reader, *root, kRoot);
  ReadBirthDate(reader, contained, *root, out);
  ReadServicedDate(reader, *root, today, out);
  ReadProvider(reader, contained, *root, out);
  ReadCoverage(reader, contained, *root, out);
  if (reader.failed()) return reader.error();
  return out;
}

}  // namespace onshi::fhir
