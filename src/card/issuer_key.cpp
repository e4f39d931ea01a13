#include "card/issuer_key.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <string_view>

#include "auth/key_file.hpp"

namespace onshi::card {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

IssuerKey::~IssuerKey() {
  OPENSSL_cleanse(bytes_.data(), bytes_.size());
}

Expected<IssuerKey> IssuerKey::LoadOrCreate(const std::string& path) {
  IssuerKey key;
  if (!auth::FileExists(path)) {
    if (RAND_bytes(key.bytes_.data(), static_cast<int>(key.bytes_.size())) != 1) {
      return MakeError("issuer_key", "the random generator failed");
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string text;
    for (uint8_t b : key.bytes_) {
      text += kHex[b >> 4];
      text += kHex[b & 0xF];
    }
    text += '\n';
    auto written = auth::WriteNewFile(path, text, 0600);
    OPENSSL_cleanse(text.data(), text.size());
    if (written.ok()) return key;
    if (!auth::FileExists(path)) return written.error();
    // Another process created it first: use its key.
  }
  auto text = auth::ReadPrivateFile(path);
  if (!text.ok()) return text.error();
  std::string_view hex = *text;
  while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r'))
    hex.remove_suffix(1);
  bool ok = hex.size() == 2 * kBytes;
  for (size_t i = 0; ok && i < kBytes; ++i) {
    const int hi = HexValue(hex[2 * i]), lo = HexValue(hex[2 * i + 1]);
    ok = hi >= 0 && lo >= 0;
    if (ok) key.bytes_[i] = static_cast<uint8_t>((hi << 4) | lo);
  }
  OPENSSL_cleanse(text->data(), text->size());
  if (!ok) return MakeError("issuer_key", path + " must hold exactly 64 hex digits");
  return key;
}

}  // namespace onshi::card
