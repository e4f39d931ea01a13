// Merkle trees as RFC 9162 §2.1 (Certificate Transparency 2.0) defines them,
// for batched proofs of check (batch_proof.hpp): many answers become the
// leaves of one tree whose root is signed once.
//
//   leaf hash  = SHA-256(0x00 || leaf data)
//   node hash  = SHA-256(0x01 || left || right)
//   MTH({d0})  = leaf hash of d0
//   MTH(D[n])  = node hash of MTH(D[0:k]) and MTH(D[k:n]), k the largest
//                power of two smaller than n
//
// The 0x00/0x01 prefixes (domain separation) keep a leaf from ever passing
// for an inner node: without them, the 64 bytes of two children could be
// presented as a leaf and a shorter tree would "contain" it.
//
// Pure computation: no I/O, no clock; thread-safe (nothing shared).
#ifndef ONSHI_AUTH_MERKLE_HPP_
#define ONSHI_AUTH_MERKLE_HPP_

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace onshi::auth {

inline constexpr size_t kMerkleHashBytes = 32;
using MerkleHash = std::array<unsigned char, kMerkleHashBytes>;

// SHA-256(0x00 || prefix || data): the leaf hash of the leaf data
// prefix||data, taken in two parts so that a large body need not be copied.
MerkleHash MerkleLeafHash(std::string_view prefix, std::string_view data);
// SHA-256(0x01 || left || right).
MerkleHash MerkleNodeHash(const MerkleHash& left, const MerkleHash& right);

// A tree over leaf hashes, every level kept, so that the root and each
// leaf's audit path are read off without hashing again. Building it costs
// n - 1 node hashes for n leaves.
class MerkleTree {
 public:
  // `leaves` must not be empty (RFC 9162 defines the empty tree's hash,
  // but a batch of no answers is never signed).
  explicit MerkleTree(std::vector<MerkleHash> leaves);

  size_t size() const { return levels_.front().size(); }
  const MerkleHash& root() const { return levels_.back().front(); }
  // The RFC 9162 §2.1.3.1 inclusion proof PATH(index, D[n]): sibling
  // hashes from the leaf up to the root, ceil(log2 n) of them at most.
  // `index` must be < size().
  std::vector<MerkleHash> AuditPath(size_t index) const;

 private:
  // levels_[0] = leaf hashes; levels_[k+1] pairs levels_[k], and an odd last
  // node moves up unchanged. That is the same tree as MTH's split at the
  // largest power of two (the left subtrees are always full).
  std::vector<std::vector<MerkleHash>> levels_;
};

// RFC 9162 §2.1.3.2: the root that `path` leads to from the leaf hash
// `leaf` at `index` of a tree of `size` leaves, or nullopt when the path
// cannot belong to such a leaf (index >= size, or a path too short or too
// long for that position). The caller compares the result with the root it
// trusts.
std::optional<MerkleHash> MerkleRootFromPath(uint64_t index, uint64_t size, const MerkleHash& leaf,
                                             const std::vector<MerkleHash>& path);

}  // namespace onshi::auth

#endif  // ONSHI_AUTH_MERKLE_HPP_
