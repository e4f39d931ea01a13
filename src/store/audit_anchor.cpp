#include "store/audit_anchor.hpp"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <set>

#include "core/hex.hpp"

namespace onshi::store {
namespace {

constexpr size_t kKeyBytes = 32;
constexpr off_t kCompactAtBytes = 1 << 20;
// Domain separation: this key MACs anchors and nothing else.
constexpr std::string_view kMacLabel = "onshi-audit-anchor:v1:";

std::string Errno(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

std::string ReadAllFd(int fd) {
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

void WriteAllFd(int fd, std::string_view text, const std::string& path) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw StoreError(Errno("cannot write", path));
    done += static_cast<size_t>(n);
  }
}

void SyncDirectory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

// An append cut short (a crash, a full disk) leaves a last line without its
// newline. It carries no anchor; cut it off (under the lock), so that the
// next line is not glued to it and read as an altered anchor.
void CutTornTail(int fd, off_t size, const std::string& path) {
  if (size == 0) return;
  char last = '\n';
  if (::pread(fd, &last, 1, size - 1) != 1 || last == '\n') return;
  const off_t from = size > 4096 ? size - 4096 : 0;
  std::string tail(static_cast<size_t>(size - from), '\0');
  if (::pread(fd, tail.data(), tail.size(), from) != static_cast<ssize_t>(tail.size())) {
    throw StoreError(Errno("cannot read", path));
  }
  const size_t nl = tail.rfind('\n');
  const off_t keep = nl == std::string::npos ? from : from + static_cast<off_t>(nl) + 1;
  if (::ftruncate(fd, keep) != 0) throw StoreError(Errno("cannot cut the torn line of", path));
}

std::string KeyPath(const std::string& dir) {
  return dir + "/audit-anchor.key";
}

// The key as hex text, refusing a file that group or others may read (as
// for every other key onshi keeps).
std::string ReadKey(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw StoreError(Errno("cannot open audit anchor key", path));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || (st.st_mode & 077) != 0) {
    ::close(fd);
    throw StoreError("audit anchor key " + path +
                     " must not be readable by group or others (chmod 600)");
  }
  std::string text = ReadAllFd(fd);
  ::close(fd);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
    text.pop_back();
  auto raw = FromHex(text);
  if (!raw || raw->size() != kKeyBytes) {
    throw StoreError("audit anchor key " + path + " is not " + std::to_string(kKeyBytes) +
                     " bytes of hex");
  }
  return *raw;
}

// A fresh key, written to a temporary file and linked into place, so that
// two servers starting at once agree on one key and neither reads half of it.
void CreateKey(const std::string& path) {
  unsigned char key[kKeyBytes];
  if (RAND_bytes(key, sizeof key) != 1) throw StoreError("cannot generate an audit anchor key");
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw StoreError(Errno("cannot create", tmp));
  try {
    WriteAllFd(fd, ToHex(key, sizeof key) + "\n", tmp);
    if (::fchmod(fd, 0600) != 0 || ::fsync(fd) != 0) throw StoreError(Errno("cannot sync", tmp));
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  OPENSSL_cleanse(key, sizeof key);
  ::close(fd);
  const int linked = ::link(tmp.c_str(), path.c_str());
  const int link_errno = errno;
  ::unlink(tmp.c_str());
  if (linked != 0 && link_errno != EEXIST) {
    errno = link_errno;
    throw StoreError(Errno("cannot create audit anchor key", path));
  }
}

struct Walk {
  AuditVerification result;
  std::optional<AuditEntry> head;
};

Walk WalkChain(Store& store, const AuditAnchors* anchors) {
  Walk w;
  AuditVerification& v = w.result;
  // Anchored hashes by seq. Two anchors of one seq with different hashes
  // can only come from a database put back to an older state and written
  // again; each is checked, so that shows as a mismatch.
  std::map<int64_t, std::set<std::string>> anchored;
  if (anchors) {
    v.anchored = true;
    const AuditAnchors::Contents c = anchors->Read();
    if (!c.bad_lines.empty()) {
      v.intact = false;
      v.problem = "the anchor file " + anchors->log_path() + " was altered (line " +
                  std::to_string(c.bad_lines.front()) + " does not carry a valid MAC)";
      return w;
    }
    for (const AuditAnchor& a : c.anchors) {
      anchored[a.seq].insert(a.hash);
      v.anchored_through = std::max(v.anchored_through, a.seq);
    }
    v.anchors = static_cast<int64_t>(c.anchors.size());
  }
  std::string prev;
  int64_t expected_seq = 1;
  int64_t last_good_anchor = 0;
  for (;;) {
    const std::vector<AuditEntry> page = store.ReadAudit(expected_seq - 1, 1000);
    if (page.empty()) break;
    for (const AuditEntry& e : page) {
      // A deleted row shows as a gap; an edited one as a hash mismatch; a
      // re-linked one as a prev_hash that is not the previous row's hash.
      if (e.seq != expected_seq || e.prev_hash != prev || AuditEntryHash(e) != e.hash) {
        v.intact = false;
        v.first_bad_seq = expected_seq;
        v.problem = "entry " + std::to_string(expected_seq) +
                    " was edited, deleted or re-linked (the chain breaks there)";
        return w;
      }
      if (auto it = anchored.find(e.seq); it != anchored.end()) {
        if (it->second.size() != 1 || *it->second.begin() != e.hash) {
          v.intact = false;
          v.first_bad_seq = e.seq;
          v.problem = "the chain was rewritten: entry " + std::to_string(e.seq) +
                      " no longer has its anchored hash, so an entry from " +
                      std::to_string(last_good_anchor + 1) + " to " + std::to_string(e.seq) +
                      " was changed and the later hashes recomputed";
          return w;
        }
        last_good_anchor = e.seq;
      }
      prev = e.hash;
      ++expected_seq;
      ++v.entries;
      w.head = e;
    }
  }
  if (v.anchored_through > v.entries) {
    v.intact = false;
    v.first_bad_seq = v.entries + 1;
    v.problem = "the log was truncated: it ends at entry " + std::to_string(v.entries) +
                " but entry " + std::to_string(v.anchored_through) + " was anchored";
  }
  return w;
}

}  // namespace

AuditAnchors::AuditAnchors(std::string dir, std::string key, bool writable)
    : dir_(std::move(dir)), key_(std::move(key)) {
  if (writable) {
    const std::string lock = dir_ + "/audit-anchors.lock";
    lock_fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  }
}

AuditAnchors::~AuditAnchors() {
  OPENSSL_cleanse(key_.data(), key_.size());
  CloseLog();
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

void AuditAnchors::CloseLog() {
  if (log_fd_ >= 0) ::close(log_fd_);
  log_fd_ = -1;
  log_size_ = -1;
}

std::unique_ptr<AuditAnchors> AuditAnchors::OpenOrCreate(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    throw StoreError(Errno("cannot create the audit anchor directory", dir));
  }
  const std::string key_path = KeyPath(dir);
  if (::access(key_path.c_str(), F_OK) != 0) CreateKey(key_path);
  std::unique_ptr<AuditAnchors> a(new AuditAnchors(dir, ReadKey(key_path), true));
  if (a->lock_fd_ < 0) throw StoreError(Errno("cannot open", dir + "/audit-anchors.lock"));
  return a;
}

std::unique_ptr<AuditAnchors> AuditAnchors::OpenExisting(const std::string& dir) {
  const std::string key_path = KeyPath(dir);
  if (::access(key_path.c_str(), F_OK) != 0) {
    // A log without its key is a deleted key, not a deployment that never
    // anchored: say so rather than verify without anchors.
    if (::access((dir + "/audit-anchors.log").c_str(), F_OK) == 0) {
      throw StoreError("the audit anchor log in " + dir + " has no key (" + key_path +
                       " is missing); the anchors cannot be checked");
    }
    return nullptr;
  }
  // Read-only use: no lock file is needed, and none is created.
  return std::unique_ptr<AuditAnchors>(new AuditAnchors(dir, ReadKey(key_path), false));
}

std::string AuditAnchors::log_path() const {
  return dir_ + "/audit-anchors.log";
}

std::string AuditAnchors::Mac(int64_t seq, const std::string& hash) const {
  const std::string input = std::string(kMacLabel) + std::to_string(seq) + ":" + hash;
  unsigned char out[EVP_MAX_MD_SIZE];
  size_t len = 0;
  if (!EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key_.data(), key_.size(),
                 reinterpret_cast<const unsigned char*>(input.data()), input.size(), out,
                 sizeof out, &len)) {
    throw StoreError("HMAC-SHA256 failed");
  }
  return ToHex(out, len);
}

std::string AuditAnchors::Line(const AuditAnchor& a) const {
  return std::to_string(a.seq) + " " + a.hash + " " + Mac(a.seq, a.hash) + "\n";
}

std::optional<AuditAnchor> AuditAnchors::ParseLine(const std::string& line) const {
  const size_t s1 = line.find(' '), s2 = line.rfind(' ');
  if (s1 == std::string::npos || s2 <= s1) return std::nullopt;
  AuditAnchor a;
  a.hash = line.substr(s1 + 1, s2 - s1 - 1);
  const std::string seq = line.substr(0, s1), mac = line.substr(s2 + 1);
  if (seq.empty() || seq.size() > 18 || seq.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  a.seq = std::stoll(seq);
  const std::string want = Mac(a.seq, a.hash);
  if (a.seq <= 0 || mac.size() != want.size() ||
      CRYPTO_memcmp(mac.data(), want.data(), want.size()) != 0) {
    return std::nullopt;
  }
  return a;
}

void AuditAnchors::Record(const AuditAnchor& anchor) {
  if (lock_fd_ < 0) throw StoreError("the audit anchors in " + dir_ + " were opened read-only");
  const std::string line = Line(anchor);
  std::lock_guard<std::mutex> guard(record_mu_);
  if (::flock(lock_fd_, LOCK_EX) != 0) throw StoreError(Errno("cannot lock", dir_));
  try {
    const std::string path = log_path();
    struct stat st {};
    const bool same = log_fd_ >= 0 && ::stat(path.c_str(), &st) == 0 &&
                      static_cast<uint64_t>(st.st_dev) == log_dev_ &&
                      static_cast<uint64_t>(st.st_ino) == log_ino_ && st.st_size == log_size_;
    if (!same) {
      CloseLog();
      log_fd_ = ::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
      if (log_fd_ < 0) throw StoreError(Errno("cannot open", path));
      if (::fstat(log_fd_, &st) != 0) throw StoreError(Errno("cannot stat", path));
      CutTornTail(log_fd_, st.st_size, path);
      if (::fstat(log_fd_, &st) != 0) throw StoreError(Errno("cannot stat", path));
      log_dev_ = static_cast<uint64_t>(st.st_dev);
      log_ino_ = static_cast<uint64_t>(st.st_ino);
      log_size_ = st.st_size;
    }
    // No fsync: an anchor is as durable as the commit it follows
    // (SQLite's synchronous=NORMAL); a process crash loses neither.
    WriteAllFd(log_fd_, line, path);
    log_size_ += static_cast<int64_t>(line.size());
    if (log_size_ > kCompactAtBytes) {
      CompactLocked();
      CloseLog();  // compaction put a new file in its place
    }
  } catch (...) {
    CloseLog();  // opened and checked again next time
    ::flock(lock_fd_, LOCK_UN);
    throw;
  }
  ::flock(lock_fd_, LOCK_UN);
}

void AuditAnchors::CompactLocked() {
  // Keep the newest anchor (it vouches for every older one) and any line
  // that fails its MAC: evidence is not for compaction to erase.
  const std::string path = log_path();
  const int in = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) throw StoreError(Errno("cannot open", path));
  const std::string text = ReadAllFd(in);
  ::close(in);
  std::string kept_bad, newest;
  int64_t newest_seq = -1;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    const std::optional<AuditAnchor> a = ParseLine(line);
    const bool good = a.has_value();
    if (good && a->seq >= newest_seq) {
      newest_seq = a->seq;
      newest = line + "\n";
    }
    if (!good && !line.empty()) kept_bad += line + "\n";
  }
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  const int out = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (out < 0) throw StoreError(Errno("cannot create", tmp));
  try {
    WriteAllFd(out, kept_bad + newest, tmp);
    if (::fsync(out) != 0) throw StoreError(Errno("cannot sync", tmp));
  } catch (...) {
    ::close(out);
    ::unlink(tmp.c_str());
    throw;
  }
  ::close(out);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    throw StoreError(Errno("cannot replace", path));
  }
  SyncDirectory(dir_);
}

AuditAnchors::Contents AuditAnchors::Read() const {
  Contents c;
  const std::string path = log_path();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return c;
    throw StoreError(Errno("cannot open", path));
  }
  const std::string text = ReadAllFd(fd);
  ::close(fd);
  size_t start = 0;
  int number = 0;
  while (start < text.size()) {
    const size_t end = text.find('\n', start);
    // A last line without its newline is an append cut short (a crash, a
    // full disk, a power loss that left zeros): no anchor, and no evidence
    // either, since whoever could cut the file could also remove lines.
    if (end == std::string::npos) break;
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    ++number;
    if (std::optional<AuditAnchor> a = ParseLine(line)) {
      c.anchors.push_back(*std::move(a));
    } else {
      c.bad_lines.push_back(number);
    }
  }
  return c;
}

AuditVerification VerifyAuditChainAnchored(Store& store, const AuditAnchors* anchors) {
  return WalkChain(store, anchors).result;
}

AuditVerification VerifyAndAnchorHead(Store& store, AuditAnchors& anchors) {
  Walk w = WalkChain(store, &anchors);
  if (w.result.intact && w.head) {
    anchors.Record({w.head->seq, w.head->hash});
    w.result.anchored_through = w.head->seq;
    ++w.result.anchors;
  }
  return w.result;
}

}  // namespace onshi::store
