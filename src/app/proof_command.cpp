// `onshi proof verify`: checks an answer's X-OQS-Proof offline, with only
// the answer's body, its proof and the service's public proof key
// (docs/proof-format.md). What a facility, an insurer or a court runs on a
// kept answer, without asking the service anything.
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "app/cli.hpp"
#include "auth/batch_proof.hpp"
#include "auth/es256_key.hpp"

namespace onshi::app {
namespace {

constexpr const char* kProofUsage =
    "usage: onshi proof verify --body FILE --proof FILE --key FILE\n"
    "  --body FILE   the answer's body, byte for byte (curl -o FILE)\n"
    "  --proof FILE  the X-OQS-Proof value, or the response headers (curl -D FILE)\n"
    "  --key FILE    the proof key: the JWK of GET /oqs-api-pro/proof-key, or a PEM public key\n"
    "exit 0: the proof is valid; 1: it is not (the reason is printed); 2: usage or unreadable "
    "input";

std::string ReadWhole(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::invalid_argument(std::string("cannot read the ") + what + " " + path);
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

}  // namespace

int ProofCommand(const std::vector<std::string>& argv) {
  if (argv.empty() || argv[0] != "verify") throw std::invalid_argument(kProofUsage);
  const Args args(std::vector<std::string>(argv.begin() + 1, argv.end()),
                  {{"body", true}, {"proof", true}, {"key", true}});
  if (!args.Has("body") || !args.Has("proof") || !args.Has("key")) {
    throw std::invalid_argument(kProofUsage);
  }
  const std::string body = ReadWhole(args.Get("body"), "body");
  const std::string proof = ProofFrom(ReadWhole(args.Get("proof"), "proof"));
  const std::string key_text = ReadWhole(args.Get("key"), "key");
  auto key = key_text.find("-----BEGIN") != std::string::npos
                 ? auth::Es256PublicKey::FromPem(key_text)
                 : auth::Es256PublicKey::FromJwk(Trim(key_text));
  if (!key.ok()) {
    throw std::invalid_argument("the key is neither a P-256 JWK nor a PEM public key: " +
                                key.error().ToString());
  }
  std::string why;
  auth::BatchProofInfo info;
  if (!auth::VerifyBatchProof(proof, body, *key, &why, &info)) {
    std::cerr << "onshi: proof INVALID: " << why << "\n";
    return 1;
  }
  std::cout << "onshi: proof valid: answer " << info.index << " of a batch of " << info.size
            << ", root " << info.root << " signed at " << info.issued_at << " by key "
            << key->key_id() << "\n";
  return 0;
}

}  // namespace onshi::app
