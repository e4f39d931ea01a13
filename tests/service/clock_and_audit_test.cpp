// The service's clock (JST dates) and the batched audit writer.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "service/audit_writer.hpp"
#include "service/clock.hpp"
#include "service/jst_timestamp.hpp"
#include "service/store_pool.hpp"

namespace onshi::service {
namespace {

namespace fs = std::filesystem;

TEST(Clock, JapaneseDateIsJst) {
  std::time_t t = 0;
  ASSERT_TRUE(ParseTime("2025-03-31T15:30:00Z", &t));  // 00:30 JST on 1 April
  EXPECT_EQ(JstDate(t), Date::FromYmd(2025, 4, 1));
  EXPECT_EQ(JstCompactTime(t), "20250401003000");
  EXPECT_EQ(UtcIsoTime(t), "2025-03-31T15:30:00Z");
  std::time_t jst = 0;
  ASSERT_TRUE(ParseTime("2025-04-01T00:30:00+09:00", &jst));
  EXPECT_EQ(jst, t);
  std::time_t day = 0;
  ASSERT_TRUE(ParseTime("2025-04-01", &day));
  EXPECT_EQ(JstCompactTime(day), "20250401090000");
  EXPECT_FALSE(ParseTime("2025-02-30", &day));
  EXPECT_FALSE(ParseTime("2025-04-01T25:00:00Z", &day));
  EXPECT_FALSE(ParseTime("2025-04-01T10:00:00+05:00", &day));
}

// The answer's processing time (JST) agrees with the compact text at every
// second of a day, across midnight JST (15:00 UTC) and a year's end.
TEST(ClockTest, TheAnswersTimestampIsTheJstTime) {
  std::time_t t = 0;
  ASSERT_TRUE(ParseTime("2025-12-31T14:59:58Z", &t));
  for (std::time_t k = 0; k < 86400 + 5; k += 1) {
    const oqs::Timestamp ts = JstTimestamp(t + k);
    ASSERT_EQ(ts.ToCompact(), JstCompactTime(t + k)) << k;
  }
  EXPECT_EQ(JstTimestamp(t + 2).ToCompact(), "20260101000000");
}

class AuditWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("onshi-audit-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(AuditWriterTest, EntriesFromManyThreadsAllLandInOneChain) {
  StorePool pool((dir_ / "a.db").string(), (dir_ / "a.keys").string());
  {
    AuditWriter writer(pool.OpenOwned(), std::chrono::milliseconds(5));
    std::vector<std::thread> ts;
    for (int t = 0; t < 4; ++t) {
      ts.emplace_back([&writer, t] {
        for (int i = 0; i < 2500; ++i) {
          writer.Append({0, "2025-04-01T00:00:00Z", "facility:131234567" + std::to_string(t),
                         "eligibility.search", i, "validity=1", "", ""});
        }
      });
    }
    for (auto& th : ts)
      th.join();
    writer.Flush();
    EXPECT_EQ(writer.written(), 10000u);
  }
  auto& s = pool.ForThisThread();
  EXPECT_EQ(s.Counts().audit_entries, 10000);
  EXPECT_EQ(store::VerifyAuditChain(s), std::nullopt);
}

TEST_F(AuditWriterTest, DestructorFlushesWhatIsQueued) {
  StorePool pool((dir_ / "b.db").string(), (dir_ / "b.keys").string());
  {
    AuditWriter writer(pool.OpenOwned(), std::chrono::seconds(60));  // would not flush by time
    for (int i = 0; i < 10; ++i)
      writer.Append({0, "t", "admin", "x", 0, "", "", ""});
  }
  EXPECT_EQ(pool.ForThisThread().Counts().audit_entries, 10);
}

TEST_F(AuditWriterTest, StorePoolGivesEachThreadItsOwnConnection) {
  StorePool pool((dir_ / "c.db").string(), (dir_ / "c.keys").string());
  store::Store* main_store = &pool.ForThisThread();
  EXPECT_EQ(main_store, &pool.ForThisThread());
  store::Store* other = nullptr;
  std::thread([&] { other = &pool.ForThisThread(); }).join();
  EXPECT_NE(main_store, other);
}

}  // namespace
}  // namespace onshi::service
