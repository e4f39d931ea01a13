#include "oqs/charset.hpp"

#include <iconv.h>

#include <cerrno>
#include <cstdint>
#include <stdexcept>

namespace onshi::oqs {
namespace {

// One iconv descriptor per thread and direction: iconv_open costs a module
// lookup, and a descriptor carries shift state, so it must not be shared.
class Converter {
 public:
  Converter(const char* to, const char* from) : cd_(iconv_open(to, from)) {
    // glibc always ships CP932; failing here means a broken installation.
    if (cd_ == reinterpret_cast<iconv_t>(-1)) throw std::runtime_error("iconv_open CP932 failed");
  }
  ~Converter() { iconv_close(cd_); }
  Converter(const Converter&) = delete;
  Converter& operator=(const Converter&) = delete;

  iconv_t get() {
    iconv(cd_, nullptr, nullptr, nullptr, nullptr);  // reset state
    return cd_;
  }

 private:
  iconv_t cd_;
};

Converter& Decoder() {
  thread_local Converter c("UTF-8", "CP932");
  return c;
}

Converter& Encoder() {
  thread_local Converter c("CP932", "UTF-8");
  return c;
}

// Length of the UTF-8 sequence starting with `lead`, 1 for a stray byte.
std::size_t Utf8Length(unsigned char lead) {
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  if (lead >= 0xE0) return lead <= 0xEF ? 3 : 1;
  if (lead >= 0xC2) return 2;
  return 1;
}

}  // namespace

std::string_view CharacterCodeIdentifier(Charset charset) {
  return charset == Charset::kShiftJis ? "1" : "0";
}

bool IsValidUtf8(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    const unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    std::size_t n;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (static_cast<std::size_t>(end - p) < n) return false;
    for (std::size_t i = 1; i < n; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return false;
    if (cp >= 0xD800 && cp <= 0xDFFF) return false;
    p += n;
  }
  return true;
}

std::optional<std::string> Cp932ToUtf8(std::string_view bytes, std::size_t* bad_offset) {
  // Worst case 3 UTF-8 bytes per input byte (half-width katakana, U+FF61..).
  std::string out(bytes.size() * 3, '\0');
  iconv_t cd = Decoder().get();
  char* in = const_cast<char*>(bytes.data());  // iconv's API is not const-correct
  std::size_t in_left = bytes.size();
  char* o = out.data();
  std::size_t out_left = out.size();
  if (iconv(cd, &in, &in_left, &o, &out_left) == static_cast<std::size_t>(-1)) {
    if (bad_offset != nullptr) *bad_offset = static_cast<std::size_t>(in - bytes.data());
    return std::nullopt;
  }
  out.resize(out.size() - out_left);
  return out;
}

std::string Utf8ToCp932(std::string_view utf8, std::size_t* replaced) {
  // CP932 never needs more bytes than UTF-8, except that a 1-byte invalid
  // sequence becomes a 2-byte 〓; size for that worst case up front.
  std::string out(utf8.size() * 2, '\0');
  iconv_t cd = Encoder().get();
  char* in = const_cast<char*>(utf8.data());
  std::size_t in_left = utf8.size();
  char* o = out.data();
  std::size_t out_left = out.size();
  std::size_t count = 0;
  while (in_left > 0) {
    if (iconv(cd, &in, &in_left, &o, &out_left) != static_cast<std::size_t>(-1)) break;
    if (errno == E2BIG) throw std::logic_error("Utf8ToCp932: output estimate too small");
    // EILSEQ: unrepresentable or invalid; EINVAL: truncated at the end.
    // Both: skip one character's worth of input and write 〓.
    std::size_t skip = Utf8Length(static_cast<unsigned char>(*in));
    if (skip > in_left || !IsValidUtf8(std::string_view(in, skip))) skip = 1;
    in += skip;
    in_left -= skip;
    *o++ = static_cast<char>(0x81);
    *o++ = static_cast<char>(0xAC);
    out_left -= 2;
    ++count;
  }
  out.resize(out.size() - out_left);
  if (replaced != nullptr) *replaced = count;
  return out;
}

}  // namespace onshi::oqs
