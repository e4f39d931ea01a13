// ProofBatcher: the X-OQS-Proof of every answer, one ES256 signature per
// batch of answers (auth/batch_proof.hpp; docs/proof-format.md).
//
// Batching by readiness, as group commit does it: an answer joins the queue
// and, if no one is signing, signs at once on its own thread everything
// queued (itself included). Answers that arrive while a batch is being
// signed queue up; when the signature is done, the signer wakes the answers
// it signed and hands the role to the first answer queued, which signs all
// that piled up as the next batch. So at low load an answer waits for no
// one (a batch of one, signed by the thread that made it), and under load
// the signer is never idle while answers wait, with batches as large as the
// answers that arrived during one signature. There is no timer and no batch
// size to tune.
//
// "The signer" is a role, not a thread of its own: a dedicated signer
// thread cost each answer two hand-overs between threads (123 µs per
// answer alone against 33 µs, bench/proof_bench.cpp on the 2-core machine),
// and among many busy threads the scheduler gives it only its fair share.
// Each waiting answer sleeps on its own condition, so a finished batch
// wakes exactly its answers and the next signer, never the whole queue.
//
// The leaf hashes are computed by each answer's own thread before it
// queues; the signer builds the tree (n - 1 hashes), signs once and cuts
// the paths. Thread-safe.
#ifndef ONSHI_SERVICE_PROOF_BATCHER_HPP_
#define ONSHI_SERVICE_PROOF_BATCHER_HPP_

#include <condition_variable>
#include <cstdint>
#include <ctime>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include "auth/batch_proof.hpp"
#include "http/metrics.hpp"

namespace onshi::service {

class ProofBatcher {
 public:
  // `now` dates each signed root (its "iat"). `metrics` (may be null) gets
  // onshi_proof_batches_total and onshi_proof_answers_total.
  ProofBatcher(auth::Es256SigningKey key, std::function<std::time_t()> now,
               http::Metrics* metrics = nullptr);
  ProofBatcher(const ProofBatcher&) = delete;
  ProofBatcher& operator=(const ProofBatcher&) = delete;

  // The X-OQS-Proof value for `body`; blocks until its batch is signed.
  // Throws std::runtime_error only if OpenSSL fails (out of memory).
  std::string Prove(std::string_view body);

  const auth::Es256SigningKey& key() const { return signer_.key(); }
  uint64_t batches() const;
  uint64_t answers() const;

  // Test hook (`onshi serve --proof-test-gather N`): the next batch is
  // signed only once `waiting` answers are queued, so that a test can see
  // concurrent answers share a root without relying on timing. The answers
  // after it are batched by readiness again. Never use it in service: the
  // first answers wait until that many have come.
  void GatherNextBatch(size_t waiting);

 private:
  struct Pending {
    auth::MerkleHash leaf;
    std::string salt;
    std::string proof;  // set by the signer
    std::string failure;
    bool done = false;  // proof or failure set
    bool lead = false;  // this answer's thread signs the next batch
    std::condition_variable wake;
  };
  // Signs `batch` (outside the lock); fills each proof or failure.
  void SignBatch(std::deque<Pending*>& batch);

  const auth::RootSigner signer_;
  const std::function<std::time_t()> now_;
  http::Counter* batches_counter_ = nullptr;
  http::Counter* answers_counter_ = nullptr;
  mutable std::mutex mu_;
  std::condition_variable gathered_;  // test hook: the queue grew
  std::deque<Pending*> queue_;
  bool signing_ = false;  // a batch is being signed (then the queue waits)
  size_t gather_ = 0;     // test hook; 0 = off
  uint64_t batches_ = 0, answers_ = 0;
};

}  // namespace onshi::service

#endif  // ONSHI_SERVICE_PROOF_BATCHER_HPP_
