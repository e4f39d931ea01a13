#include "store/my_number_vault.hpp"

#include <fcntl.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <vector>

#include "core/hex.hpp"
#include "store/store.hpp"

namespace onshi::store {
namespace {

using KeyBytes = std::array<unsigned char, MyNumberVault::kKeyBytes>;

std::string Hex(const unsigned char* p, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[p[i] >> 4];
    out[2 * i + 1] = kDigits[p[i] & 15];
  }
  return out;
}

bool Unhex(const std::string& hex, KeyBytes* out) {
  if (hex.size() != out->size() * 2) return false;
  for (size_t i = 0; i < out->size(); ++i) {
    unsigned v = 0;
    for (int j = 0; j < 2; ++j) {
      const char c = hex[2 * i + static_cast<size_t>(j)];
      v <<= 4;
      if (c >= '0' && c <= '9')
        v |= static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f')
        v |= static_cast<unsigned>(c - 'a' + 10);
      else
        return false;
    }
    (*out)[i] = static_cast<unsigned char>(v);
  }
  return true;
}

KeyBytes RandomKey() {
  KeyBytes k;
  if (RAND_bytes(k.data(), static_cast<int>(k.size())) != 1) {
    throw StoreError("cannot generate random key material");
  }
  return k;
}

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

}  // namespace

MyNumberVault MyNumberVault::FromKeyFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    const KeyBytes h = RandomKey(), s = RandomKey();
    // O_EXCL: if two processes race to create the file, one loses and reads
    // the winner's keys instead of silently using different ones.
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd >= 0) {
      const std::string text = Hex(h.data(), h.size()) + "\n" + Hex(s.data(), s.size()) + "\n";
      const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
      ::fsync(fd);
      ::close(fd);
      if (!ok) throw StoreError("cannot write key file " + path);
      return MyNumberVault(h, s);
    }
    in.open(path);
    if (!in) throw StoreError("cannot create or read key file " + path);
  }
  std::string l1, l2;
  std::getline(in, l1);
  std::getline(in, l2);
  KeyBytes h, s;
  if (!Unhex(l1, &h) || !Unhex(l2, &s)) {
    throw StoreError("key file " + path + " is malformed: expected two lines of 64 hex digits");
  }
  return MyNumberVault(h, s);
}

// Keyed HMAC-SHA256 contexts, lent to one caller at a time. A context
// returned after EVP_MAC_final is re-initialised with no key, which in
// OpenSSL 3 restarts it under the key it already holds (a copy of the
// precomputed inner state, no allocation). The pool grows to the number of
// threads that ever hashed at once, and no further.
class MyNumberVault::MacPool {
 public:
  explicit MacPool(const KeyBytes& key) {
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    keyed_ = mac ? EVP_MAC_CTX_new(mac) : nullptr;
    EVP_MAC_free(mac);  // the context holds its own reference
    char digest[] = "SHA256";
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                                 OSSL_PARAM_END};
    if (!keyed_ || EVP_MAC_init(keyed_, key.data(), key.size(), params) != 1) {
      EVP_MAC_CTX_free(keyed_);
      throw StoreError("cannot set up HMAC-SHA256");
    }
  }
  ~MacPool() {
    for (EVP_MAC_CTX* c : free_)
      EVP_MAC_CTX_free(c);
    EVP_MAC_CTX_free(keyed_);
  }
  MacPool(const MacPool&) = delete;
  MacPool& operator=(const MacPool&) = delete;

  // A context ready for EVP_MAC_update; give it back with Return.
  EVP_MAC_CTX* Lend() {
    {
      std::lock_guard lock(mu_);
      if (!free_.empty()) {
        EVP_MAC_CTX* c = free_.back();
        free_.pop_back();
        return c;
      }
    }
    EVP_MAC_CTX* c = EVP_MAC_CTX_dup(keyed_);
    if (!c) throw StoreError("HMAC failed");
    return c;
  }
  // Takes `c` back, restarted under its key; a context that cannot be
  // restarted is dropped.
  void Return(EVP_MAC_CTX* c) {
    if (EVP_MAC_init(c, nullptr, 0, nullptr) != 1) {
      EVP_MAC_CTX_free(c);
      return;
    }
    std::lock_guard lock(mu_);
    free_.push_back(c);
  }

 private:
  EVP_MAC_CTX* keyed_ = nullptr;  // never lent, only copied
  std::mutex mu_;
  std::vector<EVP_MAC_CTX*> free_;
};

MyNumberVault::MyNumberVault(const KeyBytes& hmac_key, const KeyBytes& seal_key)
    : seal_key_(seal_key), macs_(std::make_shared<MacPool>(hmac_key)) {}

template <class Update>
size_t MyNumberVault::Mac(Update update, unsigned char* out, size_t size) const {
  EVP_MAC_CTX* ctx = macs_->Lend();
  size_t len = 0;
  const bool ok = update(ctx) && EVP_MAC_final(ctx, out, &len, size) == 1;
  // Returned either way: Return restarts it, whatever state it was left in.
  macs_->Return(ctx);
  if (!ok) throw StoreError("HMAC failed");
  return len;
}

std::string MyNumberVault::Key(const MyNumber& n) const {
  unsigned char out[EVP_MAX_MD_SIZE];
  const std::string_view d = n.digits_for_hashing();
  const size_t len = Mac(
      [&](EVP_MAC_CTX* ctx) {
        return EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(d.data()), d.size()) == 1;
      },
      out, sizeof out);
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string MyNumberVault::Digest(std::string_view text) const {
  static constexpr std::string_view kDomain{"digest\0", 7};
  unsigned char out[EVP_MAX_MD_SIZE];
  const size_t len = Mac(
      [&](EVP_MAC_CTX* ctx) {
        return EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(kDomain.data()),
                              kDomain.size()) == 1 &&
               EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(text.data()),
                              text.size()) == 1;
      },
      out, sizeof out);
  return ToHex(out, len);
}

std::string MyNumberVault::Seal(const MyNumber& n) const {
  unsigned char nonce[12];
  if (RAND_bytes(nonce, sizeof nonce) != 1) throw StoreError("cannot generate nonce");
  const std::string_view d = n.digits_for_hashing();
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  unsigned char ct[32], tag[16];
  int len = 0, fin = 0;
  if (!ctx ||
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, seal_key_.data(), nonce) != 1 ||
      EVP_EncryptUpdate(ctx.get(), ct, &len, reinterpret_cast<const unsigned char*>(d.data()),
                        static_cast<int>(d.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), ct + len, &fin) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, sizeof tag, tag) != 1) {
    throw StoreError("sealing failed");
  }
  std::string out(reinterpret_cast<char*>(nonce), sizeof nonce);
  out.append(reinterpret_cast<char*>(ct), static_cast<size_t>(len + fin));
  out.append(reinterpret_cast<char*>(tag), sizeof tag);
  return out;
}

std::optional<MyNumber> MyNumberVault::Open(std::string_view sealed) const {
  if (sealed.size() != 12 + MyNumber::kLength + 16) return std::nullopt;
  const auto* p = reinterpret_cast<const unsigned char*>(sealed.data());
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  unsigned char pt[32];
  int len = 0, fin = 0;
  unsigned char tag[16];
  std::copy(p + 12 + MyNumber::kLength, p + sealed.size(), tag);
  if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, seal_key_.data(), p) != 1 ||
      EVP_DecryptUpdate(ctx.get(), pt, &len, p + 12, static_cast<int>(MyNumber::kLength)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, sizeof tag, tag) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), pt + len, &fin) != 1) {
    return std::nullopt;
  }
  auto n = MyNumber::Parse(
      std::string_view(reinterpret_cast<char*>(pt), static_cast<size_t>(len + fin)));
  if (!n.ok()) return std::nullopt;
  return std::move(n).value();
}

}  // namespace onshi::store
