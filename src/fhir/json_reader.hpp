// Reading FHIR JSON elements with the FHIRPath of each one at hand.
//
// Internal to src/fhir (the public headers keep Boost.JSON out of their
// includers). A Reader keeps the first Issue it meets and turns every later
// call into a no-op returning "absent", so a parser can read a whole chain of
// elements and check failed() once where the next step needs the values:
// the first error in reading order is the one reported, as with the OQS codec.
//
// FHIR JSON rules applied here (R4 §2.6.2 json.html): a primitive has the JSON
// type FHIR gives it, strings are never empty, and null never stands for
// "absent". A violation is the client's syntax error: 400.
#ifndef ONSHI_FHIR_JSON_READER_HPP_
#define ONSHI_FHIR_JSON_READER_HPP_

#include <boost/json.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "core/date.hpp"
#include "fhir/operation_outcome.hpp"

namespace onshi::fhir {

// "parent.name", or "name" for an empty parent (the body's top level).
std::string ChildPath(std::string_view parent, std::string_view name);
// "parent[index]".
std::string IndexPath(std::string_view parent, std::size_t index);

class Reader {
 public:
  bool failed() const { return issue_.has_value(); }
  const Issue& error() const { return *issue_; }

  // Records an issue unless one is already recorded.
  void Fail(int http_status, IssueCode code, std::string expression, std::string message);
  // 400 invalid / 422 invalid / 400 required / 422 required, the common cases.
  void Invalid(std::string expression, std::string message) {
    Fail(400, IssueCode::kInvalid, std::move(expression), std::move(message));
  }
  void Rejected(std::string expression, std::string message) {
    Fail(422, IssueCode::kInvalid, std::move(expression), std::move(message));
  }
  void Missing(int http_status, std::string expression, std::string message) {
    Fail(http_status, IssueCode::kRequired, std::move(expression), std::move(message));
  }

  // Member `name` of `parent` (its path is ChildPath(parent_path, name)).
  // nullptr / nullopt when absent or after a failure; a present member of the
  // wrong JSON type (or an empty string, array or object) fails with 400.
  const boost::json::object* Object(const boost::json::object& parent, std::string_view name,
                                    std::string_view parent_path);
  const boost::json::array* Array(const boost::json::object& parent, std::string_view name,
                                  std::string_view parent_path);
  std::optional<std::string_view> String(const boost::json::object& parent, std::string_view name,
                                         std::string_view parent_path);

  // Element `index` of `array` as an object; fails with 400 otherwise.
  const boost::json::object* ObjectAt(const boost::json::array& array, std::size_t index,
                                      std::string_view array_path);
  // Element `index` of `array` as a non-empty string; fails with 400 otherwise.
  std::optional<std::string_view> StringAt(const boost::json::array& array, std::size_t index,
                                           std::string_view array_path);

  // A FHIR `date` that must be a full calendar date. A text FHIR would not
  // accept fails with 400; a valid but partial FHIR date ("1980", "1980-05")
  // fails with 422, since it is FHIR but not enough to check eligibility.
  std::optional<Date> FullDate(std::string_view text, std::string path);

 private:
  const boost::json::value* Member(const boost::json::object& parent, std::string_view name,
                                   std::string_view path);

  std::optional<Issue> issue_;
};

}  // namespace onshi::fhir

#endif  // ONSHI_FHIR_JSON_READER_HPP_
