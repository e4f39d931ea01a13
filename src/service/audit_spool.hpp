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
// The slot also keeps a journal, so that a kill -9 loses no audit entry of
// an answered check: AuditWriter writes each entry to the journal before the
// answer goes out (one write(2), no fsync: the page cache survives the
// process), and forgets a journal once its batch is in the database or the
// spool. Two journal files alternate: the writer thread swaps them when it
// takes a batch, so the one it forgets holds exactly that batch. At Claim,
// whatever a dead process left in its journals moves into its spool.
//
// Replay is at-least-once: a crash between the database commit and the
// truncation of the spool or journal writes those entries again on the next
// start (each still carries its original time and actor).
//
// No line is ever dropped unread. A line that cannot be parsed back into an
// entry (and the cut-short tail a crash leaves) is moved to the slot's
// quarantine file, "<slot>.quarantine", kept for a person to look at, and
// counted (AuditWriter raises onshi_audit_spool_quarantined_total): an audit
// entry that vanished silently is what an audit log must never allow.
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
  // Lines that are not entries go to `unreadable` (if given), as they are,
  // for Quarantine().
  std::vector<store::AuditEntry> ReadAll(std::vector<std::string>* unreadable = nullptr) const;
  // Appends `lines` to the quarantine file and syncs it; throws
  // std::runtime_error on I/O failure.
  void Quarantine(const std::vector<std::string>& lines);
  // Lines Claim() moved to quarantine (torn tails left by a crash).
  size_t quarantined_at_claim() const { return quarantined_at_claim_; }
  std::string quarantine_path() const { return path_ + ".quarantine"; }
  // Empties this server's slot and releases the adopted ones.
  void Clear();

  // Journals `entry` in the active journal (no fsync); throws
  // std::runtime_error on I/O failure.
  void Journal(const store::AuditEntry& entry);
  // Makes the other journal active and returns the one that was; everything
  // journaled since the last swap is in it.
  int SwapJournal();
  // Empties journal `index` (its entries are in the database or the spool).
  void ForgetJournal(int index);
  size_t pending() const { return pending_; }
  const std::string& path() const { return path_; }

 private:
  struct Slot {
    int fd;
    std::string path;
  };
  AuditSpool() = default;
  // Moves what the journals of the slot at `path` hold into the spool file
  // `fd`, oldest journal first, then empties them.
  size_t RecoverJournals(int fd, const std::string& path);
  // Moves a cut-short last line of the file `fd` to `path`'s quarantine and
  // cuts it off, so that the next append starts on a line of its own.
  void QuarantineTornTail(int fd, const std::string& path);

  std::string path_;
  int fd_ = -1;
  std::vector<Slot> adopted_;
  size_t pending_ = 0;
  int journal_fd_[2] = {-1, -1};
  int active_journal_ = 0;
  size_t quarantined_at_claim_ = 0;
};

}  // namespace onshi::service

#endif  // ONSHI_SERVICE_AUDIT_SPOOL_HPP_
