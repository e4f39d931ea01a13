#include "core/registry_match.hpp"

#include "core/japanese_text.hpp"

namespace onshi {
namespace {

// A name or address must be present and readable on both sides to agree.
bool Agree(KeyComparison c) {
  return c == KeyComparison::kEqual;
}

// A reading is compared only when both sides have one (the registry has
// them since 2025-05; older forms had no reading column).
bool ReadingsAgree(KeyComparison c) {
  return c == KeyComparison::kEqual || c == KeyComparison::kBlank;
}

}  // namespace

std::string_view RegistryFieldName(RegistryField f) {
  switch (f) {
    case RegistryField::kName:
      return "name";
    case RegistryField::kNameKana:
      return "name_kana";
    case RegistryField::kBirthDate:
      return "birth_date";
    case RegistryField::kSex:
      return "sex";
    case RegistryField::kAddress:
      return "address";
  }
  return "";
}

std::vector<RegistryField> CompareWithRegistry(const BasicFour& registry, const BasicFour& filed) {
  std::vector<RegistryField> differing;
  if (!Agree(CompareNameKeys(registry.name, filed.name))) differing.push_back(RegistryField::kName);
  if (!ReadingsAgree(CompareKanaKeys(registry.name_kana, filed.name_kana)))
    differing.push_back(RegistryField::kNameKana);
  if (registry.birth_date != filed.birth_date) differing.push_back(RegistryField::kBirthDate);
  if (registry.sex != filed.sex || filed.sex == Sex::kUnset)
    differing.push_back(RegistryField::kSex);
  if (!Agree(CompareAddressKeys(registry.address, filed.address)))
    differing.push_back(RegistryField::kAddress);
  return differing;
}

}  // namespace onshi
