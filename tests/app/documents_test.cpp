// The insurer's documents through the real binary and over the insurer API:
// `onshi documents due` lists what must be printed and posted, `issue`
// records and prints it (one PDF each, a print file, the register), a second
// run issues nothing new; applications and returns are checked; the API
// answers the same with problem details on bad input. Rules: R-DOC-1,
// R-DOC-4, R-DOC-7, R-DOC-10, R-OLD-2.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "process_util.hpp"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using onshi::testing::HttpAnswer;
using onshi::testing::Sh;

const std::string kBin = ONSHI_BINARY;
constexpr const char* kInsurer = "06139992";  // the --scenarios insurer

std::string Read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

std::vector<std::string> Split(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::string cell;
  std::istringstream in(line);
  while (std::getline(in, cell, sep))
    out.push_back(cell);
  return out;
}

// Every file under `dir` with its size and modification time.
std::map<std::string, std::pair<uintmax_t, fs::file_time_type>> Files(const fs::path& dir) {
  std::map<std::string, std::pair<uintmax_t, fs::file_time_type>> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) out[e.path().string()] = {e.file_size(), e.last_write_time()};
  }
  return out;
}

class DocumentsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("onshi-documents-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = (dir_ / "t.db").string();
    // The population as of 2025-09-01: long-standing members hold old cards
    // that end on 2025-12-01 (R-OLD-2); on 2025-10-02 those without マイナ
    // 保険証 fall due for a 資格確認書 (R-DOC-4).
    int rc = 0;
    Run("populate --members 300 --seed 11 --scenarios --today 2025-09-01 --quiet", &rc);
    ASSERT_EQ(rc, 0) << Stderr();
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Run(const std::string& args, int* rc) {
    return Sh(kBin + " " + args + " --db " + db_ + " 2>" + (dir_ / "stderr.txt").string(), rc);
  }
  std::string Stderr() { return Read(dir_ / "stderr.txt"); }

  fs::path dir_;
  std::string db_;
};

TEST_F(DocumentsTest, DueThenIssueOncePrintsEveryDocumentAndKeepsTheRegister_RDoc4) {
  int rc = 0;
  const std::string due =
      Run(std::string("documents due --insurer ") + kInsurer + " --as-of 2025-10-02", &rc);
  ASSERT_EQ(rc, 0) << Stderr();
  const std::vector<std::string> due_lines = Lines(due);
  ASSERT_GT(due_lines.size(), 1u) << due;
  EXPECT_EQ(due_lines[0].rfind("交付番号\t記号\t番号\t枝番\t氏名\t書類", 0), 0u);
  // Long-standing members without マイナ保険証: 資格確認書, ex officio (R-DOC-4).
  EXPECT_NE(due.find("資格確認書\tA4判\tR-DOC-4"), std::string::npos) << due;
  EXPECT_NE(due.find("未記録"), std::string::npos);
  EXPECT_NE(Stderr().find("to print and post"), std::string::npos);

  const fs::path out = dir_ / "out";
  const std::string issued = Run(std::string("documents issue --insurer ") + kInsurer +
                                     " --as-of 2025-10-02 --out " + out.string(),
                                 &rc);
  ASSERT_EQ(rc, 0) << Stderr() << issued;
  // Not a terminal: no progress bar, nothing on stderr.
  EXPECT_EQ(Stderr(), "");
  int pdfs = 0, electronic = 0;
  bool leaflet = false;
  std::string print_file, a_certificate;
  for (const auto& e : fs::recursive_directory_iterator(out)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("print-20251002-", 0) == 0) {
      print_file = e.path().string();
    } else if (name == "leaflet-certificate.pdf") {
      leaflet = true;  // enclosed with every paper certificate, written once
    } else if (e.path().extension() == ".pdf") {
      ++pdfs;
      electronic += e.path().parent_path().filename() == "electronic";
      if (name.find("-certificate.pdf") != std::string::npos) a_certificate = e.path().string();
    }
  }
  // One PDF per line of the due list, and one print file.
  EXPECT_EQ(pdfs, static_cast<int>(due_lines.size()) - 1);
  ASSERT_FALSE(print_file.empty()) << issued;
  EXPECT_TRUE(leaflet);
  EXPECT_NE(issued.find(std::to_string(pdfs) + " documents issued"), std::string::npos) << issued;
  const std::string info = Sh("pdfinfo '" + print_file + "'");
  EXPECT_NE(info.find("Pages:"), std::string::npos);
  EXPECT_GE(std::stoi(info.substr(info.find("Pages:") + 6)), pdfs - electronic);
  ASSERT_FALSE(a_certificate.empty());
  const std::string text = Sh("pdftotext -enc UTF-8 '" + a_certificate + "' -");
  EXPECT_NE(text.find("資格確認書"), std::string::npos);
  EXPECT_NE(text.find("令和7年10月2日"), std::string::npos);  // 交付年月日 in 和暦
  EXPECT_NE(text.find("オンシ健康保険組合"), std::string::npos);

  // The register: every document of the insurer, these printed today.
  const std::string reg = Read(out / "register.csv");
  ASSERT_EQ(
      reg.rfind(
          "\xEF\xBB\xBF交付番号,記号,番号,枝番,氏名,書類,様式,根拠,交付日,有効期限,印刷日,返還", 0),
      0u);
  EXPECT_NE(reg.find(",資格確認書,A4判,R-DOC-4,2025-10-02,2030-10-01,2025-10-02,"),
            std::string::npos)
      << reg;

  // Idempotent: the same day again records and prints nothing.
  const auto before = Files(out);
  const std::string again = Run(std::string("documents issue --insurer ") + kInsurer +
                                    " --as-of 2025-10-02 --out " + out.string(),
                                &rc);
  ASSERT_EQ(rc, 0) << Stderr();
  EXPECT_NE(again.find("0 recorded, 0 documents issued"), std::string::npos) << again;
  const auto after = Files(out);
  ASSERT_EQ(before.size(), after.size());
  for (const auto& [path, stat] : before) {
    if (path.ends_with("register.csv")) continue;
    EXPECT_EQ(after.at(path), stat) << path << " was written again";
  }
  EXPECT_EQ(Read(out / "register.csv"), reg);
  EXPECT_EQ(
      Lines(Run(std::string("documents due --insurer ") + kInsurer + " --as-of 2025-10-02", &rc))
          .size(),
      1u);

  // Two of today's certificates: one comes back, the other's holder applies
  // for the postcard form.
  std::vector<std::vector<std::string>> certificates;
  for (const std::string& line : Lines(reg)) {
    const auto cells = Split(line, ',');
    if (cells.size() >= 9 && cells[5] == "資格確認書" && cells[8] == "2025-10-02") {
      certificates.push_back(cells);
    }
  }
  ASSERT_GE(certificates.size(), 2u);
  // R-DOC-10: a certificate comes back; the register says so.
  const std::string id = certificates[0][0];
  Run(std::string("documents returned --insurer ") + kInsurer + " --document " + id +
          " --on 2025-10-20",
      &rc);
  EXPECT_EQ(rc, 0) << Stderr();
  Run(std::string("documents returned --insurer ") + kInsurer + " --document " + id +
          " --on 2025-10-21",
      &rc);
  EXPECT_EQ(rc, 4);  // refused: already returned
  EXPECT_NE(Stderr().find("返還済み"), std::string::npos) << Stderr();
  Run(std::string("documents issue --insurer ") + kInsurer + " --as-of 2025-10-20 --out " +
          out.string(),
      &rc);
  EXPECT_NE(Read(out / "register.csv").find("返還済 2025-10-20"), std::string::npos);

  // Applications are checked: an unknown kind, and an electronic form
  // without a smartphone (R-DOC-7), are refused with the reason.
  const std::vector<std::string>& other = certificates[1];
  const std::string keys = std::string(" --insurer ") + kInsurer + " --symbol '" + other[1] +
                           "' --number " + other[2] + " --branch " + other[3];
  Run("documents apply" + keys + " --kind bogus --on 2025-10-20", &rc);
  EXPECT_EQ(rc, 2);
  Run("documents apply" + keys +
          " --kind form --form electronic --email a@example.jp --on 2025-10-20",
      &rc);
  EXPECT_EQ(rc, 4);  // refused by R-DOC-7
  EXPECT_NE(Stderr().find("スマートフォン"), std::string::npos) << Stderr();
  // The postcard form is given on application; the next run reissues it.
  Run("documents apply" + keys + " --kind form --form postcard --on 2025-10-21", &rc);
  EXPECT_EQ(rc, 0) << Stderr();
  const std::string due2 =
      Run(std::string("documents due --insurer ") + kInsurer + " --as-of 2025-10-21", &rc);
  EXPECT_NE(due2.find("資格確認書\tはがき型\tR-DOC-7"), std::string::npos) << due2;

  // The blank forms.
  Run("documents form declaration --out " + (dir_ / "decl.pdf").string(), &rc);
  EXPECT_EQ(rc, 0) << Stderr();
  EXPECT_NE(
      Sh("pdftotext -enc UTF-8 " + (dir_ / "decl.pdf").string() + " -").find("被保険者資格申立書"),
      std::string::npos);
  Run("documents form refund --paid 10000 --out " + (dir_ / "refund.pdf").string(), &rc);
  EXPECT_EQ(rc, 0) << Stderr();
  EXPECT_NE(Sh("pdftotext -enc UTF-8 " + (dir_ / "refund.pdf").string() + " -").find("7,000円"),
            std::string::npos);  // R-FAC-8: 7割 of 10,000 at the default 3割
}

class DocumentsApiTest : public DocumentsTest {
 protected:
  HttpAnswer Curl(const std::string& who, const std::string& path, const std::string& extra = "") {
    return onshi::testing::RunCurl(
        "curl -s -i --max-time 60 --cacert " + (dir_ / who / "ca.pem").string() + " --cert " +
        (dir_ / who / "cert.pem").string() + " --key " + (dir_ / who / "key.pem").string() + " " +
        extra + " '" + base_ + path + "'");
  }
  std::string base_;
};

TEST_F(DocumentsApiTest, SameOverTheInsurerApiWithProblemDetails) {
  int rc = 0;
  Run(std::string("insurer add --number ") + kInsurer +
          " --name オンシ健康保険組合 --now 2025-10-01 --out " + (dir_ / "a").string(),
      &rc);
  ASSERT_EQ(rc, 0) << Stderr();
  Run("insurer add --number 06130033 --name べつの健康保険組合 --now 2025-10-01 --out " +
          (dir_ / "b").string(),
      &rc);
  ASSERT_EQ(rc, 0) << Stderr();
  onshi::testing::ServeProcess server;
  base_ = server.Start({"--db", db_, "--now", "2025-10-02T10:00:00+09:00", "--link-every", "0"});
  ASSERT_EQ(base_.rfind("https://", 0), 0u) << base_;

  HttpAnswer due = Curl("a", "/insurer/v1/documents/due");
  ASSERT_EQ(due.status, 200) << due.body;
  const json::value d = json::parse(due.body);
  EXPECT_EQ(d.at("as_of").as_string(), "2025-10-02");
  ASSERT_GT(d.at("items").as_array().size(), 0u);
  EXPECT_EQ(Curl("a", "/insurer/v1/documents/due?as_of=10/02").status, 400);

  // Issuing is for today only.
  HttpAnswer wrong = Curl("a", "/insurer/v1/documents/issue",
                          "-H 'Content-Type: application/json' -d '{\"as_of\":\"2025-10-03\"}'");
  EXPECT_EQ(wrong.status, 422);
  EXPECT_NE(wrong.Header("Content-Type").find("application/problem+json"), std::string::npos);
  EXPECT_EQ(Curl("a", "/insurer/v1/documents/issue", "-d 'not json'").status, 400);

  HttpAnswer issue = Curl("a", "/insurer/v1/documents/issue", "-X POST");
  ASSERT_EQ(issue.status, 200) << issue.body;
  const json::value r = json::parse(issue.body);
  const json::array& issued = r.at("issued").as_array();
  ASSERT_EQ(issued.size(), d.at("items").as_array().size());
  const std::string print = std::string(r.at("print_file").as_string());
  HttpAnswer file = Curl("a", print);
  ASSERT_EQ(file.status, 200);
  EXPECT_EQ(file.Header("Content-Type"), "application/pdf");
  EXPECT_EQ(file.body.rfind("%PDF-", 0), 0u);
  const int64_t id = issued[0].at("document_id").as_int64();
  HttpAnswer one = Curl("a", "/insurer/v1/documents/" + std::to_string(id) + ".pdf");
  EXPECT_EQ(one.status, 200);
  EXPECT_EQ(one.body.rfind("%PDF-", 0), 0u);
  // Another insurer sees none of it.
  EXPECT_EQ(Curl("b", "/insurer/v1/documents/" + std::to_string(id) + ".pdf").status, 404);
  EXPECT_EQ(Curl("b", print).status, 404);

  // Idempotent.
  HttpAnswer again = Curl("a", "/insurer/v1/documents/issue", "-X POST");
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(json::parse(again.body).at("issued").as_array().size(), 0u);

  // A return, twice.
  std::string cert_id;
  for (const json::value& x : issued) {
    if (x.at("kind").as_string() == "certificate") {
      cert_id = std::to_string(x.at("document_id").as_int64());
      break;
    }
  }
  ASSERT_FALSE(cert_id.empty());
  HttpAnswer back = Curl("a", "/insurer/v1/documents/" + cert_id + "/returned", "-X POST");
  EXPECT_EQ(back.status, 200) << back.body;
  EXPECT_NE(back.body.find("\"returned_on\":\"2025-10-02\""), std::string::npos);
  HttpAnswer twice = Curl("a", "/insurer/v1/documents/" + cert_id + "/returned", "-X POST");
  EXPECT_EQ(twice.status, 422);
  EXPECT_NE(twice.body.find("返還済み"), std::string::npos) << twice.body;
  EXPECT_EQ(Curl("b", "/insurer/v1/documents/" + cert_id + "/returned", "-X POST").status, 422);

  // Applications: malformed, unknown member, refused form.
  EXPECT_EQ(Curl("a", "/insurer/v1/documents/applications", "-d '[1]'").status, 400);
  EXPECT_EQ(Curl("a", "/insurer/v1/documents/applications",
                 "-d '{\"number\":\"1\",\"branch\":\"00\",\"kind\":\"nope\"}'")
                .status,
            400);
  HttpAnswer nobody = Curl("a", "/insurer/v1/documents/applications",
                           "-d '{\"symbol\":\"x\",\"number\":\"1\",\"branch\":\"00\",\"kind\":"
                           "\"card_lost\"}'");
  EXPECT_EQ(nobody.status, 422);
  EXPECT_NE(nobody.body.find("加入者はいません"), std::string::npos) << nobody.body;

  HttpAnswer reg = Curl("a", "/insurer/v1/documents/register.csv");
  EXPECT_EQ(reg.status, 200);
  EXPECT_NE(reg.body.find("返還済 2025-10-02"), std::string::npos);
  server.Stop();
}

}  // namespace
