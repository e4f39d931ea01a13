// ChunkedInput (chunked_input.hpp).
#include "intake/chunked_input.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cstring>

namespace onshi::intake {

struct ChunkedInput::Rep {
  ~Rep() {
    if (fd >= 0) ::close(fd);
  }

  std::size_t chunk = 0;
  bool from_string = false;
  std::string body;  // from_string: the whole input; available() is body[begin, end)
  int fd = -1;       // otherwise: available() is buffer[begin, end)
  std::unique_ptr<char[]> buffer;
  std::size_t capacity = 0;
  std::size_t begin = 0;
  std::size_t end = 0;
  uint64_t consumed = 0;
  uint64_t total = 0;
  bool eof = false;
  std::string error;
};

ChunkedInput::ChunkedInput(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
ChunkedInput::ChunkedInput(ChunkedInput&&) noexcept = default;
ChunkedInput& ChunkedInput::operator=(ChunkedInput&&) noexcept = default;
ChunkedInput::~ChunkedInput() = default;

Expected<ChunkedInput> ChunkedInput::OpenFile(const std::string& path, std::size_t chunk_bytes) {
  auto rep = std::make_unique<Rep>();
  rep->chunk = std::max<std::size_t>(chunk_bytes, 1);
  rep->fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (rep->fd < 0) return MakeError("", "cannot open " + path + ": " + std::strerror(errno));
  struct stat st;
  if (::fstat(rep->fd, &st) != 0)
    return MakeError("", "cannot stat " + path + ": " + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) return MakeError("", "cannot read " + path + ": it is a directory");
  // A pipe or device has no size; progress then shows bytes without a total.
  rep->total = S_ISREG(st.st_mode) ? static_cast<uint64_t>(st.st_size) : 0;
  return ChunkedInput(std::move(rep));
}

ChunkedInput ChunkedInput::FromString(std::string body, std::size_t chunk_bytes) {
  auto rep = std::make_unique<Rep>();
  rep->chunk = std::max<std::size_t>(chunk_bytes, 1);
  rep->from_string = true;
  rep->body = std::move(body);
  rep->total = rep->body.size();
  rep->eof = rep->body.empty();
  return ChunkedInput(std::move(rep));
}

std::string_view ChunkedInput::available() const {
  const char* base = rep_->from_string ? rep_->body.data() : rep_->buffer.get();
  return std::string_view(base + rep_->begin, rep_->end - rep_->begin);
}

bool ChunkedInput::ReadMore() {
  Rep& r = *rep_;
  if (r.eof) return false;
  if (r.from_string) {
    r.end = std::min(r.end + r.chunk, r.body.size());
    r.eof = r.end == r.body.size();
    return true;
  }
  // Keep the unconsumed tail (at most one unfinished record) at the front,
  // so the buffer only grows when a single record outgrows a chunk.
  const std::size_t kept = r.end - r.begin;
  if (r.begin > 0) {
    std::memmove(r.buffer.get(), r.buffer.get() + r.begin, kept);
    r.begin = 0;
    r.end = kept;
  }
  if (r.capacity - r.end < r.chunk) {
    // Doubling keeps a long run of small reads (a test's 7-byte chunks
    // while the encoding is sniffed) linear.
    const std::size_t capacity = std::max(r.end + r.chunk, 2 * r.capacity);
    auto bigger = std::make_unique_for_overwrite<char[]>(capacity);
    if (kept > 0) std::memcpy(bigger.get(), r.buffer.get(), kept);
    r.buffer = std::move(bigger);
    r.capacity = capacity;
  }
  ssize_t n;
  do {
    n = ::read(r.fd, r.buffer.get() + r.end, r.chunk);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    r.error = std::string("read failed: ") + std::strerror(errno);
    r.eof = true;
    return false;
  }
  if (n == 0) {
    r.eof = true;
    return false;
  }
  r.end += static_cast<std::size_t>(n);
  return true;
}

bool ChunkedInput::at_end() const {
  return rep_->eof;
}

void ChunkedInput::Consume(std::size_t n) {
  assert(n <= rep_->end - rep_->begin);
  rep_->begin += n;
  rep_->consumed += n;
}

uint64_t ChunkedInput::consumed() const {
  return rep_->consumed;
}
uint64_t ChunkedInput::total_bytes() const {
  return rep_->total;
}
const std::string& ChunkedInput::error() const {
  return rep_->error;
}

}  // namespace onshi::intake
