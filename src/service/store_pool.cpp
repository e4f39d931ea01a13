#include "service/store_pool.hpp"

#include <atomic>
#include <map>

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

std::unique_ptr<store::Store> StorePool::OpenOwned() const {
  return store::OpenStore(location_, key_file_);
}

}  // namespace onshi::service
