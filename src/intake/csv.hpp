// CSV record splitting (RFC 4180), one record at a time out of a byte buffer.
//
// The splitter knows bytes, not characters: it works unchanged on UTF-8 and
// on CP932, whose second bytes (0x40..0xFC) never equal '"', ',', CR or LF.
// Decoding and checking the text is the caller's job.
//
// Grammar accepted:
//   - fields separated by ','; a record ends at LF or CRLF, or at the end of
//     the input (a final line without a line break);
//   - a field that starts with '"' is quoted: it ends at the next '"' that is
//     not doubled, and may contain ',', CR and LF; "" stands for one '"';
//   - after a closing quote only ',', a line break or the end may follow;
//   - in an unquoted field every byte but ',' and LF is data, including '"'
//     (as Excel and Python's csv module read it) and a CR that is not part of
//     the CRLF ending the record; leading and trailing spaces are data.
//
// Speed matters (an insurer's file has millions of lines), so a record's
// fields are views into the caller's buffer; only a quoted field containing
// "" is copied, unescaped, into the splitter's own scratch space.
#ifndef ONSHI_INTAKE_CSV_HPP_
#define ONSHI_INTAKE_CSV_HPP_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace onshi::intake {

// One record split out of a buffer. Valid until the next Split call or
// until the buffer changes.
struct CsvRecord {
  std::vector<std::string_view> fields;
  std::size_t bytes = 0;    // bytes consumed, line break included
  int64_t line_breaks = 0;  // LFs consumed: inside quoted fields and the one ending the record
  std::string error;        // set when Split returns kError, in words a clerk can act on
};

class CsvSplitter {
 public:
  enum class Result {
    kRecord,    // `record` holds the record that starts `data`
    kNeedMore,  // `data` ends inside the record; call again with more bytes
    kError,     // the record is malformed; `record->error` says how
  };

  // A record (or a single line) longer than `max_record_bytes` is an error
  // rather than a reason to buffer without bound: a missing closing quote
  // would otherwise swallow the rest of a 200 MB file.
  explicit CsvSplitter(std::size_t max_record_bytes = 1 << 20)
      : max_record_bytes_(max_record_bytes) {}

  // Splits the record at the start of `data`, which must be non-empty.
  // `at_end` says no bytes follow `data`; then kNeedMore is never returned.
  // On kError nothing is consumed: the caller decides where to resume (see
  // SubmissionReader: at the line after the one the record starts on).
  Result Split(std::string_view data, bool at_end, CsvRecord* record);

  std::size_t max_record_bytes() const { return max_record_bytes_; }

 private:
  std::size_t max_record_bytes_;
  // Unescaped fields. The string may reallocate while later fields are
  // unescaped, so their views are made when the record is complete; until
  // then scratch_fields_ holds (field index, offset in scratch_).
  std::string scratch_;
  std::vector<std::pair<std::size_t, std::size_t>> scratch_fields_;
};

}  // namespace onshi::intake

#endif  // ONSHI_INTAKE_CSV_HPP_
