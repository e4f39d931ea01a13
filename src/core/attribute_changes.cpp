#include "core/attribute_changes.hpp"

#include "core/japanese_text.hpp"

namespace onshi {

AttributeChanges ChangesOf(const std::vector<MemberAttributes>& attributes) {
  AttributeChanges out;
  for (size_t i = 1; i < attributes.size(); ++i) {
    const MemberAttributes& before = attributes[i - 1];
    const MemberAttributes& now = attributes[i];
    if (CompareNameKeys(before.name, now.name) == KeyComparison::kDifferent) {
      out.name.push_back(now.effective_from);
    }
    if (CompareAddressKeys(before.address, now.address) == KeyComparison::kDifferent ||
        before.postcode != now.postcode) {
      out.address.push_back(now.effective_from);
    }
  }
  return out;
}

}  // namespace onshi
