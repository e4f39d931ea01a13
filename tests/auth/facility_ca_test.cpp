// Tests for FacilityCa: the CA, facility and server certificates, client
// verification, revocation, file layout and permissions, and agreement with
// the openssl command line.
#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "auth/facility_ca.hpp"
#include "auth/login_body.hpp"

namespace onshi::auth {
namespace {

namespace fs = std::filesystem;

constexpr std::time_t kDay = 86400;

// A fresh directory under TMPDIR, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "onshi-auth-XXXXXX").string();
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

// Runs `command` through the shell; returns its exit status and output.
int Shell(const std::string& command, std::string* output) {
  FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  if (!p) return -1;
  char buf[512];
  output->clear();
  while (size_t n = std::fread(buf, 1, sizeof buf, p))
    output->append(buf, n);
  return ::pclose(p);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

unsigned Mode(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0xFFFF;
}

MedicalInstitutionCode Code(std::string_view digits) {
  auto c = MedicalInstitutionCode::Parse(digits);
  if (!c.ok()) std::abort();
  return std::move(c).value();
}

template <class T>
::testing::AssertionResult IsOk(const Expected<T>& result) {
  if (result.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << result.error().ToString();
}

// Succeeds if `result` failed with a message containing `part`.
template <class T>
::testing::AssertionResult FailsWith(const Expected<T>& result, std::string_view part) {
  if (result.ok()) return ::testing::AssertionFailure() << "expected an error, got a value";
  if (result.error().message.find(part) == std::string::npos) {
    return ::testing::AssertionFailure()
           << "\"" << result.error().ToString() << "\" lacks \"" << part << "\"";
  }
  return ::testing::AssertionSuccess();
}

class FacilityCaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    now_ = std::time(nullptr);  // the openssl CLI checks against the real clock
    auto ca = FacilityCa::Create(tmp_ / "ca", now_);
    ASSERT_TRUE(IsOk(ca));
    ca_.emplace(std::move(ca).value());
  }

  Expected<IssuedCertificate> IssueClinic(const std::string& dir, std::time_t now,
                                          int days = FacilityCa::kFacilityValidityDays) {
    return ca_->IssueFacility(code_, kName, tmp_ / dir, now, days);
  }

  const std::string kName = "医療法人社団オンシ会　オンシ診療所";
  TempDir tmp_;
  std::time_t now_ = 0;
  std::optional<FacilityCa> ca_;
  const MedicalInstitutionCode code_ = Code("0110113719");
};

TEST_F(FacilityCaTest, CreatesTheCaDirectoryWithPrivateKeyModes) {
  EXPECT_EQ(Mode(tmp_ / "ca"), 0700u);
  EXPECT_EQ(Mode(tmp_ / "ca/ca-key.pem"), 0600u);
  EXPECT_EQ(Mode(tmp_ / "ca/ca.pem"), 0644u);
  EXPECT_TRUE(fs::exists(tmp_ / "ca/crl.pem"));
  EXPECT_TRUE(fs::exists(tmp_ / "ca/revoked.txt"));
}

TEST_F(FacilityCaTest, CaCertificateIsASelfSignedTenYearCa) {
  std::string out;
  ASSERT_EQ(Shell("openssl x509 -noout -text -in " + tmp_ / "ca/ca.pem", &out), 0) << out;
  EXPECT_NE(out.find("CA:TRUE, pathlen:0"), std::string::npos) << out;
  EXPECT_NE(out.find("Certificate Sign, CRL Sign"), std::string::npos) << out;
  EXPECT_NE(out.find("prime256v1"), std::string::npos) << out;
  ASSERT_EQ(Shell("openssl verify -CAfile " + tmp_ / "ca/ca.pem " + tmp_ / "ca/ca.pem", &out), 0)
      << out;

  const std::string pem = ReadFile(tmp_ / "ca/ca.pem");
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  ASSERT_NE(cert, nullptr);
  int days = 0, secs = 0;
  ASSERT_EQ(ASN1_TIME_diff(&days, &secs, X509_get0_notBefore(cert), X509_get0_notAfter(cert)), 1);
  EXPECT_EQ(days, 3650);
  X509_free(cert);
  BIO_free(bio);
}

// Issue 21: a CA made at a simulated date (--now) two years after, or two
// years before, the real clock still verifies a server certificate dated by
// the real clock (as `onshi serve` makes it) with `openssl verify`, which
// checks against the real clock like curl, Node and browsers do; and onshi
// still accepts a facility certificate issued and checked at the simulated
// date. Before, the CA's notBefore was the simulated date itself: "certificate
// is not yet valid" for every TLS client when the date was in the future.
TEST_F(FacilityCaTest, CaMadeAtASimulatedDateVerifiesAtTheRealClockToo) {
  for (const std::time_t offset : {2 * 365 * kDay, -2 * 365 * kDay}) {
    const std::time_t simulated = now_ + offset;
    const std::string dir = "sim" + std::to_string(offset > 0 ? 1 : 0);
    auto ca = FacilityCa::Create(tmp_ / (dir + "-ca"), simulated, now_);
    ASSERT_TRUE(IsOk(ca));
    const auto server = ca->IssueServer(tmp_ / (dir + "-server"), now_);
    ASSERT_TRUE(IsOk(server));
    std::string out;
    EXPECT_EQ(
        Shell("openssl verify -CAfile " + tmp_ / (dir + "-ca/ca.pem") + " " + server->cert_path,
              &out),
        0)
        << "offset " << offset << ": " << out;
    const auto clinic = ca->IssueFacility(code_, kName, tmp_ / (dir + "-clinic"), simulated,
                                          FacilityCa::kFacilityValidityDays);
    ASSERT_TRUE(IsOk(clinic));
    EXPECT_TRUE(IsOk(ca->VerifyClientPem(ReadFile(clinic->cert_path), simulated)));
    // The window is exactly [earlier, later + 10 years]: no wider.
    const std::string pem = ReadFile(tmp_ / (dir + "-ca/ca.pem"));
    BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    ASSERT_NE(cert, nullptr);
    EXPECT_EQ(X509_cmp_time(X509_get0_notBefore(cert), nullptr), -1);  // before the real now
    std::time_t earlier = std::min(simulated, now_) - 1;
    EXPECT_EQ(X509_cmp_time(X509_get0_notBefore(cert), &earlier), 1);  // not before `earlier`
    std::time_t end = std::max(simulated, now_) + FacilityCa::kCaValidityDays * kDay;
    EXPECT_EQ(ASN1_TIME_cmp_time_t(X509_get0_notAfter(cert), end), 0);
    X509_free(cert);
  }
}

TEST_F(FacilityCaTest, RefusesToReplaceAnExistingCa) {
  EXPECT_TRUE(FailsWith(FacilityCa::Create(tmp_ / "ca", now_), "already holds a CA"));
}

TEST_F(FacilityCaTest, ReloadsTheSameCaAndItsCertificatesStillVerify) {
  const auto issued = IssueClinic("clinic", now_);
  ASSERT_TRUE(IsOk(issued));
  const auto reloaded = FacilityCa::Load(tmp_ / "ca");
  ASSERT_TRUE(IsOk(reloaded));
  EXPECT_EQ(reloaded->CertificatePem(), ca_->CertificatePem());
  EXPECT_TRUE(IsOk(reloaded->VerifyClientPem(ReadFile(issued->cert_path), now_)));
  const auto via_load_or_create = FacilityCa::LoadOrCreate(tmp_ / "ca", now_);
  ASSERT_TRUE(IsOk(via_load_or_create));
  EXPECT_EQ(via_load_or_create->CertificatePem(), ca_->CertificatePem());
}

TEST_F(FacilityCaTest, LoadRefusesAReadableKeyOrAKeyOfAnotherCa) {
  ::chmod((tmp_ / "ca/ca-key.pem").c_str(), 0640);
  EXPECT_TRUE(FailsWith(FacilityCa::Load(tmp_ / "ca"), "chmod 600"));
  ::chmod((tmp_ / "ca/ca-key.pem").c_str(), 0600);
  ASSERT_TRUE(IsOk(FacilityCa::Create(tmp_ / "other", now_)));
  fs::copy_file(tmp_ / "other/ca-key.pem", tmp_ / "ca/ca-key.pem",
                fs::copy_options::overwrite_existing);
  EXPECT_TRUE(FailsWith(FacilityCa::Load(tmp_ / "ca"), "does not match"));
  EXPECT_FALSE(FacilityCa::Load(tmp_ / "nowhere").ok());
}

TEST_F(FacilityCaTest, FacilityCertificateVerifiesAndYieldsItsCode) {
  const auto issued = IssueClinic("clinic", now_);
  ASSERT_TRUE(IsOk(issued));
  const auto id = ca_->VerifyClientPem(ReadFile(issued->cert_path), now_);
  ASSERT_TRUE(IsOk(id));
  EXPECT_EQ(id->code, code_);
  EXPECT_EQ(id->name, kName);
  EXPECT_EQ(id->serial_hex, issued->serial_hex);
  EXPECT_EQ(id->not_after, now_ + 730 * kDay);
  EXPECT_EQ(issued->not_after - issued->not_before, 730 * kDay);
}

// Insurer certificates (OU=insurer, CN=保険者番号) open the insurer API only;
// facility certificates open the facility login only.
TEST_F(FacilityCaTest, InsurerAndFacilityCertificatesNeverPassForEachOther) {
  auto number = InsurerNumber::Parse("06139992");
  ASSERT_TRUE(IsOk(number));
  const auto insurer = ca_->IssueInsurer(*number, "オンシ健康保険組合", tmp_ / "insurer", now_);
  ASSERT_TRUE(IsOk(insurer));
  EXPECT_FALSE(fs::exists(tmp_ / "insurer/body.json"));
  const std::string insurer_pem = ReadFile(insurer->cert_path);
  const auto id = ca_->VerifyInsurerPem(insurer_pem, now_);
  ASSERT_TRUE(IsOk(id));
  EXPECT_EQ(id->number.digits(), "06139992");
  EXPECT_EQ(id->name, "オンシ健康保険組合");
  EXPECT_TRUE(FailsWith(ca_->VerifyClientPem(insurer_pem, now_), "not a facility certificate"));

  const auto clinic = IssueClinic("clinic", now_);
  ASSERT_TRUE(IsOk(clinic));
  EXPECT_TRUE(
      FailsWith(ca_->VerifyInsurerPem(ReadFile(clinic->cert_path), now_), "not an insurer"));

  // Expired and revoked insurer certificates are refused like facility ones.
  EXPECT_TRUE(FailsWith(ca_->VerifyInsurerPem(insurer_pem, now_ + 731 * kDay), "expired"));
  ASSERT_TRUE(IsOk(ca_->Revoke(insurer->serial_hex, now_)));
  EXPECT_TRUE(FailsWith(ca_->VerifyInsurerPem(insurer_pem, now_), "revoked"));
}

TEST_F(FacilityCaTest, WritesTheClinicLayoutWithModes) {
  const auto issued = IssueClinic("clinic", now_);
  ASSERT_TRUE(IsOk(issued));
  EXPECT_EQ(issued->cert_path, tmp_ / "clinic/cert.pem");
  EXPECT_EQ(issued->key_path, tmp_ / "clinic/key.pem");
  EXPECT_EQ(issued->body_path, tmp_ / "clinic/body.json");
  EXPECT_EQ(issued->ca_path, tmp_ / "clinic/ca.pem");
  EXPECT_EQ(Mode(issued->key_path), 0600u);
  EXPECT_EQ(Mode(issued->cert_path), 0644u);
  EXPECT_EQ(ReadFile(issued->ca_path), ca_->CertificatePem());

  const std::string body = ReadFile(issued->body_path);
  EXPECT_EQ(body, R"({"medicalInstitutionCode":"0110113719","clientId":")" + issued->serial_hex +
                      "\"}\n");
  const auto parsed = ParseLoginBody(body);
  ASSERT_TRUE(IsOk(parsed));
  EXPECT_TRUE(MatchesCertificate(*parsed, code_, issued->serial_hex));
  EXPECT_FALSE(MatchesCertificate(*parsed, Code("2714206386"), issued->serial_hex));
  EXPECT_FALSE(MatchesCertificate(*parsed, code_, "01"));
}

TEST_F(FacilityCaTest, SerialsAreRandom128BitNumbers) {
  const auto a = IssueClinic("a", now_);
  const auto b = IssueClinic("b", now_);
  ASSERT_TRUE(IsOk(a) && IsOk(b));
  EXPECT_NE(a->serial_hex, b->serial_hex);
  EXPECT_LE(a->serial_hex.size(), 32u);
  EXPECT_GE(a->serial_hex.size(), 20u);  // fails with probability ~2^-48
}

TEST_F(FacilityCaTest, OpensslCommandLineAcceptsTheFacilityCertificate) {
  const auto issued = IssueClinic("clinic", now_);
  ASSERT_TRUE(IsOk(issued));
  std::string out;
  EXPECT_EQ(Shell("openssl verify -CAfile " + issued->ca_path + " " + issued->cert_path, &out), 0)
      << out;
  EXPECT_NE(out.find(": OK"), std::string::npos) << out;
  EXPECT_EQ(Shell("openssl verify -purpose sslclient -x509_strict -crl_check -CRLfile " +
                      tmp_ / "ca/crl.pem -CAfile " + issued->ca_path + " " + issued->cert_path,
                  &out),
            0)
      << out;
  // The key in key.pem belongs to cert.pem.
  std::string cert_pub, key_pub;
  ASSERT_EQ(Shell("openssl x509 -noout -pubkey -in " + issued->cert_path, &cert_pub), 0);
  ASSERT_EQ(Shell("openssl pkey -pubout -in " + issued->key_path, &key_pub), 0);
  EXPECT_EQ(cert_pub, key_pub);
  // Subject as the real system would read it: UTF-8 O, CN = 医療機関コード.
  ASSERT_EQ(Shell("openssl x509 -noout -subject -nameopt RFC2253,-esc_msb -in " + issued->cert_path,
                  &out),
            0);
  EXPECT_NE(out.find("CN=0110113719,O=" + kName + ",C=JP"), std::string::npos) << out;
  ASSERT_EQ(Shell("openssl x509 -noout -text -in " + issued->cert_path, &out), 0);
  EXPECT_NE(out.find("TLS Web Client Authentication"), std::string::npos) << out;
  EXPECT_NE(out.find("CA:FALSE"), std::string::npos) << out;
}

TEST_F(FacilityCaTest, CertificateFromAnotherCaIsRejected) {
  // Same subject DN, different key: only the signature tells them apart.
  const auto other = FacilityCa::Create(tmp_ / "other-ca", now_);
  ASSERT_TRUE(IsOk(other));
  const auto issued = other->IssueFacility(code_, kName, tmp_ / "impostor", now_);
  ASSERT_TRUE(IsOk(issued));
  EXPECT_TRUE(
      FailsWith(ca_->VerifyClientPem(ReadFile(issued->cert_path), now_), "certificate rejected"));
  EXPECT_TRUE(IsOk(other->VerifyClientPem(ReadFile(issued->cert_path), now_)));  // control
  std::string out;
  EXPECT_NE(Shell("openssl verify -CAfile " + tmp_ / "ca/ca.pem " + issued->cert_path, &out), 0)
      << out;
}

TEST_F(FacilityCaTest, ExpiredAndNotYetValidCertificatesAreRejected) {
  const auto issued = IssueClinic("clinic", now_, 30);
  ASSERT_TRUE(IsOk(issued));
  const std::string pem = ReadFile(issued->cert_path);
  EXPECT_TRUE(IsOk(ca_->VerifyClientPem(pem, now_ + 30 * kDay - 1)));
  EXPECT_TRUE(FailsWith(ca_->VerifyClientPem(pem, now_ + 30 * kDay + 1), "expired"));
  EXPECT_TRUE(FailsWith(ca_->VerifyClientPem(pem, now_ - 1), "not yet valid"));
}

TEST_F(FacilityCaTest, CertificateIssuedWithValidityInThePastIsRejected) {
  // A one-day certificate that ended before the CA was even created.
  const auto issued = IssueClinic("old", now_ - 3 * 365 * kDay, 1);
  ASSERT_TRUE(IsOk(issued));
  EXPECT_TRUE(FailsWith(ca_->VerifyClientPem(ReadFile(issued->cert_path), now_), "expired"));
  std::string out;
  EXPECT_NE(Shell("openssl verify -CAfile " + issued->ca_path + " " + issued->cert_path, &out), 0)
      << out;
  EXPECT_NE(out.find("expired"), std::string::npos) << out;
}

TEST_F(FacilityCaTest, RevokedCertificateIsRejectedHereAfterReloadAndByTheCrl) {
  const auto revoked = IssueClinic("revoked", now_);
  const auto kept = IssueClinic("kept", now_);
  ASSERT_TRUE(IsOk(revoked) && IsOk(kept));
  const auto r = ca_->Revoke(revoked->serial_hex, now_);
  ASSERT_TRUE(IsOk(r));
  EXPECT_EQ(r->serial_hex, revoked->serial_hex);
  EXPECT_TRUE(ca_->IsRevoked(revoked->serial_hex));
  EXPECT_TRUE(FailsWith(ca_->VerifyClientPem(ReadFile(revoked->cert_path), now_), "revoked"));
  EXPECT_TRUE(IsOk(ca_->VerifyClientPem(ReadFile(kept->cert_path), now_)));

  // Persisted: a new process sees it.
  const auto reloaded = FacilityCa::Load(tmp_ / "ca");
  ASSERT_TRUE(IsOk(reloaded));
  ASSERT_EQ(reloaded->Revoked().size(), 1u);
  EXPECT_EQ(reloaded->Revoked()[0].revoked_at, now_);
  EXPECT_TRUE(FailsWith(reloaded->VerifyClientPem(ReadFile(revoked->cert_path), now_), "revoked"));

  // crl.pem, as the TLS layer would load it.
  const std::string crl =
      " -crl_check -CRLfile " + tmp_ / "ca/crl.pem -CAfile " + tmp_ / "ca/ca.pem ";
  std::string out;
  EXPECT_NE(Shell("openssl verify" + crl + revoked->cert_path, &out), 0) << out;
  EXPECT_NE(out.find("revoked"), std::string::npos) << out;
  EXPECT_EQ(Shell("openssl verify" + crl + kept->cert_path, &out), 0) << out;
  ASSERT_EQ(Shell("openssl crl -noout -text -in " + tmp_ / "ca/crl.pem", &out), 0) << out;
  EXPECT_NE(out.find("Serial Number: " + revoked->serial_hex), std::string::npos) << out;
}

TEST_F(FacilityCaTest, RevokeNormalisesSerialsAndIsIdempotent) {
  const auto issued = IssueClinic("clinic", now_);
  ASSERT_TRUE(IsOk(issued));
  std::string lower;
  for (char c : issued->serial_hex)
    lower += static_cast<char>(std::tolower(c));
  ASSERT_TRUE(IsOk(ca_->Revoke("0x" + lower, now_)));
  const auto again = ca_->Revoke(issued->serial_hex, now_ + 100);
  ASSERT_TRUE(IsOk(again));
  EXPECT_EQ(again->revoked_at, now_);  // the first date stands
  EXPECT_EQ(ca_->Revoked().size(), 1u);
  EXPECT_FALSE(ca_->Revoke("not-hex", now_).ok());
  EXPECT_FALSE(ca_->Revoke("", now_).ok());
}

// Issue 15: FacilityCa::Revoke had no caller and a server read the list only
// at start. Now another process's revocation (here: another FacilityCa on
// the same directory, as `onshi facility revoke` is) counts at this one's
// next verification, without Load() again.
TEST_F(FacilityCaTest, ARevocationByAnotherProcessCountsAtTheNextVerification) {
  const auto clinic = IssueClinic("clinic", now_);
  const auto insurer =
      ca_->IssueInsurer(*InsurerNumber::Parse("06139992"), "保険者", tmp_ / "insurer", now_);
  ASSERT_TRUE(IsOk(clinic) && IsOk(insurer));
  const std::string clinic_pem = ReadFile(clinic->cert_path);
  const std::string insurer_pem = ReadFile(insurer->cert_path);
  ASSERT_TRUE(IsOk(ca_->VerifyClientPem(clinic_pem, now_)));  // the server's copy, loaded

  auto cli = FacilityCa::Load(tmp_ / "ca");
  ASSERT_TRUE(IsOk(cli));
  ASSERT_TRUE(IsOk(cli->Revoke(clinic->serial_hex, now_)));
  EXPECT_TRUE(FailsWith(ca_->VerifyClientPem(clinic_pem, now_), "revoked"));
  EXPECT_TRUE(IsOk(ca_->VerifyInsurerPem(insurer_pem, now_)));
  ASSERT_TRUE(IsOk(cli->Revoke(insurer->serial_hex, now_ + 1)));
  EXPECT_TRUE(FailsWith(ca_->VerifyInsurerPem(insurer_pem, now_), "revoked"));
  EXPECT_EQ(ca_->Revoked().size(), 2u);

  // The server's own revocation keeps the CLI's: the list is re-read under
  // the lock before it is written.
  const auto third = IssueClinic("third", now_);
  ASSERT_TRUE(IsOk(third));
  ASSERT_TRUE(IsOk(ca_->Revoke(third->serial_hex, now_ + 2)));
  const auto reloaded = FacilityCa::Load(tmp_ / "ca");
  ASSERT_TRUE(IsOk(reloaded));
  EXPECT_EQ(reloaded->Revoked().size(), 3u);

  // A list that cannot be parsed (edited by hand) revokes nothing less.
  std::ofstream(tmp_ / "ca/revoked.txt") << "garbage line\n";
  EXPECT_TRUE(FailsWith(ca_->VerifyClientPem(clinic_pem, now_), "revoked"));
}

TEST_F(FacilityCaTest, ConcurrentRevocationsFromSeveralProcessesAreAllKept) {
  constexpr int kWriters = 8;
  std::vector<std::string> serials;
  for (int i = 0; i < kWriters; ++i) {
    const auto c = IssueClinic("c" + std::to_string(i), now_);
    ASSERT_TRUE(IsOk(c));
    serials.push_back(c->serial_hex);
  }
  // Each writer has its own FacilityCa and its own open file description
  // for the lock, as separate processes do.
  std::vector<std::thread> writers;
  std::vector<int> ok(kWriters, 0);
  for (int i = 0; i < kWriters; ++i) {
    writers.emplace_back([&, i] {
      auto mine = FacilityCa::Load(tmp_ / "ca");
      ok[static_cast<size_t>(i)] =
          mine.ok() && mine->Revoke(serials[static_cast<size_t>(i)], now_).ok();
    });
  }
  for (std::thread& t : writers)
    t.join();
  for (int i = 0; i < kWriters; ++i)
    EXPECT_EQ(ok[static_cast<size_t>(i)], 1) << i;
  const auto reloaded = FacilityCa::Load(tmp_ / "ca");
  ASSERT_TRUE(IsOk(reloaded));
  EXPECT_EQ(reloaded->Revoked().size(), static_cast<size_t>(kWriters));
  for (const std::string& serial : serials)
    EXPECT_TRUE(ca_->IsRevoked(serial)) << serial;
}

TEST_F(FacilityCaTest, ACertificateFileIsSummarisedForRevocation) {
  const auto clinic = IssueClinic("clinic", now_);
  ASSERT_TRUE(IsOk(clinic));
  const auto s = SummariseCertificatePem(ReadFile(clinic->cert_path));
  ASSERT_TRUE(IsOk(s));
  EXPECT_EQ(s->serial_hex, clinic->serial_hex);
  EXPECT_EQ(s->common_name, code_.digits());
  EXPECT_EQ(s->organizational_unit, "");
  EXPECT_FALSE(SummariseCertificatePem("not a certificate").ok());
}

TEST_F(FacilityCaTest, ServerCertificateServesLocalhostButCannotLogIn) {
  const auto server = ca_->IssueServer(tmp_ / "server", now_, {"onshi.example"});
  ASSERT_TRUE(IsOk(server));
  EXPECT_EQ(server->cert_path, tmp_ / "server/server-cert.pem");
  EXPECT_EQ(Mode(server->key_path), 0600u);
  EXPECT_TRUE(server->body_path.empty());
  std::string out;
  EXPECT_EQ(Shell("openssl verify -purpose sslserver -verify_hostname localhost -CAfile " +
                      server->ca_path + " " + server->cert_path,
                  &out),
            0)
      << out;
  EXPECT_EQ(Shell("openssl verify -purpose sslserver -verify_ip 127.0.0.1 -CAfile " +
                      server->ca_path + " " + server->cert_path,
                  &out),
            0)
      << out;
  ASSERT_EQ(
      Shell("openssl x509 -noout -ext subjectAltName,extendedKeyUsage -in " + server->cert_path,
            &out),
      0);
  EXPECT_NE(out.find("DNS:localhost, IP Address:127.0.0.1, DNS:onshi.example"), std::string::npos)
      << out;
  EXPECT_NE(out.find("TLS Web Server Authentication"), std::string::npos) << out;
  // serverAuth only: presenting it as a client certificate fails.
  EXPECT_TRUE(FailsWith(ca_->VerifyClientPem(ReadFile(server->cert_path), now_),
                        "unsuitable certificate purpose"));
  EXPECT_FALSE(ca_->IssueServer(tmp_ / "bad", now_, {"a,DNS:evil"}).ok());
}

TEST_F(FacilityCaTest, FacilityNamesMustBeUtf8OfAtMost64Characters) {
  EXPECT_FALSE(ca_->IssueFacility(code_, "", tmp_ / "x", now_).ok());
  EXPECT_FALSE(ca_->IssueFacility(code_, "\xff\xfe", tmp_ / "x", now_).ok());
  std::string longest, too_long;
  for (int i = 0; i < 64; ++i)
    longest += "診";
  too_long = longest + "療";
  EXPECT_TRUE(IsOk(ca_->IssueFacility(code_, longest, tmp_ / "x", now_)));
  EXPECT_FALSE(ca_->IssueFacility(code_, too_long, tmp_ / "y", now_).ok());
  EXPECT_FALSE(ca_->IssueFacility(code_, "x", tmp_ / "z", now_, 0).ok());
}

TEST_F(FacilityCaTest, GarbageIsNotACertificate) {
  EXPECT_TRUE(FailsWith(ca_->VerifyClientPem("", now_), "not a PEM certificate"));
  EXPECT_TRUE(FailsWith(ca_->VerifyClientPem("-----BEGIN CERTIFICATE-----\nAAAA\n", now_),
                        "not a PEM certificate"));
  EXPECT_TRUE(FailsWith(ca_->VerifyClient(nullptr, nullptr, now_), "no certificate"));
}

TEST_F(FacilityCaTest, LoginBodyParsingNamesTheBadMember) {
  EXPECT_EQ(ParseLoginBody(R"({"clientId":"AB"})").error().field, "medicalInstitutionCode");
  EXPECT_EQ(
      ParseLoginBody(R"({"medicalInstitutionCode":"0110113710","clientId":"AB"})").error().field,
      "medicalInstitutionCode");  // bad check digit
  EXPECT_EQ(ParseLoginBody(R"({"medicalInstitutionCode":"0110113719"})").error().field, "clientId");
  EXPECT_EQ(ParseLoginBody("[]").error().field, "json");
  EXPECT_TRUE(IsOk(ParseLoginBody(
      R"({"medicalInstitutionCode":"0110113719","clientId":"AB","extra":"tolerated"})")));
}

}  // namespace
}  // namespace onshi::auth
