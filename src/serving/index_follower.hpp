// IndexFollower: keeps an EligibilityIndex current from the store's change
// feed (Store::ReadChanges).
//
// A thread polls the feed every `poll` (10 ms by default: an index read of
// the feed's primary key, nothing when there is no change), re-reads the
// persons the new changes name from one snapshot, and swaps their records
// in. A change committed by anyone is therefore visible to checks within
// about one poll plus the re-read: the bound is measured by
// tests/serving/freshness_test.cpp and bench/serving_bench.cpp. Polling
// rather than LISTEN/NOTIFY works the same on both backends and across
// servers sharing one PostgreSQL.
//
// The feed stays bounded: the follower trims the changes it applied more
// than `retention` ago. A server that was away longer finds the feed
// trimmed past its position and rebuilds its index from the store.
#ifndef ONSHI_SERVING_INDEX_FOLLOWER_HPP_
#define ONSHI_SERVING_INDEX_FOLLOWER_HPP_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>

#include "serving/eligibility_index.hpp"
#include "store/store.hpp"

namespace onshi::serving {

struct FollowerOptions {
  std::chrono::milliseconds poll{10};
  int changes_per_read = 20000;
  // Persons re-read by one range scan: changes to neighbouring persons (an
  // import, the linker's round) cost one scan, not one per person.
  int64_t persons_per_read = 512;
  // Changes stay in the feed at least this long after they were applied
  // here; 0 never trims.
  std::chrono::seconds retention{600};
};

// Applies every change committed after the index's applied seq, on the
// caller's thread: re-reads the persons named, or rebuilds the whole index
// when the feed was trimmed past it. Returns how many changes it applied.
int64_t ApplyChanges(EligibilityIndex& index, store::Store& store, const FollowerOptions& options);

class IndexFollower {
 public:
  using Opener = std::function<std::unique_ptr<store::Store>()>;
  // `open` gives the follower its own store connection; `open_fallback`
  // (may be empty) one to a replica, used while `open`'s database fails.
  IndexFollower(EligibilityIndex& index, Opener open, FollowerOptions options = {},
                Opener open_fallback = {});
  ~IndexFollower();
  IndexFollower(const IndexFollower&) = delete;
  IndexFollower& operator=(const IndexFollower&) = delete;

  void Start();
  void Stop();

  // Rounds that failed because the store did not answer (the index keeps
  // answering from what it holds meanwhile).
  int64_t failures() const { return failures_.load(); }

 private:
  void Loop();
  void Round();
  void MaybeTrim(store::Store& store);

  EligibilityIndex& index_;
  Opener open_;
  Opener open_fallback_;
  FollowerOptions options_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<store::Store> fallback_;
  std::deque<std::pair<std::chrono::steady_clock::time_point, int64_t>> applied_at_;
  std::atomic<int64_t> failures_{0};
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace onshi::serving

#endif  // ONSHI_SERVING_INDEX_FOLLOWER_HPP_
