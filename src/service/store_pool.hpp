// StorePool: one Store connection per server thread, to the primary and,
// when one is configured, to a read replica.
//
// A store is one connection and not thread-safe; handing each worker thread
// its own keeps the hot path free of locks (SQLite's WAL lets the readers run
// in parallel with a writer; PostgreSQL serves each connection on its own).
//
// Reads that may be a little behind (an eligibility check: the intermediate
// server links with a lag of days, so a replica's lag of milliseconds changes
// no answer) go to the replica; everything else goes to the primary.
#ifndef ONSHI_SERVICE_STORE_POOL_HPP_
#define ONSHI_SERVICE_STORE_POOL_HPP_

#include <memory>
#include <string>

#include "store/store.hpp"

namespace onshi::service {

class StorePool {
 public:
  // `replica` is empty when there is none: reads then go to the primary.
  StorePool(std::string location, std::string key_file, std::string replica = "")
      : location_(std::move(location)),
        key_file_(std::move(key_file)),
        replica_(std::move(replica)) {}
  StorePool(const StorePool&) = delete;
  StorePool& operator=(const StorePool&) = delete;

  // The calling thread's primary store, opened on first use. Valid until the
  // thread ends or the pool is destroyed, whichever comes first. Throws
  // StoreError if it cannot be opened (and tries again on the next call).
  store::Store& ForThisThread();
  // The calling thread's replica store; the primary's when there is no
  // replica. Never migrates: a replica follows its primary's schema.
  store::Store& ReplicaForThisThread();

  // Runs `fn(store)` for a read: on the replica if there is one, and if that
  // fails, once more on the primary (so a replica outage costs latency, not
  // answers). Throws the primary's StoreError when both fail.
  template <typename Fn>
  auto Read(Fn&& fn) -> decltype(fn(std::declval<store::Store&>())) {
    if (replica_.empty()) return fn(ForThisThread());
    try {
      return fn(ReplicaForThisThread());
    } catch (const store::StoreError&) {
      return fn(ForThisThread());
    }
  }

  // Opens a store that the caller owns (for background writers).
  std::unique_ptr<store::Store> OpenOwned() const;
  // Opens a connection to the replica the caller owns (nullptr if none).
  std::unique_ptr<store::Store> OpenOwnedReplica() const;

  const std::string& location() const { return location_; }
  const std::string& replica() const { return replica_; }

 private:
  std::string location_;
  std::string key_file_;
  std::string replica_;
  // Distinguishes pools whose addresses are reused after destruction.
  uint64_t generation_ = NextGeneration();
  static uint64_t NextGeneration();
};

// The location with any password removed ("postgresql://u:secret@h/db" →
// "postgresql://u@h/db", "password=…" dropped), for logs and /healthz.
std::string RedactLocation(const std::string& location);

}  // namespace onshi::service

#endif  // ONSHI_SERVICE_STORE_POOL_HPP_
