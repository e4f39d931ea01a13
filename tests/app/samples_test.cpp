// Issue 19: the sample requests in samples/ never rot. Each file listed in
// samples/manifest.json is posted, as it is, to a running `onshi serve` built
// on the population samples/README.md describes, and must get the answer the
// manifest names (a status and a part of the body) — which the answer check
// of openapi_test.cpp also holds against docs/openapi.json. A file in
// samples/ that the manifest does not list fails, and so does a JSON sample
// that its operation's request schema refuses.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "openapi_check.hpp"
#include "process_util.hpp"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using onshi::testing::HttpAnswer;
using onshi::testing::Sh;

const std::string kBin = ONSHI_BINARY;
const fs::path kSamples = fs::path(ONSHI_SOURCE_DIR) / "samples";

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class SamplesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("onshi-samples-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = (dir_ / "t.db").string();
    int rc = 0;
    auto run = [&](const std::string& args) {
      const std::string out = Sh(kBin + " " + args + " --db " + db_ + " 2>&1", &rc);
      EXPECT_EQ(rc, 0) << args << "\n" << out;
    };
    // The population of samples/README.md.
    run("populate --quiet --members 200 --scenarios --today 2026-11-23");
    const std::string at = " --now 2026-11-20T09:00:00+09:00 --out " + dir_.string() + "/";
    run("facility add --code 1310000011" + at + "clinic");
    run("insurer add --number 06139992 --name オンシ健康保険組合 --lag 2" + at + "insurer");
    run("municipal add --code 131041 --name 新宿区" + at + "city");
    run("forms --persons 6 --bad-per-mille 0 --today 2026-11-16 --out " +
        (dir_ / "forms.csv").string());
    server_ = new onshi::testing::ServeProcess();
    base_ =
        server_->Start({"--db", db_, "--now", "2026-11-23T10:00:00+09:00", "--link-every", "0"});
    ASSERT_EQ(base_.rfind("https://", 0), 0u) << base_;
    const HttpAnswer login = Curl("POST", "/oqs-api-pro/MSA12020/ILI12020SV01/auth", Cert("clinic"),
                                  dir_ / "clinic/body.json", "application/json");
    ASSERT_EQ(login.status, 200) << login.body;
    token_ = std::string(json::parse(login.body).at("result").at("idToken").as_string());
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    fs::remove_all(dir_);
  }

  static std::string Cert(const std::string& who) {
    return " --cert " + (dir_ / who / "cert.pem").string() + " --key " +
           (dir_ / who / "key.pem").string();
  }
  static HttpAnswer Curl(const std::string& method, const std::string& path,
                         const std::string& extra, const fs::path& body = {},
                         const std::string& ctype = "") {
    std::string data;
    if (!body.empty()) data = " -H 'Content-Type: " + ctype + "' --data-binary @" + body.string();
    return onshi::testing::RunCurl("curl -s -i --max-time 30 -X " + method + " --cacert " +
                                   (dir_ / "clinic/ca.pem").string() + " " + extra + data + " '" +
                                   base_ + path + "'");
  }
  static std::string As(const std::string& role) {
    if (role == "facility") return "-H 'Authorization: " + token_ + "'";
    if (role == "insurer") return Cert("insurer");
    if (role == "municipal") return Cert("city");
    return "";
  }

  static inline fs::path dir_;
  static inline std::string db_, base_, token_;
  static inline onshi::testing::ServeProcess* server_ = nullptr;
};

TEST_F(SamplesTest, EverySampleGetsItsDocumentedAnswer) {
  const json::value manifest = json::parse(Slurp(kSamples / "manifest.json"));
  const onshi::testing::OpenApiDocument api(
      Slurp(fs::path(ONSHI_SOURCE_DIR) / "docs/openapi.json"));
  std::set<std::string> listed;
  for (const json::value& r : manifest.at("requests").as_array()) {
    const std::string file(r.at("file").as_string()), method(r.at("method").as_string()),
        path(r.at("path").as_string()), ctype(r.at("content_type").as_string());
    listed.insert(file);
    SCOPED_TRACE(file);
    const std::string body = Slurp(kSamples / file);
    ASSERT_FALSE(body.empty());
    // A JSON sample is a request the document describes.
    const std::string media = onshi::testing::OpenApiDocument::MediaType(ctype);
    const std::string tmpl = api.FindOperation(method, path);
    ASSERT_FALSE(tmpl.empty()) << method << " " << path;
    const json::value& content = api.doc()
                                     .at("paths")
                                     .at(tmpl)
                                     .at(method == "POST" ? "post" : "get")
                                     .at("requestBody")
                                     .at("content");
    ASSERT_TRUE(content.as_object().contains(media)) << media;
    if (media == "application/json" || media.ends_with("+json")) {
      EXPECT_EQ(api.Validate(content.at(media).at("schema"), json::parse(body)), "");
    }
    const HttpAnswer a =
        Curl(method, path, As(std::string(r.at("as").as_string())), kSamples / file, ctype);
    EXPECT_EQ(a.status, r.at("status").as_int64()) << a.body.substr(0, 500);
    std::string text = a.body;
    if (const auto* charset = r.as_object().if_contains("answer_charset")) {
      // Shift_JIS in, Shift_JIS out: decoded, it is the same answer.
      EXPECT_NE(a.Header("Content-Type").find(std::string(charset->as_string())), std::string::npos)
          << a.Header("Content-Type");
      std::ofstream(dir_ / "answer.bin", std::ios::binary) << a.body;
      int rc = 0;
      text = Sh("iconv -f CP932 -t UTF-8 " + (dir_ / "answer.bin").string(), &rc);
      EXPECT_EQ(rc, 0);
      EXPECT_NE(text.find("encoding=\"Shift_JIS\""), std::string::npos) << text.substr(0, 200);
    }
    EXPECT_NE(text.find(std::string(r.at("expect").as_string())), std::string::npos)
        << text.substr(0, 800);
  }
  // Every sample is listed (and so posted); nothing listed is missing.
  for (const auto& entry : fs::recursive_directory_iterator(kSamples)) {
    if (!entry.is_regular_file()) continue;
    const std::string rel = fs::relative(entry.path(), kSamples).string();
    if (rel == "manifest.json" || rel == "README.md") continue;
    EXPECT_TRUE(listed.contains(rel)) << rel << " is not in samples/manifest.json";
  }
}

// The insurer samples are forms `onshi forms` writes for the population of
// samples/README.md, so their residents are in its registry: the import
// links them without a registration error.
TEST_F(SamplesTest, TheInsurerSamplesNameResidentsOfThePopulation) {
  const std::string forms = Slurp(dir_ / "forms.csv");
  std::istringstream csv(Slurp(kSamples / "insurer/acquisitions.csv"));
  std::string line;
  std::getline(csv, line);  // the header
  int lines = 0;
  while (std::getline(csv, line)) {
    EXPECT_NE(forms.find(line + "\n"), std::string::npos) << line;
    ++lines;
  }
  EXPECT_EQ(lines, 3);
  std::istringstream jsonl(Slurp(kSamples / "insurer/acquisitions.jsonl"));
  while (std::getline(jsonl, line)) {
    const json::value v = json::parse(line);
    EXPECT_NE(forms.find(std::string(v.at("submission_id").as_string()) + ",acquisition," +
                         std::string(v.at("my_number").as_string()) + ","),
              std::string::npos)
        << line;
  }
}

// GET /openapi.json: the repository's document, to anyone (no certificate).
TEST_F(SamplesTest, TheServedDescriptionIsTheRepositorysDocument) {
  const HttpAnswer a = Curl("GET", "/openapi.json", "");
  ASSERT_EQ(a.status, 200);
  EXPECT_EQ(onshi::testing::OpenApiDocument::MediaType(a.Header("Content-Type")),
            "application/json");
  EXPECT_EQ(a.body, Slurp(fs::path(ONSHI_SOURCE_DIR) / "docs/openapi.json"));
}

}  // namespace
