// Contained (contained.hpp).
#include "fhir/contained.hpp"

#include <algorithm>

namespace onshi::fhir {

namespace json = boost::json;

namespace {

bool IsOneOf(std::string_view s, std::initializer_list<std::string_view> set) {
  return std::find(set.begin(), set.end(), s) != set.end();
}

// An Identifier object at `path` whose system is in `systems`: its value.
std::optional<Contained::Identifier> Match(Reader& reader, const json::object& identifier,
                                           std::string_view path,
                                           std::initializer_list<std::string_view> systems) {
  const std::optional<std::string_view> system = reader.String(identifier, "system", path);
  if (!system || !IsOneOf(*system, systems)) return std::nullopt;
  const std::optional<std::string_view> value = reader.String(identifier, "value", path);
  if (!value) {
    reader.Missing(422, ChildPath(path, "value"),
                   "an identifier with system " + std::string(*system) + " must have a value");
    return std::nullopt;
  }
  return Contained::Identifier{*value, ChildPath(path, "value")};
}

}  // namespace

std::optional<Contained::Identifier> FindInIdentifiers(
    Reader& reader, const json::array& identifiers, std::string_view path,
    std::initializer_list<std::string_view> systems) {
  for (std::size_t i = 0; i < identifiers.size(); ++i) {
    const json::object* id = reader.ObjectAt(identifiers, i, path);
    if (id == nullptr) return std::nullopt;
    if (auto found = Match(reader, *id, IndexPath(path, i), systems)) return found;
    if (reader.failed()) return std::nullopt;
  }
  return std::nullopt;
}

Contained::Contained(Reader& reader, const json::object& resource, std::string_view resource_path) {
  const std::string path = ChildPath(resource_path, "contained");
  const json::array* contained = reader.Array(resource, "contained", resource_path);
  if (contained == nullptr) return;
  for (std::size_t i = 0; i < contained->size(); ++i) {
    const std::string entry_path = IndexPath(path, i);
    const json::object* entry = reader.ObjectAt(*contained, i, path);
    if (entry == nullptr) return;
    if (!reader.String(*entry, "resourceType", entry_path) && !reader.failed()) {
      reader.Missing(400, ChildPath(entry_path, "resourceType"), "is required");
    }
    const std::optional<std::string_view> id = reader.String(*entry, "id", entry_path);
    if (reader.failed()) return;
    if (!id) {
      reader.Missing(400, ChildPath(entry_path, "id"),
                     "a contained resource needs an id to be referenced");
      return;
    }
    for (const auto& [other, unused] : by_id_) {
      if (other == *id) {
        reader.Invalid(ChildPath(entry_path, "id"),
                       "duplicates the id of another contained resource");
        return;
      }
    }
    by_id_.emplace_back(*id, entry);
  }
}

const json::object* Contained::Resolve(Reader& reader, const json::object& reference,
                                       std::string_view path, std::string_view type) const {
  const std::optional<std::string_view> target = reader.String(reference, "reference", path);
  if (reader.failed()) return nullptr;
  if (!target) {
    reader.Missing(422, ChildPath(path, "reference"),
                   "must reference a contained " + std::string(type) + " ('#id')");
    return nullptr;
  }
  if (target->front() != '#') {
    reader.Fail(422, IssueCode::kNotSupported, ChildPath(path, "reference"),
                "only a reference to a contained " + std::string(type) +
                    " ('#id') is supported; this server stores no " + std::string(type) +
                    " resources");
    return nullptr;
  }
  const std::string_view id = target->substr(1);
  for (const auto& [key, resource] : by_id_) {
    if (key != id) continue;
    const json::value* kind = resource->if_contains("resourceType");
    if (kind == nullptr || !kind->is_string() || kind->get_string() != type) {
      reader.Invalid(ChildPath(path, "reference"), "must reference a " + std::string(type) +
                                                       ", but the contained resource '" +
                                                       std::string(id) + "' is not one");
      return nullptr;
    }
    return resource;
  }
  reader.Invalid(ChildPath(path, "reference"),
                 "no contained resource has the id '" + std::string(id) + "'");
  return nullptr;
}

std::optional<Contained::Identifier> Contained::FindIdentifier(
    Reader& reader, const json::object& reference, std::string_view path, std::string_view type,
    std::initializer_list<std::string_view> systems) const {
  const std::optional<std::string_view> target = reader.String(reference, "reference", path);
  if (reader.failed()) return std::nullopt;
  if (target && target->front() == '#') {
    const json::object* resource = Resolve(reader, reference, path, type);
    if (resource == nullptr) return std::nullopt;
    const json::array* ids = reader.Array(*resource, "identifier", path);
    if (ids == nullptr) return std::nullopt;
    return FindInIdentifiers(reader, *ids, ChildPath(path, "identifier"), systems);
  }
  // A logical reference: Reference.identifier is a single Identifier.
  const json::object* id = reader.Object(reference, "identifier", path);
  if (id == nullptr) return std::nullopt;
  return Match(reader, *id, ChildPath(path, "identifier"), systems);
}

}  // namespace onshi::fhir
