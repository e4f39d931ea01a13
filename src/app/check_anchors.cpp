#include "app/check_anchors.hpp"

#include <openssl/evp.h>

#include <filesystem>
#include <iostream>
#include <system_error>

#include "core/hex.hpp"
#include "service/check_log.hpp"

namespace onshi::app {
namespace {

namespace fs = std::filesystem;

constexpr const char* kFiles[] = {"audit-anchor.key", "audit-anchors.log", "audit-anchors.lock"};

std::string Legacy(const std::string& ca_dir) {
  return ca_dir + "/check-anchors";
}

bool HasKey(const std::string& dir) {
  std::error_code ec;
  return fs::exists(dir + "/audit-anchor.key", ec);
}

// Moves the earlier layout's anchors into `dir` if they are the anchors of
// the log in `check_log_dir`.
void AdoptLegacy(const std::string& ca_dir, const std::string& check_log_dir,
                 const std::string& dir) {
  const std::string legacy = Legacy(ca_dir);
  if (!HasKey(legacy) || HasKey(dir)) return;
  const std::unique_ptr<store::AuditAnchors> old = store::AuditAnchors::OpenExisting(legacy);
  const store::AuditVerification v = service::VerifyCheckLog(check_log_dir, old.get());
  if (!v.intact || v.anchored_through == 0) {
    std::cerr << "onshi: WARNING: the check log anchors in " << legacy
              << " are not those of the check log " << check_log_dir << " ("
              << (v.intact ? "none of its records is anchored there" : v.problem)
              << "); they are left where they are, and the log's anchors start in " << dir << "\n";
    return;
  }
  std::error_code ec;
  fs::create_directory(dir, ec);
  fs::permissions(dir, fs::perms::owner_all, ec);
  for (const char* name : kFiles) {
    if (fs::exists(legacy + "/" + name, ec)) fs::rename(legacy + "/" + name, dir + "/" + name);
  }
}

}  // namespace

std::string CheckAnchorsDir(const std::string& ca_dir, const std::string& check_log_dir) {
  std::error_code ec;
  fs::path path = fs::weakly_canonical(fs::absolute(check_log_dir), ec);
  if (ec) path = fs::absolute(check_log_dir).lexically_normal();
  std::string text = path.string();
  while (text.size() > 1 && text.back() == '/')
    text.pop_back();
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(text.data(), text.size(), md, &len, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed");
  }
  return Legacy(ca_dir) + "/" + ToHex(md, 8);
}

std::unique_ptr<store::AuditAnchors> OpenCheckAnchors(const std::string& ca_dir,
                                                      const std::string& check_log_dir) {
  const std::string dir = CheckAnchorsDir(ca_dir, check_log_dir);
  std::error_code ec;
  fs::create_directory(Legacy(ca_dir), ec);
  fs::permissions(Legacy(ca_dir), fs::perms::owner_all, ec);
  AdoptLegacy(ca_dir, check_log_dir, dir);
  return store::AuditAnchors::OpenOrCreate(dir);
}

std::unique_ptr<store::AuditAnchors> ExistingCheckAnchors(const std::string& ca_dir,
                                                          const std::string& check_log_dir) {
  const std::string dir = CheckAnchorsDir(ca_dir, check_log_dir);
  if (HasKey(dir)) return store::AuditAnchors::OpenExisting(dir);
  return store::AuditAnchors::OpenExisting(Legacy(ca_dir));
}

}  // namespace onshi::app
