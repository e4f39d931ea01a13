// 住民異動: the changes a municipality records in the resident registry
// (住民基本台帳) that the basic-4 check of insurers' forms reads (R-LINK-4).
// A 変更届 with a new name or address can only match a registry that has
// the change too, so the registry is not a fixed copy: each event changes the
// person's record from its effective date (the 異動日).
//
//   転居      moved     a new address in the same municipality
//   氏名変更  renamed   a new name (and its reading), e.g. on marriage
//   転入      moved_in  a new address in another municipality, recorded by
//                      the municipality moved into
//   死亡      died      the person died on that day
//
// The store keeps the record as it was before each event, so a form dated
// before a change is still checked against what was true on its date
// (store/registry_history.hpp).
#ifndef ONSHI_CORE_REGISTRY_EVENT_HPP_
#define ONSHI_CORE_REGISTRY_EVENT_HPP_

#include <optional>
#include <string_view>

namespace onshi {

enum class RegistryEventKind { kMoved, kRenamed, kMovedIn, kDied };

// "moved", "renamed", "moved_in", "died": the storage and API codes.
std::string_view RegistryEventCode(RegistryEventKind kind);
// "転居", "氏名変更", "転入", "死亡".
std::string_view RegistryEventName(RegistryEventKind kind);
// The code, the CLI's spelling ("moved-in") or the Japanese name.
std::optional<RegistryEventKind> ParseRegistryEvent(std::string_view text);

}  // namespace onshi

#endif  // ONSHI_CORE_REGISTRY_EVENT_HPP_
