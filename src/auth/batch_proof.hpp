// Batched proofs of check (確認証跡): one ES256 signature vouches for every
// answer of a batch, as Certificate Transparency and Roughtime do it.
//
// The answers signed together are the leaves of a Merkle tree (merkle.hpp);
// the tree's root is signed once, and each answer carries its leaf index,
// its audit path and the signed root. Anyone with the public key (the JWK at
// /oqs-api-pro/proof-key) verifies a single answer offline, without the
// other answers of its batch. The format, precisely enough to write a
// verifier from it, is in docs/proof-format.md:
//
//   X-OQS-Proof: <index>.<salt>.<path>.<jws header>.<jws payload>.<jws signature>
//   leaf data    = salt (16 random bytes) || the answer's exact body bytes
//   jws header   = {"alg":"ES256","kid":<RFC 7638 thumbprint>,"typ":"oqs-batch-proof"}
//   jws payload  = {"iat":<unix seconds>,"root":<b64url 32 bytes>,"size":<leaves>}
//
// The salt keeps the path from exposing anything about the other answers of
// the batch: without it a sibling's leaf hash would confirm a guess of
// another facility's answer (a name, a birth date), whose bodies are short
// and guessable.
//
// Every part is in its one canonical form (strict base64url, decimal
// without leading zeros), so that no text other than the one issued
// verifies, and any change to one byte of the body or of the header fails.
#ifndef ONSHI_AUTH_BATCH_PROOF_HPP_
#define ONSHI_AUTH_BATCH_PROOF_HPP_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "auth/es256_key.hpp"
#include "auth/merkle.hpp"

namespace onshi::auth {

inline constexpr std::string_view kBatchProofType = "oqs-batch-proof";
inline constexpr size_t kProofSaltBytes = 16;

// Signs batch roots. The encoded JWS header is computed once. Thread-safe.
class RootSigner {
 public:
  explicit RootSigner(Es256SigningKey key);

  // The compact JWS (header.payload.signature) over the root of a tree of
  // `size` leaves, issued at `issued_at` (Unix seconds).
  std::string Sign(const MerkleHash& root, uint64_t size, int64_t issued_at) const;

  const Es256SigningKey& key() const { return key_; }

 private:
  Es256SigningKey key_;
  std::string encoded_header_;  // b64url(header)
};

// The leaf hash of an answer: MerkleLeafHash(salt, body).
MerkleHash AnswerLeafHash(std::string_view salt, std::string_view body);

// The X-OQS-Proof value of leaf `index`: "<index>.<salt>.<path>.<signed root>".
std::string EncodeBatchProof(uint64_t index, std::string_view salt,
                             const std::vector<MerkleHash>& path, std::string_view signed_root);

// What a proof says beyond "valid": which batch the answer was in.
struct BatchProofInfo {
  uint64_t index = 0;
  uint64_t size = 0;      // leaves in the batch
  int64_t issued_at = 0;  // when the root was signed (Unix seconds)
  std::string root;       // b64url, as in the signed root
};

// True iff `proof` is a batch proof by `key` over exactly `body`. On false,
// `*why` (if given) says which check failed; on true, `*info` (if given) is
// filled.
bool VerifyBatchProof(std::string_view proof, std::string_view body, const Es256PublicKey& key,
                      std::string* why = nullptr, BatchProofInfo* info = nullptr);

}  // namespace onshi::auth

#endif  // ONSHI_AUTH_BATCH_PROOF_HPP_
