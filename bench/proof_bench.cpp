// Batched proofs of check (auth/batch_proof.hpp, service/proof_batcher.hpp):
// what one signed root costs, what each answer of a batch costs, and the
// verifier's side. Reference in the same run: a bare SHA-256 of the same
// 1,500-byte body (BM_Reference_Sha256Body), the least any proof over the
// body's bytes must spend; the README gives each figure as a ratio to it.
#include <benchmark/benchmark.h>

#include <openssl/evp.h>
#include <condition_variable>
#include <mutex>

#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "auth/batch_proof.hpp"
#include "auth/es256_key.hpp"
#include "auth/merkle.hpp"
#include "service/proof_batcher.hpp"

namespace {

using namespace onshi;

// The size of a typical OQS answer (see BM_ServerSideCheck's response_bytes).
const std::string& Body() {
  static const std::string body(1500, 'x');
  return body;
}

const auth::Es256SigningKey& Key() {
  static const auth::Es256SigningKey key = [] {
    auto k = auth::Es256SigningKey::Generate();
    if (!k.ok()) std::abort();
    return std::move(k).value();
  }();
  return key;
}

void BM_Reference_Sha256Body(benchmark::State& state) {
  unsigned char out[32];
  for (auto _ : state) {
    EVP_Digest(Body().data(), Body().size(), out, nullptr, EVP_sha256(), nullptr);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_Reference_Sha256Body);

// One ES256 signature over a root: the cost a batch shares.
void BM_RootSignature(benchmark::State& state) {
  const auth::RootSigner signer(Key());
  const auth::MerkleHash root = auth::MerkleLeafHash("", Body());
  for (auto _ : state)
    benchmark::DoNotOptimize(signer.Sign(root, 1, 1764720000));
  state.counters["signatures_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RootSignature);

// A whole batch of n answers as the signer makes it: each answer's salted
// leaf hash, the tree, one signature, n encoded proofs. Reported per answer
// (items).
void BM_BatchProofPerAnswer(benchmark::State& state) {
  const auth::RootSigner signer(Key());
  const size_t n = static_cast<size_t>(state.range(0));
  const std::string salt(auth::kProofSaltBytes, 's');
  for (auto _ : state) {
    std::vector<auth::MerkleHash> leaves;
    leaves.reserve(n);
    for (size_t i = 0; i < n; ++i)
      leaves.push_back(auth::AnswerLeafHash(salt, Body()));
    const auth::MerkleTree tree(std::move(leaves));
    const std::string root = signer.Sign(tree.root(), n, 1764720000);
    for (size_t i = 0; i < n; ++i)
      benchmark::DoNotOptimize(auth::EncodeBatchProof(i, salt, tree.AuditPath(i), root));
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(n));
}
BENCHMARK(BM_BatchProofPerAnswer)->Arg(1)->Arg(2)->Arg(8)->Arg(64);

// The batcher itself under load from `threads` answer threads (the server's
// pool): Prove per answer, batching by readiness. On 2 cores the batches
// stay small; the figure is answers/s and signatures/s at full load.
void BM_ProofBatcherUnderLoad(benchmark::State& state) {
  static service::ProofBatcher* batcher = nullptr;
  if (state.thread_index() == 0) {
    batcher = new service::ProofBatcher(Key(), [] { return std::time_t{1764720000}; });
  }
  // Google Benchmark starts the timed loop of all threads together, after
  // thread 0's setup above.
  for (auto _ : state)
    benchmark::DoNotOptimize(batcher->Prove(Body()));
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) {
    state.counters["answers_per_signature"] =
        static_cast<double>(batcher->answers()) / static_cast<double>(batcher->batches());
    state.counters["signatures_per_s"] =
        benchmark::Counter(static_cast<double>(batcher->batches()), benchmark::Counter::kIsRate);
    // Every thread has left its timed loop (the loop ends on a barrier).
    delete batcher;
    batcher = nullptr;
  }
}
BENCHMARK(BM_ProofBatcherUnderLoad)->Threads(1)->Threads(2)->Threads(8)->Threads(32)->UseRealTime();

// The server's way (ProveAsync): 64 answers in flight at once, as 64
// connections keep them, each proven on the signer thread while the caller
// goes on. Arg: the signing-rate cap (0 = none; `onshi serve` uses 2000).
void BM_ProofBatcherAsync(benchmark::State& state) {
  service::ProofBatcher batcher(
      Key(), [] { return std::time_t{1764720000}; }, nullptr,
      static_cast<unsigned>(state.range(0)));
  constexpr int kInFlight = 64;
  const std::string body = Body();
  for (auto _ : state) {
    std::mutex mu;
    std::condition_variable cv;
    int left = kInFlight;
    for (int i = 0; i < kInFlight; ++i) {
      batcher.ProveAsync(body, [&](std::string proof, std::string) {
        benchmark::DoNotOptimize(proof);
        std::lock_guard<std::mutex> lock(mu);
        if (--left == 0) cv.notify_one();
      });
    }
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return left == 0; });
  }
  state.SetItemsProcessed(state.iterations() * kInFlight);
  state.counters["answers_per_signature"] =
      static_cast<double>(batcher.answers()) / static_cast<double>(batcher.batches());
}
BENCHMARK(BM_ProofBatcherAsync)->Arg(0)->Arg(2000)->UseRealTime();

// The verifier: one answer checked offline (`onshi proof verify`).
void BM_VerifyBatchProof(benchmark::State& state) {
  const auth::RootSigner signer(Key());
  const std::string salt(auth::kProofSaltBytes, 's');
  std::vector<auth::MerkleHash> leaves(64, auth::AnswerLeafHash(salt, Body()));
  const auth::MerkleTree tree(leaves);
  const std::string proof =
      auth::EncodeBatchProof(5, salt, tree.AuditPath(5), signer.Sign(tree.root(), 64, 1));
  for (auto _ : state)
    benchmark::DoNotOptimize(auth::VerifyBatchProof(proof, Body(), Key().public_key()));
}
BENCHMARK(BM_VerifyBatchProof);

}  // namespace

BENCHMARK_MAIN();
