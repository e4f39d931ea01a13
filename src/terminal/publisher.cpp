#include "terminal/publisher.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace onshi::terminal {
namespace {

Error Io(const std::string& what) {
  return Error{"io", what + ": " + std::strerror(errno)};
}

}  // namespace

Publisher::Publisher(std::string staging) : staging_(std::move(staging)) {
  std::error_code ec;
  std::filesystem::create_directories(staging_, ec);
  ::chmod(staging_.c_str(), 0700);
}

Expected<bool> Publisher::Publish(const std::string& folder, std::string_view name,
                                  std::string_view bytes) {
  static std::atomic<unsigned> sequence{0};
  const std::string final_path = folder + "/" + std::string(name);
  if (::access(final_path.c_str(), F_OK) == 0) {
    return Error{"exists", final_path + " already exists; a published file is never replaced"};
  }
  const std::string temp = staging_ + "/" + std::to_string(::getpid()) + "-" +
                           std::to_string(sequence.fetch_add(1)) + "-" + std::string(name);
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return Io("cannot create " + temp);
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      Error e = Io("cannot write " + temp);
      ::close(fd);
      ::unlink(temp.c_str());
      return e;
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    Error e = Io("cannot flush " + temp);
    ::unlink(temp.c_str());
    return e;
  }
  // link(2) fails with EEXIST instead of replacing: the no-replace move.
  if (::link(temp.c_str(), final_path.c_str()) != 0) {
    Error e = errno == EEXIST ? Error{"exists", final_path + " already exists"}
                              : Io("cannot publish " + final_path);
    ::unlink(temp.c_str());
    return e;
  }
  ::unlink(temp.c_str());
  return true;
}

}  // namespace onshi::terminal
