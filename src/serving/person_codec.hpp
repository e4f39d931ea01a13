// PersonCodec: all of one person's qualifications as a few dozen bytes.
//
// The serving index keeps each person as one record in this format and turns
// it back into the exact Qualification values the store would return (field
// for field, children in the same order), so that the decision and the
// answer's bytes cannot differ from those made from a store read.
//
// Layout (all numbers LEB128 varints, signed ones zig-zagged):
//   count, then per qualification in the order given (acquired, member_id):
//   member_id; the insurer (one pool id for "number\0name"); 記号 (pool id);
//   番号 and 枝番 (digits packed as a number, else the bytes); a flags word
//   (本人/家族, 被保険者証区分, 性別, 性別2, 喪失事由, 割合, which optional
//   dates and certificates follow, 紐付け state); birth date as days since
//   1970, the other dates as differences (acquired from birth, the rest
//   from acquired or submitted_on: one or two bytes); then the attributes
//   (names split at the full-width space into family and given parts, each a
//   pool id; the 被保険者氏名 usually "the same as the name"; a 〒 like
//   "123-4567" as a number), the 限度額 and 特定疾病 certificates.
#ifndef ONSHI_SERVING_PERSON_CODEC_HPP_
#define ONSHI_SERVING_PERSON_CODEC_HPP_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/date.hpp"
#include "core/membership.hpp"
#include "serving/string_pool.hpp"

namespace onshi::serving {

// Appends the encoding of `qs` (one person's qualifications, in the order
// they are to be returned) to `out`, interning texts in `pool`.
void EncodePerson(std::span<const Qualification> qs, StringPool& pool, std::string& out);

// Appends the qualifications encoded at `in` to `out`, with `person_id`.
// Returns the byte after the record.
const uint8_t* DecodePerson(const uint8_t* in, int64_t person_id, const StringPool& pool,
                            std::vector<Qualification>& out);

// The key an insurance-card check finds a person by (保険者番号, 番号,
// 生年月日): a 64-bit hash; equal keys give equal hashes, and a lookup
// compares the decoded keys, so a collision costs a decode, not an answer.
uint64_t CardKeyHash(std::string_view insurer_number, std::string_view number, Date birth_date);

}  // namespace onshi::serving

#endif  // ONSHI_SERVING_PERSON_CODEC_HPP_
