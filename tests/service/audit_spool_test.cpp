// The audit spool and journal: what a crash leaves behind is found by the
// next server, in order, and written into the chain exactly as appended.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "http/metrics.hpp"
#include "service/audit_spool.hpp"
#include "service/audit_text.hpp"
#include "service/audit_writer.hpp"
#include "service/store_pool.hpp"
#include "store/audit_anchor.hpp"

namespace onshi::service {
namespace {

namespace fs = std::filesystem;

store::AuditEntry Entry(const std::string& at, const std::string& detail) {
  return {0, at, "facility:1310000011", "eligibility.search", 7, detail, "", ""};
}

class AuditSpoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("onshi-spool-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(AuditSpoolTest, JournaledEntriesOfADeadProcessAreRecoveredInOrder) {
  {
    auto spool = AuditSpool::Claim((dir_ / "spool").string());
    spool->Journal(Entry("2026-11-23T01:00:00Z", "a"));
    spool->Journal(Entry("2026-11-23T01:00:01Z", "b"));
    const int first = spool->SwapJournal();
    spool->Journal(Entry("2026-11-23T01:00:02Z", "c"));
    spool->SwapJournal();
    spool->ForgetJournal(first);  // a and b reached the database
    spool->Journal(Entry("2026-11-23T01:00:03Z", "d"));
    // The process dies here: c and d are only in the journals.
  }
  // A torn last line, as a kill in the middle of write(2) leaves it.
  std::ofstream(dir_ / "spool/slot-0.jsonl.journal-0", std::ios::app) << "{\"at\":\"2026-";
  auto next = AuditSpool::Claim((dir_ / "spool").string());
  EXPECT_EQ(next->pending(), 2u);
  const auto held = next->ReadAll();
  ASSERT_EQ(held.size(), 2u);
  EXPECT_EQ(held[0].detail, "c");
  EXPECT_EQ(held[1].detail, "d");
  EXPECT_EQ(held[1].at, "2026-11-23T01:00:03Z");
  EXPECT_EQ(held[1].person_id, 7);
  next->Clear();
  EXPECT_TRUE(next->ReadAll().empty());
}

TEST_F(AuditSpoolTest, EachLiveServerHasItsSlotAndADeadOnesSpoolIsAdopted) {
  const std::string d = (dir_ / "spool").string();
  auto a = AuditSpool::Claim(d);
  {
    auto b = AuditSpool::Claim(d);
    EXPECT_NE(a->path(), b->path());
    b->Append({Entry("2026-11-23T02:00:00Z", "from b")});
  }                               // b is gone; its spool is not
  auto c = AuditSpool::Claim(d);  // takes b's free slot
  ASSERT_EQ(c->ReadAll().size(), 1u);
  EXPECT_EQ(c->ReadAll()[0].detail, "from b");
  EXPECT_TRUE(a->ReadAll().empty());
}

TEST_F(AuditSpoolTest, WriterReplaysWhatTheLastProcessLeftIntoTheChain) {
  StorePool pool((dir_ / "t.db").string(), (dir_ / "t.db.keys").string());
  {
    auto spool = AuditSpool::Claim((dir_ / "spool").string());
    spool->Journal(Entry("2026-11-23T03:00:00Z", "answered, then killed"));
  }
  {
    AuditWriter writer(pool.OpenOwned(), std::chrono::milliseconds(5), 1000,
                       AuditSpool::Claim((dir_ / "spool").string()), nullptr);
    writer.Append(Entry("2026-11-23T03:00:05Z", "after the restart"));
    writer.Flush();
  }
  auto store = pool.OpenOwned();
  const auto rows = store->ReadAudit(0, 10);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].detail, "answered, then killed");
  EXPECT_EQ(rows[1].detail, "after the restart");
  EXPECT_EQ(store::VerifyAuditChain(*store), std::nullopt);
  // Nothing is left to replay a second time.
  EXPECT_EQ(AuditSpool::Claim((dir_ / "spool").string())->pending(), 0u);
}

// Issue 15 (low): a spool line the reader could not parse was skipped, so
// on PostgreSQL an entry with invalid UTF-8 (the byte-wise masking of a
// non-digit 番号), refused by the database and spooled, was then lost for
// good. Now every such line, and the torn tail a crash leaves, goes to the
// quarantine file and is counted in onshi_audit_spool_quarantined_total.
TEST_F(AuditSpoolTest, UnreadableSpoolLinesAreQuarantinedNeverDropped) {
  const fs::path spool_dir = dir_ / "spool";
  fs::create_directories(spool_dir);
  const std::string good_a = R"({"at":"2026-11-23T04:00:00Z","actor":"facility:1310000011",)"
                             R"("action":"eligibility.search","person_id":7,"detail":"a"})";
  const std::string bad_utf8 =
      "{\"at\":\"2026-11-23T04:00:01Z\",\"actor\":\"facility:1310000011\","
      "\"action\":\"eligibility.search\",\"person_id\":0,"
      "\"detail\":\"insurer=06139992 number=****\xE5\x8F\"}";
  const std::string garbage = "not json at all";
  const std::string good_b = R"({"at":"2026-11-23T04:00:02Z","actor":"facility:1310000011",)"
                             R"("action":"eligibility.search","person_id":7,"detail":"b"})";
  std::ofstream(spool_dir / "slot-0.jsonl", std::ios::binary) << good_a << "\n"
                                                              << bad_utf8 << "\n"
                                                              << garbage << "\n"
                                                              << good_b << "\n"
                                                              << "{\"at\":\"2026";

  StorePool pool((dir_ / "t.db").string(), (dir_ / "t.db.keys").string());
  http::Metrics metrics;
  http::Counter& quarantined = metrics.GetCounter("onshi_audit_spool_quarantined_total", "x");
  {
    AuditWriter writer([&pool] { return pool.OpenOwned(); }, std::chrono::milliseconds(5), 1000,
                       AuditSpool::Claim(spool_dir.string()), nullptr, nullptr, &quarantined);
    // The spool is replayed without any new entry; wait for it to empty.
    for (int i = 0; i < 2000 && writer.spooled() > 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_EQ(writer.spooled(), 0u);
    EXPECT_EQ(writer.quarantined(), 3u);
  }
  EXPECT_EQ(quarantined.value(), 3u);
  auto store = pool.OpenOwned();
  const auto rows = store->ReadAudit(0, 10);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].detail, "a");
  EXPECT_EQ(rows[1].detail, "b");
  std::ifstream in(spool_dir / "slot-0.jsonl.quarantine", std::ios::binary);
  const std::string kept((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(kept.find(bad_utf8 + "\n"), std::string::npos) << kept;
  EXPECT_NE(kept.find(garbage + "\n"), std::string::npos) << kept;
  EXPECT_NE(kept.find("{\"at\":\"2026\n"), std::string::npos) << kept;  // the torn tail
  EXPECT_EQ(AuditSpool::Claim(spool_dir.string())->pending(), 0u);
}

TEST_F(AuditSpoolTest, WriterStoresWellFormedTextAndAnchorsEachBatch) {
  StorePool pool((dir_ / "t.db").string(), (dir_ / "t.db.keys").string());
  auto anchors = store::AuditAnchors::OpenOrCreate((dir_ / "state").string());
  {
    AuditWriter writer([&pool] { return pool.OpenOwned(); }, std::chrono::milliseconds(5), 1000,
                       AuditSpool::Claim((dir_ / "spool").string()), nullptr, anchors.get());
    writer.Append(Entry("2026-11-23T05:00:00Z", std::string("number=**\xE5\x8F nul=\0.", 18)));
    writer.Flush();
    writer.Append(Entry("2026-11-23T05:00:01Z", "second batch"));
    writer.Flush();
  }
  auto store = pool.OpenOwned();
  const auto rows = store->ReadAudit(0, 10);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].detail, "number=**\uFFFD nul=\uFFFD.");
  EXPECT_EQ(AuditSafeText(rows[0].detail), rows[0].detail);
  // Each batch anchored its last entry; the chain checks against them.
  const store::AuditAnchors::Contents c = anchors->Read();
  ASSERT_EQ(c.anchors.size(), 2u);
  EXPECT_EQ(c.anchors.back().seq, 2);
  EXPECT_EQ(c.anchors.back().hash, rows[1].hash);
  const store::AuditVerification v = store::VerifyAuditChainAnchored(*store, anchors.get());
  EXPECT_TRUE(v.intact) << v.problem;
  EXPECT_EQ(v.anchored_through, 2);
}

}  // namespace
}  // namespace onshi::service
