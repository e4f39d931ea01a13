// The municipal window's side of the resident registry (住民基本台帳): the
// 住民異動 it records — 転居, 氏名変更, 転入, 死亡 (core/registry_event.hpp) —
// each from its effective date (R-LINK-4). The basic-4 check of insurers'
// forms reads this registry: a 変更届 with a new address or name matches
// only once the municipality has recorded the change, and a form dated
// before a change is still checked against what was true on its date
// (store/registry_history.hpp).
//
// Rules of a record:
//   - the person is in the registry and not recorded as dead;
//   - the effective date is not after today, not before the birth date, and
//     not before the person's latest recorded event: the registry applies
//     events in the order they happened (a correction of an earlier event is
//     not modelled);
//   - 転居 (moved): a new address (and postcode, optional), in the window's
//     municipality; 転入 (moved_in): a new address, recorded by the
//     municipality moved into, whose code is stored with the event;
//     氏名変更 (renamed): a new name, and its reading if it changes; 死亡
//     (died): nothing else. A field that is not the kind's is refused, and a
//     change to what the registry already holds is refused too.
// The event, the person's new data and the audit entry (no name or address
// in it) are written in one transaction.
#ifndef ONSHI_MUNICIPAL_RESIDENT_REGISTRY_HPP_
#define ONSHI_MUNICIPAL_RESIDENT_REGISTRY_HPP_

#include <cstdint>
#include <string>

#include "core/date.hpp"
#include "core/expected.hpp"
#include "core/registry_event.hpp"
#include "store/records.hpp"
#include "store/store.hpp"

namespace onshi::municipal {

struct RegistryEventRequest {
  int64_t person_id = 0;
  RegistryEventKind kind = RegistryEventKind::kMoved;
  Date effective_on;         // 異動日
  std::string name;          // 氏名変更: the new name
  std::string name_kana;     // 氏名変更: the new reading (optional)
  std::string postcode;      // 転居, 転入: optional, 1234567 or 123-4567
  std::string address;       // 転居, 転入
  std::string municipality;  // 地方公共団体コード of the recording window (6 digits)
};

struct RegistryEventResult {
  store::RegistryEventRecord event;
  store::PersonRecord person;  // as the registry holds the person now
};

// Records `request` on `today`; `actor` is the audit actor
// ("municipal:<code>"). An Error names the request field at fault ("date",
// "address", "name", "name_kana", "postcode", "municipality", "person_id",
// "kind"). Store failures propagate as store::StoreError.
Expected<RegistryEventResult> RecordRegistryEvent(store::Store& store,
                                                  const RegistryEventRequest& request, Date today,
                                                  const std::string& actor, const std::string& at);

}  // namespace onshi::municipal

#endif  // ONSHI_MUNICIPAL_RESIDENT_REGISTRY_HPP_
