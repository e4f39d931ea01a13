// Reader (json_reader.hpp).
#include "fhir/json_reader.hpp"

#include <utility>

namespace onshi::fhir {

namespace json = boost::json;

namespace {

std::string KindName(json::kind k) {
  switch (k) {
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      return "a number";
    case json::kind::string:
      return "a string";
    case json::kind::array:
      return "an array";
    case json::kind::object:
      return "an object";
  }
  return "something else";
}

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

}  // namespace

std::string ChildPath(std::string_view parent, std::string_view name) {
  if (parent.empty()) return std::string(name);
  std::string path(parent);
  path += '.';
  path += name;
  return path;
}

std::string IndexPath(std::string_view parent, std::size_t index) {
  std::string path(parent);
  path += '[';
  path += std::to_string(index);
  path += ']';
  return path;
}

void Reader::Fail(int http_status, IssueCode code, std::string expression, std::string message) {
  if (issue_) return;
  issue_ = Issue{http_status, code, std::move(expression), std::move(message)};
}

const json::value* Reader::Member(const json::object& parent, std::string_view name,
                                  std::string_view path) {
  if (failed()) return nullptr;
  const json::value* v = parent.if_contains(name);
  if (v != nullptr && v->is_null()) {
    // FHIR JSON has no null for "absent": omit the member instead.
    Invalid(std::string(path), "must not be null; omit the element instead");
    return nullptr;
  }
  return v;
}

const json::object* Reader::Object(const json::object& parent, std::string_view name,
                                   std::string_view parent_path) {
  const std::string path = ChildPath(parent_path, name);
  const json::value* v = Member(parent, name, path);
  if (v == nullptr) return nullptr;
  if (!v->is_object()) {
    Invalid(path, "must be a JSON object, got " + KindName(v->kind()));
    return nullptr;
  }
  if (v->get_object().empty()) {
    Invalid(path, "must not be an empty object");
    return nullptr;
  }
  return &v->get_object();
}

const json::array* Reader::Array(const json::object& parent, std::string_view name,
                                 std::string_view parent_path) {
  const std::string path = ChildPath(parent_path, name);
  const json::value* v = Member(parent, name, path);
  if (v == nullptr) return nullptr;
  if (!v->is_array()) {
    Invalid(path, "must be a JSON array, got " + KindName(v->kind()));
    return nullptr;
  }
  if (v->get_array().empty()) {
    Invalid(path, "must not be an empty array");
    return nullptr;
  }
  return &v->get_array();
}

std::optional<std::string_view> Reader::String(const json::object& parent, std::string_view name,
                                               std::string_view parent_path) {
  const std::string path = ChildPath(parent_path, name);
  const json::value* v = Member(parent, name, path);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) {
    Invalid(path, "must be a JSON string, got " + KindName(v->kind()));
    return std::nullopt;
  }
  if (v->get_string().empty()) {
    Invalid(path, "must not be an empty string");
    return std::nullopt;
  }
  return std::string_view(v->get_string());
}

const json::object* Reader::ObjectAt(const json::array& array, std::size_t index,
                                     std::string_view array_path) {
  if (failed()) return nullptr;
  const std::string path = IndexPath(array_path, index);
  const json::value& v = array.at(index);
  if (!v.is_object()) {
    Invalid(path, "must be a JSON object, got " + KindName(v.kind()));
    return nullptr;
  }
  return &v.get_object();
}

std::optional<std::string_view> Reader::StringAt(const json::array& array, std::size_t index,
                                                 std::string_view array_path) {
  if (failed()) return std::nullopt;
  const std::string path = IndexPath(array_path, index);
  const json::value& v = array.at(index);
  if (!v.is_string() || v.get_string().empty()) {
    Invalid(path, "must be a non-empty JSON string, got " +
                      (v.is_string() ? std::string("an empty string") : KindName(v.kind())));
    return std::nullopt;
  }
  return std::string_view(v.get_string());
}

std::optional<Date> Reader::FullDate(std::string_view text, std::string path) {
  if (failed()) return std::nullopt;
  if (std::optional<Date> d = Date::ParseIso(text)) return d;
  // FHIR's date type also allows YYYY and YYYY-MM. Such a date is valid FHIR,
  // just too vague to decide anything on, so it is a 422, not a syntax error.
  const bool year_only = text.size() == 4 && AllDigits(text) && text != "0000";
  const bool year_month = text.size() == 7 && AllDigits(text.substr(0, 4)) && text[4] == '-' &&
                          AllDigits(text.substr(5)) && text.substr(5) >= "01" &&
                          text.substr(5) <= "12";
  if (year_only || year_month) {
    Rejected(std::move(path), "must be a date YYYY-MM-DD; a partial date is not enough");
  } else {
    Invalid(std::move(path), "must be a date YYYY-MM-DD");
  }
  return std::nullopt;
}

}  // namespace onshi::fhir
