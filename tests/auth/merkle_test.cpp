// Tests for the RFC 9162 Merkle tree of batched proofs (auth/merkle.hpp).
#include "auth/merkle.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/hex.hpp"

namespace onshi::auth {
namespace {

std::string Hex(const MerkleHash& h) {
  return ToHex(h.data(), h.size());
}

// The eight leaves of Certificate Transparency's reference tests, and the
// roots of their first n (the known answers of RFC 6962 implementations).
const std::vector<std::string> kLeaves = {"",
                                          std::string("\x00", 1),
                                          "\x10",
                                          "\x20\x21",
                                          "\x30\x31",
                                          "\x40\x41\x42\x43",
                                          "\x50\x51\x52\x53\x54\x55\x56\x57",
                                          "\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d"
                                          "\x6e\x6f"};
const char* const kRoots[] = {
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

// RFC 9162 §2.1.1 and §2.1.3.1 written out recursively, as the RFC states
// them: the reference the level-by-level tree is checked against.
size_t SplitOf(size_t n) {
  size_t k = 1;
  while (k * 2 < n)
    k *= 2;
  return k;
}
MerkleHash Mth(const std::vector<MerkleHash>& d, size_t from, size_t n) {
  if (n == 1) return d[from];
  const size_t k = SplitOf(n);
  return MerkleNodeHash(Mth(d, from, k), Mth(d, from + k, n - k));
}
std::vector<MerkleHash> Path(const std::vector<MerkleHash>& d, size_t from, size_t n, size_t m) {
  if (n == 1) return {};
  const size_t k = SplitOf(n);
  std::vector<MerkleHash> p;
  if (m < k) {
    p = Path(d, from, k, m);
    p.push_back(Mth(d, from + k, n - k));
  } else {
    p = Path(d, from + k, n - k, m - k);
    p.push_back(Mth(d, from, k));
  }
  return p;
}

std::vector<MerkleHash> Leaves(size_t n) {
  std::vector<MerkleHash> out;
  for (size_t i = 0; i < n; ++i)
    out.push_back(MerkleLeafHash("leaf ", std::to_string(i)));
  return out;
}

TEST(MerkleTest, RootsMatchTheReferenceVectors) {
  for (size_t n = 1; n <= kLeaves.size(); ++n) {
    std::vector<MerkleHash> leaves;
    for (size_t i = 0; i < n; ++i)
      leaves.push_back(MerkleLeafHash("", kLeaves[i]));
    EXPECT_EQ(Hex(MerkleTree(leaves).root()), kRoots[n - 1]) << n << " leaves";
  }
}

TEST(MerkleTest, LeafHashIsTheConcatenationOfItsTwoParts) {
  EXPECT_EQ(MerkleLeafHash("ab", "cd"), MerkleLeafHash("", "abcd"));
  EXPECT_EQ(MerkleLeafHash("abcd", ""), MerkleLeafHash("a", "bcd"));
}

// Domain separation: a leaf whose data is the 64 bytes of two children does
// not hash like their parent.
TEST(MerkleTest, LeavesAndNodesAreHashedApart) {
  const MerkleHash a = MerkleLeafHash("", "a"), b = MerkleLeafHash("", "b");
  const std::string children = std::string(reinterpret_cast<const char*>(a.data()), a.size()) +
                               std::string(reinterpret_cast<const char*>(b.data()), b.size());
  EXPECT_NE(MerkleLeafHash("", children), MerkleNodeHash(a, b));
}

// Every size from 1 to 70 (1, 2, 3, 7 and 64 among them) and every index:
// root and path as the RFC defines them, and each path leads back.
TEST(MerkleTest, EveryPathOfEveryTreeUpTo70LeadsToTheRoot) {
  for (size_t n = 1; n <= 70; ++n) {
    const std::vector<MerkleHash> leaves = Leaves(n);
    const MerkleTree tree(leaves);
    ASSERT_EQ(tree.size(), n);
    ASSERT_EQ(tree.root(), Mth(leaves, 0, n)) << n;
    for (size_t i = 0; i < n; ++i) {
      const std::vector<MerkleHash> path = tree.AuditPath(i);
      ASSERT_EQ(path, Path(leaves, 0, n, i)) << "leaf " << i << " of " << n;
      const auto root = MerkleRootFromPath(i, n, leaves[i], path);
      ASSERT_TRUE(root.has_value()) << "leaf " << i << " of " << n;
      ASSERT_EQ(*root, tree.root()) << "leaf " << i << " of " << n;
    }
  }
}

TEST(MerkleTest, ASingleLeafIsItsOwnRootWithAnEmptyPath) {
  const std::vector<MerkleHash> one = Leaves(1);
  const MerkleTree tree(one);
  EXPECT_EQ(tree.root(), one[0]);
  EXPECT_TRUE(tree.AuditPath(0).empty());
  EXPECT_EQ(MerkleRootFromPath(0, 1, one[0], {}), one[0]);
}

TEST(MerkleTest, PathsOfTheWrongShapeAreRefused) {
  const std::vector<MerkleHash> leaves = Leaves(7);
  const MerkleTree tree(leaves);
  const std::vector<MerkleHash> path = tree.AuditPath(3);
  EXPECT_FALSE(MerkleRootFromPath(7, 7, leaves[3], path).has_value());  // index outside
  EXPECT_FALSE(MerkleRootFromPath(3, 0, leaves[3], path).has_value());  // empty tree
  std::vector<MerkleHash> longer = path;
  longer.push_back(leaves[0]);
  EXPECT_FALSE(MerkleRootFromPath(3, 7, leaves[3], longer).has_value());
  std::vector<MerkleHash> shorter(path.begin(), path.end() - 1);
  EXPECT_FALSE(MerkleRootFromPath(3, 7, leaves[3], shorter).has_value());
  // Another leaf, index or size leads elsewhere.
  EXPECT_NE(MerkleRootFromPath(3, 7, leaves[2], path), tree.root());
  EXPECT_NE(MerkleRootFromPath(2, 7, leaves[3], path), tree.root());
  // The size enters only through the path's shape: leaf 3 sits in a full
  // left subtree of four, so trees of 5 to 8 leaves walk its path alike.
  // That is why the size is inside the signed root (batch_proof.hpp).
  EXPECT_EQ(MerkleRootFromPath(3, 8, leaves[3], path), tree.root());
  EXPECT_FALSE(MerkleRootFromPath(5, 6, leaves[5], tree.AuditPath(5)).has_value());
}

TEST(MerkleTest, AnEmptyTreeIsRefused) {
  EXPECT_THROW(MerkleTree(std::vector<MerkleHash>{}), std::invalid_argument);
}

}  // namespace
}  // namespace onshi::auth
