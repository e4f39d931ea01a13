// libFuzzer target: an insurer's import file (CSV in UTF-8 or Shift_JIS,
// or JSON lines) through the reader and the core's ReadSubmission.
//
// Input: the first byte picks the format (even: CSV, odd: JSON lines); the
// rest is the file. Beyond not crashing under ASan/UBSan: every record has a
// line number within the file, line numbers never go backwards, and the
// reader always ends (bytes_read reaches total_bytes).
//
// Run: build-fuzz/intake_fuzz -max_total_time=60 fuzz/corpus/intake
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/submission.hpp"
#include "intake/submission_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace onshi::intake;
  if (size == 0) return 0;
  std::string body(reinterpret_cast<const char*>(data + 1), size - 1);
  const Format format = (data[0] & 1) ? Format::kJsonLines : Format::kCsv;
  ReaderOptions options;
  options.chunk_bytes = 1 + data[0] % 64;  // records across chunk boundaries
  auto reader = SubmissionReader::FromString(body, format, Encoding::kAuto, options);
  if (!reader.ok()) return 0;
  int64_t last = 0;
  while (auto record = reader->Next()) {
    if (record->line < last || record->line < 1) std::abort();
    last = record->line;
    if (record->errors.empty()) {
      (void)onshi::ReadSubmission(record->raw, onshi::Date::FromYmd(2026, 11, 23));
    }
  }
  if (reader->bytes_read() != reader->total_bytes()) std::abort();
  return 0;
}
