// Following references inside a self-contained request (internal to src/fhir).
//
// A $submit body carries its Patient, Coverage and Organizations in
// `contained` and points at them with local references ("#id"). Contained
// indexes them once; Resolve follows a Reference that must be local, and
// FindIdentifier reads an identifier off whatever a Reference denotes: a
// contained resource, or the Reference's own logical `identifier` (R4 allows
// either, and a client that knows only the insurer number needs no
// Organization for it).
//
// Paths follow the reference as if the target were written in place:
// "….payor[0].identifier[1].value" is the identifier of the contained
// Organization that payor[0] points at.
#ifndef ONSHI_FHIR_CONTAINED_HPP_
#define ONSHI_FHIR_CONTAINED_HPP_

#include <boost/json.hpp>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fhir/json_reader.hpp"

namespace onshi::fhir {

class Contained {
 public:
  // Reads `resource`.contained: each entry an object with a resourceType and
  // a unique id (R4 dom-* rules); a violation fails with 400.
  Contained(Reader& reader, const boost::json::object& resource, std::string_view resource_path);

  // The contained resource of `type` that the Reference `reference` (at
  // `path`) points to. Records an issue and returns nullptr when the
  // reference is not local (422 not-supported), names no contained resource,
  // or names one of another type (400).
  const boost::json::object* Resolve(Reader& reader, const boost::json::object& reference,
                                     std::string_view path, std::string_view type) const;

  struct Identifier {
    std::string_view value;
    std::string path;  // FHIRPath of the value
  };
  // The first identifier whose system is one of `systems`, on the target of
  // `reference`: a local reference is followed (and must resolve to `type`),
  // otherwise the Reference's own `identifier` is used. nullopt when none
  // carries such a system; an identifier with the system but no value fails
  // with 422.
  std::optional<Identifier> FindIdentifier(Reader& reader, const boost::json::object& reference,
                                           std::string_view path, std::string_view type,
                                           std::initializer_list<std::string_view> systems) const;

 private:
  std::vector<std::pair<std::string_view, const boost::json::object*>> by_id_;
};

// Searches an Identifier array (at `path`) for the first entry whose system is
// one of `systems`. Shared by Coverage.identifier and Organization.identifier.
std::optional<Contained::Identifier> FindInIdentifiers(
    Reader& reader, const boost::json::array& identifiers, std::string_view path,
    std::initializer_list<std::string_view> systems);

}  // namespace onshi::fhir

#endif  // ONSHI_FHIR_CONTAINED_HPP_
