#include "http/connection_limits.hpp"

#include <sys/resource.h>

#include <algorithm>

namespace onshi::http {

ConnectionLimits::Verdict ConnectionLimits::Admit(const std::string& address,
                                                  std::unique_ptr<Slot>* slot) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (max_total_ > 0 && total_ >= max_total_) return Verdict::kTotalFull;
    size_t& mine = per_address_[address];
    if (max_per_address_ > 0 && mine >= max_per_address_) return Verdict::kAddressFull;
    ++mine;
    ++total_;
  }
  *slot = std::make_unique<Slot>(this, address);
  return Verdict::kAdmitted;
}

void ConnectionLimits::Release(const std::string& address) {
  std::lock_guard<std::mutex> lock(mu_);
  --total_;
  auto it = per_address_.find(address);
  if (it != per_address_.end() && --it->second == 0) per_address_.erase(it);
}

size_t ConnectionLimits::open() const {
  std::lock_guard<std::mutex> lock(mu_);
  return total_;
}

size_t ConnectionLimits::open_from(const std::string& address) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = per_address_.find(address);
  return it == per_address_.end() ? 0 : it->second;
}

size_t DefaultMaxConnections(uint64_t file_limit) {
  const uint64_t reserve = std::min<uint64_t>(128, file_limit / 4);
  return static_cast<size_t>(std::max<uint64_t>(1, file_limit - reserve));
}

uint64_t RaiseFileLimit() {
  rlimit r{};
  if (::getrlimit(RLIMIT_NOFILE, &r) != 0) return 1024;
  if (r.rlim_cur < r.rlim_max) {
    rlimit raised = r;
    raised.rlim_cur = r.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) r = raised;
  }
  // RLIM_INFINITY is not a descriptor count anyone can reach.
  return r.rlim_cur == RLIM_INFINITY ? uint64_t{1} << 20 : static_cast<uint64_t>(r.rlim_cur);
}

}  // namespace onshi::http
