// ConnectionLimits: how many connections the server holds open at once, in
// total and per client address (issue 15: out of file descriptors).
//
// Every open connection costs a file descriptor for as long as it lasts (a
// TLS handshake, an idle keep-alive). Without a cap, one client that opens
// connections and sends nothing uses up the process's descriptors, and then
// nobody, database and audit spool included, gets a new one. The total cap
// stays below the descriptor limit, so the server reaches its own cap (and
// turns connections away cleanly) before the kernel refuses it anything; the
// per-address cap keeps one client from taking the whole total.
//
// Thread-safe. A connection is counted from Admit() until its Slot is
// destroyed.
#ifndef ONSHI_HTTP_CONNECTION_LIMITS_HPP_
#define ONSHI_HTTP_CONNECTION_LIMITS_HPP_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace onshi::http {

class ConnectionLimits {
 public:
  enum class Verdict { kAdmitted, kTotalFull, kAddressFull };

  // Releases its connection's place when destroyed.
  class Slot {
   public:
    Slot(ConnectionLimits* limits, std::string address)
        : limits_(limits), address_(std::move(address)) {}
    ~Slot() { limits_->Release(address_); }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;

   private:
    ConnectionLimits* limits_;
    std::string address_;
  };

  // Zero for either cap means no cap of that kind.
  ConnectionLimits(size_t max_total, size_t max_per_address)
      : max_total_(max_total), max_per_address_(max_per_address) {}

  // A place for one more connection from `address`, or why there is none.
  Verdict Admit(const std::string& address, std::unique_ptr<Slot>* slot);

  size_t open() const;
  size_t open_from(const std::string& address) const;
  size_t max_total() const { return max_total_; }
  size_t max_per_address() const { return max_per_address_; }

 private:
  void Release(const std::string& address);

  const size_t max_total_;
  const size_t max_per_address_;
  mutable std::mutex mu_;
  size_t total_ = 0;
  std::unordered_map<std::string, size_t> per_address_;
};

// The total cap to use when none is configured: the descriptor limit less
// what the rest of the server needs (database connections, WAL and shared
// memory files, the audit spool and journals, key and CA files): 128, or a
// quarter of a small limit.
size_t DefaultMaxConnections(uint64_t file_limit);

// Raises the soft RLIMIT_NOFILE to the hard limit (a service started with
// the usual soft limit of 1024 would otherwise run out long before the
// machine does) and returns the soft limit now in force.
uint64_t RaiseFileLimit();

}  // namespace onshi::http

#endif  // ONSHI_HTTP_CONNECTION_LIMITS_HPP_
