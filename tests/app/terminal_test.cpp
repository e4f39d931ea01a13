// `onshi terminal`, driven the way real clinic programs drive a 資格確認端末
// (terminal-protocol.md §4.1, §11.1), against a real `onshi serve`. Every
// file the terminal writes is checked against the profiles of §10/§11.1:
//   - myclinic: the strict result reader (tests/oqs/strict_client.hpp);
//   - SmartKarte: the result contains the request's exact
//     <ArbitraryFileIdentifier>…</ArbitraryFileIdentifier>; a broken request
//     gives the request-named copy plus its .err;
//   - OQSDrug2: the result is named req_ → res_; Shift_JIS + CRLF requests;
//   - ReceptionAgent: temp-file-then-rename inside Req; the declared encoding
//     of the result equals the configured one.
// The test waits for files (a condition with a deadline), never for a time.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "../oqs/strict_client.hpp"
#include "oqs/charset.hpp"
#include "process_util.hpp"

namespace {

namespace fs = std::filesystem;
using onshi::testing::Sh;

std::string Read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void Write(const fs::path& p, const std::string& bytes) {
  std::ofstream(p, std::ios::binary) << bytes;
}

// Waits until `p` exists (and `gone` does not, when given); false after 30 s.
bool WaitFor(const fs::path& p, const fs::path& gone = {}) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    if (fs::exists(p) && (gone.empty() || !fs::exists(gone))) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

std::string Request(const std::string& afi, const std::string& encoding = "UTF-8",
                    const std::string& eol = "") {
  return "<?xml version=\"1.0\" encoding=\"" + encoding + "\" standalone=\"no\"?>" + eol +
         "<XmlMsg>" + eol + "<MessageHeader><QualificationConfirmationDate>20261123</" +
         "QualificationConfirmationDate>" + eol +
         "<MedicalInstitutionCode>1310000011</MedicalInstitutionCode>" + eol +
         "<ArbitraryFileIdentifier>" + afi + "</ArbitraryFileIdentifier></MessageHeader>" + eol +
         "<MessageBody><QualificationConfirmSearchInfo><InsurerNumber>06139992</InsurerNumber>" +
         eol + "<InsuredCardSymbol>1</InsuredCardSymbol><InsuredIdentificationNumber>1001</" +
         "InsuredIdentificationNumber><InsuredBranchNumber>00</InsuredBranchNumber>" + eol +
         "<Birthdate>19800515</Birthdate><LimitApplicationCertificateRelatedConsFlg>1</" +
         "LimitApplicationCertificateRelatedConsFlg></QualificationConfirmSearchInfo>" + eol +
         "</MessageBody></XmlMsg>" + eol;
}

// `onshi terminal` in a child process until the fixture stops it.
class TerminalProcess {
 public:
  void Start(const std::vector<std::string>& extra) {
    std::vector<std::string> args = {ONSHI_BINARY, "terminal"};
    args.insert(args.end(), extra.begin(), extra.end());
    pid_ = onshi::testing::SpawnOnshi(args);
  }
  ~TerminalProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }

 private:
  pid_t pid_ = 0;
};

class TerminalTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("onshi-terminal-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    const std::string bin = ONSHI_BINARY;
    const std::string db = (dir_ / "t.db").string();
    int rc = 0;
    Sh(bin + " populate --quiet --members 300 --scenarios --today 2026-11-23 --db " + db, &rc);
    ASSERT_EQ(rc, 0);
    Sh(bin + " facility add --now 2026-11-23T09:00:00+09:00 --code 1310000011 --out " +
           (dir_ / "clinic").string() + " --db " + db,
       &rc);
    ASSERT_EQ(rc, 0);
    server_ = new onshi::testing::ServeProcess();
    base_ = server_->Start({"--db", db, "--now", "2026-11-23T10:00:00+09:00", "--threads", "2"});
    ASSERT_EQ(base_.rfind("https://", 0), 0u) << base_;
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    fs::remove_all(dir_);
  }

  // A terminal over its own folders; `charset` "" answers in the request's.
  fs::path StartTerminal(const std::string& name, const std::string& charset = "") {
    const fs::path d = dir_ / name;
    fs::create_directories(d / "Req");
    const fs::path c = dir_ / "clinic";
    std::vector<std::string> args = {"--central",
                                     base_,
                                     "--cert",
                                     (c / "cert.pem").string(),
                                     "--key",
                                     (c / "key.pem").string(),
                                     "--body",
                                     (c / "body.json").string(),
                                     "--ca",
                                     (c / "ca.pem").string(),
                                     "--dir",
                                     d.string(),
                                     "--poll-ms",
                                     "20",
                                     "--settle-seconds",
                                     "1"};
    if (!charset.empty()) {
      args.push_back("--charset");
      args.push_back(charset);
    }
    terminal_.Start(args);
    return d;
  }

  static inline fs::path dir_;
  static inline onshi::testing::ServeProcess* server_ = nullptr;
  static inline std::string base_;
  TerminalProcess terminal_;
};

TEST_F(TerminalTest, RequestWrittenInPlaceIsAnsweredAsSmartKarteAndMyclinicRead) {
  const fs::path d = StartTerminal("smartkarte");
  // SmartKarte: UTF-8 without BOM, written in place.
  const fs::path req = d / "Req" / "OQSsiquc01req_20261123093000123abc.xml";
  Write(req, Request("20261123093000123-1a2b3c4d"));
  const fs::path res = d / "Res" / "OQSsiquc01res_20261123093000123abc.xml";
  ASSERT_TRUE(WaitFor(res, req)) << "no result, or the request was not removed";
  const std::string out = Read(res);
  EXPECT_NE(
      out.find("<ArbitraryFileIdentifier>20261123093000123-1a2b3c4d</ArbitraryFileIdentifier>"),
      std::string::npos)
      << out;
  EXPECT_TRUE(out.starts_with(R"(<?xml version="1.0" encoding="UTF-8" standalone="no"?>)"));
  const auto bad = onshi::oqs::strict::MyclinicViolations(out, /*one_result=*/true);
  EXPECT_TRUE(bad.empty()) << bad.front() << "\n" << out;
  EXPECT_NE(out.find("<QualificationValidity>1</QualificationValidity>"), std::string::npos);
}

TEST_F(TerminalTest, TempFileRenamedInAndShiftJisAsReceptionAgentWrites) {
  const fs::path d = StartTerminal("reception", "shift_jis");
  // ReceptionAgent: a temporary name inside Req (ignored), then the rename.
  const fs::path tmp = d / "Req" / ".receptionagent-5f0e.tmp";
  Write(tmp, onshi::oqs::Utf8ToCp932(Request("ra-0001", "shift_jis")));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // lets a poll see the temp file
  EXPECT_TRUE(fs::exists(tmp)) << "a temporary file is not a request";
  const fs::path req = d / "Req" / "OQSsiquc01req_202611230001.xml";
  fs::rename(tmp, req);
  const fs::path res = d / "Res" / "OQSsiquc01res_202611230001.xml";
  ASSERT_TRUE(WaitFor(res, req));
  const std::string out = Read(res);
  // The declared encoding is the configured one, and the bytes are CP932.
  EXPECT_TRUE(out.starts_with(R"(<?xml version="1.0" encoding="Shift_JIS" standalone="no"?>)"));
  EXPECT_NE(out.find("<CharacterCodeIdentifier>1</CharacterCodeIdentifier>"), std::string::npos);
  ASSERT_TRUE(onshi::oqs::Cp932ToUtf8(out).has_value());
  EXPECT_FALSE(onshi::oqs::IsValidUtf8(out)) << "names must be CP932 bytes";
  const auto bad = onshi::oqs::strict::MyclinicViolations(out, true);
  EXPECT_TRUE(bad.empty()) << bad.front();
}

TEST_F(TerminalTest, ShiftJisWithCrlfAsOqsDrug2WritesAndTheNameRule) {
  const fs::path d = StartTerminal("oqsdrug2");
  const fs::path req = d / "Req" / "OQSsiquc01req_202611230007.xml";
  Write(req, onshi::oqs::Utf8ToCp932(Request("drug2", "Shift_JIS", "\r\n")));
  // OQSDrug2: baseName.Replace("01req_", "01res_") in the sibling Res folder.
  const fs::path res = d / "Res" / "OQSsiquc01res_202611230007.xml";
  ASSERT_TRUE(WaitFor(res, req));
  const std::string out = Read(res);
  // No encoding configured: the answer is in the request's (Shift_JIS).
  EXPECT_NE(out.find(R"(encoding="Shift_JIS")"), std::string::npos);
  const auto bad = onshi::oqs::strict::MyclinicViolations(out, true);
  EXPECT_TRUE(bad.empty()) << bad.front();
}

TEST_F(TerminalTest, BrokenRequestGetsTheErrorPairAndUnknownNamesAreLeftAlone) {
  const fs::path d = StartTerminal("broken");
  const fs::path stray = d / "Req" / "notes.txt";
  Write(stray, "not a request");
  const fs::path req = d / "Req" / "OQSsiquc01req_202611230009.xml";
  const std::string broken = "<?xml version=\"1.0\"?><XmlMsg><MessageHeader><Arbitrary";
  Write(req, broken);
  // After the settle time the request is broken: .err first, then the copy.
  const fs::path copy = d / "Res" / "OQSsiquc01req_202611230009.xml";
  const fs::path err = d / "Res" / "OQSsiquc01req_202611230009.err";
  ASSERT_TRUE(WaitFor(copy, req));
  ASSERT_TRUE(fs::exists(err));
  EXPECT_EQ(Read(copy), broken);
  EXPECT_NE(Read(err).find("ONS-E0102"), std::string::npos) << Read(err);
  EXPECT_FALSE(fs::exists(d / "Res" / "OQSsiquc01res_202611230009.xml"));
  // A kind the terminal does not answer yet is told at once, not left to time out.
  const fs::path bulk = d / "Req" / "OQSmuquc01req_202611230010.xml";
  Write(bulk, Request("bulk"));
  ASSERT_TRUE(WaitFor(d / "Res" / "OQSmuquc01req_202611230010.xml", bulk));
  EXPECT_NE(Read(d / "Res" / "OQSmuquc01req_202611230010.err").find("ONS-E0108"),
            std::string::npos);
  EXPECT_TRUE(fs::exists(stray));
}

TEST_F(TerminalTest, APublishedResultIsNeverReplaced) {
  const fs::path d = StartTerminal("noreplace");
  const fs::path res = d / "Res" / "OQSsiquc01res_202611230011.xml";
  fs::create_directories(d / "Res");
  Write(res, "an earlier answer");
  const fs::path req = d / "Req" / "OQSsiquc01req_202611230011.xml";
  Write(req, Request("again"));
  // The request is taken (answered before), and the earlier file stands.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (fs::exists(req) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_FALSE(fs::exists(req));
  EXPECT_EQ(Read(res), "an earlier answer");
}

}  // namespace
