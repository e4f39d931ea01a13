// The resident-registry check of a filed form (R-LINK-1, R-LINK-4).
//
// Since 2024 the intermediate server checks each registration against what
// J-LIS holds for the My Number on the form: the basic four information
// (基本4情報: name, birth date, sex, address) and, since 2025-05, the reading
// of the name. The form must agree with the registry after normalisation
// (core/japanese_text.hpp: width, kana variants, spaces, old and new kanji
// forms). Disagreement is a registration error that names the fields, for
// the insurer to correct with the employer; it is never a reason to look for
// another record that would match. Searching by name and birth date instead
// is one way the 2023 紐付け誤り linked people to strangers' records.
#ifndef ONSHI_CORE_REGISTRY_MATCH_HPP_
#define ONSHI_CORE_REGISTRY_MATCH_HPP_

#include <string>
#include <string_view>
#include <vector>

#include "core/date.hpp"
#include "core/membership.hpp"

namespace onshi {

// What the resident registry (住民基本台帳, J-LIS) holds for a My Number, and
// what a form says about the same person.
struct BasicFour {
  std::string name;       // 氏名
  std::string name_kana;  // 氏名の振り仮名 (on the registry since 2025-05; compared only
                          // when both sides have one)
  Date birth_date;
  Sex sex = Sex::kUnset;
  std::string address;
};

enum class RegistryField { kName, kNameKana, kBirthDate, kSex, kAddress };

// "name", "name_kana", "birth_date", "sex", "address": the RawSubmission
// member names of core/submission.hpp, so a difference becomes a FieldError
// on the field the clerk has to correct.
std::string_view RegistryFieldName(RegistryField f);

// The fields of `filed` that differ from `registry` after normalisation, in
// the enum's order; empty when they agree.
//   - name: NameKey; address: AddressKey; name_kana: KanaKey, and only when
//     both readings are non-blank;
//   - a name or address that is blank on either side differs (missing basic
//     information also leaves a record unregistered, R-LINK-4), and so does
//     a sex that is kUnset on either side;
//   - a name, reading or address holding bytes that are not UTF-8 (or
//     U+FFFD) on either side differs (a reading only when both sides have
//     one): what cannot be read cannot be verified.
// Cost: about half a microsecond for typical data (bench/core_bench.cpp),
// and no allocation when they agree: keys are built on the stack, and only
// a text of more than about 60 characters takes the heap.
std::vector<RegistryField> CompareWithRegistry(const BasicFour& registry, const BasicFour& filed);

}  // namespace onshi

#endif  // ONSHI_CORE_REGISTRY_MATCH_HPP_
