#include "service/check_log_files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "auth/key_file.hpp"

namespace onshi::service {

std::runtime_error CheckLogFailure(const std::string& what, const std::string& path) {
  return std::runtime_error("access log: " + what + " " + path + ": " + std::strerror(errno));
}

std::string ReadSegmentFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw CheckLogFailure("cannot open", path);
  std::string text;
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const std::runtime_error failure = CheckLogFailure("cannot read", path);
      ::close(fd);
      throw failure;
    }
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return text;
}

std::string_view RecordsOf(std::string_view text) {
  return text.substr(0, std::min(text.find('\0'), text.size()));
}

void WriteAllTo(int fd, std::string_view text, const std::string& path) {
  if (!auth::WriteAll(fd, text)) throw CheckLogFailure("cannot write", path);
}

void PwriteAllTo(int fd, std::string_view text, uint64_t offset, const std::string& path) {
  while (!text.empty()) {
    const ssize_t n = ::pwrite(fd, text.data(), text.size(), static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw CheckLogFailure("cannot write", path);
    text.remove_prefix(static_cast<size_t>(n));
    offset += static_cast<uint64_t>(n);
  }
}

bool PreadAll(int fd, void* out, size_t n, uint64_t offset) {
  auto* p = static_cast<char*>(out);
  while (n > 0) {
    const ssize_t got = ::pread(fd, p, n, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    p += got;
    n -= static_cast<size_t>(got);
    offset += static_cast<uint64_t>(got);
  }
  return true;
}

}  // namespace onshi::service
