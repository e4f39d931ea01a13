// DatabaseMonitor: knows whether the server can write, from a background
// probe of the primary (and of the replica, if there is one).
//
// When the primary stops answering (or turns out to be a standby), the
// server goes read-only: eligibility checks keep being answered from the
// replica, writes are refused at once with 503 and a reason instead of
// hanging on a dead connection, and the audit entries of those checks wait
// in the local spool (AuditWriter). /healthz and /metrics say which mode the
// server is in. The first successful probe of the primary ends the mode.
#ifndef ONSHI_SERVICE_DATABASE_MONITOR_HPP_
#define ONSHI_SERVICE_DATABASE_MONITOR_HPP_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "http/metrics.hpp"
#include "service/store_pool.hpp"

namespace onshi::service {

class DatabaseMonitor {
 public:
  // Probes once before returning, so the first request already sees the
  // real state, then every `interval`.
  DatabaseMonitor(const StorePool& stores, http::Metrics& metrics,
                  std::chrono::milliseconds interval = std::chrono::milliseconds(500));
  ~DatabaseMonitor();
  DatabaseMonitor(const DatabaseMonitor&) = delete;
  DatabaseMonitor& operator=(const DatabaseMonitor&) = delete;

  // True while the primary does not accept writes.
  bool read_only() const { return !primary_writable_.load(); }
  bool primary_up() const { return primary_up_.load(); }
  bool has_replica() const { return !stores_.replica().empty(); }
  bool replica_up() const { return replica_up_.load(); }
  // Why the server is read-only ("" when it is not): the last probe error.
  std::string reason() const;
  // Asks for a probe now (a write just failed), without waiting for it.
  void Nudge();

 private:
  void Run();
  void Probe();

  const StorePool& stores_;
  const std::chrono::milliseconds interval_;
  http::Gauge& read_only_gauge_;
  http::Gauge& primary_gauge_;
  http::Gauge& replica_gauge_;
  std::atomic<bool> primary_up_{false}, primary_writable_{true}, replica_up_{false};
  // Probe connections, owned and used by the probe thread only (and by the
  // constructor before it starts).
  std::unique_ptr<store::Store> primary_, replica_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false, nudged_ = false;
  std::string reason_;
  std::thread thread_;
};

}  // namespace onshi::service

#endif  // ONSHI_SERVICE_DATABASE_MONITOR_HPP_
