// FlatJson: the one JSON shape src/auth reads and writes — a single object
// whose values are strings or integers (JWS headers, JWT claims, a JWK,
// body.json).
//
// The reader is deliberately strict. It rejects nesting, arrays, floats,
// booleans, null, duplicate keys and trailing text: a token's meaning must
// not depend on which of two duplicate "aud" members a parser keeps, and
// nothing we issue uses any other shape. Strings are returned as UTF-8
// (\uXXXX escapes, surrogate pairs included, are decoded).
//
// The writer emits members in insertion order with no whitespace, which is
// what RFC 7638 thumbprints and reproducible signing inputs need.
#ifndef ONSHI_AUTH_FLAT_JSON_HPP_
#define ONSHI_AUTH_FLAT_JSON_HPP_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/expected.hpp"

namespace onshi::auth {

using FlatJsonValue = std::variant<std::string, std::int64_t>;

class FlatJsonObject {
 public:
  static Expected<FlatJsonObject> Parse(std::string_view text);

  bool Has(std::string_view key) const { return members_.count(std::string(key)) != 0; }
  // Nullopt if absent or of the other type.
  std::optional<std::string> GetString(std::string_view key) const;
  std::optional<std::int64_t> GetInt(std::string_view key) const;
  size_t size() const { return members_.size(); }

 private:
  std::map<std::string, FlatJsonValue, std::less<>> members_;
};

// Builds compact JSON text: FlatJsonWriter().Add("a", "x").Add("n", 1).Finish().
class FlatJsonWriter {
 public:
  FlatJsonWriter& Add(std::string_view key, std::string_view value);
  FlatJsonWriter& Add(std::string_view key, std::int64_t value);
  std::string Finish() const { return text_ + "}"; }

 private:
  std::string text_ = "{";
};

// `s` as a JSON string literal, quotes included. Non-ASCII UTF-8 passes
// through unescaped; control characters, '"' and '\' are escaped.
std::string JsonQuote(std::string_view s);

}  // namespace onshi::auth

#endif  // ONSHI_AUTH_FLAT_JSON_HPP_
