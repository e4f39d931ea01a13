// The serving index (issue 20, lever 1) against today's store read, in the
// same run and on the same database: a check's lookup + decision from the
// index and from SQLite, the index's bytes per member and build time, and
// how long a committed change takes to reach a followed index.
//
// Sizes: 10^5 and 10^6 members (Arg); 10^7 when ONSHI_BENCH_SERVING_10M=1
// (it populates for a long while and needs several GB of disk).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "core/eligibility.hpp"
#include "populate/population.hpp"
#include "serving/eligibility_index.hpp"
#include "serving/index_follower.hpp"
#include "store/store.hpp"

namespace {

using namespace onshi;

// Resident memory of this process in bytes (/proc/self/statm).
size_t Rss() {
  std::ifstream f("/proc/self/statm");
  size_t pages = 0, resident = 0;
  f >> pages >> resident;
  return resident * static_cast<size_t>(::sysconf(_SC_PAGESIZE));
}

struct Db {
  std::filesystem::path dir;
  std::string location;
  std::unique_ptr<store::Store> store;
  std::vector<InsuranceCardQuery> queries;
  serving::EligibilityIndex index;
  double build_seconds = 0;
  size_t rss_growth = 0;

  explicit Db(int64_t members) {
    dir = std::filesystem::temp_directory_path() /
          ("onshi-serving-bench-" + std::to_string(::getpid()) + "-" + std::to_string(members));
    std::filesystem::create_directories(dir);
    location = (dir / "b.db").string();
    store = store::OpenStore(location, (dir / "b.keys").string());
    populate::PopulationOptions opt;
    opt.members = members;
    opt.batch = 50000;
    populate::Populate(*store, opt);
    // Everything applied so far is in the index: the feed is not needed.
    store->TrimChanges(store->ChangeFeedHead());
    for (int64_t i = 0; i < 20000; ++i) {
      const int64_t id = 1 + (i * 7919 * 104729) % members;
      auto q = store->GetQualification(id);
      queries.push_back({q->insurer_number, q->symbol, q->number, q->branch, q->birth_date});
    }
    const size_t rss_before = Rss();
    const auto t0 = std::chrono::steady_clock::now();
    index.Rebuild(*store);
    build_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const size_t rss_after = Rss();
    rss_growth = rss_after > rss_before ? rss_after - rss_before : 0;
  }
  ~Db() { std::filesystem::remove_all(dir); }
};

Db& SharedDb(int64_t members) {
  static std::map<int64_t, std::unique_ptr<Db>> dbs;
  auto& slot = dbs[members];
  if (!slot) slot = std::make_unique<Db>(members);
  return *slot;
}

const Date kToday = Date::FromYmd(2025, 6, 2);

// Today's path: the store read of LoadForCardQuery, then the decision.
void BM_StoreLookupAndDecide(benchmark::State& state) {
  Db& db = SharedDb(state.range(0));
  size_t i = 0;
  for (auto _ : state) {
    const InsuranceCardQuery& q = db.queries[i++ % db.queries.size()];
    auto records = store::LoadForCardQuery(*db.store, q);
    benchmark::DoNotOptimize(DecideByInsuranceCard(q, records, kToday, kToday));
  }
}

// The index's path: the same records from memory, then the same decision.
void BM_IndexLookupAndDecide(benchmark::State& state) {
  Db& db = SharedDb(state.range(0));
  size_t i = 0;
  for (auto _ : state) {
    const InsuranceCardQuery& q = db.queries[i++ % db.queries.size()];
    auto records = db.index.Lookup(q);
    benchmark::DoNotOptimize(DecideByInsuranceCard(q, records, kToday, kToday));
  }
  const serving::IndexStats s = db.index.Stats();
  state.counters["members"] = static_cast<double>(s.members);
  state.counters["bytes_per_member"] =
      static_cast<double>(s.bytes) / static_cast<double>(std::max<int64_t>(1, s.members));
  state.counters["rss_per_member"] =
      static_cast<double>(db.rss_growth) / static_cast<double>(std::max<int64_t>(1, s.members));
  state.counters["records_B"] =
      static_cast<double>(s.record_bytes) / static_cast<double>(std::max<int64_t>(1, s.members));
  state.counters["pool_B"] =
      static_cast<double>(s.pool_bytes) / static_cast<double>(std::max<int64_t>(1, s.members));
  state.counters["keys_B"] =
      static_cast<double>(s.key_bytes) / static_cast<double>(std::max<int64_t>(1, s.members));
  state.counters["persons_B"] = static_cast<double>(s.person_table_bytes) /
                                static_cast<double>(std::max<int64_t>(1, s.members));
  state.counters["build_s"] = db.build_seconds;
}

// From a commit through another connection to the followed index having it:
// the freshness bound on one host (poll every 10 ms).
void BM_ChangeToIndexLatency(benchmark::State& state) {
  Db& db = SharedDb(state.range(0));
  auto writer = store::OpenStore(db.location, (db.dir / "b.keys").string());
  serving::IndexFollower follower(
      db.index, [&db] { return store::OpenStore(db.location, (db.dir / "b.keys").string()); });
  follower.Start();
  int64_t id = 1;
  for (auto _ : state) {
    auto q = writer->GetQualification(id);
    id = 1 + (id * 7919) % state.range(0);
    q->copay_percent = q->copay_percent == 30 ? 20 : 30;
    const auto t0 = std::chrono::steady_clock::now();
    writer->UpdateQualification(*q);
    const int64_t head = writer->ChangeFeedHead();
    while (db.index.applied_seq() < head)
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    state.SetIterationTime(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  follower.Stop();
}

// 10^7 members without populating 10^7: the 10^6 population read once and
// put into a fresh index ten times, each copy under other person ids,
// member ids and 番号 (so ten times the keys and records; the names,
// addresses and 記号 repeat as they do in a real population ten times the
// size). Reports bytes per member and lookups at that size.
void BM_IndexTenCopiesOf1M(benchmark::State& state) {
  Db& db = SharedDb(1000000);
  static std::unique_ptr<serving::EligibilityIndex> big;
  static double seconds = 0;
  if (!big) {
    big = std::make_unique<serving::EligibilityIndex>();
    const int64_t last = db.store->LastPersonId();
    const auto t0 = std::chrono::steady_clock::now();
    for (int64_t after = 0; after < last; after += 4096) {
      const std::vector<Qualification> part =
          db.store->QualificationsOfPersons(after, std::min(last, after + 4096));
      for (int64_t copy = 0; copy < 10; ++copy) {
        std::vector<Qualification> shifted = part;
        std::vector<int64_t> persons;
        for (Qualification& q : shifted) {
          q.person_id += copy * last;
          q.member_id += copy * 100000000;
          if (copy > 0) q.number += std::to_string(copy);
          persons.push_back(q.person_id);
        }
        big->Replace(persons, shifted, 0);
      }
    }
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  size_t i = 0;
  for (auto _ : state) {
    const InsuranceCardQuery& q = db.queries[i++ % db.queries.size()];
    auto records = big->Lookup(q);
    benchmark::DoNotOptimize(DecideByInsuranceCard(q, records, kToday, kToday));
  }
  const serving::IndexStats s = big->Stats();
  state.counters["members"] = static_cast<double>(s.members);
  state.counters["bytes_per_member"] =
      static_cast<double>(s.bytes) / static_cast<double>(std::max<int64_t>(1, s.members));
  state.counters["fill_s"] = seconds;
}

BENCHMARK(BM_StoreLookupAndDecide)->Arg(100000)->Arg(1000000);
BENCHMARK(BM_IndexLookupAndDecide)->Arg(100000)->Arg(1000000);
BENCHMARK(BM_IndexTenCopiesOf1M);
BENCHMARK(BM_ChangeToIndexLatency)
    ->Arg(1000000)
    ->UseManualTime()
    ->Iterations(200)
    ->Unit(benchmark::kMillisecond);

[[maybe_unused]] const bool kTenMillion = [] {
  const char* v = std::getenv("ONSHI_BENCH_SERVING_10M");
  if (v && std::string(v) == "1") {
    benchmark::RegisterBenchmark("BM_StoreLookupAndDecide", BM_StoreLookupAndDecide)->Arg(10000000);
    benchmark::RegisterBenchmark("BM_IndexLookupAndDecide", BM_IndexLookupAndDecide)->Arg(10000000);
  }
  return true;
}();

}  // namespace

BENCHMARK_MAIN();
