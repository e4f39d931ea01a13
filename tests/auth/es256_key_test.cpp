// Tests for ES256 keys: JOSE signatures, JWK and thumbprint, the key file,
// and interoperability with the openssl command line.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "auth/base64url.hpp"
#include "auth/es256_key.hpp"

namespace onshi::auth {
namespace {

namespace fs = std::filesystem;

// A fresh directory under TMPDIR, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "onshi-auth-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

void WriteFile(const std::string& path, const std::string& data) {
  std::ofstream(path, std::ios::binary) << data;
}

// Runs `command` through the shell; returns its exit status and output.
int Shell(const std::string& command, std::string* output) {
  FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  if (!p) return -1;
  char buf[512];
  output->clear();
  while (size_t n = std::fread(buf, 1, sizeof buf, p))
    output->append(buf, n);
  return ::pclose(p);
}

unsigned Mode(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0xFFFF;
}

Es256SigningKey NewKey() {
  auto key = Es256SigningKey::Generate();
  if (!key.ok()) std::abort();
  return std::move(key).value();
}

TEST(Es256KeyTest, SignatureIs64BytesAndVerifies) {
  const Es256SigningKey key = NewKey();
  const std::string sig = key.Sign("hello");
  EXPECT_EQ(sig.size(), kEs256SignatureBytes);
  EXPECT_TRUE(key.public_key().Verify("hello", sig));
  EXPECT_FALSE(key.public_key().Verify("hellO", sig));
  EXPECT_FALSE(NewKey().public_key().Verify("hello", sig));
  EXPECT_FALSE(key.public_key().Verify("hello", sig.substr(1)));
  EXPECT_NE(key.Sign("hello"), sig);  // ECDSA is randomised
}

TEST(Es256KeyTest, DerAndJoseConvertBothWays) {
  const Es256SigningKey key = NewKey();
  const std::string jose = key.Sign("x");
  const auto der = EcdsaJoseToDer(jose);
  ASSERT_TRUE(der);
  EXPECT_EQ((*der)[0], 0x30);  // SEQUENCE
  EXPECT_EQ(EcdsaDerToJose(*der), jose);
  // Small R and S keep their 32-byte width (left-padded with zeros).
  const std::string small = std::string(31, '\0') + "\x01" + std::string(31, '\0') + "\x02";
  const auto small_der = EcdsaJoseToDer(small);
  ASSERT_TRUE(small_der);
  EXPECT_EQ(*small_der, std::string("\x30\x06\x02\x01\x01\x02\x01\x02", 8));
  EXPECT_EQ(EcdsaDerToJose(*small_der), small);
  EXPECT_FALSE(EcdsaJoseToDer(std::string(63, '\1')));
  EXPECT_FALSE(EcdsaDerToJose("not der"));
  EXPECT_FALSE(EcdsaDerToJose(*der + "x"));  // trailing byte
}

TEST(Es256KeyTest, JwkIsCanonicalAndRoundTrips) {
  const Es256SigningKey key = NewKey();
  const std::string& jwk = key.public_key().jwk();
  EXPECT_EQ(jwk.rfind(R"({"crv":"P-256","kty":"EC","x":")", 0), 0u) << jwk;
  EXPECT_EQ(jwk.find("\"d\""), std::string::npos);  // never the private scalar
  const auto back = Es256PublicKey::FromJwk(jwk);
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(back->Pem(), key.public_key().Pem());
  EXPECT_EQ(back->key_id(), key.key_id());
  EXPECT_TRUE(back->Verify("m", key.Sign("m")));
  // Extra members are ignored; kid/use do not change the thumbprint.
  const std::string with_kid = jwk.substr(0, jwk.size() - 1) + R"(,"kid":"k","use":"sig"})";
  EXPECT_EQ(Es256PublicKey::FromJwk(with_kid)->key_id(), key.key_id());
}

TEST(Es256KeyTest, FromJwkRejectsBadKeys) {
  const std::string good = NewKey().public_key().jwk();
  const auto x_at = good.find("\"x\":\"") + 5;
  std::string off_curve = good;
  off_curve[x_at] = off_curve[x_at] == 'A' ? 'B' : 'A';  // almost surely not on the curve
  std::string rsa = good;
  rsa.replace(rsa.find("\"EC\""), 4, "\"RSA\"");
  for (const std::string& jwk : {off_curve, rsa, std::string("{}"), std::string("not json"),
                                 std::string(R"({"crv":"P-256","kty":"EC","x":"AAAA","y":"AAAA"})"),
                                 good.substr(0, good.size() - 1) + R"(,"d":"AAAA"})"}) {
    EXPECT_FALSE(Es256PublicKey::FromJwk(jwk).ok()) << jwk;
  }
}

TEST(Es256KeyTest, ThumbprintMatchesOpensslSha256OfTheJwk) {
  // RFC 7638 §3: base64url(SHA-256(canonical JWK)). Compute it independently.
  TempDir dir;
  const Es256SigningKey key = NewKey();
  WriteFile(dir / "jwk.json", key.public_key().jwk());
  std::string out;
  ASSERT_EQ(Shell("openssl dgst -sha256 -binary " + dir / "jwk.json" + " > " + dir / "d.bin", &out),
            0)
      << out;
  std::ifstream in(dir / "d.bin", std::ios::binary);
  const std::string digest((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(Base64UrlEncode(digest), key.key_id());
  EXPECT_EQ(key.key_id().size(), 43u);
}

TEST(Es256KeyTest, LoadOrCreateMakes0600FileAndReloadsTheSameKey) {
  TempDir dir;
  const std::string path = dir / "service-key.pem";
  const auto first = Es256SigningKey::LoadOrCreate(path);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_EQ(Mode(path), 0600u);
  const auto again = Es256SigningKey::LoadOrCreate(path);
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_EQ(again->key_id(), first->key_id());  // thumbprint stable across reloads
  EXPECT_EQ(again->public_key().jwk(), first->public_key().jwk());
  EXPECT_TRUE(again->public_key().Verify("m", first->Sign("m")));
}

TEST(Es256KeyTest, RefusesAKeyFileOthersCanRead) {
  TempDir dir;
  const std::string path = dir / "k.pem";
  ASSERT_TRUE(Es256SigningKey::LoadOrCreate(path).ok());
  ::chmod(path.c_str(), 0644);
  const auto key = Es256SigningKey::LoadOrCreate(path);
  ASSERT_FALSE(key.ok());
  EXPECT_NE(key.error().message.find("0644"), std::string::npos) << key.error().message;
}

TEST(Es256KeyTest, RefusesNonP256Keys) {
  TempDir dir;
  std::string out;
  ASSERT_EQ(Shell("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out " +
                      dir / "p384.pem",
                  &out),
            0)
      << out;
  std::ifstream in(dir / "p384.pem");
  const std::string pem((std::istreambuf_iterator<char>(in)), {});
  EXPECT_FALSE(Es256SigningKey::FromPem(pem).ok());
  EXPECT_FALSE(Es256SigningKey::FromPem("garbage").ok());
}

TEST(Es256KeyTest, InteroperatesWithOpensslDgst) {
  TempDir dir;
  const Es256SigningKey key = NewKey();
  WriteFile(dir / "key.pem", key.PrivatePem());
  WriteFile(dir / "pub.pem", key.public_key().Pem());
  WriteFile(dir / "input", "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiIwMTEwMTEzNzE5In0");
  std::ifstream input_file(dir / "input");
  const std::string input((std::istreambuf_iterator<char>(input_file)), {});

  // Ours -> openssl.
  WriteFile(dir / "ours.der", *EcdsaJoseToDer(key.Sign(input)));
  std::string out;
  EXPECT_EQ(Shell("openssl dgst -sha256 -verify " + dir / "pub.pem" + " -signature " +
                      dir / "ours.der" + " " + dir / "input",
                  &out),
            0)
      << out;
  EXPECT_NE(out.find("Verified OK"), std::string::npos) << out;

  // openssl -> ours.
  ASSERT_EQ(Shell("openssl dgst -sha256 -sign " + dir / "key.pem" + " -out " + dir / "theirs.der" +
                      " " + dir / "input",
                  &out),
            0)
      << out;
  std::ifstream der_file(dir / "theirs.der", std::ios::binary);
  const std::string der((std::istreambuf_iterator<char>(der_file)), {});
  const auto jose = EcdsaDerToJose(der);
  ASSERT_TRUE(jose);
  EXPECT_TRUE(key.public_key().Verify(input, *jose));
}

}  // namespace
}  // namespace onshi::auth
