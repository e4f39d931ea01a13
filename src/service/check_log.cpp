#include "service/check_log.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <stdexcept>

#include "oqs/json_writer.hpp"
#include "service/audit_text.hpp"
#include "service/check_log_files.hpp"
#include "service/check_log_index.hpp"
#include "store/store.hpp"

namespace onshi::service {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr std::string_view kPrefix = "segment-";
constexpr std::string_view kSuffix = ".log";

// The zeroer keeps this much written and synced ahead of the records (about
// 5,000 records: a few hundred batches at full load), in chunks of one sync,
// each written in pieces so that the writer never waits long for zero_mu_.
constexpr uint64_t kZerosAhead = 1u << 20;
constexpr uint64_t kZeroChunk = 256u << 10;
constexpr uint64_t kZeroPiece = 64u << 10;

std::string SegmentName(int64_t first_seq) {
  std::string digits = std::to_string(first_seq);
  if (digits.size() < 12) digits.insert(0, 12 - digits.size(), '0');
  return std::string(kPrefix) + digits + std::string(kSuffix);
}

}  // namespace

std::vector<std::string> CheckLogSegments(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.size() == kPrefix.size() + 12 + kSuffix.size() && name.rfind(kPrefix, 0) == 0 &&
        name.substr(name.size() - kSuffix.size()) == kSuffix) {
      out.push_back(e.path().string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

namespace {

void SyncDirectory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

// Appends the record as one line. Written by hand, not through a
// json::object: the writer thread builds one line for every check.
void AppendLine(std::string& out, const store::AuditEntry& e) {
  auto text = [&](const char* key, std::string_view value) {
    out += key;
    oqs::AppendJsonEscaped(out, value);
    out += '"';
  };
  out += "{\"seq\":";
  out += std::to_string(e.seq);
  text(",\"at\":\"", e.at);
  text(",\"actor\":\"", e.actor);
  text(",\"action\":\"", e.action);
  out += ",\"person\":";
  out += std::to_string(e.person_id);
  text(",\"detail\":\"", e.detail);
  text(",\"prev\":\"", e.prev_hash);
  text(",\"hash\":\"", e.hash);
  out += "}\n";
}

std::optional<store::AuditEntry> ParseRecord(std::string_view line) {
  boost::system::error_code ec;
  const json::value v = json::parse(line, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const json::object& o = v.as_object();
  auto text = [&](const char* k) -> const json::string* {
    const json::value* f = o.if_contains(k);
    return f && f->is_string() ? &f->as_string() : nullptr;
  };
  auto number = [&](const char* k) -> std::optional<int64_t> {
    const json::value* f = o.if_contains(k);
    if (f && f->is_int64()) return f->as_int64();
    return std::nullopt;
  };
  const auto seq = number("seq"), person = number("person");
  const json::string *at = text("at"), *actor = text("actor"), *action = text("action"),
                     *detail = text("detail"), *prev = text("prev"), *hash = text("hash");
  if (!seq || !person || !at || !actor || !action || !detail || !prev || !hash) return std::nullopt;
  return store::AuditEntry{*seq,    std::string(*at),     std::string(*actor), std::string(*action),
                           *person, std::string(*detail), std::string(*prev),  std::string(*hash)};
}

// Complete lines of `text` (a last line without its newline is left out:
// it is being written, or was cut short before it was synced).
std::vector<std::string_view> CompleteLines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  for (;;) {
    const size_t end = text.find('\n', start);
    if (end == std::string_view::npos) break;
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// The records at `refs` (one segment's), oldest first; nullopt when one is
// not `person_id`'s record: then the segment is scanned instead.
std::optional<std::vector<store::AuditEntry>> ReadRefs(const std::string& segment,
                                                       std::vector<RecordRef> refs,
                                                       int64_t person_id) {
  // By offset, whatever an index file says.
  std::sort(refs.begin(), refs.end(),
            [](const RecordRef& a, const RecordRef& b) { return a.offset < b.offset; });
  std::vector<store::AuditEntry> found;
  if (refs.empty()) return found;
  const int fd = ::open(segment.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string line;
  bool ok = true;
  for (auto r = refs.begin(); ok && r != refs.end(); ++r) {
    line.resize(r->length);
    ok = PreadAll(fd, line.data(), line.size(), r->offset);
    std::optional<store::AuditEntry> e = ok ? ParseRecord(line) : std::nullopt;
    ok = e && e->person_id == person_id;
    if (ok) found.push_back(*std::move(e));
  }
  ::close(fd);
  if (!ok) return std::nullopt;
  return found;
}

// Every record of `person` (nullopt: everyone's) in one segment, oldest
// first: through `refs` (the open segment's, kept by its server) or the
// segment's index when there is one that holds, else by reading it whole.
std::vector<store::AuditEntry> PersonsRecords(const std::string& segment,
                                              std::optional<int64_t> person,
                                              std::optional<std::vector<RecordRef>> refs) {
  if (person) {
    if (!refs) refs = FindInSegmentIndex(segment, *person);
    if (refs) {
      if (auto found = ReadRefs(segment, std::move(*refs), *person)) return *std::move(found);
    }
  }
  std::vector<store::AuditEntry> out;
  const std::string needle = person ? "\"person\":" + std::to_string(*person) + "," : "";
  const std::string text = ReadSegmentFile(segment);
  for (std::string_view line : CompleteLines(RecordsOf(text))) {
    if (line.find(needle) == std::string_view::npos) continue;  // most lines: no parse
    std::optional<store::AuditEntry> r = ParseRecord(line);
    if (r && (!person || r->person_id == *person)) out.push_back(*std::move(r));
  }
  return out;
}

}  // namespace

void ForEachCheckRecord(const std::string& dir, std::optional<int64_t> person,
                        const std::function<bool(const store::AuditEntry&)>& fn) {
  for (const std::string& segment : CheckLogSegments(dir)) {
    for (const store::AuditEntry& e : PersonsRecords(segment, person, std::nullopt))
      if (!fn(e)) return;
  }
}

// An open segment; the zeroer holds it while it syncs, so that the writer
// may move on to the next segment meanwhile.
struct CheckLog::File {
  int fd = -1;
  explicit File(int f) : fd(f) {}
  ~File() {
    if (fd >= 0) ::close(fd);
  }
  File(const File&) = delete;
  File& operator=(const File&) = delete;
};

std::unique_ptr<CheckLog> CheckLog::Open(const std::string& dir, store::AuditAnchors* anchors,
                                         uint64_t segment_bytes, int syncs_per_second) {
  std::unique_ptr<CheckLog> log(new CheckLog());
  log->dir_ = dir;
  log->anchors_ = anchors;
  // Offsets in the index by person are 32 bits: segments are capped at
  // 1 GiB (a batch may take one a little past it, far below 4 GiB).
  log->segment_bytes_ = std::clamp<uint64_t>(segment_bytes, 1, uint64_t{1} << 30);
  log->indexer_ = std::make_unique<SegmentIndexer>();
  log->pacer_ = BatchPacer(syncs_per_second);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) {
    throw std::runtime_error("access log: cannot create the directory " + dir);
  }
  ::chmod(dir.c_str(), 0700);
  const std::string lock_path = dir + "/lock";
  log->lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (log->lock_fd_ < 0) throw CheckLogFailure("cannot open", lock_path);
  if (::flock(log->lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    throw std::runtime_error("access log: " + dir +
                             " is in use by another server (each server needs its own)");
  }
  std::vector<std::string> segments = CheckLogSegments(dir);
  // Where the records of the newest segment end (after any cut below).
  std::optional<uint64_t> newest_end;
  // The head: the last complete record. A torn tail (written, not synced,
  // so never acknowledged) goes to quarantine.log and is cut off.
  while (!segments.empty()) {
    const std::string& path = segments.back();
    const std::string whole = ReadSegmentFile(path);
    const std::string_view text = RecordsOf(whole);
    // A last line without its newline: written, cut short.
    size_t keep = text.size();
    const size_t last_newline = text.rfind('\n');
    const size_t complete = last_newline == std::string::npos ? 0 : last_newline + 1;
    std::string torn = complete < keep ? std::string(text.substr(complete)) + "\n" : "";
    keep = complete;
    // Whole lines at the end that are not records: what a power loss leaves
    // (zeros, half a block). Never acknowledged either.
    while (keep > 0) {
      const size_t before = keep >= 2 ? text.rfind('\n', keep - 2) : std::string::npos;
      const size_t start = before == std::string::npos ? 0 : before + 1;
      if (const auto record = ParseRecord(std::string_view(text).substr(start, keep - 1 - start))) {
        log->head_seq_ = record->seq;
        log->head_hash_ = record->hash;
        break;
      }
      torn.insert(0, text.substr(start, keep - start));
      keep = start;
    }
    // Bytes after the first zero that are not zeros: a batch the zeroer's
    // space took but that was never synced whole (a power loss can keep a
    // later block and lose an earlier one). Never acknowledged either.
    if (whole.find_first_not_of('\0', text.size()) != std::string::npos) {
      std::string stray = whole.substr(text.size());
      stray.erase(std::remove(stray.begin(), stray.end(), '\0'), stray.end());
      if (stray.back() != '\n') stray += '\n';
      torn += stray;
    }
    if (!torn.empty()) {
      const std::string q = dir + "/quarantine.log";
      const int qfd = ::open(q.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
      if (qfd < 0) throw CheckLogFailure("cannot open", q);
      WriteAllTo(qfd, torn, q);
      ::fsync(qfd);
      ::close(qfd);
      if (::truncate(path.c_str(), static_cast<off_t>(keep)) != 0) {
        throw CheckLogFailure("cannot cut the torn tail of", path);
      }
      log->quarantined_at_open_ += static_cast<size_t>(std::count(torn.begin(), torn.end(), '\n'));
      std::cerr << "onshi: ALARM: " << log->quarantined_at_open_
                << " unfinished access log line(s) (never acknowledged) moved to " << q << "\n";
    }
    if (!newest_end) {
      newest_end = keep;
      log->current_refs_ = RefsOfRecords(text.substr(0, keep));
    }
    if (log->head_seq_ > 0 || keep > 0) break;
    // An empty last segment: the head is in the one before.
    if (segments.size() == 1) break;
    segments.pop_back();
  }
  const std::vector<std::string> all = CheckLogSegments(dir);
  if (all.empty()) {
    log->StartSegment(log->head_seq_ + 1);
  } else {
    // Not O_APPEND: records go at their offset, over the zeroer's zeros.
    const int fd = ::open(all.back().c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) throw CheckLogFailure("cannot open", all.back());
    log->file_ = std::make_shared<File>(fd);
    log->segment_size_ = newest_end.value_or(0);
    // Zeros after the records from before: not known to be synced, so the
    // zeroer writes them again.
    log->reserved_end_ = log->zeroed_end_ = log->segment_size_;
    log->current_path_ = all.back();
    // Closed segments without an index (written before the index existed,
    // or closed by a crash before it was written) are indexed meanwhile;
    // until then OfPerson scans them.
    for (size_t i = 0; i + 1 < all.size(); ++i)
      if (!HasSegmentIndex(all[i])) log->indexer_->Scan(all[i]);
  }
  log->zeroer_ = std::thread([raw = log.get()] { raw->Zero(); });
  log->writer_ = std::thread([raw = log.get()] { raw->Run(); });
  return log;
}

CheckLog::~CheckLog() {
  if (writer_.joinable()) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    wake_.notify_one();
    writer_.join();
  }
  if (zeroer_.joinable()) {
    {
      std::lock_guard<std::mutex> lock(zero_mu_);
      zero_stop_ = true;
    }
    zero_wake_.notify_one();
    zeroer_.join();
  }
  // A cleanly closed segment ends with its last record.
  if (file_) CutToRecords();
  file_.reset();
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the flock
}

void CheckLog::CutToRecords() {
  std::lock_guard<std::mutex> lock(zero_mu_);
  // Not synced: if the cut is lost, the zeros stay, and readers stop at them.
  if (::ftruncate(file_->fd, static_cast<off_t>(segment_size_)) != 0) {
    std::cerr << "onshi: access log: cannot cut a segment back to its records: "
              << std::strerror(errno) << "\n";
  }
  reserved_end_ = segment_size_;
  zeroed_end_ = std::min(zeroed_end_, segment_size_);
  ++generation_;
}

void CheckLog::StartSegment(int64_t first_seq) {
  const std::string path = dir_ + "/" + SegmentName(first_seq);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) throw CheckLogFailure("cannot create", path);
  auto next = std::make_shared<File>(fd);
  // The new name must survive a crash before any record in it is
  // acknowledged.
  SyncDirectory(dir_);
  if (file_) CutToRecords();  // the closed segment ends with its last record
  {
    std::lock_guard<std::mutex> lock(index_mu_);
    if (file_) indexer_->Add(current_path_, segment_size_, std::move(current_refs_));
    current_refs_ = {};
    current_path_ = path;
  }
  {
    std::lock_guard<std::mutex> lock(zero_mu_);
    file_ = std::move(next);
    reserved_end_ = zeroed_end_ = 0;
    ++generation_;
  }
  segment_size_ = 0;
  zero_wake_.notify_one();
}

bool CheckLog::ZerosWanted() const {
  return file_ && failed_generation_ != generation_ &&
         std::max(zeroed_end_, reserved_end_) <
             std::min(reserved_end_ + kZerosAhead, segment_bytes_);
}

void CheckLog::Zero() {
  static const std::string kZeros(kZeroPiece, '\0');
  std::unique_lock<std::mutex> lock(zero_mu_);
  for (;;) {
    zero_wake_.wait(lock, [&] { return zero_stop_ || ZerosWanted(); });
    if (zero_stop_) return;
    const uint64_t generation = generation_;
    const std::shared_ptr<File> file = file_;
    uint64_t at = std::max(zeroed_end_, reserved_end_);
    const uint64_t to = std::min(at + kZeroChunk, segment_bytes_);
    bool ok = true;
    // Each piece under the lock, never where the writer has reserved: its
    // records are never overwritten.
    while (ok && at < to && generation == generation_) {
      at = std::max(at, reserved_end_);
      if (at >= to) break;
      const size_t n = static_cast<size_t>(std::min<uint64_t>(kZeroPiece, to - at));
      ok = ::pwrite(file->fd, kZeros.data(), n, static_cast<off_t>(at)) == static_cast<ssize_t>(n);
      at += n;
      lock.unlock();  // let the writer reserve between pieces
      lock.lock();
    }
    if (generation != generation_) continue;
    lock.unlock();
    if (ok) ok = ::fdatasync(file->fd) == 0;
    lock.lock();
    if (generation != generation_) continue;
    if (!ok) {
      // Only speed is lost (the writer grows the file); try again with the
      // next segment or after the writer cut back a failed write.
      failed_generation_ = generation;
      continue;
    }
    zeroed_end_ = std::max(zeroed_end_, to);
  }
}

store::AuditEntry CheckLog::Append(store::AuditEntry entry) {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  std::string failure;
  AppendAsync(std::move(entry), [&](const store::AuditEntry& written, const std::string& why) {
    std::lock_guard<std::mutex> lock(mu);
    entry = written;
    failure = why;
    done = true;
    cv.notify_one();
  });
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, [&] { return done; });
  if (!failure.empty()) throw std::runtime_error(failure);
  return entry;
}

void CheckLog::AppendAsync(store::AuditEntry entry, Done done) {
  // Well-formed UTF-8 before it is written: the reader must parse it back.
  entry.at = AuditSafeText(entry.at);
  entry.actor = AuditSafeText(entry.actor);
  entry.action = AuditSafeText(entry.action);
  entry.detail = AuditSafeText(entry.detail);
  bool wake;
  {
    std::lock_guard<std::mutex> lock(mu_);
    // The writer sleeps only on an empty queue (a wait for the next sync
    // slot is not ended by arrivals): one wake per batch is enough.
    wake = queue_.empty();
    queue_.push_back(Pending{std::move(entry), std::move(done), {}});
  }
  if (wake) wake_.notify_one();
}

void CheckLog::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    wake_.wait(lock, [&] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and everything is written
    // Over the sync rate: what arrives until the next slot joins this batch.
    pacer_.AwaitSlot(lock, wake_, [&] { return stop_; });
    // Everything queued now is one batch: one write, one sync.
    std::deque<Pending> batch;
    batch.swap(queue_);
    lock.unlock();
    pacer_.Started();
    WriteBatch(batch);
    // Counted before anyone is told, so that a caller who got its
    // acknowledgement sees its record counted.
    lock.lock();
    ++syncs_;
    records_ += batch.size();
    lock.unlock();
    for (Pending& p : batch)
      p.done(p.entry, p.failure);
    lock.lock();
  }
}

void CheckLog::WriteBatch(std::deque<Pending>& batch) {
  const int64_t old_seq = head_seq_;
  const std::string old_hash = head_hash_;
  try {
    if (segment_size_ >= segment_bytes_) StartSegment(head_seq_ + 1);
    std::string text;
    text.reserve(batch.size() * 320);  // a record is about 250 bytes
    std::vector<RecordRef> refs;
    refs.reserve(batch.size());
    for (Pending& p : batch) {
      store::AuditEntry& e = p.entry;
      e.seq = head_seq_ + 1;
      e.prev_hash = head_hash_;
      e.hash = store::AuditEntryHash(e);
      head_seq_ = e.seq;
      head_hash_ = e.hash;
      const size_t start = text.size();
      AppendLine(text, e);
      refs.push_back({e.person_id, static_cast<uint32_t>(segment_size_ + start),
                      static_cast<uint32_t>(text.size() - 1 - start)});
    }
    const std::string path = dir_ + "/(current segment)";
    bool want_zeros;
    {
      // Reserved first: from now on the zeroer writes only after it.
      std::lock_guard<std::mutex> lock(zero_mu_);
      reserved_end_ = segment_size_ + text.size();
      want_zeros = ZerosWanted();
    }
    if (want_zeros) zero_wake_.notify_one();
    PwriteAllTo(file_->fd, text, segment_size_, path);
    if (::fdatasync(file_->fd) != 0) throw CheckLogFailure("cannot sync", path);
    segment_size_ += text.size();
    std::lock_guard<std::mutex> lock(index_mu_);
    current_refs_.insert(current_refs_.end(), refs.begin(), refs.end());
  } catch (const std::exception& e) {
    // Nothing of this batch was acknowledged: cut back what may have been
    // written, so that the next batch continues the chain where it was.
    head_seq_ = old_seq;
    head_hash_ = old_hash;
    CutToRecords();
    for (Pending& p : batch)
      p.failure = e.what();
    return;
  }
  if (!anchors_) return;
  // After the sync: a failed anchor costs only the protection of this batch
  // until the next one anchors.
  try {
    anchors_->Record({head_seq_, head_hash_});
    anchor_failed_ = false;
  } catch (const std::exception& e) {
    if (!anchor_failed_) std::cerr << "onshi: cannot anchor the access log: " << e.what() << "\n";
    anchor_failed_ = true;
  }
}

std::vector<store::AuditEntry> CheckLog::OfPerson(int64_t person_id, size_t limit) const {
  std::vector<store::AuditEntry> out;
  // The list of segments first, then the open segment's refs. So no listed
  // segment is newer than the refs: the history read is the log as it was
  // when the refs were taken, with no record missing before a newer one.
  // (Refs first let a segment close, gain records past the refs and be
  // followed by a listed newer one; the reads-during-rotation test saw it.)
  // A segment that closed after the listing is complete, and is scanned.
  const std::vector<std::string> segments = CheckLogSegments(dir_);
  std::string current;
  std::vector<RecordRef> mine;
  {
    std::lock_guard<std::mutex> lock(index_mu_);
    current = current_path_;
    for (const RecordRef& r : current_refs_)
      if (r.person == person_id) mine.push_back(r);
  }
  for (auto it = segments.rbegin(); it != segments.rend() && out.size() < limit; ++it) {
    std::vector<store::AuditEntry> found = PersonsRecords(
        *it, person_id, *it == current ? std::optional(std::move(mine)) : std::nullopt);
    for (auto r = found.rbegin(); r != found.rend() && out.size() < limit; ++r)
      out.push_back(std::move(*r));
  }
  return out;
}

void CheckLog::FinishIndexing() const {
  indexer_->Drain();
}

uint64_t CheckLog::records() const {
  std::lock_guard<std::mutex> lock(mu_);
  return records_;
}

uint64_t CheckLog::syncs() const {
  std::lock_guard<std::mutex> lock(mu_);
  return syncs_;
}

store::AuditVerification VerifyCheckLog(const std::string& dir,
                                        const store::AuditAnchors* anchors) {
  store::AuditVerification v;
  auto broken = [&](int64_t seq, std::string problem) {
    v.intact = false;
    v.first_bad_seq = seq;
    v.problem = std::move(problem);
    return v;
  };
  std::map<int64_t, std::string> anchored;  // seq -> hash
  if (anchors) {
    const store::AuditAnchors::Contents c = anchors->Read();
    v.anchored = true;
    for (const store::AuditAnchor& a : c.anchors) {
      anchored[a.seq] = a.hash;
      v.anchored_through = std::max(v.anchored_through, a.seq);
    }
    v.anchors = static_cast<int64_t>(c.anchors.size());
    if (!c.bad_lines.empty()) {
      return broken(0, "the anchor log has " + std::to_string(c.bad_lines.size()) +
                           " line(s) whose MAC does not verify");
    }
  }
  int64_t expected = 1;
  std::string prev;
  for (const std::string& path : CheckLogSegments(dir)) {
    const std::string text = ReadSegmentFile(path);
    const std::string name = fs::path(path).filename().string();
    // An index by person that is used but lists other records than the
    // segment holds would hide, or invent, checks on the portal.
    if (SegmentIndexMatches(path, RefsOfRecords(RecordsOf(text))) == false) {
      return broken(expected, "the index by person of " + name + " (" +
                                  fs::path(IndexPathOf(path)).filename().string() +
                                  ") does not match its records; delete it to have it rebuilt");
    }
    bool first = true;
    for (std::string_view line : CompleteLines(RecordsOf(text))) {
      const auto r = ParseRecord(line);
      if (!r)
        return broken(expected,
                      "record " + std::to_string(expected) + " in " + name + " is not a record");
      if (first && name != SegmentName(r->seq)) {
        return broken(expected, name + " does not start with record " + std::to_string(r->seq));
      }
      first = false;
      if (r->seq != expected) {
        return broken(expected, "record " + std::to_string(expected) + " is missing (found " +
                                    std::to_string(r->seq) + ")");
      }
      if (r->prev_hash != prev || store::AuditEntryHash(*r) != r->hash) {
        return broken(expected, "record " + std::to_string(expected) + " was altered");
      }
      if (auto a = anchored.find(r->seq); a != anchored.end() && a->second != r->hash) {
        return broken(r->seq, "record " + std::to_string(r->seq) +
                                  " differs from its anchor (the log was rewritten)");
      }
      prev = r->hash;
      v.entries = expected;
      ++expected;
    }
  }
  if (v.anchored_through > v.entries) {
    return broken(v.entries + 1, "records after " + std::to_string(v.entries) +
                                     " are gone: the anchors vouch for records up to " +
                                     std::to_string(v.anchored_through) + " (truncation)");
  }
  return v;
}

}  // namespace onshi::service
