// ToFullWidth (full_width.hpp).
#include "fhir/full_width.hpp"

namespace onshi::fhir {

std::string ToFullWidth(std::string_view text) {
  std::string out;
  out.reserve(text.size() * 3);
  for (char c : text) {
    if (c == ' ') {
      out += "\xE3\x80\x80";  // U+3000
    } else if (c >= '!' && c <= '~') {
      // U+FF01 + (c - '!') in UTF-8: EF BC 81..BF, then EF BD 80..9E.
      const unsigned code = 0xFF01u + static_cast<unsigned>(c - '!');
      out.push_back(static_cast<char>(0xE0 | (code >> 12)));
      out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace onshi::fhir
