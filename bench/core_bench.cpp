// Hot functions of the domain core, the store's eligibility lookup and the
// whole server-side check, at 10^5 and 10^6 members. Reference in the same
// run: a bare SQLite primary-key lookup on the same database
// (BM_Reference_SqlitePkLookup).
#include <benchmark/benchmark.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <map>

#include "core/business_days.hpp"
#include "core/eligibility.hpp"
#include "core/holidays.hpp"
#include "core/insurer_number.hpp"
#include "core/my_number.hpp"
#include "core/registry_match.hpp"
#include "oqs/request.hpp"
#include "oqs/response.hpp"
#include "oqs/validate.hpp"
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

// The resident-registry check of one form on the bulk-import path (goal:
// 10^5 records/s on 2 cores): a matching pair, so every field is compared in
// full. The registry writes the variant 﨑 and kanji numerals; the form writes
// the standard 崎, a half-width reading and arabic numerals.
void BM_CompareWithRegistry(benchmark::State& state) {
  BasicFour registry{.name = "山﨑　美智子",
                     .name_kana = "ヤマサキ　ミチコ",
                     .birth_date = Date::FromYmd(1980, 5, 15),
                     .sex = Sex::kFemale,
                     .address = "東京都千代田区霞が関一丁目２番３号　霞が関ハイツ１０１"};
  BasicFour filed{.name = "山崎 美智子",
                  .name_kana = "ﾔﾏｻｷ ﾐﾁｺ",
                  .birth_date = Date::FromYmd(1980, 5, 15),
                  .sex = Sex::kFemale,
                  .address = "東京都千代田区霞ヶ関1-2-3 霞ヶ関ハイツ101"};
  if (!CompareWithRegistry(registry, filed).empty()) state.SkipWithError("the pair must match");
  for (auto _ : state)
    benchmark::DoNotOptimize(CompareWithRegistry(registry, filed));
}
BENCHMARK(BM_CompareWithRegistry);

// Databases of 10^5 and 10^6 members, built once per size for the store
// benchmarks (the 10^6 one takes about a minute to populate).
struct Db {
  std::filesystem::path dir;
  std::unique_ptr<store::Store> store;
  std::vector<InsuranceCardQuery> queries;
  explicit Db(int64_t members) {
    dir = std::filesystem::temp_directory_path() /
          ("onshi-bench-" + std::to_string(::getpid()) + "-" + std::to_string(members));
    std::filesystem::create_directories(dir);
    store = store::OpenStore((dir / "b.db").string(), (dir / "b.keys").string());
    populate::PopulationOptions opt;
    opt.members = members;
    opt.batch = 50000;
    populate::Populate(*store, opt);
    // Existing members spread over the whole table, visited in a scattered
    // order so the lookups are not cache-friendly sequential reads.
    for (int64_t i = 0; i < 20000; ++i) {
      const int64_t id = 1 + (i * 7919 * 104729) % members;
      auto q = store->GetQualification(id);
      queries.push_back({q->insurer_number, q->symbol, q->number, q->branch, q->birth_date});
    }
  }
  ~Db() { std::filesystem::remove_all(dir); }
};

Db& SharedDb(int64_t members) {
  static std::map<int64_t, std::unique_ptr<Db>> dbs;
  auto& slot = dbs[members];
  if (!slot) slot = std::make_unique<Db>(members);
  return *slot;
}

void BM_StoreEligibilityLookup(benchmark::State& state) {
  Db& db = SharedDb(state.range(0));
  size_t i = 0;
  const Date today = Date::FromYmd(2025, 6, 2);
  for (auto _ : state) {
    const InsuranceCardQuery& q = db.queries[i++ % db.queries.size()];
    auto records = store::LoadForCardQuery(*db.store, q);
    benchmark::DoNotOptimize(DecideByInsuranceCard(q, records, today, today));
  }
}
BENCHMARK(BM_StoreEligibilityLookup)->Arg(100000)->Arg(1000000);

// The server-side check: parse the JSON request, validate, look up, decide,
// serialise the JSON answer — everything but HTTP and the proof signature.
void BM_ServerSideCheck(benchmark::State& state) {
  Db& db = SharedDb(state.range(0));
  std::vector<std::string> bodies;
  for (size_t k = 0; k < 2000; ++k) {
    const InsuranceCardQuery& q = db.queries[k];
    bodies.push_back(
        R"({"XmlMsg":{"MessageHeader":{"QualificationConfirmationDate":"20250602","MedicalInstitutionCode":"1310000011"},"MessageBody":{"QualificationConfirmSearchInfo":{"InsurerNumber":")" +
        q.insurer_number + R"(","InsuredIdentificationNumber":")" + q.number +
        R"(","InsuredBranchNumber":")" + q.branch + R"(","Birthdate":")" +
        q.birth_date.ToCompact() + R"(","LimitApplicationCertificateRelatedConsFlg":"1"}}}})");
  }
  const Date today = Date::FromYmd(2025, 6, 2);
  const oqs::Timestamp ts{today, 9, 30, 0};
  size_t i = 0, bytes = 0;
  for (auto _ : state) {
    const oqs::ParsedRequest parsed = oqs::ParseRequestJson(bodies[i++ % bodies.size()]);
    const auto valid = oqs::ValidateRequest(parsed.request);
    auto records = store::LoadForCardQuery(*db.store, valid->query);
    auto decision = DecideByInsuranceCard(valid->query, records, valid->confirmation_date, today);
    const std::string out = oqs::WriteQualificationResponse(parsed.request, *valid, decision, ts,
                                                            oqs::AnswerEncoding(parsed.request));
    bytes += out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["response_bytes"] =
      static_cast<double>(bytes) / static_cast<double>(std::max<int64_t>(1, state.iterations()));
}
BENCHMARK(BM_ServerSideCheck)->Arg(100000)->Arg(1000000);

void BM_Reference_SqlitePkLookup(benchmark::State& state) {
  Db& db = SharedDb(state.range(0));
  sqlite3* h = nullptr;
  sqlite3_open_v2((db.dir / "b.db").c_str(), &h, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(h, "SELECT * FROM members WHERE member_id = ?", -1, &s, nullptr);
  int64_t id = 1;
  const int64_t n = state.range(0);
  for (auto _ : state) {
    sqlite3_bind_int64(s, 1, id);
    while (sqlite3_step(s) == SQLITE_ROW)
      benchmark::DoNotOptimize(sqlite3_column_int64(s, 0));
    sqlite3_reset(s);
    id = 1 + (id * 7919 + 104729) % n;
  }
  sqlite3_finalize(s);
  sqlite3_close(h);
}
BENCHMARK(BM_Reference_SqlitePkLookup)->Arg(100000)->Arg(1000000);

}  // namespace

BENCHMARK_MAIN();
