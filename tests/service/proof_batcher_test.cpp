// Tests for batching proofs by readiness (service/proof_batcher.hpp): an
// answer alone is signed at once, answers that wait together share one
// signed root, and every proof verifies on its own (issue 20).
#include "service/proof_batcher.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
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

// The server's path: ProveAsync returns at once and the proof comes to the
// callback from the signer's thread. With a cap of one signature a second,
// answers queued right after a signature wait for the next slot and share
// one root (the cap, not a delay in the test, holds them together).
TEST(ProofBatcherTest, OverTheSignatureCapAnswersShareTheNextRoot) {
  ProofBatcher proofs(
      NewKey(), [] { return kNow; }, nullptr, /*signatures_per_second=*/1);
  ASSERT_FALSE(proofs.Prove(Body(0)).empty());  // signed at once
  ASSERT_EQ(proofs.batches(), 1u);
  constexpr size_t kQueued = 5;
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string> got(kQueued);
  size_t left = kQueued;
  for (size_t i = 0; i < kQueued; ++i) {
    proofs.ProveAsync(Body(i + 1), [&, i](std::string proof, std::string failure) {
      EXPECT_TRUE(failure.empty()) << failure;
      std::lock_guard<std::mutex> lock(mu);
      got[i] = std::move(proof);
      if (--left == 0) cv.notify_one();
    });
  }
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return left == 0; });
  }
  std::set<std::string> roots;
  for (size_t i = 0; i < kQueued; ++i) {
    std::string why;
    auth::BatchProofInfo info;
    ASSERT_TRUE(auth::VerifyBatchProof(got[i], Body(i + 1), proofs.key().public_key(), &why, &info))
        << why;
    EXPECT_EQ(info.size, kQueued);
    roots.insert(info.root);
  }
  EXPECT_EQ(roots.size(), 1u);
  EXPECT_EQ(proofs.batches(), 2u);
  EXPECT_EQ(proofs.answers(), 1u + kQueued);
}

// The destructor signs what is still queued: no callback is lost.
TEST(ProofBatcherTest, AnswersQueuedAtDestructionAreStillProven) {
  std::atomic<int> proven{0};
  {
    ProofBatcher proofs(
        NewKey(), [] { return kNow; }, nullptr, /*signatures_per_second=*/1);
    ASSERT_FALSE(proofs.Prove(Body(0)).empty());
    for (size_t i = 0; i < 3; ++i) {
      proofs.ProveAsync(Body(i), [&](std::string proof, std::string failure) {
        if (!proof.empty() && failure.empty()) ++proven;
      });
    }
  }
  EXPECT_EQ(proven.load(), 3);
}

}  // namespace
}  // namespace onshi::service
