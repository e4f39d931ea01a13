// SubmissionReader (submission_reader.hpp).
#include "intake/submission_reader.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <utility>

#include "intake/chunked_input.hpp"
#include "intake/columns.hpp"
#include "intake/cp932.hpp"
#include "intake/csv.hpp"
#include "intake/encoding.hpp"
#include "intake/json_line.hpp"
#include "oqs/charset.hpp"

namespace onshi::intake {
namespace {

// How much of the input decides the encoding and, without an extension,
// the format.
constexpr std::size_t kSniffBytes = 64 * 1024;

Format FormatByExtension(std::string_view path) {
  std::string ext = std::filesystem::path(path).extension().string();
  for (char& c : ext)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext == ".csv") return Format::kCsv;
  if (ext == ".jsonl" || ext == ".ndjson" || ext == ".json") return Format::kJsonLines;
  return Format::kAuto;
}

bool IsBlankByte(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool IsBlank(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

std::string LineError(int64_t line, std::string_view what) {
  return "line " + std::to_string(line) + ": " + std::string(what);
}

}  // namespace

std::string_view FormatName(Format format) {
  switch (format) {
    case Format::kCsv:
      return "CSV";
    case Format::kJsonLines:
      return "JSON lines";
    case Format::kAuto:
      break;
  }
  return "auto";
}

std::string_view EncodingName(Encoding encoding) {
  switch (encoding) {
    case Encoding::kUtf8:
      return "UTF-8";
    case Encoding::kShiftJis:
      return "Shift_JIS";
    case Encoding::kAuto:
      break;
  }
  return "auto";
}

struct SubmissionReader::Rep {
  Rep(ChunkedInput in, const ReaderOptions& opts)
      : input(std::move(in)), options(opts), splitter(opts.max_record_bytes) {}

  // Reads until `n` bytes are available or the input ends.
  void FillTo(std::size_t n) {
    while (input.available().size() < n && input.ReadMore()) {
    }
  }

  // Drops input up to and including the next line break: where reading
  // resumes after a malformed record (see the header comment).
  void SkipLine() {
    for (;;) {
      const std::string_view data = input.available();
      if (const void* lf = std::memchr(data.data(), '\n', data.size())) {
        input.Consume(static_cast<std::size_t>(static_cast<const char*>(lf) - data.data()) + 1);
        ++line;
        return;
      }
      input.Consume(data.size());
      if (!input.ReadMore()) return;
    }
  }

  // The end of the input: no record, or once a record saying the rest of
  // the file could not be read.
  bool End(ReadRecord* out) {
    if (input.error().empty() || read_error_reported) return false;
    read_error_reported = true;
    out->line = line;
    out->errors.push_back(
        FieldError{line, "", "cannot read the rest of the file: " + input.error()});
    return true;
  }

  // `bytes` converted to UTF-8 in *out; false if they are not valid in the
  // file's encoding.
  bool Decode(std::string_view bytes, std::string* out) const {
    if (IsAscii(bytes)) {
      out->assign(bytes);
      return true;
    }
    if (encoding == Encoding::kUtf8) {
      if (!IsUtf8(bytes)) return false;
      out->assign(bytes);
      return true;
    }
    return DecodeCp932(bytes, out);
  }

  // The message for a record whose `bytes`, starting at `offset` in the
  // file, are not valid in the encoding. `column` (1-based) is the first
  // field found bad, 0 if unknown.
  std::string InvalidBytes(std::string_view bytes, uint64_t offset, std::size_t column) const {
    std::size_t bad = 0;
    if (encoding == Encoding::kUtf8) {
      bad = FirstInvalidUtf8(bytes);
    } else {
      std::string ignored;
      DecodeCp932(bytes, &ignored, &bad);
    }
    if (bad >= bytes.size()) bad = 0;  // cannot happen; keep the message sane
    std::string reason = "byte " + HexByte(static_cast<unsigned char>(bytes[bad])) + " at offset " +
                         std::to_string(offset + bad) + " of the file is not valid " +
                         std::string(EncodingName(encoding));
    if (column > 0) {
      reason += " (column " + std::to_string(column);
      if (column <= column_labels.size() && !column_labels[column - 1].empty()) {
        reason += " " + column_labels[column - 1];
      }
      reason += ")";
    }
    return reason;
  }

  Expected<bool> ReadHeader();
  // Fill *out (a fresh record) with the next record; false at the end.
  bool NextCsv(ReadRecord* out);
  bool NextJsonLine(ReadRecord* out);
  void FillRaw(std::string_view bytes, uint64_t offset, ReadRecord* out);

  ChunkedInput input;
  ReaderOptions options;
  Format format = Format::kCsv;
  Encoding encoding = Encoding::kUtf8;
  int64_t line = 1;  // physical line of input.available()'s first byte
  bool read_error_reported = false;

  CsvSplitter splitter;
  CsvRecord record;
  std::vector<RawField> columns;           // CSV: the member of each column, or nullptr
  std::vector<std::string> column_labels;  // the header cells, for messages
  std::vector<std::string> unknown;

  JsonLineParser json;
  std::string decoded;  // scratch for one field
};

Expected<bool> SubmissionReader::Rep::ReadHeader() {
  for (;;) {
    const std::string_view data = input.available();
    if (data.empty()) {
      if (input.ReadMore()) continue;
      if (!input.error().empty()) return MakeError("", "cannot read the file: " + input.error());
      return false;  // an empty file: no header, no records
    }
    const CsvSplitter::Result r = splitter.Split(data, input.at_end(), &record);
    if (r == CsvSplitter::Result::kNeedMore) {
      input.ReadMore();
      continue;
    }
    if (r == CsvSplitter::Result::kError) {
      return MakeError("", LineError(line, "cannot read the header: " + record.error));
    }
    if (std::all_of(record.fields.begin(), record.fields.end(), IsBlank)) {
      input.Consume(record.bytes);
      line += record.line_breaks;
      continue;
    }

    std::vector<std::size_t> column_of(RawFields().size(), 0);  // 1-based; 0 = none yet
    for (std::size_t i = 0; i < record.fields.size(); ++i) {
      if (!Decode(record.fields[i], &decoded)) {
        return MakeError("", LineError(line, "cannot read the header: " +
                                                 InvalidBytes(data.substr(0, record.bytes),
                                                              input.consumed(), i + 1)));
      }
      const RawField field = ColumnField(decoded);
      columns.push_back(field);
      column_labels.push_back(decoded);
      if (field == nullptr) {
        const bool empty =
            std::all_of(decoded.begin(), decoded.end(), [](char c) { return c == ' '; });
        unknown.push_back(empty ? "(column " + std::to_string(i + 1) + ")" : decoded);
        continue;
      }
      const auto fields = RawFields();
      const std::size_t k = static_cast<std::size_t>(
          std::find_if(fields.begin(), fields.end(),
                       [&](const NamedField& f) { return f.field == field; }) -
          fields.begin());
      if (column_of[k] != 0) {
        return MakeError(
            std::string(NameOf(field)),
            LineError(line, "columns " + std::to_string(column_of[k]) + " (" +
                                column_labels[column_of[k] - 1] + ") and " + std::to_string(i + 1) +
                                " (" + decoded + ") are both " + std::string(NameOf(field))));
      }
      column_of[k] = i + 1;
    }
    for (auto [field, japanese] : {std::pair{&RawSubmission::submission_id, "受付番号"},
                                   std::pair{&RawSubmission::form, "届出種別"}}) {
      const bool present = std::find(columns.begin(), columns.end(), field) != columns.end();
      if (!present) {
        const std::string name(NameOf(field));
        return MakeError(
            name, LineError(line, "the header has no " + name + " (" + japanese + ") column"));
      }
    }
    input.Consume(record.bytes);
    line += record.line_breaks;
    return true;
  }
}

void SubmissionReader::Rep::FillRaw(std::string_view bytes, uint64_t offset, ReadRecord* out) {
  // UTF-8 is checked once for the whole record (the common case passes
  // without looking at fields); CP932 is checked as each field is converted.
  bool all_valid = encoding == Encoding::kUtf8 && IsUtf8(bytes);
  std::size_t bad_column = 0;
  for (std::size_t i = 0; i < record.fields.size(); ++i) {
    const std::string_view field = record.fields[i];
    const RawField member = i < columns.size() ? columns[i] : nullptr;
    if (all_valid) {
      if (member != nullptr) out->raw.*member = std::string(field);  // cheaper than assign()
      continue;
    }
    if (!Decode(field, &decoded)) {
      if (bad_column == 0) bad_column = i + 1;
      continue;
    }
    if (member != nullptr) out->raw.*member = decoded;
  }
  if (bad_column != 0) {
    out->errors.push_back(FieldError{out->line, "", InvalidBytes(bytes, offset, bad_column)});
  }
}

bool SubmissionReader::Rep::NextCsv(ReadRecord* out) {
  for (;;) {
    const std::string_view data = input.available();
    if (data.empty()) {
      if (input.ReadMore()) continue;
      return End(out);
    }
    const CsvSplitter::Result r = splitter.Split(data, input.at_end(), &record);
    if (r == CsvSplitter::Result::kNeedMore) {
      input.ReadMore();
      continue;
    }
    out->line = line;
    if (r == CsvSplitter::Result::kError) {
      out->errors.push_back(FieldError{line, "", record.error});
      SkipLine();
      return true;
    }
    if (std::all_of(record.fields.begin(), record.fields.end(), IsBlank)) {
      input.Consume(record.bytes);
      line += record.line_breaks;
      continue;
    }
    const std::string_view bytes = data.substr(0, record.bytes);
    FillRaw(bytes, input.consumed(), out);
    if (record.fields.size() != columns.size()) {
      std::string reason = "expected " + std::to_string(columns.size()) + " fields, found " +
                           std::to_string(record.fields.size());
      const int64_t last_line = line + record.line_breaks - (bytes.back() == '\n' ? 1 : 0);
      if (last_line > line) {
        // Most likely a stray quote that swallowed the following lines:
        // report this line only and read those lines again.
        reason += " in a record running to line " + std::to_string(last_line) +
                  " (is a quote missing its closing quote?); reading resumes at line " +
                  std::to_string(line + 1);
        out->errors.push_back(FieldError{line, "", std::move(reason)});
        SkipLine();
        return true;
      }
      out->errors.push_back(FieldError{line, "", std::move(reason)});
    }
    input.Consume(record.bytes);
    line += record.line_breaks;
    return true;
  }
}

bool SubmissionReader::Rep::NextJsonLine(ReadRecord* out) {
  const std::size_t max = options.max_record_bytes;
  for (;;) {
    const std::string_view data = input.available();
    const void* lf = std::memchr(data.data(), '\n', std::min(data.size(), max));
    std::size_t length;  // of the line, without its LF
    std::size_t consumed;
    if (lf != nullptr) {
      length = static_cast<std::size_t>(static_cast<const char*>(lf) - data.data());
      consumed = length + 1;
    } else if (data.size() > max) {
      out->line = line;
      out->errors.push_back(
          FieldError{line, "", "line longer than " + std::to_string(max) + " bytes"});
      SkipLine();
      return true;
    } else if (input.ReadMore()) {
      continue;
    } else if (data.empty()) {
      return End(out);
    } else {
      length = consumed = data.size();  // a final line without a line break
    }

    std::string_view text = data.substr(0, length);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    const int64_t start = line;
    const uint64_t offset = input.consumed();
    const bool blank = IsBlank(text);
    if (!blank) {
      out->line = start;
      if (IsUtf8(text)) {
        json.Parse(text, start, &out->raw, &out->errors);
      } else {
        out->errors.push_back(FieldError{start, "", InvalidBytes(text, offset, 0)});
      }
    }
    input.Consume(consumed);
    if (lf != nullptr) ++line;
    if (!blank) return true;
  }
}

SubmissionReader::SubmissionReader(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
SubmissionReader::SubmissionReader(SubmissionReader&&) noexcept = default;
SubmissionReader& SubmissionReader::operator=(SubmissionReader&&) noexcept = default;
SubmissionReader::~SubmissionReader() = default;

Expected<SubmissionReader> SubmissionReader::OpenFile(const std::string& path, Format format,
                                                      Encoding encoding,
                                                      const ReaderOptions& options) {
  Expected<ChunkedInput> input = ChunkedInput::OpenFile(path, options.chunk_bytes);
  if (!input) return input.error();
  return Open(std::make_unique<Rep>(std::move(input).value(), options), path, format, encoding);
}

Expected<SubmissionReader> SubmissionReader::FromString(std::string body, Format format,
                                                        Encoding encoding,
                                                        const ReaderOptions& options) {
  return Open(std::make_unique<Rep>(ChunkedInput::FromString(std::move(body), options.chunk_bytes),
                                    options),
              "", format, encoding);
}

Expected<SubmissionReader> SubmissionReader::Open(std::unique_ptr<Rep> rep, std::string_view path,
                                                  Format format, Encoding encoding) {
  Rep& r = *rep;
  r.FillTo(kSniffBytes);
  const std::string_view sample = r.input.available().substr(0, kSniffBytes);
  const bool bom = sample.starts_with(kUtf8Bom);

  if (format == Format::kAuto) format = FormatByExtension(path);
  if (format == Format::kAuto) {
    std::string_view rest = sample;
    if (bom) rest.remove_prefix(kUtf8Bom.size());
    const auto first = std::find_if_not(rest.begin(), rest.end(), IsBlankByte);
    format = first != rest.end() && *first == '{' ? Format::kJsonLines : Format::kCsv;
  }

  if (format == Format::kJsonLines) {
    if (encoding == Encoding::kShiftJis) {
      return MakeError("", "JSON lines files are always UTF-8; Shift_JIS is only read in CSV");
    }
    encoding = Encoding::kUtf8;
  } else if (encoding == Encoding::kAuto) {
    const bool whole = r.input.at_end() && r.input.available().size() <= kSniffBytes;
    encoding = bom || LooksLikeUtf8(sample, whole) ? Encoding::kUtf8 : Encoding::kShiftJis;
  }
  if (bom) {
    if (encoding == Encoding::kShiftJis) {
      return MakeError("",
                       "the file starts with a UTF-8 byte order mark but Shift_JIS was asked for");
    }
    r.input.Consume(kUtf8Bom.size());
  }
  r.format = format;
  r.encoding = encoding;

  if (format == Format::kCsv) {
    Expected<bool> header = r.ReadHeader();
    if (!header) return header.error();
  }
  return SubmissionReader(std::move(rep));
}

std::optional<ReadRecord> SubmissionReader::Next() {
  // Built in place and returned by name: a record is 16 strings, and a
  // million of them are worth not moving.
  std::optional<ReadRecord> result(std::in_place);
  Rep& r = *rep_;
  const bool more = r.format == Format::kJsonLines ? r.NextJsonLine(&*result)
                    : r.columns.empty()            ? r.End(&*result)  // no header: empty input
                                                   : r.NextCsv(&*result);
  if (!more) result.reset();
  return result;
}

uint64_t SubmissionReader::bytes_read() const {
  return rep_->input.consumed();
}
uint64_t SubmissionReader::total_bytes() const {
  return rep_->input.total_bytes();
}
Encoding SubmissionReader::encoding() const {
  return rep_->encoding;
}
Format SubmissionReader::format() const {
  return rep_->format;
}
const std::vector<std::string>& SubmissionReader::unknown_columns() const {
  return rep_->unknown;
}

}  // namespace onshi::intake
