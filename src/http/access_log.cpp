#include "http/access_log.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <exception>
#include <random>
#include <stdexcept>

#include "http/request_notes.hpp"

namespace onshi::http {
namespace {

namespace json = boost::json;

bool IsTokenChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

std::string RequestIdOf(const Request& r) {
  const std::string given = r.Header("X-Request-Id");
  bool ok = !given.empty() && given.size() <= 64;
  for (char c : given)
    ok = ok && IsTokenChar(c);
  if (ok) return given;
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(16, '0');
  uint64_t v = rng();
  for (char& c : id) {
    c = kHex[v & 15];
    v >>= 4;
  }
  return id;
}

std::string UtcMillis(std::chrono::system_clock::time_point t) {
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];  // room for any int, as the compiler counts
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

}  // namespace

RequestNotes& CurrentRequestNotes() {
  thread_local RequestNotes notes;
  return notes;
}

std::string MaskDigitRuns(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  size_t i = 0;
  while (i < path.size()) {
    size_t j = i;
    while (j < path.size() && path[j] >= '0' && path[j] <= '9')
      ++j;
    if (j - i >= 4) {
      out += "****";
    } else if (j > i) {
      out.append(path.substr(i, j - i));
    }
    if (j < path.size()) out += path[j];
    i = j + 1;
  }
  return out;
}

AccessLog::AccessLog(const std::string& where) {
  if (where == "-") {
    fd_ = STDERR_FILENO;
    return;
  }
  fd_ = ::open(where.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd_ < 0)
    throw std::runtime_error("cannot open access log " + where + ": " + std::strerror(errno));
  owned_ = true;
}

AccessLog::~AccessLog() {
  if (owned_) ::close(fd_);
}

void AccessLog::Write(std::string_view line) {
  // One write per line: O_APPEND makes each land whole at the end.
  size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(fd_, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // a full disk must not stop the service; the line is lost
    done += static_cast<size_t>(n);
  }
}

Handler AccessLog::Wrap(Handler inner) {
  return [this, inner = std::move(inner)](const Request& request) {
    const auto wall = std::chrono::system_clock::now();
    const auto start = std::chrono::steady_clock::now();
    RequestNotes& notes = CurrentRequestNotes();
    notes = {};
    const std::string id = RequestIdOf(request);
    Response response;
    std::exception_ptr failure;
    try {
      response = inner(request);
    } catch (...) {
      failure = std::current_exception();
      response = {500, "text/plain", {}, ""};
    }
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    json::object line{
        {"time", UtcMillis(wall)},
        {"request_id", id},
        {"method", request.method},
        {"route",
         notes.route.empty()
             ? MaskDigitRuns(std::string_view(request.target).substr(0, request.target.find('?')))
             : notes.route},
        {"status", response.status},
        {"duration_ms", static_cast<double>(static_cast<int64_t>(ms * 1000)) / 1000},
        {"bytes", response.body.size()},
    };
    if (!notes.client.empty()) line["client"] = notes.client;
    if (!request.peer_address.empty()) line["peer"] = request.peer_address;
    Write(json::serialize(line) + "\n");
    if (failure) std::rethrow_exception(failure);  // the server answers it its own way
    response.headers.emplace_back("X-Request-Id", id);
    return response;
  };
}

}  // namespace onshi::http
