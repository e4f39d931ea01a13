// AuditWriter: appends audit entries in batches from a background thread.
//
// Every eligibility check is audited, but a write transaction per check
// would serialise all readers behind SQLite's single writer. Entries are
// queued and committed together every few milliseconds (group commit). The
// trade-off: an entry is durable shortly after the answer is sent, not
// before; a crash loses at most the last batch (flush_interval). Append()
// blocks when the queue is full, so entries are never dropped.
//
// With a spool (AuditSpool), a batch the database refuses (the primary is
// down and the server answers from a replica) is written to the local spool
// file instead, and the spool is replayed, in order, ahead of newer entries
// once the database takes writes again. Without one, the batch is retried
// in memory until it lands.
//
// With anchors (store/audit_anchor.hpp), every batch committed is followed
// by an anchor of its last entry, so the chain can be checked against a key
// the database does not hold. Every text field is made well-formed UTF-8
// (service/audit_text.hpp) before it is queued. Spool lines that cannot be
// read back are quarantined, never dropped, and counted.
#ifndef ONSHI_SERVICE_AUDIT_WRITER_HPP_
#define ONSHI_SERVICE_AUDIT_WRITER_HPP_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "http/metrics.hpp"
#include "service/audit_spool.hpp"
#include "store/audit_anchor.hpp"
#include "store/store.hpp"

namespace onshi::service {

class AuditWriter {
 public:
  // Opens the database connection with `open` when it first writes, and
  // again after a failed open: a server may start while the database is
  // down (read-only mode) and its entries wait in the spool meanwhile.
  using Opener = std::function<std::unique_ptr<store::Store>()>;

  AuditWriter(std::unique_ptr<store::Store> store,
              std::chrono::milliseconds flush_interval = std::chrono::milliseconds(10),
              size_t max_queue = 100000, std::unique_ptr<AuditSpool> spool = nullptr,
              http::Gauge* spooled_gauge = nullptr)
      : AuditWriter(Opener(), std::move(store), flush_interval, max_queue, std::move(spool),
                    spooled_gauge, nullptr, nullptr) {}
  // `anchors` (may be null) must outlive the writer; `quarantined` counts
  // spool lines moved to quarantine.
  AuditWriter(Opener open, std::chrono::milliseconds flush_interval, size_t max_queue,
              std::unique_ptr<AuditSpool> spool, http::Gauge* spooled_gauge,
              store::AuditAnchors* anchors = nullptr, http::Counter* quarantined = nullptr)
      : AuditWriter(std::move(open), nullptr, flush_interval, max_queue, std::move(spool),
                    spooled_gauge, anchors, quarantined) {}
  ~AuditWriter();  // flushes everything queued
  AuditWriter(const AuditWriter&) = delete;
  AuditWriter& operator=(const AuditWriter&) = delete;

 private:
  AuditWriter(Opener open, std::unique_ptr<store::Store> store,
              std::chrono::milliseconds flush_interval, size_t max_queue,
              std::unique_ptr<AuditSpool> spool, http::Gauge* spooled_gauge,
              store::AuditAnchors* anchors, http::Counter* quarantined);

 public:
  void Append(store::AuditEntry entry);
  // Blocks until everything appended before the call is committed.
  void Flush();
  uint64_t written() const;
  // Entries held in the spool, waiting for the database.
  uint64_t spooled() const { return spooled_.load(); }
  // Spool lines quarantined since start (see AuditSpool).
  uint64_t quarantined() const { return quarantined_.load(); }
  // The anchors this writer records, or null.
  const store::AuditAnchors* anchors() const { return anchors_; }

 private:
  void Run();
  // Lands `batch` in the database (after the spool) or in the spool; false
  // when neither would take it.
  bool Land(const std::vector<store::AuditEntry>& batch);
  bool DrainSpool();
  bool WriteToDatabase(const std::vector<store::AuditEntry>& batch);
  void Anchor(const store::AuditEntry& last);
  void CountQuarantined(size_t lines);

  Opener open_;
  std::unique_ptr<store::Store> store_;
  const std::chrono::milliseconds interval_;
  const size_t max_queue_;
  mutable std::mutex mu_;
  std::condition_variable wake_, space_, flushed_;
  std::deque<store::AuditEntry> queue_;
  uint64_t appended_ = 0, written_ = 0;
  bool stop_ = false;
  // Used by the writer thread only.
  std::unique_ptr<AuditSpool> spool_;
  http::Gauge* spooled_gauge_;
  store::AuditAnchors* anchors_;
  http::Counter* quarantined_counter_;
  bool anchor_failed_ = false;
  std::chrono::steady_clock::time_point retry_database_at_{};
  bool reported_failure_ = false;
  bool journal_failed_ = false;  // guarded by mu_
  std::atomic<uint64_t> spooled_{0};
  std::atomic<uint64_t> quarantined_{0};
  std::thread thread_;
};

}  // namespace onshi::service

#endif  // ONSHI_SERVICE_AUDIT_WRITER_HPP_
