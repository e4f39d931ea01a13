#include "auth/reader_key.hpp"

#include <openssl/sha.h>

#include "auth/base64url.hpp"
#include "auth/key_file.hpp"

namespace onshi::auth {
namespace {

constexpr std::string_view kField = "reader";

bool AppendField(std::string& out, std::string_view value) {
  if (value.empty() || value.size() > 255) return false;
  out += static_cast<char>(value.size());
  out += value;
  return true;
}

}  // namespace

Expected<std::string> ReaderProofMessage(std::string_view facility, std::string_view mode,
                                         std::string_view challenge,
                                         std::string_view certificate_der) {
  std::string m(kReaderProofLabel);
  m += '\0';
  if (!AppendField(m, facility) || !AppendField(m, mode) || !AppendField(m, challenge)) {
    return MakeError(std::string(kField),
                     "facility, mode and challenge must each be 1 to 255 bytes");
  }
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(certificate_der.data()), certificate_der.size(),
         digest);
  m.append(reinterpret_cast<const char*>(digest), sizeof digest);
  return m;
}

bool VerifyReaderProof(const Es256PublicKey& key, std::string_view facility, std::string_view mode,
                       std::string_view challenge, std::string_view certificate_der,
                       std::string_view signature) {
  auto message = ReaderProofMessage(facility, mode, challenge, certificate_der);
  return message.ok() && signature.size() == kEs256SignatureBytes &&
         key.Verify(*message, signature);
}

Expected<ReaderKey> ReaderKey::Create(const std::string& dir) {
  if (auto made = EnsureDirectory(dir); !made.ok()) return made.error();
  auto key = Es256SigningKey::Generate();
  if (!key.ok()) return key.error();
  if (auto written = WriteNewFile(dir + "/" + kReaderKeyFile, key->PrivatePem(), 0600);
      !written.ok()) {
    return written.error();
  }
  if (auto written = ReplaceFile(dir + "/" + kReaderIdFile, key->key_id() + "\n", 0644);
      !written.ok()) {
    return written.error();
  }
  return ReaderKey(std::move(key).value());
}

Expected<ReaderKey> ReaderKey::Load(const std::string& dir) {
  const std::string path = dir + "/" + kReaderKeyFile;
  auto pem = ReadPrivateFile(path);
  if (!pem.ok()) return pem.error();
  auto key = Es256SigningKey::FromPem(*pem);
  if (!key.ok()) return MakeError(std::string(kField), path + ": " + key.error().message);
  return ReaderKey(std::move(key).value());
}

Expected<std::string> ReaderKey::Sign(std::string_view facility, std::string_view mode,
                                      std::string_view challenge,
                                      std::string_view certificate_der) const {
  auto message = ReaderProofMessage(facility, mode, challenge, certificate_der);
  if (!message.ok()) return message.error();
  return Base64UrlEncode(key_.Sign(*message));
}

}  // namespace onshi::auth
