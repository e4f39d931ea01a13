#include "store/clinical_store.hpp"

namespace onshi::store {
namespace {

constexpr std::pair<ConsentKind, std::string_view> kConsentNames[] = {
    {ConsentKind::kPharmacists, "pharmacists"},
    {ConsentKind::kDiagnosis, "diagnosis"},
    {ConsentKind::kOperation, "operation"},
    {ConsentKind::kCheckups, "checkups"},
    {ConsentKind::kLimit, "limit"},
    {ConsentKind::kSpecificDiseases, "specific_diseases"},
};

}  // namespace

std::string_view ConsentKindName(ConsentKind k) {
  for (const auto& [kind, name] : kConsentNames) {
    if (kind == k) return name;
  }
  return "";
}

std::optional<ConsentKind> ParseConsentKind(std::string_view name) {
  for (const auto& [kind, n] : kConsentNames) {
    if (n == name) return kind;
  }
  return std::nullopt;
}

}  // namespace onshi::store
