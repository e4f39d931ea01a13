// `onshi proof verify`: checks an answer's X-OQS-Proof offline, with only
// the answer's body, its proof and the service's public proof key
// (docs/proof-format.md). What a facility, an insurer or a court runs on a
// kept answer, without asking the service anything.
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include <boost/json.hpp>
#include <vector>

#include "app/cli.hpp"
#include "app/exit_codes.hpp"
#include "auth/batch_proof.hpp"
#include "auth/es256_key.hpp"

namespace onshi::app {
namespace {

std::string ReadWhole(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw BadInput(std::string("cannot read the ") + what + " " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Trim(std::string_view s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  const size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

// The proof from a file holding either the header's value alone or a whole
// header block (the last X-OQS-Proof line wins, as curl -D appends the
// headers of every response it followed).
std::string ProofFrom(const std::string& text) {
  std::string found;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = Trim(line.substr(0, colon));
    for (char& c : name)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (name == "x-oqs-proof") found = Trim(line.substr(colon + 1));
  }
  return found.empty() ? Trim(text) : found;
}

// The keys in `text`: a PEM public key, one JWK, or a JWK Set (what
// /oqs-api-pro/proof-key serves). Throws std::invalid_argument otherwise.
std::vector<auth::Es256PublicKey> KeysFrom(const std::string& text) {
  std::vector<auth::Es256PublicKey> out;
  auto add = [&out](Expected<auth::Es256PublicKey> key) {
    if (!key.ok()) {
      throw BadInput("the key is neither a P-256 JWK, a JWK Set nor a PEM public key: " +
                     key.error().ToString());
    }
    out.push_back(std::move(key).value());
  };
  if (text.find("-----BEGIN") != std::string::npos) {
    add(auth::Es256PublicKey::FromPem(text));
    return out;
  }
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(Trim(text), ec);
  const boost::json::object* o = !ec && v.is_object() ? &v.as_object() : nullptr;
  const boost::json::value* set = o ? o->if_contains("keys") : nullptr;
  if (set == nullptr) {
    add(auth::Es256PublicKey::FromJwk(Trim(text)));
    return out;
  }
  if (!set->is_array() || set->as_array().empty()) {
    throw BadInput("the JWK Set holds no keys");
  }
  for (const boost::json::value& k : set->as_array()) {
    add(auth::Es256PublicKey::FromJwk(boost::json::serialize(k)));
  }
  return out;
}

}  // namespace

// `onshi proof verify --body F --proof F --key F` (options in cli_parser.cpp):
// exit 0 valid, 1 not valid (the reason on stderr), 3 unreadable input.
int ProofCommand(const Args& args) {
  for (const char* required : {"body", "proof", "key"}) {
    if (!args.Has(required))
      throw std::invalid_argument(std::string("--") + required + " is required");
  }
  const std::string body = ReadWhole(args.Get("body"), "body");
  const std::string proof = ProofFrom(ReadWhole(args.Get("proof"), "proof"));
  const std::string key_text = ReadWhole(args.Get("key"), "key");
  const std::vector<auth::Es256PublicKey> keys = KeysFrom(key_text);
  // The proof's kid names one key of a set; trying each is the same check
  // (a proof verifies under its own key only) and needs no second parser.
  std::string why;
  auth::BatchProofInfo info;
  const auth::Es256PublicKey* key = nullptr;
  for (const auth::Es256PublicKey& k : keys) {
    std::string reason;
    if (auth::VerifyBatchProof(proof, body, k, &reason, &info)) {
      key = &k;
      break;
    }
    if (why.empty()) why = reason;
  }
  if (key == nullptr) {
    std::cerr << "onshi: proof INVALID: " << why << "\n";
    return 1;
  }
  std::cout << "onshi: proof valid: answer " << info.index << " of a batch of " << info.size
            << ", root " << info.root << " signed at " << info.issued_at << " by key "
            << key->key_id() << "\n";
  return 0;
}

}  // namespace onshi::app
