// StringPool: every distinct string of the serving index kept once, named
// by a 32-bit id.
//
// The index holds 10^6..10^8 members whose texts repeat a great deal: the
// family and given names (a name table of a few thousand entries covers most
// people), the insurers' 記号, the addresses of a household or a block, the
// 適用区分 codes. Each distinct text is stored once in a chunked arena (a
// length varint, then the bytes) and found again through an open-addressing
// table of ids, 4 bytes a slot, instead of a node map (about 60 bytes an
// entry). Chunks never move, so a string_view stays valid as the pool grows.
//
// Not thread-safe: the index guards it with its own lock.
#ifndef ONSHI_SERVING_STRING_POOL_HPP_
#define ONSHI_SERVING_STRING_POOL_HPP_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace onshi::serving {

class StringPool {
 public:
  StringPool();

  // The id of `text`, adding it if it is new. Id 0 is always "".
  uint32_t Intern(std::string_view text);
  // The text of an id Intern returned.
  std::string_view Get(uint32_t id) const;

  size_t size() const { return offsets_.size(); }
  // Bytes held: arena chunks, the id → offset table and the hash table.
  size_t bytes() const;

 private:
  static uint64_t Hash(std::string_view text);
  void Grow();

  static constexpr size_t kChunk = size_t{1} << 20;
  std::vector<std::unique_ptr<char[]>> chunks_;
  std::vector<size_t> chunk_sizes_;
  size_t used_in_last_ = 0;
  std::vector<uint64_t> offsets_;  // id → (chunk << 32) | offset of the length varint
  std::vector<uint32_t> slots_;    // open addressing: id + 1, 0 = empty
};

}  // namespace onshi::serving

#endif  // ONSHI_SERVING_STRING_POOL_HPP_
