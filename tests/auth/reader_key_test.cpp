// The card reader's key and proof (auth/reader_key.hpp, issue 15): the exact
// bytes signed, that every field is bound, and the key files.
#include "auth/reader_key.hpp"

#include <gtest/gtest.h>
#include <openssl/sha.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "auth/base64url.hpp"

namespace onshi::auth {
namespace {

namespace fs = std::filesystem;

class ReaderDir {
 public:
  ReaderDir() {
    std::string pattern = (fs::temp_directory_path() / "onshi-reader-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    path_ = pattern;
  }
  ~ReaderDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The layout documented in the header, byte for byte.
TEST(ReaderProofTest, MessageLayoutIsLabelThenLengthPrefixedFieldsThenCertificateHash) {
  const std::string challenge(32, '\x07');
  const std::string der = "DER";
  auto m = ReaderProofMessage("1310000011", "face", challenge, der);
  ASSERT_TRUE(m.ok());
  std::string want = "onshi-card-reader-proof/1";
  want += '\0';
  want += '\x0a';
  want += "1310000011";
  want += '\x04';
  want += "face";
  want += '\x20';
  want += challenge;
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(der.data()), der.size(), digest);
  want.append(reinterpret_cast<const char*>(digest), sizeof digest);
  EXPECT_EQ(*m, want);
  EXPECT_EQ(m->size(), 25u + 1 + 11 + 5 + 33 + 32);
  EXPECT_FALSE(ReaderProofMessage("", "face", challenge, der).ok());
  EXPECT_FALSE(ReaderProofMessage("1310000011", "face", std::string(256, 'x'), der).ok());
}

TEST(ReaderProofTest, SignatureBindsFacilityModeChallengeAndCertificate) {
  const ReaderKey reader = ReaderKey::FromKey(Es256SigningKey::Generate().value());
  const std::string challenge(32, 'c'), der = "certificate";
  const std::string sig =
      Base64UrlDecode(reader.Sign("1310000011", "visual", challenge, der).value()).value();
  ASSERT_EQ(sig.size(), kEs256SignatureBytes);
  const Es256PublicKey& key = reader.public_key();
  EXPECT_TRUE(VerifyReaderProof(key, "1310000011", "visual", challenge, der, sig));
  EXPECT_FALSE(VerifyReaderProof(key, "2710000015", "visual", challenge, der, sig));
  EXPECT_FALSE(VerifyReaderProof(key, "1310000011", "face", challenge, der, sig));
  EXPECT_FALSE(VerifyReaderProof(key, "1310000011", "visual", std::string(32, 'd'), der, sig));
  EXPECT_FALSE(VerifyReaderProof(key, "1310000011", "visual", challenge, "other", sig));
  const Es256PublicKey other = Es256SigningKey::Generate()->public_key();
  EXPECT_FALSE(VerifyReaderProof(other, "1310000011", "visual", challenge, der, sig));
  EXPECT_FALSE(VerifyReaderProof(key, "1310000011", "visual", challenge, der, sig.substr(1)));
  // The id is the key's RFC 7638 thumbprint.
  EXPECT_EQ(reader.id(), key.key_id());
  EXPECT_EQ(reader.id().size(), 43u);
}

TEST(ReaderKeyTest, CreateWritesAPrivateKeyFileOnceAndLoadRefusesAReadableOne) {
  ReaderDir dir;
  auto made = ReaderKey::Create(dir.path() + "/r1");
  ASSERT_TRUE(made.ok()) << made.error().ToString();
  struct stat st {};
  ASSERT_EQ(::stat((dir.path() + "/r1/reader-key.pem").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::ifstream id(dir.path() + "/r1/reader-id");
  std::string line;
  std::getline(id, line);
  EXPECT_EQ(line, made->id());
  auto loaded = ReaderKey::Load(dir.path() + "/r1");
  ASSERT_TRUE(loaded.ok()) << loaded.error().ToString();
  EXPECT_EQ(loaded->id(), made->id());
  // Never overwrites a reader's key.
  EXPECT_FALSE(ReaderKey::Create(dir.path() + "/r1").ok());
  // A key others could read is treated as leaked.
  ::chmod((dir.path() + "/r1/reader-key.pem").c_str(), 0644);
  EXPECT_FALSE(ReaderKey::Load(dir.path() + "/r1").ok());
}

}  // namespace
}  // namespace onshi::auth
