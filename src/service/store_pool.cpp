#include "service/store_pool.hpp"

#include <atomic>
#include <map>
#include <regex>

namespace onshi::service {

uint64_t StorePool::NextGeneration() {
  static std::atomic<uint64_t> next{1};
  return next.fetch_add(1);
}

store::Store& StorePool::ForThisThread() {
  thread_local std::map<uint64_t, std::unique_ptr<store::Store>> stores;
  auto& slot = stores[generation_];
  if (!slot) slot = OpenOwned();
  return *slot;
}

store::Store& StorePool::ReplicaForThisThread() {
  if (replica_.empty()) return ForThisThread();
  thread_local std::map<uint64_t, std::unique_ptr<store::Store>> stores;
  auto& slot = stores[generation_];
  if (!slot) slot = OpenOwnedReplica();
  return *slot;
}

std::unique_ptr<store::Store> StorePool::OpenOwned() const {
  return store::OpenStore(location_, key_file_);
}

std::unique_ptr<store::Store> StorePool::OpenOwnedReplica() const {
  if (replica_.empty()) return nullptr;
  return store::OpenStore(replica_, key_file_, /*migrate=*/false);
}

std::string RedactLocation(const std::string& location) {
  // URI userinfo "user:password@" and key=value "password=…" (libpq's two
  // spellings of a connection string).
  static const std::regex uri_password(R"(^([a-z]+://[^:/@]*):[^@]*@)");
  static const std::regex kv_password(R"((^|\s)password\s*=\s*('[^']*'|\S*))");
  static const std::regex query_password(R"(([?&])password=[^&]*&?)");
  std::string out = std::regex_replace(location, uri_password, "$1@");
  out = std::regex_replace(out, kv_password, "$1");
  out = std::regex_replace(out, query_password, "$1");
  return out;
}

}  // namespace onshi::service
