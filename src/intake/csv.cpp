// CsvSplitter (csv.hpp).
#include "intake/csv.hpp"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstdint>
#include <cstring>

namespace onshi::intake {
namespace {

// The first ',' or LF in [p, end), or end. Most bytes of a record are
// unquoted field data, so this is the splitter's hot path: it tests eight
// bytes at a time (a byte of w equals c iff that byte of w ^ c·0x01…01 is
// zero; the lowest byte the zero test flags is always a true zero).
const char* FindDelimiter(const char* p, const char* end) {
  if constexpr (std::endian::native == std::endian::little) {
    constexpr uint64_t kOnes = 0x0101010101010101ULL;
    constexpr uint64_t kHigh = 0x8080808080808080ULL;
    while (end - p >= 8) {
      uint64_t w;
      std::memcpy(&w, p, 8);
      const uint64_t comma = w ^ (kOnes * ',');
      const uint64_t lf = w ^ (kOnes * '\n');
      const uint64_t hit = (((comma - kOnes) & ~comma) | ((lf - kOnes) & ~lf)) & kHigh;
      if (hit != 0) return p + (std::countr_zero(hit) >> 3);
      p += 8;
    }
  }
  while (p < end && *p != ',' && *p != '\n')
    ++p;
  return p;
}

}  // namespace

CsvSplitter::Result CsvSplitter::Split(std::string_view data, bool at_end, CsvRecord* record) {
  assert(!data.empty());
  std::vector<std::string_view>& fields = record->fields;
  fields.clear();
  scratch_.clear();
  scratch_fields_.clear();
  record->error.clear();
  record->bytes = 0;
  record->line_breaks = 0;

  // Only the first max_record_bytes_ are looked at. Reaching the end of that
  // window means "feed me more" while the input might still complete the
  // record within the limit, and an error once it cannot.
  const bool limited = data.size() > max_record_bytes_;
  const char* const begin = data.data();
  const char* const end = begin + (limited ? max_record_bytes_ : data.size());
  const bool window_is_input_end = at_end && !limited;
  auto out_of_window = [&](bool in_quotes) {
    if (!limited) return Result::kNeedMore;  // not at_end: callers handle the input's end first
    record->error = in_quotes
                        ? "unterminated quote: field " + std::to_string(fields.size() + 1) +
                              " opens a quote that is not closed within " +
                              std::to_string(max_record_bytes_) + " bytes"
                        : "record longer than " + std::to_string(max_record_bytes_) + " bytes";
    return Result::kError;
  };

  const char* p = begin;
  int64_t breaks = 0;
  for (;;) {
    if (p < end && *p == '"') {
      const char* const content = p + 1;
      const char* q = content;
      bool escaped = false;
      for (;;) {
        q = static_cast<const char*>(std::memchr(q, '"', static_cast<std::size_t>(end - q)));
        if (q == nullptr) {
          if (window_is_input_end) {
            record->error = "unterminated quote: field " + std::to_string(fields.size() + 1) +
                            " opens a quote that is not closed before the end of the file";
            return Result::kError;
          }
          return out_of_window(true);
        }
        if (q + 1 == end) {
          if (window_is_input_end) break;  // closing quote as the input's last byte
          return out_of_window(true);      // the next byte decides: "" or the end
        }
        if (q[1] != '"') break;
        escaped = true;
        q += 2;
      }
      breaks += std::count(content, q, '\n');
      if (!escaped) {
        fields.emplace_back(content, static_cast<std::size_t>(q - content));
      } else {
        const std::size_t at = scratch_.size();
        for (const char* s = content; s < q; ++s) {
          scratch_.push_back(*s);
          if (*s == '"') ++s;  // the second quote of a "" pair
        }
        scratch_fields_.emplace_back(fields.size(), at);
        fields.emplace_back(nullptr, scratch_.size() - at);  // placed at the end
      }
      p = q + 1;
      if (p == end) {
        if (window_is_input_end) break;
        return out_of_window(false);
      }
      if (*p == ',') {
        ++p;
        continue;
      }
      if (*p == '\n') {
        ++p;
        ++breaks;
        break;
      }
      if (*p == '\r') {
        if (p + 1 == end) {
          if (!window_is_input_end) return out_of_window(false);
          ++p;
          break;
        }
        if (p[1] == '\n') {
          p += 2;
          ++breaks;
          break;
        }
      }
      record->error = "unexpected character after the closing quote of field " +
                      std::to_string(fields.size()) +
                      " (a quote inside a quoted field is written \"\")";
      return Result::kError;
    }

    const char* q = FindDelimiter(p, end);
    if (q == end) {
      if (!window_is_input_end) return out_of_window(false);
      // A final line without a line break; a lone CR there is a CRLF whose
      // LF was lost, not data.
      std::size_t size = static_cast<std::size_t>(q - p);
      if (size > 0 && q[-1] == '\r') --size;
      fields.emplace_back(p, size);
      p = q;
      break;
    }
    if (*q == ',') {
      fields.emplace_back(p, static_cast<std::size_t>(q - p));
      p = q + 1;
      continue;
    }
    std::size_t size = static_cast<std::size_t>(q - p);
    if (size > 0 && q[-1] == '\r') --size;  // CRLF
    fields.emplace_back(p, size);
    p = q + 1;
    ++breaks;
    break;
  }

  record->bytes = static_cast<std::size_t>(p - begin);
  record->line_breaks = breaks;
  for (const auto& [index, offset] : scratch_fields_) {
    fields[index] = std::string_view(scratch_.data() + offset, fields[index].size());
  }
  return Result::kRecord;
}

}  // namespace onshi::intake
