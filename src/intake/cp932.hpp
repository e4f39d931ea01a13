// Fast CP932 (Windows Shift_JIS) to UTF-8 for import files.
//
// oqs::Cp932ToUtf8 goes through glibc iconv, which costs about a microsecond
// per record in calls and per-byte dispatch: an import of a million Shift_JIS
// lines spent most of its time there. CP932 is stateless and every character
// is one or two bytes, so the whole mapping fits a table. The table is built
// once from oqs::Cp932ToUtf8 itself (every single byte and every pair after
// a lead byte), so this decoder accepts, rejects and maps exactly what iconv
// does: the same 髙, 﨑, ①, ～, the same bytes reported as invalid.
#ifndef ONSHI_INTAKE_CP932_HPP_
#define ONSHI_INTAKE_CP932_HPP_

#include <cstddef>
#include <string>
#include <string_view>

namespace onshi::intake {

// Converts `bytes` to UTF-8 into *out. On a byte that does not begin a valid
// character (or a lead byte with no valid second byte) returns false and
// sets *bad_offset, if given, to its offset; *out is then unspecified.
// Thread-safe (the table is built on first use).
bool DecodeCp932(std::string_view bytes, std::string* out, std::size_t* bad_offset = nullptr);

}  // namespace onshi::intake

#endif  // ONSHI_INTAKE_CP932_HPP_
