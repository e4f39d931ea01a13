// ChallengeBook: the single-use challenges of card checks and card logins
// (card_check.hpp), bounded so that nobody can grow it without limit.
//
// Before issue 15 the book was one std::map that every Issue and Redeem swept
// whole under the mutex card checks share: an anonymous loop on
// POST /portal/card/challenge left 27,000 challenges outstanding and made
// every facility's check 8× slower. Now:
//   - challenges expire in order of expiry (an ordered index), so each call
//     drops only what has expired: O(log n) per call, not O(n);
//   - the book holds at most `capacity` challenges, and at most
//     `per_audience` for one audience (a facility code, or "portal"), so one
//     facility cannot starve the others; a full book refuses with the
//     seconds until room frees up (the service answers 503 + Retry-After);
//   - the service keeps two books, one for the anonymous portal and one for
//     facilities, so a flood on the portal leaves facilities untouched, and
//     limits portal challenges per client address (rate_limiter.hpp).
// Thread-safe.
#ifndef ONSHI_SERVICE_CHALLENGE_BOOK_HPP_
#define ONSHI_SERVICE_CHALLENGE_BOOK_HPP_

#include <cstddef>
#include <cstdint>
#include <ctime>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/expected.hpp"

namespace onshi::service {

constexpr int kChallengeSeconds = 120;

struct ChallengeBookOptions {
  size_t capacity = 100000;    // outstanding challenges in all
  size_t per_audience = 5000;  // outstanding challenges of one audience
  int lifetime_seconds = kChallengeSeconds;
};

// Why no challenge was issued, and when to try again.
struct ChallengeRefusal {
  int retry_after_seconds = 1;
  std::string reason;
};

class ChallengeBook {
 public:
  explicit ChallengeBook(ChallengeBookOptions options = {}) : options_(options) {}

  // Replaces the bounds; outstanding challenges stay valid.
  void Configure(ChallengeBookOptions options);

  // A fresh challenge (32 random bytes) for `audience`, valid for
  // lifetime_seconds; or a refusal when the book or the audience is full.
  Expected<std::vector<uint8_t>, ChallengeRefusal> Issue(std::string_view audience,
                                                         std::time_t now);
  // True exactly once for a challenge issued to `audience` and not expired.
  bool Redeem(const std::vector<uint8_t>& challenge, std::string_view audience, std::time_t now);

  size_t outstanding() const;
  int lifetime_seconds() const;

 private:
  struct Entry {
    std::string audience;
    std::time_t expires = 0;
  };
  void Expire(std::time_t now);                                     // mu_ held
  void Erase(std::unordered_map<std::string, Entry>::iterator it);  // mu_ held

  mutable std::mutex mu_;
  ChallengeBookOptions options_;
  std::unordered_map<std::string, Entry> open_;              // challenge bytes -> entry
  std::set<std::pair<std::time_t, std::string>> by_expiry_;  // (expires, challenge)
  std::unordered_map<std::string, size_t> per_audience_;     // outstanding per audience
};

}  // namespace onshi::service

#endif  // ONSHI_SERVICE_CHALLENGE_BOOK_HPP_
