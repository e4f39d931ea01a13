#include "card/card_file.hpp"

#include <fcntl.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "auth/key_file.hpp"
#include "auth/openssl_util.hpp"

namespace onshi::card {
namespace {

using auth::PkeyCtxPtr;
using auth::PkeyPtr;

// File layout: kMagic (clear, authenticated) || nonce (12) || ciphertext ||
// tag (16). The version is part of the magic, so a future layout cannot be
// misread as this one. Version 2 adds the face photo and 照合番号B after the
// failure counter; version 1 files (no card face) are still read.
constexpr std::string_view kMagicV1 = "onshi-jpki-card/1\n";
constexpr std::string_view kMagic = "onshi-jpki-card/2\n";
constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;
constexpr size_t kSaltBytes = 16;
constexpr size_t kPinHashBytes = 32;
constexpr int kMinLog2N = 10;
constexpr int kMaxLog2N = 20;

Error CardError(std::string message) {
  return MakeError("card_file", std::move(message));
}

// ---- length-prefixed fields: u32 big-endian length, then the bytes

void PutField(std::string* out, std::span<const uint8_t> bytes) {
  const uint32_t n = static_cast<uint32_t>(bytes.size());
  for (int shift = 24; shift >= 0; shift -= 8)
    out->push_back(static_cast<char>((n >> shift) & 0xFF));
  out->append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}
void PutField(std::string* out, std::string_view text) {
  PutField(out, std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

class FieldReader {
 public:
  explicit FieldReader(std::string_view in) : in_(in) {}
  bool Next(std::vector<uint8_t>* out) {
    if (in_.size() < 4) return false;
    uint32_t n = 0;
    for (int i = 0; i < 4; ++i)
      n = (n << 8) | static_cast<uint8_t>(in_[i]);
    in_.remove_prefix(4);
    if (n > in_.size()) return false;
    out->assign(in_.begin(), in_.begin() + n);
    in_.remove_prefix(n);
    return true;
  }
  bool AtEnd() const { return in_.empty(); }

 private:
  std::string_view in_;
};

// Wipes a buffer that held key material or a PIN before it is freed.
struct Wiped {
  std::string bytes;
  ~Wiped() { OPENSSL_cleanse(bytes.data(), bytes.size()); }
};

std::vector<uint8_t> HashPin(std::string_view pin, std::span<const uint8_t> salt, int log2_n) {
  auth::OpenSslPtr<EVP_KDF, EVP_KDF_free> kdf(EVP_KDF_fetch(nullptr, "SCRYPT", nullptr));
  auth::OpenSslPtr<EVP_KDF_CTX, EVP_KDF_CTX_free> ctx(kdf ? EVP_KDF_CTX_new(kdf.get()) : nullptr);
  if (!ctx) return {};
  uint64_t n = uint64_t{1} << log2_n;
  uint32_t r = 8, p = 1;
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, const_cast<char*>(pin.data()),
                                        pin.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<uint8_t*>(salt.data()),
                                        salt.size()),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
      OSSL_PARAM_construct_end(),
  };
  std::vector<uint8_t> out(kPinHashBytes);
  if (EVP_KDF_derive(ctx.get(), out.data(), out.size(), params) != 1) {
    ERR_clear_error();
    return {};
  }
  return out;
}

// AES-256-GCM of `plain` under `key`, with `aad`: nonce || ciphertext || tag.
std::string Encrypt(const IssuerKey& key, std::string_view aad, std::string_view plain) {
  unsigned char nonce[kNonceBytes];
  if (RAND_bytes(nonce, sizeof nonce) != 1) return "";
  auth::OpenSslPtr<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free> ctx(EVP_CIPHER_CTX_new());
  std::string out(reinterpret_cast<char*>(nonce), sizeof nonce);
  out.resize(kNonceBytes + plain.size() + kTagBytes);
  auto* cipher = reinterpret_cast<unsigned char*>(out.data() + kNonceBytes);
  int len = 0, tail = 0;
  const bool ok =
      ctx && EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.bytes().data(), nonce) &&
      EVP_EncryptUpdate(ctx.get(), nullptr, &len,
                        reinterpret_cast<const unsigned char*>(aad.data()),
                        static_cast<int>(aad.size())) &&
      EVP_EncryptUpdate(ctx.get(), cipher, &len,
                        reinterpret_cast<const unsigned char*>(plain.data()),
                        static_cast<int>(plain.size())) &&
      EVP_EncryptFinal_ex(ctx.get(), cipher + len, &tail) &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, cipher + plain.size());
  return ok ? out : "";
}

// The inverse of Encrypt; false if the tag does not match.
bool Decrypt(const IssuerKey& key, std::string_view aad, std::string_view sealed, Wiped* plain) {
  if (sealed.size() < kNonceBytes + kTagBytes) return false;
  const auto* nonce = reinterpret_cast<const unsigned char*>(sealed.data());
  const auto* cipher = nonce + kNonceBytes;
  const size_t cipher_len = sealed.size() - kNonceBytes - kTagBytes;
  std::string tag(sealed.substr(kNonceBytes + cipher_len));
  plain->bytes.assign(cipher_len, '\0');
  auth::OpenSslPtr<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free> ctx(EVP_CIPHER_CTX_new());
  int len = 0, tail = 0;
  auto* out = reinterpret_cast<unsigned char*>(plain->bytes.data());
  const bool ok =
      ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.bytes().data(), nonce) &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &len,
                        reinterpret_cast<const unsigned char*>(aad.data()),
                        static_cast<int>(aad.size())) &&
      EVP_DecryptUpdate(ctx.get(), out, &len, cipher, static_cast<int>(cipher_len)) &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) &&
      EVP_DecryptFinal_ex(ctx.get(), out + len, &tail) == 1;
  ERR_clear_error();
  return ok;
}

// rename(2) is durable only once the directory entry is on disk too.
bool FsyncDirectoryOf(const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

std::string RandomHex(size_t bytes) {
  std::vector<uint8_t> raw(bytes);
  if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) return "";
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (uint8_t b : raw) {
    out += kHex[b >> 4];
    out += kHex[b & 0xF];
  }
  return out;
}

bool IsRsa2048(EVP_PKEY* key) {
  return key && EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA &&
         EVP_PKEY_get_bits(key) == CardFile::kRsaBits;
}

}  // namespace

struct CardFile::KeyHandle {
  PkeyPtr key;
};

CardFile::CardFile() : key_(std::make_unique<KeyHandle>()) {}
CardFile::CardFile(CardFile&&) noexcept = default;
CardFile& CardFile::operator=(CardFile&&) noexcept = default;
CardFile::~CardFile() {
  OPENSSL_cleanse(pin_hash_.data(), pin_hash_.size());
}

Expected<CardFile> CardFile::Create(const std::string& path, const IssuerKey& key,
                                    std::string_view pin, const CardFileOptions& options) {
  PkeyPtr pkey(EVP_RSA_gen(kRsaBits));
  if (!pkey) return CardError(auth::OpenSslError("cannot generate the card key"));
  return Seal(path, key, pin, pkey.get(), options);
}

Expected<CardFile> CardFile::CreateWithKey(const std::string& path, const IssuerKey& key,
                                           std::string_view pin,
                                           std::span<const uint8_t> private_key_der,
                                           const CardFileOptions& options) {
  const unsigned char* p = private_key_der.data();
  PkeyPtr pkey(d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(private_key_der.size())));
  if (!pkey) return CardError(auth::OpenSslError("not a DER private key"));
  return Seal(path, key, pin, pkey.get(), options);
}

Expected<CardFile> CardFile::Seal(const std::string& path, const IssuerKey& key,
                                  std::string_view pin, EVP_PKEY* pkey,
                                  const CardFileOptions& options) {
  if (auto bad = CheckAuthPinFormat(pin)) return *bad;
  if (!IsRsa2048(pkey)) return CardError("the card key must be RSA-2048");
  if (options.pin_hash_log2_n < kMinLog2N || options.pin_hash_log2_n > kMaxLog2N) {
    return CardError("pin_hash_log2_n must be in 10..20");
  }
  if (auth::FileExists(path)) return CardError(path + " already exists");
  CardFile card;
  card.path_ = path;
  card.issuer_key_ = std::make_unique<IssuerKey>(key);
  if (EVP_PKEY_up_ref(pkey) != 1) return CardError("cannot take the key");
  card.key_->key.reset(pkey);
  card.card_serial_ = RandomHex(8);
  card.pin_salt_.resize(kSaltBytes);
  if (card.card_serial_.empty() || RAND_bytes(card.pin_salt_.data(), kSaltBytes) != 1) {
    return CardError("the random generator failed");
  }
  card.pin_hash_log2_n_ = options.pin_hash_log2_n;
  card.pin_hash_ = HashPin(pin, card.pin_salt_, card.pin_hash_log2_n_);
  if (card.pin_hash_.empty()) return CardError("cannot hash the PIN");
  if (auto e = card.Save()) return *e;
  return card;
}

Expected<CardFile> CardFile::Open(const std::string& path, const IssuerKey& key) {
  auto data = auth::ReadWholeFile(path);
  if (!data.ok()) return data.error();
  std::string_view bytes = *data;
  const bool v1 = bytes.substr(0, kMagicV1.size()) == kMagicV1;
  if (!v1 && bytes.substr(0, kMagic.size()) != kMagic) {
    return CardError(path + " is not a card file");
  }
  const std::string_view magic = v1 ? kMagicV1 : kMagic;
  Wiped plain;
  if (!Decrypt(key, magic, bytes.substr(magic.size()), &plain)) {
    return CardError(path + " was altered or sealed under another issuer key");
  }
  CardFile card;
  card.path_ = path;
  card.issuer_key_ = std::make_unique<IssuerKey>(key);
  FieldReader in(plain.bytes);
  std::vector<uint8_t> serial, key_der, cost, failures, collation_b;
  const bool parsed = in.Next(&serial) && in.Next(&key_der) && in.Next(&card.auth_certificate_) &&
                      in.Next(&card.auth_ca_certificate_) && in.Next(&card.pin_salt_) &&
                      in.Next(&card.pin_hash_) && in.Next(&cost) && in.Next(&failures) &&
                      (v1 || (in.Next(&card.face_photo_) && in.Next(&collation_b))) && in.AtEnd() &&
                      cost.size() == 1 && failures.size() == 1 &&
                      card.pin_hash_.size() == kPinHashBytes;
  card.collation_b_.assign(collation_b.begin(), collation_b.end());
  const unsigned char* p = key_der.data();
  if (parsed)
    card.key_->key.reset(d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(key_der.size())));
  OPENSSL_cleanse(key_der.data(), key_der.size());
  if (!parsed || !IsRsa2048(card.key_->key.get()) || cost[0] < kMinLog2N || cost[0] > kMaxLog2N ||
      failures[0] > PinCounter::kMaxConsecutiveFailures) {
    ERR_clear_error();
    return CardError(path + " has an unreadable layout");
  }
  card.card_serial_.assign(serial.begin(), serial.end());
  card.pin_hash_log2_n_ = cost[0];
  card.failures_ = failures[0];
  return card;
}

std::string CardFile::Serialise() const {
  std::string out;
  unsigned char* der = nullptr;
  const int len = i2d_PrivateKey(key_->key.get(), &der);
  if (len <= 0) return "";
  PutField(&out, card_serial_);
  PutField(&out, std::span<const uint8_t>(der, static_cast<size_t>(len)));
  OPENSSL_clear_free(der, static_cast<size_t>(len));
  PutField(&out, auth_certificate_);
  PutField(&out, auth_ca_certificate_);
  PutField(&out, pin_salt_);
  PutField(&out, pin_hash_);
  const uint8_t cost = static_cast<uint8_t>(pin_hash_log2_n_);
  const uint8_t failures = static_cast<uint8_t>(failures_);
  PutField(&out, std::span(&cost, 1));
  PutField(&out, std::span(&failures, 1));
  PutField(&out, face_photo_);
  PutField(&out, collation_b_);
  return out;
}

std::optional<Error> CardFile::Save() const {
  Wiped plain{Serialise()};
  if (plain.bytes.empty()) return CardError(auth::OpenSslError("cannot encode the card key"));
  const std::string sealed = Encrypt(*issuer_key_, kMagic, plain.bytes);
  if (sealed.empty()) return CardError(auth::OpenSslError("cannot seal the card"));
  auto written = auth::ReplaceFile(path_, std::string(kMagic) + sealed, 0600);
  if (!written.ok()) return written.error();
  if (!FsyncDirectoryOf(path_)) return CardError("cannot sync the directory of " + path_);
  return std::nullopt;
}

std::vector<uint8_t> CardFile::PublicKeyDer() const {
  unsigned char* der = nullptr;
  const int len = i2d_PUBKEY(key_->key.get(), &der);
  if (len <= 0) return {};
  std::vector<uint8_t> out(der, der + len);
  OPENSSL_free(der);
  return out;
}

std::optional<Error> CardFile::InstallCertificates(std::vector<uint8_t> auth_certificate,
                                                   std::vector<uint8_t> auth_ca_certificate) {
  const unsigned char* p = auth_certificate.data();
  auth::X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(auth_certificate.size())));
  if (!cert || p != auth_certificate.data() + auth_certificate.size()) {
    ERR_clear_error();
    return CardError("the certificate is not DER X.509");
  }
  if (EVP_PKEY_eq(X509_get0_pubkey(cert.get()), key_->key.get()) != 1) {
    ERR_clear_error();
    return CardError("the certificate is for another key");
  }
  std::swap(auth_certificate_, auth_certificate);
  std::swap(auth_ca_certificate_, auth_ca_certificate);
  if (auto e = Save()) {
    std::swap(auth_certificate_, auth_certificate);
    std::swap(auth_ca_certificate_, auth_ca_certificate);
    return e;
  }
  return std::nullopt;
}

namespace {

bool IsDigits(std::string_view s, size_t n) {
  return s.size() == n &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::optional<Error> CardFile::InstallCardFace(std::vector<uint8_t> jpeg, std::string collation_b) {
  // SOI at the start and EOI at the end: enough to refuse a file that is not
  // a JPEG at all; the page that shows the photo decodes it.
  const bool jpeg_shaped = jpeg.size() >= 4 && jpeg[0] == 0xFF && jpeg[1] == 0xD8 &&
                           jpeg[jpeg.size() - 2] == 0xFF && jpeg[jpeg.size() - 1] == 0xD9;
  if (!jpeg.empty() && !jpeg_shaped) return CardError("the face photo must be a JPEG");
  if (jpeg.size() > kMaxPhotoBytes) {
    return CardError("the face photo is " + std::to_string(jpeg.size()) + " bytes; at most " +
                     std::to_string(kMaxPhotoBytes) + " fit on the card");
  }
  if (!IsDigits(collation_b, 14)) return CardError("照合番号B must be 14 digits");
  std::swap(face_photo_, jpeg);
  std::swap(collation_b_, collation_b);
  if (auto e = Save()) {
    std::swap(face_photo_, jpeg);
    std::swap(collation_b_, collation_b);
    return e;
  }
  return std::nullopt;
}

bool CardFile::MatchesCollationNumberB(std::string_view candidate) const {
  return !collation_b_.empty() && candidate.size() == collation_b_.size() &&
         CRYPTO_memcmp(candidate.data(), collation_b_.data(), candidate.size()) == 0;
}

std::string CollationNumberB(Date birth_date, Date card_expires_on,
                             std::string_view security_code) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%02d%02d%02d%04d", birth_date.year() % 100, birth_date.month(),
                birth_date.day(), card_expires_on.year());
  return std::string(buf) + std::string(security_code);
}

std::string RandomSecurityCode() {
  uint32_t raw[4];  // 32 bits per digit: the bias of % 10 is below 1e-9
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw), sizeof raw) != 1) return "";
  std::string out;
  for (uint32_t r : raw)
    out += static_cast<char>('0' + r % 10);
  return out;
}

Expected<PinVerification> CardFile::VerifyPin(std::string_view pin) {
  if (auto bad = CheckAuthPinFormat(pin)) return *bad;
  PinCounter counter = PinCounter::FromFailures(failures_);
  if (counter.locked()) return counter.Verify(false);  // kBlocked, nothing written
  const int before = failures_;
  // 1. Count the attempt as failed, durably, before looking at the PIN.
  failures_ = before + 1;
  if (auto e = Save()) {
    failures_ = before;
    return *e;
  }
  // 2. Compare in constant time.
  const std::vector<uint8_t> hash = HashPin(pin, pin_salt_, pin_hash_log2_n_);
  const bool correct = hash.size() == pin_hash_.size() &&
                       CRYPTO_memcmp(hash.data(), pin_hash_.data(), hash.size()) == 0;
  const PinVerification result = counter.Verify(correct);
  // 3. A right PIN clears the counter with a second write.
  if (correct) {
    failures_ = 0;
    if (auto e = Save()) {
      failures_ = before + 1;  // what is on disk
      return *e;
    }
  }
  return result;
}

std::optional<Error> CardFile::ResetPinByMunicipality(std::string_view new_pin) {
  if (auto bad = CheckAuthPinFormat(new_pin)) return bad;
  std::vector<uint8_t> salt(kSaltBytes);
  if (RAND_bytes(salt.data(), kSaltBytes) != 1) return CardError("the random generator failed");
  std::vector<uint8_t> hash = HashPin(new_pin, salt, pin_hash_log2_n_);
  if (hash.empty()) return CardError("cannot hash the PIN");
  std::swap(pin_salt_, salt);
  std::swap(pin_hash_, hash);
  const int before = failures_;
  failures_ = 0;
  if (auto e = Save()) {
    std::swap(pin_salt_, salt);
    std::swap(pin_hash_, hash);
    failures_ = before;
    return e;
  }
  return std::nullopt;
}

Expected<std::vector<uint8_t>> CardFile::SignPkcs1(std::span<const uint8_t> digest_info) const {
  constexpr size_t kMaxInput = kRsaBits / 8 - 11;
  if (digest_info.empty() || digest_info.size() > kMaxInput) {
    return CardError("the DigestInfo must be 1.." + std::to_string(kMaxInput) + " bytes");
  }
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key_->key.get(), nullptr));
  // No signature digest is set: the provider then pads the input as it is
  // (type-1 padding over the caller's DigestInfo), as the card does.
  std::vector<uint8_t> out(kRsaBits / 8);
  size_t len = out.size();
  if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1 ||
      EVP_PKEY_sign(ctx.get(), out.data(), &len, digest_info.data(), digest_info.size()) != 1 ||
      len != out.size()) {
    return CardError(auth::OpenSslError("cannot sign"));
  }
  return out;
}

}  // namespace onshi::card
