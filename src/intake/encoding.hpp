// Text encodings of import files: which one a file is in, and where its bytes
// stop being valid.
//
// Insurers' systems write UTF-8 (with or without a byte order mark) or, when
// they run Windows and Excel, Shift_JIS, which we read as CP932 for the
// reasons given in oqs/charset.hpp (髙, 﨑, ① in names and addresses). A byte
// that is not valid in the file's encoding is reported, never replaced: a
// name with a silently substituted character would be registered wrong.
#ifndef ONSHI_INTAKE_ENCODING_HPP_
#define ONSHI_INTAKE_ENCODING_HPP_

#include <cstddef>
#include <string>
#include <string_view>

namespace onshi::intake {

inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// True if `sample`, the first bytes of an input (all of it if `complete`), is
// well-formed UTF-8. A character cut in two by the end of an incomplete
// sample does not count against it.
bool LooksLikeUtf8(std::string_view sample, bool complete);

// True if `text` is well-formed UTF-8: oqs::IsValidUtf8's verdict, reached
// faster on the text of import files (ASCII eight bytes at a time, the
// 3-byte characters of Japanese inline); every record passes through here.
bool IsUtf8(std::string_view text);

// Offset of the first byte of `text` that does not begin a well-formed UTF-8
// character, or npos if `text` is valid.
std::size_t FirstInvalidUtf8(std::string_view text);

// True if every byte is below 0x80: such text means the same in UTF-8 and in
// CP932, so it needs neither checking nor conversion.
bool IsAscii(std::string_view text);

// "0xFF", for error messages.
std::string HexByte(unsigned char byte);

}  // namespace onshi::intake

#endif  // ONSHI_INTAKE_ENCODING_HPP_
