// LinkerThread: runs the intermediate server's linker (intermediate/linker.hpp)
// inside `onshi serve` every `interval`, with the service's clock, so that a
// running system links forms on their due day without a cron job.
//
// It owns its store connection and stops promptly on destruction (it waits
// on a condition variable, not a sleep). Failures are counted in metrics and
// retried on the next round; they never stop the server.
#ifndef ONSHI_SERVICE_LINKER_THREAD_HPP_
#define ONSHI_SERVICE_LINKER_THREAD_HPP_

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "http/metrics.hpp"
#include "service/clock.hpp"
#include "store/store.hpp"

namespace onshi::service {

class LinkerThread {
 public:
  // `open` makes the linker's database connection, at its first round and
  // again after a round failed to open one (the server may start while the
  // primary is down).
  LinkerThread(std::function<std::unique_ptr<store::Store>()> open, const Clock& clock,
               http::Metrics& metrics, std::chrono::seconds interval);
  ~LinkerThread();
  LinkerThread(const LinkerThread&) = delete;
  LinkerThread& operator=(const LinkerThread&) = delete;

 private:
  void Run();
  void RunOnce();

  std::function<std::unique_ptr<store::Store>()> open_;
  std::unique_ptr<store::Store> store_;
  const Clock& clock_;
  http::Counter& linked_;
  http::Counter& failed_;
  http::Counter& errors_;
  http::Counter& sweeps_;  // daily document sweeps run by this server
  http::Counter& rounds_;  // rounds ended, failed or not
  std::chrono::seconds interval_;
  std::optional<Date> follow_up_done_on_;  // JST day of the last follow-up documents run
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace onshi::service

#endif  // ONSHI_SERVICE_LINKER_THREAD_HPP_
