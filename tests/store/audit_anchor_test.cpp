// Audit anchors (issue 15, medium: the audit chain can be rewritten), on
// both backends. The attack of the review, exactly: drop the append-only
// triggers, edit a row, recompute every later hash with plain SHA-256,
// restore the triggers. The chain alone then verifies; so does a chain whose
// newest rows were deleted. Against the anchors, neither does.
#include "store/audit_anchor.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "pg_cluster.hpp"
#include "store/store.hpp"

namespace onshi::store {
namespace {

namespace fs = std::filesystem;

class AuditAnchorTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("onshi-anchor-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    location_ = GetParam() == "sqlite" ? (dir_ / "onshi.db").string()
                                       : pg_test::PgCluster::Get().NewDatabase();
    store_ = Open();
    anchors_ = AuditAnchors::OpenOrCreate((dir_ / "state").string());
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }
  std::unique_ptr<Store> Open() { return OpenStore(location_, (dir_ / "onshi.keys").string()); }

  // Appends `n` entries, anchoring the last as the audit writer does after
  // each batch it commits.
  void AppendAndAnchor(int n) {
    AuditEntry last;
    store_->InTransaction([&] {
      for (int i = 0; i < n; ++i) {
        last = store_->AppendAudit({0, "2026-11-23T01:00:0" + std::to_string(i % 10) + "Z",
                                    "facility:1310000011", "eligibility.search", 7,
                                    "method=card-keys validity=1", "", ""});
      }
    });
    anchors_->Record({last.seq, last.hash});
  }

  // Runs SQL behind the store's back, as the database's superuser.
  void Exec(const std::string& sql) {
    if (GetParam() == "postgresql") {
      ASSERT_EQ(pg_test::PgCluster::Exec(location_, sql), "") << sql;
      return;
    }
    sqlite3* db = nullptr;
    char* err = nullptr;
    ASSERT_EQ(sqlite3_open(location_.c_str(), &db), SQLITE_OK);
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
    const std::string message = err ? err : "";
    sqlite3_free(err);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << message << "\n" << sql;
  }

  // The attacker's way around the append-only triggers: off, `sql`, back on
  // exactly as they were.
  void BehindTheTriggers(const std::string& sql) {
    store_.reset();
    if (GetParam() == "postgresql") {
      Exec("ALTER TABLE audit_log DISABLE TRIGGER USER; " + sql +
           "; ALTER TABLE audit_log ENABLE TRIGGER USER;");
    } else {
      sqlite3* db = nullptr;
      ASSERT_EQ(sqlite3_open(location_.c_str(), &db), SQLITE_OK);
      std::string restore;
      sqlite3_stmt* st = nullptr;
      sqlite3_prepare_v2(db,
                         "SELECT sql FROM sqlite_master WHERE type='trigger' AND "
                         "tbl_name='audit_log'",
                         -1, &st, nullptr);
      while (sqlite3_step(st) == SQLITE_ROW) {
        restore += reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
        restore += ";\n";
      }
      sqlite3_finalize(st);
      sqlite3_close(db);
      ASSERT_FALSE(restore.empty());
      Exec("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; " + sql + "; " +
           restore);
    }
    store_ = Open();
  }

  // Edits entry `seq` and rewrites every later hash so that the chain agrees
  // with itself again (AuditEntryHash is plain SHA-256: no secret needed).
  void RewriteFrom(int64_t seq, const std::string& new_detail) {
    std::vector<AuditEntry> all = store_->ReadAudit(0, 100000);
    std::string sql;
    std::string prev = seq > 1 ? all[seq - 2].hash : "";
    for (AuditEntry& e : all) {
      if (e.seq < seq) continue;
      if (e.seq == seq) e.detail = new_detail;
      e.prev_hash = prev;
      e.hash = AuditEntryHash(e);
      prev = e.hash;
      sql += "UPDATE audit_log SET detail = '" + e.detail + "', prev_hash = '" + e.prev_hash +
             "', hash = '" + e.hash + "' WHERE seq = " + std::to_string(e.seq) + ";";
    }
    BehindTheTriggers(sql);
  }

  static inline int counter_ = 0;
  fs::path dir_;
  std::string location_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<AuditAnchors> anchors_;
};

TEST_P(AuditAnchorTest, IntactChainVerifiesAgainstItsAnchors) {
  AppendAndAnchor(3);
  AppendAndAnchor(4);
  const AuditVerification v = VerifyAuditChainAnchored(*store_, anchors_.get());
  EXPECT_TRUE(v.intact) << v.problem;
  EXPECT_EQ(v.entries, 7);
  EXPECT_TRUE(v.anchored);
  EXPECT_EQ(v.anchored_through, 7);
  EXPECT_EQ(v.anchors, 2);
}

TEST_P(AuditAnchorTest, DroppedTriggerEditAndRehashIsDetected) {
  AppendAndAnchor(3);
  AppendAndAnchor(3);
  RewriteFrom(2, "method=card-keys validity=4");
  // The attack works against the chain alone (what `onshi audit verify`
  // checked before) ...
  ASSERT_EQ(VerifyAuditChain(*store_), std::nullopt);
  ASSERT_EQ(store_->ReadAudit(1, 1).at(0).detail, "method=card-keys validity=4");
  // ... and not against the anchors: the first anchor at or after the edit
  // no longer matches.
  const AuditVerification v = VerifyAuditChainAnchored(*store_, anchors_.get());
  EXPECT_FALSE(v.intact);
  EXPECT_EQ(v.first_bad_seq, 3);
  EXPECT_NE(v.problem.find("rewritten"), std::string::npos) << v.problem;
  EXPECT_NE(v.problem.find("from 1 to 3"), std::string::npos) << v.problem;
}

TEST_P(AuditAnchorTest, RewriteAfterAnEarlierAnchorIsPlacedBetweenTheTwo) {
  AppendAndAnchor(3);
  AppendAndAnchor(3);
  RewriteFrom(5, "method=card-keys validity=2");
  const AuditVerification v = VerifyAuditChainAnchored(*store_, anchors_.get());
  EXPECT_FALSE(v.intact);
  EXPECT_EQ(v.first_bad_seq, 6);
  EXPECT_NE(v.problem.find("from 4 to 6"), std::string::npos) << v.problem;
}

TEST_P(AuditAnchorTest, DeletedNewestEntriesAreDetected) {
  AppendAndAnchor(5);
  BehindTheTriggers("DELETE FROM audit_log WHERE seq >= 4");
  ASSERT_EQ(VerifyAuditChain(*store_), std::nullopt);  // the chain alone cannot tell
  const AuditVerification v = VerifyAuditChainAnchored(*store_, anchors_.get());
  EXPECT_FALSE(v.intact);
  EXPECT_EQ(v.entries, 3);
  EXPECT_EQ(v.first_bad_seq, 4);
  EXPECT_NE(v.problem.find("truncated"), std::string::npos) << v.problem;
  // Emptied altogether: the same.
  BehindTheTriggers("DELETE FROM audit_log");
  EXPECT_FALSE(VerifyAuditChainAnchored(*store_, anchors_.get()).intact);
}

TEST_P(AuditAnchorTest, AnAnchorEditedToMatchARewriteIsDetected) {
  AppendAndAnchor(3);
  RewriteFrom(2, "edited");
  const std::string new_head = store_->ReadAudit(2, 1).at(0).hash;
  // The attacker also edits the anchor file, but cannot make its MAC.
  const std::string log = anchors_->log_path();
  std::ifstream in(log);
  std::string line;
  std::getline(in, line);
  in.close();
  line.replace(line.find(' ') + 1, 64, new_head);
  std::ofstream(log, std::ios::trunc) << line << "\n";
  const AuditVerification v = VerifyAuditChainAnchored(*store_, anchors_.get());
  EXPECT_FALSE(v.intact);
  EXPECT_NE(v.problem.find("anchor file"), std::string::npos) << v.problem;
}

TEST_P(AuditAnchorTest, AnchoringTheHeadRefusesABrokenChain) {
  AppendAndAnchor(2);
  // Entries written outside a server (an import, say) are not anchored yet.
  store_->AppendAudit({0, "2026-11-23T02:00:00Z", "insurer:06139992", "member.add", 0, "", "", ""});
  AuditVerification v = VerifyAndAnchorHead(*store_, *anchors_);
  EXPECT_TRUE(v.intact) << v.problem;
  EXPECT_EQ(v.anchored_through, 3);
  RewriteFrom(1, "edited");
  v = VerifyAndAnchorHead(*store_, *anchors_);
  EXPECT_FALSE(v.intact);
  EXPECT_EQ(anchors_->Read().anchors.size(), 2u);  // nothing anchored over the rewrite
}

// Several servers on one database (PostgreSQL above all), each anchoring
// the entries it commits, interleaved with the others' and in whatever
// order the anchors reach the shared log: every anchor names an entry that
// can no longer change, so all of them hold.
TEST_P(AuditAnchorTest, ServersAnchoringTheirOwnBatchesAtOnceAgree) {
  std::vector<std::thread> servers;
  for (int s = 0; s < 3; ++s) {
    servers.emplace_back([&, s] {
      try {
        auto store = Open();
        auto anchors = AuditAnchors::OpenOrCreate((dir_ / "state").string());
        for (int batch = 0; batch < 10; ++batch) {
          AuditEntry last;
          store->InTransaction([&] {
            for (int i = 0; i <= batch % 3; ++i) {
              last = store->AppendAudit({0, "2026-11-23T03:00:00Z", "server:" + std::to_string(s),
                                         "eligibility.search", 0, std::to_string(batch), "", ""});
            }
          });
          anchors->Record({last.seq, last.hash});
        }
      } catch (const StoreError& e) {
        ADD_FAILURE() << e.what();
      }
    });
  }
  for (std::thread& t : servers)
    t.join();
  const AuditVerification v = VerifyAuditChainAnchored(*store_, anchors_.get());
  EXPECT_TRUE(v.intact) << v.problem;
  EXPECT_EQ(v.anchors, 30);
  EXPECT_EQ(v.anchored_through, v.entries);
  EXPECT_EQ(v.entries, 3 * (4 * 1 + 3 * 2 + 3 * 3));
}

// A scratch directory for each test of the anchor files, removed after it.
class AuditAnchorFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() /
          ("onshi-anchor-" +
           std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "-" +
           std::to_string(::getpid()));
    fs::remove_all(dir);
  }
  void TearDown() override { fs::remove_all(dir); }
  fs::path dir;
};

TEST_F(AuditAnchorFiles, LogIsCompactedToItsNewestAnchor) {
  auto anchors = AuditAnchors::OpenOrCreate(dir.string());
  const std::string hash(64, 'a');
  for (int64_t seq = 1; seq <= 9000; ++seq)
    anchors->Record({seq, hash});
  EXPECT_LT(fs::file_size(anchors->log_path()), 1u << 20);
  const AuditAnchors::Contents c = anchors->Read();
  EXPECT_TRUE(c.bad_lines.empty());
  ASSERT_FALSE(c.anchors.empty());
  EXPECT_EQ(c.anchors.back().seq, 9000);
  EXPECT_LT(c.anchors.size(), 9000u);
}

TEST_F(AuditAnchorFiles, KeyIsPrivateAndALogWithoutItsKeyIsAnError) {
  EXPECT_EQ(AuditAnchors::OpenExisting(dir.string()), nullptr);  // never anchored here
  AuditAnchors::OpenOrCreate(dir.string())->Record({1, std::string(64, 'b')});
  const fs::path key = dir / "audit-anchor.key";
  EXPECT_EQ(fs::status(key).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_NE(AuditAnchors::OpenExisting(dir.string()), nullptr);
  ::chmod(key.c_str(), 0644);
  EXPECT_THROW(AuditAnchors::OpenExisting(dir.string()), StoreError);
  fs::remove(key);
  EXPECT_THROW(AuditAnchors::OpenExisting(dir.string()), StoreError);
}

TEST_F(AuditAnchorFiles, AnAppendCutShortIsNeitherEvidenceNorGlue) {
  auto anchors = AuditAnchors::OpenOrCreate(dir.string());
  anchors->Record({1, std::string(64, 'c')});
  std::ofstream(anchors->log_path(), std::ios::app) << "2 cccc";  // a crash mid-append
  EXPECT_TRUE(anchors->Read().bad_lines.empty());
  anchors->Record({3, std::string(64, 'd')});
  const AuditAnchors::Contents c = anchors->Read();
  EXPECT_EQ(c.anchors.size(), 2u);
  EXPECT_TRUE(c.bad_lines.empty());  // the cut line was cut off, not completed
}

// Record keeps the log open between anchors while the file is the one it
// last wrote. Another writer (a second server on the same state) that
// appends or compacts in between makes it open the log again: no anchor is
// written into a file that compaction replaced, and none is lost.
TEST_F(AuditAnchorFiles, AnotherWritersAppendsAndCompactionAreSeen) {
  auto mine = AuditAnchors::OpenOrCreate(dir.string());
  auto other = AuditAnchors::OpenOrCreate(dir.string());
  const std::string hash(64, 'e');
  mine->Record({1, hash});
  other->Record({2, hash});
  mine->Record({3, hash});
  EXPECT_EQ(mine->Read().anchors.size(), 3u);
  // The other writer compacts the log (past 1 MiB) into a new file.
  for (int64_t seq = 4; seq <= 9000; ++seq)
    other->Record({seq, hash});
  mine->Record({9001, hash});
  const AuditAnchors::Contents c = mine->Read();
  EXPECT_TRUE(c.bad_lines.empty());
  ASSERT_FALSE(c.anchors.empty());
  EXPECT_EQ(c.anchors.back().seq, 9001);
  EXPECT_LT(c.anchors.size(), 9001u);  // compacted, and 9001 is in the new file
}

// One object, many threads (flock alone would not keep them apart: they
// share its lock descriptor).
TEST_F(AuditAnchorFiles, ThreadsSharingOneObjectWriteWholeLines) {
  auto anchors = AuditAnchors::OpenOrCreate(dir.string());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int64_t k = 0; k < 500; ++k)
        anchors->Record({t * 1000 + k + 1, std::string(64, 'f')});
    });
  }
  for (std::thread& t : threads)
    t.join();
  const AuditAnchors::Contents c = anchors->Read();
  EXPECT_TRUE(c.bad_lines.empty());
  EXPECT_EQ(c.anchors.size(), 2000u);
}

std::string BackendName(const ::testing::TestParamInfo<std::string>& info) {
  return info.param;
}
INSTANTIATE_TEST_SUITE_P(Backends, AuditAnchorTest, ::testing::Values("sqlite", "postgresql"),
                         BackendName);

}  // namespace
}  // namespace onshi::store
