// ISO/IEC 7816-4 command and response APDUs, short form only.
//
// A command APDU (C-APDU) is CLA INS P1 P2, optionally followed by Lc and
// Lc bytes of data, optionally followed by Le, the number of bytes the host
// expects back. The four "cases" are which of the two are present:
//
//   case 1: CLA INS P1 P2
//   case 2: CLA INS P1 P2 Le
//   case 3: CLA INS P1 P2 Lc data
//   case 4: CLA INS P1 P2 Lc data Le
//
// In the short form Lc is 1..255 and Le 0..255 where Le = 00 means 256.
// The JPKI application never needs more (a 2048-bit signature is exactly 256
// bytes), so the extended form (a 00 byte where Lc would be, then two length
// bytes) is refused like any other length the card cannot parse: 6700. A
// parser for bytes from the outside never reads past the end of its input.
#ifndef ONSHI_CARD_APDU_HPP_
#define ONSHI_CARD_APDU_HPP_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/expected.hpp"

namespace onshi::card {

// SW1-SW2 of a response, as one number (0x9000).
using StatusWord = uint16_t;

// The status words this card answers with (ISO/IEC 7816-4 §5.6).
namespace sw {
inline constexpr StatusWord kOk = 0x9000;
inline constexpr StatusWord kMemoryFailure = 0x6581;  // could not persist state
inline constexpr StatusWord kWrongLength = 0x6700;
inline constexpr StatusWord kSecurityStatusNotSatisfied = 0x6982;  // sign before VERIFY
inline constexpr StatusWord kAuthenticationBlocked = 0x6983;       // PIN blocked (R-CARD-5)
inline constexpr StatusWord kReferenceDataNotUsable = 0x6984;      // the 署名用 PIN stub
inline constexpr StatusWord kCommandNotAllowed = 0x6986;           // no/wrong current EF
inline constexpr StatusWord kWrongData = 0x6A80;                   // malformed PIN
inline constexpr StatusWord kFileNotFound = 0x6A82;
inline constexpr StatusWord kWrongP1P2 = 0x6A86;
inline constexpr StatusWord kOffsetOutOfRange = 0x6B00;
inline constexpr StatusWord kInsNotSupported = 0x6D00;
inline constexpr StatusWord kClaNotSupported = 0x6E00;
inline constexpr StatusWord kNoPreciseDiagnosis = 0x6F00;  // internal failure
// 63 Cx: verification failed (or retry query), x tries left.
constexpr StatusWord TriesLeft(int x) {
  return static_cast<StatusWord>(0x63C0 | (x & 0x0F));
}
}  // namespace sw

struct CommandApdu {
  uint8_t cla = 0;
  uint8_t ins = 0;
  uint8_t p1 = 0;
  uint8_t p2 = 0;
  std::vector<uint8_t> data;  // empty for cases 1 and 2 (Lc absent)
  // Ne, the number of response bytes expected: 1..256 (Le = 00 reads as
  // 256). nullopt for cases 1 and 3 (Le absent).
  std::optional<int> le;

  int Case() const { return data.empty() ? (le ? 2 : 1) : (le ? 4 : 3); }
};

// Parses one short C-APDU. Fails with sw::kWrongLength if `bytes` is shorter
// than a header, uses the extended form, or its length does not match Lc
// (and Le). Never reads outside `bytes`.
Expected<CommandApdu, StatusWord> ParseCommand(std::span<const uint8_t> bytes);

// The bytes of `command` in the short form; the inverse of ParseCommand.
// Requires data.size() <= 255 and le in 1..256.
std::vector<uint8_t> EncodeCommand(const CommandApdu& command);

struct ResponseApdu {
  std::vector<uint8_t> data;
  StatusWord sw = sw::kOk;

  static ResponseApdu Status(StatusWord sw) { return ResponseApdu{{}, sw}; }
  // data || SW1 || SW2: what goes back over the wire.
  std::vector<uint8_t> Encode() const;
};

// Splits a wire R-APDU into data and SW; nullopt if it has fewer than 2 bytes.
std::optional<ResponseApdu> ParseResponse(std::span<const uint8_t> bytes);

}  // namespace onshi::card

#endif  // ONSHI_CARD_APDU_HPP_
