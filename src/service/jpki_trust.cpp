#include "service/jpki_trust.hpp"

#include <sys/stat.h>

namespace onshi::service {

Expected<std::unique_ptr<JpkiTrust>> JpkiTrust::Open(const std::string& dir, std::time_t now,
                                                     std::time_t wall) {
  auto ca = jpki::JpkiCa::LoadOrCreate(dir, now, wall);
  if (!ca.ok()) return ca.error();
  return std::unique_ptr<JpkiTrust>(
      new JpkiTrust(dir, std::make_shared<const jpki::JpkiCa>(std::move(ca).value())));
}

JpkiTrust::JpkiTrust(std::string dir, std::shared_ptr<const jpki::JpkiCa> ca)
    : dir_(std::move(dir)), ca_(std::move(ca)) {
  stamp_ = Stamp();
}

std::string JpkiTrust::Stamp() const {
  std::string s;
  for (const char* name : {"/issued.txt", "/revoked.txt"}) {
    struct stat st {};
    if (::stat((dir_ + name).c_str(), &st) == 0) {
      s += std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) + "." +
           std::to_string(st.st_mtim.tv_nsec) + ";";
    } else {
      s += "-;";
    }
  }
  return s;
}

std::shared_ptr<const jpki::JpkiCa> JpkiTrust::Current() {
  // Two stat calls per card check (microseconds, next to an RSA
  // verification): a change is seen by the very next check.
  std::lock_guard<std::mutex> lock(mu_);
  std::string stamp = Stamp();
  if (stamp == stamp_) return ca_;
  auto fresh = jpki::JpkiCa::Load(dir_);
  if (fresh.ok()) {  // a half-written state file fails to load: keep the last good CA
    ca_ = std::make_shared<const jpki::JpkiCa>(std::move(fresh).value());
    stamp_ = std::move(stamp);
  }
  return ca_;
}

}  // namespace onshi::service
