#include "service/audit_writer.hpp"

#include <iostream>
#include <vector>

namespace onshi::service {

AuditWriter::AuditWriter(std::unique_ptr<store::Store> store, std::chrono::milliseconds interval,
                         size_t max_queue)
    : store_(std::move(store)),
      interval_(interval),
      max_queue_(max_queue),
      thread_([this] { Run(); }) {}

AuditWriter::~AuditWriter() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void AuditWriter::Append(store::AuditEntry entry) {
  std::unique_lock<std::mutex> lock(mu_);
  space_.wait(lock, [&] { return queue_.size() < max_queue_ || stop_; });
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
  for (;;) {
    bool stopping;
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait_for(lock, interval_, [&] { return stop_ || queue_.size() >= 1000; });
      batch.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.end()));
      queue_.clear();
      stopping = stop_;
    }
    space_.notify_all();
    if (!batch.empty()) {
      // Retried until it lands: an audit entry is never dropped. A failing
      // database shows up in stderr and in the queue backing up.
      for (int attempt = 0;; ++attempt) {
        try {
          store_->InTransaction([&] {
            for (const store::AuditEntry& e : batch)
              store_->AppendAudit(e);
          });
          break;
        } catch (const std::exception& e) {
          std::cerr << "onshi: audit write failed (attempt " << attempt + 1 << "): " << e.what()
                    << "\n";
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
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

}  // namespace onshi::service
