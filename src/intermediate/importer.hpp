// The importer: an insurer's bulk file of forms, read by src/intake, checked
// by the core (ReadSubmission) and received one by one (reception.hpp).
//
// Guarantees (issue: "a bad line never blocks good ones and never leaves a
// half-applied record; a crash or kill -9 loses nothing acknowledged"):
//   - records are received in batches, each in one transaction; a batch is
//     acknowledged (counted in the progress callback) only after it commits;
//   - if a batch fails inside the store, it is rolled back and redone one
//     record per transaction, so the bad record alone is reported;
//   - a killed import loses only its uncommitted batch; re-running the same
//     file skips every submission id already received with the same content
//     (idempotent), so the end state equals one clean run; a received id
//     with different content is refused on its line (a conflict).
// Reading is pipelined: while one batch is written, a second thread reads,
// checks and looks up the next (see ImportOptions::open_reader). The writes,
// and so every guarantee above, stay on the calling thread in file order.
#ifndef ONSHI_INTERMEDIATE_IMPORTER_HPP_
#define ONSHI_INTERMEDIATE_IMPORTER_HPP_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/submission.hpp"
#include "intake/submission_reader.hpp"
#include "intermediate/reception.hpp"
#include "store/store.hpp"

namespace onshi::intermediate {

struct ImportProgress {
  int64_t records = 0;  // acknowledged (committed) records
  uint64_t bytes_read = 0;
  uint64_t total_bytes = 0;
};

struct ImportOptions {
  std::string insurer_number;  // the sender; every record is filed under it
  Date received_on;
  std::string at;     // audit timestamp, ISO 8601 UTC
  std::string actor;  // audit actor, e.g. "insurer:06139992"
  int batch_size = 2000;
  // Errors kept in the report (all are counted); a file of a million bad
  // lines should not need a gigabyte to say so.
  std::size_t max_errors_kept = 100000;
  std::function<void(const ImportProgress&)> on_progress;  // after each commit
  // Opens a second connection to the same database. With it, the resident
  // registry lookups of the next batch run on another thread while this
  // batch is written (an import is otherwise bound to one core). Without
  // it, the next batch is still read and checked ahead, and the registry is
  // asked at reception.
  std::function<std::unique_ptr<store::Store>()> open_reader;
};

struct ImportReport {
  int64_t records = 0;
  int64_t queued = 0;
  int64_t already_received = 0;
  int64_t rejected = 0;  // lines refused: nothing stored
  // Of the rejected: a 受付番号 already received with different content
  // (reception.hpp), each in `errors` with its line.
  int64_t conflicts = 0;
  int64_t registration_errors = 0;  // stored, not linked (R-LINK-4)
  int64_t documents_issued = 0;
  std::vector<FieldError> errors;                 // rejected lines, by line
  std::vector<FieldError> registration_problems;  // registration errors, by line
  std::vector<std::string> unknown_columns;
  // Set when the database stopped taking writes (disk full, locked, gone):
  // the import ended early at this line; every line before it was
  // acknowledged, nothing from it on was stored, and re-running the same
  // file continues (received lines are recognised by their 受付番号).
  int64_t stopped_at_line = 0;
  std::string stop_reason;
};

// Imports everything `reader` yields. Throws store::StoreError if the
// insurer is unknown or the database fails outside a single record.
ImportReport ImportSubmissions(store::Store& store, intake::SubmissionReader& reader,
                               const ImportOptions& options);

}  // namespace onshi::intermediate

#endif  // ONSHI_INTERMEDIATE_IMPORTER_HPP_
