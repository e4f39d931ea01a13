// AuditWriter: appends audit entries in batches from a background thread.
//
// Every eligibility check is audited, but a write transaction per check
// would serialise all readers behind SQLite's single writer. Entries are
// queued and committed together every few milliseconds (group commit). The
// trade-off: an entry is durable shortly after the answer is sent, not
// before; a crash loses at most the last batch (flush_interval). Append()
// blocks when the queue is full, so entries are never dropped.
#ifndef ONSHI_SERVICE_AUDIT_WRITER_HPP_
#define ONSHI_SERVICE_AUDIT_WRITER_HPP_

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "store/store.hpp"

namespace onshi::service {

class AuditWriter {
 public:
  AuditWriter(std::unique_ptr<store::Store> store,
              std::chrono::milliseconds flush_interval = std::chrono::milliseconds(10),
              size_t max_queue = 100000);
  ~AuditWriter();  // flushes everything queued
  AuditWriter(const AuditWriter&) = delete;
  AuditWriter& operator=(const AuditWriter&) = delete;

  void Append(store::AuditEntry entry);
  // Blocks until everything appended before the call is committed.
  void Flush();
  uint64_t written() const;

 private:
  void Run();

  std::unique_ptr<store::Store> store_;
  const std::chrono::milliseconds interval_;
  const size_t max_queue_;
  mutable std::mutex mu_;
  std::condition_variable wake_, space_, flushed_;
  std::deque<store::AuditEntry> queue_;
  uint64_t appended_ = 0, written_ = 0;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace onshi::service

#endif  // ONSHI_SERVICE_AUDIT_WRITER_HPP_
