// The terminal when the central service goes away (R-FAC-7, seed 000) and
// a bulk batch across a restart (issue 16). A real `onshi serve` is killed
// (SIGKILL, as a crash or a cut line) mid-day and started again on the same
// port and database; the terminal keeps running throughout.
// The test waits for files (a condition with a deadline), never for a time.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "../oqs/strict_client.hpp"
#include "oqs/charset.hpp"
#include "process_util.hpp"
#include "terminal_profiles.hpp"

namespace {

namespace fs = std::filesystem;
using onshi::testing::ProfileContext;
using onshi::testing::ProfileViolations;
using onshi::testing::ReadFile;
using onshi::testing::Sh;

void Write(const fs::path& p, const std::string& bytes) {
  std::ofstream(p, std::ios::binary) << bytes;
}

bool WaitUntil(const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

bool WaitFor(const fs::path& p, const fs::path& gone) {
  return WaitUntil([&] { return fs::exists(p) && !fs::exists(gone); });
}

std::string Between(const std::string& xml, const std::string& tag) {
  const std::string open = "<" + tag + ">", close = "</" + tag + ">";
  const size_t a = xml.find(open);
  if (a == std::string::npos) return "";
  const size_t b = xml.find(close, a);
  return b == std::string::npos ? "" : xml.substr(a + open.size(), b - a - open.size());
}

std::string Check(const std::string& afi, const std::string& date, const std::string& number,
                  const std::string& branch, const std::string& birth) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?><XmlMsg><MessageHeader>"
         "<QualificationConfirmationDate>" +
         date +
         "</QualificationConfirmationDate><MedicalInstitutionCode>1310000011"
         "</MedicalInstitutionCode><ArbitraryFileIdentifier>" +
         afi +
         "</ArbitraryFileIdentifier></MessageHeader><MessageBody><QualificationConfirmSearchInfo>"
         "<InsurerNumber>06139992</InsurerNumber><InsuredCardSymbol>1</InsuredCardSymbol>"
         "<InsuredIdentificationNumber>" +
         number + "</InsuredIdentificationNumber><InsuredBranchNumber>" + branch +
         "</InsuredBranchNumber><Birthdate>" + birth +
         "</Birthdate><LimitApplicationCertificateRelatedConsFlg>0"
         "</LimitApplicationCertificateRelatedConsFlg></QualificationConfirmSearchInfo>"
         "</MessageBody></XmlMsg>";
}

class TerminalOutageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("onshi-outage-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = (dir_ / "t.db").string();
    ASSERT_EQ(onshi::testing::PopulateWithClinic(db_, (dir_ / "clinic").string(), 50), "");
  }
  void TearDown() override {
    StopTerminal();
    server_.Stop();
    fs::remove_all(dir_);
  }

  // (Re)starts the central service; the first start picks a port, later
  // ones take the same port, as a restarted server would.
  void StartCentral(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--db",      db_, "--now", "2026-11-23T10:00:00+09:00",
                                     "--threads", "2"};
    args.insert(args.end(), extra.begin(), extra.end());
    const std::string base =
        server_.Start(args, port_.empty() ? "127.0.0.1:0" : "127.0.0.1:" + port_);
    ASSERT_EQ(base.rfind("https://", 0), 0u) << base;
    if (port_.empty()) {
      base_ = base;
      port_ = base.substr(base.rfind(':') + 1);
    }
    ASSERT_EQ(base, base_);
  }

  fs::path StartTerminal() {
    const fs::path d = dir_ / "term";
    fs::create_directories(d / "Req");
    const fs::path c = dir_ / "clinic";
    std::vector<std::string> args = {ONSHI_BINARY,
                                     "terminal",
                                     "--central",
                                     base_,
                                     "--dir",
                                     d.string(),
                                     "--poll-ms",
                                     "20",
                                     "--settle-seconds",
                                     "1",
                                     "--outage-after-seconds",
                                     "0",
                                     "--reconcile-seconds",
                                     "1"};
    const std::vector<std::string> clinic = onshi::testing::ClinicTerminalArgs(c.string());
    args.insert(args.end(), clinic.begin(), clinic.end());
    terminal_ = onshi::testing::SpawnOnshi(args);
    return d;
  }
  void StopTerminal() {
    if (terminal_ > 0) {
      ::kill(terminal_, SIGTERM);
      int status = 0;
      ::waitpid(terminal_, &status, 0);
      terminal_ = 0;
    }
  }

  // Writes a request and returns its answer (UTF-8 here).
  std::string Ask(const fs::path& d, const std::string& suffix, const std::string& body,
                  ProfileContext& ctx, const std::string& afi) {
    const std::string name = "OQSsiquc01req_" + suffix + ".xml";
    Write(d / "Req" / name, body);
    ctx.sent[name] = {afi};
    const fs::path res = d / "Res" / ("OQSsiquc01res_" + suffix + ".xml");
    EXPECT_TRUE(WaitFor(res, d / "Req" / name)) << name;
    return ReadFile(res);
  }

  fs::path dir_;
  std::string db_, base_, port_;
  onshi::testing::ServeProcess server_;
  pid_t terminal_ = 0;
};

// R-FAC-7 (seed 000): mid-day the central service dies. Revisits are
// answered from the terminal's encrypted cache and marked as cached; a
// first visit is refused with ONS-E0910 telling staff what to accept, and
// recorded; staff record a 被保険者資格申立書. When the service is back, all
// of it is confirmed and the differences are in a Japanese report.
TEST_F(TerminalOutageTest, OutageMidDayAnswersFromTheCacheQueuesAndReconciles) {
  StartCentral();
  const fs::path d = StartTerminal();
  ProfileContext ctx;
  // Morning: two patients confirmed online. 次郎 (1002) on 1 September, before
  // his qualification was lost (23 September); 一郎 (1001) today.
  std::string out =
      Ask(d, "0001", Check("am-1", "20260901", "1002", "00", "19751103"), ctx, "am-1");
  ASSERT_EQ(Between(out, "QualificationValidity"), "1") << out;
  out = Ask(d, "0002", Check("am-2", "20261123", "1001", "00", "19800515"), ctx, "am-2");
  ASSERT_EQ(Between(out, "QualificationValidity"), "1") << out;

  // Last evening's 一括照会 of today's appointments also filled the cache (桜).
  const std::string bulk = "OQSmuquc01req_202611220001.xml";
  std::string batch = Check("eve-1", "20261123", "1001", "02", "20150601");
  batch.replace(batch.find("</LimitApplicationCertificateRelatedConsFlg>"),
                std::string("</LimitApplicationCertificateRelatedConsFlg>").size(),
                "</LimitApplicationCertificateRelatedConsFlg><ArbitraryIdentifier>sakura"
                "</ArbitraryIdentifier>");
  Write(d / "Req" / bulk, batch);
  ctx.sent[bulk].afi = "eve-1";
  ctx.sent[bulk].arbitrary_ids = {"sakura"};
  ASSERT_TRUE(WaitFor(d / "Res" / "OQSmuquc01res_202611220001.xml", d / "Req" / bulk));
  const std::string reception =
      Between(ReadFile(d / "Res" / "OQSmuquc01res_202611220001.xml"), "ReceptionNumber");
  out.clear();
  for (int n = 2; n < 300 && Between(out, "SegmentOfResult") != "1"; ++n) {
    const std::string name = "OQSmuquc02req_2026112" + std::to_string(20000 + n) + ".xml";
    Write(d / "Req" / name,
          "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?><XmlMsg><MessageHeader>"
          "<MedicalInstitutionCode>1310000011</MedicalInstitutionCode></MessageHeader>"
          "<MessageBody><ReceptionNumber>" +
              reception + "</ReceptionNumber></MessageBody></XmlMsg>");
    ctx.sent[name] = {"", "1310000011", reception};
    ctx.fetch_of[name] = bulk;
    const fs::path res = d / "Res" / ("OQSmuquc02res_2026112" + std::to_string(20000 + n) + ".xml");
    ASSERT_TRUE(WaitFor(res, d / "Req" / name));
    out = ReadFile(res);
  }
  ASSERT_EQ(Between(out, "QualificationValidity"), "1") << out;

  server_.Kill();  // the line goes down

  // A revisit: the last confirmed qualification, marked as cached.
  out = Ask(d, "0003", Check("pm-1", "20261123", "1002", "00", "19751103"), ctx, "pm-1");
  EXPECT_EQ(Between(out, "SegmentOfResult"), "1") << out;
  EXPECT_EQ(Between(out, "ProcessingResultStatus"), "1");
  EXPECT_EQ(Between(out, "ProcessingResultCode"), "ONS-I0301");
  EXPECT_NE(Between(out, "ProcessingResultMessage").find("前回確認（2026年"), std::string::npos)
      << out;
  EXPECT_EQ(Between(out, "Source"), "cache");
  EXPECT_EQ(Between(out, "QualificationValidity"), "1");
  EXPECT_EQ(Between(out, "QualificationConfirmationDate"), "20261123");
  out = Ask(d, "0004", Check("pm-2", "20261123", "1001", "00", "19800515"), ctx, "pm-2");
  EXPECT_EQ(Between(out, "ProcessingResultCode"), "ONS-I0301") << out;
  out = Ask(d, "0007", Check("pm-5", "20261123", "1001", "02", "20150601"), ctx, "pm-5");
  EXPECT_EQ(Between(out, "ProcessingResultCode"), "ONS-I0301") << "cached by the bulk check";
  // A first visit: nothing to answer with; staff are told what to do.
  out = Ask(d, "0005", Check("pm-3", "20261123", "1001", "01", "19820228"), ctx, "pm-3");
  EXPECT_EQ(Between(out, "SegmentOfResult"), "9") << out;
  EXPECT_EQ(Between(out, "ErrorCode"), "ONS-E0910");
  EXPECT_NE(Between(out, "ErrorMessage").find("資格情報のお知らせ"), std::string::npos);
  // Staff record a 申立書 filled at the window (with a name that is not the
  // registered one), and a typo is refused at the desk.
  int rc = 0;
  const std::string record = std::string(ONSHI_BINARY) + " terminal record --dir " + d.string() +
                             " --code 1310000011 --insurer 06139992 --symbol 1 --date 20261123";
  Sh(record + " --via statement --number 1003 --branch 00 --birthdate 19900720 --name '申立 三郎'",
     &rc);
  EXPECT_EQ(rc, 0);
  Sh(record + " --via notice --number 1001 --branch 00 --birthdate 19801399 2>/dev/null", &rc);
  EXPECT_NE(rc, 0) << "an impossible birth date is refused";

  // Nothing readable at rest: the keys and names are sealed.
  // (WAL mode: recent writes are in the -wal file until a checkpoint.)
  const std::string raw =
      ReadFile(d / ".onshi-terminal.db") + ReadFile(d / ".onshi-terminal.db-wal");
  EXPECT_FALSE(raw.empty());
  for (const std::string& clear : {std::string("06139992"), std::string("19751103"),
                                   std::string("申立"), std::string("1310000011")}) {
    EXPECT_EQ(raw.find(clear), std::string::npos) << clear << " stored in clear";
  }
  EXPECT_FALSE(fs::exists(d / "Reports")) << "nothing is reconciled while the service is down";

  StartCentral();  // back, on the same port and database
  fs::path report;
  ASSERT_TRUE(WaitUntil([&] {
    if (!fs::exists(d / "Reports")) return false;
    for (const auto& e : fs::directory_iterator(d / "Reports"))
      report = e.path();
    return !report.empty();
  }));
  const std::string text = ReadFile(report);
  EXPECT_NE(text.find("照合 5件　うち相違あり 2件"), std::string::npos) << text;
  // 次郎: answered 有効 from the cache, 無効 on the visit day.
  EXPECT_NE(text.find("前回確認時と異なり、受診日に有効な資格がありません（無効"),
            std::string::npos)
      << text;
  // The 申立書: 無効（新しい資格あり）, and the name does not match.
  EXPECT_NE(text.find("無効（新しい資格あり）"), std::string::npos) << text;
  EXPECT_NE(text.find("申出の氏名（申立 三郎）と資格情報の氏名"), std::string::npos) << text;
  EXPECT_NE(text.find("\r\n"), std::string::npos) << "CRLF for the reception PCs";
  // After reconciliation the terminal answers online again.
  out = Ask(d, "0006", Check("pm-4", "20261123", "1001", "01", "19820228"), ctx, "pm-4");
  EXPECT_EQ(Between(out, "QualificationValidity"), "1") << out;
  EXPECT_EQ(out.find("OnshiCachedResult"), std::string::npos);
  const auto bad = ProfileViolations(d / "Res", ctx);
  EXPECT_TRUE(bad.empty()) << bad.front();
}

// Issue 16: a bulk batch is answered 処理中 (SegmentOfResult 2) while it
// waits, survives the central service being killed, and the restarted
// service finishes it (the batch is in the database, not in memory).
TEST_F(TerminalOutageTest, BulkBatchIsProcessingThenSurvivesAKilledServer) {
  StartCentral({"--bulk-hold-seconds", "86400"});  // holds every batch: 02res is 処理中
  const fs::path d = StartTerminal();
  ProfileContext ctx;
  const std::string req = "OQSmuquc01req_202611230001.xml";
  Write(d / "Req" / req,
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?><XmlMsg><MessageHeader>"
        "<QualificationConfirmationDate>20261124</QualificationConfirmationDate>"
        "<MedicalInstitutionCode>1310000011</MedicalInstitutionCode>"
        "<ArbitraryFileIdentifier>sk-bulk</ArbitraryFileIdentifier></MessageHeader><MessageBody>"
        "<QualificationConfirmSearchInfo><InsurerNumber>06139992</InsurerNumber>"
        "<InsuredCardSymbol>1</InsuredCardSymbol><InsuredIdentificationNumber>1001"
        "</InsuredIdentificationNumber><InsuredBranchNumber>00</InsuredBranchNumber>"
        "<Birthdate>19800515</Birthdate><LimitApplicationCertificateRelatedConsFlg>0"
        "</LimitApplicationCertificateRelatedConsFlg><ArbitraryIdentifier>101_1"
        "</ArbitraryIdentifier></QualificationConfirmSearchInfo></MessageBody></XmlMsg>");
  ctx.sent[req].afi = "sk-bulk";
  ctx.sent[req].arbitrary_ids = {"101_1"};
  ASSERT_TRUE(WaitFor(d / "Res" / "OQSmuquc01res_202611230001.xml", d / "Req" / req));
  const std::string reception =
      Between(ReadFile(d / "Res" / "OQSmuquc01res_202611230001.xml"), "ReceptionNumber");
  ASSERT_FALSE(reception.empty());
  auto fetch = [&](int n) {
    const std::string name = "OQSmuquc02req_2026112" + std::to_string(10000 + n) + ".xml";
    Write(d / "Req" / name,
          "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?><XmlMsg><MessageHeader>"
          "<MedicalInstitutionCode>1310000011</MedicalInstitutionCode></MessageHeader>"
          "<MessageBody><ReceptionNumber>" +
              reception + "</ReceptionNumber></MessageBody></XmlMsg>");
    ctx.sent[name] = {"", "1310000011", reception};
    ctx.fetch_of[name] = req;
    const fs::path res = d / "Res" / ("OQSmuquc02res_2026112" + std::to_string(10000 + n) + ".xml");
    EXPECT_TRUE(WaitFor(res, d / "Req" / name));
    return ReadFile(res);
  };
  std::string out = fetch(2);
  EXPECT_EQ(Between(out, "SegmentOfResult"), "2") << out;
  EXPECT_EQ(Between(out, "ReceptionNumber"), reception);

  server_.Kill();
  StartCentral();  // no hold: the pending batch is taken at start
  for (int n = 3; n < 300 && Between(out, "SegmentOfResult") != "1"; ++n)
    out = fetch(n);
  EXPECT_EQ(Between(out, "SegmentOfResult"), "1") << out;
  EXPECT_EQ(Between(out, "NumberOfNormalProcessing"), "1");
  EXPECT_EQ(Between(out, "ArbitraryIdentifier"), "101_1");
  EXPECT_EQ(Between(out, "QualificationValidity"), "1");
  const auto bad = ProfileViolations(d / "Res", ctx);
  EXPECT_TRUE(bad.empty()) << bad.front();
}

}  // namespace
