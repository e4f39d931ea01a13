#include "http/response_head.hpp"

#include "http/field_name.hpp"

#include <boost/beast/http/status.hpp>
#include <cstring>
#include <string_view>

namespace onshi::http {
namespace {

// Two passes of memchr, not find_first_of: libstdc++'s find_first_of calls
// memchr once for every character of the text, which over a proof header
// (about 1 KB) took 4 % of the server's CPU.
bool Safe(std::string_view text) {
  return std::memchr(text.data(), '\r', text.size()) == nullptr &&
         std::memchr(text.data(), '\n', text.size()) == nullptr;
}

void AddField(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out.append(": ");
  out.append(value);
  out.append("\r\n");
}

}  // namespace

bool BodyAllowed(int status) {
  return !(status / 100 == 1 || status == 204 || status == 304);
}

std::string ResponseHead(const Response& r, bool keep_alive, unsigned version) {
  std::string out;
  // Room for the body too: the server appends it to this string.
  size_t size = 128 + r.content_type.size() + (BodyAllowed(r.status) ? r.body.size() : 0);
  for (const auto& [name, value] : r.headers)
    size += name.size() + value.size() + 4;
  out.reserve(size);
  out.append(version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
  out.append(std::to_string(r.status));
  out.push_back(' ');
  const auto reason =
      boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(r.status));
  out.append(reason.data(), reason.size());
  out.append("\r\n");
  // A handler's field replaces one of these, as basic_fields::set did;
  // Content-Length and Connection are the server's to say.
  auto overridden = [&](std::string_view name, size_t after) {
    for (size_t j = after; j < r.headers.size(); ++j) {
      if (SameToken(r.headers[j].first, name)) return true;
    }
    return false;
  };
  if (!overridden("Server", 0)) AddField(out, "Server", "onshi");
  if (!overridden("Content-Type", 0) && Safe(r.content_type)) {
    AddField(out, "Content-Type", r.content_type);
  }
  for (size_t i = 0; i < r.headers.size(); ++i) {
    const auto& [name, value] = r.headers[i];
    if (name.empty() || !Safe(name) || !Safe(value)) continue;
    if (SameToken(name, "Content-Length") || SameToken(name, "Connection")) continue;
    if (overridden(name, i + 1)) continue;  // a later field of this name wins
    AddField(out, name, value);
  }
  if (BodyAllowed(r.status)) AddField(out, "Content-Length", std::to_string(r.body.size()));
  if (version == 10 && keep_alive) AddField(out, "Connection", "keep-alive");
  if (version != 10 && !keep_alive) AddField(out, "Connection", "close");
  out.append("\r\n");
  return out;
}

}  // namespace onshi::http
