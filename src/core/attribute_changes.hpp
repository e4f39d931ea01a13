// The days a member's name or address changed, read from the effective-dated
// attribute sets (変更届). An old 健康保険証 ends at once on either from
// 2024-12-02 (R-OLD-3), which in turn makes a 資格確認書 due (R-DOC-4).
//
// A change is a set whose name (or address) differs from the set before it
// under the comparison keys of japanese_text: re-filing the same name in
// another width or kanji variant is not a change. A new 被保険者氏名 alone
// (the insured person renamed, not this member) is not one either.
#ifndef ONSHI_CORE_ATTRIBUTE_CHANGES_HPP_
#define ONSHI_CORE_ATTRIBUTE_CHANGES_HPP_

#include <vector>

#include "core/date.hpp"
#include "core/membership.hpp"

namespace onshi {

struct AttributeChanges {
  std::vector<Date> name;     // effective_from of each set with a new name
  std::vector<Date> address;  // … with a new address or postcode
};

// `attributes` sorted by effective_from, as Qualification keeps them.
AttributeChanges ChangesOf(const std::vector<MemberAttributes>& attributes);

}  // namespace onshi

#endif  // ONSHI_CORE_ATTRIBUTE_CHANGES_HPP_
