#include "serving/string_pool.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "serving/varint.hpp"

namespace onshi::serving {

StringPool::StringPool() : slots_(1024, 0) {
  Intern("");
}

uint64_t StringPool::Hash(std::string_view text) {
  // FNV-1a, then a final mix so that the low bits (the slot) depend on every
  // byte.
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  return h;
}

std::string_view StringPool::Get(uint32_t id) const {
  if (id >= offsets_.size()) throw std::out_of_range("string pool id");
  const uint64_t ref = offsets_[id];
  const char* p = chunks_[ref >> 32].get() + (ref & 0xffffffffu);
  const auto* u = reinterpret_cast<const uint8_t*>(p);
  const uint8_t* start = u;
  const uint64_t len = ReadVarint(u);
  return {p + (u - start), static_cast<size_t>(len)};
}

uint32_t StringPool::Intern(std::string_view text) {
  const size_t mask = slots_.size() - 1;
  size_t i = Hash(text) & mask;
  while (slots_[i] != 0) {
    if (Get(slots_[i] - 1) == text) return slots_[i] - 1;
    i = (i + 1) & mask;
  }
  // A new string: append a length varint and the bytes to the last chunk
  // (or a fresh one big enough).
  uint8_t head[10];
  uint8_t* h = head;
  WriteVarint(h, text.size());
  const size_t need = static_cast<size_t>(h - head) + text.size();
  if (chunks_.empty() || used_in_last_ + need > chunk_sizes_.back()) {
    const size_t size = std::max(kChunk, need);
    chunks_.push_back(std::make_unique<char[]>(size));
    chunk_sizes_.push_back(size);
    used_in_last_ = 0;
  }
  char* dst = chunks_.back().get() + used_in_last_;
  std::memcpy(dst, head, static_cast<size_t>(h - head));
  if (!text.empty()) std::memcpy(dst + (h - head), text.data(), text.size());
  const uint32_t id = static_cast<uint32_t>(offsets_.size());
  offsets_.push_back((static_cast<uint64_t>(chunks_.size() - 1) << 32) | used_in_last_);
  used_in_last_ += need;
  slots_[i] = id + 1;
  if (offsets_.size() * 2 > slots_.size()) Grow();
  return id;
}

void StringPool::Grow() {
  std::vector<uint32_t> bigger(slots_.size() * 2, 0);
  const size_t mask = bigger.size() - 1;
  for (uint32_t s : slots_) {
    if (s == 0) continue;
    size_t i = Hash(Get(s - 1)) & mask;
    while (bigger[i] != 0)
      i = (i + 1) & mask;
    bigger[i] = s;
  }
  slots_ = std::move(bigger);
}

size_t StringPool::bytes() const {
  size_t n = offsets_.capacity() * sizeof(uint64_t) + slots_.capacity() * sizeof(uint32_t);
  for (size_t s : chunk_sizes_)
    n += s;
  return n;
}

}  // namespace onshi::serving
