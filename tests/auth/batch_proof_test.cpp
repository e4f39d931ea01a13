// Tests for batched proofs of check (auth/batch_proof.hpp,
// docs/proof-format.md): one signature over a Merkle root vouches for each
// answer of its batch, offline, and no byte of an answer or its proof can
// change unnoticed (issue 20).
#include "auth/batch_proof.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "auth/base64url.hpp"
#include "auth/flat_json.hpp"

namespace onshi::auth {
namespace {

constexpr int64_t kIssuedAt = 1764720000;

Es256SigningKey NewKey() {
  auto key = Es256SigningKey::Generate();
  if (!key.ok()) std::abort();
  return std::move(key).value();
}

// A batch as the service makes one: bodies, their salts, the tree, one
// signed root and a proof per answer.
struct Batch {
  std::vector<std::string> bodies, proofs;
};

Batch MakeBatch(const RootSigner& signer, size_t n) {
  Batch b;
  std::vector<std::string> salts;
  std::vector<MerkleHash> leaves;
  for (size_t i = 0; i < n; ++i) {
    b.bodies.push_back("{\"Validity\":\"1\",\"answer\":" + std::to_string(i) + "}");
    std::string salt(kProofSaltBytes, '\0');
    for (size_t k = 0; k < salt.size(); ++k)
      salt[k] = static_cast<char>(i * 31 + k * 7 + 1);
    salts.push_back(salt);
    leaves.push_back(AnswerLeafHash(salt, b.bodies.back()));
  }
  const MerkleTree tree(leaves);
  const std::string root = signer.Sign(tree.root(), n, kIssuedAt);
  for (size_t i = 0; i < n; ++i)
    b.proofs.push_back(EncodeBatchProof(i, salts[i], tree.AuditPath(i), root));
  return b;
}

class BatchProofTest : public ::testing::Test {
 protected:
  const RootSigner signer_{NewKey()};
  const Es256PublicKey& key() const { return signer_.key().public_key(); }
};

TEST_F(BatchProofTest, ASingleAnswerVerifiesWithThePublicKeyAlone) {
  const Batch b = MakeBatch(signer_, 1);
  // Only the public JWK, as a terminal keeps it.
  auto pub = Es256PublicKey::FromJwk(key().jwk());
  ASSERT_TRUE(pub.ok());
  std::string why;
  BatchProofInfo info;
  ASSERT_TRUE(VerifyBatchProof(b.proofs[0], b.bodies[0], *pub, &why, &info)) << why;
  EXPECT_EQ(info.index, 0u);
  EXPECT_EQ(info.size, 1u);
  EXPECT_EQ(info.issued_at, kIssuedAt);
  // Leaf 0 of 1: empty path.
  EXPECT_EQ(b.proofs[0].substr(0, 2), "0.");
}

TEST_F(BatchProofTest, EveryAnswerOfBatchesOf1To64VerifiesAndOnlyWithItsOwnBody) {
  for (size_t n : {1u, 2u, 3u, 7u, 64u}) {
    const Batch b = MakeBatch(signer_, n);
    for (size_t i = 0; i < n; ++i) {
      std::string why;
      BatchProofInfo info;
      ASSERT_TRUE(VerifyBatchProof(b.proofs[i], b.bodies[i], key(), &why, &info))
          << "answer " << i << " of " << n << ": " << why;
      EXPECT_EQ(info.index, i);
      EXPECT_EQ(info.size, n);
      // Another answer's body under this proof: refused.
      if (n > 1) {
        EXPECT_FALSE(VerifyBatchProof(b.proofs[i], b.bodies[(i + 1) % n], key()))
            << "answer " << i << " of " << n;
      }
    }
  }
}

TEST_F(BatchProofTest, TamperingWithAnyByteOfTheBodyIsCaught) {
  const Batch b = MakeBatch(signer_, 7);
  const std::string& body = b.bodies[5];
  for (size_t i = 0; i < body.size(); ++i) {
    std::string changed = body;
    changed[i] = static_cast<char>(changed[i] ^ 0x01);
    ASSERT_FALSE(VerifyBatchProof(b.proofs[5], changed, key())) << "body byte " << i;
  }
  EXPECT_FALSE(VerifyBatchProof(b.proofs[5], body + " ", key()));
  EXPECT_FALSE(VerifyBatchProof(b.proofs[5], body.substr(1), key()));
  EXPECT_FALSE(VerifyBatchProof(b.proofs[5], "", key()));
}

// Each byte of the proof (index, salt, path, and the signed root's header,
// payload and signature), changed to two other values, removed, or doubled:
// refused every time.
TEST_F(BatchProofTest, TamperingWithAnyByteOfIndexPathOrSignedRootIsCaught) {
  for (size_t n : {2u, 7u, 64u}) {
    const Batch b = MakeBatch(signer_, n);
    const size_t at = n - 2;  // a leaf with a full-length path
    const std::string& proof = b.proofs[at];
    const std::string& body = b.bodies[at];
    ASSERT_TRUE(VerifyBatchProof(proof, body, key()));
    for (size_t i = 0; i < proof.size(); ++i) {
      for (char c : {static_cast<char>(proof[i] ^ 0x01), proof[i] == 'A' ? 'B' : 'A'}) {
        std::string changed = proof;
        changed[i] = c;
        ASSERT_FALSE(VerifyBatchProof(changed, body, key()))
            << "batch " << n << ", byte " << i << " set to '" << c << "' in " << proof;
      }
      std::string removed = proof;
      removed.erase(i, 1);
      ASSERT_FALSE(VerifyBatchProof(removed, body, key())) << "byte " << i << " removed";
      std::string doubled = proof;
      doubled.insert(i, 1, proof[i]);
      ASSERT_FALSE(VerifyBatchProof(doubled, body, key())) << "byte " << i << " doubled";
    }
  }
}

TEST_F(BatchProofTest, PartsOfAnotherBatchOrAnotherIndexAreRefused) {
  const Batch a = MakeBatch(signer_, 7);
  const Batch b = MakeBatch(signer_, 7);  // same bodies and salts, new signature
  ASSERT_TRUE(VerifyBatchProof(b.proofs[3], a.bodies[3], key()));
  // The path of leaf 3 presented as leaf 2's, with index 2.
  std::string moved = a.proofs[3];
  moved[0] = '2';
  std::string why;
  EXPECT_FALSE(VerifyBatchProof(moved, a.bodies[3], key(), &why));
  EXPECT_NE(why.find("signed root"), std::string::npos) << why;
  // A leading zero is not the index "3".
  EXPECT_FALSE(VerifyBatchProof("0" + a.proofs[3], a.bodies[3], key(), &why));
  EXPECT_NE(why.find("index"), std::string::npos) << why;
  // Another key's root.
  const RootSigner other{NewKey()};
  const Batch c = MakeBatch(other, 7);
  EXPECT_FALSE(VerifyBatchProof(c.proofs[3], c.bodies[3], key(), &why));
  EXPECT_NE(why.find("another key"), std::string::npos) << why;
}

TEST_F(BatchProofTest, APathThatDoesNotFitTheTreeSizeIsRefused) {
  const Batch b = MakeBatch(signer_, 7);
  // Drop the last hash of the path (43 base64url characters cover 32 bytes
  // only with the rest, so rebuild it): a path one hash short.
  const std::string& p = b.proofs[1];
  const size_t d1 = p.find('.'), d2 = p.find('.', d1 + 1), d3 = p.find('.', d2 + 1);
  auto path = Base64UrlDecode(p.substr(d2 + 1, d3 - d2 - 1));
  ASSERT_TRUE(path.has_value());
  ASSERT_EQ(path->size(), 3 * kMerkleHashBytes);
  const std::string shorter =
      p.substr(0, d2 + 1) + Base64UrlEncode(path->substr(0, 2 * kMerkleHashBytes)) + p.substr(d3);
  std::string why;
  EXPECT_FALSE(VerifyBatchProof(shorter, b.bodies[1], key(), &why));
  EXPECT_NE(why.find("does not fit"), std::string::npos) << why;
}

TEST_F(BatchProofTest, TheSignedRootSaysItsTypeAndKey) {
  const Batch b = MakeBatch(signer_, 3);
  const std::string& p = b.proofs[0];
  size_t dot = 0;
  for (int i = 0; i < 3; ++i)
    dot = p.find('.', dot) + 1;
  const auto header = Base64UrlDecode(p.substr(dot, p.find('.', dot) - dot));
  ASSERT_TRUE(header.has_value());
  auto h = FlatJsonObject::Parse(*header);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->GetString("alg"), "ES256");
  EXPECT_EQ(h->GetString("typ"), "oqs-batch-proof");
  EXPECT_EQ(h->GetString("kid"), key().key_id());
}

}  // namespace
}  // namespace onshi::auth
