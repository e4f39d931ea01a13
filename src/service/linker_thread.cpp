#include "service/linker_thread.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <iostream>

#include "intermediate/linker.hpp"

namespace onshi::service {

LinkerThread::LinkerThread(std::function<std::unique_ptr<store::Store>()> open, const Clock& clock,
                           http::Metrics& metrics, std::chrono::seconds interval)
    : open_(std::move(open)),
      clock_(clock),
      linked_(metrics.GetCounter("onshi_linker_linked_total",
                                 "Submissions linked by the intermediate server.")),
      failed_(metrics.GetCounter("onshi_linker_failed_total",
                                 "Submissions that became registration errors when linking.")),
      errors_(metrics.GetCounter("onshi_linker_run_errors_total",
                                 "Linker rounds that failed (retried next round).")),
      sweeps_(metrics.GetCounter("onshi_linker_document_sweeps_total",
                                 "Daily document sweeps over every member run by this server.")),
      rounds_(metrics.GetCounter("onshi_linker_rounds_total", "Linker rounds ended.")),
      interval_(interval),
      thread_([this] { Run(); }) {}

LinkerThread::~LinkerThread() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void LinkerThread::RunOnce() {
  const std::time_t now = clock_.Now();
  intermediate::LinkOptions o;
  o.today = JstDate(now);
  o.at = UtcIsoTime(now);
  try {
    if (!store_) store_ = open_();
    // The document sweep walks every insurer's whole membership: once a day,
    // also across restarts (the store keeps the day of the last sweep; a
    // sweep that `onshi link` or another server ran counts too).
    if (!follow_up_done_on_ || *follow_up_done_on_ != o.today) {
      follow_up_done_on_ = store_->DailyJobDoneOn(intermediate::kDocumentSweepJob);
    }
    o.issue_follow_up_documents = !follow_up_done_on_ || *follow_up_done_on_ != o.today;
    const intermediate::LinkReport r = intermediate::RunLinker(*store_, o);
    linked_.Add(static_cast<uint64_t>(r.linked));
    failed_.Add(static_cast<uint64_t>(r.failed));
    if (o.issue_follow_up_documents) {
      follow_up_done_on_ = o.today;
      sweeps_.Add();
    }
  } catch (const std::exception& e) {
    errors_.Add();
    std::cerr << "onshi: linker round failed (will retry): " << e.what() << std::endl;
  }
  rounds_.Add();
}

void LinkerThread::Run() {
  // Linkage and the daily document sweep are batch work (the sweep reads
  // every member of every insurer): at the lowest priority they take the
  // cores only when the checks leave them free, instead of a fair share
  // that halved the checks' rate while a sweep ran. On Linux a thread has
  // its own nice value; lowering one's own priority needs no privilege.
  if (::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 19) != 0) {
    std::cerr << "onshi: the linker runs at normal priority (setpriority failed)" << std::endl;
  }
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    lock.unlock();
    RunOnce();
    lock.lock();
    cv_.wait_for(lock, interval_, [this] { return stop_; });
  }
}

}  // namespace onshi::service
