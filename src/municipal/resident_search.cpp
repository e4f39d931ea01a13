#include "municipal/resident_search.hpp"

#include <string>

#include "core/japanese_text.hpp"

namespace onshi::municipal {

std::vector<store::PersonRecord> FindResidents(store::Store& store, std::string_view municipality,
                                               std::string_view name, Date birth_date) {
  std::vector<store::PersonRecord> out;
  const std::string name_key = NameKey(name);
  if (name_key.empty() || municipality.empty()) return out;
  // All kana: also a reading. ToFullWidthKatakana refuses anything else.
  const std::optional<std::string> kana = ToFullWidthKatakana(name);
  const std::string kana_key = kana ? KanaKey(*kana) : std::string();
  for (store::PersonRecord& p : store.PersonsBornOn(municipality, birth_date, kMaxBornOnOneDay)) {
    if (NameKey(p.name) == name_key || (!kana_key.empty() && KanaKey(p.name_kana) == kana_key)) {
      out.push_back(std::move(p));
    }
  }
  return out;
}

}  // namespace onshi::municipal
