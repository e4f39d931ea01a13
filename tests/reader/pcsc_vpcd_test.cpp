// The emulated card behind a real PC/SC stack: pcscd with vsmartcard's vpcd
// driver, the card served by VpcdBridge in this process. The same host code
// that would drive a physical reader (PcscReader + JpkiReaderSession) reads,
// verifies and signs; OpenSC's pkcs15-tool, which has its own JPKI driver,
// checks the card independently.
#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <openssl/bn.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include "card/card.hpp"
#include "card/vpcd_bridge.hpp"
#include "pcscd_fixture.hpp"
#include "reader/jpki_reader_session.hpp"
#include "reader/pcsc_reader.hpp"
#include "reader_test_util.hpp"

namespace onshi::reader {
namespace {

using card::testing::kPin;
using card::testing::MakeCard;
using card::testing::TempDir;
using testing::PcscdFixture;
using testing::Sha256;
using testing::VerifiesWithCertificate;

constexpr std::chrono::seconds kCardTimeout{15};

struct CommandResult {
  int status = -1;
  std::string output;  // stdout and stderr
};

CommandResult RunCommand(const std::string& command) {
  CommandResult result;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0)
    result.output.append(buffer, n);
  const int status = ::pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string ToPem(const Bytes& der) {
  const unsigned char* p = der.data();
  X509* cert = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(len));
  BIO_free(bio);
  X509_free(cert);
  return pem;
}

class PcscVpcdTest : public ::testing::Test {
 protected:
  // One pcscd per process: libpcsclite reads $PCSCLITE_CSOCK_NAME once and
  // keeps it, so a second daemon on another socket would never be reached.
  // (ctest runs every test in a process of its own anyway.)
  static void SetUpTestSuite() { pcscd_ = new PcscdFixture(); }
  static void TearDownTestSuite() {
    delete pcscd_;
    pcscd_ = nullptr;
  }

  void SetUp() override {
    ASSERT_TRUE(pcscd_->ready()) << "pcscd did not start; its log:\n" << pcscd_->log();
    key_ = std::make_unique<card::IssuerKey>(
        card::IssuerKey::LoadOrCreate(dir_ / "issuer.key").value());
    card_ = std::make_unique<card::Card>(MakeCard(dir_ / "card.bin", *key_, &issued_));
    card::VpcdBridgeOptions options;
    options.host = "127.0.0.1";
    options.port = pcscd_->vpcd_port();
    options.max_backoff = std::chrono::milliseconds(200);
    bridge_ = std::make_unique<card::VpcdBridge>(card_.get(), options);
    thread_ = std::thread([this] { bridge_->Run(); });
    auto waited = PcscReader::WaitForCard(pcscd_->reader_name(), kCardTimeout);
    ASSERT_FALSE(waited) << waited->ToString() << "\npcscd log:\n" << pcscd_->log();
  }
  void TearDown() override {
    if (bridge_) bridge_->Stop();
    if (thread_.joinable()) thread_.join();
    // The next test's card must be a new insertion, not this one still
    // present in pcscd's eyes.
    if (pcscd_->ready()) {
      auto removed = PcscReader::WaitForRemoval(pcscd_->reader_name(), kCardTimeout);
      EXPECT_FALSE(removed) << removed->ToString();
    }
  }

  // pkcs15-tool on our reader, through our pcscd, with our opensc.conf.
  CommandResult Pkcs15Tool(const std::string& options) {
    const std::string conf = dir_ / "opensc.conf";
    std::ofstream(conf) << "app default {\n"
                           "  framework pkcs15 { use_file_caching = no; }\n"
                           "  card_driver jpki { disable_sign_cert = yes; }\n"
                           "}\n";
    return RunCommand("OPENSC_CONF='" + conf + "' timeout 30 pkcs15-tool --reader '" +
                      pcscd_->reader_name() + "' " + options);
  }

  static PcscdFixture* pcscd_;
  TempDir dir_;
  std::unique_ptr<card::IssuerKey> key_;
  jpki::IssuedUserCertificate issued_;
  std::unique_ptr<card::Card> card_;
  std::unique_ptr<card::VpcdBridge> bridge_;
  std::thread thread_;
};

PcscdFixture* PcscVpcdTest::pcscd_ = nullptr;

TEST_F(PcscVpcdTest, ReaderIsListedWithTheJpkiAtr) {
  auto readers = PcscReader::ListReaders();
  ASSERT_TRUE(readers.ok()) << readers.error().ToString();
  EXPECT_NE(std::find(readers->begin(), readers->end(), pcscd_->reader_name()), readers->end());
  auto reader = PcscReader::Connect(pcscd_->reader_name());
  ASSERT_TRUE(reader.ok()) << reader.error().ToString();
  EXPECT_EQ(reader->atr(), card::Card::Atr());
  EXPECT_EQ(reader->protocol(), Protocol::kT1);
}

TEST_F(PcscVpcdTest, JpkiSessionReadsVerifiesAndSignsThroughPcscd) {
  auto reader = PcscReader::Connect(pcscd_->reader_name());
  ASSERT_TRUE(reader.ok()) << reader.error().ToString();
  JpkiReaderSession session(reader->AsTransmit());
  if (auto e = session.SelectJpki()) FAIL() << e->ToString();

  auto cert = session.ReadAuthCertificate();
  ASSERT_TRUE(cert.ok()) << cert.error().ToString();
  EXPECT_EQ(*cert, issued_.der);

  auto wrong = session.VerifyPin("0000");
  ASSERT_TRUE(wrong.ok()) << wrong.error().ToString();
  EXPECT_FALSE(wrong->verified);
  EXPECT_EQ(wrong->tries_left, 2);  // 63C2
  auto right = session.VerifyPin(kPin);
  ASSERT_TRUE(right.ok()) << right.error().ToString();
  EXPECT_TRUE(right->verified);  // 9000

  auto signature = session.SignDigestInfo(Sha256DigestInfo(Sha256("through pcscd")));
  ASSERT_TRUE(signature.ok()) << signature.error().ToString();
  EXPECT_TRUE(VerifiesWithCertificate(*cert, "through pcscd", *signature));
  EXPECT_GT(bridge_->apdus(), 5u);
}

TEST_F(PcscVpcdTest, CardResetThroughPcscdEndsTheVerifiedState) {
  auto reader = PcscReader::Connect(pcscd_->reader_name());
  ASSERT_TRUE(reader.ok()) << reader.error().ToString();
  JpkiReaderSession session(reader->AsTransmit());
  if (auto e = session.SelectJpki()) FAIL() << e->ToString();
  ASSERT_TRUE(session.VerifyPin(kPin)->verified);
  ASSERT_FALSE(reader->ResetCard());
  if (auto e = session.SelectJpki()) FAIL() << e->ToString();
  auto signature = session.SignDigestInfo(Sha256DigestInfo(Sha256("x")));
  ASSERT_FALSE(signature.ok());
  EXPECT_NE(signature.error().message.find("6982"), std::string::npos);
}

// OpenSC, an implementation of the JPKI host side that is not ours.
TEST_F(PcscVpcdTest, OpenscPkcs15ToolReadsTheCertificate) {
  auto listed = Pkcs15Tool("--list-certificates");
  // OpenSC 0.23 (Debian 12) has no `disable_sign_cert` option (the conf
  // above is for later versions): its JPKI emulation also SELECTs EF 001B,
  // the 署名用 PIN, and asks its retry counter (00 20 00 80 → 63 Cx), and
  // gives up on the whole card ("Unsupported card") if either fails.
  ASSERT_EQ(listed.status, 0) << listed.output
                              << "(does the card answer SELECT EF 001B with 9000 and the "
                                 "retry query on it with 63 Cx?)";
  EXPECT_NE(listed.output.find("User Authentication Certificate"), std::string::npos)
      << listed.output;

  auto read = Pkcs15Tool("--read-certificate 01");
  ASSERT_EQ(read.status, 0) << read.output;
  EXPECT_NE(read.output.find(ToPem(issued_.der)), std::string::npos) << read.output;

  auto pins = Pkcs15Tool("--list-pins");
  ASSERT_EQ(pins.status, 0) << pins.output;
  EXPECT_NE(pins.output.find("User Authentication PIN"), std::string::npos) << pins.output;

  auto dump = Pkcs15Tool("-D");
  ASSERT_EQ(dump.status, 0) << dump.output;
  EXPECT_NE(dump.output.find("User Authentication Key"), std::string::npos) << dump.output;
}

// The issue's "done when": a card made by `onshi card issue` at the window,
// served by `onshi card emulate` (a separate process) through vpcd, is read
// by OpenSC's pkcs15-tool and by our reader code, and its certificate is the
// one the store knows the person by.
TEST(OnshiCardEmulateTest, CardFromOnshiCardIssueIsReadByPkcs15ToolThroughVpcd) {
  PcscdFixture pcscd;
  ASSERT_TRUE(pcscd.ready()) << pcscd.log();
  TempDir dir;
  const std::string bin = ONSHI_BINARY;
  const std::string db = dir / "t.db";
  ASSERT_EQ(RunCommand(bin + " populate --quiet --members 20 --today 2026-11-23 --db " + db).status,
            0);
  const std::string person = RunCommand("sqlite3 " + db +
                                        " 'SELECT MIN(person_id) FROM persons p WHERE NOT EXISTS "
                                        "(SELECT 1 FROM cards c WHERE c.person_id = p.person_id)'")
                                 .output;
  auto issued = RunCommand(bin + " card issue --person-id " + person.substr(0, person.find('\n')) +
                           " --pin 1234 --now 2026-11-23 --db " + db);
  ASSERT_EQ(issued.status, 0) << issued.output;
  const size_t at = issued.output.find("card file");
  ASSERT_NE(at, std::string::npos) << issued.output;
  std::string card_file = issued.output.substr(at + 9);
  card_file = card_file.substr(card_file.find_first_not_of(' '));
  card_file = card_file.substr(0, card_file.find('\n'));

  const pid_t emulator = ::fork();
  if (emulator == 0) {
    const std::string vpcd = "127.0.0.1:" + std::to_string(pcscd.vpcd_port());
    const std::string key = db + ".card-issuer.key";
    ::execl(ONSHI_BINARY, ONSHI_BINARY, "card", "emulate", "--card", card_file.c_str(),
            "--issuer-key", key.c_str(), "--vpcd", vpcd.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // An ASSERT below returns early: the emulator must not outlive the test
  // (it did, and kept the test run's process group waiting).
  struct Reaper {
    pid_t pid;
    ~Reaper() {
      if (pid > 0 && ::kill(pid, SIGKILL) == 0) ::waitpid(pid, nullptr, 0);
    }
  } reaper{emulator};
  auto waited = PcscReader::WaitForCard(pcscd.reader_name(), kCardTimeout);
  ASSERT_FALSE(waited) << waited->ToString() << "\n" << pcscd.log();

  const std::string conf = dir / "opensc.conf";
  std::ofstream(conf) << "app default { framework pkcs15 { use_file_caching = no; } }\n";
  auto read = RunCommand("OPENSC_CONF='" + conf + "' timeout 30 pkcs15-tool --reader '" +
                         pcscd.reader_name() + "' --read-certificate 01");
  EXPECT_EQ(read.status, 0) << read.output;
  {
    auto reader = PcscReader::Connect(pcscd.reader_name());
    ASSERT_TRUE(reader.ok()) << reader.error().ToString();
    JpkiReaderSession session(reader->AsTransmit());
    ASSERT_FALSE(session.SelectJpki().has_value());
    auto cert = session.ReadAuthCertificate();
    ASSERT_TRUE(cert.ok());
    EXPECT_NE(read.output.find(ToPem(*cert)), std::string::npos) << read.output;
    // The serial in the card's certificate is the one the store holds.
    const unsigned char* p = cert->data();
    X509* x = d2i_X509(nullptr, &p, static_cast<long>(cert->size()));
    ASSERT_NE(x, nullptr);
    BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), nullptr);
    char* hex = BN_bn2hex(bn);
    const std::string serial(hex);
    OPENSSL_free(hex);
    BN_free(bn);
    X509_free(x);
    const std::string stored =
        RunCommand("sqlite3 " + db +
                   " 'SELECT upper(cert_serial) FROM cards ORDER BY card_id DESC LIMIT 1'")
            .output;
    EXPECT_EQ(stored.substr(0, stored.find('\n')), serial);
    auto pin = session.VerifyPin("1234");
    ASSERT_TRUE(pin.ok());
    EXPECT_TRUE(pin->verified);
  }
  ::kill(emulator, SIGTERM);
  int status = 0;
  ::waitpid(emulator, &status, 0);
  reaper.pid = 0;
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

}  // namespace
}  // namespace onshi::reader
