#include "service/audit_spool.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "auth/key_file.hpp"

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

// Parses the complete lines of `text`; a line that is not an entry goes to
// `unreadable` as it is (never skipped: see the header).
void ParseLines(const std::string& text, std::vector<store::AuditEntry>* out,
                std::vector<std::string>* unreadable) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    // Claim() cuts torn tails off; one can only appear here if the file was
    // written by something else. It is quarantined like any bad line.
    if (end == std::string::npos) end = text.size();
    const std::string_view line = std::string_view(text).substr(start, end - start);
    start = end + 1;
    if (line.empty()) continue;
    boost::system::error_code ec;
    const json::value v = json::parse(line, ec);
    const json::object* obj = !ec && v.is_object() ? &v.as_object() : nullptr;
    if (!obj || !obj->if_contains("at") || !obj->if_contains("action")) {
      if (unreadable) unreadable->emplace_back(line);
      continue;
    }
    const json::object& o = *obj;
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
  if (!auth::WriteAll(fd, text)) throw std::runtime_error(Errno("cannot write audit spool", path));
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
      // The fragment stays; the next Claim() quarantines it.
    }
    throw;
  }
}

void AppendQuarantine(const std::string& slot_path, const std::vector<std::string>& lines) {
  if (lines.empty()) return;
  const std::string path = slot_path + ".quarantine";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error(Errno("cannot open audit quarantine", path));
  std::string text;
  for (const std::string& l : lines)
    text += l + "\n";
  try {
    AppendSynced(fd, text, path);
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
}

std::string JournalPath(const std::string& slot_path, int i) {
  return slot_path + ".journal-" + std::to_string(i);
}

// A journal's entries without its torn last line, which goes to `torn`.
std::string CompleteLines(std::string text, std::vector<std::string>* torn) {
  const size_t end = text.rfind('\n');
  const size_t keep = end == std::string::npos ? 0 : end + 1;
  if (keep < text.size()) torn->push_back(text.substr(keep));
  text.resize(keep);
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
      spool->QuarantineTornTail(fd, path);
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

void AuditSpool::QuarantineTornTail(int fd, const std::string& path) {
  const std::string text = ReadFd(fd);
  const size_t end = text.rfind('\n');
  const size_t keep = end == std::string::npos ? 0 : end + 1;
  if (keep == text.size()) return;
  AppendQuarantine(path, {text.substr(keep)});
  if (::ftruncate(fd, static_cast<off_t>(keep)) != 0 || ::fsync(fd) != 0) {
    throw std::runtime_error(Errno("cannot cut the torn tail of audit spool", path));
  }
  ++quarantined_at_claim_;
}

size_t AuditSpool::RecoverJournals(int fd, const std::string& path) {
  // Which journal is older is not recorded; entries carry their time, so
  // the one whose first entry is earlier goes first.
  std::string text[2];
  std::vector<std::string> torn;
  for (int i = 0; i < 2; ++i) {
    const std::string jp = JournalPath(path, i);
    const int j = ::open(jp.c_str(), O_RDONLY | O_CLOEXEC);
    if (j < 0) continue;
    text[i] = CompleteLines(ReadFd(j), &torn);
    ::close(j);
  }
  // A journal line cut short by a kill belongs to a check whose answer
  // never left; it is kept for a person to see all the same.
  AppendQuarantine(path, torn);
  quarantined_at_claim_ += torn.size();
  if (text[0].empty() && text[1].empty()) {
    for (int i = 0; i < 2 && !torn.empty(); ++i) {
      const std::string jp = JournalPath(path, i);
      if (::truncate(jp.c_str(), 0) != 0 && errno != ENOENT) {
        throw std::runtime_error(Errno("cannot empty audit journal", jp));
      }
    }
    return 0;
  }
  auto first_at = [](const std::string& t) {
    std::vector<store::AuditEntry> one;
    ParseLines(t.substr(0, t.find('\n') + 1), &one, nullptr);
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

std::vector<store::AuditEntry> AuditSpool::ReadAll(std::vector<std::string>* unreadable) const {
  std::vector<store::AuditEntry> out;
  for (const Slot& s : adopted_)
    ParseLines(ReadFd(s.fd), &out, unreadable);
  ParseLines(ReadFd(fd_), &out, unreadable);
  return out;
}

void AuditSpool::Quarantine(const std::vector<std::string>& lines) {
  AppendQuarantine(path_, lines);
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
