#include "service/check_log_index.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <limits>

#include "service/check_log_files.hpp"

namespace onshi::service {
namespace {

constexpr std::string_view kMagic = "onshi-check-persons-1\n";
constexpr size_t kHeader = kMagic.size() + 3 * sizeof(uint64_t);

uint64_t Fnv1a(const void* data, size_t n, uint64_t h = 14695981039346656037ull) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= 1099511628211ull;
  }
  return h;
}

bool ByPersonThenOffset(const RecordRef& a, const RecordRef& b) {
  return a.person != b.person ? a.person < b.person : a.offset < b.offset;
}

// An index file opened and checked against its segment's length.
class OpenIndex {
 public:
  explicit OpenIndex(const std::string& segment_path) {
    const std::string path = IndexPathOf(segment_path);
    if (path.empty()) return;
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) return;
    char head[kHeader];
    struct stat idx {};
    struct stat seg {};
    if (!PreadAll(fd_, head, kHeader, 0) || std::string_view(head, kMagic.size()) != kMagic ||
        ::fstat(fd_, &idx) != 0 || ::stat(segment_path.c_str(), &seg) != 0) {
      return;
    }
    uint64_t records_size = 0;
    std::memcpy(&records_size, head + kMagic.size(), 8);
    std::memcpy(&count_, head + kMagic.size() + 8, 8);
    std::memcpy(&checksum_, head + kMagic.size() + 16, 8);
    // A stale index (the segment changed length) or a short one is not used.
    valid_ = static_cast<uint64_t>(seg.st_size) == records_size &&
             count_ <= (std::numeric_limits<uint64_t>::max() - kHeader) / sizeof(RecordRef) &&
             static_cast<uint64_t>(idx.st_size) == kHeader + count_ * sizeof(RecordRef);
  }
  ~OpenIndex() {
    if (fd_ >= 0) ::close(fd_);
  }
  OpenIndex(const OpenIndex&) = delete;
  OpenIndex& operator=(const OpenIndex&) = delete;

  bool valid() const { return valid_; }
  uint64_t count() const { return count_; }
  uint64_t checksum() const { return checksum_; }

  bool Read(uint64_t first, uint64_t n, RecordRef* out) const {
    return PreadAll(fd_, out, n * sizeof(RecordRef), kHeader + first * sizeof(RecordRef));
  }

 private:
  int fd_ = -1;
  bool valid_ = false;
  uint64_t count_ = 0, checksum_ = 0;
};

}  // namespace

std::optional<int64_t> PersonOfLine(std::string_view line) {
  static constexpr std::string_view kKey = ",\"person\":";
  const size_t at = line.find(kKey);
  if (at == std::string_view::npos) return std::nullopt;
  const char* from = line.data() + at + kKey.size();
  int64_t person = 0;
  const auto [end, ec] = std::from_chars(from, line.data() + line.size(), person);
  if (ec != std::errc() || end == line.data() + line.size() || *end != ',') return std::nullopt;
  return person;
}

std::vector<RecordRef> RefsOfRecords(std::string_view records) {
  std::vector<RecordRef> refs;
  if (records.size() > std::numeric_limits<uint32_t>::max()) return refs;
  refs.reserve(records.size() / 256);
  size_t start = 0;
  for (;;) {
    const size_t end = records.find('\n', start);
    if (end == std::string_view::npos) break;
    if (auto person = PersonOfLine(records.substr(start, end - start))) {
      refs.push_back({*person, static_cast<uint32_t>(start), static_cast<uint32_t>(end - start)});
    }
    start = end + 1;
  }
  return refs;
}

std::string IndexPathOf(const std::string& segment_path) {
  const std::filesystem::path p(segment_path);
  const std::string name = p.filename().string();
  const std::string_view prefix = "segment-", suffix = ".log";
  if (name.size() <= prefix.size() + suffix.size() || name.rfind(prefix, 0) != 0 ||
      name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return "";
  }
  const std::string digits =
      name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
  return (p.parent_path() / ("persons-" + digits + ".idx")).string();
}

bool WriteSegmentIndex(const std::string& segment_path, uint64_t records_size,
                       std::vector<RecordRef> refs) {
  const std::string path = IndexPathOf(segment_path);
  if (path.empty() || records_size > std::numeric_limits<uint32_t>::max()) return false;
  std::sort(refs.begin(), refs.end(), ByPersonThenOffset);
  std::string data(kMagic);
  const uint64_t count = refs.size();
  const uint64_t checksum = Fnv1a(refs.data(), refs.size() * sizeof(RecordRef));
  data.append(reinterpret_cast<const char*>(&records_size), 8);
  data.append(reinterpret_cast<const char*>(&count), 8);
  data.append(reinterpret_cast<const char*>(&checksum), 8);
  data.append(reinterpret_cast<const char*>(refs.data()), refs.size() * sizeof(RecordRef));
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  // Synced before the rename: an index under its name is whole. (A lost
  // rename only means the segment is scanned, and indexed again at open.)
  bool ok = true;
  try {
    WriteAllTo(fd, data, tmp);
  } catch (const std::exception&) {
    ok = false;
  }
  ok = ok && ::fdatasync(fd) == 0;
  ::close(fd);
  ok = ok && ::rename(tmp.c_str(), path.c_str()) == 0;
  if (!ok) ::unlink(tmp.c_str());
  return ok;
}

bool HasSegmentIndex(const std::string& segment_path) {
  return OpenIndex(segment_path).valid();
}

std::optional<std::vector<RecordRef>> FindInSegmentIndex(const std::string& segment_path,
                                                         int64_t person) {
  const OpenIndex idx(segment_path);
  if (!idx.valid()) return std::nullopt;
  // The first entry of `person` or after, by binary search over the file.
  uint64_t lo = 0, hi = idx.count();
  while (lo < hi) {
    const uint64_t mid = lo + (hi - lo) / 2;
    RecordRef r;
    if (!idx.Read(mid, 1, &r)) return std::nullopt;
    if (r.person < person) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  std::vector<RecordRef> out;
  RecordRef chunk[64];
  for (uint64_t at = lo; at < idx.count();) {
    const uint64_t n = std::min<uint64_t>(64, idx.count() - at);
    if (!idx.Read(at, n, chunk)) return std::nullopt;
    for (uint64_t i = 0; i < n; ++i) {
      if (chunk[i].person != person) return out;
      out.push_back(chunk[i]);
    }
    at += n;
  }
  return out;
}

std::optional<bool> SegmentIndexMatches(const std::string& segment_path,
                                        std::vector<RecordRef> refs) {
  const OpenIndex idx(segment_path);
  if (!idx.valid()) return std::nullopt;
  std::vector<RecordRef> stored(idx.count());
  if (!idx.Read(0, stored.size(), stored.data())) return std::nullopt;
  if (Fnv1a(stored.data(), stored.size() * sizeof(RecordRef)) != idx.checksum()) return false;
  std::sort(refs.begin(), refs.end(), ByPersonThenOffset);
  return stored == refs;
}

SegmentIndexer::SegmentIndexer() : thread_([this] { Run(); }) {}

SegmentIndexer::~SegmentIndexer() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    jobs_.clear();
  }
  wake_.notify_one();
  thread_.join();
}

void SegmentIndexer::Add(std::string segment_path, uint64_t records_size,
                         std::vector<RecordRef> refs) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    jobs_.push_back({std::move(segment_path), records_size, std::move(refs)});
  }
  wake_.notify_one();
}

void SegmentIndexer::Scan(std::string segment_path) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    jobs_.push_back({std::move(segment_path), 0, std::nullopt});
  }
  wake_.notify_one();
}

void SegmentIndexer::Drain() {
  std::unique_lock<std::mutex> lock(mu_);
  idle_.wait(lock, [&] { return jobs_.empty() && !busy_; });
}

void SegmentIndexer::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    wake_.wait(lock, [&] { return stop_ || !jobs_.empty(); });
    if (stop_) return;
    Job job = std::move(jobs_.front());
    jobs_.pop_front();
    busy_ = true;
    lock.unlock();
    bool ok = false;
    try {
      if (job.refs) {
        ok = WriteSegmentIndex(job.path, job.records_size, std::move(*job.refs));
      } else {
        const std::string text = ReadSegmentFile(job.path);
        const std::string_view records = RecordsOf(text);
        // A segment that still has zeros after its records (its cut was
        // lost in a crash) keeps being scanned: its length is not theirs.
        ok = WriteSegmentIndex(job.path, records.size(), RefsOfRecords(records));
      }
    } catch (const std::exception&) {
      ok = false;
    }
    if (!ok) {
      std::cerr << "onshi: access log: cannot index " << job.path
                << " by person (its readers scan it instead)\n";
    }
    lock.lock();
    busy_ = false;
    if (jobs_.empty()) idle_.notify_all();
  }
}

}  // namespace onshi::service
