#include "store/registry_history.hpp"

namespace onshi::store {

PersonRecord PersonOn(const PersonRecord& now, const std::vector<RegistryEventRecord>& events,
                      Date on) {
  PersonRecord then = now;
  for (const RegistryEventRecord& e : events) {
    if (e.effective_on <= on) continue;
    // The first change after `on`: what it replaced was in force on `on`.
    then.name = e.name_before;
    then.name_kana = e.name_kana_before;
    then.postcode = e.postcode_before;
    then.address = e.address_before;
    break;
  }
  if (then.died_on && *then.died_on > on) then.died_on.reset();
  return then;
}

}  // namespace onshi::store
