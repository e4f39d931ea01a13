// EligibilityIndex: every member's eligibility facts in memory, so that a
// check by insurance card (照会区分 2) reads no database (issue 20).
//
// A read model of the store, not a cache of answers: every person with a
// qualification is in it, built from one snapshot of the store at start and
// kept current by applying the store's change feed (store.hpp;
// serving/index_follower.hpp re-reads the persons each change names).
// Lookup returns exactly what store::LoadForCardQuery returns for the same
// keys, so DecideByInsuranceCard and the answer writers give the same bytes.
//
// Layout, for about 100 bytes a member (measured in bench/serving_bench.cpp):
//   - each person's qualifications as one record (person_codec.hpp) in a
//     chunked arena, texts interned in a StringPool;
//   - person_id → record: a flat array indexed by person_id (the store hands
//     out person ids in sequence, so the array is dense);
//   - (保険者番号, 番号, 生年月日) → person: a sorted array of 12-byte
//     (key hash, person) pairs, found through a directory of where each
//     bucket of hashes starts (about 1 byte a member), plus a small sorted
//     delta of the keys added since the last merge. Keys a person no longer
//     has are marked dead in place and dropped at the next merge.
//
// Thread-safe: lookups share a lock; Replace and Rebuild take it alone for
// the moment of the swap (records are read from the store before).
#ifndef ONSHI_SERVING_ELIGIBILITY_INDEX_HPP_
#define ONSHI_SERVING_ELIGIBILITY_INDEX_HPP_

#include <atomic>
#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <span>
#include <string>
#include <vector>

#include "core/eligibility.hpp"
#include "core/membership.hpp"
#include "serving/string_pool.hpp"
#include "store/store.hpp"

namespace onshi::serving {

struct IndexStats {
  int64_t persons = 0;
  int64_t members = 0;
  size_t bytes = 0;  // everything the index holds (capacities, not sizes)
  size_t record_bytes = 0;
  size_t pool_bytes = 0;
  size_t key_bytes = 0;
  size_t person_table_bytes = 0;  // with the 照会番号 bits
  int64_t applied_seq = 0;        // the change feed's seq the index reflects
};

class EligibilityIndex {
 public:
  EligibilityIndex();
  ~EligibilityIndex();
  EligibilityIndex(const EligibilityIndex&) = delete;
  EligibilityIndex& operator=(const EligibilityIndex&) = delete;

  // Reads every person's qualifications from `store` in one snapshot
  // (`persons_per_read` persons a statement set) and replaces the index's
  // contents with them, at the change feed's head in that snapshot. Throws
  // StoreError as the store does; std::invalid_argument for a member it
  // cannot hold (a person_id beyond 2^32 - 1, a code outside the schema's).
  void Rebuild(store::Store& store, int64_t persons_per_read = 4096);

  // What store::LoadForCardQuery(store, query) returns: every qualification
  // of every person holding one under (保険者番号, 番号, 生年月日), by person,
  // then acquisition.
  std::vector<Qualification> Lookup(const InsuranceCardQuery& query) const;
  // Every qualification of one person, by acquisition (empty: none).
  std::vector<Qualification> QualificationsOfPerson(int64_t person_id) const;
  // Whether any facility held a 照会番号 for the person as of the applied
  // seq (store::Store::PersonsWithReferenceNumbers): false means a check
  // need not read the database for one. One bit a person.
  bool HasReferenceNumbers(int64_t person_id) const;

  // Makes the index hold `qualifications` (read from one snapshot, ordered by
  // person, then acquisition) for every person in `persons` and for every
  // person those qualifications name; a person in `persons` with none is
  // removed. `referenced` (ascending) are those of `persons` who hold a
  // 照会番号; the others in `persons` hold none. Then records `seq` as
  // applied.
  void Replace(std::span<const int64_t> persons, std::span<const Qualification> qualifications,
               int64_t seq, std::span<const int64_t> referenced = {});

  int64_t applied_seq() const { return applied_seq_.load(std::memory_order_acquire); }
  IndexStats Stats() const;

 private:
  struct Contents;
  void ReplaceLocked(Contents& c, int64_t person_id, std::span<const Qualification> qs);

  mutable std::shared_mutex mu_;
  std::unique_ptr<Contents> contents_;
  std::atomic<int64_t> applied_seq_{0};
};

}  // namespace onshi::serving

#endif  // ONSHI_SERVING_ELIGIBILITY_INDEX_HPP_
