#include "auth/key_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace onshi::auth {
namespace {

Error FileError(const std::string& path, std::string_view what) {
  return MakeError("file", std::string(what) + " " + path + ": " + std::strerror(errno));
}

// Writes and syncs `data` to an open descriptor, forcing `mode`, and closes it.
bool FinishFile(int fd, std::string_view data, mode_t mode) {
  const bool ok = ::fchmod(fd, mode) == 0 && WriteAll(fd, data) && ::fsync(fd) == 0;
  return ::close(fd) == 0 && ok;
}

}  // namespace

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (n == 0) {  // no progress: never loop on it
      errno = EIO;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

Expected<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return FileError(path, "cannot read");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Expected<std::string> ReadPrivateFile(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return FileError(path, "cannot stat");
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return MakeError("file", path + " holds a private key but has mode " + mode +
                                 "; it must not be readable by group or others (chmod 600)");
  }
  return ReadWholeFile(path);
}

Expected<std::string> WriteNewFile(const std::string& path, std::string_view data, mode_t mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return FileError(path, "cannot create");
  if (!FinishFile(fd, data, mode)) {
    ::unlink(path.c_str());
    return FileError(path, "cannot write");
  }
  return path;
}

Expected<std::string> ReplaceFile(const std::string& path, std::string_view data, mode_t mode) {
  // pid + counter: unique among concurrent writers in this and other processes.
  static std::atomic<unsigned> counter{0};
  const std::string tmp =
      path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
  ::unlink(tmp.c_str());  // a leftover from a crashed process that had our pid
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return FileError(tmp, "cannot create");
  if (!FinishFile(fd, data, mode) || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return FileError(path, "cannot replace");
  }
  return path;
}

Expected<std::string> EnsureDirectory(const std::string& dir) {
  std::error_code ec;
  const bool created = std::filesystem::create_directories(dir, ec);
  if (ec) return MakeError("file", "cannot create directory " + dir + ": " + ec.message());
  // Only a directory we made is narrowed to 0700: an existing one is the
  // operator's choice.
  if (created) {
    std::filesystem::permissions(dir, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace, ec);
    if (ec) return MakeError("file", "cannot set mode of " + dir + ": " + ec.message());
  }
  if (!std::filesystem::is_directory(dir, ec)) {
    return MakeError("file", dir + " exists and is not a directory");
  }
  return dir;
}

bool FileExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace onshi::auth
