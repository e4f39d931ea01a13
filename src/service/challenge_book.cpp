#include "service/challenge_book.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <stdexcept>

namespace onshi::service {

void ChallengeBook::Configure(ChallengeBookOptions options) {
  std::lock_guard<std::mutex> lock(mu_);
  options_ = options;
}

size_t ChallengeBook::outstanding() const {
  std::lock_guard<std::mutex> lock(mu_);
  return open_.size();
}

int ChallengeBook::lifetime_seconds() const {
  std::lock_guard<std::mutex> lock(mu_);
  return options_.lifetime_seconds;
}

Expected<std::vector<uint8_t>, ChallengeRefusal> ChallengeBook::Issue(std::string_view audience,
                                                                      std::time_t now) {
  std::string c(32, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(c.data()), static_cast<int>(c.size())) != 1) {
    throw std::runtime_error("no randomness for a card challenge");
  }
  std::lock_guard<std::mutex> lock(mu_);
  Expire(now);
  if (open_.size() >= options_.capacity) {
    // Room frees up when the oldest challenge expires.
    const std::time_t first = by_expiry_.empty() ? now : by_expiry_.begin()->first;
    return ChallengeRefusal{static_cast<int>(std::max<std::time_t>(1, first - now + 1)),
                            "too many card challenges are outstanding"};
  }
  size_t& mine = per_audience_[std::string(audience)];
  if (mine >= options_.per_audience) {
    return ChallengeRefusal{
        std::max(1, options_.lifetime_seconds),
        "too many card challenges are outstanding for " + std::string(audience)};
  }
  const std::time_t expires = now + options_.lifetime_seconds;
  open_.emplace(c, Entry{std::string(audience), expires});
  by_expiry_.emplace(expires, c);
  ++mine;
  return std::vector<uint8_t>(c.begin(), c.end());
}

bool ChallengeBook::Redeem(const std::vector<uint8_t>& challenge, std::string_view audience,
                           std::time_t now) {
  const std::string key(challenge.begin(), challenge.end());
  std::lock_guard<std::mutex> lock(mu_);
  Expire(now);
  auto it = open_.find(key);
  if (it == open_.end() || it->second.audience != audience) return false;
  Erase(it);  // single use, even if the rest of the check fails
  return true;
}

void ChallengeBook::Expire(std::time_t now) {
  // Valid while now <= expires; only the expired front is visited.
  while (!by_expiry_.empty() && by_expiry_.begin()->first < now) {
    auto it = open_.find(by_expiry_.begin()->second);
    if (it != open_.end()) {
      Erase(it);
    } else {
      by_expiry_.erase(by_expiry_.begin());
    }
  }
}

void ChallengeBook::Erase(std::unordered_map<std::string, Entry>::iterator it) {
  by_expiry_.erase({it->second.expires, it->first});
  auto count = per_audience_.find(it->second.audience);
  if (count != per_audience_.end() && --count->second == 0) per_audience_.erase(count);
  open_.erase(it);
}

}  // namespace onshi::service
