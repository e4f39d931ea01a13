// The municipal window's search (issue 19): a clerk finds a resident by the
// name the person gives at the counter, in kanji or in kana, and the birth
// date — never by an internal id. The store gives the window's residents
// born that day (Store::PersonsBornOn, one index probe); the name is then
// compared with the core's keys (core/japanese_text.hpp), so 髙橋 finds
// 高橋, "山田 太郎" finds 山田　太郎 and やまだ たろう finds ヤマダ　タロウ.
// Only the window's own residents are ever listed (residency.hpp).
#ifndef ONSHI_MUNICIPAL_RESIDENT_SEARCH_HPP_
#define ONSHI_MUNICIPAL_RESIDENT_SEARCH_HPP_

#include <string_view>
#include <vector>

#include "core/date.hpp"
#include "store/store.hpp"

namespace onshi::municipal {

// At most this many persons are compared (people born on one day in one
// municipality); more would mean the registry is not a municipality's.
inline constexpr int kMaxBornOnOneDay = 5000;

// The residents of `municipality` born on `birth_date` whose 氏名 or 氏名カナ
// is `name` (by NameKey, or KanaKey when `name` is all kana), by person_id.
// An empty or blank `name` finds nobody.
std::vector<store::PersonRecord> FindResidents(store::Store& store, std::string_view municipality,
                                               std::string_view name, Date birth_date);

}  // namespace onshi::municipal

#endif  // ONSHI_MUNICIPAL_RESIDENT_SEARCH_HPP_
