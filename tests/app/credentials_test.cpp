// `onshi credentials list` (issue 19: "List credentials of each role"). The
// CA kept no record of what it issued, so nothing could list the
// certificates of a role; now every issue and revocation is appended to the
// CA directory's index.txt (auth/ca_index.hpp), and a CA made before that
// gets its index rebuilt from the certificate files found.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "app/text_width.hpp"
#include "process_util.hpp"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using onshi::testing::Sh;

const std::string kBin = ONSHI_BINARY;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}

class CredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("onshi-credentials-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = (dir_ / "t.db").string();
    ca_dir_ = db_ + ".ca";
    Run("populate --quiet --members 20 --today 2026-11-23");
    const std::string at = " --now 2026-11-20T09:00:00+09:00 --out " + dir_.string() + "/";
    Run("facility add --code 1310000011 --name オンシ試験クリニック" + at + "clinic");
    Run("insurer add --number 06139992 --name オンシ健康保険組合" + at + "insurer");
    Run("municipal add --code 131016 --name 千代田区" + at + "city");
    Run("admin add --name ops" + at + "ops");
  }
  void TearDown() override { fs::remove_all(dir_); }

  // stdout only unless `with_stderr`; the exit code is checked.
  std::string Run(const std::string& args, int expect = 0, bool with_stderr = false) {
    int rc = 0;
    const std::string out =
        Sh(kBin + " " + args + " --db " + db_ + (with_stderr ? " 2>&1" : " 2>/dev/null"), &rc);
    EXPECT_EQ(rc, expect) << args << "\n" << out;
    return out;
  }
  json::object ListJson(const std::string& extra = "") {
    const std::string out = Run("credentials list --json --now 2026-11-23" + extra);
    json::value v = json::parse(out);
    return v.as_object();
  }
  static const json::object* Find(const json::array& list, const std::string& role) {
    for (const auto& v : list)
      if (v.as_object().at("role").as_string() == role) return &v.as_object();
    return nullptr;
  }

  fs::path dir_;
  std::string db_, ca_dir_;
};

TEST_F(CredentialsTest, ListsEveryRoleWithRevocationAndFile) {
  Run("insurer revoke --cert " + (dir_ / "insurer/cert.pem").string() +
      " --now 2026-11-22T10:00:00+09:00");

  const json::object doc = ListJson();
  EXPECT_EQ(doc.at("ca_dir").as_string(), ca_dir_);
  EXPECT_EQ(doc.at("index").as_string(), "complete");
  const json::array& list = doc.at("credentials").as_array();
  ASSERT_EQ(list.size(), 4u) << json::serialize(doc);
  const std::vector<std::pair<std::string, std::string>> expected = {{"facility", "1310000011"},
                                                                     {"insurer", "06139992"},
                                                                     {"municipal", "131016"},
                                                                     {"admin", "ops"}};
  for (const auto& [role, subject] : expected) {
    const json::object* c = Find(list, role);
    ASSERT_NE(c, nullptr) << role;
    EXPECT_EQ(c->at("subject").as_string(), subject);
    EXPECT_EQ(c->at("not_before").as_string(), "2026-11-20T09:00:00+09:00") << role;
    EXPECT_EQ(c->at("expired").as_bool(), false);
    EXPECT_EQ(c->at("file").as_string(), (dir_ /
                                          (role == "facility"    ? "clinic"
                                           : role == "municipal" ? "city"
                                           : role == "admin"     ? "ops"
                                                                 : "insurer") /
                                          "cert.pem")
                                             .string());
    // The serial is the certificate's own (what `openssl x509 -serial` says).
    const std::string serial =
        Sh("openssl x509 -noout -serial -in " + std::string(c->at("file").as_string()));
    EXPECT_EQ("serial=" + std::string(c->at("serial").as_string()) + "\n", serial);
    const bool revoked = role == "insurer";
    EXPECT_EQ(c->at("revoked").as_bool(), revoked) << role;
    if (revoked) {
      EXPECT_EQ(c->at("revoked_at").as_string(), "2026-11-22T10:00:00+09:00");
    } else {
      EXPECT_TRUE(c->at("revoked_at").is_null());
    }
  }
  EXPECT_EQ(Find(list, "facility")->at("name").as_string(), "オンシ試験クリニック");

  // --role keeps one role; an unknown role is a usage error (exit 2).
  const json::object only = ListJson(" --role municipal");
  const json::array& municipal = only.at("credentials").as_array();
  ASSERT_EQ(municipal.size(), 1u);
  EXPECT_EQ(municipal[0].as_object().at("subject").as_string(), "131016");
  Run("credentials list --role doctor", 2);
  // Past the certificates' end (730 days) they are listed as expired.
  const json::object later =
      json::parse(Run("credentials list --json --now 2029-01-01")).as_object();
  EXPECT_TRUE(Find(later.at("credentials").as_array(), "admin")->at("expired").as_bool());
}

// The JPKI CA's card certificates are listed as role "card", named by the
// card file that holds them (the certificate itself names no one, R-CARD-7);
// a suspended card's certificate is revoked.
TEST_F(CredentialsTest, CardCertificatesAreListedByTheCardHoldingThem) {
  EXPECT_TRUE(ListJson().at("jpki_dir").is_null());  // no card issued yet
  const std::string person =
      Sh(onshi::testing::SqliteShell(db_) +
         " \"SELECT m.person_id FROM members m WHERE linkage='linked' AND lost IS NULL AND NOT "
         "EXISTS (SELECT 1 FROM cards c WHERE c.person_id=m.person_id) ORDER BY m.person_id "
         "LIMIT 1\" | tr -d '\\n'");
  ASSERT_FALSE(person.empty());
  const std::string out =
      Run("card issue --person-id " + person + " --pin 1234 --now 2026-11-20T09:00:00+09:00");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(out, m, std::regex(R"(card (\d+) \(person)"))) << out;
  const std::string card = m[1];
  Run("card suspend --card " + card + " --now 2026-11-21T09:00:00+09:00");

  const json::object doc = ListJson(" --role card");
  EXPECT_EQ(doc.at("jpki_dir").as_string(), db_ + ".jpki");
  const json::array& list = doc.at("credentials").as_array();
  ASSERT_EQ(list.size(), 1u) << json::serialize(doc);
  const json::object& c = list[0].as_object();
  EXPECT_EQ(c.at("role").as_string(), "card");
  EXPECT_EQ(c.at("subject").as_string(), "card " + card);
  EXPECT_EQ(c.at("file").as_string(), db_ + ".cards/card-" + card + ".card");
  EXPECT_EQ(c.at("not_before").as_string(), "2026-11-20T09:00:00+09:00");
  EXPECT_TRUE(c.at("revoked").as_bool());
  EXPECT_EQ(c.at("revoked_at").as_string(), "2026-11-21T09:00:00+09:00");
  // And with the other roles when no role is named.
  EXPECT_EQ(ListJson().at("credentials").as_array().size(), 5u);
}

TEST_F(CredentialsTest, TheTableIsAlignedInTerminalColumns) {
  const auto lines = Lines(Run("credentials list --now 2026-11-23"));
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[0].rfind("ROLE", 0), 0u);
  // The FILE column starts at the same terminal column on every line, the
  // facility's kanji name counted two columns a character.
  const size_t header_col = onshi::app::DisplayWidth(lines[0].substr(0, lines[0].find("FILE")));
  for (size_t i = 1; i < lines.size(); ++i) {
    const size_t at = lines[i].find(dir_.string());
    ASSERT_NE(at, std::string::npos) << lines[i];
    EXPECT_EQ(onshi::app::DisplayWidth(lines[i].substr(0, at)), header_col) << lines[i];
  }
  bool saw_name = false;
  for (const auto& l : lines)
    saw_name = saw_name || l.find("オンシ試験クリニック") != std::string::npos;
  EXPECT_TRUE(saw_name);
}

TEST_F(CredentialsTest, ACaWithoutAnIndexIsRebuiltFromTheCertificateFiles) {
  // A CA made before indexes existed has no index.txt; revocations it made
  // are in revoked.txt only.
  Run("facility revoke --cert " + (dir_ / "clinic/cert.pem").string());
  fs::remove(ca_dir_ + "/index.txt");
  const std::string refused = Run("credentials list", 4, true);
  EXPECT_NE(refused.find("rebuild-index"), std::string::npos) << refused;

  // Issuing on such a CA begins a partial index: listed with a warning.
  Run("facility add --code 2710000015 --out " + (dir_ / "osaka").string());
  const std::string partial = Run("credentials list", 0, true);
  EXPECT_NE(partial.find("begun after"), std::string::npos) << partial;
  EXPECT_EQ(ListJson().at("credentials").as_array().size(), 1u);
  EXPECT_EQ(ListJson().at("index").as_string(), "partial");

  // The default search directory is the one holding the CA directory.
  const std::string out = Run("credentials rebuild-index");
  EXPECT_NE(out.find("4 added"), std::string::npos) << out;
  const json::object doc = ListJson();
  EXPECT_EQ(doc.at("index").as_string(), "rebuilt");
  const json::array& list = doc.at("credentials").as_array();
  ASSERT_EQ(list.size(), 5u) << json::serialize(doc);
  for (const char* role : {"facility", "insurer", "municipal", "admin"})
    EXPECT_NE(Find(list, role), nullptr) << role;
  for (const auto& v : list) {
    const json::object& c = v.as_object();
    // The revocation revoked.txt holds is carried over.
    EXPECT_EQ(c.at("revoked").as_bool(), c.at("subject").as_string() == "1310000011")
        << json::serialize(c);
  }
  // Running it again finds nothing new and loses nothing.
  EXPECT_NE(Run("credentials rebuild-index").find("0 added"), std::string::npos);
  EXPECT_EQ(ListJson().at("credentials").as_array().size(), 5u);
  // A certificate of another CA in the searched directory is not taken.
  Run("facility add --code 1310000011 --ca-dir " + (dir_ / "other.ca").string() + " --out " +
      (dir_ / "foreign").string());
  EXPECT_NE(Run("credentials rebuild-index " + (dir_ / "foreign").string()).find("0 added"),
            std::string::npos);
}

// Processes issuing at the same time on one CA directory (the CLI, a server
// making its certificate) each append whole lines: none is lost or torn.
TEST_F(CredentialsTest, ConcurrentIssuesAreAllIndexed) {
  std::string cmd;
  for (int i = 0; i < 8; ++i) {
    cmd += kBin + " admin add --name op" + std::to_string(i) + " --db " + db_ + " --out " +
           (dir_ / ("op" + std::to_string(i))).string() + " >/dev/null 2>&1 & ";
  }
  int rc = 0;
  Sh(cmd + "wait", &rc);
  ASSERT_EQ(rc, 0);
  const std::string warnings = Run("credentials list", 0, true);
  EXPECT_EQ(warnings.find("malformed"), std::string::npos) << warnings;
  const json::object doc = ListJson(" --role admin");
  const json::array& list = doc.at("credentials").as_array();
  ASSERT_EQ(list.size(), 9u) << json::serialize(doc);
  std::set<std::string> files;
  for (const auto& v : list)
    files.insert(std::string(v.as_object().at("file").as_string()));
  for (int i = 0; i < 8; ++i)
    EXPECT_EQ(files.count((dir_ / ("op" + std::to_string(i)) / "cert.pem").string()), 1u) << i;
}

TEST_F(CredentialsTest, TheIndexGoesWithABackup) {
  const std::string backup = (dir_ / "backup").string();
  Run("backup " + backup);
  std::ifstream a(ca_dir_ + "/index.txt"), b(backup + "/onshi.ca/index.txt");
  std::stringstream sa, sb;
  sa << a.rdbuf();
  sb << b.rdbuf();
  EXPECT_FALSE(sa.str().empty());
  EXPECT_EQ(sa.str(), sb.str());
  // And a restore answers the same listing.
  const std::string place = (dir_ / "restored" / "onshi.db").string();
  int rc = 0;
  const std::string restored = Sh(kBin + " restore " + backup + " --db " + place + " 2>&1", &rc);
  ASSERT_EQ(rc, 0) << restored;
  const std::string listed =
      Sh(kBin + " credentials list --json --db " + place + " --now 2026-11-23 2>/dev/null", &rc);
  ASSERT_EQ(rc, 0) << listed;
  EXPECT_EQ(json::parse(listed).at("credentials").as_array().size(), 4u) << listed;
}

}  // namespace
