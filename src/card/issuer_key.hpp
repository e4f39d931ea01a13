// IssuerKey: the card issuer's secret, with which every card file is sealed.
//
// A real card keeps its private key and PIN inside tamper-resistant silicon
// (R-SEC-2); an emulated card keeps them in a file, so the file must be
// useless without a second secret kept elsewhere. That secret is this key:
// 32 random bytes, stored as 64 hex digits in a file of mode 0600 (refused if
// group or others can read it), like the store's My Number key file.
#ifndef ONSHI_CARD_ISSUER_KEY_HPP_
#define ONSHI_CARD_ISSUER_KEY_HPP_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/expected.hpp"

namespace onshi::card {

class IssuerKey {
 public:
  static constexpr size_t kBytes = 32;  // AES-256

  // Reads the key from `path`, or creates the file with a fresh random key
  // (O_EXCL, so two processes racing to create it end up with the same key).
  static Expected<IssuerKey> LoadOrCreate(const std::string& path);

  IssuerKey(const IssuerKey&) = default;
  IssuerKey& operator=(const IssuerKey&) = default;
  ~IssuerKey();  // wipes the bytes

  const std::array<uint8_t, kBytes>& bytes() const { return bytes_; }

 private:
  IssuerKey() = default;
  std::array<uint8_t, kBytes> bytes_{};
};

}  // namespace onshi::card

#endif  // ONSHI_CARD_ISSUER_KEY_HPP_
