#include "service/router.hpp"

#include "http/request_notes.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <charconv>
#include <stdexcept>

namespace onshi::service {

std::optional<int64_t> ParseWholeInt(std::string_view text, int64_t min, int64_t max) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < min || v > max) {
    return std::nullopt;
  }
  return v;
}

void PathParams::Add(std::string name, std::string value, std::optional<int64_t> number) {
  list_.push_back({std::move(name), std::move(value), number});
}

bool PathParams::Has(std::string_view name) const {
  for (const Param& p : list_)
    if (p.name == name) return true;
  return false;
}

const PathParams::Param& PathParams::Find(std::string_view name) const {
  for (const Param& p : list_)
    if (p.name == name) return p;
  throw std::logic_error("the route has no parameter " + std::string(name));
}

int64_t PathParams::Int(std::string_view name) const {
  const Param& p = Find(name);
  // Int parameters were checked with ParseWholeInt when matched; a text
  // parameter asked for as a number is a bug in the route's handler.
  if (!p.number) {
    throw std::logic_error("parameter " + std::string(name) + " is not an int parameter");
  }
  return *p.number;
}

const std::string& PathParams::Text(std::string_view name) const {
  return Find(name).value;
}

void RouteTable::Add(std::string_view method, std::string_view pattern) {
  if (pattern.empty() || pattern[0] != '/') {
    throw std::invalid_argument("route pattern must start with /: " + std::string(pattern));
  }
  Route r;
  r.method = std::string(method);
  r.pattern = std::string(pattern);
  std::string_view rest = pattern.substr(1);  // "/" alone has no segment
  for (bool more = !rest.empty(); more;) {
    const size_t slash = rest.find('/');
    const std::string_view seg = rest.substr(0, slash);
    more = slash != std::string_view::npos;
    if (more) rest = rest.substr(slash + 1);
    if (r.rest) throw std::invalid_argument("** must end the pattern: " + std::string(pattern));
    if (seg == "**") {
      r.rest = true;
    } else if (seg.size() >= 2 && seg.front() == '{' && seg.back() == '}') {
      const std::string_view inner = seg.substr(1, seg.size() - 2);
      const size_t colon = inner.find(':');
      const std::string_view name = inner.substr(0, colon);
      const std::string_view type =
          colon == std::string_view::npos ? std::string_view() : inner.substr(colon + 1);
      if (name.empty() || (!type.empty() && type != "int")) {
        throw std::invalid_argument("bad parameter in route pattern: " + std::string(pattern));
      }
      r.segments.push_back(
          {type == "int" ? Segment::Kind::kInt : Segment::Kind::kText, std::string(name)});
    } else {
      r.segments.push_back({Segment::Kind::kLiteral, std::string(seg)});
    }
  }
  routes_.push_back(std::move(r));
}

bool RouteTable::Matches(const Route& r, const std::vector<std::string>& segments,
                         PathParams* params) {
  if (r.rest ? segments.size() < r.segments.size() : segments.size() != r.segments.size()) {
    return false;
  }
  for (size_t i = 0; i < r.segments.size(); ++i) {
    const Segment& want = r.segments[i];
    const std::string& got = segments[i];
    switch (want.kind) {
      case Segment::Kind::kLiteral:
        if (got != want.text) return false;
        break;
      case Segment::Kind::kInt: {
        const std::optional<int64_t> n = ParseWholeInt(got, 0, INT64_MAX);
        if (!n) return false;
        if (params) params->Add(want.text, got, *n);
        break;
      }
      case Segment::Kind::kText:
        if (got.empty()) return false;
        if (params) params->Add(want.text, got, std::nullopt);
        break;
    }
  }
  return true;
}

RouteTable::Match RouteTable::Find(std::string_view method, std::string_view target) const {
  Match m;
  m.path = std::string(target.substr(0, target.find('?')));
  const auto url = boost::urls::parse_origin_form(target);
  if (!url) {
    m.kind = Match::Kind::kBadTarget;
    return m;
  }
  std::vector<std::string> segments;
  for (const auto& encoded : url->encoded_segments())
    segments.push_back(encoded.decode());
  for (size_t i = 0; i < routes_.size(); ++i) {
    const Route& r = routes_[i];
    if (r.method != "*" && r.method != method) continue;
    PathParams params;
    if (!Matches(r, segments, &params)) continue;
    m.kind = Match::Kind::kFound;
    m.route = i;
    // A subtree's own table ("/insurer/**" here, its routes there) finds
    // later and so notes the more precise pattern.
    http::CurrentRequestNotes().route = r.pattern;
    m.params = std::move(params);
    return m;
  }
  // Not for this method: does the path exist under another? (Allow lists
  // them sorted, whatever the order of the table.)
  std::vector<std::string_view> allowed;
  for (const Route& r : routes_) {
    if (!Matches(r, segments, nullptr)) continue;
    if (std::find(allowed.begin(), allowed.end(), r.method) != allowed.end()) continue;
    allowed.push_back(r.method);
  }
  std::sort(allowed.begin(), allowed.end());
  for (std::string_view each : allowed)
    m.allow += (m.allow.empty() ? "" : ", ") + std::string(each);
  m.kind = m.allow.empty() ? Match::Kind::kNotFound : Match::Kind::kMethodNotAllowed;
  return m;
}

http::Response NotRouted(const RouteTable::Match& m, std::string_view method) {
  namespace json = boost::json;
  int status = 404;
  std::string title = "not found", detail;
  switch (m.kind) {
    case RouteTable::Match::Kind::kMethodNotAllowed:
      status = 405;
      title = "method not allowed";
      detail = m.path + " answers " + m.allow + ", not " + std::string(method);
      break;
    case RouteTable::Match::Kind::kBadTarget:
      status = 400;
      title = "bad request target";
      detail = "the request target is not a path with a valid percent-encoding";
      break;
    default:
      detail = "no route for " + std::string(method) + " " + m.path;
      break;
  }
  json::object o{{"type", "about:blank"}, {"title", title}, {"status", status}, {"detail", detail}};
  http::Response r{status, "application/problem+json", {}, json::serialize(o)};
  if (status == 405) r.headers.emplace_back("Allow", m.allow);
  return r;
}

std::vector<std::pair<std::string, std::string>> RouteTable::List() const {
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(routes_.size());
  for (const Route& r : routes_)
    out.emplace_back(r.method, r.pattern);
  return out;
}

}  // namespace onshi::service
