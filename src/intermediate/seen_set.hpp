// A set of 64-bit fingerprints that answers "seen before?" for a stream of
// keys, in 16 bytes a key or less (open addressing, linear probing, at most
// half full).
//
// Two keys may share a fingerprint, and the set then answers "seen" for a
// key it never saw. That is its one kind of error, and its users must take
// "seen" as the careful answer: the importer reads the store again for a
// form whose keys were seen in its batch or the one before (importer.cpp),
// so a collision costs a read and never a wrong check.
#ifndef ONSHI_INTERMEDIATE_SEEN_SET_HPP_
#define ONSHI_INTERMEDIATE_SEEN_SET_HPP_

#include <cstdint>
#include <string_view>
#include <vector>

namespace onshi::intermediate {

class SeenSet {
 public:
  // True when `key` (or another with its fingerprint) was inserted before;
  // inserts it either way. `domain` keeps equal text of different kinds
  // (a 受付番号, a 記号・番号) apart.
  bool Insert(char domain, std::string_view key);
  bool Insert(char domain, int64_t key);
  // The same question without inserting.
  bool Contains(char domain, std::string_view key) const;
  bool Contains(char domain, int64_t key) const;
  // Empty again, keeping the room it has grown to.
  void Clear();

  size_t size() const { return size_; }

 private:
  bool InsertFingerprint(uint64_t h);
  bool ContainsFingerprint(uint64_t h) const;

  std::vector<uint64_t> slots_;  // 0: empty
  size_t size_ = 0;
};

}  // namespace onshi::intermediate

#endif  // ONSHI_INTERMEDIATE_SEEN_SET_HPP_
