// Issue 19: docs/card-protocol.md §7, the worked example, run as written.
// The shell blocks of the document are taken from the document itself (so a
// change to either side shows here): the login and challenge with curl and
// jq; the message m built with printf and the card's signature checked with
// openssl; the check and the proof key with curl. Only the card's part
// (PIN, signature) is done in process, as the reader does it, through the
// same APDUs (card_proof.hpp). Then the answer's X-OQS-Proof names, by its
// kid, the key the proof-key JWK Set holds.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "auth/base64url.hpp"
#include "auth/es256_key.hpp"
#include "card_proof.hpp"
#include "process_util.hpp"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using onshi::testing::Sh;

const std::string kBin = ONSHI_BINARY;

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The ```sh blocks of §7 of the document, in order.
std::vector<std::string> WorkedExampleBlocks() {
  const std::string doc = Slurp(fs::path(ONSHI_SOURCE_DIR) / "docs/card-protocol.md");
  const size_t from = doc.find("## 7. A worked example with curl");
  const size_t to = doc.find("\n## 8.", from);
  const std::string section = doc.substr(from, to - from);
  std::vector<std::string> blocks;
  for (size_t at = section.find("```sh\n"); at != std::string::npos;
       at = section.find("```sh\n", at)) {
    const size_t end = section.find("\n```", at + 6);
    blocks.push_back(section.substr(at + 6, end - at - 6 + 1));
    at = end + 4;
  }
  return blocks;
}

TEST(CardProtocolDocTest, TheWorkedExampleRunsAsWritten) {
  const std::vector<std::string> blocks = WorkedExampleBlocks();
  ASSERT_EQ(blocks.size(), 3u) << "§7: login and challenge, m and its check, the check";
  const fs::path dir = fs::temp_directory_path() / ("onshi-card-doc-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string db = (dir / "t.db").string();
  int rc = 0;
  auto run = [&](const std::string& args) {
    const std::string out = Sh(kBin + " " + args + " --db " + db + " 2>&1", &rc);
    EXPECT_EQ(rc, 0) << args << "\n" << out;
    return out;
  };
  run("populate --quiet --members 200 --scenarios --today 2026-11-23");
  run("facility add --code 1310000011 --now 2026-11-20T09:00:00+09:00 --out " +
      (dir / "clinic").string());
  const std::string issued = run("card issue --person-id 4 --pin 1234 --now 2026-11-20");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(issued, m, std::regex(R"(card (\d+) \(person)"))) << issued;
  const std::string card = m[1];
  run("card register --card " + card + " --channel atm --now 2026-11-20");
  onshi::testing::ServeProcess server;
  const std::string base =
      server.Start({"--db", db, "--now", "2026-11-23T10:00:00+09:00", "--link-every", "0"});
  ASSERT_EQ(base.rfind("https://", 0), 0u) << base;

  // Each block as written, but against this server; the variables one block
  // leaves for the next are passed on in files.
  auto shell = [&](std::string block, const std::string& before, const std::string& after) {
    for (size_t at; (at = block.find("https://127.0.0.1:8443")) != std::string::npos;)
      block.replace(at, 22, base);
    std::ofstream(dir / "block.sh") << "set -e\ncd " << dir.string() << "\n"
                                    << before << block << after;
    return Sh("bash " + (dir / "block.sh").string() + " 2>&1", &rc);
  };
  // 0 and 1: the login and the challenge.
  const std::string login =
      shell(blocks[0], "",
            "printf %s \"$token\" > token.txt\nprintf %s \"$challenge\" > challenge.txt\n");
  ASSERT_EQ(rc, 0) << login << "\n" << Slurp(dir / "block.sh");
  const std::string token = Slurp(dir / "token.txt"), challenge = Slurp(dir / "challenge.txt");
  ASSERT_GT(token.size(), 100u);
  ASSERT_EQ(onshi::auth::Base64UrlDecode(challenge).value_or("").size(), 32u) << challenge;

  // 2: the card, as the reader drives it (PIN, then the signature).
  const json::value proof = json::parse(
      "{" +
      onshi::testing::CardProof(db + ".cards/card-" + card + ".card", db + ".card-issuer.key",
                                "1234", "1310000011", challenge) +
      "}");
  std::ofstream(dir / "cert.der", std::ios::binary)
      << *onshi::auth::Base64UrlDecode(std::string(proof.at("certificate").as_string()));
  std::ofstream(dir / "sig.bin", std::ios::binary)
      << *onshi::auth::Base64UrlDecode(std::string(proof.at("signature").as_string()));
  const std::string vars = "challenge='" + challenge + "'\n";
  std::string out = shell(blocks[1], vars, "");
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("Verified OK"), std::string::npos) << out;
  // The message is what the document says: a signature over another
  // facility's message does not verify.
  std::string other = blocks[1];
  other.replace(other.find("1310000011"), 10, "2710000015");
  out = shell(other, vars, "");
  EXPECT_EQ(out.find("Verified OK"), std::string::npos) << out;

  // 3 and 4: the check and the proof key.
  out = shell(blocks[2],
              vars + "token='" + token + "'\nbase='" + base + "'\nca=\"--cacert clinic/ca.pem\"\n" +
                  blocks[1].substr(0, blocks[1].find("b64url_decode \"$challenge\"")),
              "");
  ASSERT_EQ(rc, 0) << out;
  std::smatch ok;
  ASSERT_TRUE(std::regex_search(out, ok, std::regex(R"(HTTP/1.1 200 OK\r\n)"))) << out;
  // <index>.<salt>.<path>.<jws header>.<jws payload>.<jws signature>
  ASSERT_TRUE(std::regex_search(
      out, ok,
      std::regex(R"(X-OQS-Proof: [0-9]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.([A-Za-z0-9_-]+)\.)")))
      << out;
  const json::value header = json::parse(*onshi::auth::Base64UrlDecode(std::string(ok[1])));
  EXPECT_NE(out.find("\"QualificationValidity\":\"1\""), std::string::npos) << out;
  const size_t keys = out.rfind("{\"keys\":");
  ASSERT_NE(keys, std::string::npos) << out;
  const json::value jwks = json::parse(out.substr(keys));
  EXPECT_EQ(header.at("kid"), jwks.at("keys").at(0).at("kid"));
  EXPECT_EQ(header.at("typ").as_string(), "oqs-batch-proof");
  fs::remove_all(dir);
}

}  // namespace
