// Batched proofs over HTTP (issue 20): concurrent checks to the real
// `onshi serve` share signed roots, and every answer's X-OQS-Proof verifies
// on its own with the published key (docs/proof-format.md).
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "auth/batch_proof.hpp"
#include "auth/es256_key.hpp"
#include "process_util.hpp"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

using onshi::testing::HttpAnswer;
using onshi::testing::Sh;

constexpr int kGathered = 8;

class ProofE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("onshi-proof-e2e-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    const std::string bin = ONSHI_BINARY;
    const std::string db = (dir_ / "t.db").string();
    ASSERT_EQ(onshi::testing::PopulateWithClinic(db, (dir_ / "clinic").string(), 50), "");
    // Enough threads that the gathered answers are all in flight at once;
    // the first batch is signed only once kGathered answers wait for it.
    server_ = new onshi::testing::ServeProcess();
    base_ = server_->Start({"--db", db, "--now", "2026-11-23T10:00:00+09:00", "--threads",
                            std::to_string(kGathered + 2), "--proof-test-gather",
                            std::to_string(kGathered)});
    ASSERT_EQ(base_.rfind("https://", 0), 0u) << base_;
    std::string failure;
    token_ = onshi::testing::ClinicToken((dir_ / "clinic").string(), base_, &failure);
    ASSERT_FALSE(token_.empty()) << failure;
    std::ofstream((dir_ / "req.json").string())
        << R"({"XmlMsg":{"MessageHeader":{"QualificationConfirmationDate":"20261123",)"
           R"("MedicalInstitutionCode":"1310000011"},"MessageBody":{"QualificationConfirmSearchInfo":)"
           R"({"InsurerNumber":"06139992","InsuredCardSymbol":"1","InsuredIdentificationNumber":)"
           R"("1001","InsuredBranchNumber":"00","Birthdate":"19800515",)"
           R"("LimitApplicationCertificateRelatedConsFlg":"1"}}}})";
    const HttpAnswer jwk = onshi::testing::ParseCurl(Sh("curl -s -i --max-time 20 --cacert " +
                                                        (dir_ / "clinic/ca.pem").string() + " '" +
                                                        base_ + "/oqs-api-pro/proof-key'"));
    // The set's one key (a JWK Set since issue 19; its kid is the proofs').
    key_text_ = boost::json::serialize(boost::json::parse(jwk.body).at("keys").at(0));
  }

  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    fs::remove_all(dir_);
  }

  // `n` searches at once (separate curl processes); answer i's headers and
  // body in "<tag>.<i>.h" and "<tag>.<i>.b".
  static void Concurrently(const std::string& tag, int n) {
    std::ostringstream cmd;
    cmd << "for i in $(seq 1 " << n << "); do curl -s --max-time 30 --cacert "
        << (dir_ / "clinic/ca.pem").string() << " -H 'Authorization: " << token_
        << "' -H 'Content-Type: application/json' --data-binary @" << (dir_ / "req.json").string()
        << " -D " << (dir_ / tag).string() << ".$i.h -o " << (dir_ / tag).string() << ".$i.b '"
        << base_ << "/oqs-api-pro/MSA01030/ILI01030SV01/search' & done; wait";
    Sh(cmd.str());
  }

  static std::string Read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }

  // The proof of answer i of `tag`, after checking that it verifies.
  static onshi::auth::BatchProofInfo Verified(const std::string& tag, int i) {
    const std::string stem = (dir_ / tag).string() + "." + std::to_string(i);
    const HttpAnswer a = onshi::testing::ParseCurl(Read(stem + ".h") + Read(stem + ".b"));
    EXPECT_EQ(a.status, 200) << a.headers;
    auto key = onshi::auth::Es256PublicKey::FromJwk(key_text_);
    EXPECT_TRUE(key.ok()) << key_text_;
    onshi::auth::BatchProofInfo info;
    std::string why;
    EXPECT_TRUE(key.ok() &&
                onshi::auth::VerifyBatchProof(a.Header("X-OQS-Proof"), a.body, *key, &why, &info))
        << tag << " " << i << ": " << why << "\n"
        << a.headers;
    return info;
  }

  static fs::path dir_;
  static onshi::testing::ServeProcess* server_;
  static std::string base_, token_, key_text_;
};

fs::path ProofE2eTest::dir_;
onshi::testing::ServeProcess* ProofE2eTest::server_ = nullptr;
std::string ProofE2eTest::base_, ProofE2eTest::token_, ProofE2eTest::key_text_;

// The first kGathered checks arrive together while the signer is held (the
// test hook waits for that many, a condition, not a delay): they come back
// with one signed root, each with its own index, each verifying alone.
// Then checks at once without the hook: each verifies, whatever the
// scheduler made of the batches; and a check alone is a batch of one.
TEST_F(ProofE2eTest, ConcurrentChecksShareSignedRootsAndEachVerifies) {
  Concurrently("gathered", kGathered);
  std::set<std::string> roots;
  std::set<uint64_t> indices;
  for (int i = 1; i <= kGathered; ++i) {
    const onshi::auth::BatchProofInfo info = Verified("gathered", i);
    EXPECT_EQ(info.size, static_cast<uint64_t>(kGathered));
    roots.insert(info.root);
    indices.insert(info.index);
  }
  EXPECT_EQ(roots.size(), 1u) << "answers that waited together were signed apart";
  EXPECT_EQ(indices.size(), static_cast<size_t>(kGathered));

  Concurrently("free", 24);
  std::set<std::string> free_roots;
  for (int i = 1; i <= 24; ++i)
    free_roots.insert(Verified("free", i).root);
  EXPECT_GE(free_roots.size(), 1u);
  EXPECT_LE(free_roots.size(), 24u);
  std::cout << "24 concurrent checks: " << free_roots.size() << " signed roots\n";

  // A check alone, after the others: a batch of one. (In this test, not a
  // test of its own: run alone, it would be the first and be held.)
  Concurrently("alone", 1);
  const onshi::auth::BatchProofInfo alone = Verified("alone", 1);
  EXPECT_EQ(alone.size, 1u);
  EXPECT_EQ(alone.index, 0u);
}

}  // namespace
