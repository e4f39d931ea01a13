// The check log read by person (service/check_log.hpp): the portal's
// わたしの確認履歴 through the index by person, against the way it read
// before the index, measured in the same run: every segment read and
// searched for the person's lines (BM_Reference_ScanEverySegment).
//
// The log: ONSHI_BENCH_CHECK_LOG_RECORDS records (default 1,000,000, about
// 300 MB in 64 MB segments, the server's default) about 100,000 persons,
// about ten checks each, written once before the first benchmark.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "service/check_log.hpp"
#include "service/check_log_files.hpp"

namespace {

using namespace onshi;
namespace fs = std::filesystem;

constexpr int64_t kPersons = 100000;

int64_t Records() {
  const char* n = std::getenv("ONSHI_BENCH_CHECK_LOG_RECORDS");
  return n ? std::atoll(n) : 1000000;
}

// The log, written once; removed at exit.
struct Log {
  fs::path root;
  std::unique_ptr<service::CheckLog> log;

  Log() {
    std::string pattern = (fs::temp_directory_path() / "onshi-check-bench-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    root = pattern;
    log = service::CheckLog::Open((root / "log").string());
    const int64_t n = Records();
    std::mutex mu;
    std::condition_variable cv;
    int64_t done = 0;
    for (int64_t i = 0; i < n; ++i) {
      // As the server writes a check by insurance card.
      store::AuditEntry e{0,
                          "2026-12-04T03:00:00Z",
                          "facility:1310000011",
                          "eligibility.search",
                          1 + (i * 7919) % kPersons,
                          "照会区分=2 保険者番号=06139992 result=found consents=diagnosis,limit",
                          "",
                          ""};
      log->AppendAsync(std::move(e), [&](const store::AuditEntry&, const std::string&) {
        std::lock_guard<std::mutex> lock(mu);
        if (++done == n) cv.notify_one();
      });
    }
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return done == n; });
    lock.unlock();
    log->FinishIndexing();
  }
  ~Log() {
    log.reset();
    fs::remove_all(root);
  }
};

Log& TheLog() {
  static Log log;
  return log;
}

void BM_OfPersonThroughTheIndex(benchmark::State& state) {
  Log& l = TheLog();
  int64_t person = 1, found = 0;
  for (auto _ : state) {
    found += static_cast<int64_t>(l.log->OfPerson(person).size());
    person = 1 + (person * 48271) % kPersons;
  }
  state.counters["records_per_read"] =
      static_cast<double>(found) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_OfPersonThroughTheIndex)->Unit(benchmark::kMillisecond);

// What OfPerson did before the index: every segment read whole and searched
// for the person's lines, the matching ones parsed (here: counted).
void BM_Reference_ScanEverySegment(benchmark::State& state) {
  Log& l = TheLog();
  int64_t person = 1, found = 0, segments = 0;
  for (auto _ : state) {
    segments = 0;
    const std::string needle = "\"person\":" + std::to_string(person) + ",";
    for (const fs::directory_entry& e : fs::directory_iterator(l.log->dir())) {
      if (e.path().extension() != ".log") continue;
      ++segments;
      const std::string text = service::ReadSegmentFile(e.path().string());
      const std::string_view records = service::RecordsOf(text);
      for (size_t at = records.find(needle); at != std::string_view::npos;
           at = records.find(needle, at + 1))
        ++found;
    }
    person = 1 + (person * 48271) % kPersons;
  }
  state.counters["records_per_read"] =
      static_cast<double>(found) / static_cast<double>(state.iterations());
  state.counters["segments"] = static_cast<double>(segments);
}
BENCHMARK(BM_Reference_ScanEverySegment)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
