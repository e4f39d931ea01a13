// MyNumberVault: how the store keeps My Number without keeping it in clear.
//
// Two operations, two keys:
//  - Key(): HMAC-SHA256 under a secret key. Deterministic, so it can be a
//    unique index for lookup, but useless to anyone without the key (a plain
//    hash of a 12-digit number is reversed by enumerating 10^11 candidates).
//    This mirrors the real system's per-institution codes (機関別符号).
//  - Seal()/Open(): AES-256-GCM with a random nonce, for the one place that
//    must recover the number (the resident-registry stand-in, read only by the
//    intermediate server). Open() fails closed on any tampering.
#ifndef ONSHI_STORE_MY_NUMBER_VAULT_HPP_
#define ONSHI_STORE_MY_NUMBER_VAULT_HPP_

#include <openssl/types.h>

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/my_number.hpp"

namespace onshi::store {

class MyNumberVault {
 public:
  static constexpr size_t kKeyBytes = 32;

  MyNumberVault(const std::array<unsigned char, kKeyBytes>& hmac_key,
                const std::array<unsigned char, kKeyBytes>& seal_key);

  // Reads the two keys (hex, one per line) from `path`, creating the file
  // with fresh random keys and mode 0600 if it does not exist.
  static MyNumberVault FromKeyFile(const std::string& path);

  std::string Key(const MyNumber& n) const;  // 32 raw bytes
  // HMAC-SHA256 of "digest\0" + text under the same key, as lowercase hex.
  // The prefix keeps it apart from Key(): no text digests to a number's key.
  std::string Digest(std::string_view text) const;
  std::string Seal(const MyNumber& n) const;  // nonce(12) || ciphertext(12) || tag(16)
  std::optional<MyNumber> Open(std::string_view sealed) const;

 private:
  // Runs `update` on an HMAC-SHA256 context under the hash key and returns
  // the MAC. Contexts are keyed once and reused (MacPool in the .cpp):
  // every import line computes a Key and a Digest, and both keying from
  // scratch and copying a keyed context (allocations for three digest
  // states) cost more than the MAC itself.
  template <class Update>
  size_t Mac(Update update, unsigned char* out, size_t size) const;

  std::array<unsigned char, kKeyBytes> seal_key_;
  class MacPool;
  std::shared_ptr<MacPool> macs_;  // holds the hash key; shared by copies
};

}  // namespace onshi::store

#endif  // ONSHI_STORE_MY_NUMBER_VAULT_HPP_
