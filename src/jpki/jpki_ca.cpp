#include "jpki/jpki_ca.hpp"

#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <sstream>

#include "auth/key_file.hpp"
#include "auth/openssl_util.hpp"

namespace onshi::jpki {
namespace {

using auth::Asn1IntegerPtr;
using auth::BignumPtr;
using auth::BioPtr;
using auth::NormaliseSerial;
using auth::OpenSslError;
using auth::PkeyPtr;
using auth::RandomSerial;
using auth::SerialHex;
using auth::X509CrlPtr;
using auth::X509ExtensionPtr;
using auth::X509NamePtr;
using auth::X509Ptr;
using auth::X509RevokedPtr;
using auth::X509StoreCtxPtr;

constexpr std::string_view kCaField = "jpki_ca";
constexpr std::string_view kCertField = "user_certificate";
constexpr std::time_t kDay = 24 * 60 * 60;
constexpr int kRsaBits = 2048;
// Longer is no serial this CA could have issued (RFC 5280: at most 20 octets).
constexpr std::size_t kMaxSerialDigits = 64;

Error CaError(std::string message) {
  return MakeError(std::string(kCaField), std::move(message));
}

VerifyError Reject(VerifyFailure failure, std::string message) {
  return VerifyError{failure, MakeError(std::string(kCertField), std::move(message)), std::nullopt};
}

// The subject's CN: 128 random bits as 32 uppercase hex digits. Random on
// purpose: anything computed from My Number or the name could be recomputed
// by whoever sees the certificate (R-CARD-7, R-SEC-3).
std::string RandomSubjectId() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return "";
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 0xF];
  }
  return out;
}

bool AddNameEntry(X509_NAME* name, const char* field, std::string_view value) {
  return X509_NAME_add_entry_by_txt(name, field, MBSTRING_ASC,
                                    reinterpret_cast<const unsigned char*>(value.data()),
                                    static_cast<int>(value.size()), -1, 0) == 1;
}

bool AddExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509ExtensionPtr ext(X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value));
  return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}

std::time_t Asn1TimeToTimeT(const ASN1_TIME* t) {
  struct tm tm {};
  if (ASN1_TIME_to_tm(t, &tm) != 1) return 0;
  return timegm(&tm);  // ASN1_TIME_to_tm gives UTC
}

std::vector<uint8_t> ToDer(X509* cert) {
  unsigned char* der = nullptr;
  const int len = i2d_X509(cert, &der);
  if (len <= 0) return {};
  std::vector<uint8_t> out(der, der + len);
  OPENSSL_free(der);
  return out;
}

// A DER certificate that is exactly `der`, with no trailing bytes.
X509Ptr FromDer(std::span<const uint8_t> der) {
  const unsigned char* p = der.data();
  X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!cert || p != der.data() + der.size()) {
    ERR_clear_error();
    return nullptr;
  }
  return cert;
}

bool IsRsa2048(EVP_PKEY* key) {
  return key && EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA && EVP_PKEY_get_bits(key) == kRsaBits;
}

// Appends one line to `path` and fsyncs it before returning, so an issued
// serial is on disk before its certificate leaves the CA.
Expected<std::string> AppendLine(const std::string& path, const std::string& line) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return CaError("cannot open " + path + ": " + std::strerror(errno));
  const bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
                  ::fsync(fd) == 0;
  const int saved = errno;
  ::close(fd);
  if (!ok) return CaError("cannot append to " + path + ": " + std::strerror(saved));
  return path;
}

}  // namespace

struct JpkiCa::Handles {
  X509Ptr cert;
  PkeyPtr key;
  auth::X509StorePtr store;
};

JpkiCa::JpkiCa() : h_(std::make_unique<Handles>()) {}
JpkiCa::JpkiCa(JpkiCa&&) noexcept = default;
JpkiCa& JpkiCa::operator=(JpkiCa&&) noexcept = default;
JpkiCa::~JpkiCa() = default;

std::time_t JpkiCa::EndOfDayJst(Date day) {
  constexpr std::time_t kJstOffset = 9 * 60 * 60;
  return (static_cast<std::time_t>(day.days_since_epoch()) + 1) * kDay - kJstOffset - 1;
}

void JpkiCa::BuildStore() {
  h_->store.reset(X509_STORE_new());
  if (h_->store) X509_STORE_add_cert(h_->store.get(), h_->cert.get());
}

Expected<JpkiCa> JpkiCa::Create(const std::string& dir, std::time_t now, std::time_t wall) {
  if (auto made = auth::EnsureDirectory(dir); !made.ok()) return made.error();
  if (auth::FileExists(dir + "/ca.pem") || auth::FileExists(dir + "/ca-key.pem")) {
    return CaError(dir + " already holds a CA; load it instead of replacing it");
  }
  JpkiCa ca;
  ca.dir_ = dir;
  ca.h_->key.reset(EVP_RSA_gen(kRsaBits));
  ca.h_->cert.reset(X509_new());
  X509* cert = ca.h_->cert.get();
  Asn1IntegerPtr serial = RandomSerial();
  X509NamePtr name(X509_NAME_new());
  if (!ca.h_->key || !cert || !serial || !name) return CaError(OpenSslError("out of memory"));
  // The real CA's name, so software that recognises JPKI by issuer sees a
  // familiar one (card-and-identifiers.md §4).
  if (!AddNameEntry(name.get(), "C", "JP") || !AddNameEntry(name.get(), "O", "JPKI") ||
      !AddNameEntry(name.get(), "OU", "JPKI for user authentication") ||
      !AddNameEntry(name.get(), "OU", "Japan Agency for Local Authority Information Systems") ||
      X509_set_version(cert, X509_VERSION_3) != 1 ||
      X509_set_serialNumber(cert, serial.get()) != 1 ||
      X509_set_subject_name(cert, name.get()) != 1 || X509_set_issuer_name(cert, name.get()) != 1 ||
      !ASN1_TIME_set(X509_getm_notBefore(cert), std::min(now, wall)) ||
      !ASN1_TIME_set(X509_getm_notAfter(cert), std::max(now, wall) + kCaValidityDays * kDay) ||
      X509_set_pubkey(cert, ca.h_->key.get()) != 1 ||
      !AddExtension(cert, cert, NID_basic_constraints, "critical,CA:TRUE,pathlen:0") ||
      !AddExtension(cert, cert, NID_key_usage, "critical,keyCertSign,cRLSign") ||
      !AddExtension(cert, cert, NID_subject_key_identifier, "hash") ||
      X509_sign(cert, ca.h_->key.get(), EVP_sha256()) <= 0) {
    return CaError(OpenSslError("cannot build the CA certificate"));
  }
  BioPtr key_bio(BIO_new(BIO_s_mem()));
  BioPtr cert_bio(BIO_new(BIO_s_mem()));
  if (!key_bio || !cert_bio ||
      PEM_write_bio_PrivateKey(key_bio.get(), ca.h_->key.get(), nullptr, nullptr, 0, nullptr,
                               nullptr) != 1 ||
      PEM_write_bio_X509(cert_bio.get(), cert) != 1) {
    return CaError(OpenSslError("cannot encode the CA"));
  }
  // O_EXCL on both: a concurrent Create in the same directory fails instead
  // of mixing two CAs' files.
  if (auto w = auth::WriteNewFile(dir + "/ca-key.pem", auth::BioContents(key_bio.get()), 0600);
      !w.ok())
    return w.error();
  if (auto w = auth::WriteNewFile(dir + "/ca.pem", auth::BioContents(cert_bio.get()), 0644);
      !w.ok())
    return w.error();
  if (auto w = ca.SaveRevocations(); !w.ok()) return w.error();
  if (auto w = ca.RefreshCrl(now); !w.ok()) return w.error();
  ca.BuildStore();
  return ca;
}

Expected<JpkiCa> JpkiCa::Load(const std::string& dir) {
  auto cert_pem = auth::ReadWholeFile(dir + "/ca.pem");
  if (!cert_pem.ok()) return cert_pem.error();
  auto key_pem = auth::ReadPrivateFile(dir + "/ca-key.pem");
  if (!key_pem.ok()) return key_pem.error();
  JpkiCa ca;
  ca.dir_ = dir;
  BioPtr cert_bio = auth::MemoryBio(*cert_pem);
  BioPtr key_bio = auth::MemoryBio(*key_pem);
  ca.h_->cert.reset(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
  ca.h_->key.reset(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  if (!ca.h_->cert || !ca.h_->key) {
    return CaError(OpenSslError("cannot parse ca.pem or ca-key.pem in " + dir));
  }
  if (X509_check_private_key(ca.h_->cert.get(), ca.h_->key.get()) != 1) {
    return CaError(OpenSslError("ca-key.pem does not match ca.pem in " + dir));
  }
  if (!IsRsa2048(ca.h_->key.get())) return CaError(dir + "/ca-key.pem is not an RSA-2048 key");
  if (auth::FileExists(dir + "/issued.txt")) {
    auto list = auth::ReadWholeFile(dir + "/issued.txt");
    if (!list.ok()) return list.error();
    std::istringstream in(*list);
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
      std::istringstream fields(line);
      std::string serial;
      if (line.empty() || line[0] == '#') continue;
      if (!(fields >> serial) || NormaliseSerial(serial, kMaxSerialDigits).empty()) {
        return CaError(dir + "/issued.txt line " + std::to_string(n) + " is malformed");
      }
      ca.issued_.insert(NormaliseSerial(serial, kMaxSerialDigits));
    }
  }
  if (auth::FileExists(dir + "/revoked.txt")) {
    auto list = auth::ReadWholeFile(dir + "/revoked.txt");
    if (!list.ok()) return list.error();
    std::istringstream in(*list);
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
      if (line.empty() || line[0] == '#') continue;
      std::istringstream fields(line);
      std::string serial, reason_name;
      long long at = 0;
      const bool parsed = static_cast<bool>(fields >> serial >> at >> reason_name);
      const auto reason = ReasonFromName(reason_name);
      if (!parsed || NormaliseSerial(serial, kMaxSerialDigits).empty() || !reason) {
        return CaError(dir + "/revoked.txt line " + std::to_string(n) + " is malformed");
      }
      ca.revoked_.emplace(NormaliseSerial(serial, kMaxSerialDigits),
                          Revocation{static_cast<std::time_t>(at), *reason});
    }
  }
  ca.BuildStore();
  return ca;
}

Expected<std::vector<JpkiCa::IssuedRecord>> JpkiCa::IssuedCertificates() const {
  std::vector<IssuedRecord> out;
  const std::string path = dir_ + "/issued.txt";
  if (!auth::FileExists(path)) return out;
  auto list = auth::ReadWholeFile(path);
  if (!list.ok()) return list.error();
  std::istringstream in(*list);
  std::string line;
  std::set<std::string> seen;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string serial;
    long long not_before = 0, not_after = 0;
    if (!(fields >> serial >> not_before >> not_after) ||
        NormaliseSerial(serial, kMaxSerialDigits).empty()) {
      return CaError(path + " line " + std::to_string(n) + " is malformed");
    }
    IssuedRecord r;
    r.serial_hex = NormaliseSerial(serial, kMaxSerialDigits);
    if (!seen.insert(r.serial_hex).second) continue;
    r.not_before = static_cast<std::time_t>(not_before);
    r.not_after = static_cast<std::time_t>(not_after);
    if (const auto it = revoked_.find(r.serial_hex); it != revoked_.end()) {
      r.revoked_at = it->second.at;
      r.reason = it->second.reason;
    }
    out.push_back(std::move(r));
  }
  return out;
}

Expected<JpkiCa> JpkiCa::LoadOrCreate(const std::string& dir, std::time_t now, std::time_t wall) {
  if (auth::FileExists(dir + "/ca.pem")) return Load(dir);
  return Create(dir, now, wall);
}

std::vector<uint8_t> JpkiCa::CertificateDer() const {
  return ToDer(h_->cert.get());
}

Expected<IssuedUserCertificate> JpkiCa::IssueUserAuthentication(
    std::span<const uint8_t> subject_public_key_info, std::time_t now, Date last_valid_day) {
  const unsigned char* p = subject_public_key_info.data();
  PkeyPtr key(d2i_PUBKEY(nullptr, &p, static_cast<long>(subject_public_key_info.size())));
  if (!key || p != subject_public_key_info.data() + subject_public_key_info.size()) {
    ERR_clear_error();
    return CaError("the public key is not a DER SubjectPublicKeyInfo");
  }
  if (!IsRsa2048(key.get())) return CaError("the public key must be RSA-2048");
  const std::time_t not_after = EndOfDayJst(last_valid_day);
  if (not_after <= now) {
    return CaError("the last valid day " + last_valid_day.ToIso() + " has already ended");
  }
  const std::string subject_id = RandomSubjectId();
  X509Ptr cert(X509_new());
  Asn1IntegerPtr serial = RandomSerial();
  X509NamePtr subject(X509_NAME_new());
  if (subject_id.empty() || !cert || !serial || !subject) {
    return CaError(OpenSslError("out of memory"));
  }
  X509* c = cert.get();
  X509* ca = h_->cert.get();
  const bool ok =
      AddNameEntry(subject.get(), "C", "JP") && AddNameEntry(subject.get(), "CN", subject_id) &&
      X509_set_version(c, X509_VERSION_3) == 1 && X509_set_serialNumber(c, serial.get()) == 1 &&
      X509_set_subject_name(c, subject.get()) == 1 &&
      X509_set_issuer_name(c, X509_get_subject_name(ca)) == 1 &&
      ASN1_TIME_set(X509_getm_notBefore(c), now) &&
      ASN1_TIME_set(X509_getm_notAfter(c), not_after) && X509_set_pubkey(c, key.get()) == 1 &&
      AddExtension(c, ca, NID_key_usage, "critical,digitalSignature") &&
      AddExtension(c, ca, NID_subject_key_identifier, "hash") &&
      AddExtension(c, ca, NID_authority_key_identifier, "keyid:always") &&
      X509_sign(c, h_->key.get(), EVP_sha256()) > 0;
  if (!ok) return CaError(OpenSslError("cannot build the certificate"));

  IssuedUserCertificate out;
  out.der = ToDer(c);
  out.serial_hex = SerialHex(serial.get());
  out.subject_id = subject_id;
  out.not_before = now;
  out.not_after = not_after;
  if (out.der.empty() || out.serial_hex.empty()) {
    return CaError(OpenSslError("cannot encode the certificate"));
  }
  const std::string line = out.serial_hex + " " + std::to_string(static_cast<long long>(now)) +
                           " " + std::to_string(static_cast<long long>(not_after)) + "\n";
  if (auto w = AppendLine(dir_ + "/issued.txt", line); !w.ok()) return w.error();
  issued_.insert(out.serial_hex);
  return out;
}

Expected<CertificateStatus> JpkiCa::Revoke(std::string_view serial_hex, RevocationReason reason,
                                           std::time_t now) {
  const std::string serial = NormaliseSerial(serial_hex, kMaxSerialDigits);
  if (serial.empty()) {
    return CaError("\"" + std::string(serial_hex) + "\" is not a certificate serial (hex)");
  }
  if (issued_.count(serial) == 0) return CaError("serial " + serial + " was not issued by this CA");
  const auto [it, inserted] = revoked_.emplace(serial, Revocation{now, reason});
  if (inserted) {
    if (auto w = SaveRevocations(); !w.ok()) {
      revoked_.erase(it);
      return w.error();
    }
  }
  if (auto w = RefreshCrl(now); !w.ok()) return w.error();
  return CertificateStatus{CertificateState::kRevoked, it->second.reason, it->second.at};
}

CertificateStatus JpkiCa::Status(std::string_view serial_hex, std::time_t at) const {
  const std::string serial = NormaliseSerial(serial_hex, kMaxSerialDigits);
  if (serial.empty() || issued_.count(serial) == 0) return CertificateStatus{};
  const auto it = revoked_.find(serial);
  if (it != revoked_.end() && it->second.at <= at) {
    return CertificateStatus{CertificateState::kRevoked, it->second.reason, it->second.at};
  }
  return CertificateStatus{CertificateState::kGood, RevocationReason::kSuspended, 0};
}

Expected<VerifiedUserCertificate, VerifyError> JpkiCa::Verify(std::span<const uint8_t> der,
                                                              std::time_t at) const {
  X509Ptr cert = FromDer(der);
  if (!cert) return Reject(VerifyFailure::kMalformed, "not a DER X.509 certificate");
  X509* c = cert.get();

  // The subject must be exactly C=JP and one CN: anything more would be
  // personal data this certificate must not carry.
  X509_NAME* subject = X509_get_subject_name(c);
  const int cn_index = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  const int c_index = X509_NAME_get_index_by_NID(subject, NID_countryName, -1);
  std::string subject_id;
  if (cn_index >= 0) {
    const ASN1_STRING* cn = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, cn_index));
    subject_id.assign(reinterpret_cast<const char*>(ASN1_STRING_get0_data(cn)),
                      static_cast<size_t>(ASN1_STRING_length(cn)));
  }
  if (X509_NAME_entry_count(subject) != 2 || cn_index < 0 || c_index < 0 || subject_id.empty()) {
    return Reject(VerifyFailure::kMalformed, "the subject must be exactly C=JP and one CN");
  }

  if (!IsRsa2048(X509_get0_pubkey(c)) || X509_get_signature_nid(c) != NID_sha256WithRSAEncryption) {
    return Reject(VerifyFailure::kWrongKey, "not an RSA-2048 key signed with sha256WithRSA");
  }
  if ((X509_get_extension_flags(c) & EXFLAG_KUSAGE) == 0 ||
      (X509_get_key_usage(c) & KU_DIGITAL_SIGNATURE) == 0) {
    return Reject(VerifyFailure::kWrongKey, "keyUsage does not allow digitalSignature");
  }
  // Otherwise the CA's own certificate, presented as a card's, would
  // "chain" to itself.
  if (X509_check_ca(c) != 0) return Reject(VerifyFailure::kUntrusted, "a CA certificate");

  // The chain is checked without time; the times are checked below so that
  // expiry can be told apart from every other failure.
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!ctx || !h_->store || X509_STORE_CTX_init(ctx.get(), h_->store.get(), c, nullptr) != 1) {
    return Reject(VerifyFailure::kUntrusted, OpenSslError("cannot set up verification"));
  }
  X509_STORE_CTX_set_flags(ctx.get(), X509_V_FLAG_X509_STRICT | X509_V_FLAG_NO_CHECK_TIME);
  if (X509_verify_cert(ctx.get()) != 1) {
    const int err = X509_STORE_CTX_get_error(ctx.get());
    ERR_clear_error();
    return Reject(VerifyFailure::kUntrusted, std::string("does not chain to the JPKI CA: ") +
                                                 X509_verify_cert_error_string(err));
  }
  const std::time_t ca_not_after = Asn1TimeToTimeT(X509_get0_notAfter(h_->cert.get()));
  if (at > ca_not_after) return Reject(VerifyFailure::kUntrusted, "the JPKI CA itself has expired");

  VerifiedUserCertificate out;
  out.serial_hex = SerialHex(X509_get0_serialNumber(c));
  out.subject_id = std::move(subject_id);
  out.not_before = Asn1TimeToTimeT(X509_get0_notBefore(c));
  out.not_after = Asn1TimeToTimeT(X509_get0_notAfter(c));
  if (out.serial_hex.empty()) return Reject(VerifyFailure::kMalformed, "unreadable serial");

  // Revocation from the list, not crl.pem: the list is the record. A serial
  // missing from issued.txt but signed by this CA's key was issued by
  // another process after this one loaded; the signature is proof enough.
  const auto revoked = revoked_.find(out.serial_hex);
  if (revoked != revoked_.end() && revoked->second.at <= at) {
    VerifyError e = Reject(VerifyFailure::kRevoked,
                           "revoked (" + std::string(ReasonName(revoked->second.reason)) + ")");
    e.expired = out;  // genuine: callers may still name the card it belongs to
    return e;
  }
  if (at < out.not_before) return Reject(VerifyFailure::kNotYetValid, "not yet valid");
  if (at > out.not_after) {
    VerifyError e = Reject(VerifyFailure::kExpired, "expired");
    e.expired = out;
    return e;
  }
  return out;
}

Expected<std::string> JpkiCa::SaveRevocations() const {
  std::string text = "# serial (hex), revocation time (unix seconds), reason; see jpki_ca.hpp\n";
  for (const auto& [serial, r] : revoked_) {
    text += serial + " " + std::to_string(static_cast<long long>(r.at)) + " " +
            std::string(ReasonName(r.reason)) + "\n";
  }
  return auth::ReplaceFile(dir_ + "/revoked.txt", text, 0644);
}

Expected<std::string> JpkiCa::RefreshCrl(std::time_t now) const {
  X509CrlPtr crl(X509_CRL_new());
  if (!crl) return CaError(OpenSslError("out of memory"));
  X509_CRL* c = crl.get();
  auth::OpenSslPtr<ASN1_TIME, ASN1_TIME_free> last(ASN1_TIME_set(nullptr, now));
  auth::OpenSslPtr<ASN1_TIME, ASN1_TIME_free> next(
      ASN1_TIME_set(nullptr, now + kCrlValidityDays * kDay));
  bool ok = last && next && X509_CRL_set_version(c, X509_CRL_VERSION_2) == 1 &&
            X509_CRL_set_issuer_name(c, X509_get_subject_name(h_->cert.get())) == 1 &&
            X509_CRL_set1_lastUpdate(c, last.get()) == 1 &&
            X509_CRL_set1_nextUpdate(c, next.get()) == 1;
  for (const auto& [serial, r] : revoked_) {
    if (!ok) break;
    BIGNUM* raw = nullptr;
    BN_hex2bn(&raw, serial.c_str());
    BignumPtr bn(raw);
    Asn1IntegerPtr number(bn ? BN_to_ASN1_INTEGER(bn.get(), nullptr) : nullptr);
    X509RevokedPtr entry(X509_REVOKED_new());
    auth::OpenSslPtr<ASN1_TIME, ASN1_TIME_free> when(ASN1_TIME_set(nullptr, r.at));
    auth::OpenSslPtr<ASN1_ENUMERATED, ASN1_ENUMERATED_free> code(ASN1_ENUMERATED_new());
    ok = number && entry && when && code &&
         ASN1_ENUMERATED_set(code.get(), CrlReasonCode(r.reason)) == 1 &&
         X509_REVOKED_set_serialNumber(entry.get(), number.get()) == 1 &&
         X509_REVOKED_set_revocationDate(entry.get(), when.get()) == 1 &&
         X509_REVOKED_add1_ext_i2d(entry.get(), NID_crl_reason, code.get(), 0, 0) == 1 &&
         X509_CRL_add0_revoked(c, entry.get()) == 1;
    if (ok) (void)entry.release();  // now owned by the CRL
  }
  // cRLNumber must grow with each CRL: the issue time, with the entry count
  // in the low 16 bits for two revocations in the same second.
  Asn1IntegerPtr crl_number(ASN1_INTEGER_new());
  const std::int64_t number =
      (static_cast<std::int64_t>(now) << 16) | static_cast<std::int64_t>(revoked_.size() & 0xFFFF);
  ok = ok && crl_number && ASN1_INTEGER_set_int64(crl_number.get(), number) == 1 &&
       X509_CRL_add1_ext_i2d(c, NID_crl_number, crl_number.get(), 0, 0) == 1;
  if (ok) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, h_->cert.get(), nullptr, nullptr, c, 0);
    X509ExtensionPtr aki(
        X509V3_EXT_nconf_nid(nullptr, &ctx, NID_authority_key_identifier, "keyid:always"));
    ok = aki && X509_CRL_add_ext(c, aki.get(), -1) == 1;
  }
  ok = ok && X509_CRL_sort(c) == 1 && X509_CRL_sign(c, h_->key.get(), EVP_sha256()) > 0;
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!ok || !bio || PEM_write_bio_X509_CRL(bio.get(), c) != 1) {
    return CaError(OpenSslError("cannot build crl.pem"));
  }
  return auth::ReplaceFile(crl_path(), auth::BioContents(bio.get()), 0644);
}

}  // namespace onshi::jpki
