// Issue 19: the answers of `onshi serve` held against docs/openapi.json.
//
// A small validator for the part of JSON Schema (2020-12, as OpenAPI 3.1
// uses it) that the document uses: type (one or a list), enum, const,
// properties, required, additionalProperties (false or a schema), items,
// $ref (to #/components/…), oneOf, anyOf, allOf, pattern, minimum, maximum,
// maxLength. A keyword the validator does not know fails the validation, so
// the document cannot use one that would silently check nothing.
//
// CheckAnswer finds the operation of a request (method and path, the path
// matched segment by segment against the templates, a literal segment before
// a {parameter} as the router prefers), then requires the answer's status to
// be documented for it, its media type to be one the status documents, and
// a JSON body to validate against that media type's schema. A request no
// path matches must get the router's answer (components.responses.NotRouted:
// 404 or 400; 405 when the path is documented under other methods only).
#ifndef ONSHI_TESTS_APP_OPENAPI_CHECK_HPP_
#define ONSHI_TESTS_APP_OPENAPI_CHECK_HPP_

#include <boost/json.hpp>
#include <cctype>
#include <regex>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace onshi::testing {

class OpenApiDocument {
 public:
  explicit OpenApiDocument(std::string_view text) : doc_(boost::json::parse(text)) {}

  const boost::json::value& doc() const { return doc_; }

  // Every operation: {"GET", "/insurer/v1/submissions/{id}"}.
  std::vector<std::pair<std::string, std::string>> Operations() const {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& [path, item] : doc_.at("paths").as_object()) {
      for (const auto& [method, op] : item.as_object()) {
        (void)op;
        out.emplace_back(Upper(std::string(method)), std::string(path));
      }
    }
    return out;
  }

  // "" when `value` is valid against `schema`, else where and why not.
  std::string Validate(const boost::json::value& schema, const boost::json::value& value,
                       const std::string& where = "$") const {
    if (!schema.is_object()) return where + ": the schema is not an object";
    const boost::json::object& s = schema.as_object();
    std::string why;
    for (const auto& [key, rule] : s) {
      const std::string_view k = key;
      if (k == "$ref") {
        why = Validate(Resolve(rule), value, where);
      } else if (k == "type") {
        bool any = false;
        if (rule.is_string()) {
          any = IsType(value, rule.as_string());
        } else {
          for (const auto& t : rule.as_array())
            any = any || IsType(value, t.as_string());
        }
        if (!any) why = where + ": not of type " + boost::json::serialize(rule);
      } else if (k == "enum") {
        bool found = false;
        for (const auto& e : rule.as_array())
          found = found || e == value;
        if (!found) why = where + ": " + Short(value) + " is not one of " + Short(rule);
      } else if (k == "const") {
        if (rule != value) why = where + ": is not " + Short(rule);
      } else if (k == "properties") {
        if (value.is_object()) {
          for (const auto& [name, sub] : rule.as_object()) {
            if (const auto* v = value.as_object().if_contains(name)) {
              why = Validate(sub, *v, where + "." + std::string(name));
              if (!why.empty()) break;
            }
          }
        }
      } else if (k == "required") {
        if (value.is_object()) {
          for (const auto& name : rule.as_array()) {
            if (!value.as_object().contains(name.as_string())) {
              why = where + ": required member \"" + std::string(name.as_string()) + "\" missing";
              break;
            }
          }
        }
      } else if (k == "additionalProperties") {
        if (value.is_object()) {
          const boost::json::object* props = nullptr;
          if (const auto* p = s.if_contains("properties")) props = &p->as_object();
          for (const auto& [name, v] : value.as_object()) {
            if (props && props->contains(name)) continue;
            if (rule.is_bool()) {
              if (!rule.as_bool()) {
                why = where + ": member \"" + std::string(name) + "\" is not documented";
              }
            } else {
              why = Validate(rule, v, where + "." + std::string(name));
            }
            if (!why.empty()) break;
          }
        }
      } else if (k == "items") {
        if (value.is_array()) {
          const auto& a = value.as_array();
          for (size_t i = 0; i < a.size() && why.empty(); ++i)
            why = Validate(rule, a[i], where + "[" + std::to_string(i) + "]");
        }
      } else if (k == "oneOf" || k == "anyOf") {
        int matched = 0;
        std::string first;
        for (const auto& alt : rule.as_array()) {
          const std::string w = Validate(alt, value, where);
          if (w.empty()) {
            ++matched;
          } else if (first.empty()) {
            first = w;
          }
        }
        if (matched == 0) why = where + ": matches no alternative (" + first + ")";
        if (k == "oneOf" && matched > 1) why = where + ": matches more than one alternative";
      } else if (k == "allOf") {
        for (const auto& part : rule.as_array()) {
          why = Validate(part, value, where);
          if (!why.empty()) break;
        }
      } else if (k == "pattern") {
        if (value.is_string() && !std::regex_search(std::string(value.as_string()),
                                                    std::regex(std::string(rule.as_string())))) {
          why = where + ": " + Short(value) + " does not match " + std::string(rule.as_string());
        }
      } else if (k == "minimum" || k == "maximum") {
        if (value.is_number()) {
          const double v = value.to_number<double>(), limit = rule.to_number<double>();
          if (k == "minimum" ? v < limit : v > limit) why = where + ": out of range";
        }
      } else if (k == "maxLength") {
        if (value.is_string() && value.as_string().size() > rule.to_number<size_t>()) {
          why = where + ": longer than " + std::to_string(rule.to_number<size_t>());
        }
      } else if (k == "description" || k == "format" || k == "default" || k == "title" ||
                 k == "example" || k == "examples") {
        // annotations: they check nothing
      } else {
        why = where + ": the validator does not know the keyword \"" + std::string(k) + "\"";
      }
      if (!why.empty()) return why;
    }
    return "";
  }

  // A "$ref" ("#/components/schemas/Problem") to what it names; anything
  // else to itself.
  const boost::json::value& Resolve(const boost::json::value& v) const {
    if (v.is_string()) return Pointer(v.as_string());
    if (v.is_object()) {
      if (const auto* r = v.as_object().if_contains("$ref")) return Pointer(r->as_string());
    }
    return v;
  }

  // The operation's path template for `method` and `path` (no query), or "".
  // `other_methods` is set when the path is documented under other methods.
  std::string FindOperation(const std::string& method, const std::string& path,
                            bool* other_methods = nullptr) const {
    const std::vector<std::string> segments = Split(path);
    std::string best;
    int best_literals = -1;
    if (other_methods) *other_methods = false;
    for (const auto& [tmpl, item] : doc_.at("paths").as_object()) {
      const std::vector<std::string> t = Split(std::string(tmpl));
      if (t.size() != segments.size()) continue;
      int literals = 0;
      bool ok = true;
      std::vector<std::pair<std::string, std::string>> params;  // {name, value}
      for (size_t i = 0; i < t.size() && ok; ++i) {
        if (t[i].size() > 2 && t[i].front() == '{' && t[i].back() == '}') {
          ok = !segments[i].empty();
          params.emplace_back(t[i].substr(1, t[i].size() - 2), segments[i]);
        } else {
          ok = t[i] == segments[i];
          ++literals;
        }
      }
      if (!ok) continue;
      // Each method's own parameters: a pattern there is the router's
      // parameter type ({id:int}: digits only), so a value it refuses
      // matches no route.
      bool any_method = false;
      for (const auto& [m, op] : item.as_object()) {
        if (ParamsMatch(op, params)) {
          any_method = true;
        } else if (Lower(method) == std::string(m)) {
          ok = false;
        }
      }
      if (!any_method) continue;
      if (!ok || !item.as_object().contains(Lower(method))) {
        if (other_methods) *other_methods = true;
        continue;
      }
      if (literals > best_literals) {
        best = std::string(tmpl);
        best_literals = literals;
      }
    }
    return best;
  }

  // "" when the answer is one the document describes for the request, else
  // what is wrong. `target` is the request target (path and query).
  std::string CheckAnswer(const std::string& method, const std::string& target, int status,
                          const std::string& content_type, const std::string& body) const {
    const std::string path = target.substr(0, target.find('?'));
    const std::string what = method + " " + target + " → " + std::to_string(status);
    bool other_methods = false;
    const std::string tmpl = FindOperation(method, path, &other_methods);
    const boost::json::value* response = nullptr;
    if (tmpl.empty()) {
      const bool routed_answer = other_methods ? status == 405 : (status == 404 || status == 400);
      if (!routed_answer) {
        return what + ": the path is not documented" +
               (other_methods ? " for this method (expected 405)" : " (expected 404)");
      }
      response = &Pointer("#/components/responses/NotRouted");
    } else {
      const auto& responses =
          doc_.at("paths").at(tmpl).at(Lower(method)).at("responses").as_object();
      const auto* r = responses.if_contains(std::to_string(status));
      if (!r) return what + ": status not documented for " + method + " " + tmpl;
      response = &Resolve(*r);
    }
    if (method == "HEAD") return "";
    const auto* content = response->as_object().if_contains("content");
    if (!content) {
      return body.empty() ? "" : what + ": a body where the document describes none";
    }
    const std::string media = MediaType(content_type);
    const auto* entry = content->as_object().if_contains(media);
    if (!entry) {
      return what + ": content type \"" + content_type + "\" is not documented (" +
             Short(*content) + ")";
    }
    if (media != "application/json" && !media.ends_with("+json")) return "";
    boost::system::error_code ec;
    const boost::json::value parsed = boost::json::parse(body, ec);
    if (ec) return what + ": the body is not JSON: " + body.substr(0, 200);
    const std::string why = Validate(entry->as_object().at("schema"), parsed);
    return why.empty() ? "" : what + ": " + why + "\n  body: " + body.substr(0, 400);
  }

  static std::string MediaType(const std::string& content_type) {
    std::string m = Lower(content_type.substr(0, content_type.find(';')));
    while (!m.empty() && std::isspace(static_cast<unsigned char>(m.back())))
      m.pop_back();
    return m;
  }

 private:
  bool ParamsMatch(const boost::json::value& op,
                   const std::vector<std::pair<std::string, std::string>>& values) const {
    const auto* params = op.as_object().if_contains("parameters");
    if (!params) return true;
    for (const auto& p : params->as_array()) {
      const auto& param = Resolve(p).as_object();
      if (param.at("in").as_string() != "path") continue;
      const auto* pattern = param.at("schema").as_object().if_contains("pattern");
      if (!pattern) continue;
      for (const auto& [name, value] : values) {
        if (name == param.at("name").as_string() &&
            !std::regex_search(value, std::regex(std::string(pattern->as_string())))) {
          return false;
        }
      }
    }
    return true;
  }

  const boost::json::value& Pointer(std::string_view ref) const {
    if (!ref.starts_with("#/"))
      throw std::invalid_argument("not a local $ref: " + std::string(ref));
    const boost::json::value* at = &doc_;
    std::string_view rest = ref.substr(2);
    while (!rest.empty()) {
      const size_t slash = rest.find('/');
      at = &at->at(rest.substr(0, slash));
      rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    }
    return *at;
  }

  static bool IsType(const boost::json::value& v, std::string_view type) {
    if (type == "object") return v.is_object();
    if (type == "array") return v.is_array();
    if (type == "string") return v.is_string();
    if (type == "boolean") return v.is_bool();
    if (type == "null") return v.is_null();
    if (type == "number") return v.is_number();
    if (type == "integer") {
      return v.is_int64() || v.is_uint64() ||
             (v.is_double() &&
              v.as_double() == static_cast<double>(static_cast<int64_t>(v.as_double())));
    }
    return false;
  }

  // Path segments, each percent-decoded (as the router compares them).
  static std::vector<std::string> Split(const std::string& path) {
    std::vector<std::string> out;
    size_t at = 1;
    while (at <= path.size()) {
      const size_t slash = path.find('/', at);
      const std::string raw = path.substr(at, slash == std::string::npos ? slash : slash - at);
      std::string seg;
      for (size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '%' && i + 2 < raw.size() + 0 &&
            std::isxdigit(static_cast<unsigned char>(raw[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(raw[i + 2]))) {
          seg += static_cast<char>(std::stoi(raw.substr(i + 1, 2), nullptr, 16));
          i += 2;
        } else {
          seg += raw[i];
        }
      }
      out.push_back(seg);
      if (slash == std::string::npos) break;
      at = slash + 1;
    }
    return out;
  }

  static std::string Lower(std::string s) {
    for (char& c : s)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }
  static std::string Upper(std::string s) {
    for (char& c : s)
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
  }
  static std::string Short(const boost::json::value& v) {
    std::string s = boost::json::serialize(v);
    return s.size() > 120 ? s.substr(0, 120) + "…" : s;
  }

  boost::json::value doc_;
};

// The method and target of a `curl … 'https://host:port/path?query'` command
// line, as curl would send them: -X names the method; a body (-d, --data…)
// makes it POST, -I HEAD; otherwise GET. {"", ""} when no URL is found.
inline std::pair<std::string, std::string> CurlRequest(const std::string& cmd) {
  static const std::regex kUrl(R"((https?)://[^/' ]+(/[^' ]*))");
  std::string target;
  for (auto it = std::sregex_iterator(cmd.begin(), cmd.end(), kUrl); it != std::sregex_iterator();
       ++it)
    target = (*it)[2];
  if (target.empty()) return {"", ""};
  std::smatch m;
  std::string method = "GET";
  if (std::regex_search(cmd, m, std::regex(R"((?:^| )(?:-X|--request) +([A-Z]+))"))) {
    method = m[1];
  } else if (std::regex_search(cmd,
                               std::regex(R"((?:^| )(?:-d|--data[a-z-]*|-F|--form|--json) )"))) {
    method = "POST";
  } else if (std::regex_search(cmd, std::regex(R"((?:^| )(?:-I|--head)(?: |$))"))) {
    method = "HEAD";
  }
  return {method, target};
}

}  // namespace onshi::testing

#endif  // ONSHI_TESTS_APP_OPENAPI_CHECK_HPP_
