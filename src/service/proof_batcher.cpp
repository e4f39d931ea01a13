#include "service/proof_batcher.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <future>
#include <stdexcept>
#include <vector>

namespace onshi::service {
namespace {

// Fills `salt` from a per-thread buffer of RAND_bytes output. One call to
// OpenSSL's DRBG (which takes a lock) per 4 KiB instead of one per answer:
// a tenth of the answer's proof cost on the HTTP thread, for the same
// bytes. Each byte is handed out once.
void FreshSalt(std::string& salt) {
  constexpr size_t kBuffer = 4096;
  thread_local unsigned char buffer[kBuffer];
  thread_local size_t used = kBuffer;
  if (used + salt.size() > kBuffer) {
    if (RAND_bytes(buffer, static_cast<int>(kBuffer)) != 1) {
      throw std::runtime_error("no randomness for the proof's salt");
    }
    used = 0;
  }
  salt.assign(reinterpret_cast<const char*>(buffer + used), salt.size());
  OPENSSL_cleanse(buffer + used, salt.size());
  used += salt.size();
}

}  // namespace

ProofBatcher::ProofBatcher(auth::Es256SigningKey key, std::function<std::time_t()> now,
                           http::Metrics* metrics, unsigned signatures_per_second)
    : signer_(std::move(key)), now_(std::move(now)), pacer_(signatures_per_second) {
  if (metrics) {
    batches_counter_ = &metrics->GetCounter(
        "onshi_proof_batches_total", "Signed proof roots (ES256 signatures of answer batches).");
    answers_counter_ =
        &metrics->GetCounter("onshi_proof_answers_total", "Answers carrying a batched proof.");
  }
  thread_ = std::thread([this] { Run(); });
}

ProofBatcher::~ProofBatcher() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    gather_ = 0;
  }
  wake_.notify_one();
  thread_.join();
}

void ProofBatcher::ProveAsync(std::string_view body, Done done) {
  Pending p;
  p.salt.resize(auth::kProofSaltBytes);
  FreshSalt(p.salt);
  // Hashed here, on the answer's own thread: the signer only joins hashes.
  p.leaf = auth::AnswerLeafHash(p.salt, body);
  p.done = std::move(done);
  bool wake;
  {
    std::lock_guard<std::mutex> lock(mu_);
    // The signer sleeps only on an empty queue (or on the gather hook, which
    // counts every arrival), so one wake per batch is enough.
    wake = queue_.empty() || gather_ > 0;
    queue_.push_back(std::move(p));
  }
  if (wake) wake_.notify_one();
}

std::string ProofBatcher::Prove(std::string_view body) {
  std::promise<std::pair<std::string, std::string>> signed_proof;
  std::future<std::pair<std::string, std::string>> got = signed_proof.get_future();
  ProveAsync(body, [&signed_proof](std::string proof, std::string failure) {
    signed_proof.set_value({std::move(proof), std::move(failure)});
  });
  auto [proof, failure] = got.get();
  if (!failure.empty()) throw std::runtime_error(failure);
  return proof;
}

void ProofBatcher::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    wake_.wait(lock, [&] { return stop_ || (!queue_.empty() && queue_.size() >= gather_); });
    if (queue_.empty()) return;  // stopping, nothing left
    // Over the signing rate: what arrives until the next slot joins this
    // batch. Not woken by arrivals (they see a non-empty queue).
    pacer_.AwaitSlot(lock, wake_, [&] { return stop_; });
    gather_ = 0;
    std::deque<Pending> batch;
    batch.swap(queue_);
    lock.unlock();
    pacer_.Started();
    std::string failure;
    std::vector<std::string> proofs = SignBatch(batch, &failure);
    lock.lock();
    // Counted before any answer is told, so that a caller who got its proof
    // sees its batch counted.
    ++batches_;
    answers_ += batch.size();
    lock.unlock();
    if (batches_counter_) batches_counter_->Add();
    if (answers_counter_) answers_counter_->Add(batch.size());
    for (size_t i = 0; i < batch.size(); ++i) {
      try {
        batch[i].done(failure.empty() ? std::move(proofs[i]) : std::string(), failure);
      } catch (const std::exception&) {
        // A callback must not throw; if one does, the other answers still go.
      }
    }
    lock.lock();
  }
}

std::vector<std::string> ProofBatcher::SignBatch(const std::deque<Pending>& batch,
                                                 std::string* failure) const {
  std::vector<std::string> proofs(batch.size());
  try {
    std::vector<auth::MerkleHash> leaves;
    leaves.reserve(batch.size());
    for (const Pending& p : batch)
      leaves.push_back(p.leaf);
    const auth::MerkleTree tree(std::move(leaves));
    const std::string root = signer_.Sign(tree.root(), tree.size(), now_());
    for (size_t i = 0; i < batch.size(); ++i)
      proofs[i] = auth::EncodeBatchProof(i, batch[i].salt, tree.AuditPath(i), root);
  } catch (const std::exception& e) {
    *failure = std::string("proof not signed: ") + e.what();
  }
  return proofs;
}

uint64_t ProofBatcher::batches() const {
  std::lock_guard<std::mutex> lock(mu_);
  return batches_;
}

uint64_t ProofBatcher::answers() const {
  std::lock_guard<std::mutex> lock(mu_);
  return answers_;
}

void ProofBatcher::GatherNextBatch(size_t waiting) {
  std::lock_guard<std::mutex> lock(mu_);
  gather_ = waiting;
}

}  // namespace onshi::service
