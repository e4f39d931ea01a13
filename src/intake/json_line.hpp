// One line of a JSON lines import file: {"submission_id": "…", "form": …}.
//
// Keys are RawSubmission member names, exactly. A value may be a string
// (taken as is), a number (its text as written: 30 → "30", 1.5e1 → "1.5e1"),
// true/false ("1"/"0", as the CSV column is written) or null (not filled
// in). Everything else is reported, not guessed at: an unknown key (a typo
// would otherwise silently drop a field), a key given twice, an array or
// object as a value, a line that is not one JSON object.
#ifndef ONSHI_INTAKE_JSON_LINE_HPP_
#define ONSHI_INTAKE_JSON_LINE_HPP_

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "core/submission.hpp"

namespace onshi::intake {

// Reusable across lines (its parser keeps its buffers); not thread-safe.
class JsonLineParser {
 public:
  JsonLineParser();
  ~JsonLineParser();
  JsonLineParser(JsonLineParser&&) noexcept;
  JsonLineParser& operator=(JsonLineParser&&) noexcept;

  // Reads `text` (one line of valid UTF-8, which the caller has checked, no
  // line break) into `*raw`, which should
  // be empty, and appends each problem to `*errors` with `line` set. After a
  // syntax error `*raw` holds the members read before it.
  void Parse(std::string_view text, int64_t line, RawSubmission* raw,
             std::vector<FieldError>* errors);

 private:
  struct Rep;
  std::unique_ptr<Rep> rep_;
};

}  // namespace onshi::intake

#endif  // ONSHI_INTAKE_JSON_LINE_HPP_
