// AuditSpool: a local, durable holding file for audit entries the database
// could not take (the primary is down; the server answers from a replica).
//
// Every eligibility check is audited, including the ones answered in
// read-only mode, so their entries must survive until the primary returns.
// The spool is a JSON-lines file, fsynced on each append; AuditWriter
// replays it into the database (in order, one transaction) before anything
// newer, then empties it.
//
// Several servers may share a state directory, so each claims its own slot
// file with an exclusive flock. A server restarted after a crash claims a
// free slot and adopts every other unclaimed, non-empty slot: a dead
// server's entries are replayed by whichever server starts next.
//
// Replay is at-least-once: a crash between the database commit and the
// truncation of the spool writes those entries again on the next start
// (each still carries its original time and actor).
#ifndef ONSHI_SERVICE_AUDIT_SPOOL_HPP_
#define ONSHI_SERVICE_AUDIT_SPOOL_HPP_

#include <memory>
#include <string>
#include <vector>

#include "store/records.hpp"

namespace onshi::service {

class AuditSpool {
 public:
  // Claims a slot in `dir` (created if missing). Throws std::runtime_error
  // if the directory cannot be used or every slot is taken.
  static std::unique_ptr<AuditSpool> Claim(const std::string& dir);
  ~AuditSpool();
  AuditSpool(const AuditSpool&) = delete;
  AuditSpool& operator=(const AuditSpool&) = delete;

  // Appends and fsyncs; throws std::runtime_error on I/O failure.
  void Append(const std::vector<store::AuditEntry>& entries);
  // Every entry held (adopted slots first, then this server's), in order.
  // A torn last line (a crash mid-append) is skipped: its answer had not
  // been acknowledged as audited.
  std::vector<store::AuditEntry> ReadAll() const;
  // Empties this server's slot and releases the adopted ones.
  void Clear();
  size_t pending() const { return pending_; }
  const std::string& path() const { return path_; }

 private:
  struct Slot {
    int fd;
    std::string path;
  };
  AuditSpool() = default;

  std::string path_;
  int fd_ = -1;
  std::vector<Slot> adopted_;
  size_t pending_ = 0;
};

}  // namespace onshi::service

#endif  // ONSHI_SERVICE_AUDIT_SPOOL_HPP_
