// ProofBatcher: the X-OQS-Proof of every answer, one ES256 signature per
// batch of answers (auth/batch_proof.hpp; docs/proof-format.md).
//
// Answers are proven asynchronously: ProveAsync queues an answer's leaf hash
// and returns at once; a signer thread of its own takes everything queued,
// builds the tree, signs its root once and hands each answer its proof
// through the answer's callback. The HTTP thread that made the answer never
// waits for the signature; it goes on reading other requests, and the
// answer is written when its callback runs (http::AsyncHandler).
//
// Batching by readiness, as group commit does it: the signer signs as soon
// as it is free and something is queued, so at low load an answer waits for
// no other answer. Under load the answers that arrive while it signs form
// the next batch. A signature costs about 30 µs of a core, about as much as
// the rest of an answer, so a signer that is free at every answer would
// still sign once per answer on a 2-core machine. `signatures_per_second`
// (0 = no limit) caps the signing rate: below it every answer is signed at
// once, above it the answers of the next 1/rate seconds share one root. At
// 2,000 a second the signatures take about 6 % of one core whatever the
// load, and an answer waits at most 0.5 ms for its batch.
//
// An earlier version had the answer's own thread take the signer's role,
// blocking in Prove; with a synchronous HTTP handler a thread can hold only
// one answer, so a batch never grew past the number of server threads.
//
// The leaf hashes are computed by each answer's own thread before it
// queues; the signer builds the tree (n - 1 hashes), signs once and cuts
// the paths. Thread-safe. The destructor signs what is queued, runs every
// callback and stops the thread.
#ifndef ONSHI_SERVICE_PROOF_BATCHER_HPP_
#define ONSHI_SERVICE_PROOF_BATCHER_HPP_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <ctime>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "auth/batch_proof.hpp"
#include "http/metrics.hpp"
#include "service/batch_pacer.hpp"

namespace onshi::service {

class ProofBatcher {
 public:
  // Called on the signer thread with the X-OQS-Proof value, or with an
  // empty proof and the reason when OpenSSL failed (out of memory). It must
  // not block: it should hand the answer to its connection and return.
  using Done = std::function<void(std::string proof, std::string failure)>;

  // `now` dates each signed root (its "iat"). `metrics` (may be null) gets
  // onshi_proof_batches_total and onshi_proof_answers_total.
  ProofBatcher(auth::Es256SigningKey key, std::function<std::time_t()> now,
               http::Metrics* metrics = nullptr, unsigned signatures_per_second = 0);
  ~ProofBatcher();
  ProofBatcher(const ProofBatcher&) = delete;
  ProofBatcher& operator=(const ProofBatcher&) = delete;

  // Queues `body` and returns; `done` runs once its batch is signed.
  void ProveAsync(std::string_view body, Done done);

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
    Done done;
  };
  void Run();
  // The proofs of `batch` (signed outside the lock), or `failure` set.
  std::vector<std::string> SignBatch(const std::deque<Pending>& batch, std::string* failure) const;

  const auth::RootSigner signer_;
  const std::function<std::time_t()> now_;
  // At most --proof-signatures batches a second (touched by Run only).
  BatchPacer pacer_;
  http::Counter* batches_counter_ = nullptr;
  http::Counter* answers_counter_ = nullptr;
  mutable std::mutex mu_;
  std::condition_variable wake_;  // something queued, or stop
  std::deque<Pending> queue_;
  bool stop_ = false;
  size_t gather_ = 0;  // test hook; 0 = off
  uint64_t batches_ = 0, answers_ = 0;
  std::thread thread_;  // last: starts once everything above is ready
};

}  // namespace onshi::service

#endif  // ONSHI_SERVICE_PROOF_BATCHER_HPP_
