#include "service/database_monitor.hpp"

#include <iostream>

namespace onshi::service {

DatabaseMonitor::DatabaseMonitor(const StorePool& stores, http::Metrics& metrics,
                                 std::chrono::milliseconds interval)
    : stores_(stores),
      interval_(interval),
      read_only_gauge_(metrics.GetGauge("onshi_read_only",
                                        "1 while the primary database does not accept writes.")),
      primary_gauge_(metrics.GetGauge("onshi_database_up", "1 while the database answers.",
                                      "role=\"primary\"")),
      replica_gauge_(metrics.GetGauge("onshi_database_up", "1 while the database answers.",
                                      "role=\"replica\"")) {
  Probe();
  thread_ = std::thread([this] { Run(); });
}

DatabaseMonitor::~DatabaseMonitor() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

std::string DatabaseMonitor::reason() const {
  std::lock_guard<std::mutex> lock(mu_);
  return reason_;
}

void DatabaseMonitor::Nudge() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    nudged_ = true;
  }
  wake_.notify_all();
}

void DatabaseMonitor::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    wake_.wait_for(lock, interval_, [&] { return stop_ || nudged_; });
    if (stop_) return;
    nudged_ = false;
    lock.unlock();
    Probe();
    lock.lock();
  }
}

void DatabaseMonitor::Probe() {
  std::string why, detail;
  bool up = false, writable = false;
  try {
    // A fresh connection after a failure: the old one is broken, and the
    // store reconnects on its next statement anyway.
    if (!primary_) primary_ = stores_.OpenOwned();
    primary_->SchemaVersion();
    up = true;
    writable = !primary_->IsReplica();
    if (!writable) why = "the primary database is a standby (read-only)";
  } catch (const std::exception& e) {
    primary_.reset();
    // The reason is shown to anyone (/healthz, 503 answers): no host, port
    // or driver text there; those go to the log.
    why = "the primary database does not answer";
    detail = e.what();
  }
  bool replica = false;
  if (!stores_.replica().empty()) {
    try {
      if (!replica_) replica_ = stores_.OpenOwnedReplica();
      replica_->SchemaVersion();
      replica = true;
    } catch (const std::exception&) {
      replica_.reset();
    }
  }
  const bool was_writable = primary_writable_.exchange(writable);
  primary_up_ = up;
  replica_up_ = replica;
  primary_gauge_.Set(up ? 1 : 0);
  replica_gauge_.Set(replica ? 1 : 0);
  read_only_gauge_.Set(writable ? 0 : 1);
  {
    std::lock_guard<std::mutex> lock(mu_);
    reason_ = why;
  }
  if (was_writable != writable) {
    std::cerr << "onshi: "
              << (writable ? "primary database writable again: read-write mode"
                           : "read-only mode: " + why + (detail.empty() ? "" : " (" + detail + ")"))
              << std::endl;
  }
}

}  // namespace onshi::service
