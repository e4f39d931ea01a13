#include "core/registry_event.hpp"

#include <array>

namespace onshi {
namespace {

struct Names {
  RegistryEventKind kind;
  std::string_view code;
  std::string_view name;
  std::string_view cli;
};

constexpr std::array<Names, 4> kNames = {{
    {RegistryEventKind::kMoved, "moved", "転居", "moved"},
    {RegistryEventKind::kRenamed, "renamed", "氏名変更", "renamed"},
    {RegistryEventKind::kMovedIn, "moved_in", "転入", "moved-in"},
    {RegistryEventKind::kDied, "died", "死亡", "died"},
}};

}  // namespace

std::string_view RegistryEventCode(RegistryEventKind kind) {
  for (const Names& n : kNames) {
    if (n.kind == kind) return n.code;
  }
  return "";
}

std::string_view RegistryEventName(RegistryEventKind kind) {
  for (const Names& n : kNames) {
    if (n.kind == kind) return n.name;
  }
  return "";
}

std::optional<RegistryEventKind> ParseRegistryEvent(std::string_view text) {
  for (const Names& n : kNames) {
    if (text == n.code || text == n.name || text == n.cli) return n.kind;
  }
  return std::nullopt;
}

}  // namespace onshi
