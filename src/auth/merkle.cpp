#include "auth/merkle.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace onshi::auth {
namespace {

// A digest context for each thread (the functions are called from many
// threads at once), kept: every answer hashes its leaf.
struct ThreadContext {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~ThreadContext() { EVP_MD_CTX_free(ctx); }
};

// One SHA-256 over the concatenation of `parts`.
MerkleHash Sha256(unsigned char tag, std::initializer_list<std::string_view> parts) {
  // Fetched once: EVP_sha256() would look the provider's implementation up
  // on every hash.
  static EVP_MD* const kSha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  thread_local ThreadContext context;
  EVP_MD_CTX* ctx = context.ctx;
  MerkleHash out;
  bool ok = kSha256 != nullptr && ctx != nullptr && EVP_DigestInit_ex(ctx, kSha256, nullptr) == 1 &&
            EVP_DigestUpdate(ctx, &tag, 1) == 1;
  for (std::string_view p : parts)
    ok = ok && EVP_DigestUpdate(ctx, p.data(), p.size()) == 1;
  unsigned int n = 0;
  ok = ok && EVP_DigestFinal_ex(ctx, out.data(), &n) == 1 && n == out.size();
  // Only an allocation failure inside OpenSSL gets here.
  if (!ok) throw std::runtime_error("SHA-256 failed");
  return out;
}

std::string_view View(const MerkleHash& h) {
  return {reinterpret_cast<const char*>(h.data()), h.size()};
}

}  // namespace

MerkleHash MerkleLeafHash(std::string_view prefix, std::string_view data) {
  return Sha256(0x00, {prefix, data});
}

MerkleHash MerkleNodeHash(const MerkleHash& left, const MerkleHash& right) {
  return Sha256(0x01, {View(left), View(right)});
}

MerkleTree::MerkleTree(std::vector<MerkleHash> leaves) {
  if (leaves.empty()) throw std::invalid_argument("a Merkle tree needs at least one leaf");
  levels_.push_back(std::move(leaves));
  while (levels_.back().size() > 1) {
    const std::vector<MerkleHash>& below = levels_.back();
    std::vector<MerkleHash> up;
    up.reserve((below.size() + 1) / 2);
    for (size_t i = 0; i + 1 < below.size(); i += 2)
      up.push_back(MerkleNodeHash(below[i], below[i + 1]));
    if (below.size() % 2 == 1) up.push_back(below.back());
    levels_.push_back(std::move(up));
  }
}

std::vector<MerkleHash> MerkleTree::AuditPath(size_t index) const {
  if (index >= size()) throw std::out_of_range("leaf index outside the tree");
  std::vector<MerkleHash> path;
  for (size_t k = 0; k + 1 < levels_.size(); ++k) {
    const size_t sibling = index ^ 1;
    // No sibling: the node moves up unchanged and adds nothing to the path.
    if (sibling < levels_[k].size()) path.push_back(levels_[k][sibling]);
    index >>= 1;
  }
  return path;
}

std::optional<MerkleHash> MerkleRootFromPath(uint64_t index, uint64_t size, const MerkleHash& leaf,
                                             const std::vector<MerkleHash>& path) {
  // The algorithm of RFC 9162 §2.1.3.2, step by step.
  if (index >= size) return std::nullopt;
  uint64_t fn = index, sn = size - 1;
  MerkleHash r = leaf;
  for (const MerkleHash& p : path) {
    if (sn == 0) return std::nullopt;  // more hashes than the tree has levels
    if ((fn & 1) == 1 || fn == sn) {
      r = MerkleNodeHash(p, r);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = MerkleNodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return std::nullopt;  // fewer hashes than the path needs
  return r;
}

}  // namespace onshi::auth
