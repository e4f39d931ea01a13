// Import-file reader throughput (src/intake): a generated 100,000-line
// insurer file of typical records (16 fields, ~200 bytes), read end to end
// through SubmissionReader as UTF-8 CSV, Shift_JIS CSV and JSON lines, and
// the bare CSV splitter over the same bytes. items_per_second is lines/s.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "intake/csv.hpp"
#include "intake/submission_reader.hpp"
#include "oqs/charset.hpp"

namespace {

using namespace onshi;
using namespace onshi::intake;

constexpr int kLines = 100000;

std::string Row(int i, bool json) {
  const std::string id = "S" + std::to_string(10000000 + i);
  const std::string mn = std::to_string(100000000000LL + i * 7919LL);
  const std::string name = i % 2 ? "山田　太郎" : "髙橋　﨑子";
  const std::string kana = i % 2 ? "ヤマダ　タロウ" : "タカハシ　サキコ";
  const std::string address = "東京都千代田区千代田" + std::to_string(i % 9 + 1) + "-" +
                              std::to_string(i % 30 + 1) + " オンシ第二ビルディング" +
                              std::to_string(i % 900 + 100) + "号室";
  const std::string fields[16] = {id,
                                  "acquisition",
                                  mn,
                                  name,
                                  kana,
                                  "19800515",
                                  "1",
                                  "100-0001",
                                  address,
                                  "06139992",
                                  std::to_string(i % 99999),
                                  "00",
                                  "20250401",
                                  "",
                                  "1",
                                  "30"};
  static const char* const kNames[16] = {
      "submission_id", "form",   "my_number",  "name",        "name_kana",
      "birth_date",    "sex",    "postcode",   "address",     "symbol",
      "number",        "branch", "event_date", "loss_reason", "certificate_wanted",
      "copay_percent"};
  std::string out;
  if (json) out += "{";
  for (int f = 0; f < 16; ++f) {
    if (f > 0) out += ",";
    if (json) {
      out += "\"" + std::string(kNames[f]) + "\":\"" + fields[f] + "\"";
    } else if (f == 8 && i % 10 == 0) {
      out += "\"" + fields[f] + ", 2F\"";  // some quoted addresses
    } else {
      out += fields[f];
    }
  }
  out += json ? "}\r\n" : "\r\n";
  return out;
}

std::string Header() {
  return "submission_id,form,my_number,name,name_kana,birth_date,sex,postcode,address,symbol,"
         "number,"
         "branch,event_date,loss_reason,certificate_wanted,copay_percent\r\n";
}

// The generated files, removed when the program ends.
struct TempFiles {
  ~TempFiles() {
    for (const std::string& p : paths)
      std::remove(p.c_str());
  }
  std::vector<std::string> paths;
};

const std::string& File(const char* kind) {
  static TempFiles temp;
  static std::string utf8, sjis, jsonl;
  std::string& path = kind[0] == 'u' ? utf8 : kind[0] == 's' ? sjis : jsonl;
  if (!path.empty()) return path;
  std::string body = kind[0] == 'j' ? "" : Header();
  for (int i = 0; i < kLines; ++i)
    body += Row(i, kind[0] == 'j');
  if (kind[0] == 's') body = oqs::Utf8ToCp932(body);
  path = "/tmp/onshi_intake_bench_" + std::to_string(::getpid()) + "_" + kind +
         (kind[0] == 'j' ? ".jsonl" : ".csv");
  std::ofstream(path, std::ios::binary) << body;
  temp.paths.push_back(path);
  return path;
}

void ReadFile(benchmark::State& state, const char* kind) {
  const std::string& path = File(kind);
  uint64_t bytes = 0;
  for (auto _ : state) {
    Expected<SubmissionReader> reader = SubmissionReader::OpenFile(path);
    if (!reader.ok()) state.SkipWithError(reader.error().ToString().c_str());
    SubmissionReader r = std::move(reader).value();
    int n = 0;
    while (std::optional<ReadRecord> rec = r.Next()) {
      if (!rec->errors.empty()) state.SkipWithError(rec->errors[0].reason.c_str());
      benchmark::DoNotOptimize(rec->raw.address.data());
      ++n;
    }
    if (n != kLines) state.SkipWithError("wrong record count");
    bytes += r.total_bytes();
  }
  state.SetItemsProcessed(state.iterations() * kLines);
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

void BM_ReadCsvUtf8(benchmark::State& state) {
  ReadFile(state, "utf8");
}
void BM_ReadCsvShiftJis(benchmark::State& state) {
  ReadFile(state, "sjis");
}
void BM_ReadJsonLines(benchmark::State& state) {
  ReadFile(state, "jsonl");
}
BENCHMARK(BM_ReadCsvUtf8)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReadCsvShiftJis)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReadJsonLines)->Unit(benchmark::kMillisecond);

void BM_CsvSplitterOnly(benchmark::State& state) {
  std::string body = Header();
  for (int i = 0; i < kLines; ++i)
    body += Row(i, false);
  CsvSplitter splitter;
  CsvRecord record;
  for (auto _ : state) {
    std::string_view data = body;
    while (!data.empty()) {
      splitter.Split(data, true, &record);
      data.remove_prefix(record.bytes);
    }
    benchmark::DoNotOptimize(record.fields.data());
  }
  state.SetItemsProcessed(state.iterations() * (kLines + 1));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(body.size()));
}
BENCHMARK(BM_CsvSplitterOnly)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
