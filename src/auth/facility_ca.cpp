#include "auth/facility_ca.hpp"

#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>

#include "auth/key_file.hpp"
#include "auth/login_body.hpp"
#include "auth/openssl_util.hpp"

namespace onshi::auth {
namespace {

constexpr std::string_view kCaField = "facility_ca";
constexpr std::string_view kClientField = "client_certificate";
constexpr std::time_t kDay = 24 * 60 * 60;

Error CaError(std::string message) {
  return MakeError(std::string(kCaField), std::move(message));
}
Error ClientError(std::string message) {
  return MakeError(std::string(kClientField), std::move(message));
}

PkeyPtr GenerateKey() {
  return PkeyPtr(EVP_EC_gen("P-256"));
}

std::string PrivateKeyPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
    return "";
  return BioContents(bio.get());
}

std::string CertPem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) return "";
  return BioContents(bio.get());
}

bool AddNameEntry(X509_NAME* name, const char* field, int type, std::string_view value) {
  return X509_NAME_add_entry_by_txt(name, field, type,
                                    reinterpret_cast<const unsigned char*>(value.data()),
                                    static_cast<int>(value.size()), -1, 0) == 1;
}

// The single entry `nid` of `name` as UTF-8; nullopt if absent or repeated
// (two CNs would make "the" code ambiguous).
std::optional<std::string> SingleEntry(X509_NAME* name, int nid) {
  const int i = X509_NAME_get_index_by_NID(name, nid, -1);
  if (i < 0 || X509_NAME_get_index_by_NID(name, nid, i) >= 0) return std::nullopt;
  ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
  unsigned char* utf8 = nullptr;
  const int len = ASN1_STRING_to_UTF8(&utf8, data);
  if (len < 0) return std::nullopt;
  std::string out(reinterpret_cast<char*>(utf8), static_cast<size_t>(len));
  OPENSSL_free(utf8);
  return out;
}

bool AddExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509ExtensionPtr ext(X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value.c_str()));
  return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}

using RevocationMap = std::map<std::string, std::time_t>;

// revoked.txt as a map; `where` names the file in errors.
Expected<RevocationMap> ParseRevocations(const std::string& text, const std::string& where) {
  RevocationMap out;
  std::istringstream in(text);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string serial;
    long long at = 0;
    if (!(fields >> serial >> at) || NormaliseSerial(serial).empty()) {
      return CaError(where + " line " + std::to_string(n) + " is malformed");
    }
    out.emplace(NormaliseSerial(serial), static_cast<std::time_t>(at));
  }
  return out;
}

// What identifies one version of revoked.txt: it is only ever replaced by
// rename(2), so a new version is a new inode, and its times change too.
struct FileStamp {
  dev_t dev = 0;
  ino_t ino = 0;
  off_t size = -1;
  long long mtime_ns = 0, ctime_ns = 0;
  bool operator==(const FileStamp&) const = default;
};

std::optional<FileStamp> StampOf(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return FileStamp{st.st_dev, st.st_ino, st.st_size,
                   st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec,
                   st.st_ctim.tv_sec * 1000000000LL + st.st_ctim.tv_nsec};
}

// An exclusive flock on "<dir>/revoked.lock" for as long as it lives:
// revocations from several processes (the CLI, servers sharing the CA
// directory) are read-modify-write of one file and must not lose each other.
class ListLock {
 public:
  explicit ListLock(const std::string& dir) {
    const std::string path = dir + "/revoked.lock";
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0) {
      error_ = "cannot open " + path + ": " + std::strerror(errno);
      return;
    }
    while (::flock(fd_, LOCK_EX) != 0) {
      if (errno != EINTR) {
        error_ = "cannot lock " + path + ": " + std::strerror(errno);
        return;
      }
    }
  }
  ~ListLock() {
    if (fd_ >= 0) ::close(fd_);  // releases the lock
  }
  ListLock(const ListLock&) = delete;
  ListLock& operator=(const ListLock&) = delete;
  const std::string& error() const { return error_; }

 private:
  int fd_ = -1;
  std::string error_;
};

std::time_t Asn1TimeToTimeT(const ASN1_TIME* t) {
  struct tm tm {};
  if (ASN1_TIME_to_tm(t, &tm) != 1) return 0;
  return timegm(&tm);  // ASN1_TIME_to_tm gives UTC
}

}  // namespace

struct FacilityCa::Handles {
  X509Ptr cert;
  PkeyPtr key;
  X509StorePtr store;
};

// The revocation list as this process knows it: replaced whole when
// revoked.txt changes on disk (another process revoked), never edited in
// place, so a reader keeps a consistent snapshot after the mutex is let go.
struct FacilityCa::Revocations {
  std::mutex mu;
  std::optional<FileStamp> stamp;  // of the revoked.txt `list` was read from
  std::shared_ptr<const RevocationMap> list = std::make_shared<RevocationMap>();
};

FacilityCa::FacilityCa()
    : h_(std::make_unique<Handles>()), revocations_(std::make_unique<Revocations>()) {}
FacilityCa::FacilityCa(FacilityCa&&) noexcept = default;
FacilityCa& FacilityCa::operator=(FacilityCa&&) noexcept = default;
FacilityCa::~FacilityCa() = default;

void FacilityCa::BuildStore() {
  // Built once: a login verifies a certificate before every search, and an
  // X509_STORE is safe to share between concurrent verifications.
  h_->store.reset(X509_STORE_new());
  if (h_->store) X509_STORE_add_cert(h_->store.get(), h_->cert.get());
}

Expected<FacilityCa> FacilityCa::Create(const std::string& dir, std::time_t now, std::time_t wall) {
  if (auto made = EnsureDirectory(dir); !made.ok()) return made.error();
  if (FileExists(dir + "/ca.pem") || FileExists(dir + "/ca-key.pem")) {
    return CaError(dir + " already holds a CA; load it instead of replacing it");
  }
  FacilityCa ca;
  ca.dir_ = dir;
  ca.h_->key = GenerateKey();
  ca.h_->cert.reset(X509_new());
  X509* cert = ca.h_->cert.get();
  Asn1IntegerPtr serial = RandomSerial();
  X509NamePtr name(X509_NAME_new());
  if (!ca.h_->key || !cert || !serial || !name) return CaError(OpenSslError("out of memory"));
  if (!AddNameEntry(name.get(), "C", MBSTRING_ASC, "JP") ||
      !AddNameEntry(name.get(), "O", MBSTRING_ASC, "onshi") ||
      !AddNameEntry(name.get(), "CN", MBSTRING_ASC, "onshi Facility CA") ||
      X509_set_version(cert, X509_VERSION_3) != 1 ||
      X509_set_serialNumber(cert, serial.get()) != 1 ||
      X509_set_subject_name(cert, name.get()) != 1 || X509_set_issuer_name(cert, name.get()) != 1 ||
      !ASN1_TIME_set(X509_getm_notBefore(cert), std::min(now, wall)) ||
      !ASN1_TIME_set(X509_getm_notAfter(cert), std::max(now, wall) + kCaValidityDays * kDay) ||
      X509_set_pubkey(cert, ca.h_->key.get()) != 1 ||
      // pathlen:0 — this CA signs end-entity certificates only, so no
      // certificate it ever issues can act as a CA even if misissued.
      !AddExtension(cert, cert, NID_basic_constraints, "critical,CA:TRUE,pathlen:0") ||
      !AddExtension(cert, cert, NID_key_usage, "critical,keyCertSign,cRLSign") ||
      !AddExtension(cert, cert, NID_subject_key_identifier, "hash") ||
      X509_sign(cert, ca.h_->key.get(), EVP_sha256()) <= 0) {
    return CaError(OpenSslError("cannot build the CA certificate"));
  }
  const std::string key_pem = PrivateKeyPem(ca.h_->key.get());
  const std::string cert_pem = CertPem(cert);
  if (key_pem.empty() || cert_pem.empty()) return CaError(OpenSslError("cannot encode the CA"));
  // O_EXCL on both: a concurrent Create in the same directory fails instead
  // of mixing two CAs' files. If the second write fails, Create refuses the
  // directory from then on; nothing has been issued, so it can be removed.
  if (auto w = WriteNewFile(dir + "/ca-key.pem", key_pem, 0600); !w.ok()) return w.error();
  if (auto w = WriteNewFile(dir + "/ca.pem", cert_pem, 0644); !w.ok()) return w.error();
  if (auto w = ca.SaveRevocations({}); !w.ok()) return w.error();
  if (auto w = ca.WriteCrl({}, now); !w.ok()) return w.error();
  if (auto w = ReplaceFile(ca.index_path(), FormatCaIndexHeader(CaIndexState::kComplete), 0644);
      !w.ok()) {
    return w.error();
  }
  ca.revocations_->stamp = StampOf(ca.revoked_path());
  ca.BuildStore();
  return ca;
}

Expected<FacilityCa> FacilityCa::Load(const std::string& dir) {
  auto cert_pem = ReadWholeFile(dir + "/ca.pem");
  if (!cert_pem.ok()) return cert_pem.error();
  auto key_pem = ReadPrivateFile(dir + "/ca-key.pem");
  if (!key_pem.ok()) return key_pem.error();
  FacilityCa ca;
  ca.dir_ = dir;
  BioPtr cert_bio = MemoryBio(*cert_pem);
  BioPtr key_bio = MemoryBio(*key_pem);
  ca.h_->cert.reset(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
  ca.h_->key.reset(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  if (!ca.h_->cert || !ca.h_->key) {
    return CaError(OpenSslError("cannot parse ca.pem or ca-key.pem in " + dir));
  }
  if (X509_check_private_key(ca.h_->cert.get(), ca.h_->key.get()) != 1) {
    return CaError(OpenSslError("ca-key.pem does not match ca.pem in " + dir));
  }
  if (X509_check_ca(ca.h_->cert.get()) == 0)
    return CaError(dir + "/ca.pem is not a CA certificate");
  if (FileExists(ca.revoked_path())) {
    const auto stamp = StampOf(ca.revoked_path());
    auto text = ReadWholeFile(ca.revoked_path());
    if (!text.ok()) return text.error();
    auto list = ParseRevocations(*text, ca.revoked_path());
    if (!list.ok()) return list.error();
    ca.revocations_->list = std::make_shared<const RevocationMap>(std::move(list).value());
    ca.revocations_->stamp = stamp;
  }
  ca.BuildStore();
  return ca;
}

Expected<FacilityCa> FacilityCa::LoadOrCreate(const std::string& dir, std::time_t now,
                                              std::time_t wall) {
  if (FileExists(dir + "/ca.pem")) return Load(dir);
  return Create(dir, now, wall);
}

std::string FacilityCa::CertificatePem() const {
  return CertPem(h_->cert.get());
}

Expected<IssuedCertificate> FacilityCa::Issue(
    std::string_view role, X509_NAME* subject,
    const std::vector<std::pair<int, std::string>>& extensions, const std::string& out_dir,
    const std::string& cert_name, const std::string& key_name, std::time_t now, int validity_days,
    const MedicalInstitutionCode* body_code) const {
  if (validity_days <= 0) return CaError("validity must be at least one day");
  PkeyPtr key = GenerateKey();
  X509Ptr cert(X509_new());
  Asn1IntegerPtr serial = RandomSerial();
  if (!key || !cert || !serial) return CaError(OpenSslError("out of memory"));
  X509* c = cert.get();
  X509* ca = h_->cert.get();
  const std::time_t not_after = now + validity_days * kDay;
  bool ok = X509_set_version(c, X509_VERSION_3) == 1 &&
            X509_set_serialNumber(c, serial.get()) == 1 && X509_set_subject_name(c, subject) == 1 &&
            X509_set_issuer_name(c, X509_get_subject_name(ca)) == 1 &&
            ASN1_TIME_set(X509_getm_notBefore(c), now) &&
            ASN1_TIME_set(X509_getm_notAfter(c), not_after) && X509_set_pubkey(c, key.get()) == 1;
  for (const auto& [nid, value] : extensions)
    ok = ok && AddExtension(c, ca, nid, value);
  ok = ok && X509_sign(c, h_->key.get(), EVP_sha256()) > 0;
  if (!ok) return CaError(OpenSslError("cannot build the certificate"));

  IssuedCertificate out;
  out.serial_hex = SerialHex(serial.get());
  out.not_before = now;
  out.not_after = not_after;
  out.cert_path = out_dir + "/" + cert_name;
  out.key_path = out_dir + "/" + key_name;
  out.ca_path = out_dir + "/ca.pem";
  const std::string key_pem = PrivateKeyPem(key.get());
  const std::string cert_pem = CertPem(c);
  if (key_pem.empty() || cert_pem.empty()) {
    return CaError(OpenSslError("cannot encode the certificate"));
  }
  if (auto made = EnsureDirectory(out_dir); !made.ok()) return made.error();
  // Recorded in the index before any file is written: every certificate
  // that may exist outside the CA is listed, even if writing its files
  // fails below (then the listing shows a file that is not there).
  {
    ListLock lock(dir_);
    if (!lock.error().empty()) return CaError(lock.error());
    CaIndexEntry entry;
    entry.serial_hex = out.serial_hex;
    entry.role = std::string(role);
    entry.not_before = out.not_before;
    entry.not_after = out.not_after;
    entry.subject = SingleEntry(subject, NID_commonName).value_or("");
    entry.name = SingleEntry(subject, NID_organizationName).value_or("");
    std::error_code ec;
    const auto absolute = std::filesystem::absolute(out.cert_path, ec);
    entry.file = ec ? out.cert_path : absolute.lexically_normal().string();
    // A missing index here means a CA made before indexes existed (Create
    // writes one): what it issued before is not in it.
    if (auto w = AppendCaIndexLine(dir_, FormatIssuedLine(entry), CaIndexState::kPartial);
        !w.ok()) {
      return w.error();
    }
  }
  // The key before the certificate: a crash in between leaves a new key with
  // the old certificate, which fails loudly at the TLS handshake rather than
  // half-working.
  if (auto w = ReplaceFile(out.key_path, key_pem, 0600); !w.ok()) return w.error();
  if (auto w = ReplaceFile(out.cert_path, cert_pem, 0644); !w.ok()) return w.error();
  if (auto w = ReplaceFile(out.ca_path, CertificatePem(), 0644); !w.ok()) return w.error();
  if (body_code) {
    out.body_path = out_dir + "/body.json";
    const std::string body = FormatLoginBody(LoginBody{*body_code, out.serial_hex});
    if (auto w = ReplaceFile(out.body_path, body, 0644); !w.ok()) return w.error();
  }
  return out;
}

Expected<IssuedCertificate> FacilityCa::IssueFacility(const MedicalInstitutionCode& code,
                                                      std::string_view name,
                                                      const std::string& out_dir, std::time_t now,
                                                      int validity_days) const {
  if (name.empty()) return CaError("the facility name (O) must not be empty");
  X509NamePtr subject(X509_NAME_new());
  if (!subject || !AddNameEntry(subject.get(), "C", MBSTRING_ASC, "JP")) {
    return CaError(OpenSslError("out of memory"));
  }
  // MBSTRING_UTF8 validates the UTF-8 and, under OpenSSL's default
  // "utf8only" mask, stores a UTF8String, so kanji survive intact. The
  // upper bound of 64 characters is X.520's for organizationName.
  if (!AddNameEntry(subject.get(), "O", MBSTRING_UTF8, name)) {
    return CaError(OpenSslError("the facility name must be valid UTF-8 of at most 64 characters"));
  }
  if (!AddNameEntry(subject.get(), "CN", MBSTRING_ASC, code.digits())) {
    return CaError(OpenSslError("cannot set CN"));
  }
  return Issue("facility", subject.get(),
               {{NID_basic_constraints, "critical,CA:FALSE"},
                {NID_key_usage, "critical,digitalSignature"},
                {NID_ext_key_usage, "clientAuth"},
                {NID_subject_key_identifier, "hash"},
                {NID_authority_key_identifier, "keyid:always"}},
               out_dir, "cert.pem", "key.pem", now, validity_days, &code);
}

Expected<IssuedCertificate> FacilityCa::IssueRole(std::string_view role, std::string_view cn,
                                                  std::string_view name, const std::string& out_dir,
                                                  std::time_t now, int validity_days) const {
  if (name.empty()) return CaError("the name (O) must not be empty");
  X509NamePtr subject(X509_NAME_new());
  if (!subject || !AddNameEntry(subject.get(), "C", MBSTRING_ASC, "JP")) {
    return CaError(OpenSslError("out of memory"));
  }
  if (!AddNameEntry(subject.get(), "O", MBSTRING_UTF8, name)) {
    return CaError(OpenSslError("the name must be valid UTF-8 of at most 64 characters"));
  }
  if (!AddNameEntry(subject.get(), "OU", MBSTRING_ASC, role) ||
      !AddNameEntry(subject.get(), "CN", MBSTRING_ASC, cn)) {
    return CaError(OpenSslError("cannot set OU/CN"));
  }
  return Issue(role, subject.get(),
               {{NID_basic_constraints, "critical,CA:FALSE"},
                {NID_key_usage, "critical,digitalSignature"},
                {NID_ext_key_usage, "clientAuth"},
                {NID_subject_key_identifier, "hash"},
                {NID_authority_key_identifier, "keyid:always"}},
               out_dir, "cert.pem", "key.pem", now, validity_days, nullptr);
}

Expected<IssuedCertificate> FacilityCa::IssueInsurer(const InsurerNumber& number,
                                                     std::string_view name,
                                                     const std::string& out_dir, std::time_t now,
                                                     int validity_days) const {
  return IssueRole("insurer", number.digits(), name, out_dir, now, validity_days);
}

Expected<IssuedCertificate> FacilityCa::IssueMunicipal(std::string_view code, std::string_view name,
                                                       const std::string& out_dir, std::time_t now,
                                                       int validity_days) const {
  if (code.size() != 6 || code.find_first_not_of("0123456789") != std::string_view::npos) {
    return CaError("the 地方公共団体コード must be 6 digits");
  }
  return IssueRole("municipal", code, name, out_dir, now, validity_days);
}

Expected<IssuedCertificate> FacilityCa::IssueAdmin(std::string_view name,
                                                   std::string_view organisation,
                                                   const std::string& out_dir, std::time_t now,
                                                   int validity_days) const {
  if (name.empty() || name.size() > 64) return CaError("the operator's name must be 1-64 bytes");
  return IssueRole("admin", name, organisation, out_dir, now, validity_days);
}

Expected<IssuedCertificate> FacilityCa::IssueServer(const std::string& out_dir, std::time_t now,
                                                    const std::vector<std::string>& extra_dns_names,
                                                    int validity_days) const {
  std::string san = "DNS:localhost,IP:127.0.0.1";
  for (const std::string& dns : extra_dns_names) {
    if (dns.empty() || dns.find_first_of(",:= ") != std::string::npos) {
      return CaError("bad DNS name for the server certificate: \"" + dns + "\"");
    }
    san += ",DNS:" + dns;
  }
  X509NamePtr subject(X509_NAME_new());
  if (!subject || !AddNameEntry(subject.get(), "C", MBSTRING_ASC, "JP") ||
      !AddNameEntry(subject.get(), "O", MBSTRING_ASC, "onshi") ||
      !AddNameEntry(subject.get(), "CN", MBSTRING_ASC, "localhost")) {
    return CaError(OpenSslError("out of memory"));
  }
  return Issue("server", subject.get(),
               {{NID_basic_constraints, "critical,CA:FALSE"},
                {NID_key_usage, "critical,digitalSignature"},
                {NID_ext_key_usage, "serverAuth"},
                {NID_subject_alt_name, san},
                {NID_subject_key_identifier, "hash"},
                {NID_authority_key_identifier, "keyid:always"}},
               out_dir, "server-cert.pem", "server-key.pem", now, validity_days, nullptr);
}

Expected<std::string> FacilityCa::VerifyChain(X509* leaf, STACK_OF(X509) * untrusted,
                                              std::time_t at) const {
  if (!leaf) return ClientError("no certificate presented");
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!ctx || !h_->store || X509_STORE_CTX_init(ctx.get(), h_->store.get(), leaf, untrusted) != 1) {
    return ClientError(OpenSslError("cannot set up verification"));
  }
  // SSL_CLIENT purpose: the leaf must allow clientAuth, so the server's own
  // certificate (serverAuth only) cannot be used to log in.
  X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_CLIENT);
  X509_STORE_CTX_set_flags(ctx.get(), X509_V_FLAG_X509_STRICT);
  X509_STORE_CTX_set_time(ctx.get(), 0, at);
  if (X509_verify_cert(ctx.get()) != 1) {
    const int err = X509_STORE_CTX_get_error(ctx.get());
    ERR_clear_error();
    return ClientError(std::string("certificate rejected: ") + X509_verify_cert_error_string(err));
  }
  // Revocation is checked against the list, not crl.pem: the list is the
  // record (the CRL is derived from it) and, unlike a CRL, has no validity
  // window of its own that would make the answer depend on `at`.
  std::string serial = SerialHex(X509_get0_serialNumber(leaf));
  if (serial.empty()) return ClientError("cannot read the serial number");
  if (IsRevoked(serial))
    return ClientError("certificate rejected: certificate revoked (serial " + serial + ")");
  return serial;
}

Expected<FacilityIdentity> FacilityCa::VerifyClient(X509* leaf, STACK_OF(X509) * untrusted,
                                                    std::time_t at) const {
  auto serial = VerifyChain(leaf, untrusted, at);
  if (!serial.ok()) return serial.error();
  X509_NAME* subject = X509_get_subject_name(leaf);
  const auto cn = SingleEntry(subject, NID_commonName);
  const auto o = SingleEntry(subject, NID_organizationName);
  const auto c = SingleEntry(subject, NID_countryName);
  if (!cn || !o || c != "JP") return ClientError("subject must have one CN, one O and C=JP");
  if (X509_NAME_get_index_by_NID(subject, NID_organizationalUnitName, -1) >= 0) {
    return ClientError("not a facility certificate (the subject has an OU)");
  }
  auto code = MedicalInstitutionCode::Parse(*cn);
  if (!code.ok()) return ClientError("CN is not a 医療機関コード: " + code.error().message);
  return FacilityIdentity{std::move(code).value(), *o, std::move(serial).value(),
                          Asn1TimeToTimeT(X509_get0_notAfter(leaf))};
}

namespace {

// What a role certificate's subject says, once the chain and the OU are
// checked (the insurer and municipal APIs differ only in reading the CN).
struct RoleSubject {
  std::optional<std::string> cn, o, c;
  std::string serial;
};

Expected<RoleSubject> ReadRoleSubject(X509* leaf, Expected<std::string> serial,
                                      std::string_view role, std::string_view refusal) {
  if (!serial.ok()) return serial.error();
  X509_NAME* subject = X509_get_subject_name(leaf);
  if (SingleEntry(subject, NID_organizationalUnitName) != role) {
    return ClientError(std::string(refusal) + " (OU must be \"" + std::string(role) + "\")");
  }
  return RoleSubject{SingleEntry(subject, NID_commonName),
                     SingleEntry(subject, NID_organizationName),
                     SingleEntry(subject, NID_countryName), std::move(serial).value()};
}

}  // namespace

Expected<InsurerIdentity> FacilityCa::VerifyInsurer(X509* leaf, STACK_OF(X509) * untrusted,
                                                    std::time_t at) const {
  auto s = ReadRoleSubject(leaf, VerifyChain(leaf, untrusted, at), "insurer",
                           "not an insurer certificate");
  if (!s.ok()) return s.error();
  if (!s->cn || !s->o || s->c != "JP") {
    return ClientError("subject must have one CN, one O and C=JP");
  }
  auto number = InsurerNumber::Parse(*s->cn);
  if (!number.ok()) return ClientError("CN is not a 保険者番号: " + number.error().message);
  return InsurerIdentity{std::move(number).value(), *s->o, std::move(s->serial),
                         Asn1TimeToTimeT(X509_get0_notAfter(leaf))};
}

Expected<MunicipalIdentity> FacilityCa::VerifyMunicipal(X509* leaf, STACK_OF(X509) * untrusted,
                                                        std::time_t at) const {
  auto s = ReadRoleSubject(leaf, VerifyChain(leaf, untrusted, at), "municipal",
                           "not a municipal certificate");
  if (!s.ok()) return s.error();
  if (!s->cn || !s->o || s->cn->size() != 6) {
    return ClientError("subject must have one O and a 6-digit CN");
  }
  return MunicipalIdentity{*s->cn, *s->o, std::move(s->serial),
                           Asn1TimeToTimeT(X509_get0_notAfter(leaf))};
}

Expected<AdminIdentity> FacilityCa::VerifyAdmin(X509* leaf, STACK_OF(X509) * untrusted,
                                                std::time_t at) const {
  auto s = ReadRoleSubject(leaf, VerifyChain(leaf, untrusted, at), "admin",
                           "not an operator certificate");
  if (!s.ok()) return s.error();
  if (!s->cn) return ClientError("subject must have one CN");
  return AdminIdentity{*s->cn, std::move(s->serial), Asn1TimeToTimeT(X509_get0_notAfter(leaf))};
}

// Reads a PEM bundle (the leaf, then any intermediates) and hands it to
// `verify(leaf, untrusted)`.
template <class Verify>
auto WithPemChain(std::string_view pem_chain, Verify verify)
    -> decltype(verify(static_cast<X509*>(nullptr), static_cast<STACK_OF(X509) *>(nullptr))) {
  BioPtr bio = MemoryBio(pem_chain);
  X509Ptr leaf(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!leaf) {
    ERR_clear_error();
    return ClientError("not a PEM certificate");
  }
  X509StackPtr rest(sk_X509_new_null());
  while (X509* more = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    sk_X509_push(rest.get(), more);
  }
  ERR_clear_error();  // the read that ended the loop queued "no start line"
  return verify(leaf.get(), rest.get());
}

Expected<FacilityIdentity> FacilityCa::VerifyClientPem(std::string_view pem_chain,
                                                       std::time_t at) const {
  return WithPemChain(
      pem_chain, [&](X509* leaf, STACK_OF(X509) * rest) { return VerifyClient(leaf, rest, at); });
}

Expected<InsurerIdentity> FacilityCa::VerifyInsurerPem(std::string_view pem_chain,
                                                       std::time_t at) const {
  return WithPemChain(
      pem_chain, [&](X509* leaf, STACK_OF(X509) * rest) { return VerifyInsurer(leaf, rest, at); });
}

std::shared_ptr<const std::map<std::string, std::time_t>> FacilityCa::CurrentRevocations() const {
  Revocations& r = *revocations_;
  std::lock_guard<std::mutex> lock(r.mu);
  // One stat(2) per verification: a revocation made by another process (the
  // CLI, another server on the same CA directory) counts from the next
  // login or request, without a restart or a signal.
  const std::optional<FileStamp> stamp = StampOf(revoked_path());
  // A missing list, or one that cannot be read or parsed right now (edited
  // by hand), revokes nothing less than what is known: the known list stays
  // and the file is read again on the next call.
  if (!stamp || stamp == r.stamp) return r.list;
  auto text = ReadWholeFile(revoked_path());
  if (!text.ok()) return r.list;
  auto parsed = ParseRevocations(*text, revoked_path());
  if (!parsed.ok()) return r.list;
  // Revocations are never undone: entries known here stay even if the file
  // lost them.
  RevocationMap merged = std::move(parsed).value();
  for (const auto& [serial, at] : *r.list)
    merged.emplace(serial, at);
  r.list = std::make_shared<const RevocationMap>(std::move(merged));
  r.stamp = stamp;
  return r.list;
}

bool FacilityCa::IsRevoked(std::string_view serial_hex) const {
  return CurrentRevocations()->count(NormaliseSerial(serial_hex)) != 0;
}

std::vector<RevokedCertificate> FacilityCa::Revoked() const {
  std::vector<RevokedCertificate> out;
  for (const auto& [serial, at] : *CurrentRevocations())
    out.push_back({serial, at});
  return out;
}

Expected<RevokedCertificate> FacilityCa::Revoke(std::string_view serial_hex, std::time_t now) {
  const std::string serial = NormaliseSerial(serial_hex);
  if (serial.empty()) {
    return CaError("\"" + std::string(serial_hex) + "\" is not a certificate serial (hex)");
  }
  ListLock lock(dir_);
  if (!lock.error().empty()) return CaError(lock.error());
  // Under the lock, the list on disk is the whole truth: re-read it so that
  // revocations other processes made since this one loaded are kept.
  RevocationMap list = *CurrentRevocations();
  const auto [it, inserted] = list.emplace(serial, now);
  const RevokedCertificate out{it->first, it->second};
  if (inserted) {
    if (auto w = SaveRevocations(list); !w.ok()) return w.error();
    if (auto w = AppendCaIndexLine(dir_, FormatRevokedLine(out.serial_hex, out.revoked_at),
                                   CaIndexState::kPartial);
        !w.ok()) {
      return w.error();
    }
  }
  if (auto w = WriteCrl(list, now); !w.ok()) return w.error();
  (void)CurrentRevocations();  // adopt the list just written
  return out;
}

Expected<std::string> FacilityCa::SaveRevocations(
    const std::map<std::string, std::time_t>& list) const {
  std::string text = "# serial (hex) and revocation time (unix seconds); see facility_ca.hpp\n";
  for (const auto& [serial, at] : list) {
    text += serial + " " + std::to_string(static_cast<long long>(at)) + "\n";
  }
  return ReplaceFile(revoked_path(), text, 0644);
}

Expected<std::string> FacilityCa::RefreshCrl(std::time_t now) const {
  ListLock lock(dir_);
  if (!lock.error().empty()) return CaError(lock.error());
  return WriteCrl(*CurrentRevocations(), now);
}

Expected<std::string> FacilityCa::WriteCrl(const std::map<std::string, std::time_t>& revoked,
                                           std::time_t now) const {
  X509CrlPtr crl(X509_CRL_new());
  if (!crl) return CaError(OpenSslError("out of memory"));
  X509_CRL* c = crl.get();
  ASN1_TIME* last = ASN1_TIME_set(nullptr, now);
  ASN1_TIME* next = ASN1_TIME_set(nullptr, now + kCrlValidityDays * kDay);
  bool ok = last && next && X509_CRL_set_version(c, X509_CRL_VERSION_2) == 1 &&
            X509_CRL_set_issuer_name(c, X509_get_subject_name(h_->cert.get())) == 1 &&
            X509_CRL_set1_lastUpdate(c, last) == 1 && X509_CRL_set1_nextUpdate(c, next) == 1;
  ASN1_TIME_free(last);
  ASN1_TIME_free(next);
  for (const auto& [serial, at] : revoked) {
    if (!ok) break;
    BIGNUM* raw = nullptr;
    BN_hex2bn(&raw, serial.c_str());
    BignumPtr bn(raw);
    Asn1IntegerPtr number(bn ? BN_to_ASN1_INTEGER(bn.get(), nullptr) : nullptr);
    X509RevokedPtr entry(X509_REVOKED_new());
    ASN1_TIME* when = ASN1_TIME_set(nullptr, at);
    ok = number && entry && when && X509_REVOKED_set_serialNumber(entry.get(), number.get()) == 1 &&
         X509_REVOKED_set_revocationDate(entry.get(), when) == 1 &&
         X509_CRL_add0_revoked(c, entry.get()) == 1;
    ASN1_TIME_free(when);
    if (ok) (void)entry.release();  // now owned by the CRL
  }
  // cRLNumber must grow with each CRL. The issue time does without a counter
  // file; the low 16 bits (the number of entries) keep it growing when two
  // revocations fall in the same second.
  Asn1IntegerPtr crl_number(ASN1_INTEGER_new());
  const std::int64_t number =
      (static_cast<std::int64_t>(now) << 16) | static_cast<std::int64_t>(revoked.size() & 0xFFFF);
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
  return ReplaceFile(crl_path(), BioContents(bio.get()), 0644);
}

Expected<std::optional<CaIndex>> FacilityCa::Index() const {
  auto read = ReadCaIndex(dir_);
  if (!read.ok() || !read->has_value()) return read;
  CaIndex& index = **read;
  // revoked.txt is the record verification trusts: a serial it lists is
  // revoked whatever the index's own lines say.
  std::map<std::string, size_t> by_serial;
  for (size_t i = 0; i < index.entries.size(); ++i)
    by_serial.emplace(index.entries[i].serial_hex, i);
  std::set<std::string> orphans;
  for (const auto& [serial, at] : index.orphan_revocations)
    orphans.insert(serial);
  for (const auto& [serial, at] : *CurrentRevocations()) {
    const auto it = by_serial.find(serial);
    if (it == by_serial.end()) {
      if (orphans.insert(serial).second) index.orphan_revocations.emplace_back(serial, at);
    } else if (!index.entries[it->second].revoked_at) {
      index.entries[it->second].revoked_at = at;
    }
  }
  return read;
}

namespace {

// The role a certificate of this CA was issued for, from its subject: the
// OU for insurer, municipal and admin; none for a facility's, and none with
// serverAuth for the server's own.
std::string RoleOf(X509* cert) {
  if (auto ou = SingleEntry(X509_get_subject_name(cert), NID_organizationalUnitName)) return *ou;
  return (X509_get_extended_key_usage(cert) & XKU_SSL_SERVER) != 0 ? "server" : "facility";
}

}  // namespace

Expected<FacilityCa::Rebuilt> FacilityCa::RebuildIndex(
    const std::vector<std::string>& scan_dirs) const {
  ListLock lock(dir_);
  if (!lock.error().empty()) return CaError(lock.error());
  auto current = ReadCaIndex(dir_);
  if (!current.ok()) return current.error();
  Rebuilt out;
  if (current->has_value()) out.index = std::move(**current);
  out.index.state = current->has_value() && out.index.state == CaIndexState::kComplete
                        ? CaIndexState::kComplete
                        : CaIndexState::kRebuilt;
  out.index.torn_lines = 0;
  std::set<std::string> known;
  for (const CaIndexEntry& e : out.index.entries)
    known.insert(e.serial_hex);

  // Every *.pem under the directories, in name order so that the file kept
  // for a serial found twice (a copy, a backup) is the same on every run.
  std::vector<std::filesystem::path> files;
  for (const std::string& dir : scan_dirs) {
    std::error_code ec;
    std::filesystem::recursive_directory_iterator it(
        dir, std::filesystem::directory_options::skip_permission_denied, ec);
    if (ec) {
      out.unreadable.push_back(dir + ": " + ec.message());
      continue;
    }
    for (; it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) {
        out.unreadable.push_back(dir + ": " + ec.message());
        break;
      }
      std::error_code fe;
      if (it->is_regular_file(fe) && it->path().extension() == ".pem" &&
          it->file_size(fe) <= (1u << 20)) {
        files.push_back(std::filesystem::absolute(it->path()).lexically_normal());
      }
    }
  }
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());

  EVP_PKEY* ca_key = X509_get0_pubkey(h_->cert.get());
  for (const auto& path : files) {
    auto text = ReadWholeFile(path.string());
    if (!text.ok()) continue;
    ++out.scanned_files;
    BioPtr bio = MemoryBio(*text);
    X509Ptr cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    ERR_clear_error();  // a key file is not a certificate: skipped
    if (!cert || X509_cmp(cert.get(), h_->cert.get()) == 0) continue;
    // Signed by this CA: named by it and its signature checks with its key.
    if (X509_check_issued(h_->cert.get(), cert.get()) != X509_V_OK ||
        X509_verify(cert.get(), ca_key) != 1) {
      ERR_clear_error();
      continue;
    }
    ++out.found;
    CaIndexEntry entry;
    entry.serial_hex = SerialHex(X509_get0_serialNumber(cert.get()));
    if (entry.serial_hex.empty() || !known.insert(entry.serial_hex).second) continue;
    entry.role = RoleOf(cert.get());
    entry.not_before = Asn1TimeToTimeT(X509_get0_notBefore(cert.get()));
    entry.not_after = Asn1TimeToTimeT(X509_get0_notAfter(cert.get()));
    X509_NAME* subject = X509_get_subject_name(cert.get());
    entry.subject = SingleEntry(subject, NID_commonName).value_or("");
    entry.name = SingleEntry(subject, NID_organizationName).value_or("");
    entry.file = path.string();
    out.index.entries.push_back(std::move(entry));
    ++out.added;
  }

  // Revocations: the index's own and revoked.txt's, each serial once.
  std::map<std::string, size_t> by_serial;
  for (size_t i = 0; i < out.index.entries.size(); ++i)
    by_serial.emplace(out.index.entries[i].serial_hex, i);
  std::map<std::string, std::time_t> orphans(out.index.orphan_revocations.begin(),
                                             out.index.orphan_revocations.end());
  for (const auto& [serial, at] : *CurrentRevocations()) {
    const auto it = by_serial.find(serial);
    if (it == by_serial.end()) {
      orphans.emplace(serial, at);
    } else if (!out.index.entries[it->second].revoked_at) {
      out.index.entries[it->second].revoked_at = at;
    }
  }
  for (auto it = orphans.begin(); it != orphans.end();) {
    const auto e = by_serial.find(it->first);
    if (e != by_serial.end()) {
      if (!out.index.entries[e->second].revoked_at)
        out.index.entries[e->second].revoked_at = it->second;
      it = orphans.erase(it);
    } else {
      ++it;
    }
  }
  out.index.orphan_revocations.assign(orphans.begin(), orphans.end());

  std::string text = FormatCaIndexHeader(out.index.state);
  for (const CaIndexEntry& e : out.index.entries)
    text += FormatIssuedLine(e);
  for (const CaIndexEntry& e : out.index.entries) {
    if (e.revoked_at) text += FormatRevokedLine(e.serial_hex, *e.revoked_at);
  }
  for (const auto& [serial, at] : out.index.orphan_revocations)
    text += FormatRevokedLine(serial, at);
  if (auto w = ReplaceFile(index_path(), text, 0644); !w.ok()) return w.error();
  return out;
}

Expected<CertificateSummary> SummariseCertificatePem(std::string_view pem) {
  BioPtr bio = MemoryBio(pem);
  X509Ptr cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!cert) return ClientError(OpenSslError("not a PEM certificate"));
  CertificateSummary out;
  out.serial_hex = SerialHex(X509_get0_serialNumber(cert.get()));
  X509_NAME* subject = X509_get_subject_name(cert.get());
  out.common_name = SingleEntry(subject, NID_commonName).value_or("");
  out.organizational_unit = SingleEntry(subject, NID_organizationalUnitName).value_or("");
  if (out.serial_hex.empty()) return ClientError("cannot read the serial number");
  return out;
}

}  // namespace onshi::auth
