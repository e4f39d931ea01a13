#include "pdf/batch.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

namespace onshi::pdf {

BatchWriter::BatchWriter(std::string merged_path, unsigned threads)
    : merged_path_(std::move(merged_path)),
      threads_(threads ? threads : std::max(1u, std::thread::hardware_concurrency())) {}

BatchWriter::~BatchWriter() = default;

std::vector<std::vector<Overflow>> BatchWriter::Write(std::vector<PdfJob> jobs,
                                                      const std::function<void(size_t)>& done) {
  const size_t n = jobs.size();
  std::vector<std::vector<Overflow>> overflows(n);
  // A finished job's pages wait here until the calling thread has put the
  // ones before it into the print file.
  std::vector<std::optional<std::vector<Page>>> ready(n);
  std::mutex mu;
  std::condition_variable cv;
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;

  auto work = [&] {
    while (!failed) {
      const size_t i = next++;
      if (i >= n) break;
      std::vector<Page> pages;
      try {
        pages = jobs[i].layout();
        PdfWriter own(jobs[i].path);
        for (const Page& p : pages) {
          own.Add(p);
          overflows[i].insert(overflows[i].end(), p.overflows().begin(), p.overflows().end());
        }
        own.Finish();
        if (!jobs[i].merge || merged_path_.empty()) pages.clear();
      } catch (...) {
        std::lock_guard<std::mutex> lock(mu);
        if (!error) error = std::current_exception();
        failed = true;
        pages.clear();
      }
      std::lock_guard<std::mutex> lock(mu);
      ready[i] = std::move(pages);
      cv.notify_all();
    }
  };
  std::vector<std::thread> workers;
  for (unsigned t = 0; t < std::min<size_t>(threads_, n); ++t)
    workers.emplace_back(work);

  for (size_t i = 0; i < n; ++i) {
    std::vector<Page> pages;
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return ready[i].has_value() || failed.load(); });
      // A worker failed: no more work is handed out; join and rethrow.
      if (!ready[i]) break;
      pages = std::move(*ready[i]);
      ready[i].reset();
    }
    try {
      for (const Page& p : pages) {
        if (!merged_) merged_ = std::make_unique<PdfWriter>(merged_path_);
        merged_->Add(p);
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(mu);
      if (!error) error = std::current_exception();
      failed = true;
      break;
    }
    if (done) done(i + 1);
  }
  for (std::thread& w : workers)
    w.join();
  if (error) std::rethrow_exception(error);
  return overflows;
}

bool BatchWriter::Finish() {
  if (!merged_) return false;
  merged_->Finish();
  merged_.reset();
  return true;
}

}  // namespace onshi::pdf
