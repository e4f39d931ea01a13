// Character sets of OQS XML files: UTF-8 and Shift_JIS.
//
// Files declared encoding="Shift_JIS" are read and written as CP932
// (Windows-31J), not as JIS X 0208 Shift_JIS, because the clinic software that
// writes them runs on Windows, whose "Shift_JIS" is code page 932. CP932 adds
// characters that strict Shift_JIS lacks and that are common in exactly our
// data: NEC specials in addresses and insurer names (①, ㈱, Ⅲ), IBM extended
// kanji in family names (髙, 﨑), and it maps 0x8160 to U+FF5E ～ rather than
// U+301C 〜. A strict decoder rejects a real clinic's file or garbles the
// name; glibc's iconv "CP932" does what Windows does.
//
// Conversion uses glibc iconv with one converter per thread, so these
// functions are safe to call concurrently.
#ifndef ONSHI_OQS_CHARSET_HPP_
#define ONSHI_OQS_CHARSET_HPP_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace onshi::oqs {

// The two OQSCD005 文字コード識別 values; the numbers are the wire codes.
enum class Charset { kUtf8 = 0, kShiftJis = 1 };

// "0" or "1", for MessageHeader/CharacterCodeIdentifier.
std::string_view CharacterCodeIdentifier(Charset charset);

// True for well-formed UTF-8 (no overlongs, no surrogates, ≤ U+10FFFF).
bool IsValidUtf8(std::string_view text);

// CP932 bytes to UTF-8. On an invalid or truncated sequence returns nullopt
// and, if `bad_offset` is given, stores the byte offset of the first bad byte.
std::optional<std::string> Cp932ToUtf8(std::string_view bytes, std::size_t* bad_offset = nullptr);

// UTF-8 to CP932. A character CP932 cannot represent (𠮷, emoji, most
// non-Japanese scripts) becomes 〓 (0x81AC, ゲタ), the traditional Japanese
// placeholder: the answer must still be delivered, and a visible mark tells
// staff that the name differs from the register rather than silently dropping
// a character. Invalid UTF-8 is replaced the same way, one 〓 per bad byte.
// The number of replacements goes to `replaced` if given.
std::string Utf8ToCp932(std::string_view utf8, std::size_t* replaced = nullptr);

}  // namespace onshi::oqs

#endif  // ONSHI_OQS_CHARSET_HPP_
