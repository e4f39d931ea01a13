#include "intermediate/seen_set.hpp"

#include <functional>
#include <string>

namespace onshi::intermediate {
namespace {

// splitmix64's finaliser: spreads a key over all 64 bits, so that the low
// bits the table indexes by are as good as the high ones.
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

bool SeenSet::Insert(char domain, std::string_view key) {
  return InsertFingerprint(Mix(std::hash<std::string_view>{}(key) ^
                               (static_cast<uint64_t>(static_cast<unsigned char>(domain)) << 56)));
}

bool SeenSet::Insert(char domain, int64_t key) {
  return InsertFingerprint(Mix(static_cast<uint64_t>(key) ^
                               (static_cast<uint64_t>(static_cast<unsigned char>(domain)) << 56) ^
                               0x5bd1e9955bd1e995ULL));
}

bool SeenSet::InsertFingerprint(uint64_t h) {
  if (h == 0) h = 1;  // 0 marks an empty slot
  if ((size_ + 1) * 2 > slots_.size()) {
    std::vector<uint64_t> old = std::move(slots_);
    slots_.assign(old.empty() ? 1024 : old.size() * 2, 0);
    size_ = 0;
    for (uint64_t o : old)
      if (o != 0) InsertFingerprint(o);
  }
  const size_t mask = slots_.size() - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    if (slots_[i] == h) return true;
    if (slots_[i] == 0) {
      slots_[i] = h;
      ++size_;
      return false;
    }
  }
}

}  // namespace onshi::intermediate
