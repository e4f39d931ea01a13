// JpkiCa: the certificate authority for 利用者証明用電子証明書, standing in
// for J-LIS (地方公共団体情報システム機構).
//
// A trust domain of its own: nothing here trusts or is trusted by the
// facility CA (auth/facility_ca.hpp). The keys are RSA-2048 with
// sha256WithRSAEncryption because that is what the real card holds and what
// OpenSC's jpki driver announces (card-and-identifiers.md §4).
//
// CA directory (created mode 0700):
//   ca.pem        self-signed, subject C=JP, O=JPKI, OU=JPKI for user
//                 authentication, OU=Japan Agency for Local Authority
//                 Information Systems; CA:TRUE pathlen:0; 20 years
//   ca-key.pem    mode 0600; refused on load if group/other can read it
//   issued.txt    "<SERIAL-HEX> <not_before> <not_after>" per issued
//                 certificate (appended and fsynced before Issue returns), so
//                 that Status can tell "good" from "never issued here"
//   revoked.txt   "<SERIAL-HEX> <unix time> <reason>" per revoked certificate
//   crl.pem       CRL v2 with reason codes, rewritten on every Revoke
//
// The user certificate says nothing about its holder: subject C=JP,
// CN=<random opaque id> (no name, address, birth date or sex — R-CARD-7, and
// the real 利用者証明用 certificate carries only a serial). The id is drawn
// from the random generator, never derived from My Number or a name, so it
// cannot be reversed into either.
//
// Time is always passed in. Const methods are thread-safe; Issue and Revoke
// need external synchronisation with all other calls on the same object.
#ifndef ONSHI_JPKI_JPKI_CA_HPP_
#define ONSHI_JPKI_JPKI_CA_HPP_

#include <cstdint>
#include <ctime>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.hpp"
#include "core/expected.hpp"
#include "jpki/certificate_status.hpp"

namespace onshi::jpki {

struct IssuedUserCertificate {
  std::vector<uint8_t> der;  // X.509 Certificate, as EF 000A holds it
  std::string serial_hex;    // uppercase hex, as `openssl x509 -serial` prints it
  std::string subject_id;    // the CN: opaque, random
  std::time_t not_before = 0;
  std::time_t not_after = 0;
};

// What a verified certificate says. Also handed back with an expired
// certificate, so the caller can apply the R-CARD-4 grace to `not_after`.
struct VerifiedUserCertificate {
  std::string serial_hex;
  std::string subject_id;
  std::time_t not_before = 0;
  std::time_t not_after = 0;
};

enum class VerifyFailure {
  kMalformed,    // not a DER X.509 certificate, or the subject is not C + CN
  kWrongKey,     // not RSA-2048 / sha256WithRSAEncryption / digitalSignature
  kUntrusted,    // does not chain to this CA (other CA, bad signature, is a CA)
  kRevoked,      // revoked at or before the time of the check (R-CARD-6)
  kNotYetValid,  // the time of the check precedes notBefore
  kExpired,      // past notAfter but otherwise good: see R-CARD-4 grace
};

struct VerifyError {
  VerifyFailure failure = VerifyFailure::kMalformed;
  Error error;  // field "user_certificate"; the reason in words
  // For kExpired and kRevoked: the certificate's details (the chain is
  // good), so the service can decide whether the grace still applies, or
  // name the suspended or lost card the certificate belongs to.
  std::optional<VerifiedUserCertificate> expired;
};

class JpkiCa {
 public:
  static constexpr int kCaValidityDays = 20 * 365;
  static constexpr int kCrlValidityDays = 2;  // J-LIS publishes CRLs daily

  // Creates a new CA in `dir` (made if missing). Fails if dir/ca.pem exists.
  // Valid from min(now, wall) to max(now, wall) plus kCaValidityDays, like
  // auth::FacilityCa::Create: `now` is onshi's (possibly simulated) time,
  // `wall` the real clock; in production they are the same moment.
  static Expected<JpkiCa> Create(const std::string& dir, std::time_t now, std::time_t wall);
  static Expected<JpkiCa> Create(const std::string& dir, std::time_t now) {
    return Create(dir, now, now);
  }
  // Loads ca.pem, ca-key.pem (checking they match), issued.txt, revoked.txt.
  static Expected<JpkiCa> Load(const std::string& dir);
  static Expected<JpkiCa> LoadOrCreate(const std::string& dir, std::time_t now, std::time_t wall);
  static Expected<JpkiCa> LoadOrCreate(const std::string& dir, std::time_t now) {
    return LoadOrCreate(dir, now, now);
  }

  JpkiCa(JpkiCa&&) noexcept;
  JpkiCa& operator=(JpkiCa&&) noexcept;
  ~JpkiCa();

  // Issues a 利用者証明用電子証明書 for the RSA-2048 public key
  // `subject_public_key_info` (DER SubjectPublicKeyInfo, as the card exports
  // it), valid from `now` to the end (23:59:59 JST) of `last_valid_day`.
  // The caller computes that day with core's CertificateExpiry (R-CARD-3);
  // this CA does not second-guess it beyond requiring it not to precede
  // `now`. keyUsage is digitalSignature only; the serial is 128 random bits.
  Expected<IssuedUserCertificate> IssueUserAuthentication(
      std::span<const uint8_t> subject_public_key_info, std::time_t now, Date last_valid_day);

  // Revokes `serial_hex` (any case, colons allowed) from `now` and rewrites
  // crl.pem. Fails for a serial this CA never issued. Revoking twice is not
  // an error and keeps the first time and reason.
  Expected<CertificateStatus> Revoke(std::string_view serial_hex, RevocationReason reason,
                                     std::time_t now);

  // The OCSP-style answer for `serial_hex` at time `at`: good, revoked (with
  // reason and time) if revoked at or before `at`, or unknown if never issued.
  CertificateStatus Status(std::string_view serial_hex, std::time_t at) const;

  // Checks a certificate presented by a card at time `at`: DER X.509,
  // RSA-2048 with sha256WithRSAEncryption, keyUsage digitalSignature, not a
  // CA, signed by this CA, not revoked, then the validity window. Expiry is
  // reported last and on its own (kExpired with the details) because the
  // service, not the CA, applies the R-CARD-4 grace.
  Expected<VerifiedUserCertificate, VerifyError> Verify(std::span<const uint8_t> der,
                                                        std::time_t at) const;

  // issued.txt and revoked.txt as a list, for `onshi credentials list
  // --role card`: every certificate this CA issued, in the order issued,
  // with its validity and, if revoked, when and why. issued.txt is re-read
  // (another process may have issued since this one loaded).
  struct IssuedRecord {
    std::string serial_hex;
    std::time_t not_before = 0;
    std::time_t not_after = 0;
    std::optional<std::time_t> revoked_at;
    std::optional<RevocationReason> reason;
  };
  Expected<std::vector<IssuedRecord>> IssuedCertificates() const;

  // Re-signs crl.pem with thisUpdate = now. Returns its path.
  Expected<std::string> RefreshCrl(std::time_t now) const;

  const std::string& dir() const { return dir_; }
  std::string ca_path() const { return dir_ + "/ca.pem"; }
  std::string crl_path() const { return dir_ + "/crl.pem"; }
  // ca.pem as DER: what EF 000B (利用者証明用CA) on a card holds.
  std::vector<uint8_t> CertificateDer() const;

  // The end of `day` in Japan (23:59:59 +09:00) as a Unix time: the notAfter
  // of a certificate whose last valid day is `day`.
  static std::time_t EndOfDayJst(Date day);

 private:
  struct Revocation {
    std::time_t at;
    RevocationReason reason;
  };

  JpkiCa();
  Expected<std::string> SaveRevocations() const;
  void BuildStore();

  std::string dir_;
  struct Handles;
  std::unique_ptr<Handles> h_;                 // CA certificate, key, verification store
  std::set<std::string> issued_;               // serial hex
  std::map<std::string, Revocation> revoked_;  // serial hex -> when and why
};

}  // namespace onshi::jpki

#endif  // ONSHI_JPKI_JPKI_CA_HPP_
