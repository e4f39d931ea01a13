// BatchPacer: at most N batches a second, for a thread that works in batches
// by readiness (ProofBatcher signs, CheckLog syncs).
//
// Batching by readiness alone makes batches as small as the work is fast: at
// low load a batch of one, which is right, but under load the fixed cost per
// batch (an ES256 signature, an fdatasync and its journal commit) is paid
// far more often than needed. Keeping 1/N s between batch starts lets what
// arrives in that interval join the next batch, so the fixed cost stays at
// N a second whatever the load, for at most 1/N s more wait per item.
#ifndef ONSHI_SERVICE_BATCH_PACER_HPP_
#define ONSHI_SERVICE_BATCH_PACER_HPP_

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace onshi::service {

class BatchPacer {
 public:
  using Clock = std::chrono::steady_clock;

  // `per_second` 0: no limit (every batch may start at once).
  explicit BatchPacer(double per_second)
      : spacing_(per_second <= 0 ? Clock::duration::zero()
                                 : std::chrono::duration_cast<Clock::duration>(
                                       std::chrono::duration<double>(1.0 / per_second))) {}

  // With `lock` held: waits on `cv` until the next batch may start, or until
  // `stop()` is true. The thread's other waits decide whether `cv` is
  // notified by arrivals; this wait ends on the deadline or on stop alone.
  template <class Stop>
  void AwaitSlot(std::unique_lock<std::mutex>& lock, std::condition_variable& cv, Stop stop) {
    if (spacing_ == Clock::duration::zero() || stop() || Clock::now() >= next_) return;
    cv.wait_until(lock, next_, stop);
  }
  // A batch starts now: the next may start 1/N s later.
  void Started() { next_ = Clock::now() + spacing_; }

 private:
  Clock::duration spacing_;
  Clock::time_point next_ = Clock::now();
};

}  // namespace onshi::service

#endif  // ONSHI_SERVICE_BATCH_PACER_HPP_
