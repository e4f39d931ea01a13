// CheckLog: the audit of checks (reads) in an append-only log of its own,
// apart from the members' database (issue 20).
//
// Every eligibility check is audited, and a check's audit row in the
// database was a write on the read path: each commit made every SQLite
// reader drop its cache. Writes (imports, card operations) keep their
// atomic audit rows in the database (AuditWriter); checks are recorded
// here, so auditing a check never writes the database.
//
// The guarantee: an answered check is never unaudited, also under kill -9
// or a power loss. A record is acknowledged only once it is on disk
// (fdatasync): Append() returns then, AppendAsync() calls its callback
// then, and the caller answers only after that. The server's path uses
// AppendAsync, so no HTTP thread waits for a disk (EligibilityService::
// Answer). Records are group-committed by readiness, as ProofBatcher signs:
// the log's writer thread takes everything queued at once (one write(2),
// one fdatasync); records that arrive meanwhile are written together next.
// At low load a record waits for no other; under load one sync covers many.
//
// Files in the directory (one server per directory: an exclusive flock on
// "lock"; default "<database>.check-log" beside the database):
//   segment-<first seq, 12 digits>.log   records, one JSON object a line:
//       {"seq":N,"at":…,"actor":…,"action":…,"person":P,"detail":…,
//        "prev":<hex>,"hash":<hex>}
//     `hash` is store::AuditEntryHash over the fields and `prev` (the hash
//     of record N-1, "" for record 1): the same chain as the database's
//     audit_log, one chain across all segments. A segment is closed when it
//     passes segment_bytes and the next one starts.
//   quarantine.log   a torn last line found at open (written, never synced,
//     so never acknowledged and never answered), kept for a person to read.
// With anchors (store/audit_anchor.hpp, a key outside this directory),
// every batch is anchored after its sync, so a rewrite or a truncation of
// the log shows in VerifyCheckLog.
//
// Zeros ahead (why the sync is cheap): an fdatasync that grows the file
// must also write the file's new size and blocks, which on this machine's
// ext4 cost 160-190 µs and 73 µs of CPU a sync; within space already
// written (with zeros) and synced, only the data goes, 90 µs and 35 µs
// (bench: 5 KB appends, each synced). So a thread of the log's own (the
// zeroer) keeps the current segment written with zeros and synced about
// 1 MiB ahead of the last record, off the answers' path, and the writer
// writes its records over those zeros at their offset. Only speed depends
// on it: every batch is still synced before it is acknowledged, and a
// batch that outruns the zeros grows the file as before. So a segment's
// records end at its first zero byte (no record holds one: JSON escapes
// U+0000); readers stop there. A clean close and the start of the next
// segment cut the zeros off; after a crash Open does.
//
// By person: OfPerson() reads only the person's records, newest first,
// through an index by person (check_log_index.hpp): kept in memory for the
// open segment, written beside each closed one (persons-<seq>.idx) by a
// thread of its own. A segment without a usable index is scanned. The
// portal's わたしの確認履歴 reads it; before the index it read every
// segment (about 200 bytes a check: gigabytes within days at full load).
#ifndef ONSHI_SERVICE_CHECK_LOG_HPP_
#define ONSHI_SERVICE_CHECK_LOG_HPP_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "service/batch_pacer.hpp"
#include "service/check_log_index.hpp"
#include "store/audit_anchor.hpp"
#include "store/records.hpp"

namespace onshi::service {

class CheckLog {
 public:
  // Opens (creating it, mode 0700) the log in `dir`; cuts a torn last line
  // into quarantine.log. `anchors` (may be null) must outlive the log.
  // Throws std::runtime_error if the directory cannot be used or another
  // process holds it.
  // `syncs_per_second` caps how often the log syncs (0: as often as records
  // come): under load, records arriving within one interval share a sync,
  // as ProofBatcher's signature cap makes answers share a signature. Each
  // sync costs the kernel a journal commit (about a tenth of a server's CPU
  // when every few records had their own); the cap adds at most one
  // interval to an answer.
  static std::unique_ptr<CheckLog> Open(const std::string& dir,
                                        store::AuditAnchors* anchors = nullptr,
                                        uint64_t segment_bytes = 64u << 20,
                                        int syncs_per_second = 0);
  ~CheckLog();  // writes and acknowledges everything queued first
  CheckLog(const CheckLog&) = delete;
  CheckLog& operator=(const CheckLog&) = delete;

  // Appends `entry` (its seq, prev_hash and hash are assigned) and returns
  // it once it is on disk. Throws std::runtime_error if it could not be
  // written: then the check must not be answered.
  store::AuditEntry Append(store::AuditEntry entry);

  // Called once the record is on disk (`failure` empty; `written` carries
  // its seq and hashes) or could not be written (`failure` says why: then
  // the check must not be answered). From the log's writer thread: keep it
  // short, never call back into this log.
  using Done = std::function<void(const store::AuditEntry& written, const std::string& failure)>;
  // Queues `entry` and returns at once; `done` is called as above.
  void AppendAsync(store::AuditEntry entry, Done done);

  // Every record about `person_id`, newest first, at most `limit`.
  std::vector<store::AuditEntry> OfPerson(int64_t person_id, size_t limit = 1000) const;

  // Tests: waits until every closed segment has its index by person.
  void FinishIndexing() const;

  const std::string& dir() const { return dir_; }
  const store::AuditAnchors* anchors() const { return anchors_; }
  uint64_t records() const;
  uint64_t syncs() const;
  size_t quarantined_at_open() const { return quarantined_at_open_; }

 private:
  struct Pending {
    store::AuditEntry entry;
    Done done;
    std::string failure;
  };
  CheckLog() = default;
  void Run();  // the writer thread
  // Writes and syncs `batch` (by the writer thread, outside the lock).
  void WriteBatch(std::deque<Pending>& batch);
  void StartSegment(int64_t first_seq);
  void Zero();  // the zeroer thread
  // True when the zeroer should write more zeros (zero_mu_ held).
  bool ZerosWanted() const;
  // Cuts the current file back to its records (the writer, or the
  // destructor once both threads are gone).
  void CutToRecords();

  std::string dir_;
  store::AuditAnchors* anchors_ = nullptr;
  uint64_t segment_bytes_ = 0;
  int lock_fd_ = -1;
  // Changed only by the writer thread (and by Open, before it starts),
  // under zero_mu_ for what the zeroer reads.
  struct File;
  std::shared_ptr<File> file_;  // the current segment
  uint64_t segment_size_ = 0;   // its records end here (synced or being synced)
  int64_t head_seq_ = 0;
  std::string head_hash_;
  bool anchor_failed_ = false;
  size_t quarantined_at_open_ = 0;

  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;
  bool stop_ = false;
  BatchPacer pacer_{0};  // at most syncs_per_second syncs (touched by Run only)
  uint64_t records_ = 0, syncs_ = 0;
  std::thread writer_;

  // The zeroer's side: what it may write and what it has synced.
  mutable std::mutex zero_mu_;
  std::condition_variable zero_wake_;
  uint64_t reserved_end_ = 0;  // the writer may be writing records up to here
  uint64_t zeroed_end_ = 0;    // zeros written and synced up to here
  uint64_t generation_ = 0;    // +1 whenever the file or its length changes under the zeroer
  uint64_t failed_generation_ = UINT64_MAX;  // zeroing failed in this generation: wait for the next
  bool zero_stop_ = false;
  std::thread zeroer_;

  // The open segment's records by person, for OfPerson; handed to the
  // indexer when the segment closes. Appended by the writer after a sync.
  mutable std::mutex index_mu_;
  std::string current_path_;
  std::vector<RecordRef> current_refs_;
  std::unique_ptr<SegmentIndexer> indexer_;
};

// The segment files of the log in `dir` (segment-<first seq>.log), oldest
// first: their names sort by first seq.
std::vector<std::string> CheckLogSegments(const std::string& dir);

// Every record of the log in `dir`, oldest first, to `fn` (false stops);
// with `person` only that person's, read through the index by person where
// a closed segment has a usable one. For readers besides the log's
// server (onshi audit export): it takes no lock and reads whole lines only,
// so the server may be writing meanwhile. Throws std::runtime_error if a
// segment cannot be read.
void ForEachCheckRecord(const std::string& dir, std::optional<int64_t> person,
                        const std::function<bool(const store::AuditEntry&)>& fn);

// Walks every record of the log in `dir` (hash, link, sequence) and checks
// it against `anchors` (may be null: the chain alone), as
// store::VerifyAuditChainAnchored does for the database's chain. A log that
// does not exist is intact and empty.
store::AuditVerification VerifyCheckLog(const std::string& dir, const store::AuditAnchors* anchors);

}  // namespace onshi::service

#endif  // ONSHI_SERVICE_CHECK_LOG_HPP_
