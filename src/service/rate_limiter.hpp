// SlidingWindowLimiter: at most `limit` events per key in any window of
// `window_seconds` — repeated look-ups of one card by one facility, card
// challenges asked from one client address (issue 15).
//
// Time comes from the caller (the service's Clock), so tests pin it: with a
// fixed clock the window never slides and the (limit+1)th hit is refused,
// whatever the machine's speed. Memory is bounded: at most `max_keys` keys
// are tracked, the least recently hit forgotten first (which can only ever
// let a forgotten key start afresh, never refuse anyone wrongly).
// Thread-safe.
#ifndef ONSHI_SERVICE_RATE_LIMITER_HPP_
#define ONSHI_SERVICE_RATE_LIMITER_HPP_

#include <cstddef>
#include <ctime>
#include <deque>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace onshi::service {

struct RateLimit {
  int limit = 20;            // events allowed per window; 0 = none at all
  int window_seconds = 600;  // the window's length
};

class SlidingWindowLimiter {
 public:
  explicit SlidingWindowLimiter(RateLimit limit = {}, size_t max_keys = 100000)
      : limit_(limit), max_keys_(max_keys) {}

  // Replaces the limit; events already counted stay counted.
  void Configure(RateLimit limit, size_t max_keys);

  // Counts one event for `key` at `now` and returns 0, if the key had fewer
  // than `limit` events in (now − window, now]; otherwise counts nothing and
  // returns the seconds until the oldest of them leaves the window (>= 1):
  // the Retry-After of a 429.
  int Hit(std::string_view key, std::time_t now);

  RateLimit limit() const;

 private:
  struct Slot {
    std::deque<std::time_t> times;          // oldest first
    std::list<std::string>::iterator used;  // position in recent_
  };
  mutable std::mutex mu_;
  RateLimit limit_;
  size_t max_keys_;
  std::unordered_map<std::string, Slot> slots_;
  std::list<std::string> recent_;  // keys, most recently hit first
};

}  // namespace onshi::service

#endif  // ONSHI_SERVICE_RATE_LIMITER_HPP_
