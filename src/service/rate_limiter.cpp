#include "service/rate_limiter.hpp"

#include <algorithm>

namespace onshi::service {

void SlidingWindowLimiter::Configure(RateLimit limit, size_t max_keys) {
  std::lock_guard<std::mutex> lock(mu_);
  limit_ = limit;
  max_keys_ = std::max<size_t>(1, max_keys);
}

RateLimit SlidingWindowLimiter::limit() const {
  std::lock_guard<std::mutex> lock(mu_);
  return limit_;
}

int SlidingWindowLimiter::Hit(std::string_view key, std::time_t now) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = slots_.find(std::string(key));
  if (it == slots_.end()) {
    recent_.emplace_front(key);
    it = slots_.emplace(recent_.front(), Slot{{}, recent_.begin()}).first;
    while (slots_.size() > max_keys_) {
      slots_.erase(recent_.back());
      recent_.pop_back();
    }
  } else {
    recent_.splice(recent_.begin(), recent_, it->second.used);
  }
  std::deque<std::time_t>& times = it->second.times;
  while (!times.empty() && times.front() <= now - limit_.window_seconds)
    times.pop_front();
  if (static_cast<long long>(times.size()) >= limit_.limit) {
    if (times.empty()) return std::max(1, limit_.window_seconds);  // limit 0
    return static_cast<int>(std::max<std::time_t>(1, times.front() + limit_.window_seconds - now));
  }
  times.push_back(now);
  return 0;
}

}  // namespace onshi::service
