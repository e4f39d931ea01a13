// StorePool: one Store connection per server thread.
//
// A SqliteStore is one connection and not thread-safe; handing each worker
// thread its own keeps the hot path free of locks (SQLite's WAL lets the
// readers run in parallel with a writer).
#ifndef ONSHI_SERVICE_STORE_POOL_HPP_
#define ONSHI_SERVICE_STORE_POOL_HPP_

#include <memory>
#include <string>

#include "store/store.hpp"

namespace onshi::service {

class StorePool {
 public:
  StorePool(std::string location, std::string key_file)
      : location_(std::move(location)), key_file_(std::move(key_file)) {}
  StorePool(const StorePool&) = delete;
  StorePool& operator=(const StorePool&) = delete;

  // The calling thread's store, opened on first use. Valid until the thread
  // ends or the pool is destroyed, whichever comes first.
  store::Store& ForThisThread();
  // Opens a store that the caller owns (for background writers).
  std::unique_ptr<store::Store> OpenOwned() const;

  const std::string& location() const { return location_; }

 private:
  std::string location_;
  std::string key_file_;
  // Distinguishes pools whose addresses are reused after destruction.
  uint64_t generation_ = NextGeneration();
  static uint64_t NextGeneration();
};

}  // namespace onshi::service

#endif  // ONSHI_SERVICE_STORE_POOL_HPP_
