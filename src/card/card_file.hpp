// CardFile: the persistent state of one emulated My Number card's JPKI
// application — what a real card keeps in its EEPROM.
//
// Holds the 利用者証明用 RSA-2048 private key (EF 0017), the certificate
// (EF 000A) and its CA's certificate (EF 000B), the PIN (EF 0018) and its
// failure counter, and the card's own serial; and, for the 券面事項確認AP
// (card_face_ap.hpp), the holder's face photo and the 照合番号B printed on
// the card that unlocks it.
//
// Protection (R-SEC-1, R-SEC-2: a virtual card must never expose its key):
//  - The whole state is sealed with AES-256-GCM under the IssuerKey, with a
//    fresh random nonce on every write; only a fixed header is in clear (and
//    authenticated as associated data). Neither the private key nor the PIN
//    ever appears in clear, and editing any byte — say, to reset the failure
//    counter — makes the file fail to open, as a tampered chip would.
//  - The PIN is kept only as a salted scrypt hash inside the sealed state, so
//    even the issuer key does not give it back without a search.
//  - The failure counter is bumped and written (temporary file + fsync +
//    rename + directory fsync) BEFORE the PIN is compared, then cleared by a
//    second write if the PIN was right. Whatever moment power is cut — even
//    by someone who watches for the slow "wrong" path — the attempt has
//    already been counted: the classic anti-tearing order of smart cards.
//    Interrupting a correct entry can cost one try, never give one.
//
// Known limit: copying an old file back (rollback) restores its counter; a
// real chip's monotonic EEPROM has no equivalent here.
//
// Not thread-safe: one card, one reader.
#ifndef ONSHI_CARD_CARD_FILE_HPP_
#define ONSHI_CARD_CARD_FILE_HPP_

#include <openssl/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "card/issuer_key.hpp"
#include "core/card_validity.hpp"
#include "core/expected.hpp"

namespace onshi::card {

struct CardFileOptions {
  // scrypt cost N = 2^pin_hash_log2_n (r = 8, p = 1): 2^15 is 32 MiB and a
  // few tens of milliseconds per VERIFY. Tests and the fuzzer lower it; the
  // value is stored in the file. Accepted range 10..20.
  int pin_hash_log2_n = 15;
};

class CardFile {
 public:
  static constexpr int kRsaBits = 2048;

  // Makes a new card at `path` (fails if the file exists) with a freshly
  // generated RSA-2048 key and `pin` (4 ASCII digits, R-CARD-5). The card has
  // no certificates until InstallCertificates.
  static Expected<CardFile> Create(const std::string& path, const IssuerKey& key,
                                   std::string_view pin, const CardFileOptions& options = {});
  // The same with a key generated elsewhere (DER private key, PKCS#8 or
  // PKCS#1): shared fixtures, and tests that must know the key to prove the
  // file does not contain it.
  static Expected<CardFile> CreateWithKey(const std::string& path, const IssuerKey& key,
                                          std::string_view pin,
                                          std::span<const uint8_t> private_key_der,
                                          const CardFileOptions& options = {});
  // Opens an existing card; fails if the file was altered or sealed under
  // another issuer key.
  static Expected<CardFile> Open(const std::string& path, const IssuerKey& key);

  CardFile(CardFile&&) noexcept;
  CardFile& operator=(CardFile&&) noexcept;
  ~CardFile();

  const std::string& path() const { return path_; }
  // The card's own serial (製造番号 stand-in): 16 random hex digits.
  const std::string& card_serial() const { return card_serial_; }
  // DER SubjectPublicKeyInfo of the card's key, for the CA to certify.
  std::vector<uint8_t> PublicKeyDer() const;

  // EF 000A and EF 000B; empty until installed.
  const std::vector<uint8_t>& auth_certificate() const { return auth_certificate_; }
  const std::vector<uint8_t>& auth_ca_certificate() const { return auth_ca_certificate_; }
  // Writes both (personalisation, or renewal at the municipal window).
  // Fails unless `auth_certificate` is DER for this card's public key.
  std::optional<Error> InstallCertificates(std::vector<uint8_t> auth_certificate,
                                           std::vector<uint8_t> auth_ca_certificate);

  // The counter as last written to disk (R-CARD-5).
  PinCounter pin_counter() const { return PinCounter::FromFailures(failures_); }

  // The 券面事項確認AP's data: the face photo (JPEG, at most kMaxPhotoBytes)
  // and the 照合番号B printed on the card face (14 ASCII digits: 生年月日
  // YYMMDD, the card's expiry year, a 4-digit security code;
  // CollationNumberB). Empty until installed at issuance.
  static constexpr size_t kMaxPhotoBytes = 30000;
  const std::vector<uint8_t>& face_photo() const { return face_photo_; }
  const std::string& collation_number_b() const { return collation_b_; }
  // Writes both. Fails unless `jpeg` is empty (a card without a photo) or a
  // JPEG (SOI … EOI) of at most kMaxPhotoBytes, and `collation_b` is 14
  // ASCII digits.
  std::optional<Error> InstallCardFace(std::vector<uint8_t> jpeg, std::string collation_b);
  // Constant-time comparison with the stored 照合番号B; false when none.
  bool MatchesCollationNumberB(std::string_view candidate) const;

  // Checks `pin` against the stored hash, persisting the counter as
  // described above before returning. kBlocked, without comparing, once
  // locked. Fails (and counts nothing new in memory) only if `pin` is not 4
  // ASCII digits or the file cannot be written; after a write failure the
  // in-memory counter equals what is on disk.
  Expected<PinVerification> VerifyPin(std::string_view pin);

  // 暗証番号の初期化 at the municipal window: sets `new_pin` and clears the
  // counter.
  std::optional<Error> ResetPinByMunicipality(std::string_view new_pin);

  // RSA PKCS#1 v1.5 type-1 signature over `digest_info` (the DER DigestInfo
  // the host built; the card does not hash): 256 bytes. At most 245 input
  // bytes (k - 11). Access control (VERIFY first) is the caller's job:
  // JpkiCard enforces it.
  Expected<std::vector<uint8_t>> SignPkcs1(std::span<const uint8_t> digest_info) const;

 private:
  CardFile();
  static Expected<CardFile> Seal(const std::string& path, const IssuerKey& key,
                                 std::string_view pin, EVP_PKEY* pkey,
                                 const CardFileOptions& options);
  std::optional<Error> Save() const;
  std::string Serialise() const;

  std::string path_;
  std::unique_ptr<IssuerKey> issuer_key_;
  struct KeyHandle;
  std::unique_ptr<KeyHandle> key_;
  std::string card_serial_;
  std::vector<uint8_t> auth_certificate_;
  std::vector<uint8_t> auth_ca_certificate_;
  std::vector<uint8_t> pin_salt_;
  std::vector<uint8_t> pin_hash_;
  int pin_hash_log2_n_ = 15;
  int failures_ = 0;
  std::vector<uint8_t> face_photo_;
  std::string collation_b_;
};

// 照合番号B as printed on the card (card-and-identifiers.md §4): the holder's
// birth date as YYMMDD, the card's expiry year (西暦 4 digits) and a 4-digit
// security code.
std::string CollationNumberB(Date birth_date, Date card_expires_on, std::string_view security_code);
// Four random digits for CollationNumberB; "" if the generator fails.
std::string RandomSecurityCode();

}  // namespace onshi::card

#endif  // ONSHI_CARD_CARD_FILE_HPP_
