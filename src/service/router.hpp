// Router: one table of routes (method, path pattern with typed parameters,
// what to run) for every HTTP service of `onshi serve`.
//
// It replaces per-service if/rfind/stoll chains, under which ids were parsed
// as prefixes: `POST /municipal/v1/cards/3926abc/suspend` suspended card 3926
// (issue 15). Here a path matches a route only segment by segment and whole:
//   - a literal segment matches itself;
//   - {name:int} matches digits only, whole, within int64 (no sign, no
//     spaces, no suffix): "3926abc", "-1", "1e3" and "" match nothing;
//   - {name} matches any one non-empty segment (percent-decoded);
//   - a pattern ending in "/**" takes the rest of the path, for a service
//     that routes its own subtree (/municipal/, /insurer/);
//   - method "*" takes any method.
// The first route that matches path and method wins. A path that some route
// matches under other methods only is 405 with an `Allow` header; a path no
// route matches is 404; a target that is not a path (bad percent-encoding,
// absolute form) is 400. Each is an RFC 9457 problem document (NotRouted).
//
// Segments are compared after percent-decoding, one segment at a time, so an
// encoded "/" ("%2F") stays inside its segment and never splits a path.
#ifndef ONSHI_SERVICE_ROUTER_HPP_
#define ONSHI_SERVICE_ROUTER_HPP_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/server.hpp"

namespace onshi::service {

// `text` as a whole number in [min, max]: nullopt unless every character is
// an ASCII digit (no sign, no spaces, nothing after) and the value is in
// range. For path parameters and query parameters alike.
std::optional<int64_t> ParseWholeInt(std::string_view text, int64_t min, int64_t max);

// The parameters a matched route captured, by name.
class PathParams {
 public:
  // `number` is set for an int parameter.
  void Add(std::string name, std::string value, std::optional<int64_t> number);
  bool Has(std::string_view name) const;
  // A {name:int} parameter's value (checked when matched). Throws
  // std::logic_error if the route has no such int parameter: a programming
  // error, not bad input.
  int64_t Int(std::string_view name) const;
  // Any parameter's decoded text.
  const std::string& Text(std::string_view name) const;

 private:
  struct Param {
    std::string name, value;
    std::optional<int64_t> number;
  };
  const Param& Find(std::string_view name) const;
  std::vector<Param> list_;
};

// The matching itself, independent of what a route runs.
class RouteTable {
 public:
  // Adds a route; throws std::invalid_argument on a malformed pattern
  // (it must start with "/"; "**" only last; parameter types int or none).
  void Add(std::string_view method, std::string_view pattern);

  struct Match {
    enum class Kind { kFound, kNotFound, kMethodNotAllowed, kBadTarget };
    Kind kind = Kind::kNotFound;
    size_t route = 0;   // kFound: the index, in order of Add
    PathParams params;  // kFound
    std::string allow;  // kMethodNotAllowed: "GET, POST"
    std::string path;   // the target's path as sent (for messages)
  };
  // `target` is the request target as sent (path and query).
  Match Find(std::string_view method, std::string_view target) const;

  // Every route as added, in order: {method, pattern}. Lets a test hold a
  // list of requests against the table itself (tests/app/authz_matrix_test).
  std::vector<std::pair<std::string, std::string>> List() const;

 private:
  struct Segment {
    enum class Kind { kLiteral, kInt, kText };
    Kind kind = Kind::kLiteral;
    std::string text;  // the literal, or the parameter's name
  };
  struct Route {
    std::string method;
    std::string pattern;  // as added: for the access log and route listings
    std::vector<Segment> segments;
    bool rest = false;  // ends in "/**"
  };
  static bool Matches(const Route& r, const std::vector<std::string>& segments, PathParams* params);
  std::vector<Route> routes_;
};

// The answer when no route takes a request: 404, 405 with Allow, or 400.
http::Response NotRouted(const RouteTable::Match& match, std::string_view method);

// A route table whose routes carry a value (what to run: an enum, a
// function) and a label (the metrics name of the route).
template <typename Value>
class Router {
 public:
  Router& Add(std::string_view method, std::string_view pattern, Value value,
              const char* label = "") {
    table_.Add(method, pattern);
    values_.emplace_back(std::move(value), label);
    return *this;
  }

  struct Found {
    const Value* value = nullptr;  // null unless match.kind == kFound
    const char* label = "";
    RouteTable::Match match;
  };
  const RouteTable& table() const { return table_; }

  Found Find(std::string_view method, std::string_view target) const {
    Found f;
    f.match = table_.Find(method, target);
    if (f.match.kind == RouteTable::Match::Kind::kFound) {
      f.value = &values_[f.match.route].first;
      f.label = values_[f.match.route].second;
    }
    return f;
  }

 private:
  RouteTable table_;
  std::vector<std::pair<Value, const char*>> values_;
};

}  // namespace onshi::service

#endif  // ONSHI_SERVICE_ROUTER_HPP_
