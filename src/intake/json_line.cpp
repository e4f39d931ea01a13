// JsonLineParser (json_line.hpp): a Boost.JSON SAX handler that writes
// straight into the RawSubmission, so a line costs no DOM and duplicate keys
// can be seen (the DOM parser would keep the last one silently).
#include "intake/json_line.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <cstddef>
#include <string>

#include "intake/columns.hpp"

namespace onshi::intake {
namespace {

namespace json = boost::json;

class Handler {
 public:
  static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);

  void Start(int64_t line, RawSubmission* raw, std::vector<FieldError>* errors) {
    line_ = line;
    raw_ = raw;
    errors_ = errors;
    depth_ = 0;
    current_ = nullptr;
    seen_ = 0;
    next_ = 0;
    key_.clear();
    number_.clear();
    not_object_.clear();
  }
  // Set when the line was valid JSON but not an object; parsing stopped.
  const std::string& not_object() const { return not_object_; }

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }

  bool on_object_begin(json::error_code&) {
    if (depth_ == 1) NotAScalar("an object");
    ++depth_;
    return true;
  }
  bool on_object_end(std::size_t, json::error_code&) {
    --depth_;
    return true;
  }
  bool on_array_begin(json::error_code& ec) {
    if (depth_ == 0) return NotObject("an array", ec);
    if (depth_ == 1) NotAScalar("an array");
    ++depth_;
    return true;
  }
  bool on_array_end(std::size_t, json::error_code&) {
    --depth_;
    return true;
  }

  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    if (depth_ == 1) key_.append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code&) {
    if (depth_ != 1) return true;
    std::string_view key(s.data(), s.size());
    if (!key_.empty()) {  // the key came in parts
      key_.append(key);
      key = key_;
    }
    current_ = nullptr;
    const std::size_t i = FieldIndex(key);
    if (i == RawFields().size()) {
      Error("", "unknown key \"" + std::string(key) + "\"");
    } else if (seen_ & (uint64_t{1} << i)) {
      Error(std::string(key), "key \"" + std::string(key) + "\" appears more than once");
    } else {
      seen_ |= uint64_t{1} << i;
      current_ = RawFields()[i].field;
    }
    key_.clear();
    return true;
  }

  bool on_string_part(json::string_view s, std::size_t, json::error_code&) {
    if (depth_ == 1 && current_ != nullptr) (raw_->*current_).append(s.data(), s.size());
    return true;
  }
  bool on_string(json::string_view s, std::size_t, json::error_code& ec) {
    if (depth_ == 0) return NotObject("a string", ec);
    if (depth_ == 1 && current_ != nullptr) (raw_->*current_).append(s.data(), s.size());
    return true;
  }

  bool on_number_part(json::string_view s, json::error_code&) {
    number_.append(s.data(), s.size());
    return true;
  }
  bool on_int64(int64_t, json::string_view s, json::error_code& ec) { return Number(s, ec); }
  bool on_uint64(uint64_t, json::string_view s, json::error_code& ec) { return Number(s, ec); }
  bool on_double(double, json::string_view s, json::error_code& ec) { return Number(s, ec); }

  bool on_bool(bool b, json::error_code& ec) {
    if (depth_ == 0) return NotObject("true or false", ec);
    if (depth_ == 1 && current_ != nullptr) raw_->*current_ = b ? "1" : "0";
    return true;
  }
  bool on_null(json::error_code& ec) {
    if (depth_ == 0) return NotObject("null", ec);
    return true;  // not filled in: the member stays empty
  }

  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

 private:
  // The index of `key` in RawFields(), or its size. Lines of one file list
  // their keys in the same order, so the member after the last one found is
  // tried first.
  std::size_t FieldIndex(std::string_view key) {
    const auto fields = RawFields();
    if (next_ < fields.size() && fields[next_].name == key) return next_++;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (fields[i].name == key) {
        next_ = i + 1;
        return i;
      }
    }
    return fields.size();
  }

  // The number's text as written, so nothing is lost to double rounding
  // (a 12-digit My Number, "30.0").
  bool Number(json::string_view last_part, json::error_code& ec) {
    if (depth_ == 0) return NotObject("a number", ec);
    number_.append(last_part.data(), last_part.size());
    if (depth_ == 1 && current_ != nullptr) raw_->*current_ = number_;
    number_.clear();
    return true;
  }

  void NotAScalar(const char* what) {
    if (current_ == nullptr) return;  // the key was already reported
    Error(std::string(NameOf(current_)),
          std::string("expected a string, number, true/false or null, found ") + what);
    current_ = nullptr;
  }

  bool NotObject(const char* what, json::error_code& ec) {
    not_object_ = std::string("a line must hold one JSON object, found ") + what;
    ec = json::error::syntax;  // stops the parser; not_object_ says why
    return false;
  }

  void Error(std::string field, std::string reason) {
    errors_->push_back(FieldError{line_, std::move(field), std::move(reason)});
  }

  int64_t line_ = 0;
  RawSubmission* raw_ = nullptr;
  std::vector<FieldError>* errors_ = nullptr;
  int depth_ = 0;               // 1 inside the line's object
  RawField current_ = nullptr;  // where the value of the current key goes
  uint64_t seen_ = 0;           // bit i: RawFields()[i] was given
  std::size_t next_ = 0;        // RawFields() index the next key probably has
  std::string key_;
  std::string number_;
  std::string not_object_;
};

// Parse calls IsUtf8-checked text only (the reader reports bad bytes with
// their file offset first), so Boost's own UTF-8 check, a third of the
// parse time, is skipped.
json::parse_options Options() {
  json::parse_options o;
  o.allow_invalid_utf8 = true;
  return o;
}

}  // namespace

struct JsonLineParser::Rep {
  json::basic_parser<Handler> parser{Options()};
};

JsonLineParser::JsonLineParser() : rep_(std::make_unique<Rep>()) {}
JsonLineParser::~JsonLineParser() = default;
JsonLineParser::JsonLineParser(JsonLineParser&&) noexcept = default;
JsonLineParser& JsonLineParser::operator=(JsonLineParser&&) noexcept = default;

void JsonLineParser::Parse(std::string_view text, int64_t line, RawSubmission* raw,
                           std::vector<FieldError>* errors) {
  json::basic_parser<Handler>& parser = rep_->parser;
  parser.reset();
  parser.handler().Start(line, raw, errors);
  json::error_code ec;
  const std::size_t used = parser.write_some(false, text.data(), text.size(), ec);
  if (!ec) {
    // write_some stops after one complete value; only spaces may follow it.
    const std::string_view rest = text.substr(used);
    const std::size_t extra = rest.find_first_not_of(" \t\r");
    if (extra == std::string_view::npos) return;
    errors->push_back(FieldError{line, "",
                                 "invalid JSON: unexpected text after the object at byte " +
                                     std::to_string(used + extra + 1)});
    return;
  }
  if (!parser.handler().not_object().empty()) {
    errors->push_back(FieldError{line, "", parser.handler().not_object()});
  } else {
    errors->push_back(FieldError{
        line, "",
        "invalid JSON: " + ec.message() + " at byte " + std::to_string(used + 1) + " of the line"});
  }
}

}  // namespace onshi::intake
