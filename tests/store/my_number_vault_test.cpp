// MyNumberVault's keyed hashes, checked against OpenSSL's one-shot HMAC
// (EVP_Q_mac), a path that shares none of the vault's reused contexts.
#include "store/my_number_vault.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <string>
#include <thread>
#include <vector>

#include "core/hex.hpp"

namespace onshi::store {
namespace {

using KeyBytes = std::array<unsigned char, MyNumberVault::kKeyBytes>;

KeyBytes Filled(unsigned char first) {
  KeyBytes k;
  for (size_t i = 0; i < k.size(); ++i)
    k[i] = static_cast<unsigned char>(first + i);
  return k;
}

std::string OneShotHmac(const KeyBytes& key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  size_t len = 0;
  char digest[] = "SHA256";
  const unsigned char* mac = EVP_Q_mac(
      nullptr, "HMAC", nullptr, digest, nullptr, key.data(), key.size(),
      reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, sizeof out, &len);
  EXPECT_NE(mac, nullptr);
  return std::string(reinterpret_cast<char*>(out), len);
}

MyNumber Number(uint64_t base) {
  return MyNumber::FromBase(base);
}

TEST(MyNumberVaultTest, KeyAndDigestAreHmacSha256UnderTheHashKey) {
  const KeyBytes hash_key = Filled(1), seal_key = Filled(100);
  const MyNumberVault vault(hash_key, seal_key);
  const MyNumber n = Number(12345678901);
  EXPECT_EQ(vault.Key(n), OneShotHmac(hash_key, n.digits_for_hashing()));
  const std::string text = "acquisition|佐々木　清|1989-11-11";
  const std::string raw = OneShotHmac(hash_key, std::string("digest\0", 7) + text);
  EXPECT_EQ(vault.Digest(text),
            ToHex(reinterpret_cast<const unsigned char*>(raw.data()), raw.size()));
}

TEST(MyNumberVaultTest, ReusedContextsStartEveryMacAfresh) {
  // The second MAC on a context must not carry anything of the first: the
  // same input gives the same MAC whatever was hashed before it.
  const KeyBytes hash_key = Filled(7);
  const MyNumberVault vault(hash_key, Filled(9));
  const MyNumber a = Number(11111111111), b = Number(22222222222);
  const std::string ka = vault.Key(a);
  EXPECT_EQ(vault.Digest("x"), vault.Digest("x"));
  EXPECT_NE(vault.Key(b), ka);
  EXPECT_EQ(vault.Key(a), ka);
  EXPECT_EQ(vault.Key(a), OneShotHmac(hash_key, a.digits_for_hashing()));
}

TEST(MyNumberVaultTest, CopiesAndThreadsAgreeWithOneAnother) {
  const KeyBytes hash_key = Filled(3);
  const MyNumberVault vault(hash_key, Filled(5));
  const MyNumberVault copy = vault;  // shares the pool of contexts
  constexpr int kThreads = 4, kEach = 500;
  std::vector<std::vector<std::string>> keys(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const MyNumberVault& v = t % 2 ? copy : vault;
      for (int i = 0; i < kEach; ++i)
        keys[t].push_back(v.Key(Number(static_cast<uint64_t>(10000000000 + i))));
    });
  }
  for (std::thread& th : threads)
    th.join();
  for (int i = 0; i < kEach; ++i) {
    const std::string expected =
        OneShotHmac(hash_key, Number(static_cast<uint64_t>(10000000000 + i)).digits_for_hashing());
    for (int t = 0; t < kThreads; ++t)
      ASSERT_EQ(keys[t][i], expected) << "thread " << t << ", number " << i;
  }
  // Another key gives other MACs: the pool is the vault's own.
  const MyNumberVault other(Filled(4), Filled(5));
  EXPECT_NE(other.Key(Number(10000000000)), keys[0][0]);
}

}  // namespace
}  // namespace onshi::store
