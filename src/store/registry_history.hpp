// The resident registry on an earlier day (R-LINK-4): `persons` holds each
// person as the registry has them now, and every 住民異動 keeps the data it
// replaced (RegistryEventRecord), so what was true on any day can be read
// back. A form dated before a change of name or address is checked against
// what the registry said on its date, as J-LIS's own history would.
#ifndef ONSHI_STORE_REGISTRY_HISTORY_HPP_
#define ONSHI_STORE_REGISTRY_HISTORY_HPP_

#include <vector>

#include "core/date.hpp"
#include "store/records.hpp"

namespace onshi::store {

// `now` as it was on `on`: name, reading, postcode and address replaced by
// those the first event effective after `on` replaced, and no death
// recorded yet if it happened after `on`. `events` are `now`'s person's,
// ordered by effective date (as Store::RegistryEventsOf returns them).
PersonRecord PersonOn(const PersonRecord& now, const std::vector<RegistryEventRecord>& events,
                      Date on);

}  // namespace onshi::store

#endif  // ONSHI_STORE_REGISTRY_HISTORY_HPP_
