#include "terminal/sealed_box.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <stdexcept>

#include "core/hex.hpp"

namespace onshi::terminal {
namespace {

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

bool Unhex(const std::string& text, std::array<unsigned char, 32>* out) {
  if (text.size() != 64) return false;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < 32; ++i) {
    const int hi = nibble(text[2 * i]), lo = nibble(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    (*out)[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  return true;
}

}  // namespace

SealedBox SealedBox::FromKeyFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    Key s{}, x{};
    if (RAND_bytes(s.data(), 32) != 1 || RAND_bytes(x.data(), 32) != 1) {
      throw std::runtime_error("no randomness for the cache key");
    }
    // O_EXCL: two processes starting together agree on one key file.
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
      const std::string text = ToHex(s.data(), s.size()) + "\n" + ToHex(x.data(), x.size()) + "\n";
      const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
      ::fsync(fd);
      ::close(fd);
      if (!ok) throw std::runtime_error("cannot write the cache key file " + path);
      return SealedBox(s, x);
    }
    in.open(path);
    if (!in) throw std::runtime_error("cannot create or read the cache key file " + path);
  }
  std::string l1, l2;
  std::getline(in, l1);
  std::getline(in, l2);
  Key s{}, x{};
  if (!Unhex(l1, &s) || !Unhex(l2, &x)) {
    throw std::runtime_error("cache key file " + path +
                             " is malformed: expected two lines of 64 hex digits");
  }
  return SealedBox(s, x);
}

std::string SealedBox::Seal(std::string_view plain) const {
  unsigned char nonce[12];
  if (RAND_bytes(nonce, sizeof nonce) != 1) throw std::runtime_error("no randomness for a nonce");
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  std::string out(reinterpret_cast<char*>(nonce), sizeof nonce);
  out.resize(12 + plain.size() + 16);
  auto* ct = reinterpret_cast<unsigned char*>(out.data()) + 12;
  int len = 0, fin = 0;
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, seal_.data(), nonce) != 1 ||
      EVP_EncryptUpdate(ctx.get(), ct, &len, reinterpret_cast<const unsigned char*>(plain.data()),
                        static_cast<int>(plain.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), ct + len, &fin) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, 16, ct + plain.size()) != 1) {
    throw std::runtime_error("sealing failed");
  }
  return out;
}

std::optional<std::string> SealedBox::Open(std::string_view sealed) const {
  if (sealed.size() < 12 + 16) return std::nullopt;
  const auto* p = reinterpret_cast<const unsigned char*>(sealed.data());
  const size_t n = sealed.size() - 12 - 16;
  std::string plain(n, '\0');
  unsigned char tag[16];
  std::copy(p + 12 + n, p + sealed.size(), tag);
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int len = 0, fin = 0;
  if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, seal_.data(), p) != 1 ||
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()), &len, p + 12,
                        static_cast<int>(n)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, 16, tag) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()) + len, &fin) !=
          1) {
    return std::nullopt;
  }
  return plain;
}

std::string SealedBox::Index(std::string_view text) const {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), index_.data(), static_cast<int>(index_.size()),
            reinterpret_cast<const unsigned char*>(text.data()), text.size(), out, &len)) {
    throw std::runtime_error("HMAC failed");
  }
  return ToHex(out, len);
}

}  // namespace onshi::terminal
