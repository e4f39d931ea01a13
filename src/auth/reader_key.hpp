// ReaderKey: the key pair of a facility's card reader (顔認証付きカードリーダー),
// and the proof it signs for every card check it vouches for (issue 15).
//
// In face-recognition and 目視 mode (R-FAC-2, R-FAC-3) the card is never
// unlocked and cannot sign, and its certificate can be read by anyone
// without a PIN. So the reader proves the check instead: each reader has
// its own P-256 key, registered to exactly one facility (`onshi reader add`,
// or POST /admin/readers), and signs the service's single-use challenge, the
// card certificate's SHA-256, the identity-check mode and the facility code.
// The service refuses a face or 目視 check without a valid proof from a
// reader of the token's facility that is not revoked; a PIN-mode check may
// carry one too, and it is verified when present. The facility terminal
// (`onshi terminal`, issue 16) and the tests sign with this same code.
//
// The signed bytes (version 1), every variable field length-prefixed so no
// two different proofs share a message:
//
//   "onshi-card-reader-proof/1"  25 bytes ASCII, the domain separator (the
//                                card's own signature uses another label and
//                                another key, service/card_check.hpp)
//   0x00
//   len(facility)  1 byte, then the 医療機関コード (10 ASCII digits)
//   len(mode)      1 byte, then "pin", "face" or "visual" for a check, or
//                  "register-face" for 利用登録 at the reader (R-REG-3) of a
//                  card that cannot sign (service/card_check.hpp)
//   len(challenge) 1 byte, then the challenge bytes (32) as issued
//   SHA-256(DER of the card's user-authentication certificate), 32 bytes
//
// The signature is ES256: ECDSA P-256 over SHA-256 of those bytes, sent as
// the 64-byte JOSE R||S in base64url ("readerSignature"), with the reader id
// ("reader"): the RFC 7638 thumbprint of its public key.
//
// Key files (`onshi reader add --out DIR`): DIR/reader-key.pem (PKCS#8, mode
// 0600, refused on load if group or others may read it) and DIR/reader-id.
#ifndef ONSHI_AUTH_READER_KEY_HPP_
#define ONSHI_AUTH_READER_KEY_HPP_

#include <string>
#include <string_view>

#include "auth/es256_key.hpp"
#include "core/expected.hpp"

namespace onshi::auth {

inline constexpr std::string_view kReaderProofLabel = "onshi-card-reader-proof/1";
inline constexpr const char* kReaderKeyFile = "reader-key.pem";
inline constexpr const char* kReaderIdFile = "reader-id";

// The bytes a reader signs (layout above). `challenge` and `certificate_der`
// are raw bytes. Fails if the facility, mode or challenge is empty or longer
// than 255 bytes.
Expected<std::string> ReaderProofMessage(std::string_view facility, std::string_view mode,
                                         std::string_view challenge,
                                         std::string_view certificate_der);

// True iff `signature` (64-byte R||S) is `key`'s ES256 signature over
// ReaderProofMessage(facility, mode, challenge, certificate_der).
bool VerifyReaderProof(const Es256PublicKey& key, std::string_view facility, std::string_view mode,
                       std::string_view challenge, std::string_view certificate_der,
                       std::string_view signature);

class ReaderKey {
 public:
  // A new key in `dir` (made, 0700, if missing): reader-key.pem (0600; fails
  // if one is there already) and reader-id.
  static Expected<ReaderKey> Create(const std::string& dir);
  // The key in `dir`/reader-key.pem.
  static Expected<ReaderKey> Load(const std::string& dir);
  // A key held in memory only (tests, and a terminal with its own storage).
  static ReaderKey FromKey(Es256SigningKey key) { return ReaderKey(std::move(key)); }

  // The reader id: RFC 7638 thumbprint of the public key (43 base64url chars).
  const std::string& id() const { return key_.key_id(); }
  const Es256PublicKey& public_key() const { return key_.public_key(); }

  // The base64url ES256 signature over ReaderProofMessage(...).
  Expected<std::string> Sign(std::string_view facility, std::string_view mode,
                             std::string_view challenge, std::string_view certificate_der) const;

 private:
  explicit ReaderKey(Es256SigningKey key) : key_(std::move(key)) {}
  Es256SigningKey key_;
};

}  // namespace onshi::auth

#endif  // ONSHI_AUTH_READER_KEY_HPP_
