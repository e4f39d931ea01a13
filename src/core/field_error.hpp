// FieldError: one problem with one field of one filed record (a line of an
// import file, an API call), so a clerk can find and fix it.
#ifndef ONSHI_CORE_FIELD_ERROR_HPP_
#define ONSHI_CORE_FIELD_ERROR_HPP_

#include <cstdint>
#include <string>

namespace onshi {

// `line` is filled in by the adapter (1-based physical line of the file; 0
// for API calls).
struct FieldError {
  int64_t line = 0;
  std::string field;   // a RawSubmission member name, or "" for the whole record
  std::string reason;  // what is wrong, in words a clerk can act on
};

}  // namespace onshi

#endif  // ONSHI_CORE_FIELD_ERROR_HPP_
