#include "auth/flat_json.hpp"

#include <limits>

namespace onshi::auth {
namespace {

constexpr std::string_view kField = "json";

class Reader {
 public:
  explicit Reader(std::string_view text) : s_(text) {}

  void SkipSpace() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r'))
      ++i_;
  }
  bool Eat(char c) {
    SkipSpace();
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  bool AtEnd() {
    SkipSpace();
    return i_ == s_.size();
  }
  char Peek() {
    SkipSpace();
    return i_ < s_.size() ? s_[i_] : '\0';
  }

  std::optional<std::string> String() {
    if (!Eat('"')) return std::nullopt;
    std::string out;
    while (i_ < s_.size()) {
      const char c = s_[i_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) return std::nullopt;  // raw control character
      if (c != '\\') {
        out += c;
        continue;
      }
      if (i_ >= s_.size()) return std::nullopt;
      switch (s_[i_++]) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          auto cp = Hex4();
          if (!cp) return std::nullopt;
          uint32_t code = *cp;
          if (code >= 0xD800 && code <= 0xDBFF) {  // high surrogate: a low one must follow
            if (i_ + 2 > s_.size() || s_[i_] != '\\' || s_[i_ + 1] != 'u') return std::nullopt;
            i_ += 2;
            auto low = Hex4();
            if (!low || *low < 0xDC00 || *low > 0xDFFF) return std::nullopt;
            code = 0x10000 + ((code - 0xD800) << 10) + (*low - 0xDC00);
          } else if (code >= 0xDC00 && code <= 0xDFFF) {
            return std::nullopt;  // lone low surrogate
          }
          AppendUtf8(code, &out);
          break;
        }
        default:
          return std::nullopt;
      }
    }
    return std::nullopt;  // unterminated
  }

  // An integer in JSON grammar (no leading zeros, no fraction or exponent)
  // that fits in int64.
  std::optional<std::int64_t> Integer() {
    SkipSpace();
    const bool negative = i_ < s_.size() && s_[i_] == '-';
    if (negative) ++i_;
    const size_t start = i_;
    while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9')
      ++i_;
    const std::string_view digits = s_.substr(start, i_ - start);
    if (digits.empty() || (digits.size() > 1 && digits[0] == '0')) return std::nullopt;
    if (i_ < s_.size() && (s_[i_] == '.' || s_[i_] == 'e' || s_[i_] == 'E')) return std::nullopt;
    // Accumulate negatively so that INT64_MIN is representable.
    std::int64_t v = 0;
    constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
    for (char c : digits) {
      const int d = c - '0';
      if (v < (kMin + d) / 10) return std::nullopt;
      v = v * 10 - d;
    }
    if (!negative) {
      if (v == kMin) return std::nullopt;
      v = -v;
    }
    return v;
  }

 private:
  std::optional<uint32_t> Hex4() {
    if (i_ + 4 > s_.size()) return std::nullopt;
    uint32_t v = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = s_[i_++];
      v <<= 4;
      if (c >= '0' && c <= '9')
        v |= static_cast<uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f')
        v |= static_cast<uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        v |= static_cast<uint32_t>(c - 'A' + 10);
      else
        return std::nullopt;
    }
    return v;
  }

  static void AppendUtf8(uint32_t cp, std::string* out) {
    if (cp < 0x80) {
      *out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      *out += static_cast<char>(0xC0 | (cp >> 6));
      *out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      *out += static_cast<char>(0xE0 | (cp >> 12));
      *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      *out += static_cast<char>(0xF0 | (cp >> 18));
      *out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  std::string_view s_;
  size_t i_ = 0;
};

}  // namespace

Expected<FlatJsonObject> FlatJsonObject::Parse(std::string_view text) {
  Reader r(text);
  FlatJsonObject obj;
  if (!r.Eat('{')) return MakeError(std::string(kField), "expected a JSON object");
  if (!r.Eat('}')) {
    do {
      auto key = r.String();
      if (!key) return MakeError(std::string(kField), "expected a string key");
      if (!r.Eat(':')) return MakeError(std::string(kField), "expected ':' after \"" + *key + "\"");
      FlatJsonValue value;
      if (r.Peek() == '"') {
        auto s = r.String();
        if (!s) return MakeError(std::string(kField), "bad string value for \"" + *key + "\"");
        value = std::move(*s);
      } else {
        auto n = r.Integer();
        if (!n) {
          return MakeError(std::string(kField),
                           "value of \"" + *key + "\" must be a string or an integer");
        }
        value = *n;
      }
      if (!obj.members_.emplace(*key, std::move(value)).second) {
        return MakeError(std::string(kField), "duplicate key \"" + *key + "\"");
      }
    } while (r.Eat(','));
    if (!r.Eat('}')) return MakeError(std::string(kField), "expected ',' or '}'");
  }
  if (!r.AtEnd()) return MakeError(std::string(kField), "trailing text after the object");
  return obj;
}

std::optional<std::string> FlatJsonObject::GetString(std::string_view key) const {
  auto it = members_.find(key);
  if (it == members_.end() || !std::holds_alternative<std::string>(it->second)) return std::nullopt;
  return std::get<std::string>(it->second);
}

std::optional<std::int64_t> FlatJsonObject::GetInt(std::string_view key) const {
  auto it = members_.find(key);
  if (it == members_.end() || !std::holds_alternative<std::int64_t>(it->second)) {
    return std::nullopt;
  }
  return std::get<std::int64_t>(it->second);
}

std::string JsonQuote(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += "\\u00";
          out += kHex[(c >> 4) & 0xF];
          out += kHex[c & 0xF];
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

FlatJsonWriter& FlatJsonWriter::Add(std::string_view key, std::string_view value) {
  if (text_.size() > 1) text_ += ',';
  text_ += JsonQuote(key) + ":" + JsonQuote(value);
  return *this;
}

FlatJsonWriter& FlatJsonWriter::Add(std::string_view key, std::int64_t value) {
  if (text_.size() > 1) text_ += ',';
  text_ += JsonQuote(key) + ":" + std::to_string(value);
  return *this;
}

}  // namespace onshi::auth
