// The synthetic generators' shared tools: a platform-independent random
// stream and the number formats Japanese forms use.
#ifndef ONSHI_POPULATE_RNG_HPP_
#define ONSHI_POPULATE_RNG_HPP_

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/my_number.hpp"

namespace onshi::populate {

// SplitMix64: tiny, fast, and identical on every platform (unlike <random>'s
// distributions, whose output differs between standard libraries).
class Rng {
 public:
  // The seed is mixed first: SplitMix64 streams from seeds s and s+1 would
  // otherwise be the same stream shifted by one step.
  explicit Rng(uint64_t seed) : s_(Mix(seed ^ 0x632BE59BD9B4E019ULL)) {}
  uint64_t Next() { return Mix(s_ += 0x9E3779B97F4A7C15ULL); }
  int Below(int n) { return static_cast<int>(Next() % static_cast<uint64_t>(n)); }
  int Between(int lo, int hi) { return lo + Below(hi - lo + 1); }  // inclusive
  bool PerMille(int p) { return Below(1000) < p; }
  static uint64_t Mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  template <class T>
  const T& Pick(const T* items, size_t n) {
    return items[Next() % n];
  }

 private:
  uint64_t s_;
};

// Zero-padded decimal: Pad(7, 3) == "007".
inline std::string Pad(int64_t v, int width) {
  std::string s = std::to_string(v);
  if (static_cast<int>(s.size()) < width) s.insert(0, static_cast<size_t>(width) - s.size(), '0');
  return s;
}

// Full-width digits, as addresses are written on Japanese forms.
inline std::string FullWidth(int v) {
  std::string out;
  for (char c : std::to_string(v)) {
    out += "\xEF\xBC";
    out += static_cast<char>(0x90 + (c - '0'));  // U+FF10..U+FF19
  }
  return out;
}

// A bijection on [0, 10^11): distinct indexes give distinct My Numbers that
// do not look sequential. Exact for index < 6e9 (no 64-bit overflow), far
// beyond the 1.25e8 people of Japan. Generators use disjoint index ranges
// (population: from 0; submission files: from 4e9) so they can share a
// database.
inline MyNumber SyntheticMyNumber(uint64_t index) {
  constexpr uint64_t kSpace = 100'000'000'000ULL;
  constexpr uint64_t kMul = 3'000'000'019ULL;  // coprime to 10^11
  return MyNumber::FromBase((index % kSpace * kMul + 12'345'678'901ULL) % kSpace);
}

}  // namespace onshi::populate

#endif  // ONSHI_POPULATE_RNG_HPP_
