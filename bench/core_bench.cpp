// Hot functions of the domain core and the store's eligibility lookup.
// Reference in the same run: a bare SQLite primary-key lookup on the same
// database (BM_Reference_SqlitePkLookup); bench/run.sh prints the ratios.
#include <benchmark/benchmark.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>

#include "core/business_days.hpp"
#include "core/eligibility.hpp"
#include "core/holidays.hpp"
#include "core/insurer_number.hpp"
#include "core/my_number.hpp"
#include "populate/population.hpp"
#include "store/store.hpp"

namespace {

using namespace onshi;

void BM_MyNumberParse(benchmark::State& state) {
  for (auto _ : state)
    benchmark::DoNotOptimize(MyNumber::Parse("621498320257"));
}
BENCHMARK(BM_MyNumberParse);

void BM_InsurerNumberParse(benchmark::State& state) {
  for (auto _ : state)
    benchmark::DoNotOptimize(InsurerNumber::Parse("  138057"));
}
BENCHMARK(BM_InsurerNumberParse);

void BM_AddBusinessDays(benchmark::State& state) {
  Date d = Date::FromYmd(2025, 4, 25);
  for (auto _ : state) {
    benchmark::DoNotOptimize(AddBusinessDays(d, 5));
    d = d.AddDays(1);
    if (d.year() > 2027) d = Date::FromYmd(2025, 1, 1);
  }
}
BENCHMARK(BM_AddBusinessDays);

void BM_DecideByInsuranceCard(benchmark::State& state) {
  std::vector<Qualification> records(2);
  for (int i = 0; i < 2; ++i) {
    Qualification& q = records[static_cast<size_t>(i)];
    q.person_id = 1;
    q.insurer_number = i == 0 ? "06139992" : "01130012";
    q.number = i == 0 ? "567" : "8888";
    q.branch = "00";
    q.birth_date = Date::FromYmd(1980, 5, 15);
    q.acquired = Date::FromYmd(i == 0 ? 2015 : 2025, 4, 1);
    if (i == 0) q.lost = Date::FromYmd(2025, 4, 1);
    q.linkage = LinkageState::kLinked;
    q.linked_on = q.acquired.AddDays(3);
  }
  const InsuranceCardQuery query{"06139992", "", "567", "", Date::FromYmd(1980, 5, 15)};
  for (auto _ : state) {
    benchmark::DoNotOptimize(DecideByInsuranceCard(query, records, Date::FromYmd(2025, 5, 1),
                                                   Date::FromYmd(2025, 6, 1)));
  }
}
BENCHMARK(BM_DecideByInsuranceCard);

// A 100,000-member database shared by the store benchmarks.
struct Db {
  std::filesystem::path dir;
  std::unique_ptr<store::Store> store;
  std::vector<InsuranceCardQuery> queries;
  Db() {
    dir = std::filesystem::temp_directory_path() / ("onshi-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    store = store::OpenStore((dir / "b.db").string(), (dir / "b.keys").string());
    populate::PopulationOptions opt;
    opt.members = 100000;
    populate::Populate(*store, opt);
    for (int64_t id = 1; id <= opt.members; id += 97) {
      auto q = store->GetQualification(id);
      queries.push_back({q->insurer_number, q->symbol, q->number, q->branch, q->birth_date});
    }
  }
  ~Db() { std::filesystem::remove_all(dir); }
};

Db& SharedDb() {
  static Db db;
  return db;
}

void BM_StoreEligibilityLookup(benchmark::State& state) {
  Db& db = SharedDb();
  size_t i = 0;
  const Date today = Date::FromYmd(2025, 6, 2);
  for (auto _ : state) {
    const InsuranceCardQuery& q = db.queries[i++ % db.queries.size()];
    auto records = store::LoadForCardQuery(*db.store, q);
    benchmark::DoNotOptimize(DecideByInsuranceCard(q, records, today, today));
  }
}
BENCHMARK(BM_StoreEligibilityLookup);

void BM_Reference_SqlitePkLookup(benchmark::State& state) {
  Db& db = SharedDb();
  sqlite3* h = nullptr;
  sqlite3_open_v2((db.dir / "b.db").c_str(), &h, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(h, "SELECT * FROM members WHERE member_id = ?", -1, &s, nullptr);
  int64_t id = 1;
  for (auto _ : state) {
    sqlite3_bind_int64(s, 1, id);
    while (sqlite3_step(s) == SQLITE_ROW)
      benchmark::DoNotOptimize(sqlite3_column_int64(s, 0));
    sqlite3_reset(s);
    id = id % 100000 + 97;
  }
  sqlite3_finalize(s);
  sqlite3_close(h);
}
BENCHMARK(BM_Reference_SqlitePkLookup);

}  // namespace

BENCHMARK_MAIN();
