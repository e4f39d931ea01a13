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
#include "terminal/encrypt_config.hpp"
#include "terminal/zip_container.hpp"
#include "terminal_profiles.hpp"

namespace {

namespace fs = std::filesystem;
using onshi::testing::ProfileContext;
using onshi::testing::ProfileViolations;
using onshi::testing::Sh;

// Every file in Res against every profile (terminal_profiles.hpp).
void ExpectConformant(const fs::path& d, const ProfileContext& ctx) {
  const auto bad = ProfileViolations(d / "Res", ctx);
  EXPECT_TRUE(bad.empty()) << bad.size() << " violations, first: " << bad.front();
}

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

// The text of the first <tag>…</tag> in `xml` ("" if absent).
std::string Between(const std::string& xml, const std::string& tag) {
  const std::string open = "<" + tag + ">", close = "</" + tag + ">";
  const size_t a = xml.find(open);
  if (a == std::string::npos) return "";
  const size_t b = xml.find(close, a);
  return b == std::string::npos ? "" : xml.substr(a + open.size(), b - a - open.size());
}

std::string Decl(const std::string& encoding) {
  return "<?xml version=\"1.0\" encoding=\"" + encoding + "\" standalone=\"no\"?>";
}

struct Person {
  std::string id, number, branch, birth;
};

// OQSmuquc01req (terminal-protocol.md §6.4): one QualificationConfirmSearchInfo
// per person, each with its ArbitraryIdentifier; the header's date is the
// day to check against.
std::string BulkRequest(const std::string& afi, const std::string& date,
                        const std::vector<Person>& people, const std::string& encoding,
                        const std::string& eol) {
  std::string out = Decl(encoding) + eol + "<XmlMsg>" + eol + "<MessageHeader>" +
                    "<QualificationConfirmationDate>" + date + "</QualificationConfirmationDate>" +
                    "<MedicalInstitutionCode>1310000011</MedicalInstitutionCode>" +
                    "<ArbitraryFileIdentifier>" + afi + "</ArbitraryFileIdentifier>" +
                    "</MessageHeader>" + eol + "<MessageBody>" + eol;
  for (const Person& p : people) {
    out +=
        "<QualificationConfirmSearchInfo><InsurerNumber>06139992</InsurerNumber>"
        "<InsuredCardSymbol>1</InsuredCardSymbol><InsuredIdentificationNumber>" +
        p.number + "</InsuredIdentificationNumber><InsuredBranchNumber>" + p.branch +
        "</InsuredBranchNumber><Birthdate>" + p.birth +
        "</Birthdate><LimitApplicationCertificateRelatedConsFlg>1</"
        "LimitApplicationCertificateRelatedConsFlg><ArbitraryIdentifier>" +
        p.id + "</ArbitraryIdentifier></QualificationConfirmSearchInfo>" + eol;
  }
  return out + "</MessageBody></XmlMsg>" + eol;
}

// 02req: MedicalInstitutionCode + ReceptionNumber.
std::string Fetch(const std::string& reception, const std::string& encoding = "UTF-8",
                  const std::string& eol = "") {
  return Decl(encoding) + eol +
         "<XmlMsg><MessageHeader><MedicalInstitutionCode>1310000011</MedicalInstitutionCode>"
         "</MessageHeader>" +
         eol + "<MessageBody><ReceptionNumber>" + reception + "</ReceptionNumber></MessageBody>" +
         "</XmlMsg>" + eol;
}

// OQSsiimm01req (one) or OQSmuimm01req (several), §6.5.
std::string Registration(const std::string& afi, const std::vector<Person>& people,
                         const std::string& encoding = "UTF-8") {
  std::string out = Decl(encoding) +
                    "<XmlMsg><MessageHeader><MedicalInstitutionCode>1310000011"
                    "</MedicalInstitutionCode><ArbitraryFileIdentifier>" +
                    afi + "</ArbitraryFileIdentifier></MessageHeader><MessageBody>";
  for (const Person& p : people) {
    out += "<ReferenceNumberRegistrationInfo><ReferenceNumber>" + p.id +
           "</ReferenceNumber><InsurerNumber>06139992</InsurerNumber><InsuredCardSymbol>1"
           "</InsuredCardSymbol><InsuredIdentificationNumber>" +
           p.number + "</InsuredIdentificationNumber><InsuredBranchNumber>" + p.branch +
           "</InsuredBranchNumber></ReferenceNumberRegistrationInfo>";
  }
  return out + "</MessageBody></XmlMsg>";
}

// The answer in UTF-8 whatever it was written in.
std::string Utf8Of(const std::string& bytes) {
  if (bytes.find("encoding=\"Shift_JIS\"") == std::string::npos) return bytes;
  return onshi::oqs::Cp932ToUtf8(bytes).value_or("");
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
    ASSERT_EQ(onshi::testing::PopulateWithClinic(db, (dir_ / "clinic").string(), 300), "");
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
  fs::path StartTerminal(const std::string& name, const std::string& charset = "",
                         const std::vector<std::string>& extra = {}) {
    const fs::path d = dir_ / name;
    fs::create_directories(d / "Req");
    const fs::path c = dir_ / "clinic";
    std::vector<std::string> args = {
        "--central", base_, "--dir", d.string(), "--poll-ms", "20", "--settle-seconds", "1"};
    const std::vector<std::string> clinic = onshi::testing::ClinicTerminalArgs(c.string());
    args.insert(args.end(), clinic.begin(), clinic.end());
    if (!charset.empty()) {
      args.push_back("--charset");
      args.push_back(charset);
    }
    args.insert(args.end(), extra.begin(), extra.end());
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
  ProfileContext ctx;
  ctx.sent[req.filename().string()] = {"20261123093000123-1a2b3c4d"};
  ExpectConformant(d, ctx);
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
  ProfileContext ctx;
  ctx.charset = "Shift_JIS";
  ctx.sent[req.filename().string()] = {"ra-0001"};
  ExpectConformant(d, ctx);
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
  ProfileContext ctx;
  ctx.charset = "Shift_JIS";
  ctx.sent[req.filename().string()] = {"drug2"};
  ExpectConformant(d, ctx);
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
  // A broken 薬剤情報 request gets the same pair (its answers: issue 18,
  // clinical_e2e_test.cpp).
  const fs::path drug = d / "Req" / "YZKsiquc01req_202611230010.xml";
  Write(drug, broken);
  ASSERT_TRUE(WaitFor(d / "Res" / "YZKsiquc01req_202611230010.xml", drug));
  EXPECT_NE(Read(d / "Res" / "YZKsiquc01req_202611230010.err").find("ONS-E0102"),
            std::string::npos);
  EXPECT_TRUE(fs::exists(stray));
  // A broken bulk request gets the same pair (issue 16).
  const fs::path bulk = d / "Req" / "OQSmuquc01req_202611230012.xml";
  Write(bulk, broken);
  ASSERT_TRUE(WaitFor(d / "Res" / "OQSmuquc01req_202611230012.xml", bulk));
  EXPECT_NE(Read(d / "Res" / "OQSmuquc01req_202611230012.err").find("ONS-E0102"),
            std::string::npos);
  ProfileContext ctx;
  ctx.sent[req.filename().string()] = {};
  ctx.sent[drug.filename().string()] = {};
  ctx.sent[bulk.filename().string()] = {};
  ExpectConformant(d, ctx);
}

// Issue 16, 照会番号 (terminal-protocol.md §6.5): ReceptionAgent registers a
// patient's number (Shift_JIS, temp file renamed in); the number then comes
// back in that facility's later results for the person, and unknown keys
// are that registration's error. Before: ONS-E0108 for every OQSsiimm file.
TEST_F(TerminalTest, ReferenceNumberIsRegisteredAndComesBackInLaterResults) {
  const fs::path d = StartTerminal("refno", "shift_jis");
  ProfileContext ctx;
  ctx.charset = "Shift_JIS";
  const fs::path tmp = d / "Req" / ".receptionagent-77aa.tmp";
  Write(tmp, onshi::oqs::Utf8ToCp932(
                 Registration("ra-ref-1", {{"P-000123", "1001", "00", ""}}, "shift_jis")));
  const fs::path req = d / "Req" / "OQSsiimm01req_202611230101.xml";
  fs::rename(tmp, req);
  ctx.sent[req.filename().string()] = {"ra-ref-1"};
  const fs::path res = d / "Res" / "OQSsiimm01res_202611230101.xml";
  ASSERT_TRUE(WaitFor(res, req));
  std::string out = Utf8Of(Read(res));
  EXPECT_EQ(Between(out, "ProcessingResultStatus"), "1") << out;
  EXPECT_EQ(Between(out, "ReferenceNumber"), "P-000123");

  // Keys nobody holds: this registration's error, not a broken file.
  const fs::path unknown = d / "Req" / "OQSsiimm01req_202611230102.xml";
  Write(unknown, onshi::oqs::Utf8ToCp932(
                     Registration("ra-ref-2", {{"P-000999", "9999", "00", ""}}, "shift_jis")));
  ctx.sent[unknown.filename().string()] = {"ra-ref-2"};
  const fs::path unknown_res = d / "Res" / "OQSsiimm01res_202611230102.xml";
  ASSERT_TRUE(WaitFor(unknown_res, unknown));
  out = Utf8Of(Read(unknown_res));
  EXPECT_EQ(Between(out, "ProcessingResultStatus"), "2") << out;
  EXPECT_EQ(Between(out, "ProcessingResultCode"), "ONS-E0315");

  // A later 資格確認 of the same person carries the number.
  const fs::path check = d / "Req" / "OQSsiquc01req_202611230103.xml";
  Write(check, onshi::oqs::Utf8ToCp932(Request("ra-check", "shift_jis")));
  ctx.sent[check.filename().string()] = {"ra-check"};
  const fs::path check_res = d / "Res" / "OQSsiquc01res_202611230103.xml";
  ASSERT_TRUE(WaitFor(check_res, check));
  EXPECT_NE(Utf8Of(Read(check_res)).find("<ReferenceNumber>P-000123</ReferenceNumber>"),
            std::string::npos);

  // 照会番号一括登録 (OQSmuimm, MynaReception's 12-digit names): 01 → 受付番号 → 02.
  const fs::path bulk = d / "Req" / "OQSmuimm01req_202611230104.xml";
  Write(bulk, onshi::oqs::Utf8ToCp932(Registration(
                  "ra-bulk", {{"P-000124", "1001", "01", ""}, {"P-000125", "9998", "00", ""}},
                  "shift_jis")));
  ctx.sent[bulk.filename().string()] = {"ra-bulk"};
  const fs::path accepted = d / "Res" / "OQSmuimm01res_202611230104.xml";
  ASSERT_TRUE(WaitFor(accepted, bulk));
  const std::string reception = Between(Utf8Of(Read(accepted)), "ReceptionNumber");
  ASSERT_FALSE(reception.empty());
  std::string result;
  for (int n = 5; n < 200 && Between(result, "SegmentOfResult") != "1"; ++n) {
    const std::string name = "OQSmuimm02req_20261123" + std::to_string(1000 + n) + ".xml";
    Write(d / "Req" / name, onshi::oqs::Utf8ToCp932(Fetch(reception, "shift_jis")));
    ctx.sent[name] = {"", "1310000011", reception};
    std::string res_name = name;
    res_name.replace(10, 4, "res_");
    ASSERT_TRUE(WaitFor(d / "Res" / res_name, d / "Req" / name));
    result = Utf8Of(Read(d / "Res" / res_name));
  }
  EXPECT_EQ(Between(result, "NumberOfNormalProcessing"), "1") << result;
  EXPECT_EQ(Between(result, "NumberOfError"), "1");
  ExpectConformant(d, ctx);
}

// Issue 16, 一括照会 (§4.2, §6.4): tomorrow's appointments checked the
// evening before, as OQSDrug2 writes them (Shift_JIS + CRLF, date + 4-digit
// sequence). 01req → ReceptionNumber; 02req until SegmentOfResult 1 (2 while
// processing); then one BulkConfirmUnit per person in order, each echoing
// its ArbitraryIdentifier, checked against the request's date. A bad person
// is that unit's error. Before: ONS-E0108 for every OQSmuquc file.
TEST_F(TerminalTest, BulkCheckOfTomorrowsAppointmentsAnsweredPerPerson) {
  const fs::path d = StartTerminal("bulk");
  ProfileContext ctx;
  ctx.charset = "Shift_JIS";  // no charset configured: the requests' own
  const std::vector<Person> people = {{"pt1_1", "1001", "00", "19800515"},
                                      {"pt2_1", "1002", "00", "19751103"},
                                      {"pt3_1", "1001", "01", "19820228"},
                                      {"pt4_1", "1001", "00", "19801399"}};
  const fs::path req = d / "Req" / "OQSmuquc01req_202611230001.xml";
  Write(req, onshi::oqs::Utf8ToCp932(
                 BulkRequest("drug2-bulk", "20261124", people, "Shift_JIS", "\r\n")));
  auto& sent = ctx.sent[req.filename().string()];
  sent.afi = "drug2-bulk";
  for (const Person& p : people)
    sent.arbitrary_ids.insert(p.id);
  const fs::path accepted = d / "Res" / "OQSmuquc01res_202611230001.xml";
  ASSERT_TRUE(WaitFor(accepted, req));
  const std::string reception = Between(Utf8Of(Read(accepted)), "ReceptionNumber");
  ASSERT_EQ(reception.size(), 20u) << Utf8Of(Read(accepted));

  std::string result;
  for (int n = 2; n < 200 && Between(result, "SegmentOfResult") != "1"; ++n) {
    const std::string name = "OQSmuquc02req_20261123" + std::to_string(1000 + n) + ".xml";
    Write(d / "Req" / name, onshi::oqs::Utf8ToCp932(Fetch(reception, "Shift_JIS", "\r\n")));
    ctx.sent[name] = {"", "1310000011", reception};
    ctx.fetch_of[name] = req.filename().string();
    std::string res_name = name;
    res_name.replace(10, 4, "res_");
    ASSERT_TRUE(WaitFor(d / "Res" / res_name, d / "Req" / name));
    result = Utf8Of(Read(d / "Res" / res_name));
    const std::string segment = Between(result, "SegmentOfResult");
    ASSERT_TRUE(segment == "1" || segment == "2") << result;
  }
  EXPECT_EQ(Between(result, "ReceptionNumber"), reception);
  EXPECT_EQ(Between(result, "QualificationConfirmationDate"), "20261124");
  EXPECT_EQ(Between(result, "NumberOfProcessingResult"), "4");
  EXPECT_EQ(Between(result, "NumberOfNormalProcessing"), "3");
  // In request order, each unit's answer for its person.
  std::vector<std::string> units;
  for (size_t at = result.find("<BulkConfirmUnit>"); at != std::string::npos;
       at = result.find("<BulkConfirmUnit>", at + 1)) {
    units.push_back(result.substr(at, result.find("</BulkConfirmUnit>", at) - at));
  }
  ASSERT_EQ(units.size(), 4u);
  EXPECT_EQ(Between(units[0], "ArbitraryIdentifier"), "pt1_1");
  EXPECT_EQ(Between(units[0], "QualificationValidity"), "1");
  EXPECT_EQ(Between(units[1], "QualificationValidity"), "2");  // lost two months ago
  EXPECT_EQ(Between(units[2], "QualificationValidity"), "1");
  EXPECT_EQ(Between(units[3], "ProcessingResultStatus"), "2");
  EXPECT_EQ(Between(units[3], "ProcessingResultCode"), "ONS-E0310");
  ExpectConformant(d, ctx);
}

// Issue 16: a batch with nobody in it, or over the size limit (1000 by
// default), is refused as a whole with its code in the client's format.
TEST_F(TerminalTest, AnEmptyOrOversizedBulkRequestIsRefusedWithItsCode) {
  const fs::path d = StartTerminal("bulkempty");
  const fs::path req = d / "Req" / "OQSmuquc01req_202611230031.xml";
  Write(req, BulkRequest("sk-empty", "20261124", {}, "UTF-8", ""));
  const fs::path res = d / "Res" / "OQSmuquc01res_202611230031.xml";
  ASSERT_TRUE(WaitFor(res, req));
  const std::string out = Read(res);
  EXPECT_EQ(Between(out, "SegmentOfResult"), "9");
  EXPECT_EQ(Between(out, "ErrorCode"), "ONS-E0110");
  std::vector<Person> many(1001, Person{"x", "1001", "00", "19800515"});
  const fs::path big = d / "Req" / "OQSmuquc01req_202611230032.xml";
  Write(big, BulkRequest("sk-big", "20261124", many, "UTF-8", ""));
  const fs::path big_res = d / "Res" / "OQSmuquc01res_202611230032.xml";
  ASSERT_TRUE(WaitFor(big_res, big));
  EXPECT_EQ(Between(Read(big_res), "ErrorCode"), "ONS-E0109");
  ProfileContext ctx;
  ctx.sent[req.filename().string()] = {"sk-empty"};
  ctx.sent[big.filename().string()] = {"sk-big"};
  ExpectConformant(d, ctx);
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

// ---- encrypted mode (terminal-protocol.md §4.3) -----------------------------

using onshi::terminal::EncryptConf;
using onshi::terminal::EncryptSettings;

// encrypt.conf as the real terminal has it: ANSI (CP932) bytes, CRLF, one
// `<key>=<e|n>` per file kind, `e`/`E` encrypted; the prefixes that are always
// plain stay plain whatever they say; only the first line decides the mode
// reported; a file kind no line names follows that mode.
TEST(TerminalEncryptConf, ReadAsTheRealFileFieldByField) {
  auto conf = EncryptConf::Parse(
      "OQSsiquc=e\r\nOQSmuquc=E\r\n\r\nOQSsiimm=n\r\nEPS=e\r\nOQSmutic=e\r\nOQSmuhvq=e\r\n"
      "OQSmuonq=e\r\nOQSsihvq=e\r\nOQSsionq=e\r\nOQSsihvd=e\r\nOQSsiurl=e\r\nOQSsiinq=e\r\n"
      "OQSsiupd=e\r\nPMHsimsm=e\r\nYZKsiquc=x\r\n");
  ASSERT_TRUE(conf.ok()) << conf.error().ToString();
  EXPECT_TRUE(conf->Reported());
  EXPECT_TRUE(conf->Encrypts("OQSsiquc01res_202611230001.xml"));
  EXPECT_TRUE(conf->Encrypts("oqssiquc01res_x.xml"));  // Windows shares: no case
  EXPECT_TRUE(conf->Encrypts("OQSmuquc02res_202611230001.xml"));
  EXPECT_FALSE(conf->Encrypts("OQSsiimm01res_202611230001.xml"));
  for (const char* plain :
       {"EPSsiquc01res_1.xml", "OQSmutic02res_1.xml", "OQSmuhvq02res_1.xml", "OQSmuonq02res_1.xml",
        "OQSsihvq01res_1.xml", "OQSsionq01res_1.xml", "OQSsihvd01res_1.xml", "OQSsiurl01res_1.xml",
        "OQSsiinq01res_1.xml", "OQSsiupd01res_1.xml", "PMHsimsm01res_1.xml"}) {
    EXPECT_FALSE(conf->Encrypts(plain)) << plain << " is always plain";
  }
  EXPECT_FALSE(conf->Encrypts("YZKsiquc01res_1.xml"));  // neither e nor E
  EXPECT_TRUE(conf->Encrypts("TKKsiquc01res_1.xml"));   // no line: the mode reported
  auto first_plain = EncryptConf::Parse("OQSsiimm=n\nOQSsiquc=e\n");
  ASSERT_TRUE(first_plain.ok());
  EXPECT_FALSE(first_plain->Reported());
  EXPECT_TRUE(first_plain->Encrypts("OQSsiquc01res_1.xml"));
  EXPECT_FALSE(first_plain->Encrypts("TKKsiquc01res_1.xml"));
  auto face = EncryptConf::Parse("face=e\r\nprescription=e\r\npublicmedicalhub=e\r\n");
  ASSERT_TRUE(face.ok());
  EXPECT_TRUE(face->Encrypts("OQSsiquc01res_face_13100000111234_20261123090000.xml"));
  EXPECT_FALSE(face->Encrypts("prescription_1.xml"));
  EXPECT_FALSE(face->Encrypts("publicmedicalhub_1.xml"));
  // 読み込み異常: a line that is not <key>=<value>, named by its number.
  auto bad = EncryptConf::Parse("OQSsiquc=e\r\nOQSmuquc\r\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "line 2");
  EXPECT_FALSE(EncryptConf::Parse("OQSsiquc=e=n\r\n").ok());
  EXPECT_FALSE(EncryptConf().Reported());  // no file: plain
}

TEST(TerminalEncryptConf, ThePasswordIsNeededAndKeptPrivate) {
  const fs::path d = fs::temp_directory_path() / ("onshi-encrypt-" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  auto plain = EncryptSettings::Load(d.string());  // no files at all: plain
  ASSERT_TRUE(plain.ok());
  EXPECT_TRUE(plain->password.empty());
  Write(d / "encrypt.conf", "OQSsiquc=e\r\n");
  EXPECT_EQ(EncryptSettings::Load(d.string()).error().field, "crypt.pass");
  Write(d / "crypt.pass", "s3cret-pass\r\n");
  fs::permissions(d / "crypt.pass", fs::perms::owner_read | fs::perms::group_read);
  EXPECT_EQ(EncryptSettings::Load(d.string()).error().field, "crypt.pass");
  fs::permissions(d / "crypt.pass", fs::perms::owner_read | fs::perms::owner_write);
  auto loaded = EncryptSettings::Load(d.string());
  ASSERT_TRUE(loaded.ok()) << loaded.error().ToString();
  EXPECT_EQ(loaded->password, "s3cret-pass");
  Write(d / "encrypt_face.conf", "face=e\r\nbroken\r\n");
  EXPECT_EQ(EncryptSettings::Load(d.string()).error().field, "line 2");
  fs::remove_all(d);
}

// The container: read back by the profile's own AE-2 reader (OpenSSL + zlib),
// and by the terminal's reader with the right password only.
TEST(TerminalZip, AnAes256ArchiveOfOneXmlFile) {
  const std::string xml = onshi::oqs::Utf8ToCp932(Request("zip-1", "Shift_JIS", "\r\n"));
  auto zipped = onshi::terminal::ZipOne("OQSsiquc01res_1.xml", xml, "pass-1", 1795000000);
  ASSERT_TRUE(zipped.ok()) << zipped.error().ToString();
  EXPECT_EQ(zipped->find("XmlMsg"), std::string::npos) << "the XML shows through";
  std::string name, why;
  const auto inner = onshi::testing::ReadAe2Zip(*zipped, "pass-1", &name, &why);
  ASSERT_TRUE(inner.has_value()) << why;
  EXPECT_EQ(name, "OQSsiquc01res_1.xml");
  EXPECT_EQ(*inner, xml);
  EXPECT_FALSE(onshi::testing::ReadAe2Zip(*zipped, "pass-2", &name, &why).has_value());
  auto back = onshi::terminal::UnzipXml(*zipped, "OQSsiquc01res_", "pass-1");
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(*back, xml);
  EXPECT_FALSE(onshi::terminal::UnzipXml(*zipped, "OQSsiquc01res_", "pass-2").ok());
  EXPECT_FALSE(onshi::terminal::UnzipXml(zipped->substr(0, zipped->size() / 2), "", "pass-1").ok());
}

// The container a file is published in: a Face file under
// encrypt_face.conf, an answer under encrypt.conf, each as its switch says.
TEST(TerminalZip, EachFileInTheContainerItsSwitchSays) {
  auto face = EncryptConf::Parse("face=e\r\n");
  auto files = EncryptConf::Parse("OQSsiquc=n\r\nOQSmuquc=e\r\n");
  ASSERT_TRUE(face.ok() && files.ok());
  const std::string face_name =
      "OQSsiquc01res_face_1310000011abcdef0123456789abcd_20261123090000.xml";
  auto f = onshi::terminal::InContainer(face_name, "<XmlMsg/>", &*face, "pw", 1795000000);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->name, "OQSsiquc01res_face_1310000011abcdef0123456789abcd_20261123090000.zip");
  std::string name, why;
  EXPECT_EQ(onshi::testing::ReadAe2Zip(f->bytes, "pw", &name, &why).value_or(why), "<XmlMsg/>");
  EXPECT_EQ(name, face_name);
  auto plain = onshi::terminal::InContainer("OQSsiquc01res_1.xml", "<XmlMsg/>", &*files, "pw", 0);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->name, "OQSsiquc01res_1.xml");
  EXPECT_EQ(plain->bytes, "<XmlMsg/>");
  auto bulk =
      onshi::terminal::InContainer("OQSmuquc02res_1.xml", "<XmlMsg/>", &*files, "pw", 1795000000);
  ASSERT_TRUE(bulk.ok());
  EXPECT_EQ(bulk->name, "OQSmuquc02res_1.zip");
  auto none = onshi::terminal::InContainer("OQSmuquc02res_1.xml", "<XmlMsg/>", nullptr, "", 0);
  EXPECT_EQ(none->name, "OQSmuquc02res_1.xml");
}

// Issue 16: the terminal in encrypted mode. Before: encrypt.conf was not read
// and a .zip request was never picked up. A .zip request is decrypted and
// answered; answers of the kinds the switch encrypts are <res>.zip, those of
// plain kinds stay .xml; a .zip that does not decrypt gets the error pair; a
// bulk 02res is a .zip holding the 02res XML (OQSDrug2, §4.2), and every
// file passes the profiles once decrypted.
TEST_F(TerminalTest, EncryptedModeAnswersInZipsAsTheSwitchSays) {
  const fs::path conf = dir_ / "encrypt-config";
  fs::create_directories(conf);
  Write(conf / "encrypt.conf", "OQSsiquc=e\r\nOQSmuquc=e\r\nOQSsiimm=n\r\n");
  const std::string password =
      "pw-" + std::to_string(::getpid()) + "-" + std::to_string(::time(nullptr));
  Write(conf / "crypt.pass", password + "\r\n");
  fs::permissions(conf / "crypt.pass", fs::perms::owner_read | fs::perms::owner_write);
  const fs::path d = StartTerminal("encrypted", "", {"--encrypt-config", conf.string()});
  ProfileContext ctx;
  ctx.zip_password = password;
  ctx.charset = "Shift_JIS";

  // A zipped, encrypted request (OQSsiquc01req_….zip, §4.3).
  const std::string sjis = onshi::oqs::Utf8ToCp932(Request("enc-zip", "Shift_JIS", "\r\n"));
  auto zipped =
      onshi::terminal::ZipOne("OQSsiquc01req_202611230101.xml", sjis, password, 1795000000);
  ASSERT_TRUE(zipped.ok());
  const fs::path req_zip = d / "Req" / "OQSsiquc01req_202611230101.zip";
  Write(req_zip, *zipped);
  ctx.sent["OQSsiquc01req_202611230101.xml"] = {"enc-zip"};
  // A plain request of an encrypted kind.
  const fs::path req_xml = d / "Req" / "OQSsiquc01req_202611230102.xml";
  Write(req_xml, sjis);
  ctx.sent[req_xml.filename().string()] = {"enc-zip"};
  ASSERT_TRUE(WaitFor(d / "Res" / "OQSsiquc01res_202611230101.zip", req_zip));
  ASSERT_TRUE(WaitFor(d / "Res" / "OQSsiquc01res_202611230102.zip", req_xml));
  EXPECT_FALSE(fs::exists(d / "Res" / "OQSsiquc01res_202611230101.xml"));
  std::string name, why;
  const auto answer = onshi::testing::ReadAe2Zip(Read(d / "Res" / "OQSsiquc01res_202611230101.zip"),
                                                 password, &name, &why);
  ASSERT_TRUE(answer.has_value()) << why;
  EXPECT_NE(answer->find("<ArbitraryFileIdentifier>enc-zip</ArbitraryFileIdentifier>"),
            std::string::npos);

  // A .zip that does not decrypt: the error pair, the copy as written.
  auto wrong =
      onshi::terminal::ZipOne("OQSsiquc01req_202611230103.xml", sjis, "not-it", 1795000000);
  const fs::path req_wrong = d / "Req" / "OQSsiquc01req_202611230103.zip";
  Write(req_wrong, *wrong);
  ctx.sent[req_wrong.filename().string()] = {""};
  ASSERT_TRUE(WaitFor(d / "Res" / "OQSsiquc01req_202611230103.zip", req_wrong));
  EXPECT_TRUE(fs::exists(d / "Res" / "OQSsiquc01req_202611230103.err"));
  EXPECT_EQ(Read(d / "Res" / "OQSsiquc01req_202611230103.zip"), *wrong);

  // Bulk: 01res and 02res are zips; the last 02res holds the units.
  const std::vector<Person> people = {{"pe1_1", "1001", "00", "19800515"}};
  const fs::path bulk = d / "Req" / "OQSmuquc01req_202611230104.xml";
  Write(bulk,
        onshi::oqs::Utf8ToCp932(BulkRequest("enc-bulk", "20261124", people, "Shift_JIS", "\r\n")));
  auto& sent = ctx.sent[bulk.filename().string()];
  sent.afi = "enc-bulk";
  sent.arbitrary_ids.insert("pe1_1");
  const fs::path accepted = d / "Res" / "OQSmuquc01res_202611230104.zip";
  ASSERT_TRUE(WaitFor(accepted, bulk));
  const auto accepted_xml = onshi::testing::ReadAe2Zip(Read(accepted), password, &name, &why);
  ASSERT_TRUE(accepted_xml.has_value()) << why;
  const std::string reception = Between(Utf8Of(*accepted_xml), "ReceptionNumber");
  ASSERT_EQ(reception.size(), 20u);
  std::string result;
  for (int n = 2; n < 200 && Between(result, "SegmentOfResult") != "1"; ++n) {
    const std::string req_name = "OQSmuquc02req_20261124" + std::to_string(1000 + n) + ".xml";
    Write(d / "Req" / req_name, onshi::oqs::Utf8ToCp932(Fetch(reception, "Shift_JIS", "\r\n")));
    ctx.sent[req_name] = {"", "1310000011", reception};
    ctx.fetch_of[req_name] = bulk.filename().string();
    std::string res_name = req_name;
    res_name.replace(10, 4, "res_");
    res_name.replace(res_name.size() - 4, 4, ".zip");
    ASSERT_TRUE(WaitFor(d / "Res" / res_name, d / "Req" / req_name));
    const auto xml = onshi::testing::ReadAe2Zip(Read(d / "Res" / res_name), password, &name, &why);
    ASSERT_TRUE(xml.has_value()) << why;
    // OQSDrug2: the XML in the archive whose name starts with the 02res prefix.
    EXPECT_TRUE(name.starts_with("OQSmuquc02res_")) << name;
    result = Utf8Of(*xml);
  }
  EXPECT_EQ(Between(result, "NumberOfProcessingResult"), "1");
  ExpectConformant(d, ctx);
}

}  // namespace
