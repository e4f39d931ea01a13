// JpkiReaderSession: the host side of a マイナ保険証 check — what a 顔認証付き
// カードリーダー does with the JPKI application of a My Number card
// (card-and-identifiers.md §4), over any TransmitFn.
//
//   SelectJpki()                 00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01
//   ReadAuthCertificate()        SELECT EF 000A; READ BINARY the first 4 bytes
//                                (the DER header gives the size, as OpenSC's
//                                jpki driver does), then the rest in chunks
//   PinTriesLeft()               SELECT EF 0018; 00 20 00 80 → 63 Cx
//   VerifyPin("1234")            SELECT EF 0018; 00 20 00 80 04 <digits>
//   SignDigestInfo(digest_info)  SELECT EF 0017; 80 2A 00 80 Lc <DigestInfo> 00
//
// SelectJpki() comes first, once per session: selecting the AP again ends
// the verified state on a real card, so no other call re-selects it, and a
// VERIFY stays good for the SIGN that follows. Every answer other than the
// expected one is an Error naming the step and the status word
// ("SELECT EF 0017: 6A82 file or application not found"); a wrong or locked
// PIN is not an error but a PinStatus.
#ifndef ONSHI_READER_JPKI_READER_SESSION_HPP_
#define ONSHI_READER_JPKI_READER_SESSION_HPP_

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "core/expected.hpp"
#include "reader/transmit.hpp"

namespace onshi::reader {

// The 利用者証明用 PIN allows three tries (R-CARD-5).
inline constexpr int kAuthPinMaxTries = 3;

struct PinStatus {
  bool verified = false;  // VERIFY accepted the PIN (never set by PinTriesLeft)
  bool blocked = false;   // no tries left: only the municipality can reset it
  int tries_left = 0;     // 0..kAuthPinMaxTries
};

// The DER DigestInfo of SHA-256 (RFC 8017 §9.2 note 1) around `digest`:
// what SignDigestInfo expects for an RSASSA-PKCS1-v1_5 SHA-256 signature.
Bytes Sha256DigestInfo(std::span<const uint8_t, 32> digest);

class JpkiReaderSession {
 public:
  explicit JpkiReaderSession(TransmitFn transmit) : transmit_(std::move(transmit)) {}

  std::optional<Error> SelectJpki();

  // EF 000A, the 利用者証明用電子証明書 (DER), and EF 000B, its CA's
  // certificate. No PIN needed.
  Expected<Bytes> ReadAuthCertificate();
  Expected<Bytes> ReadAuthCaCertificate();

  // Tries left on the 利用者証明用 PIN, without using one.
  Expected<PinStatus> PinTriesLeft();

  // VERIFY with `pin` (4 ASCII digits; anything else is refused here,
  // before the card sees it). A wrong PIN costs a try: verified = false with
  // the tries left; on the last try, or on a locked card, blocked = true.
  Expected<PinStatus> VerifyPin(std::string_view pin);

  // The card's RSA PKCS#1 v1.5 signature (256 bytes) over `digest_info`,
  // which the host builds (the card does not hash). Needs a successful
  // VerifyPin first in this session; otherwise the card answers 6982.
  Expected<Bytes> SignDigestInfo(std::span<const uint8_t> digest_info);

 private:
  // Sends `capdu`; an Error if the round trip failed or the answer is
  // shorter than a status word.
  Expected<Bytes> Send(const Bytes& capdu);
  std::optional<Error> SelectEf(uint16_t fid);
  Expected<Bytes> ReadCertificate(uint16_t fid);

  TransmitFn transmit_;
};

}  // namespace onshi::reader

#endif  // ONSHI_READER_JPKI_READER_SESSION_HPP_
