// Expected<T>: a value, or the reason there is none.
//
// Validation in the core never throws: bad input is an ordinary outcome at
// the edges of the system (a clinic's malformed query, a bad line in an
// insurer's import file), and each adapter turns Error into its caller's own
// format (OQS error code, JSON problem details, a line number). `field` names
// the input that was wrong and `message` says why, in words a clerk can act on.
#ifndef ONSHI_CORE_EXPECTED_HPP_
#define ONSHI_CORE_EXPECTED_HPP_

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace onshi {

struct Error {
  std::string field;    // e.g. "my_number", "insurer_number"; may be empty
  std::string message;  // human-readable reason

  std::string ToString() const { return field.empty() ? message : field + ": " + message; }
};

// E is the error type: Error in the core; adapters reuse the template with
// their own (oqs::OqsError, fhir::Issue), so every layer has one idiom.
template <class T, class E = Error>
class Expected {
 public:
  Expected(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Expected(E error) : v_(std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  const E& error() const {
    assert(!ok());
    return std::get<1>(v_);
  }

 private:
  std::variant<T, E> v_;
};

inline Error MakeError(std::string field, std::string message) {
  return Error{std::move(field), std::move(message)};
}

}  // namespace onshi

#endif  // ONSHI_CORE_EXPECTED_HPP_
