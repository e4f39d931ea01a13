#include "intermediate/seen_set.hpp"

#include <algorithm>
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

uint64_t Fingerprint(char domain, std::string_view key) {
  const uint64_t h = Mix(std::hash<std::string_view>{}(key) ^
                         (static_cast<uint64_t>(static_cast<unsigned char>(domain)) << 56));
  return h == 0 ? 1 : h;  // 0 marks an empty slot
}

uint64_t Fingerprint(char domain, int64_t key) {
  const uint64_t h = Mix(static_cast<uint64_t>(key) ^
                         (static_cast<uint64_t>(static_cast<unsigned char>(domain)) << 56) ^
                         0x5bd1e9955bd1e995ULL);
  return h == 0 ? 1 : h;
}

}  // namespace

bool SeenSet::Insert(char domain, std::string_view key) {
  return InsertFingerprint(Fingerprint(domain, key));
}

bool SeenSet::Insert(char domain, int64_t key) {
  return InsertFingerprint(Fingerprint(domain, key));
}

bool SeenSet::Contains(char domain, std::string_view key) const {
  return ContainsFingerprint(Fingerprint(domain, key));
}

bool SeenSet::Contains(char domain, int64_t key) const {
  return ContainsFingerprint(Fingerprint(domain, key));
}

void SeenSet::Clear() {
  std::fill(slots_.begin(), slots_.end(), 0);
  size_ = 0;
}

bool SeenSet::ContainsFingerprint(uint64_t h) const {
  if (slots_.empty()) return false;
  const size_t mask = slots_.size() - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    if (slots_[i] == h) return true;
    if (slots_[i] == 0) return false;
  }
}

bool SeenSet::InsertFingerprint(uint64_t h) {
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
