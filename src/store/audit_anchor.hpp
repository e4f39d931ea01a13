// Audit anchors: checkpoints of the audit chain under a key the database
// does not hold (issue 15: the audit chain can be rewritten).
//
// The hash chain alone proves only that the rows agree with each other. An
// attacker who can write the database (the file, or a PostgreSQL superuser)
// drops the append-only triggers, edits a row, recomputes every later hash
// with plain SHA-256 and restores the triggers: the chain verifies again.
// Deleting the newest rows leaves a shorter chain that verifies too.
//
// An anchor is the pair (seq, hash of entry seq) with an HMAC-SHA256 under a
// key kept in the server's state directory, never in the database, appended
// as a line to a file beside it. Because each hash covers every earlier
// entry, one anchor vouches for the whole chain up to its seq:
//   - a rewrite of any entry at or before an anchored seq changes that
//     entry's hash, which no longer matches its anchor;
//   - a deletion of the newest entries leaves the head below the last
//     anchor (truncation).
// Entries after the last anchor are vouched for by nothing yet; the server
// anchors after every audit batch it commits, so that window is one batch.
//
// Several servers sharing one PostgreSQL each anchor the entries they
// append, in their own state directory or in a shared one (appends and
// compaction are serialised by a lock file). Anchors from different servers
// interleave in any order: each names an immutable entry, so each is checked
// on its own.
//
// Files in `dir`:
//   audit-anchor.key    32 random bytes, hex, mode 0600 (refused if group or
//                       others may read it)
//   audit-anchors.log   "<seq> <hash> <mac>\n" per anchor, mode 0600
//   audit-anchors.lock  flock(2) target
// The log is compacted to its newest anchor when it passes 1 MiB: the
// newest anchor vouches for everything the older ones did.
//
// What the anchors do not protect against: someone who can also read the
// state directory has the key and can forge anchors; the key must be kept
// (and backed up) like the database's own key file.
#ifndef ONSHI_STORE_AUDIT_ANCHOR_HPP_
#define ONSHI_STORE_AUDIT_ANCHOR_HPP_

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace onshi::store {

struct AuditAnchor {
  int64_t seq = 0;
  std::string hash;  // hex SHA-256 of entry `seq`, as the chain has it
};

class AuditAnchors {
 public:
  // The anchors in `dir`, creating the directory (0700) and the key if
  // missing. Throws StoreError if they cannot be used.
  static std::unique_ptr<AuditAnchors> OpenOrCreate(const std::string& dir);
  // The anchors in `dir` if any were ever taken there (the key exists), else
  // nullptr. Creates nothing. Throws StoreError if the key is unreadable or
  // readable by others.
  static std::unique_ptr<AuditAnchors> OpenExisting(const std::string& dir);
  ~AuditAnchors();
  AuditAnchors(const AuditAnchors&) = delete;
  AuditAnchors& operator=(const AuditAnchors&) = delete;

  // Appends an anchor. Thread- and process-safe. Throws StoreError on I/O
  // failure.
  void Record(const AuditAnchor& anchor);

  struct Contents {
    std::vector<AuditAnchor> anchors;  // every line whose MAC verifies
    std::vector<int> bad_lines;        // 1-based line numbers that do not
  };
  // Every anchor in the log (none if there is no log yet).
  Contents Read() const;

  const std::string& dir() const { return dir_; }
  std::string log_path() const;

 private:
  AuditAnchors(std::string dir, std::string key, bool writable);
  std::string Mac(int64_t seq, const std::string& hash) const;
  std::string Line(const AuditAnchor& a) const;
  // The anchor on `line` if its MAC verifies.
  std::optional<AuditAnchor> ParseLine(const std::string& line) const;
  void CompactLocked();
  void CloseLog();  // record_mu_ held

  std::string dir_;
  std::string key_;  // raw bytes
  int lock_fd_ = -1;
  // Record keeps the log open between anchors, as long as the file is the
  // one it last wrote (same inode, same size: nobody else appended or
  // compacted meanwhile). Then an anchor costs flock, stat, write and
  // unlock; the check log anchors up to 2,000 batches a second, and the
  // open, the two fstat, the tail check and the close of each were 1-2 %
  // of a server's CPU. flock does not exclude threads that share lock_fd_:
  // record_mu_ does.
  std::mutex record_mu_;
  int log_fd_ = -1;
  uint64_t log_dev_ = 0, log_ino_ = 0;
  int64_t log_size_ = -1;
};

// What `onshi audit verify` and GET /admin/audit/verify report.
struct AuditVerification {
  bool intact = true;
  int64_t entries = 0;  // entries read (the head's seq when intact)
  // The first entry found wrong (edited, deleted, re-linked; for a rewrite
  // the anchored entry that no longer matches; for truncation head + 1).
  std::optional<int64_t> first_bad_seq;
  std::string problem;           // what is wrong, in a sentence; "" when intact
  bool anchored = false;         // anchors were there to check against
  int64_t anchored_through = 0;  // the highest seq an anchor vouches for
  int64_t anchors = 0;           // anchors checked
};

// Walks the chain from the first entry (as VerifyAuditChain) and checks it
// against `anchors` (nullptr: the chain alone, which detects neither a
// consistent rewrite nor truncation).
AuditVerification VerifyAuditChainAnchored(Store& store, const AuditAnchors* anchors);

// The newest entry of an intact chain checked against `anchors`, anchored
// (`onshi audit anchor`, after entries written outside a server); nothing is
// anchored when the check fails. Returns the verification.
AuditVerification VerifyAndAnchorHead(Store& store, AuditAnchors& anchors);

}  // namespace onshi::store

#endif  // ONSHI_STORE_AUDIT_ANCHOR_HPP_
