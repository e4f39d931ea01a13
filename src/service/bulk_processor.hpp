// BulkProcessor: works through the bulk requests (一括照会 OQSmuquc, 照会番号
// 一括登録 OQSmuimm) the facilities submitted, in the background.
//
// A submission is stored first (store bulk_jobs, pending) and answered with
// its 受付番号; this thread then checks every person of the batch against the
// date the batch names (QualificationConfirmationDate: tomorrow's
// appointments checked the evening before), audits each person checked,
// and stores the rendered units, after which the facility's 02req gets them.
// Because the pending batch is in the database, a restart loses nothing:
// the next processor picks up whatever was left pending. Several servers
// sharing one database may process the same batch; only the first result
// is kept (CompleteBulkJob).
#ifndef ONSHI_SERVICE_BULK_PROCESSOR_HPP_
#define ONSHI_SERVICE_BULK_PROCESSOR_HPP_

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "oqs/bulk.hpp"
#include "service/audit_writer.hpp"
#include "service/clock.hpp"
#include "store/store.hpp"

namespace onshi::service {

// What one facility may ask of the bulk API.
struct BulkLimits {
  int max_items = 1000;               // persons per batch (ONS-E0109 beyond)
  int max_pending_per_facility = 20;  // unfinished batches (ONS-E0909 beyond)
  // Batches wait at least this long after this server first sees them
  // before they are processed (0: at once). Leaves daytime capacity to
  // single checks: a batch for tomorrow's appointments sent in the evening
  // needs no instant answer, and its 02req is answered 処理中 meanwhile.
  int hold_seconds = 0;
};

// Checks every person of `job` (its request as stored) and returns the job
// with result, counts and completion time filled in; audits each person.
store::BulkJobRecord ProcessBulkJob(store::Store& store, store::BulkJobRecord job, std::time_t now,
                                    AuditWriter& audit);

// Registers one 照会番号 item of `facility` (validated, its keys naming one
// person) and audits it; the person's error otherwise. `context` goes into
// the audit detail ("reception=…" or "single").
std::optional<oqs::OqsError> RegisterReferenceNumberItem(store::Store& store,
                                                         const std::string& facility,
                                                         const oqs::BulkItem& item, std::time_t now,
                                                         AuditWriter& audit,
                                                         const std::string& context);

class BulkProcessor {
 public:
  // `open` makes the processor's own database connection (again after a
  // failure: the server may start while the database is down).
  BulkProcessor(std::function<std::unique_ptr<store::Store>()> open, const Clock& clock,
                AuditWriter& audit, int hold_seconds = 0);
  ~BulkProcessor();
  BulkProcessor(const BulkProcessor&) = delete;
  BulkProcessor& operator=(const BulkProcessor&) = delete;

  // Starts the thread; it first takes every batch left pending.
  void Start();
  // A batch was submitted: look now rather than at the next round.
  void Notify();
  // Processes every pending batch past its hold on the calling thread; how
  // many were done. `held` is set when some still wait.
  int RunPending(bool* held = nullptr);

 private:
  void Run();

  std::function<std::unique_ptr<store::Store>()> open_;
  std::unique_ptr<store::Store> store_;
  const Clock& clock_;
  AuditWriter& audit_;
  std::chrono::seconds hold_;
  // When this processor first saw each pending batch (its hold counts from
  // then: a restarted server holds again rather than trusting the clock).
  std::map<std::string, std::chrono::steady_clock::time_point> first_seen_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool nudged_ = false;
  std::thread thread_;
};

}  // namespace onshi::service

#endif  // ONSHI_SERVICE_BULK_PROCESSOR_HPP_
