// The linker's daily document sweep walks every member of every insurer
// (R-DOC-4, R-DOC-5, R-DOC-10, R-OLD-4, R-CARD-4). It ran at every start of
// a server, so a restart (or a benchmark started on a fresh copy) spent
// minutes of a core walking 10^6 members again on a day already swept: the
// store now keeps the day of the last sweep (Store::DailyJobDoneOn), on both
// backends, and the server's linker sweeps only when that day is not today.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "intermediate/linker.hpp"
#include "service/clock.hpp"
#include "service/linker_thread.hpp"
#include "serving_test_util.hpp"

namespace onshi::service {
namespace {

using serving::testing::KeyFile;
using serving::testing::NewLocation;
using serving::testing::ScratchDir;

// 2026-04-01 10:00 JST and the days after it.
constexpr std::time_t kDay1 = 1775005200;
constexpr std::time_t kOneDay = 86400;

class DailySweepTest : public ::testing::TestWithParam<std::string> {
 protected:
  DailySweepTest() : location_(NewLocation(GetParam(), dir_)) {}

  std::unique_ptr<store::Store> Open() { return store::OpenStore(location_, KeyFile(dir_)); }

  // Starts a server's linker at `now`, lets it end one round, and returns how
  // many sweeps it ran.
  uint64_t SweepsInOneRound(std::time_t now) {
    FixedClock clock(now);
    http::Metrics metrics;
    http::Counter& rounds = metrics.GetCounter("onshi_linker_rounds_total", "");
    {
      LinkerThread linker([this] { return Open(); }, clock, metrics, std::chrono::hours(1));
      for (int i = 0; i < 3000 && rounds.value() == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_EQ(rounds.value(), 1u);
    EXPECT_EQ(metrics.GetCounter("onshi_linker_run_errors_total", "").value(), 0u);
    return metrics.GetCounter("onshi_linker_document_sweeps_total", "").value();
  }

  ScratchDir dir_;
  std::string location_;
};

TEST_P(DailySweepTest, TheStoreKeepsTheDayOfEachDailyJob) {
  auto store = Open();
  EXPECT_EQ(store->DailyJobDoneOn(intermediate::kDocumentSweepJob), std::nullopt);
  store->SetDailyJobDone(intermediate::kDocumentSweepJob, JstDate(kDay1));
  store->SetDailyJobDone("another job", JstDate(kDay1 - kOneDay));
  store->SetDailyJobDone(intermediate::kDocumentSweepJob, JstDate(kDay1 + kOneDay));
  store.reset();
  store = Open();  // what a restarted server reads
  EXPECT_EQ(store->DailyJobDoneOn(intermediate::kDocumentSweepJob), JstDate(kDay1 + kOneDay));
  EXPECT_EQ(store->DailyJobDoneOn("another job"), JstDate(kDay1 - kOneDay));
}

TEST_P(DailySweepTest, AServerRestartedTheSameDayDoesNotSweepAgain) {
  Open();  // the schema, before two threads could race to make it
  EXPECT_EQ(SweepsInOneRound(kDay1), 1u);
  EXPECT_EQ(Open()->DailyJobDoneOn(intermediate::kDocumentSweepJob), JstDate(kDay1));
  // Restarted later that day (JST): nothing to walk again.
  EXPECT_EQ(SweepsInOneRound(kDay1 + 5 * 3600), 0u);
  // The next day, the sweep runs again.
  EXPECT_EQ(SweepsInOneRound(kDay1 + kOneDay), 1u);
  EXPECT_EQ(Open()->DailyJobDoneOn(intermediate::kDocumentSweepJob), JstDate(kDay1 + kOneDay));
}

TEST_P(DailySweepTest, ASweepByOnshiLinkCountsForTheServer) {
  // `onshi link` (the daily job by hand, or from cron) always sweeps, and
  // records the day, so that a server started after it does not repeat it.
  auto store = Open();
  intermediate::LinkOptions o;
  o.today = JstDate(kDay1);
  o.at = UtcIsoTime(kDay1);
  intermediate::RunLinker(*store, o);
  EXPECT_EQ(store->DailyJobDoneOn(intermediate::kDocumentSweepJob), JstDate(kDay1));
  store.reset();
  EXPECT_EQ(SweepsInOneRound(kDay1 + 3600), 0u);
  // A round that was told not to sweep records nothing.
  store = Open();
  o.today = JstDate(kDay1 + kOneDay);
  o.issue_follow_up_documents = false;
  intermediate::RunLinker(*store, o);
  EXPECT_EQ(store->DailyJobDoneOn(intermediate::kDocumentSweepJob), JstDate(kDay1));
}

INSTANTIATE_TEST_SUITE_P(Backends, DailySweepTest, ::testing::Values("sqlite", "postgresql"),
                         serving::testing::BackendName);

}  // namespace
}  // namespace onshi::service
