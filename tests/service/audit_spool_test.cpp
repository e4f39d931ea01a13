// The audit spool and journal: what a crash leaves behind is found by the
// next server, in order, and written into the chain exactly as appended.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "service/audit_spool.hpp"
#include "service/audit_writer.hpp"
#include "service/store_pool.hpp"

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

}  // namespace
}  // namespace onshi::service
