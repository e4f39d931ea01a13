// Tests for batching proofs by readiness (service/proof_batcher.hpp): an
// answer alone is signed at once, answers that wait together share one
// signed root, and every proof verifies on its own (issue 20).
#include "service/proof_batcher.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace onshi::service {
namespace {

constexpr std::time_t kNow = 1764720000;

auth::Es256SigningKey NewKey() {
  auto key = auth::Es256SigningKey::Generate();
  if (!key.ok()) std::abort();
  return std::move(key).value();
}

std::string Body(size_t i) {
  return "{\"answer\":" + std::to_string(i) + "}";
}

TEST(ProofBatcherTest, AnAnswerAloneIsABatchOfOneSignedAtOnce) {
  http::Metrics metrics;
  ProofBatcher proofs(
      NewKey(), [] { return kNow; }, &metrics);
  for (size_t i = 0; i < 3; ++i) {
    const std::string proof = proofs.Prove(Body(i));
    std::string why;
    auth::BatchProofInfo info;
    ASSERT_TRUE(auth::VerifyBatchProof(proof, Body(i), proofs.key().public_key(), &why, &info))
        << why;
    EXPECT_EQ(info.size, 1u);
    EXPECT_EQ(info.index, 0u);
    EXPECT_EQ(info.issued_at, kNow);
  }
  EXPECT_EQ(proofs.batches(), 3u);
  EXPECT_EQ(proofs.answers(), 3u);
  EXPECT_NE(metrics.Render().find("onshi_proof_batches_total 3"), std::string::npos)
      << metrics.Render();
}

// The signer held until eight answers wait (the test hook, a condition and
// not a delay): the eight share one root, and each verifies alone.
TEST(ProofBatcherTest, AnswersWaitingTogetherShareOneSignedRoot) {
  ProofBatcher proofs(NewKey(), [] { return kNow; });
  proofs.GatherNextBatch(8);
  std::vector<std::string> got(8);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < got.size(); ++i)
    threads.emplace_back([&, i] { got[i] = proofs.Prove(Body(i)); });
  for (std::thread& t : threads)
    t.join();
  std::set<std::string> roots;
  std::set<uint64_t> indices;
  for (size_t i = 0; i < got.size(); ++i) {
    std::string why;
    auth::BatchProofInfo info;
    ASSERT_TRUE(auth::VerifyBatchProof(got[i], Body(i), proofs.key().public_key(), &why, &info))
        << why;
    EXPECT_EQ(info.size, 8u);
    roots.insert(info.root);
    indices.insert(info.index);
    // Not another answer's proof.
    EXPECT_FALSE(auth::VerifyBatchProof(got[i], Body((i + 1) % 8), proofs.key().public_key()));
  }
  EXPECT_EQ(roots.size(), 1u);
  EXPECT_EQ(indices.size(), 8u);
  EXPECT_EQ(proofs.batches(), 1u);
  // The hook held one batch only: the next answer is signed alone, at once.
  EXPECT_FALSE(proofs.Prove("x").empty());
  EXPECT_EQ(proofs.batches(), 2u);
}

// Under load from many threads, without the hook: every proof verifies and
// no answer is lost or signed twice (how many batches there are depends on
// the scheduler, so only the bounds are checked).
TEST(ProofBatcherTest, EveryProofUnderConcurrentLoadVerifies) {
  ProofBatcher proofs(NewKey(), [] { return kNow; });
  constexpr size_t kThreads = 12, kEach = 40;
  std::vector<std::vector<std::string>> got(kThreads);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (size_t k = 0; k < kEach; ++k)
        got[t].push_back(proofs.Prove(Body(t * 1000 + k)));
    });
  }
  for (std::thread& t : threads)
    t.join();
  for (size_t t = 0; t < kThreads; ++t) {
    for (size_t k = 0; k < kEach; ++k) {
      std::string why;
      ASSERT_TRUE(
          auth::VerifyBatchProof(got[t][k], Body(t * 1000 + k), proofs.key().public_key(), &why))
          << why;
    }
  }
  EXPECT_EQ(proofs.answers(), kThreads * kEach);
  EXPECT_GE(proofs.batches(), 1u);
  EXPECT_LE(proofs.batches(), kThreads * kEach);
}

}  // namespace
}  // namespace onshi::service
