// JpkiCard: the JPKI application (公的個人認証 AP) of a My Number card as a
// command-by-command state machine over a CardFile.
//
// Only the user-authentication side (利用者証明用) exists: it is what a
// マイナ保険証 check uses. Files of the JPKI AP (card-and-identifiers.md §4):
//
//   000A  利用者証明用電子証明書 (DER)   READ BINARY, no PIN
//   000B  利用者証明用CA certificate     READ BINARY, no PIN
//   0006  token "JPKIAPICCTOKEN"         READ BINARY, no PIN
//   0017  private key                    never readable; target of SIGN
//   0018  PIN                            never readable; target of VERIFY
//
// The 署名用 side is not issued on this card (as on a 顔認証 card or a
// child's): its certificate and key files (0001, 0002, 001A) and the other
// applications answer 6A82. Its PIN EF 001B exists as a stub: OpenSC 0.23
// (Debian 12) asks for that PIN's retry counter while building its PKCS#15
// view and refuses the whole card if the question fails, and has no option
// to skip it. So SELECT 001B answers 9000, the retry query 63 C5 (5 tries,
// the 署名用 limit), and any VERIFY on it 6984 (reference data not usable):
// nothing can be unlocked with it and the 利用者証明用 counter is untouched.
//
// Commands and answers:
//   SELECT AP   00 A4 04 0C Lc <DF name>      9000 | 6A82 (unknown name)
//   SELECT EF   00 A4 02 0C 02 <FID>          9000 | 6A82 (unknown, or no AP selected)
//   READ BINARY 00 B0 <off hi> <off lo> Le    data 9000 | 6B00 (offset at or past
//               the end) | 6986 (no EF selected, or the key/PIN EF)
//               Fewer than Le bytes, with 9000, when the file ends first;
//               OpenSC sizes a certificate from its first 4 bytes and then
//               reads exactly that much, other hosts over-ask.
//   VERIFY      00 20 00 80 04 <4 ASCII digits>  9000 | 63 Cx (wrong, x tries
//               left; 63 C0 on the try that locks) | 6983 (already locked)
//   retry query 00 20 00 80                   63 Cx, always — also after a
//               successful VERIFY and (63 C0) when locked, because OpenSC's
//               jpki driver treats any SW1 other than 63 as a failed
//               GET_INFO and then refuses the whole card.
//   SIGN        80 2A 00 80 Lc <DigestInfo> 00  256-byte signature 9000 |
//               6982 (no successful VERIFY since reset/AP selection) |
//               6986 (current EF is not 0017)
//
// Malformed PIN: Lc other than 4 → 6700; four bytes that are not all ASCII
// digits → 6A80. Neither touches the counter: such an entry can never be the
// PIN (R-CARD-5 fixes the format, and the format is public), so refusing it
// gives a guesser nothing, while counting it would let a buggy host lock a
// citizen's card. Both do end the verified state, as any failed VERIFY does.
// A locked PIN answers 6983 before the format is looked at.
//
// Common answers: CLA other than 00/80 → 6E00; INS not known for the CLA →
// 6D00; P1/P2 not as above → 6A86; Lc/Le not as above → 6700; state could
// not be written → 6581; signing failed inside → 6F00. Checks run in that order (CLA, INS, P1-P2,
// lengths, state, security).
//
// The verified state (R-SEC-1) lives in RAM only: Reset() (power cycle) and
// selecting the AP again clear it, as does any failed VERIFY.
#ifndef ONSHI_CARD_JPKI_CARD_HPP_
#define ONSHI_CARD_JPKI_CARD_HPP_

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "card/apdu.hpp"
#include "card/card_file.hpp"

namespace onshi::card {

// DF name of the JPKI AP.
inline constexpr std::array<uint8_t, 10> kJpkiAid = {0xD3, 0x92, 0xF0, 0x00, 0x26,
                                                     0x01, 0x00, 0x00, 0x00, 0x01};

// File identifiers inside the JPKI AP.
namespace fid {
inline constexpr uint16_t kToken = 0x0006;
inline constexpr uint16_t kAuthCertificate = 0x000A;
inline constexpr uint16_t kAuthCaCertificate = 0x000B;
inline constexpr uint16_t kAuthPrivateKey = 0x0017;
inline constexpr uint16_t kAuthPin = 0x0018;
inline constexpr uint16_t kSignPinStub = 0x001B;  // see the file comment
}  // namespace fid

// The content of EF 0006 on a physical card (a smartphone answers
// JPKIAPGPSETOKEN).
inline constexpr std::string_view kCardToken = "JPKIAPICCTOKEN";

class JpkiCard {
 public:
  // `file` must outlive this object.
  explicit JpkiCard(CardFile* file) : file_(file) {}

  ResponseApdu Process(const CommandApdu& command);

  // Power cycle: nothing selected, not verified.
  void Reset();

  bool verified() const { return verified_; }

 private:
  ResponseApdu Select(const CommandApdu& c);
  ResponseApdu ReadBinary(const CommandApdu& c);
  ResponseApdu Verify(const CommandApdu& c);
  ResponseApdu Sign(const CommandApdu& c);

  CardFile* file_;
  bool ap_selected_ = false;
  std::optional<uint16_t> current_ef_;
  bool verified_ = false;
};

}  // namespace onshi::card

#endif  // ONSHI_CARD_JPKI_CARD_HPP_
