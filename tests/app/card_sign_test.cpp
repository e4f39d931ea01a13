// Issue 19: `onshi card sign` does what a reader does (PIN, then the card's
// signature over the service's challenge), so the card protocol can be tried
// with curl. The signature must verify with the card's certificate over
// SignedMessage(audience, challenge); a wrong PIN is refused (exit 4) and
// counted by the card.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "auth/base64url.hpp"
#include "service/card_check.hpp"

namespace {

namespace fs = std::filesystem;

std::string Onshi(const std::string& args, int* code) {
  const std::string cmd = std::string(ONSHI_BINARY) + " " + args + " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0)
    out.append(buf.data(), n);
  const int status = ::pclose(p);
  *code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

std::string Member(const std::string& json, const std::string& name) {
  std::smatch m;
  if (!std::regex_search(json, m, std::regex("\"" + name + "\":\"([^\"]*)\""))) return "";
  return m[1];
}

TEST(CardSignTest, SignsTheChallengeAfterThePinAsAReaderWould) {
  const fs::path dir =
      fs::temp_directory_path() / ("onshi-card-sign-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string db = (dir / "t.db").string();
  int rc = 0;
  std::string out = Onshi("populate --members 20 --quiet --db " + db, &rc);
  ASSERT_EQ(rc, 0) << out;
  out = Onshi("card issue --person-id 1 --pin 1234 --db " + db, &rc);
  ASSERT_EQ(rc, 0) << out;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(out, m, std::regex("card ([0-9]+) \\(person"))) << out;
  const std::string card = db + ".cards/card-" + m[1].str() + ".card";
  const std::string challenge_bytes(32, '\x5a');
  const std::string challenge = onshi::auth::Base64UrlEncode(challenge_bytes);
  const std::string base = "card sign --card " + card + " --issuer-key " + db +
                           ".card-issuer.key --audience 1310000011 --challenge " + challenge;

  out = Onshi(base + " --pin 1234", &rc);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_EQ(Member(out, "challenge"), challenge);
  const auto cert_der = onshi::auth::Base64UrlDecode(Member(out, "certificate"));
  const auto signature = onshi::auth::Base64UrlDecode(Member(out, "signature"));
  ASSERT_TRUE(cert_der && signature) << out;
  const auto* p = reinterpret_cast<const unsigned char*>(cert_der->data());
  X509* x509 = d2i_X509(nullptr, &p, static_cast<long>(cert_der->size()));
  ASSERT_NE(x509, nullptr);
  EVP_PKEY* key = X509_get_pubkey(x509);
  const std::vector<uint8_t> message = onshi::service::SignedMessage(
      "1310000011", std::vector<uint8_t>(challenge_bytes.begin(), challenge_bytes.end()));
  auto verify = [&](const std::vector<uint8_t>& msg) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key);
    const int ok = EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature->data()),
                                    signature->size(), msg.data(), msg.size());
    EVP_MD_CTX_free(ctx);
    return ok == 1;
  };
  EXPECT_TRUE(verify(message));
  // Bound to the audience: the same signature is worth nothing for another.
  EXPECT_FALSE(verify(onshi::service::SignedMessage(
      "1310000029", std::vector<uint8_t>(challenge_bytes.begin(), challenge_bytes.end()))));
  EVP_PKEY_free(key);
  X509_free(x509);

  // A wrong PIN: refused, and the card counts it.
  out = Onshi(base + " --pin 9999", &rc);
  EXPECT_EQ(rc, 4) << out;
  EXPECT_NE(out.find("tries left"), std::string::npos) << out;
  fs::remove_all(dir);
}

}  // namespace
