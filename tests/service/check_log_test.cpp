// Tests for the check log (the access log of checks (service/check_log.hpp, issue 20)):
// hash-chained segment files apart from the database, group-committed, a
// record durable before Append returns (kill -9 below), anchored, read by
// person.
#include "service/check_log.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "service/access_log.hpp"
#include "store/store.hpp"

namespace onshi::service {
namespace {

namespace fs = std::filesystem;

class CheckLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "onshi-access-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    dir_ = (root_ / "log").string();
  }
  void TearDown() override { fs::remove_all(root_); }

  static store::AuditEntry Check(int64_t person, const std::string& detail) {
    return {
        0, "2026-12-03T04:00:00Z", "facility:1310000011", "eligibility.search", person, detail, "",
        ""};
  }
  std::string Text(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
  std::vector<fs::path> SegmentFiles() {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(dir_))
      if (e.path().filename().string().rfind("segment-", 0) == 0) out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
  }

  fs::path root_;
  std::string dir_;
};

TEST_F(CheckLogTest, RecordsAreChainedReadByPersonAndContinueAfterReopening) {
  {
    auto log = CheckLog::Open(dir_);
    const store::AuditEntry first = log->Append(Check(1, "a"));
    EXPECT_EQ(first.seq, 1);
    EXPECT_EQ(first.prev_hash, "");
    EXPECT_EQ(first.hash, store::AuditEntryHash(first));
    log->Append(Check(2, "b"));
    log->Append(Check(1, "c"));
    const std::vector<store::AuditEntry> mine = log->OfPerson(1);
    ASSERT_EQ(mine.size(), 2u);
    EXPECT_EQ(mine[0].detail, "c");  // newest first
    EXPECT_EQ(mine[1].detail, "a");
    EXPECT_TRUE(log->OfPerson(3).empty());
  }
  auto log = CheckLog::Open(dir_);
  EXPECT_EQ(log->Append(Check(1, "d")).seq, 4);
  const store::AuditVerification v = VerifyCheckLog(dir_, nullptr);
  EXPECT_TRUE(v.intact) << v.problem;
  EXPECT_EQ(v.entries, 4);
  EXPECT_EQ(log->OfPerson(1).size(), 3u);
  EXPECT_EQ(fs::status(dir_).permissions() & fs::perms::all, fs::perms::owner_all);
}

TEST_F(CheckLogTest, SegmentsRotateAndOneChainRunsThroughThem) {
  {
    auto log = CheckLog::Open(dir_, nullptr, /*segment_bytes=*/600);
    for (int i = 0; i < 40; ++i)
      log->Append(Check(i % 4, "record " + std::to_string(i)));
  }
  EXPECT_GT(SegmentFiles().size(), 5u);
  const store::AuditVerification v = VerifyCheckLog(dir_, nullptr);
  EXPECT_TRUE(v.intact) << v.problem;
  EXPECT_EQ(v.entries, 40);
  auto log = CheckLog::Open(dir_, nullptr, 600);
  EXPECT_EQ(log->OfPerson(3).size(), 10u);
  EXPECT_EQ(log->OfPerson(3, 4).size(), 4u);
  EXPECT_EQ(log->Append(Check(9, "after")).seq, 41);
}

// A power loss mid-write leaves a last line cut short (never synced, so
// never acknowledged): moved to quarantine.log at open, and the chain goes on.
TEST_F(CheckLogTest, ATornLastLineIsQuarantinedAndTheChainContinues) {
  {
    auto log = CheckLog::Open(dir_);
    for (int i = 0; i < 3; ++i)
      log->Append(Check(5, std::to_string(i)));
  }
  std::ofstream(SegmentFiles().back(), std::ios::app) << "{\"seq\":4,\"at\":\"2026-";
  auto log = CheckLog::Open(dir_);
  EXPECT_EQ(log->quarantined_at_open(), 1u);
  EXPECT_NE(Text(fs::path(dir_) / "quarantine.log").find("{\"seq\":4,\"at\":\"2026-"),
            std::string::npos);
  EXPECT_EQ(log->Append(Check(5, "next")).seq, 4);
  const store::AuditVerification v = VerifyCheckLog(dir_, nullptr);
  EXPECT_TRUE(v.intact) << v.problem;
  EXPECT_EQ(v.entries, 4);
}

// Zeros ahead (check_log.hpp): while the log is open, the zeroer keeps the
// segment written with zeros past the last record, so that a sync need not
// grow the file; readers stop at the first zero, and a clean close cuts the
// zeros off, leaving the records alone in the file.
TEST_F(CheckLogTest, TheSegmentRunsOnWithZerosThatReadersStopAtAndCloseCutsOff) {
  auto log = CheckLog::Open(dir_);
  for (int i = 0; i < 3; ++i)
    log->Append(Check(9, "z" + std::to_string(i)));
  const fs::path seg = SegmentFiles().back();
  const std::string records = Text(seg).substr(0, Text(seg).find('\0'));
  ASSERT_EQ(std::count(records.begin(), records.end(), '\n'), 3);
  // The zeroer works beside the writer: wait for it (10 s at most).
  for (int i = 0; i < 1000 && fs::file_size(seg) <= records.size(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  const std::string running = Text(seg);
  ASSERT_GT(running.size(), records.size()) << "no zeros were written ahead";
  EXPECT_EQ(running.find_first_not_of('\0', records.size()), std::string::npos);
  EXPECT_EQ(log->OfPerson(9).size(), 3u);
  store::AuditVerification v = VerifyCheckLog(dir_, nullptr);
  EXPECT_TRUE(v.intact) << v.problem;
  EXPECT_EQ(v.entries, 3);
  // The next record goes over the zeros, right after the last one.
  EXPECT_EQ(log->Append(Check(9, "z3")).seq, 4);
  const std::string after = Text(seg);
  EXPECT_EQ(after.find("\"detail\":\"z3\""),
            after.find('\n', records.size() - 1) + 1 +
                std::string("{\"seq\":4,\"at\":\"2026-12-03T04:00:00Z\","
                            "\"actor\":\"facility:1310000011\","
                            "\"action\":\"eligibility.search\","
                            "\"person\":9,")
                    .size());
  log.reset();
  const std::string closed = Text(seg);
  EXPECT_EQ(closed.find('\0'), std::string::npos);
  ASSERT_FALSE(closed.empty());
  EXPECT_EQ(closed.back(), '\n');
  EXPECT_EQ(std::count(closed.begin(), closed.end(), '\n'), 4);
}

// A power loss can keep a later block of an unsynced batch and lose an
// earlier one: records, zeros, then a piece of a record. Never acknowledged:
// Open moves it to quarantine.log, and the next record follows the last whole
// one.
TEST_F(CheckLogTest, BytesAfterTheZerosAreQuarantinedAtOpen) {
  {
    auto log = CheckLog::Open(dir_);
    for (int i = 0; i < 3; ++i)
      log->Append(Check(5, std::to_string(i)));
  }
  const fs::path seg = SegmentFiles().back();
  const std::string records = Text(seg);
  std::ofstream(seg, std::ios::binary | std::ios::trunc)
      << records << std::string(8192, '\0') << "d\":\"lost\",\"prev\":\"ab\"}\n"
      << std::string(100, '\0');
  auto log = CheckLog::Open(dir_);
  EXPECT_EQ(log->quarantined_at_open(), 1u);
  EXPECT_NE(Text(fs::path(dir_) / "quarantine.log").find("\"lost\""), std::string::npos);
  EXPECT_EQ(log->Append(Check(5, "next")).seq, 4);
  log.reset();
  const std::string now = Text(seg);
  EXPECT_EQ(now.find("lost"), std::string::npos);
  EXPECT_EQ(now.find('\0'), std::string::npos);
  const store::AuditVerification v = VerifyCheckLog(dir_, nullptr);
  EXPECT_TRUE(v.intact) << v.problem;
  EXPECT_EQ(v.entries, 4);
}

TEST_F(CheckLogTest, EditsDeletionsRewritesAndTruncationAreFound) {
  auto anchors = store::AuditAnchors::OpenOrCreate((root_ / "state").string());
  {
    auto log = CheckLog::Open(dir_, anchors.get());
    for (int i = 0; i < 6; ++i)
      log->Append(Check(7, "detail " + std::to_string(i)));
  }
  ASSERT_TRUE(VerifyCheckLog(dir_, anchors.get()).intact);
  const fs::path seg = SegmentFiles().back();
  const std::string original = Text(seg);
  // One byte of record 3's detail.
  std::string edited = original;
  edited[edited.find("detail 2")] = 'D';
  std::ofstream(seg, std::ios::binary | std::ios::trunc) << edited;
  store::AuditVerification v = VerifyCheckLog(dir_, nullptr);
  EXPECT_FALSE(v.intact);
  EXPECT_EQ(v.first_bad_seq, 3);
  // A consistent rewrite (every later hash recomputed): the chain alone
  // verifies, the anchors do not.
  std::vector<store::AuditEntry> records;
  {
    std::istringstream lines(original);
    for (std::string line; std::getline(lines, line);) {
      store::AuditEntry e = Check(7, "");
      const size_t d = line.find("\"detail\":\"") + 10;
      e.detail = line.substr(d, line.find('"', d) - d);
      records.push_back(e);
    }
  }
  records[2].detail = "rewritten";
  std::string rewritten, prev;
  for (size_t i = 0; i < records.size(); ++i) {
    records[i].seq = static_cast<int64_t>(i + 1);
    records[i].at = "2026-12-03T04:00:00Z";
    records[i].prev_hash = prev;
    records[i].hash = store::AuditEntryHash(records[i]);
    prev = records[i].hash;
    rewritten += "{\"seq\":" + std::to_string(records[i].seq) +
                 ",\"at\":\"2026-12-03T04:00:00Z\",\"actor\":\"facility:1310000011\","
                 "\"action\":\"eligibility.search\",\"person\":7,\"detail\":\"" +
                 records[i].detail + "\",\"prev\":\"" + records[i].prev_hash + "\",\"hash\":\"" +
                 records[i].hash + "\"}\n";
  }
  std::ofstream(seg, std::ios::binary | std::ios::trunc) << rewritten;
  EXPECT_TRUE(VerifyCheckLog(dir_, nullptr).intact) << VerifyCheckLog(dir_, nullptr).problem;
  v = VerifyCheckLog(dir_, anchors.get());
  EXPECT_FALSE(v.intact);
  EXPECT_NE(v.problem.find("anchor"), std::string::npos) << v.problem;
  // The newest records cut off: a shorter chain that verifies alone, but
  // the anchors vouch for more.
  std::string shorter = original.substr(0, original.rfind('\n', original.size() - 2) + 1);
  std::ofstream(seg, std::ios::binary | std::ios::trunc) << shorter;
  EXPECT_TRUE(VerifyCheckLog(dir_, nullptr).intact);
  v = VerifyCheckLog(dir_, anchors.get());
  EXPECT_FALSE(v.intact);
  EXPECT_EQ(v.first_bad_seq, 6);
  EXPECT_NE(v.problem.find("truncation"), std::string::npos) << v.problem;
}

TEST_F(CheckLogTest, OneServerPerDirectory) {
  auto log = CheckLog::Open(dir_);
  EXPECT_THROW(CheckLog::Open(dir_), std::runtime_error);
}

// Many threads at once: each record once, one chain, fewer syncs than
// records whenever records waited together (not asserted: scheduling).
TEST_F(CheckLogTest, ConcurrentAppendsAreGroupCommittedIntoOneChain) {
  auto log = CheckLog::Open(dir_);
  std::vector<std::thread> threads;
  std::vector<std::vector<int64_t>> seqs(8);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int k = 0; k < 50; ++k)
        seqs[t].push_back(log->Append(Check(t, std::to_string(k))).seq);
    });
  }
  for (std::thread& t : threads)
    t.join();
  std::set<int64_t> all;
  for (const auto& s : seqs)
    all.insert(s.begin(), s.end());
  EXPECT_EQ(all.size(), 400u);
  EXPECT_EQ(*all.rbegin(), 400);
  EXPECT_EQ(log->records(), 400u);
  EXPECT_LE(log->syncs(), 400u);
  const store::AuditVerification v = VerifyCheckLog(dir_, nullptr);
  EXPECT_TRUE(v.intact) << v.problem;
  EXPECT_EQ(v.entries, 400);
}

// The server's path (EligibilityService::Answer, issue 20): AppendAsync
// returns at once and acknowledges a record only once it is on disk — at the
// moment of each callback its line is already in the segment file. The
// records of many callers share syncs and form one chain.
TEST_F(CheckLogTest, AnAsynchronousRecordIsAcknowledgedOnlyOnceItIsOnDisk) {
  auto log = CheckLog::Open(dir_);
  std::mutex mu;
  std::condition_variable cv;
  int acknowledged = 0;
  std::vector<std::string> missing, failures;
  for (int k = 0; k < 300; ++k) {
    log->AppendAsync(
        Check(k % 7, "async " + std::to_string(k)),
        [&, k](const store::AuditEntry& written, const std::string& failure) {
          // On the writer thread: read what is on disk now.
          std::string on_disk;
          for (const fs::path& p : SegmentFiles())
            on_disk += Text(p);
          std::lock_guard<std::mutex> lock(mu);
          if (!failure.empty()) failures.push_back(failure);
          if (on_disk.find("\"seq\":" + std::to_string(written.seq) + ",") == std::string::npos ||
              on_disk.find("async " + std::to_string(k) + "\"") == std::string::npos) {
            missing.push_back(std::to_string(k));
          }
          ++acknowledged;
          cv.notify_one();
        });
  }
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, [&] { return acknowledged == 300; });
  EXPECT_TRUE(failures.empty()) << failures.front();
  EXPECT_TRUE(missing.empty()) << "acknowledged before written: record " << missing.front();
  lock.unlock();
  EXPECT_EQ(log->records(), 300u);
  const store::AuditVerification v = VerifyCheckLog(dir_, nullptr);
  EXPECT_TRUE(v.intact) << v.problem;
  EXPECT_EQ(v.entries, 300);
}

// A record that cannot be written is never acknowledged as written: the
// callback gets the reason (the server then answers 500, not the check),
// Append throws, and the chain goes on where it was once the disk takes
// writes again. The disk refuses through RLIMIT_FSIZE, which binds root too.
TEST_F(CheckLogTest, AFailedWriteReachesTheCallerAndTheChainGoesOn) {
  auto log = CheckLog::Open(dir_);
  log->Append(Check(1, "before"));
  // Where the records end (the file runs on with the zeroer's zeros, which
  // a record written over them would not need the limit for).
  const std::string text = Text(SegmentFiles().back());
  const uint64_t size = std::min(text.find('\0'), text.size());
  struct rlimit old;
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old), 0);
  auto* old_handler = ::signal(SIGXFSZ, SIG_IGN);  // EFBIG instead of a signal
  struct rlimit small = old;
  small.rlim_cur = size + 10;  // room for no whole record
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  std::string failure;
  {
    std::mutex mu;
    std::condition_variable cv;
    bool called = false;
    log->AppendAsync(Check(2, "refused"), [&](const store::AuditEntry&, const std::string& why) {
      std::lock_guard<std::mutex> lock(mu);
      failure = why;
      called = true;
      cv.notify_one();
    });
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return called; });
  }
  EXPECT_THROW(log->Append(Check(3, "refused too")), std::runtime_error);
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &old), 0);
  ::signal(SIGXFSZ, old_handler);
  EXPECT_NE(failure.find("cannot write"), std::string::npos) << failure;
  EXPECT_EQ(log->Append(Check(4, "after")).seq, 2);
  const store::AuditVerification v = VerifyCheckLog(dir_, nullptr);
  EXPECT_TRUE(v.intact) << v.problem;
  EXPECT_EQ(v.entries, 2);
  EXPECT_EQ(Text(SegmentFiles().back()).find("refused"), std::string::npos);
}

// The guarantee under kill -9: a child process appends from four threads
// and reports each record the moment Append returns (when a server would
// answer the check); the parent kills it mid-stream. Every record it was
// told about is in the log, with its content, and the chain verifies.
TEST_F(CheckLogTest, EveryAcknowledgedRecordSurvivesKill9) {
  int ack[2];
  ASSERT_EQ(::pipe(ack), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(ack[0]);
    auto log = CheckLog::Open(dir_);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        for (int k = 0;; ++k) {
          const std::string detail = "t" + std::to_string(t) + "-" + std::to_string(k);
          const store::AuditEntry e = log->Append(Check(100 + t, detail));
          const std::string line = std::to_string(e.seq) + " " + detail + "\n";
          if (::write(ack[1], line.data(), line.size()) != static_cast<ssize_t>(line.size()))
            ::_exit(3);
        }
      });
    }
    for (std::thread& t : threads)
      t.join();
    ::_exit(0);
  }
  ::close(ack[1]);
  // Read acknowledgements until 300 have come, then kill, then read the
  // rest the child had already written into the pipe.
  std::string acks;
  char buf[4096];
  auto count = [&] { return std::count(acks.begin(), acks.end(), '\n'); };
  bool killed = false;
  for (;;) {
    const ssize_t n = ::read(ack[0], buf, sizeof(buf));
    if (n <= 0) break;
    acks.append(buf, static_cast<size_t>(n));
    if (!killed && count() >= 300) {
      ::kill(child, SIGKILL);
      killed = true;
    }
  }
  ::close(ack[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(killed);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;

  const store::AuditVerification v = VerifyCheckLog(dir_, nullptr);
  ASSERT_TRUE(v.intact) << v.problem;
  auto log = CheckLog::Open(dir_);  // recovers whatever the kill left
  std::map<int64_t, std::string> logged;
  for (int t = 0; t < 4; ++t)
    for (const store::AuditEntry& e : log->OfPerson(100 + t, 1u << 20))
      logged[e.seq] = e.detail;
  std::istringstream lines(acks);
  size_t checked = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    const size_t space = line.find(' ');
    const int64_t seq = std::stoll(line.substr(0, space));
    ASSERT_TRUE(logged.count(seq)) << "acknowledged record " << seq << " is not in the log";
    EXPECT_EQ(logged[seq], line.substr(space + 1));
    ++checked;
  }
  EXPECT_GE(checked, 300u);
  EXPECT_TRUE(VerifyCheckLog(dir_, nullptr).intact);
}

}  // namespace
}  // namespace onshi::service

namespace onshi::service {
namespace {

// The portal's わたしの確認履歴 and 同意の記録 (access_log.hpp) read look-ups
// from both places: the database (made before the server had a check log,
// or by a server without one) and the check log, oldest first by time. A
// look-up in neither place, or a refusal, is not listed.
TEST_F(CheckLogTest, ThePortalsAccessEntriesReadTheDatabaseAndTheCheckLog) {
  auto store = store::OpenStore((root_ / "t.db").string(), (root_ / "t.keys").string());
  auto at = [](const char* t, const char* detail) {
    return store::AuditEntry{0, t, "facility:1310000011", "eligibility.card", 7, detail, "", ""};
  };
  store->AppendAudit(at("2026-12-01T01:00:00Z", "method=card mode=pin validity=1"));
  store->AppendAudit(at("2026-12-03T01:00:00Z", "method=card mode=face validity=1"));
  store->AppendAudit(at("2026-12-03T02:00:00Z", "refused=locked"));  // a refusal
  auto log = CheckLog::Open(dir_);
  log->Append(at("2026-12-02T01:00:00Z", "method=card mode=visual validity=1"));
  log->Append(at("2026-12-04T01:00:00Z", "method=card-keys validity=1"));
  store::AuditEntry other = at("2026-12-04T02:00:00Z", "method=card mode=pin validity=1");
  other.person_id = 8;  // somebody else
  log->Append(other);

  std::vector<std::string> seen;
  for (const store::AuditEntry& e : AccessEntriesOf(*store, 7, log.get()))
    seen.push_back(e.at);
  EXPECT_EQ(seen, (std::vector<std::string>{"2026-12-01T01:00:00Z", "2026-12-02T01:00:00Z",
                                            "2026-12-03T01:00:00Z", "2026-12-04T01:00:00Z"}));
  // Without the log, the database's alone.
  EXPECT_EQ(AccessEntriesOf(*store, 7).size(), 2u);
}

// The index by person (check_log_index.hpp): OfPerson reads a person's
// records through it, in the open segment (kept in memory) and in closed
// ones (persons-<seq>.idx), and returns exactly what a scan of every
// segment returns, newest first.
class CheckLogIndexTest : public CheckLogTest {
 protected:
  // Every record of `person`, newest first, by reading every segment.
  std::vector<std::string> Scanned(int64_t person) {
    std::vector<std::string> out;
    const std::string needle = "\"person\":" + std::to_string(person) + ",";
    for (const fs::path& seg : SegmentFiles()) {
      std::istringstream lines(Text(seg));
      for (std::string line; std::getline(lines, line);) {
        if (line.find(needle) == std::string::npos) continue;
        const size_t d = line.find("\"detail\":\"") + 10;
        out.push_back(line.substr(d, line.find('"', d) - d));
      }
    }
    std::reverse(out.begin(), out.end());
    return out;
  }
  static std::vector<std::string> Details(const std::vector<store::AuditEntry>& es) {
    std::vector<std::string> out;
    for (const store::AuditEntry& e : es)
      out.push_back(e.detail);
    return out;
  }
  std::vector<fs::path> IndexFiles() {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(dir_))
      if (e.path().extension() == ".idx") out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
  }
  // Writes `records` checks of persons 1..7 (person i % 7 + 1).
  static void Fill(CheckLog& log, int from, int records) {
    for (int i = from; i < from + records; ++i)
      log.Append(Check(i % 7 + 1, "check " + std::to_string(i)));
  }
};

TEST_F(CheckLogIndexTest, ClosedSegmentsAreIndexedAndReadsAgreeWithAScan) {
  auto log = CheckLog::Open(dir_, nullptr, /*segment_bytes=*/2000);
  Fill(*log, 0, 120);
  log->FinishIndexing();
  const size_t segments = SegmentFiles().size();
  ASSERT_GT(segments, 5u);
  // Every closed segment has its index; the open one is kept in memory.
  EXPECT_EQ(IndexFiles().size(), segments - 1);
  for (int64_t person = 1; person <= 8; ++person)
    EXPECT_EQ(Details(log->OfPerson(person)), Scanned(person)) << "person " << person;
  const std::vector<std::string> all_of_3 = Scanned(3);
  EXPECT_EQ(Details(log->OfPerson(3, 5)),
            std::vector<std::string>(all_of_3.begin(), all_of_3.begin() + 5));
  // After reopening: the open segment's records are indexed again from the
  // file, and new records join them.
  log.reset();
  log = CheckLog::Open(dir_, nullptr, 2000);
  Fill(*log, 120, 30);
  log->FinishIndexing();
  for (int64_t person = 1; person <= 7; ++person)
    EXPECT_EQ(Details(log->OfPerson(person)), Scanned(person)) << "person " << person;
  EXPECT_EQ(IndexFiles().size(), SegmentFiles().size() - 1);
  EXPECT_TRUE(VerifyCheckLog(dir_, nullptr).intact);
}

// Segments closed before the index existed, or whose index a crash lost,
// are indexed at open; until then, and whenever an index does not fit its
// segment, they are scanned.
TEST_F(CheckLogIndexTest, MissingStaleAndWrongIndexesAreNotTrusted) {
  {
    auto log = CheckLog::Open(dir_, nullptr, 2000);
    Fill(*log, 0, 80);
    log->FinishIndexing();
  }
  for (const fs::path& idx : IndexFiles())
    fs::remove(idx);
  {
    auto log = CheckLog::Open(dir_, nullptr, 2000);
    for (int64_t person = 1; person <= 7; ++person)
      EXPECT_EQ(Details(log->OfPerson(person)), Scanned(person));
    log->FinishIndexing();
    EXPECT_EQ(IndexFiles().size(), SegmentFiles().size() - 1);
  }
  const fs::path idx = IndexFiles().front();
  const std::string good = Text(idx);
  // Cut short (a torn write): not used.
  std::ofstream(idx, std::ios::binary | std::ios::trunc) << good.substr(0, good.size() - 16);
  auto log = CheckLog::Open(dir_, nullptr, 2000);
  EXPECT_EQ(Details(log->OfPerson(2)), Scanned(2));
  // Every entry pointing at another record (offsets swapped): each record
  // read through the index is checked, so the segment is scanned.
  log->FinishIndexing();
  std::string swapped = Text(idx);
  ASSERT_EQ(swapped.size(), good.size());  // indexed again at open
  const size_t header = 22 + 24;           // magic, records_size, count, checksum
  for (size_t at = header; at + 32 <= swapped.size(); at += 32)
    for (size_t b = 8; b < 16; ++b)
      std::swap(swapped[at + b], swapped[at + 16 + b]);
  std::ofstream(idx, std::ios::binary | std::ios::trunc) << swapped;
  for (int64_t person = 1; person <= 7; ++person)
    EXPECT_EQ(Details(log->OfPerson(person)), Scanned(person));
}

// An index rewritten to leave a person's records out (its checksum
// recomputed) would hide those checks on the portal: the log's
// verification compares every index with its segment.
TEST_F(CheckLogIndexTest, AnIndexThatHidesRecordsFailsVerification) {
  {
    auto log = CheckLog::Open(dir_, nullptr, 2000);
    Fill(*log, 0, 40);
    log->FinishIndexing();
  }
  ASSERT_TRUE(VerifyCheckLog(dir_, nullptr).intact);
  const fs::path seg = SegmentFiles().front();
  const fs::path idx = IndexFiles().front();
  std::string text = Text(idx);
  // Entries {i64 person, u32 offset, u32 length} after a 46-byte header:
  // drop the first entry, then fix the count and the FNV-1a checksum.
  const size_t header = 22 + 24;
  int64_t hidden = 0;
  std::memcpy(&hidden, text.data() + header, 8);
  text.erase(header, 16);
  uint64_t count = (text.size() - header) / 16, sum = 14695981039346656037ull;
  for (size_t i = header; i < text.size(); ++i) {
    sum ^= static_cast<unsigned char>(text[i]);
    sum *= 1099511628211ull;
  }
  std::memcpy(text.data() + 22 + 8, &count, 8);
  std::memcpy(text.data() + 22 + 16, &sum, 8);
  std::ofstream(idx, std::ios::binary | std::ios::trunc) << text;
  // Reads trust an index that fits its segment (that is what makes them
  // cheap): the person's oldest record is missing from the history.
  auto log = CheckLog::Open(dir_, nullptr, 2000);
  EXPECT_EQ(log->OfPerson(hidden).size() + 1, Scanned(hidden).size());
  const store::AuditVerification v = VerifyCheckLog(dir_, nullptr);
  EXPECT_FALSE(v.intact);
  EXPECT_NE(v.problem.find(idx.filename().string()), std::string::npos) << v.problem;
  EXPECT_NE(v.problem.find(seg.filename().string()), std::string::npos) << v.problem;
}

// Reads while segments close and their indexes are written: a read sees
// every record acknowledged before it started, each once, newest first,
// with no gap (OfPerson lists the segments before it takes the open
// segment's refs, so no newer segment is read past a record it missed).
TEST_F(CheckLogIndexTest, ReadsDuringRotationMissNothingAndCountNothingTwice) {
  auto log = CheckLog::Open(dir_, nullptr, /*segment_bytes=*/1500);
  std::atomic<int64_t> acknowledged{0};
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int i = 0; i < 400; ++i) {
      log->Append(Check(1, "check " + std::to_string(i)));
      acknowledged.store(i + 1);
    }
    done.store(true);
  });
  int reads = 0;
  while (!done.load() || reads < 10) {
    const int64_t before = acknowledged.load();
    const std::vector<store::AuditEntry> seen = log->OfPerson(1);
    ASSERT_GE(static_cast<int64_t>(seen.size()), before);
    for (size_t i = 1; i < seen.size(); ++i)
      ASSERT_EQ(seen[i].seq, seen[i - 1].seq - 1) << "read " << reads;
    if (!seen.empty()) {
      ASSERT_EQ(seen.back().seq, 1);
    }
    ++reads;
  }
  writer.join();
  log->FinishIndexing();
  EXPECT_GT(SegmentFiles().size(), 20u);
  EXPECT_EQ(log->OfPerson(1).size(), 400u);
}

}  // namespace
}  // namespace onshi::service
