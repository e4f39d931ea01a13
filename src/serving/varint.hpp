// LEB128 varints: the serving index's records are mostly small numbers
// (dates as day offsets, string ids, counts), one to three bytes each
// instead of four or eight.
#ifndef ONSHI_SERVING_VARINT_HPP_
#define ONSHI_SERVING_VARINT_HPP_

#include <cstdint>
#include <string>

namespace onshi::serving {

inline void WriteVarint(uint8_t*& out, uint64_t v) {
  while (v >= 0x80) {
    *out++ = static_cast<uint8_t>(v | 0x80);
    v >>= 7;
  }
  *out++ = static_cast<uint8_t>(v);
}

inline void AppendVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

// Signed values (date differences) zig-zag first, so that -1 is one byte.
inline void AppendSigned(std::string& out, int64_t v) {
  AppendVarint(out, (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
}

inline uint64_t ReadVarint(const uint8_t*& in) {
  uint64_t v = 0;
  int shift = 0;
  for (;;) {
    const uint8_t b = *in++;
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (b < 0x80) return v;
    shift += 7;
  }
}

inline int64_t ReadSigned(const uint8_t*& in) {
  const uint64_t z = ReadVarint(in);
  return static_cast<int64_t>(z >> 1) ^ -static_cast<int64_t>(z & 1);
}

}  // namespace onshi::serving

#endif  // ONSHI_SERVING_VARINT_HPP_
