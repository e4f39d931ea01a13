// PortalSessions: who is logged in to the portal (マイナポータル), after the
// My Number card signed the login challenge (portal_service.hpp).
//
// A session is a random 256-bit token in an HttpOnly, Secure,
// SameSite=Strict cookie. The book keeps only the token's SHA-256, so a
// memory dump or a log of the book's keys lets nobody log in. A session ends
// when it has been idle for `idle_seconds`, `absolute_seconds` after the
// login whatever happens, on logout, or when the book is full and it is the
// oldest (the login pushing it out is the newer claim). Time is passed in.
// Thread-safe.
#ifndef ONSHI_SERVICE_PORTAL_SESSIONS_HPP_
#define ONSHI_SERVICE_PORTAL_SESSIONS_HPP_

#include <cstddef>
#include <cstdint>
#include <ctime>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace onshi::service {

struct PortalSessionOptions {
  int idle_seconds = 15 * 60;      // マイナポータル logs out after 15 idle minutes too
  int absolute_seconds = 60 * 60;  // and no session outlives an hour
  size_t capacity = 100000;
};

// What a session stands for: the card that logged in and its holder.
struct PortalSession {
  int64_t person_id = 0;
  int64_t card_id = 0;
  std::time_t logged_in_at = 0;
  std::time_t last_seen = 0;
};

class PortalSessions {
 public:
  explicit PortalSessions(PortalSessionOptions options = {}) : options_(options) {}

  const PortalSessionOptions& options() const { return options_; }

  // A new session for `who` (logged_in_at and last_seen set to `now`);
  // returns its token (base64url, 43 characters), for the cookie only.
  // Throws std::runtime_error if no randomness is to be had.
  std::string Open(int64_t person_id, int64_t card_id, std::time_t now);

  // The session behind `token` if it is still alive at `now` (and marks it
  // seen); an expired one is dropped. Unknown or malformed tokens: nullopt.
  std::optional<PortalSession> Find(std::string_view token, std::time_t now);

  // Ends the session (logout); unknown tokens are ignored.
  void Close(std::string_view token);

  // Sessions held (live or not yet swept).
  size_t size() const;

 private:
  bool Expired(const PortalSession& s, std::time_t now) const;

  PortalSessionOptions options_;
  mutable std::mutex mutex_;
  std::map<std::string, PortalSession> sessions_;  // by hex SHA-256 of the token
};

}  // namespace onshi::service

#endif  // ONSHI_SERVICE_PORTAL_SESSIONS_HPP_
