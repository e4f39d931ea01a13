#include "service/proof_batcher.hpp"

#include <openssl/rand.h>

#include <stdexcept>
#include <vector>

namespace onshi::service {

ProofBatcher::ProofBatcher(auth::Es256SigningKey key, std::function<std::time_t()> now,
                           http::Metrics* metrics)
    : signer_(std::move(key)), now_(std::move(now)) {
  if (metrics) {
    batches_counter_ = &metrics->GetCounter(
        "onshi_proof_batches_total", "Signed proof roots (ES256 signatures of answer batches).");
    answers_counter_ =
        &metrics->GetCounter("onshi_proof_answers_total", "Answers carrying a batched proof.");
  }
}

std::string ProofBatcher::Prove(std::string_view body) {
  Pending mine;
  mine.salt.resize(auth::kProofSaltBytes);
  if (RAND_bytes(reinterpret_cast<unsigned char*>(mine.salt.data()),
                 static_cast<int>(mine.salt.size())) != 1) {
    throw std::runtime_error("no randomness for the proof's salt");
  }
  // Hashed here, on the answer's own thread: the signer only joins hashes.
  mine.leaf = auth::AnswerLeafHash(mine.salt, body);
  std::unique_lock<std::mutex> lock(mu_);
  queue_.push_back(&mine);
  if (!signing_) {
    // No one signing (so the queue held nothing else): sign at once.
    signing_ = true;
    mine.lead = true;
  } else {
    if (gather_ > 0) gathered_.notify_one();
    mine.wake.wait(lock, [&] { return mine.done || mine.lead; });
  }
  if (!mine.done) {
    // The signer: everything queued now, this answer included.
    if (gather_ > 0) {
      gathered_.wait(lock, [&] { return queue_.size() >= gather_; });
      gather_ = 0;
    }
    std::deque<Pending*> batch;
    batch.swap(queue_);
    lock.unlock();
    SignBatch(batch);
    lock.lock();
    // Each answer of the batch is still waiting under this lock for `done`,
    // so each is alive while it is told.
    for (Pending* p : batch) {
      p->done = true;
      if (p != &mine) p->wake.notify_one();
    }
    ++batches_;
    answers_ += batch.size();
    if (queue_.empty()) {
      signing_ = false;
    } else {
      // What arrived meanwhile is the next batch; its first answer signs it.
      queue_.front()->lead = true;
      queue_.front()->wake.notify_one();
    }
  }
  lock.unlock();
  if (!mine.failure.empty()) throw std::runtime_error(mine.failure);
  return std::move(mine.proof);
}

void ProofBatcher::SignBatch(std::deque<Pending*>& batch) {
  try {
    std::vector<auth::MerkleHash> leaves;
    leaves.reserve(batch.size());
    for (const Pending* p : batch)
      leaves.push_back(p->leaf);
    const auth::MerkleTree tree(std::move(leaves));
    const std::string root = signer_.Sign(tree.root(), tree.size(), now_());
    for (size_t i = 0; i < batch.size(); ++i)
      batch[i]->proof = auth::EncodeBatchProof(i, batch[i]->salt, tree.AuditPath(i), root);
  } catch (const std::exception& e) {
    for (Pending* p : batch)
      p->failure = std::string("proof not signed: ") + e.what();
  }
  if (batches_counter_) batches_counter_->Add();
  if (answers_counter_) answers_counter_->Add(batch.size());
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
