// DecodeCp932 (cp932.hpp).
#include "intake/cp932.hpp"

#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>

#include "oqs/charset.hpp"

namespace onshi::intake {
namespace {

// The UTF-8 of one character; size 0 means "not a character".
struct Utf8Char {
  uint8_t size = 0;
  char bytes[3] = {};
};

struct Table {
  Utf8Char single[256];
  bool lead[256] = {};
  Utf8Char pair[256][256];  // [lead][second]; filled for lead bytes only
};

// What iconv makes of `bytes` if it is exactly one character (CP932 maps
// every character to one code point, at most U+FFFF: 3 UTF-8 bytes).
Utf8Char Convert(std::string_view bytes) {
  Utf8Char c;
  std::optional<std::string> utf8 = oqs::Cp932ToUtf8(bytes);
  if (utf8 && !utf8->empty() && utf8->size() <= 3) {
    c.size = static_cast<uint8_t>(utf8->size());
    std::memcpy(c.bytes, utf8->data(), utf8->size());
  }
  return c;
}

std::unique_ptr<Table> BuildTable() {
  auto t = std::make_unique<Table>();
  for (int b = 0; b < 256; ++b) {
    const char one[1] = {static_cast<char>(b)};
    t->single[b] = Convert(std::string_view(one, 1));
    if (t->single[b].size != 0) continue;
    // Not a character alone: a lead byte if some second byte completes it.
    for (int s = 0; s < 256; ++s) {
      const char two[2] = {static_cast<char>(b), static_cast<char>(s)};
      t->pair[b][s] = Convert(std::string_view(two, 2));
      t->lead[b] = t->lead[b] || t->pair[b][s].size != 0;
    }
  }
  return t;
}

const Table& TheTable() {
  static const std::unique_ptr<Table> table = BuildTable();
  return *table;
}

}  // namespace

bool DecodeCp932(std::string_view bytes, std::string* out, std::size_t* bad_offset) {
  const Table& t = TheTable();
  const auto* const in = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t n = bytes.size();
  // Each input byte yields at most 3 output bytes (a half-width katakana).
  out->resize(3 * n);
  char* o = out->data();
  for (std::size_t i = 0; i < n;) {
    const Utf8Char* c = &t.single[in[i]];
    std::size_t used = 1;
    if (c->size == 0) {
      if (t.lead[in[i]] && i + 1 < n) c = &t.pair[in[i]][in[i + 1]];
      used = 2;
      if (c->size == 0) {
        if (bad_offset != nullptr) *bad_offset = i;
        return false;
      }
    }
    std::memcpy(o, c->bytes, 3);  // always 3: the spare bytes are overwritten or cut
    o += c->size;
    i += used;
  }
  out->resize(static_cast<std::size_t>(o - out->data()));
  return true;
}

}  // namespace onshi::intake
