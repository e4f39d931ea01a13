#include "auth/batch_proof.hpp"

#include <algorithm>
#include <charconv>
#include <optional>

#include "auth/base64url.hpp"
#include "auth/flat_json.hpp"

namespace onshi::auth {
namespace {

bool Refuse(std::string* why, std::string_view reason) {
  if (why) *why = std::string(reason);
  return false;
}

std::string_view Bytes(const MerkleHash& h) {
  return {reinterpret_cast<const char*>(h.data()), h.size()};
}

// A decimal without sign or leading zeros ("0" itself is fine), below 2^53
// so that every JSON and JavaScript verifier reads it exactly.
std::optional<uint64_t> CanonicalDecimal(std::string_view text) {
  if (text.empty() || text.size() > 16 || (text.size() > 1 && text[0] == '0')) return std::nullopt;
  uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  if (v >= (uint64_t{1} << 53)) return std::nullopt;
  return v;
}

}  // namespace

RootSigner::RootSigner(Es256SigningKey key)
    : key_(std::move(key)),
      encoded_header_(Base64UrlEncode(FlatJsonWriter()
                                          .Add("alg", "ES256")
                                          .Add("kid", key_.key_id())
                                          .Add("typ", kBatchProofType)
                                          .Finish())) {}

std::string RootSigner::Sign(const MerkleHash& root, uint64_t size, int64_t issued_at) const {
  std::string input = encoded_header_;
  input += '.';
  input += Base64UrlEncode(FlatJsonWriter()
                               .Add("iat", issued_at)
                               .Add("root", Base64UrlEncode(Bytes(root)))
                               .Add("size", static_cast<int64_t>(size))
                               .Finish());
  const std::string signature = key_.Sign(input);
  input += '.';
  input += Base64UrlEncode(signature);
  return input;
}

MerkleHash AnswerLeafHash(std::string_view salt, std::string_view body) {
  return MerkleLeafHash(salt, body);
}

std::string EncodeBatchProof(uint64_t index, std::string_view salt,
                             const std::vector<MerkleHash>& path, std::string_view signed_root) {
  std::string joined;
  joined.reserve(path.size() * kMerkleHashBytes);
  for (const MerkleHash& h : path)
    joined += Bytes(h);
  std::string out = std::to_string(index);
  out += '.';
  out += Base64UrlEncode(salt);
  out += '.';
  out += Base64UrlEncode(joined);
  out += '.';
  out += signed_root;
  return out;
}

bool VerifyBatchProof(std::string_view proof, std::string_view body, const Es256PublicKey& key,
                      std::string* why, BatchProofInfo* info) {
  // Six parts: index, salt, path, and the three of the signed root.
  std::string_view part[6];
  size_t from = 0;
  for (int i = 0; i < 6; ++i) {
    const size_t dot = proof.find('.', from);
    if ((dot == std::string_view::npos) != (i == 5)) {
      return Refuse(why, "not a batch proof (index.salt.path.header.payload.signature)");
    }
    part[i] = proof.substr(from, i == 5 ? std::string_view::npos : dot - from);
    from = dot + 1;
  }
  const auto index = CanonicalDecimal(part[0]);
  if (!index) return Refuse(why, "the leaf index is not a decimal number");
  const auto salt = Base64UrlDecode(part[1]);
  if (!salt || salt->size() != kProofSaltBytes) {
    return Refuse(why, "the salt is not 16 bytes of base64url");
  }
  const auto path_bytes = Base64UrlDecode(part[2]);
  if (!path_bytes || path_bytes->size() % kMerkleHashBytes != 0) {
    return Refuse(why, "the audit path is not a sequence of 32-byte hashes in base64url");
  }
  const auto header_json = Base64UrlDecode(part[3]);
  const auto payload_json = Base64UrlDecode(part[4]);
  const auto signature = Base64UrlDecode(part[5]);
  if (!header_json || !payload_json || !signature) {
    return Refuse(why, "a part of the signed root is not base64url");
  }
  auto header = FlatJsonObject::Parse(*header_json);
  if (!header.ok()) return Refuse(why, "signed root header: " + header.error().message);
  if (header->GetString("alg") != "ES256") return Refuse(why, "header alg must be \"ES256\"");
  if (header->GetString("typ") != kBatchProofType) {
    return Refuse(why, "header typ must be \"oqs-batch-proof\"");
  }
  if (header->Has("crit")) return Refuse(why, "header has critical extensions");
  if (const auto kid = header->GetString("kid"); kid && *kid != key.key_id()) {
    return Refuse(why, "signed by another key (kid " + *kid + ")");
  }
  // The signature first: nothing in the payload is believed before it.
  const std::string_view signing_input =
      proof.substr(part[3].data() - proof.data(), part[4].data() + part[4].size() - part[3].data());
  if (!key.Verify(signing_input, *signature)) {
    return Refuse(why, "the signature over the root does not verify");
  }
  auto payload = FlatJsonObject::Parse(*payload_json);
  if (!payload.ok()) return Refuse(why, "signed root payload: " + payload.error().message);
  const auto size = payload->GetInt("size");
  const auto iat = payload->GetInt("iat");
  const auto root_text = payload->GetString("root");
  const auto root = root_text ? Base64UrlDecode(*root_text) : std::nullopt;
  if (!size || *size < 1 || !iat || !root || root->size() != kMerkleHashBytes) {
    return Refuse(why, "the signed root lacks size, iat or a 32-byte root");
  }
  std::vector<MerkleHash> path(path_bytes->size() / kMerkleHashBytes);
  for (size_t i = 0; i < path.size(); ++i)
    std::copy_n(path_bytes->data() + i * kMerkleHashBytes, kMerkleHashBytes,
                reinterpret_cast<char*>(path[i].data()));
  const auto computed =
      MerkleRootFromPath(*index, static_cast<uint64_t>(*size), AnswerLeafHash(*salt, body), path);
  if (!computed) {
    return Refuse(why, "the audit path does not fit leaf " + std::to_string(*index) +
                           " of a tree of " + std::to_string(*size));
  }
  if (Bytes(*computed) != *root) {
    return Refuse(why, "the body and the audit path do not lead to the signed root");
  }
  if (info) {
    *info = {*index, static_cast<uint64_t>(*size), *iat, std::string(*root_text)};
  }
  return true;
}

}  // namespace onshi::auth
