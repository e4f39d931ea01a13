// FacilityCa: onshi's own certificate authority for the TLS client
// certificates with which facilities log in, standing in for the real
// system's (OQS §1.1: cert.pem + key.pem, then body.json to .../auth).
//
// Keys are EC P-256 throughout (CA, facility, server). P-256 ECDSA is
// mandatory-to-implement in TLS 1.3 and supported by every TLS 1.2 stack a
// clinic runs (Node, .NET, Java, curl); a key is generated in microseconds
// where RSA-2048 takes tens to hundreds of milliseconds, and handshakes and
// signatures are cheaper. It is also the curve of the token key.
//
// CA directory (created mode 0700):
//   ca.pem        self-signed, CA:TRUE pathlen:0, keyCertSign+cRLSign, 10 years
//   ca-key.pem    mode 0600; refused on load if group/other can read it
//   revoked.txt   one "<SERIAL-HEX> <unix time>" line per revoked certificate
//   revoked.lock  the flock that serialises revocations between processes
//   crl.pem       CRL v2 signed by the CA, for the TLS layer to load
//                 (X509_V_FLAG_CRL_CHECK); rewritten on every Revoke
//   index.txt     every certificate issued and revoked, with its role,
//                 subject, dates and file (ca_index.hpp); appended on every
//                 Issue*/Revoke, under the revoked.lock flock
//
// Facility directory (what clinic software reads):
//   cert.pem      subject C=JP, O=<facility name, UTF8String>, CN=<医療機関コード>;
//                 extendedKeyUsage clientAuth; random 128-bit serial
//   key.pem       mode 0600
//   body.json     see login_body.hpp
//   ca.pem        for clients that want to verify the server
//
// Server directory: server-cert.pem (SAN DNS:localhost, IP:127.0.0.1,
// serverAuth), server-key.pem (0600), ca.pem.
//
// Time is always passed in; nothing here reads the clock. Every method is
// thread-safe. Revocation works across processes: Revoke takes an flock on
// revoked.lock, re-reads revoked.txt, adds the serial and replaces the file
// (rename), so revocations from the CLI and from servers sharing the CA
// directory never lose each other; every verification stat(2)s revoked.txt
// and re-reads it when it changed, so a running server refuses a revoked
// certificate from its next request on, without a restart.
#ifndef ONSHI_AUTH_FACILITY_CA_HPP_
#define ONSHI_AUTH_FACILITY_CA_HPP_

#include <openssl/types.h>

#include <ctime>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/ca_index.hpp"
#include "core/expected.hpp"
#include "core/insurer_number.hpp"
#include "core/medical_institution_code.hpp"

// STACK_OF(X509) names this global struct; declaring it here keeps <openssl/x509.h>
// out of the header without letting the name land in onshi::auth.
struct stack_st_X509;

namespace onshi::auth {

// What a verified client certificate says about its holder.
struct FacilityIdentity {
  MedicalInstitutionCode code;  // from CN
  std::string name;             // from O, UTF-8
  std::string serial_hex;       // uppercase hex, as `openssl x509 -serial` prints it
  std::time_t not_after = 0;
};

// What a verified insurer certificate says: the insurer's API and pages
// accept only these (subject OU=insurer, CN=<保険者番号>).
struct InsurerIdentity {
  InsurerNumber number;  // from CN
  std::string name;      // from O, UTF-8
  std::string serial_hex;
  std::time_t not_after = 0;
};

// What a verified municipal-window certificate says (OU=municipal,
// CN=<地方公共団体コード, 6 digits>).
struct MunicipalIdentity {
  std::string code;
  std::string name;
  std::string serial_hex;
  std::time_t not_after = 0;
};

// What a verified operator certificate says (OU=admin, CN=<operator's
// name>): the system's own operators, who may read the metrics and check
// the audit chain, and nothing a facility, insurer or municipality may do.
struct AdminIdentity {
  std::string name;
  std::string serial_hex;
  std::time_t not_after = 0;
};

struct IssuedCertificate {
  std::string serial_hex;
  std::time_t not_before = 0;
  std::time_t not_after = 0;
  std::string cert_path;
  std::string key_path;
  std::string ca_path;
  std::string body_path;  // body.json; empty for the server certificate
};

struct RevokedCertificate {
  std::string serial_hex;
  std::time_t revoked_at = 0;
};

class FacilityCa {
 public:
  static constexpr int kCaValidityDays = 3650;
  static constexpr int kFacilityValidityDays = 730;
  static constexpr int kServerValidityDays = 730;
  // nextUpdate of crl.pem. A CRL past nextUpdate fails every handshake that
  // checks it, so the server should RefreshCrl at start-up.
  static constexpr int kCrlValidityDays = 365;

  // Creates a new CA in `dir` (made if missing). Fails if dir/ca.pem exists:
  // replacing a CA silently would lock out every facility.
  //
  // The CA certificate is valid from min(now, wall) to max(now, wall) plus
  // kCaValidityDays. `now` is onshi's time (simulated with --now), at which
  // onshi verifies client certificates; `wall` is the real clock, at which
  // TLS peers (curl, Node, browsers) verify the server's chain. In
  // production both are the same moment and the CA is dated as before; under
  // --now a CA made at a simulated date, earlier or later than the real one,
  // still verifies for clients that use the real clock (issue 21).
  static Expected<FacilityCa> Create(const std::string& dir, std::time_t now, std::time_t wall);
  static Expected<FacilityCa> Create(const std::string& dir, std::time_t now) {
    return Create(dir, now, now);
  }
  // Loads ca.pem, ca-key.pem (checking they match) and revoked.txt.
  static Expected<FacilityCa> Load(const std::string& dir);
  static Expected<FacilityCa> LoadOrCreate(const std::string& dir, std::time_t now,
                                           std::time_t wall);
  static Expected<FacilityCa> LoadOrCreate(const std::string& dir, std::time_t now) {
    return LoadOrCreate(dir, now, now);
  }

  FacilityCa(FacilityCa&&) noexcept;
  FacilityCa& operator=(FacilityCa&&) noexcept;
  ~FacilityCa();

  // Issues a client certificate for `code` valid for [now, now + days) and
  // writes cert.pem, key.pem, body.json and ca.pem into `out_dir` (made if
  // missing; existing files are replaced, as on renewal). `name` is the
  // facility's name in UTF-8, at most 64 characters.
  Expected<IssuedCertificate> IssueFacility(const MedicalInstitutionCode& code,
                                            std::string_view name, const std::string& out_dir,
                                            std::time_t now,
                                            int validity_days = kFacilityValidityDays) const;

  // Issues an insurer's client certificate (subject C=JP, O=<name>,
  // OU=insurer, CN=<保険者番号 digits>) and writes cert.pem, key.pem and
  // ca.pem into `out_dir`. The OU keeps the two roles apart: a facility
  // certificate never opens the insurer API, and the reverse.
  Expected<IssuedCertificate> IssueInsurer(const InsurerNumber& number, std::string_view name,
                                           const std::string& out_dir, std::time_t now,
                                           int validity_days = kFacilityValidityDays) const;

  // The same for a municipality's window terminal (OU=municipal, CN=<6-digit
  // 地方公共団体コード>): it opens only the /municipal/ API.
  Expected<IssuedCertificate> IssueMunicipal(std::string_view code, std::string_view name,
                                             const std::string& out_dir, std::time_t now,
                                             int validity_days = kFacilityValidityDays) const;

  // The same for an operator (OU=admin, CN=<name>, O=<organisation>).
  Expected<IssuedCertificate> IssueAdmin(std::string_view name, std::string_view organisation,
                                         const std::string& out_dir, std::time_t now,
                                         int validity_days = kFacilityValidityDays) const;

  // Issues the certificate `onshi serve` presents: CN=localhost, SAN
  // DNS:localhost, IP:127.0.0.1 plus `extra_dns_names`, serverAuth.
  Expected<IssuedCertificate> IssueServer(const std::string& out_dir, std::time_t now,
                                          const std::vector<std::string>& extra_dns_names = {},
                                          int validity_days = kServerValidityDays) const;

  // Verifies `leaf` (with optional `untrusted` intermediates, as the TLS
  // layer gets them from SSL_get_peer_cert_chain) against this CA at time
  // `at`: signature chain, validity period, extendedKeyUsage clientAuth,
  // strict X.509 checks, and not revoked. Then reads the 医療機関コード from
  // the subject. Errors are on field "client_certificate".
  Expected<FacilityIdentity> VerifyClient(X509* leaf, STACK_OF(X509) * untrusted,
                                          std::time_t at) const;
  // The same for a PEM bundle: the leaf first, then any intermediates.
  Expected<FacilityIdentity> VerifyClientPem(std::string_view pem_chain, std::time_t at) const;

  // The same checks for an insurer certificate (OU=insurer, CN=保険者番号).
  Expected<InsurerIdentity> VerifyInsurer(X509* leaf, STACK_OF(X509) * untrusted,
                                          std::time_t at) const;
  Expected<InsurerIdentity> VerifyInsurerPem(std::string_view pem_chain, std::time_t at) const;
  Expected<MunicipalIdentity> VerifyMunicipal(X509* leaf, STACK_OF(X509) * untrusted,
                                              std::time_t at) const;
  Expected<AdminIdentity> VerifyAdmin(X509* leaf, STACK_OF(X509) * untrusted, std::time_t at) const;

  // Adds `serial_hex` (any case, colons allowed) to revoked.txt and
  // rewrites crl.pem. Revoking twice is not an error and keeps the first date.
  Expected<RevokedCertificate> Revoke(std::string_view serial_hex, std::time_t now);
  // Against revoked.txt as it is now (re-read if another process changed it).
  bool IsRevoked(std::string_view serial_hex) const;
  std::vector<RevokedCertificate> Revoked() const;

  // The index (ca_index.hpp) with every serial revoked.txt lists marked
  // revoked too; nullopt for a CA made before indexes existed that has not
  // issued or revoked since (RebuildIndex makes one).
  Expected<std::optional<CaIndex>> Index() const;

  // What RebuildIndex found.
  struct Rebuilt {
    int scanned_files = 0;                // *.pem files read
    int found = 0;                        // certificates this CA issued among them
    int added = 0;                        // of those, not in the index before
    std::vector<std::string> unreadable;  // directories that could not be walked
    CaIndex index;                        // the index as written
  };
  // Rewrites index.txt (temp file + rename, under the lock) from what it
  // holds now plus every certificate this CA signed found in *.pem files
  // under `scan_dirs` (recursively; the first file found for a serial is
  // kept). For CAs that issued certificates before indexes existed. The
  // index keeps state "complete" if it had it, else becomes "rebuilt".
  Expected<Rebuilt> RebuildIndex(const std::vector<std::string>& scan_dirs) const;

  // Re-signs crl.pem with lastUpdate = now. Returns its path.
  Expected<std::string> RefreshCrl(std::time_t now) const;

  const std::string& dir() const { return dir_; }
  std::string ca_path() const { return dir_ + "/ca.pem"; }
  std::string crl_path() const { return dir_ + "/crl.pem"; }
  std::string revoked_path() const { return dir_ + "/revoked.txt"; }
  std::string index_path() const { return CaIndexPath(dir_); }
  // ca.pem's text.
  std::string CertificatePem() const;

 private:
  FacilityCa();
  // `role` and `cn`/`o` go into the index.
  Expected<IssuedCertificate> Issue(std::string_view role, X509_NAME* subject,
                                    const std::vector<std::pair<int, std::string>>& extensions,
                                    const std::string& out_dir, const std::string& cert_name,
                                    const std::string& key_name, std::time_t now, int validity_days,
                                    const MedicalInstitutionCode* body_code) const;
  Expected<std::string> SaveRevocations(const std::map<std::string, std::time_t>& list) const;
  Expected<std::string> WriteCrl(const std::map<std::string, std::time_t>& revoked,
                                 std::time_t now) const;
  // The revocation list, re-read first if revoked.txt changed on disk.
  std::shared_ptr<const std::map<std::string, std::time_t>> CurrentRevocations() const;
  // A client certificate for a role marked by OU (insurer, municipal): C=JP,
  // O=name, OU=role, CN=cn.
  Expected<IssuedCertificate> IssueRole(std::string_view role, std::string_view cn,
                                        std::string_view name, const std::string& out_dir,
                                        std::time_t now, int validity_days) const;
  // Chain, validity, clientAuth, revocation; returns the serial.
  Expected<std::string> VerifyChain(X509* leaf, STACK_OF(X509) * untrusted, std::time_t at) const;
  void BuildStore();

  std::string dir_;
  struct Handles;
  std::unique_ptr<Handles> h_;  // CA certificate, key, and verification store
  struct Revocations;
  std::unique_ptr<Revocations> revocations_;  // serial hex -> revoked at, and its file's stamp
};

// The serial (uppercase hex) and subject CN of the first certificate in a
// PEM text, for revoking a certificate by its file.
struct CertificateSummary {
  std::string serial_hex;
  std::string common_name;
  std::string organizational_unit;  // "" for a facility
};
Expected<CertificateSummary> SummariseCertificatePem(std::string_view pem);

}  // namespace onshi::auth

#endif  // ONSHI_AUTH_FACILITY_CA_HPP_
