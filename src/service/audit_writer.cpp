#include "service/audit_writer.hpp"

#include "http/request_notes.hpp"

#include <iostream>
#include <vector>

#include "service/audit_text.hpp"

namespace onshi::service {

AuditWriter::AuditWriter(Opener open, std::unique_ptr<store::Store> store,
                         std::chrono::milliseconds interval, size_t max_queue,
                         std::unique_ptr<AuditSpool> spool, http::Gauge* spooled_gauge,
                         store::AuditAnchors* anchors, http::Counter* quarantined)
    : open_(std::move(open)),
      store_(std::move(store)),
      interval_(interval),
      max_queue_(max_queue),
      spool_(std::move(spool)),
      spooled_gauge_(spooled_gauge),
      anchors_(anchors),
      quarantined_counter_(quarantined) {
  if (spool_) spooled_ = spool_->pending();
  if (spooled_gauge_) spooled_gauge_->Set(static_cast<int64_t>(spooled_.load()));
  if (spool_) CountQuarantined(spool_->quarantined_at_claim());
  // Started last: Run() reads the members above.
  thread_ = std::thread([this] { Run(); });
}

AuditWriter::~AuditWriter() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void AuditWriter::Append(store::AuditEntry entry) {
  // Well-formed before anything stores it: PostgreSQL refuses invalid UTF-8
  // and NUL, and the spool reader could not parse the line back.
  entry.at = AuditSafeText(entry.at);
  entry.actor = AuditSafeText(entry.actor);
  entry.action = AuditSafeText(entry.action);
  entry.detail = AuditSafeText(entry.detail);
  // Whoever an audited request proved to be is who the access log names.
  http::CurrentRequestNotes().client = entry.actor;
  std::unique_lock<std::mutex> lock(mu_);
  space_.wait(lock, [&] { return queue_.size() < max_queue_ || stop_; });
  if (spool_) {
    // In the journal before the answer leaves: a kill -9 from here on loses
    // nothing (see AuditSpool). A journal that cannot be written costs only
    // that protection, so the check still goes on.
    try {
      spool_->Journal(entry);
    } catch (const std::exception& e) {
      if (!journal_failed_) std::cerr << "onshi: " << e.what() << " (audit journal off)\n";
      journal_failed_ = true;
    }
  }
  queue_.push_back(std::move(entry));
  ++appended_;
  if (queue_.size() >= 1000) wake_.notify_one();
}

void AuditWriter::Flush() {
  std::unique_lock<std::mutex> lock(mu_);
  const uint64_t target = appended_;
  wake_.notify_one();
  flushed_.wait(lock, [&] { return written_ >= target; });
}

uint64_t AuditWriter::written() const {
  std::lock_guard<std::mutex> lock(mu_);
  return written_;
}

void AuditWriter::Run() {
  std::vector<store::AuditEntry> batch;
  int journal = -1;
  for (;;) {
    bool stopping;
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait_for(lock, interval_, [&] { return stop_ || queue_.size() >= 1000; });
      batch.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.end()));
      queue_.clear();
      stopping = stop_;
      // The journal that holds exactly this batch; new entries go to the other.
      if (spool_ && !batch.empty()) journal = spool_->SwapJournal();
    }
    space_.notify_all();
    // A spool left by a crash (or filled during an outage) is replayed even
    // when nothing new arrives.
    if (!batch.empty() || spooled_.load() > 0) {
      // Retried until it lands: an audit entry is never dropped. A failing
      // database (and spool) shows up in stderr and in the queue backing up.
      while (!Land(batch))
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (journal >= 0) {
        try {
          spool_->ForgetJournal(journal);
        } catch (const std::exception& e) {
          std::cerr << "onshi: " << e.what() << "\n";
        }
        journal = -1;
      }
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      written_ += batch.size();
    }
    flushed_.notify_all();
    batch.clear();
    if (stopping) {
      std::lock_guard<std::mutex> lock(mu_);
      if (queue_.empty()) return;
    }
  }
}

bool AuditWriter::Land(const std::vector<store::AuditEntry>& batch) {
  // The database is tried again only after a pause once it failed, so an
  // outage does not become a connection attempt per batch.
  const bool try_database = std::chrono::steady_clock::now() >= retry_database_at_;
  if (try_database && DrainSpool() && (batch.empty() || WriteToDatabase(batch))) return true;
  if (batch.empty()) return true;  // the spool stays for the next round
  if (!spool_) return false;
  try {
    spool_->Append(batch);
    spooled_ = spool_->pending();
    if (spooled_gauge_) spooled_gauge_->Set(static_cast<int64_t>(spooled_.load()));
    return true;
  } catch (const std::exception& e) {
    std::cerr << "onshi: audit spool write failed: " << e.what() << "\n";
    return false;
  }
}

void AuditWriter::CountQuarantined(size_t lines) {
  if (lines == 0) return;
  quarantined_ += lines;
  if (quarantined_counter_) quarantined_counter_->Add(lines);
  std::cerr << "onshi: ALARM: " << lines << " audit spool line(s) could not be read back; kept in "
            << (spool_ ? spool_->quarantine_path() : std::string("the quarantine file"))
            << " for inspection\n";
}

bool AuditWriter::DrainSpool() {
  if (!spool_ || spool_->pending() == 0) return true;
  std::vector<std::string> unreadable;
  const std::vector<store::AuditEntry> held = spool_->ReadAll(&unreadable);
  if (!held.empty() && !WriteToDatabase(held)) return false;
  try {
    // Quarantined before the spool is emptied: a line is in one of the two
    // at every moment (twice at worst, after a crash in between).
    spool_->Quarantine(unreadable);
    CountQuarantined(unreadable.size());
    spool_->Clear();
  } catch (const std::exception& e) {
    // The entries are in the database; the next round writes them again
    // (at-least-once, see AuditSpool).
    std::cerr << "onshi: " << e.what() << "\n";
    return false;
  }
  std::cerr << "onshi: " << held.size() << " spooled audit entries written to the database\n";
  spooled_ = 0;
  if (spooled_gauge_) spooled_gauge_->Set(0);
  return true;
}

bool AuditWriter::WriteToDatabase(const std::vector<store::AuditEntry>& batch) {
  try {
    if (!store_ && open_) store_ = open_();
    if (!store_) throw store::StoreUnavailable("no database connection");
    // One transaction; on PostgreSQL one multi-row INSERT a chunk.
    std::vector<store::AuditEntry> written = batch;
    store_->AppendAudits(written);
    reported_failure_ = false;
    if (!written.empty()) Anchor(written.back());
    return true;
  } catch (const std::exception& e) {
    if (!reported_failure_ || !spool_) {
      std::cerr << "onshi: audit write failed" << (spool_ ? ", spooling" : ", retrying") << ": "
                << e.what() << "\n";
      reported_failure_ = true;
    }
    retry_database_at_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
    return false;
  }
}

void AuditWriter::Anchor(const store::AuditEntry& last) {
  if (!anchors_) return;
  // After the commit: the entry is immutable from here on, so its anchor is
  // right whatever other servers append meanwhile. A failed anchor costs
  // only the protection of this batch until the next one anchors.
  try {
    anchors_->Record({last.seq, last.hash});
    anchor_failed_ = false;
  } catch (const std::exception& e) {
    if (!anchor_failed_) std::cerr << "onshi: cannot anchor the audit chain: " << e.what() << "\n";
    anchor_failed_ = true;
  }
}

}  // namespace onshi::service
