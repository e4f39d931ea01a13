// SealedBox: how the terminal keeps patients' data at rest (its outage
// cache and queue, outage_store.hpp): AES-256-GCM with a random nonce per
// value, and an HMAC-SHA256 index so a row can be found by the card keys
// without the keys being readable in the file.
//
// The keys live in a key file beside (never inside) the database: two lines
// of 64 hex digits, created with fresh random keys and mode 0600 when
// missing. A copied database without its key file is unreadable; a lost key
// file makes the cache unreadable (it is then only a cache: the terminal
// starts a new one).
#ifndef ONSHI_TERMINAL_SEALED_BOX_HPP_
#define ONSHI_TERMINAL_SEALED_BOX_HPP_

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace onshi::terminal {

class SealedBox {
 public:
  // Throws std::runtime_error when the file cannot be created or is malformed.
  static SealedBox FromKeyFile(const std::string& path);

  std::string Seal(std::string_view plain) const;  // nonce(12) || ciphertext || tag(16)
  // nullopt when tampered with or sealed under another key.
  std::optional<std::string> Open(std::string_view sealed) const;
  // Lowercase hex HMAC-SHA256 of `text`.
  std::string Index(std::string_view text) const;

 private:
  using Key = std::array<unsigned char, 32>;
  SealedBox(const Key& seal, const Key& index) : seal_(seal), index_(index) {}
  Key seal_;
  Key index_;
};

}  // namespace onshi::terminal

#endif  // ONSHI_TERMINAL_SEALED_BOX_HPP_
