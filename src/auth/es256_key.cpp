#include "auth/es256_key.hpp"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include <cerrno>
#include <stdexcept>

#include "auth/base64url.hpp"
#include "auth/flat_json.hpp"
#include "auth/key_file.hpp"
#include "auth/openssl_util.hpp"

namespace onshi::auth {
namespace {

constexpr std::string_view kField = "es256_key";
constexpr size_t kCoordinateBytes = 32;
constexpr size_t kPointBytes = 1 + 2 * kCoordinateBytes;  // 0x04 || X || Y

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

std::shared_ptr<EVP_PKEY> Share(EVP_PKEY* key) {
  return std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free);
}

// Whether `key` is an EC key on P-256 (OpenSSL names it prime256v1).
bool IsP256(EVP_PKEY* key) {
  if (EVP_PKEY_is_a(key, "EC") != 1) return false;
  char group[64];
  size_t len = 0;
  if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len) !=
      1) {
    return false;
  }
  const std::string_view name(group, len);
  return name == "prime256v1" || name == "P-256" || name == "secp256r1";
}

std::string Sha256(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error(OpenSslError("SHA-256 failed"));
  }
  return std::string(reinterpret_cast<char*>(md), len);
}

}  // namespace

std::optional<std::string> EcdsaDerToJose(std::string_view der) {
  const unsigned char* p = Bytes(der);
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (!sig || p != Bytes(der) + der.size()) return std::nullopt;  // trailing bytes
  const BIGNUM* r = ECDSA_SIG_get0_r(sig.get());
  const BIGNUM* s = ECDSA_SIG_get0_s(sig.get());
  std::string out(kEs256SignatureBytes, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  // BN_bn2binpad fails if the number needs more than 32 bytes.
  if (BN_bn2binpad(r, o, kCoordinateBytes) != static_cast<int>(kCoordinateBytes) ||
      BN_bn2binpad(s, o + kCoordinateBytes, kCoordinateBytes) !=
          static_cast<int>(kCoordinateBytes)) {
    return std::nullopt;
  }
  return out;
}

std::optional<std::string> EcdsaJoseToDer(std::string_view jose) {
  if (jose.size() != kEs256SignatureBytes) return std::nullopt;
  BignumPtr r(BN_bin2bn(Bytes(jose), kCoordinateBytes, nullptr));
  BignumPtr s(BN_bin2bn(Bytes(jose) + kCoordinateBytes, kCoordinateBytes, nullptr));
  EcdsaSigPtr sig(ECDSA_SIG_new());
  if (!r || !s || !sig || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) return std::nullopt;
  (void)r.release();  // now owned by sig
  (void)s.release();
  unsigned char* der = nullptr;
  const int len = i2d_ECDSA_SIG(sig.get(), &der);
  if (len <= 0) return std::nullopt;
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  return out;
}

// --- Es256PublicKey ---------------------------------------------------------

Expected<Es256PublicKey> Es256PublicKey::Adopt(std::shared_ptr<EVP_PKEY> key) {
  if (!key || !IsP256(key.get())) return MakeError(std::string(kField), "not a P-256 EC key");
  unsigned char point[kPointBytes + 1];
  size_t len = 0;
  if (EVP_PKEY_get_octet_string_param(key.get(), OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point,
                                      sizeof point, &len) != 1 ||
      len != kPointBytes || point[0] != 0x04) {
    return MakeError(std::string(kField), OpenSslError("cannot read the public point"));
  }
  const std::string_view p(reinterpret_cast<char*>(point), len);
  Es256PublicKey out;
  out.key_ = std::move(key);
  out.jwk_ = FlatJsonWriter()
                 .Add("crv", "P-256")
                 .Add("kty", "EC")
                 .Add("x", Base64UrlEncode(p.substr(1, kCoordinateBytes)))
                 .Add("y", Base64UrlEncode(p.substr(1 + kCoordinateBytes, kCoordinateBytes)))
                 .Finish();
  out.key_id_ = Base64UrlEncode(Sha256(out.jwk_));
  return out;
}

Expected<Es256PublicKey> Es256PublicKey::FromJwk(std::string_view json) {
  auto obj = FlatJsonObject::Parse(json);
  if (!obj.ok()) return MakeError(std::string(kField), "JWK: " + obj.error().message);
  if (obj->GetString("kty") != "EC" || obj->GetString("crv") != "P-256") {
    return MakeError(std::string(kField), "JWK must have kty \"EC\" and crv \"P-256\"");
  }
  if (obj->Has("d")) {
    // A JWK with "d" is a private key; accepting it here would invite
    // publishing one by mistake.
    return MakeError(std::string(kField), "JWK holds a private key (\"d\"); give the public part");
  }
  const auto x = Base64UrlDecode(obj->GetString("x").value_or("!"));
  const auto y = Base64UrlDecode(obj->GetString("y").value_or("!"));
  if (!x || !y || x->size() != kCoordinateBytes || y->size() != kCoordinateBytes) {
    return MakeError(std::string(kField), "JWK x and y must be 32-byte base64url values");
  }
  std::string point = "\x04" + *x + *y;
  char group[] = "prime256v1";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()),
      OSSL_PARAM_construct_end()};
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params) != 1) {
    return MakeError(std::string(kField), OpenSslError("JWK is not a point on P-256"));
  }
  auto key = Share(raw);
  // fromdata decodes the point; public_check also rejects the point at
  // infinity and points outside the prime-order subgroup.
  PkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) {
    return MakeError(std::string(kField), OpenSslError("JWK is not a valid P-256 public key"));
  }
  return Adopt(std::move(key));
}

Expected<Es256PublicKey> Es256PublicKey::FromPem(std::string_view pem) {
  BioPtr bio = MemoryBio(pem);
  EVP_PKEY* raw = bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr) : nullptr;
  if (!raw) return MakeError(std::string(kField), OpenSslError("not a public key PEM"));
  return Adopt(Share(raw));
}

bool Es256PublicKey::Verify(std::string_view signing_input, std::string_view jose_signature) const {
  const auto der = EcdsaJoseToDer(jose_signature);
  if (!der || !key_) return false;
  MdCtxPtr ctx(EVP_MD_CTX_new());
  const bool ok = ctx &&
                  EVP_DigestVerifyInit_ex(ctx.get(), nullptr, "SHA256", nullptr, nullptr,
                                          key_.get(), nullptr) == 1 &&
                  EVP_DigestVerify(ctx.get(), Bytes(*der), der->size(), Bytes(signing_input),
                                   signing_input.size()) == 1;
  ERR_clear_error();  // a failed verification queues errors nobody will read
  return ok;
}

std::string Es256PublicKey::Pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key_.get()) != 1) {
    throw std::runtime_error(OpenSslError("cannot write public key PEM"));
  }
  return BioContents(bio.get());
}

// --- Es256SigningKey --------------------------------------------------------

Expected<Es256SigningKey> Es256SigningKey::Adopt(EVP_PKEY* key) {
  std::shared_ptr<EVP_PKEY> shared = Share(key);
  if (!shared || !IsP256(shared.get())) {
    return MakeError(std::string(kField), "not a P-256 EC private key");
  }
  // The public half gets its own EVP_PKEY so that handing the public key to
  // a verifier never hands over the private scalar.
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), shared.get()) != 1) {
    return MakeError(std::string(kField), OpenSslError("cannot derive the public key"));
  }
  auto pub = Es256PublicKey::FromPem(BioContents(bio.get()));
  if (!pub.ok()) return pub.error();
  std::shared_ptr<EVP_MD_CTX> prepared(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!prepared || EVP_DigestSignInit_ex(prepared.get(), nullptr, "SHA256", nullptr, nullptr,
                                         shared.get(), nullptr) != 1) {
    return MakeError(std::string(kField), OpenSslError("cannot set up ES256 signing"));
  }
  return Es256SigningKey(std::move(shared), std::move(prepared), std::move(pub).value());
}

Expected<Es256SigningKey> Es256SigningKey::Generate() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  if (!key) return MakeError(std::string(kField), OpenSslError("P-256 key generation failed"));
  return Adopt(key);
}

Expected<Es256SigningKey> Es256SigningKey::FromPem(std::string_view pem) {
  BioPtr bio = MemoryBio(pem);
  EVP_PKEY* raw = bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr;
  if (!raw) return MakeError(std::string(kField), OpenSslError("not a private key PEM"));
  return Adopt(raw);
}

Expected<Es256SigningKey> Es256SigningKey::LoadOrCreate(const std::string& path) {
  if (!FileExists(path)) {
    auto key = Generate();
    if (!key.ok()) return key;
    auto written = WriteNewFile(path, key->PrivatePem(), 0600);
    if (written.ok()) return key;
    // EEXIST: another process created it first; use its key, not ours.
    if (!FileExists(path)) return written.error();
  }
  auto pem = ReadPrivateFile(path);
  if (!pem.ok()) return pem.error();
  auto key = FromPem(*pem);
  if (!key.ok()) return MakeError(std::string(kField), path + ": " + key.error().message);
  return key;
}

std::string Es256SigningKey::Sign(std::string_view signing_input) const {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  unsigned char der[80];  // a P-256 ECDSA-Sig-Value is at most 72 bytes
  size_t len = sizeof der;
  if (!ctx || EVP_MD_CTX_copy_ex(ctx.get(), prepared_.get()) != 1 ||
      EVP_DigestSignUpdate(ctx.get(), Bytes(signing_input), signing_input.size()) != 1 ||
      EVP_DigestSignFinal(ctx.get(), der, &len) != 1) {
    throw std::runtime_error(OpenSslError("ES256 signing failed"));
  }
  auto jose = EcdsaDerToJose(std::string_view(reinterpret_cast<char*>(der), len));
  if (!jose) throw std::runtime_error("ES256 signing produced an unexpected signature");
  return *std::move(jose);
}

std::string Es256SigningKey::PrivatePem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    throw std::runtime_error(OpenSslError("cannot write private key PEM"));
  }
  return BioContents(bio.get());
}

}  // namespace onshi::auth
