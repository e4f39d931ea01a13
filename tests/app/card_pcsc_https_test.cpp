// Issue 21: one card check all the way through the real stack. A card made
// by `onshi card issue` is served by `onshi card emulate` (its own process)
// through vsmartcard's vpcd to a private pcscd; the reader code a facility
// runs (PcscReader + JpkiReaderSession, over pcsc-lite) reads its
// certificate, VERIFYs the PIN and has it sign the service's challenge; the
// clinic logs in with its client certificate and sends the proof over HTTPS
// to `onshi serve`, which answers the person's eligibility. The other HTTPS
// card tests (card_e2e_test) call the card in process.
//
// Needs root (pcscd runs in its own mount namespace: tests/reader's
// PcscdFixture), pcscd and vsmartcard-vpcd.
#include <gtest/gtest.h>
#include <openssl/sha.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <boost/json.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <string>

// The fixture's private directory, under the build tree as tests/reader's.
#ifndef ONSHI_READER_TEST_DIR
#define ONSHI_READER_TEST_DIR ONSHI_PG_TEST_DIR "/../reader-test-app"
#endif
#include "../reader/pcscd_fixture.hpp"
#include "auth/base64url.hpp"
#include "process_util.hpp"
#include "reader/jpki_reader_session.hpp"
#include "reader/pcsc_reader.hpp"
#include "service/card_check.hpp"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using onshi::testing::HttpAnswer;
using onshi::testing::Sh;

const std::string kBin = ONSHI_BINARY;
constexpr const char* kClinic = "1310000011";

std::string Base64Url(const std::vector<uint8_t>& bytes) {
  return onshi::auth::Base64UrlEncode(
      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

TEST(CardPcscHttpsTest, CardThroughPcscdAndVpcdIsCheckedOverHttps) {
  if (::geteuid() != 0) GTEST_SKIP() << "pcscd runs in a mount namespace of its own: needs root";
  // The fixture points this process's pcsc-lite at its private pcscd; the
  // tests after this one in the program get the environment back.
  struct RestoreSocket {
    std::optional<std::string> old;
    ~RestoreSocket() {
      if (old) {
        ::setenv("PCSCLITE_CSOCK_NAME", old->c_str(), 1);
      } else {
        ::unsetenv("PCSCLITE_CSOCK_NAME");
      }
    }
  } restore{std::getenv("PCSCLITE_CSOCK_NAME")
                ? std::optional<std::string>(std::getenv("PCSCLITE_CSOCK_NAME"))
                : std::nullopt};
  onshi::reader::testing::PcscdFixture pcscd;
  ASSERT_TRUE(pcscd.ready()) << pcscd.log();
  const fs::path dir =
      fs::temp_directory_path() / ("onshi-card-pcsc-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  struct Cleanup {
    fs::path dir;
    ~Cleanup() { fs::remove_all(dir); }
  } cleanup{dir};
  const std::string db = (dir / "t.db").string();
  int rc = 0;
  auto run = [&](const std::string& args) {
    const std::string out = Sh(kBin + " " + args + " --db " + db + " 2>&1", &rc);
    EXPECT_EQ(rc, 0) << args << "\n" << out;
    return out;
  };
  run("populate --quiet --members 100 --today 2026-11-23");
  std::string person = Sh(onshi::testing::SqliteShell(db) +
                          " \"SELECT m.person_id FROM members m WHERE linkage='linked' AND lost IS "
                          "NULL AND acquired < '2026-01-01' AND NOT EXISTS (SELECT 1 FROM cards c "
                          "WHERE c.person_id=m.person_id) ORDER BY m.person_id LIMIT 1\"");
  person = person.substr(0, person.find('\n'));
  ASSERT_FALSE(person.empty());
  run(std::string("facility add --code ") + kClinic + " --now 2026-11-20 --out " +
      (dir / "clinic").string());
  const std::string issued =
      run("card issue --person-id " + person + " --pin 1234 --now 2026-11-20");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(issued, m, std::regex(R"(card (\d+) \(person)"))) << issued;
  const std::string card_id = m[1];
  ASSERT_TRUE(std::regex_search(issued, m, std::regex(R"(card file\s+(\S+))"))) << issued;
  const std::string card_file = m[1];
  run("card register --card " + card_id + " --channel atm --now 2026-11-20");

  onshi::testing::ServeProcess server;
  const std::string base =
      server.Start({"--db", db, "--now", "2026-11-23T10:00:00+09:00", "--link-every", "0"});
  ASSERT_EQ(base.rfind("https://", 0), 0u) << base;

  // The card, in its own process, behind vpcd.
  const pid_t emulator = ::fork();
  if (emulator == 0) {
    const std::string vpcd = "127.0.0.1:" + std::to_string(pcscd.vpcd_port());
    const std::string key = db + ".card-issuer.key";
    ::execl(ONSHI_BINARY, ONSHI_BINARY, "card", "emulate", "--card", card_file.c_str(),
            "--issuer-key", key.c_str(), "--vpcd", vpcd.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  struct Reaper {
    pid_t pid;
    ~Reaper() {
      if (pid > 0 && ::kill(pid, SIGKILL) == 0) ::waitpid(pid, nullptr, 0);
    }
  } reaper{emulator};
  auto waited =
      onshi::reader::PcscReader::WaitForCard(pcscd.reader_name(), std::chrono::seconds(15));
  ASSERT_FALSE(waited) << waited->ToString() << "\n" << pcscd.log();

  // The clinic: its client certificate on every request, its token.
  const std::string tls = "--cacert " + (dir / "clinic/ca.pem").string() + " --cert " +
                          (dir / "clinic/cert.pem").string() + " --key " +
                          (dir / "clinic/key.pem").string() + " ";
  auto curl = [&](const std::string& path, const std::string& extra) {
    return onshi::testing::ParseCurl(
        Sh("curl -s -i --max-time 30 " + tls + extra + " '" + base + path + "'"));
  };
  const HttpAnswer login = curl(
      "/oqs-api-pro/MSA12020/ILI12020SV01/auth",
      "-H 'Content-Type: application/json' --data-binary @" + (dir / "clinic/body.json").string());
  ASSERT_EQ(login.status, 200) << login.body;
  const std::string token =
      std::string(json::parse(login.body).at("result").at("idToken").as_string());
  const HttpAnswer c =
      curl("/oqs-api-pro/card/challenge", "-X POST -H 'Authorization: " + token + "'");
  ASSERT_EQ(c.status, 200) << c.body;
  const std::string challenge = std::string(json::parse(c.body).at("challenge").as_string());
  const std::string raw = onshi::auth::Base64UrlDecode(challenge).value_or("");
  ASSERT_FALSE(raw.empty());

  // The reader: certificate, PIN, signature — every APDU through pcscd.
  std::string body;
  {
    auto reader = onshi::reader::PcscReader::Connect(pcscd.reader_name());
    ASSERT_TRUE(reader.ok()) << reader.error().ToString();
    onshi::reader::JpkiReaderSession session(reader->AsTransmit());
    ASSERT_FALSE(session.SelectJpki().has_value());
    auto cert = session.ReadAuthCertificate();
    ASSERT_TRUE(cert.ok()) << cert.error().ToString();
    auto pin = session.VerifyPin("1234");
    ASSERT_TRUE(pin.ok()) << pin.error().ToString();
    ASSERT_TRUE(pin->verified);
    const std::vector<uint8_t> message =
        onshi::service::SignedMessage(kClinic, std::vector<uint8_t>(raw.begin(), raw.end()));
    std::array<uint8_t, 32> digest;
    SHA256(message.data(), message.size(), digest.data());
    auto signature = session.SignDigestInfo(onshi::reader::Sha256DigestInfo(digest));
    ASSERT_TRUE(signature.ok()) << signature.error().ToString();
    body = "{\"certificate\":\"" + Base64Url(*cert) +
           "\",\"identityCheck\":\"pin\",\"challenge\":\"" + challenge + "\",\"signature\":\"" +
           Base64Url(*signature) + "\",\"qualificationConfirmationDate\":\"20261123\"}";
  }
  std::ofstream(dir / "card.json") << body;
  const HttpAnswer a =
      curl("/oqs-api-pro/card/search", "-H 'Authorization: " + token +
                                           "' -H 'Content-Type: application/json' --data-binary @" +
                                           (dir / "card.json").string());
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_NE(a.body.find("\"QualificationValidity\":\"1\""), std::string::npos) << a.body;
  // The same signed proof again: the challenge is spent.
  const HttpAnswer replay =
      curl("/oqs-api-pro/card/search", "-H 'Authorization: " + token +
                                           "' -H 'Content-Type: application/json' --data-binary @" +
                                           (dir / "card.json").string());
  EXPECT_EQ(replay.status, 401) << replay.body;
  EXPECT_EQ(replay.body.find("QualificationValidity"), std::string::npos) << replay.body;

  // The look-up is audited with the card's certificate, by the clinic.
  EXPECT_EQ(server.Stop(), 0);
  const std::string audited =
      Sh(onshi::testing::SqliteShell(db) +
         " \"SELECT COUNT(*) FROM audit_log WHERE action = 'eligibility.card' AND actor = "
         "'facility:" +
         kClinic + "' AND person_id = " + person + " AND detail LIKE '%validity=1%'\"");
  EXPECT_EQ(audited.substr(0, audited.find('\n')), "1");
  ::kill(emulator, SIGTERM);
  int status = 0;
  ::waitpid(emulator, &status, 0);
  reaper.pid = 0;
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

}  // namespace
