#include "service/multipart_form.hpp"

#include <cctype>

namespace onshi::service {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The value of `key` in a header's parameters (key="value" or key=value).
std::string Parameter(std::string_view header, std::string_view key) {
  const std::string lower = Lower(header);
  size_t at = 0;
  const std::string wanted = std::string(key) + "=";
  while ((at = lower.find(wanted, at)) != std::string::npos) {
    // A whole parameter name: after ';', ' ' or the start.
    if (at == 0 || lower[at - 1] == ';' || lower[at - 1] == ' ') break;
    at += wanted.size();
  }
  if (at == std::string::npos) return "";
  size_t v = at + wanted.size();
  if (v < header.size() && header[v] == '"') {
    const size_t end = header.find('"', v + 1);
    if (end == std::string_view::npos) return "";
    return std::string(header.substr(v + 1, end - v - 1));
  }
  const size_t end = header.find(';', v);
  std::string_view out = header.substr(v, end == std::string_view::npos ? end : end - v);
  while (!out.empty() && out.back() == ' ')
    out.remove_suffix(1);
  return std::string(out);
}

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> Decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      const int hi = Hex(s[i + 1]), lo = Hex(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

std::optional<std::vector<FormPart>> ParseMultipartForm(std::string_view content_type,
                                                        std::string_view body) {
  if (Lower(content_type).rfind("multipart/form-data", 0) != 0) return std::nullopt;
  const std::string boundary = Parameter(content_type, "boundary");
  if (boundary.empty() || boundary.size() > 200) return std::nullopt;
  const std::string delimiter = "--" + boundary;
  size_t at = body.find(delimiter);
  if (at == std::string_view::npos) return std::nullopt;
  std::vector<FormPart> parts;
  for (;;) {
    at += delimiter.size();
    if (body.substr(at, 2) == "--") return parts;  // the close delimiter
    if (body.substr(at, 2) != "\r\n") return std::nullopt;
    at += 2;
    const size_t headers_end = body.find("\r\n\r\n", at);
    if (headers_end == std::string_view::npos) return std::nullopt;
    FormPart part;
    std::string_view headers = body.substr(at, headers_end - at);
    while (!headers.empty()) {
      const size_t eol = headers.find("\r\n");
      const std::string_view line = headers.substr(0, eol);
      headers = eol == std::string_view::npos ? std::string_view() : headers.substr(eol + 2);
      const size_t colon = line.find(':');
      if (colon == std::string_view::npos) return std::nullopt;
      const std::string name = Lower(line.substr(0, colon));
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ')
        value.remove_prefix(1);
      if (name == "content-disposition") {
        part.name = Parameter(value, "name");
        part.filename = Parameter(value, "filename");
      } else if (name == "content-type") {
        part.content_type = std::string(value);
      }
    }
    const size_t content = headers_end + 4;
    const size_t next = body.find("\r\n" + delimiter, content);
    if (next == std::string_view::npos) return std::nullopt;
    part.body = std::string(body.substr(content, next - content));
    parts.push_back(std::move(part));
    at = next + 2;
  }
}

std::optional<std::string> UrlEncodedFormValue(std::string_view body, std::string_view name) {
  while (!body.empty()) {
    const size_t amp = body.find('&');
    const std::string_view pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
    const size_t eq = pair.find('=');
    const auto key = Decode(pair.substr(0, eq));
    if (!key || *key != name) continue;
    return eq == std::string_view::npos ? std::string() : Decode(pair.substr(eq + 1));
  }
  return std::nullopt;
}

}  // namespace onshi::service
