#include "municipal/residency.hpp"

#include "municipal/time_util.hpp"

namespace onshi::municipal {

std::optional<Error> CheckResident(const store::PersonRecord& person, std::string_view window) {
  if (window.empty() || person.municipality == window) return std::nullopt;
  return Error{"municipality", "person " + std::to_string(person.person_id) +
                                   " is not a resident of " + std::string(window) +
                                   ": only the window of their own municipality may act"};
}

std::optional<Error> GuardResident(store::Store& store, const store::PersonRecord& person,
                                   std::string_view window, const std::string& actor,
                                   const std::string& what, std::time_t now) {
  auto refused = CheckResident(person, window);
  if (refused) {
    store.AppendAudit({0, UtcIso(now), actor, "municipal.refused", person.person_id,
                       what + ": not a resident of " + std::string(window), "", ""});
  }
  return refused;
}

}  // namespace onshi::municipal
