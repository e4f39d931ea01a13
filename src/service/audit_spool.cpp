#include "service/audit_spool.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace onshi::service {
namespace {

namespace json = boost::json;
constexpr int kSlots = 64;

std::string Errno(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

// Opens `path` and takes its exclusive lock; -1 if another process holds it.
int OpenLocked(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error(Errno("cannot open audit spool", path));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

std::string ReadFd(int fd) {
  std::string out;
  char buf[65536];
  off_t at = 0;
  for (;;) {
    const ssize_t n = ::pread(fd, buf, sizeof buf, at);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
    at += n;
  }
  return out;
}

void ParseLines(const std::string& text, std::vector<store::AuditEntry>* out) {
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = text.find('\n', start);
    if (end == std::string::npos) break;  // torn last line
    boost::system::error_code ec;
    const json::value v = json::parse(std::string_view(text).substr(start, end - start), ec);
    start = end + 1;
    if (ec || !v.is_object()) continue;
    const json::object& o = v.as_object();
    store::AuditEntry e;
    auto str = [&](const char* k) {
      const json::value* f = o.if_contains(k);
      return f && f->is_string() ? std::string(f->as_string()) : std::string();
    };
    e.at = str("at");
    e.actor = str("actor");
    e.action = str("action");
    e.detail = str("detail");
    if (const json::value* p = o.if_contains("person_id"); p && p->is_int64())
      e.person_id = p->as_int64();
    out->push_back(std::move(e));
  }
}

std::string EntryLine(const store::AuditEntry& e) {
  json::object o;
  o["at"] = e.at;
  o["actor"] = e.actor;
  o["action"] = e.action;
  o["person_id"] = e.person_id;
  o["detail"] = e.detail;
  std::string line = json::serialize(o);
  line += '\n';
  return line;
}

void WriteAll(int fd, const std::string& text, const std::string& path) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error(Errno("cannot write audit spool", path));
    done += static_cast<size_t>(n);
  }
}

// Appends `text` and syncs it, or leaves the file as it was: a batch that
// failed halfway (a full disk) must not leave a fragment that the retry's
// first line would be glued to.
void AppendSynced(int fd, const std::string& text, const std::string& path) {
  const off_t before = ::lseek(fd, 0, SEEK_END);
  try {
    WriteAll(fd, text, path);
    if (::fdatasync(fd) != 0) throw std::runtime_error(Errno("cannot sync audit spool", path));
  } catch (...) {
    if (before >= 0 && ::ftruncate(fd, before) != 0) {
      // The fragment stays; ParseLines skips a line it cannot read.
    }
    throw;
  }
}

std::string JournalPath(const std::string& slot_path, int i) {
  return slot_path + ".journal-" + std::to_string(i);
}

// A journal's entries without its torn last line, if any.
std::string CompleteLines(std::string text) {
  const size_t end = text.rfind('\n');
  text.resize(end == std::string::npos ? 0 : end + 1);
  return text;
}

size_t CountLines(const std::string& text) {
  size_t n = 0;
  for (char c : text)
    n += c == '\n';
  return n;
}

}  // namespace

std::unique_ptr<AuditSpool> AuditSpool::Claim(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    throw std::runtime_error("cannot create audit spool directory " + dir + ": " + ec.message());
  std::unique_ptr<AuditSpool> spool(new AuditSpool());
  for (int i = 0; i < kSlots; ++i) {
    const std::string path = dir + "/slot-" + std::to_string(i) + ".jsonl";
    const int fd = OpenLocked(path);
    if (fd < 0) continue;  // another live server's
    try {
      spool->RecoverJournals(fd, path);
    } catch (...) {
      ::close(fd);
      throw;
    }
    if (spool->fd_ < 0) {
      spool->fd_ = fd;
      spool->path_ = path;
      spool->pending_ += CountLines(ReadFd(fd));
    } else if (::lseek(fd, 0, SEEK_END) > 0) {
      spool->adopted_.push_back({fd, path});
      spool->pending_ += CountLines(ReadFd(fd));
    } else {
      ::close(fd);
    }
  }
  if (spool->fd_ < 0) throw std::runtime_error("every audit spool slot in " + dir + " is taken");
  for (int i = 0; i < 2; ++i) {
    const std::string jp = JournalPath(spool->path_, i);
    spool->journal_fd_[i] = ::open(jp.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (spool->journal_fd_[i] < 0) throw std::runtime_error(Errno("cannot open audit journal", jp));
  }
  return spool;
}

AuditSpool::~AuditSpool() {
  for (const Slot& s : adopted_)
    ::close(s.fd);
  for (int fd : journal_fd_)
    if (fd >= 0) ::close(fd);
  if (fd_ >= 0) ::close(fd_);
}

size_t AuditSpool::RecoverJournals(int fd, const std::string& path) {
  // Which journal is older is not recorded; entries carry their time, so
  // the one whose first entry is earlier goes first.
  std::string text[2];
  for (int i = 0; i < 2; ++i) {
    const std::string jp = JournalPath(path, i);
    const int j = ::open(jp.c_str(), O_RDONLY | O_CLOEXEC);
    if (j < 0) continue;
    text[i] = CompleteLines(ReadFd(j));
    ::close(j);
  }
  if (text[0].empty() && text[1].empty()) return 0;
  auto first_at = [](const std::string& t) {
    std::vector<store::AuditEntry> one;
    ParseLines(t.substr(0, t.find('\n') + 1), &one);
    return one.empty() ? std::string() : one[0].at;
  };
  const bool swap = !text[0].empty() && !text[1].empty() && first_at(text[1]) < first_at(text[0]);
  const std::string all = swap ? text[1] + text[0] : text[0] + text[1];
  AppendSynced(fd, all, path);
  for (int i = 0; i < 2; ++i) {
    const std::string jp = JournalPath(path, i);
    if (::truncate(jp.c_str(), 0) != 0 && errno != ENOENT) {
      throw std::runtime_error(Errno("cannot empty audit journal", jp));
    }
  }
  return CountLines(all);
}

void AuditSpool::Journal(const store::AuditEntry& entry) {
  WriteAll(journal_fd_[active_journal_], EntryLine(entry), JournalPath(path_, active_journal_));
}

int AuditSpool::SwapJournal() {
  const int filled = active_journal_;
  active_journal_ = 1 - active_journal_;
  return filled;
}

void AuditSpool::ForgetJournal(int index) {
  if (::ftruncate(journal_fd_[index], 0) != 0) {
    throw std::runtime_error(Errno("cannot empty audit journal", JournalPath(path_, index)));
  }
}

void AuditSpool::Append(const std::vector<store::AuditEntry>& entries) {
  std::string text;
  for (const store::AuditEntry& e : entries)
    text += EntryLine(e);
  AppendSynced(fd_, text, path_);
  pending_ += entries.size();
}

std::vector<store::AuditEntry> AuditSpool::ReadAll() const {
  std::vector<store::AuditEntry> out;
  for (const Slot& s : adopted_)
    ParseLines(ReadFd(s.fd), &out);
  ParseLines(ReadFd(fd_), &out);
  return out;
}

void AuditSpool::Clear() {
  while (!adopted_.empty()) {
    const Slot s = adopted_.back();
    if (::ftruncate(s.fd, 0) != 0 || ::fsync(s.fd) != 0)
      throw std::runtime_error(Errno("cannot empty audit spool", s.path));
    adopted_.pop_back();  // before close: a listed descriptor is always open
    ::close(s.fd);
  }
  if (::ftruncate(fd_, 0) != 0 || ::fsync(fd_) != 0)
    throw std::runtime_error(Errno("cannot empty audit spool", path_));
  pending_ = 0;
}

}  // namespace onshi::service
