// Tests for JpkiCa: the CA directory, user-authentication certificates
// (R-CARD-3 validity, no personal data), revocation and status (R-CARD-6),
// the CRL read back through OpenSSL, and verification with expiry reported
// apart for the R-CARD-4 grace.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cctype>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "core/card_validity.hpp"
#include "jpki/jpki_ca.hpp"

namespace onshi::jpki {
namespace {

namespace fs = std::filesystem;
constexpr std::time_t kDay = 86400;
constexpr std::time_t kNow = 1743465600;  // 2025-04-01T00:00:00Z

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "onshi-jpki-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct X509Free {
  void operator()(X509* c) const { X509_free(c); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using Cert = std::unique_ptr<X509, X509Free>;

std::vector<uint8_t> Spki(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int len = i2d_PUBKEY(key, &der);
  std::vector<uint8_t> out(der, der + len);
  OPENSSL_free(der);
  return out;
}

Cert Parse(const std::vector<uint8_t>& der) {
  const unsigned char* p = der.data();
  return Cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
}

std::string Entry(X509_NAME* name, int nid) {
  const int i = X509_NAME_get_index_by_NID(name, nid, -1);
  if (i < 0) return "";
  const ASN1_STRING* s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<size_t>(ASN1_STRING_length(s)));
}

// One CA and one card key for the whole suite: RSA-2048 generation is the
// slow part.
class JpkiCaTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    auto ca = JpkiCa::Create(*dir_ / "ca", kNow - 30 * kDay);
    ASSERT_TRUE(ca.ok()) << ca.error().ToString();
    ca_ = new JpkiCa(std::move(ca).value());
    card_key_ = EVP_RSA_gen(2048);
  }
  static void TearDownTestSuite() {
    delete ca_;
    delete dir_;
    EVP_PKEY_free(card_key_);
  }

  // R-CARD-3: born 1990-06-15, certificate issued 2025-04-01 → valid to the
  // 5th birthday after issuance (2025..2029), 2029-06-15; the card lasts longer.
  static Date LastValidDay() {
    return CertificateExpiry(Date::FromYmd(1990, 6, 15), Date::FromYmd(2025, 4, 1),
                             Date::FromYmd(2034, 6, 15));
  }

  IssuedUserCertificate Issue() {
    auto issued = ca_->IssueUserAuthentication(Spki(card_key_), kNow, LastValidDay());
    EXPECT_TRUE(issued.ok()) << issued.error().ToString();
    return issued.ok() ? std::move(issued).value() : IssuedUserCertificate{};
  }

  static TempDir* dir_;
  static JpkiCa* ca_;
  static EVP_PKEY* card_key_;
};
TempDir* JpkiCaTest::dir_ = nullptr;
JpkiCa* JpkiCaTest::ca_ = nullptr;
EVP_PKEY* JpkiCaTest::card_key_ = nullptr;

TEST_F(JpkiCaTest, CaDirectoryLayoutAndSubject) {
  struct stat st;
  ASSERT_EQ(::stat((*dir_ / "ca/ca-key.pem").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_TRUE(fs::exists(*dir_ / "ca/ca.pem"));
  EXPECT_TRUE(fs::exists(*dir_ / "ca/crl.pem"));
  EXPECT_TRUE(fs::exists(*dir_ / "ca/revoked.txt"));

  Cert ca = Parse(ca_->CertificateDer());
  ASSERT_TRUE(ca);
  char buf[512];
  X509_NAME_oneline(X509_get_subject_name(ca.get()), buf, sizeof buf);
  EXPECT_STREQ(buf,
               "/C=JP/O=JPKI/OU=JPKI for user authentication/OU=Japan Agency for Local Authority "
               "Information Systems");
  EXPECT_EQ(X509_NAME_cmp(X509_get_subject_name(ca.get()), X509_get_issuer_name(ca.get())), 0);
  EXPECT_EQ(EVP_PKEY_get_bits(X509_get0_pubkey(ca.get())), 2048);
  EXPECT_EQ(X509_get_signature_nid(ca.get()), NID_sha256WithRSAEncryption);
  EXPECT_EQ(X509_check_ca(ca.get()), 1);

  // Creating over it is refused; loading it gives the same certificate.
  EXPECT_FALSE(JpkiCa::Create(*dir_ / "ca", kNow).ok());
  auto loaded = JpkiCa::Load(*dir_ / "ca");
  ASSERT_TRUE(loaded.ok()) << loaded.error().ToString();
  EXPECT_EQ(loaded->CertificateDer(), ca_->CertificateDer());
}

TEST_F(JpkiCaTest, LoadRefusesAReadableKey) {
  TempDir d;
  ASSERT_TRUE(JpkiCa::Create(d / "ca", kNow).ok());
  ::chmod((d / "ca/ca-key.pem").c_str(), 0644);
  EXPECT_FALSE(JpkiCa::Load(d / "ca").ok());
}

// R-CARD-3 (validity as computed by the caller), R-CARD-7 (no personal data).
TEST_F(JpkiCaTest, UserCertificateHasOnlyCountryAndOpaqueIdRsa2048Sha256) {
  const IssuedUserCertificate issued = Issue();
  Cert cert = Parse(issued.der);
  ASSERT_TRUE(cert);
  X509_NAME* subject = X509_get_subject_name(cert.get());
  EXPECT_EQ(X509_NAME_entry_count(subject), 2);
  EXPECT_EQ(Entry(subject, NID_countryName), "JP");
  EXPECT_EQ(Entry(subject, NID_commonName), issued.subject_id);
  EXPECT_EQ(issued.subject_id.size(), 32u);
  EXPECT_EQ(issued.subject_id.find_first_not_of("0123456789ABCDEF"), std::string::npos);
  EXPECT_EQ(X509_NAME_cmp(X509_get_issuer_name(cert.get()),
                          X509_get_subject_name(Parse(ca_->CertificateDer()).get())),
            0);

  EXPECT_EQ(EVP_PKEY_get_base_id(X509_get0_pubkey(cert.get())), EVP_PKEY_RSA);
  EXPECT_EQ(EVP_PKEY_get_bits(X509_get0_pubkey(cert.get())), 2048);
  EXPECT_EQ(EVP_PKEY_eq(X509_get0_pubkey(cert.get()), card_key_), 1);
  EXPECT_EQ(X509_get_signature_nid(cert.get()), NID_sha256WithRSAEncryption);
  EXPECT_EQ(X509_get_key_usage(cert.get()), static_cast<uint32_t>(KU_DIGITAL_SIGNATURE));
  EXPECT_EQ(X509_check_ca(cert.get()), 0);

  // Valid from issue to 2029-06-15 23:59:59 JST = 14:59:59 UTC.
  EXPECT_EQ(LastValidDay(), Date::FromYmd(2029, 6, 15));
  EXPECT_EQ(issued.not_before, kNow);
  EXPECT_EQ(issued.not_after, 1876229999);  // 2029-06-15T14:59:59Z
  EXPECT_EQ(ASN1_TIME_cmp_time_t(X509_get0_notBefore(cert.get()), kNow), 0);
  EXPECT_EQ(ASN1_TIME_cmp_time_t(X509_get0_notAfter(cert.get()), issued.not_after), 0);

  // The serial is random and reported as openssl prints it.
  BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert.get()), nullptr);
  char* hex = BN_bn2hex(bn);
  EXPECT_EQ(issued.serial_hex, hex);
  OPENSSL_free(hex);
  BN_free(bn);

  // The id is random: the same key certified again gets another id and serial.
  const IssuedUserCertificate again = Issue();
  EXPECT_NE(again.subject_id, issued.subject_id);
  EXPECT_NE(again.serial_hex, issued.serial_hex);
}

TEST_F(JpkiCaTest, IssueRefusesOtherKeysAndPastDays) {
  Pkey ec(EVP_EC_gen("P-256"));
  EXPECT_FALSE(ca_->IssueUserAuthentication(Spki(ec.get()), kNow, LastValidDay()).ok());
  Pkey rsa3072(EVP_RSA_gen(3072));
  EXPECT_FALSE(ca_->IssueUserAuthentication(Spki(rsa3072.get()), kNow, LastValidDay()).ok());
  const std::vector<uint8_t> junk = {0x30, 0x03, 0x02, 0x01, 0x00};
  EXPECT_FALSE(ca_->IssueUserAuthentication(junk, kNow, LastValidDay()).ok());
  EXPECT_FALSE(
      ca_->IssueUserAuthentication(Spki(card_key_), kNow, Date::FromYmd(2025, 3, 31)).ok());
}

TEST_F(JpkiCaTest, VerifyGood) {
  const IssuedUserCertificate issued = Issue();
  auto v = ca_->Verify(issued.der, kNow + kDay);
  ASSERT_TRUE(v.ok()) << v.error().error.ToString();
  EXPECT_EQ(v->serial_hex, issued.serial_hex);
  EXPECT_EQ(v->subject_id, issued.subject_id);
  EXPECT_EQ(v->not_after, issued.not_after);
  // The last second of the last day is still good.
  EXPECT_TRUE(ca_->Verify(issued.der, issued.not_after).ok());
}

// R-CARD-4: expiry comes back on its own, with the details for the grace.
TEST_F(JpkiCaTest, VerifyReportsExpiryApart) {
  const IssuedUserCertificate issued = Issue();
  auto v = ca_->Verify(issued.der, issued.not_after + 1);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().failure, VerifyFailure::kExpired);
  ASSERT_TRUE(v.error().expired);
  EXPECT_EQ(v.error().expired->serial_hex, issued.serial_hex);
  EXPECT_EQ(v.error().expired->not_after, issued.not_after);
  EXPECT_EQ(v.error().error.field, "user_certificate");

  auto early = ca_->Verify(issued.der, kNow - 1);
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().failure, VerifyFailure::kNotYetValid);
  EXPECT_FALSE(early.error().expired);
}

// R-CARD-6: suspension revokes at once; the status answers by time.
TEST_F(JpkiCaTest, RevokeSuspensionStatusAndVerify) {
  const IssuedUserCertificate issued = Issue();
  const std::time_t at = kNow + 10 * kDay;
  EXPECT_EQ(ca_->Status(issued.serial_hex, at).state, CertificateState::kGood);
  auto r = ca_->Revoke(issued.serial_hex, RevocationReason::kSuspended, at);
  ASSERT_TRUE(r.ok()) << r.error().ToString();

  const CertificateStatus before = ca_->Status(issued.serial_hex, at - 1);
  EXPECT_EQ(before.state, CertificateState::kGood);
  const CertificateStatus after = ca_->Status(issued.serial_hex, at);
  EXPECT_EQ(after.state, CertificateState::kRevoked);
  EXPECT_EQ(after.reason, RevocationReason::kSuspended);
  EXPECT_EQ(after.revoked_at, at);

  auto v = ca_->Verify(issued.der, at + 1);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().failure, VerifyFailure::kRevoked);
  // Revoked and expired: revoked wins. The certificate's details come with
  // it (issue 14: an eligibility check names the suspended or lost card and
  // answers with its state; callers never treat a revoked one as trusted).
  auto late = ca_->Verify(issued.der, issued.not_after + kDay);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().failure, VerifyFailure::kRevoked);
  ASSERT_TRUE(late.error().expired);
  EXPECT_EQ(late.error().expired->serial_hex, issued.serial_hex);
  EXPECT_TRUE(ca_->Verify(issued.der, at - 1).ok());

  // Twice keeps the first; lowercase and colons are accepted.
  std::string lower;
  for (char c : issued.serial_hex)
    lower += static_cast<char>(std::tolower(c));
  auto again = ca_->Revoke(lower, RevocationReason::kLost, at + kDay);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->reason, RevocationReason::kSuspended);
  EXPECT_EQ(again->revoked_at, at);

  // The record survives a reload.
  auto loaded = JpkiCa::Load(ca_->dir());
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->Status(issued.serial_hex, at).state, CertificateState::kRevoked);
  EXPECT_EQ(loaded->Status(issued.serial_hex, at).reason, RevocationReason::kSuspended);
}

TEST_F(JpkiCaTest, StatusUnknownForSerialsNotIssuedHere) {
  EXPECT_EQ(ca_->Status("1234ABCD", kNow).state, CertificateState::kUnknown);
  EXPECT_EQ(ca_->Status("not hex", kNow).state, CertificateState::kUnknown);
  EXPECT_FALSE(ca_->Revoke("1234ABCD", RevocationReason::kLost, kNow).ok());
  // Issued serials are known after a reload (issued.txt).
  const IssuedUserCertificate issued = Issue();
  auto loaded = JpkiCa::Load(ca_->dir());
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->Status(issued.serial_hex, kNow).state, CertificateState::kGood);
}

TEST_F(JpkiCaTest, VerifyRejectsOtherCaGarbageAndTheCaItself) {
  TempDir d;
  auto other = JpkiCa::Create(d / "other", kNow - kDay);
  ASSERT_TRUE(other.ok());
  auto foreign = other->IssueUserAuthentication(Spki(card_key_), kNow, LastValidDay());
  ASSERT_TRUE(foreign.ok());
  auto v = ca_->Verify(foreign->der, kNow + kDay);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().failure, VerifyFailure::kUntrusted);

  const std::vector<uint8_t> junk = {0x30, 0x82, 0x01, 0x00, 0xFF};
  auto g = ca_->Verify(junk, kNow);
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.error().failure, VerifyFailure::kMalformed);

  std::vector<uint8_t> trailing = Issue().der;
  trailing.push_back(0);
  EXPECT_EQ(ca_->Verify(trailing, kNow + kDay).error().failure, VerifyFailure::kMalformed);

  // A flipped bit in the signature.
  std::vector<uint8_t> forged = Issue().der;
  forged[forged.size() - 5] ^= 0x01;
  auto f = ca_->Verify(forged, kNow + kDay);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().failure, VerifyFailure::kUntrusted);

  EXPECT_FALSE(ca_->Verify(ca_->CertificateDer(), kNow + kDay).ok());
}

// The CRL as any OpenSSL consumer reads it: v2, signed by the CA, entries
// with reason codes (R-CARD-6).
TEST_F(JpkiCaTest, CrlParsesBackWithReasons) {
  const IssuedUserCertificate lost = Issue();
  const IssuedUserCertificate returned = Issue();
  ASSERT_TRUE(ca_->Revoke(lost.serial_hex, RevocationReason::kLost, kNow + kDay).ok());
  ASSERT_TRUE(ca_->Revoke(returned.serial_hex, RevocationReason::kCardReturned, kNow + kDay).ok());

  std::ifstream in(ca_->crl_path());
  const std::string pem((std::istreambuf_iterator<char>(in)), {});
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509_CRL* crl = PEM_read_bio_X509_CRL(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  ASSERT_NE(crl, nullptr);
  Cert ca = Parse(ca_->CertificateDer());
  EXPECT_EQ(X509_CRL_get_version(crl), X509_CRL_VERSION_2);
  EXPECT_EQ(X509_CRL_verify(crl, X509_get0_pubkey(ca.get())), 1);
  EXPECT_EQ(X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(ca.get())), 0);
  EXPECT_EQ(ASN1_TIME_cmp_time_t(X509_CRL_get0_lastUpdate(crl), kNow + kDay), 0);

  auto reason_of = [&](const std::string& serial_hex) {
    BIGNUM* bn = nullptr;
    BN_hex2bn(&bn, serial_hex.c_str());
    ASN1_INTEGER* serial = BN_to_ASN1_INTEGER(bn, nullptr);
    BN_free(bn);
    X509_REVOKED* entry = nullptr;
    const int found = X509_CRL_get0_by_serial(crl, &entry, serial);
    ASN1_INTEGER_free(serial);
    if (found != 1) return -1;
    ASN1_ENUMERATED* reason = static_cast<ASN1_ENUMERATED*>(
        X509_REVOKED_get_ext_d2i(entry, NID_crl_reason, nullptr, nullptr));
    const long code = reason ? ASN1_ENUMERATED_get(reason) : -2;
    ASN1_ENUMERATED_free(reason);
    return static_cast<int>(code);
  };
  EXPECT_EQ(reason_of(lost.serial_hex), 1);      // keyCompromise
  EXPECT_EQ(reason_of(returned.serial_hex), 5);  // cessationOfOperation
  EXPECT_EQ(reason_of(Issue().serial_hex), -1);  // not revoked, not listed
  X509_CRL_free(crl);
}

TEST(CertificateStatusTest, ReasonNamesRoundTripAndCrlCodes) {
  for (RevocationReason r : {RevocationReason::kSuspended, RevocationReason::kLost,
                             RevocationReason::kSuperseded, RevocationReason::kCardReturned}) {
    EXPECT_EQ(ReasonFromName(ReasonName(r)), r);
  }
  EXPECT_FALSE(ReasonFromName("bogus"));
  EXPECT_EQ(CrlReasonCode(RevocationReason::kSuspended), 6);  // certificateHold
  EXPECT_EQ(CrlReasonCode(RevocationReason::kSuperseded), 4);
}

TEST(JpkiCaTimeTest, EndOfDayJst) {
  // 2025-04-01 23:59:59 JST is 14:59:59 UTC the same day.
  EXPECT_EQ(JpkiCa::EndOfDayJst(Date::FromYmd(2025, 4, 1)), 1743519599);
}

}  // namespace
}  // namespace onshi::jpki
