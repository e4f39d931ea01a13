#include "service/portal_sessions.hpp"

#include <openssl/rand.h>
#include <openssl/sha.h>

#include <stdexcept>

#include "auth/base64url.hpp"
#include "core/hex.hpp"

namespace onshi::service {
namespace {

std::string Key(std::string_view token) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), digest);
  return ToHex(digest, sizeof(digest));
}

}  // namespace

bool PortalSessions::Expired(const PortalSession& s, std::time_t now) const {
  return now - s.last_seen >= options_.idle_seconds ||
         now - s.logged_in_at >= options_.absolute_seconds;
}

std::string PortalSessions::Open(int64_t person_id, int64_t card_id, std::time_t now) {
  unsigned char raw[32];
  if (RAND_bytes(raw, sizeof(raw)) != 1) throw std::runtime_error("no randomness for a session");
  const std::string token =
      auth::Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(raw), sizeof(raw)));
  std::lock_guard<std::mutex> lock(mutex_);
  if (sessions_.size() >= options_.capacity) {
    // Expired ones first; if none, the one that logged in longest ago.
    for (auto it = sessions_.begin(); it != sessions_.end();) {
      it = Expired(it->second, now) ? sessions_.erase(it) : std::next(it);
    }
    if (sessions_.size() >= options_.capacity && !sessions_.empty()) {
      auto oldest = sessions_.begin();
      for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
        if (it->second.logged_in_at < oldest->second.logged_in_at) oldest = it;
      }
      sessions_.erase(oldest);
    }
  }
  sessions_[Key(token)] = PortalSession{person_id, card_id, now, now};
  return token;
}

std::optional<PortalSession> PortalSessions::Find(std::string_view token, std::time_t now) {
  if (token.size() != 43) return std::nullopt;
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = sessions_.find(Key(token));
  if (it == sessions_.end()) return std::nullopt;
  if (Expired(it->second, now)) {
    sessions_.erase(it);
    return std::nullopt;
  }
  it->second.last_seen = now;
  return it->second;
}

void PortalSessions::Close(std::string_view token) {
  std::lock_guard<std::mutex> lock(mutex_);
  sessions_.erase(Key(token));
}

size_t PortalSessions::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return sessions_.size();
}

}  // namespace onshi::service
