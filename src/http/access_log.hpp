// The access log: one JSON line per HTTP request, for operators (issue 19).
//
//   {"time":"2026-12-03T04:56:36.123Z","request_id":"9f2c…","method":"POST",
//    "route":"/oqs-api-pro/MSA01030/ILI01030SV01/search","status":200,
//    "duration_ms":1.234,"bytes":1873,"client":"facility:1310000011",
//    "peer":"127.0.0.1"}
//
// What it never holds: a body, a query string or a header value, so no My
// Number, insurance number or token reaches it (告知要求制限). The route is
// the pattern that took the request (request_notes.hpp), not its path, so
// ids in paths stay out too; a request no route took is logged with its
// path's digit runs of four or more masked. `time` is the wall clock in UTC,
// whatever --now the service runs at.
//
// Each request gets an id: the client's X-Request-Id when it is a short
// token ([A-Za-z0-9._-], at most 64), else a random one; the answer carries
// it back in X-Request-Id, so a clinic's support ticket can name the line.
//
// Lines are written with one write(2) each on a file opened O_APPEND (or on
// stderr), so lines from the pool's threads and from several servers
// sharing a file never interleave.
#ifndef ONSHI_HTTP_ACCESS_LOG_HPP_
#define ONSHI_HTTP_ACCESS_LOG_HPP_

#include <memory>
#include <string>
#include <string_view>

#include "http/server.hpp"

namespace onshi::http {

class AccessLog {
 public:
  // "-" is stderr; anything else a file, created 0600 if absent, appended to.
  // Throws std::runtime_error if it cannot be opened.
  explicit AccessLog(const std::string& where);
  ~AccessLog();
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  // `inner` with the request timed, its id set and echoed, and its line
  // written when it returns (also when it throws: the server's 500).
  Handler Wrap(Handler inner);

 private:
  void Write(std::string_view line);
  int fd_ = -1;
  bool owned_ = false;
};

// A path with every run of four or more digits replaced by "****".
std::string MaskDigitRuns(std::string_view path);

}  // namespace onshi::http

#endif  // ONSHI_HTTP_ACCESS_LOG_HPP_
