// SubmissionReader: an insurer's bulk import file (or an HTTP request body)
// as a stream of RawSubmission records, each with the physical line it
// starts on, for the intermediate server (中間サーバー) to check and queue.
//
// Two formats:
//   - CSV (RFC 4180, see csv.hpp) in UTF-8, with or without a byte order
//     mark, or in Shift_JIS read as CP932; the first non-blank record is the
//     header, whose cells name RawSubmission members in English or Japanese
//     (see columns.hpp); submission_id and form are required columns, and
//     columns that name nothing are ignored and listed in unknown_columns();
//   - JSON lines, always UTF-8: one object per line (see json_line.hpp).
//
// This is the format layer only: field texts come out exactly as filed and
// ReadSubmission (core/submission.hpp) judges them. Errors are per record so
// that one bad line never stops an import; only a problem that makes the
// whole file unreadable (no such file, a header without submission_id) is
// an error from OpenFile/FromString.
//
// Resynchronisation after a malformed CSV record (a quote never closed,
// characters after a closing quote, a record over the size limit): the
// record is reported at the line it starts on and reading resumes at the
// next physical line. A quoted field may legitimately span lines, so a stray
// quote cannot be told from one that opens a multi-line field until the
// record turns out malformed; then only its first line is taken as bad and
// the lines it swallowed are read again as records of their own. The same
// holds for a multi-line record whose field count differs from the header,
// the usual symptom of a stray quote that happened to close cleanly. A
// single-line record with the wrong field count is simply reported.
//
// Lines that hold nothing (empty, only spaces, or only commas, as
// spreadsheets export trailing rows) are skipped.
#ifndef ONSHI_INTAKE_SUBMISSION_READER_HPP_
#define ONSHI_INTAKE_SUBMISSION_READER_HPP_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/expected.hpp"
#include "core/submission.hpp"

namespace onshi::intake {

enum class Format { kAuto, kCsv, kJsonLines };
enum class Encoding { kAuto, kUtf8, kShiftJis };

// "CSV", "JSON lines"; "UTF-8", "Shift_JIS"; "auto" for kAuto.
std::string_view FormatName(Format format);
std::string_view EncodingName(Encoding encoding);

struct ReadRecord {
  int64_t line = 0;  // 1-based physical line where the record starts
  RawSubmission raw;
  // Format-level problems of this record, each with `line` set; `raw` may
  // be partial then (fields that could not be read are empty).
  std::vector<FieldError> errors;
};

struct ReaderOptions {
  // Bytes read from the input at a time; memory use is about one chunk plus
  // the longest record. Tests use tiny chunks to cross every boundary.
  std::size_t chunk_bytes = std::size_t{1} << 20;
  // A record (line break included) longer than this is an error, so that a
  // quote that is never closed cannot make the reader buffer a whole file.
  std::size_t max_record_bytes = std::size_t{1} << 20;
};

class SubmissionReader {
 public:
  // Opens a file. kAuto format: by extension (.csv; .jsonl, .ndjson, .json),
  // else by the first non-blank byte ('{' means JSON lines). kAuto encoding:
  // UTF-8 if the file starts with a byte order mark or its first 64 KiB are
  // valid UTF-8, else Shift_JIS (CP932); JSON lines are always UTF-8, and
  // asking for Shift_JIS JSON lines is an error. For CSV the header is read
  // here: a header without a submission_id or form column, or with two
  // columns for the same member, is an error naming its line.
  static Expected<SubmissionReader> OpenFile(const std::string& path, Format format = Format::kAuto,
                                             Encoding encoding = Encoding::kAuto,
                                             const ReaderOptions& options = {});
  // The same over a body already in memory (an HTTP request); kAuto format
  // sniffs the first non-blank byte.
  static Expected<SubmissionReader> FromString(std::string body, Format format,
                                               Encoding encoding = Encoding::kAuto,
                                               const ReaderOptions& options = {});

  SubmissionReader(SubmissionReader&&) noexcept;
  SubmissionReader& operator=(SubmissionReader&&) noexcept;
  ~SubmissionReader();

  // The next record, or nullopt at the end of the input. A record whose
  // bytes are not valid in the encoding gets an error (field "", the reason
  // naming the byte's offset in the file) and the fields that were valid;
  // nothing is ever replaced. A read error after opening ends the input
  // with one last record carrying the error.
  std::optional<ReadRecord> Next();

  // For a progress bar: input bytes consumed by the records returned so far
  // (equal to total_bytes() at the end), and the input's size.
  uint64_t bytes_read() const;
  uint64_t total_bytes() const;

  // What was detected (or given). An empty input reads as UTF-8 CSV.
  Encoding encoding() const;
  Format format() const;

  // CSV header cells that name no member, as written (an empty cell as
  // "(column N)"): their data is ignored, and the caller reports them once.
  const std::vector<std::string>& unknown_columns() const;

 private:
  struct Rep;
  explicit SubmissionReader(std::unique_ptr<Rep> rep);
  static Expected<SubmissionReader> Open(std::unique_ptr<Rep> rep, std::string_view path,
                                         Format format, Encoding encoding);
  std::unique_ptr<Rep> rep_;
};

}  // namespace onshi::intake

#endif  // ONSHI_INTAKE_SUBMISSION_READER_HPP_
