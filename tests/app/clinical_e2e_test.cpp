// Issue 18 end to end against `onshi serve`: the patient consents at the
// clinic's card reader; the clinic submits a visit and reads the medicine
// history while the consent is in force (JSON and FHIR), another facility is
// refused, a duplicate prescription at that other facility is flagged —
// without naming the clinic's prescription until the patient consents there
// too — and after AvailableTime the clinic is refused (the server restarted
// with a later --now; no sleeping). Masters come from data/masters through
// `onshi masters load`. Rules: R-FAC-4, R-FAC-9.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <string>

#include "../pdf/pdf_text.hpp"
#include "card_proof.hpp"
#include "core/date.hpp"
#include "process_util.hpp"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using onshi::testing::HttpAnswer;
using onshi::testing::Sh;

const std::string kBin = ONSHI_BINARY;
const std::string kMasters = ONSHI_SOURCE_DIR "/data/masters";
constexpr const char* kClinic = "1310000011";
constexpr const char* kOsaka = "2710000015";

class ClinicalE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("onshi-clinical-e2e-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = (dir_ / "t.db").string();
    int rc = 0;
    Sh(kBin + " populate --quiet --members 200 --today 2026-11-23 --db " + db_, &rc);
    ASSERT_EQ(rc, 0);
    // Someone insured today, once, with no card yet; and their keys.
    const std::string row =
        Sql("SELECT m.person_id || '|' || m.insurer_number || '|' || m.symbol || '|' || m.number "
            "|| '|' || m.branch || '|' || m.birth_date FROM members m WHERE linkage='linked' AND "
            "lost IS NULL AND acquired < '2026-01-01' AND NOT EXISTS (SELECT 1 FROM cards c WHERE "
            "c.person_id=m.person_id) AND (SELECT COUNT(*) FROM members x WHERE "
            "x.person_id=m.person_id)=1 AND m.birth_date BETWEEN '1960-01-01' AND '2000-12-31' "
            "AND m.insurer_number NOT LIKE '39%' ORDER BY m.person_id LIMIT 1");
    std::smatch m;
    ASSERT_TRUE(std::regex_match(
        row, m, std::regex(R"(([^|]+)\|([^|]+)\|([^|]*)\|([^|]+)\|([^|]+)\|([^|]+))")))
        << row;
    person_ = m[1];
    member_keys_ = {m[2], m[3], m[4], m[5]};
    patient_ = json::serialize(json::object{{"insurerNumber", std::string(m[2])},
                                            {"symbol", std::string(m[3])},
                                            {"number", std::string(m[4])},
                                            {"branch", std::string(m[5])},
                                            {"birthDate", std::string(m[6])}});
    for (auto [code, name] : {std::pair{kClinic, "clinic"}, std::pair{kOsaka, "osaka"}}) {
      Sh(kBin + " facility add --code " + code + " --now 2026-11-20 --days 3650 --out " +
             (dir_ / name).string() + " --db " + db_,
         &rc);
      ASSERT_EQ(rc, 0);
    }
    const std::string out =
        Sh(kBin + " masters load --drugs " + kMasters + "/drugs.csv" + " --procedures " + kMasters +
               "/procedures.csv --diseases " + kMasters + "/diseases.csv --interactions " +
               kMasters + "/interactions.csv --db " + db_ + " 2>&1",
           &rc);
    ASSERT_EQ(rc, 0) << out;
    // The patient's card, registered for insurance use.
    const std::string issued = Sh(kBin + " card issue --person-id " + person_ +
                                      " --pin 1234 --now 2026-11-20 --db " + db_ + " 2>&1",
                                  &rc);
    ASSERT_EQ(rc, 0) << issued;
    ASSERT_TRUE(std::regex_search(issued, m, std::regex(R"(card (\d+) \(person)"))) << issued;
    const std::string card_id = m[1];
    card_path_ = db_ + ".cards/card-" + card_id + ".card";
    Sh(kBin + " card register --card " + card_id + " --channel atm --now 2026-11-20 --db " + db_,
       &rc);
    ASSERT_EQ(rc, 0);
  }
  void TearDown() override {
    server_.Stop();
    fs::remove_all(dir_);
  }

  std::string Sql(const std::string& query) {
    std::string out = Sh(onshi::testing::SqliteShell(db_) + " \"" + query + "\"");
    while (!out.empty() && out.back() == '\n')
      out.pop_back();
    return out;
  }

  HttpAnswer Curl(const std::string& path, const std::string& extra) {
    return onshi::testing::RunCurl("curl -s -i --max-time 20 --cacert " +
                                   (dir_ / "clinic/ca.pem").string() + " " + extra + " '" + base_ +
                                   path + "'");
  }

  std::string Login(const std::string& name) {
    const fs::path d = dir_ / name;
    HttpAnswer a =
        Curl("/oqs-api-pro/MSA12020/ILI12020SV01/auth",
             "--cert " + (d / "cert.pem").string() + " --key " + (d / "key.pem").string() +
                 " --data-binary @" + (d / "body.json").string());
    EXPECT_EQ(a.status, 200) << a.body;
    if (a.status != 200) return "";
    return std::string(json::parse(a.body).at("result").at("idToken").as_string());
  }

  // (Re)starts the server with the clock at `now`; logs both facilities in.
  void Serve(const std::string& now) {
    server_.Stop();
    base_ = server_.Start({"--db", db_, "--now", now, "--link-every", "0"});
    ASSERT_EQ(base_.rfind("https://", 0), 0u);
    clinic_ = Login("clinic");
    osaka_ = Login("osaka");
  }

  HttpAnswer Post(const std::string& path, const std::string& token, const std::string& body,
                  const std::string& accept = "") {
    std::ofstream(dir_ / "post.json") << body;
    return Curl(path, "-H 'Authorization: " + token + "' -H 'Content-Type: application/json' " +
                          (accept.empty() ? std::string() : "-H 'Accept: " + accept + "' ") +
                          "--data-binary @" + (dir_ / "post.json").string());
  }

  // The check at `facility`'s reader by the card after its PIN, with the
  // consents the patient chose on the reader.
  HttpAnswer CardCheck(const std::string& facility, const std::string& token,
                       const std::string& consents) {
    HttpAnswer c = Post("/oqs-api-pro/card/challenge", token, "");
    EXPECT_EQ(c.status, 200) << c.body;
    const std::string challenge(json::parse(c.body).at("challenge").as_string());
    const std::string proof = onshi::testing::CardProof(card_path_, db_ + ".card-issuer.key",
                                                        "1234", facility, challenge);
    return Post(
        "/oqs-api-pro/card/search", token,
        "{" + proof +
            R"(,"identityCheck":"pin","qualificationConfirmationDate":"20261123","consents":)" +
            consents + "}");
  }

  std::string Patient() const { return R"({"patient":)" + patient_; }

  // One pass of `onshi terminal` for `facility`'s folders under dir_/term-<name>:
  // picks up what is in Req and publishes the answers in Res.
  void TerminalOnce(const std::string& name) {
    const fs::path d = dir_ / name;
    int rc = 0;
    const std::string out =
        Sh(kBin + " terminal --central " + base_ + " --cert " + (d / "cert.pem").string() +
               " --key " + (d / "key.pem").string() + " --body " + (d / "body.json").string() +
               " --ca " + (d / "ca.pem").string() + " --dir " + (dir_ / ("term-" + name)).string() +
               " --settle-seconds 0 --no-outage --once 2>&1",
           &rc);
    ASSERT_EQ(rc, 0) << out;
  }

  // A YZK / TKK request (terminal-protocol.md §6.6, OQSDrug2's GenerateXML
  // shape) for the patient, from `facility`.
  std::string FileRequest(const std::string& facility, bool drugs, const std::string& afi) const {
    return std::string(R"(<?xml version="1.0" encoding="UTF-8" standalone="no"?>)") + "\n" +
           "<XmlMsg><MessageHeader><MedicalInstitutionCode>" + facility +
           "</MedicalInstitutionCode><InsurerNumber>" + member_keys_[0] +
           "</InsurerNumber><InsuranceCardSymbol>" + member_keys_[1] +
           "</InsuranceCardSymbol><InsuredPersonIdentificationNumber>" + member_keys_[2] +
           "</InsuredPersonIdentificationNumber><BranchNumber>" + member_keys_[3] +
           "</BranchNumber><ArbitraryFileIdentifier>" + afi +
           "</ArbitraryFileIdentifier></MessageHeader><MessageBody>" +
           (drugs ? "<StartDate>202601</StartDate><EndDate>202612</EndDate>" : "") +
           "<FileCategory>2</FileCategory><PrDiInfClassification>1</PrDiInfClassification>"
           "<MedicalTreatmentFlag>3</MedicalTreatmentFlag></MessageBody></XmlMsg>\n";
  }

  // Writes `text` as Req/<name> of `facility`'s terminal, runs one pass and
  // returns Res/<name with req_ → res_> (empty when there is none).
  std::string Exchange(const std::string& facility_dir, const std::string& name,
                       const std::string& text) {
    const fs::path req = dir_ / ("term-" + facility_dir) / "Req";
    fs::create_directories(req);
    std::ofstream(req / name, std::ios::binary) << text;
    TerminalOnce(facility_dir);
    std::string res_name = name;
    res_name.replace(res_name.find("req_"), 4, "res_");
    const fs::path res = dir_ / ("term-" + facility_dir) / "Res" / res_name;
    EXPECT_FALSE(fs::exists(req / name)) << "the request stays in Req";
    std::ifstream in(res, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }

  fs::path dir_;
  std::vector<std::string> member_keys_;
  std::string db_, person_, patient_, card_path_, base_, clinic_, osaka_;
  onshi::testing::ServeProcess server_;
};

TEST_F(ClinicalE2eTest, ConsentAtTheReaderOpensTheHistoryUntilAvailableTime_RFAC4) {
  Serve("2026-11-23T10:00:00+09:00");
  // Before any consent: refused, in Japanese.
  HttpAnswer a = Post("/clinical/v1/medicines", clinic_, Patient() + "}");
  EXPECT_EQ(a.status, 403) << a.body;
  EXPECT_NE(a.body.find("同意"), std::string::npos) << a.body;

  a = CardCheck(kClinic, clinic_, R"({"pharmacists":"1","diagnosis":"1","operation":"0"})");
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM consents WHERE person_id=" + person_ +
                " AND facility_code='" + kClinic + "'"),
            "3");

  // The clinic submits the visit: amlodipine 28 days, a test and an operation.
  a = Post("/clinical/v1/visits", clinic_,
           Patient() + R"(,"date":"2026-11-23","setting":"outpatient","totalCost":12000,)"
                       R"("paid":3600,"medicines":[{"kind":"prescribed","yjCode":"2171022F1029",)"
                       R"("quantity":"1","unit":"錠","days":28,"start":"2026-11-23"}],)"
                       R"("procedures":[{"code":"199000210","date":"2026-11-23"},)"
                       R"({"code":"199000410","date":"2026-11-23"}],)"
                       R"("diagnoses":[{"code":"9990001","start":"2026-11-01"}]})");
  ASSERT_EQ(a.status, 201) << a.body;

  // Visible while the consent is in force: JSON, then FHIR.
  a = Post("/clinical/v1/medicines", clinic_, Patient() + "}");
  ASSERT_EQ(a.status, 200) << a.body;
  json::value v = json::parse(a.body);
  ASSERT_EQ(v.at("medicines").as_array().size(), 1u);
  EXPECT_EQ(v.at("medicines").at(0).at("name").as_string(), "ノルバスク錠２．５ｍｇ");
  EXPECT_EQ(v.at("consent").at("kind").as_string(), "pharmacists");
  a = Post("/clinical/v1/medicines", clinic_, Patient() + "}", "application/fhir+json");
  ASSERT_EQ(a.status, 200) << a.body;
  v = json::parse(a.body);
  EXPECT_EQ(v.at("resourceType").as_string(), "Bundle");
  const json::value& r = v.at("entry").at(0).at("resource");
  EXPECT_EQ(r.at("resourceType").as_string(), "MedicationStatement");
  EXPECT_EQ(r.at("meta").at("profile").at(0).as_string(),
            "http://jpfhir.jp/fhir/core/StructureDefinition/JP_MedicationStatement");
  EXPECT_EQ(r.at("medicationCodeableConcept").at("coding").at(0).at("code").as_string(),
            "2171022F1029");

  // Procedures: the diagnosis consent shows the test, not the operation
  // (operation consent "0").
  a = Post("/clinical/v1/procedures", clinic_, Patient() + "}");
  ASSERT_EQ(a.status, 200) << a.body;
  v = json::parse(a.body);
  ASSERT_EQ(v.at("procedures").as_array().size(), 1u);
  EXPECT_EQ(v.at("procedures").at(0).at("code").as_string(), "199000210");
  EXPECT_EQ(v.at("diagnoses").as_array().size(), 1u);

  // Another facility without the patient's consent there: refused.
  a = Post("/clinical/v1/medicines", osaka_, Patient() + "}");
  EXPECT_EQ(a.status, 403) << a.body;

  // AvailableTime is 24 hours after the consent: one second past it, refused.
  Serve("2026-11-24T10:00:01+09:00");
  a = Post("/clinical/v1/medicines", clinic_, Patient() + "}");
  EXPECT_EQ(a.status, 403) << a.body;
  // Every read names the consent it relied on in the audit log (read once the
  // server has stopped: the audit writer commits in batches, and flushes on stop).
  server_.Stop();
  EXPECT_NE(Sql("SELECT COUNT(*) FROM audit_log WHERE action='clinical.medicines.read' AND "
                "person_id=" +
                person_ + " AND detail LIKE 'consent=%kind=pharmacists%'"),
            "0");
  EXPECT_NE(Sql("SELECT COUNT(*) FROM audit_log WHERE action='consent.record' AND person_id=" +
                person_ + " AND detail LIKE 'pharmacists=1#%'"),
            "0");
  EXPECT_NE(Sql("SELECT COUNT(*) FROM audit_log WHERE action='clinical.medicines.refused' AND "
                "actor='facility:" +
                std::string(kOsaka) + "'"),
            "0");
}

TEST_F(ClinicalE2eTest, DuplicateAcrossTwoFacilitiesIsNamedOnlyWithConsent) {
  Serve("2026-11-23T10:00:00+09:00");
  ASSERT_EQ(CardCheck(kClinic, clinic_, R"({"pharmacists":"1"})").status, 200);
  ASSERT_EQ(Post("/clinical/v1/visits", clinic_,
                 Patient() + R"(,"date":"2026-11-23","setting":"outpatient","totalCost":5000,)"
                             R"("paid":1500,"medicines":[{"kind":"prescribed",)"
                             R"("yjCode":"2171022F1029","quantity":"1","unit":"錠","days":28,)"
                             R"("start":"2026-11-23"}]})")
                .status,
            201);
  // Osaka prescribes the generic (same ingredient) overlapping: the alert
  // fires, but without consent at Osaka it names nothing.
  const std::string rx = Patient() + R"(,"medicines":[{"yjCode":"2171022F1243","days":14,)"
                                     R"("start":"2026-12-01"}]})";
  HttpAnswer a = Post("/clinical/v1/prescriptions/check", osaka_, rx);
  ASSERT_EQ(a.status, 200) << a.body;
  json::value v = json::parse(a.body);
  EXPECT_EQ(v.at("duplicates").as_int64(), 1);
  const json::value& hidden = v.at("results").at(0).at("findings").at(0);
  EXPECT_FALSE(hidden.at("named").as_bool());
  EXPECT_EQ(hidden.as_object().if_contains("prescription"), nullptr);
  EXPECT_EQ(a.body.find(kClinic), std::string::npos) << "the other facility leaked: " << a.body;

  // With the patient's consent at Osaka's reader: the clinic's prescription is named.
  ASSERT_EQ(CardCheck(kOsaka, osaka_, R"({"pharmacists":"1"})").status, 200);
  a = Post("/clinical/v1/prescriptions/check", osaka_, rx);
  ASSERT_EQ(a.status, 200) << a.body;
  v = json::parse(a.body);
  const json::value& named = v.at("results").at(0).at("findings").at(0);
  EXPECT_TRUE(named.at("named").as_bool());
  EXPECT_EQ(named.at("prescription").at("facility").as_string(), kClinic);
  EXPECT_EQ(named.at("overlapDays").as_int64(), 14);
  // Not overlapping (after the clinic's 28 days): no alert.
  a = Post(
      "/clinical/v1/prescriptions/check", osaka_,
      Patient() + R"(,"medicines":[{"yjCode":"2171022F1243","days":14,"start":"2026-12-21"}]})");
  EXPECT_EQ(json::parse(a.body).at("duplicates").as_int64(), 0) << a.body;
}

// The first text of <tag>…</tag> in `xml` ("" when absent).
std::string Tag(const std::string& xml, const std::string& tag, size_t from = 0) {
  const size_t a = xml.find("<" + tag + ">", from);
  if (a == std::string::npos) return "";
  const size_t b = xml.find("</" + tag + ">", a);
  return xml.substr(a + tag.size() + 2, b - a - tag.size() - 2);
}

// Issue 18 over the terminal's files (terminal-protocol.md §6.6): the
// pharmacy's YZK request is answered with the medicine history and the
// duplicate across two facilities only while the patient's 薬剤情報 consent
// given at its reader is in force (R-FAC-4); TKK likewise with the 特定健診
// consent; after AvailableTime both are refused in the answer. Before this
// the terminal answered every YZK/TKK file with the error pair (ONS-E0108).
TEST_F(ClinicalE2eTest, TerminalYzkAndTkkFilesAnsweredOnlyWhileTheConsentIsInForce_RFac4) {
  int rc = 0;
  const std::string out = Sh(kBin + " insurer add --number " + member_keys_[0] +
                                 " --name 試験保険者 --lag 2 --now 2026-11-20 --out " +
                                 (dir_ / "insurer").string() + " --db " + db_ + " 2>&1",
                             &rc);
  ASSERT_EQ(rc, 0) << out;
  Serve("2026-11-23T10:00:00+09:00");
  // The clinic prescribes amlodipine for 28 days (consent at its reader).
  ASSERT_EQ(CardCheck(kClinic, clinic_, R"({"pharmacists":"1"})").status, 200);
  ASSERT_EQ(Post("/clinical/v1/visits", clinic_,
                 Patient() + R"(,"date":"2026-11-20","setting":"outpatient","totalCost":5000,)"
                             R"("paid":1500,"medicines":[{"kind":"prescribed",)"
                             R"("yjCode":"2171022F1029","quantity":"1","unit":"錠","days":28,)"
                             R"("start":"2026-11-20"}]})")
                .status,
            201);
  // Osaka's pharmacy dispenses the generic, 14 days from today: it overlaps.
  ASSERT_EQ(Post("/clinical/v1/visits", osaka_,
                 Patient() + R"(,"date":"2026-11-23","setting":"outpatient","totalCost":3000,)"
                             R"("paid":900,"medicines":[{"kind":"dispensed",)"
                             R"("yjCode":"2171022F1243","quantity":"1","unit":"錠","days":14,)"
                             R"("start":"2026-11-23"}]})")
                .status,
            201);
  // The insurer's 特定健診 results (HbA1c) for two years.
  const std::string keys = R"("symbol":")" + member_keys_[1] + R"(","number":")" + member_keys_[2] +
                           R"(","branch":")" + member_keys_[3] + R"(","birthDate":)" +
                           json::serialize(json::parse(patient_).at("birthDate"));
  std::ofstream(dir_ / "checkups.json")
      << R"({"records":[{)" + keys +
             R"(,"examinedOn":"2025-06-02","itemCode":"3D046000001906202","value":"5.4","unit":"%"},{)" +
             keys +
             R"(,"examinedOn":"2026-06-01","itemCode":"3D046000001906202","value":"5.9","unit":"%"}]})";
  const fs::path ins = dir_ / "insurer";
  HttpAnswer a =
      Curl("/insurer/v1/checkups", "--cert " + (ins / "cert.pem").string() + " --key " +
                                       (ins / "key.pem").string() +
                                       " -H 'Content-Type: application/json' --data-binary @" +
                                       (dir_ / "checkups.json").string());
  ASSERT_EQ(a.status, 201) << a.body;

  // No consent at Osaka yet: the answer says so (ResultCode 2), nothing else.
  std::string res = Exchange("osaka", "YZKsiquc01req_0226112310000001.xml",
                             FileRequest(kOsaka, true, "afi-yzk-1"));
  ASSERT_FALSE(res.empty());
  EXPECT_EQ(Tag(res, "ResultCode"), "2") << res;
  EXPECT_NE(Tag(res, "MessageContents").find("同意"), std::string::npos) << res;
  EXPECT_EQ(Tag(res, "ArbitraryFileIdentifier"), "afi-yzk-1");
  EXPECT_EQ(res.find("2171022F1029"), std::string::npos) << "data leaked: " << res;

  // The patient consents at Osaka's reader (the kiosk's card-check path).
  ASSERT_EQ(CardCheck(kOsaka, osaka_, R"({"pharmacists":"1","specificHealthCheckups":"1"})").status,
            200);
  res = Exchange("osaka", "YZKsiquc01req_0226112310000002.xml",
                 FileRequest(kOsaka, true, "afi-yzk-2"));
  EXPECT_EQ(res.rfind(R"(<?xml version="1.0" encoding="UTF-8" standalone="no"?>)", 0), 0u);
  EXPECT_EQ(Tag(res, "ResultCode"), "1") << res;
  EXPECT_EQ(Tag(res, "MedicalInstitutionCode"), kOsaka);
  EXPECT_EQ(Tag(res, "ArbitraryFileIdentifier"), "afi-yzk-2");
  EXPECT_EQ(Tag(res, "CharacterCodeIdentifier"), "0");
  const std::string qua = Tag(res, "QuaInf");
  EXPECT_EQ(Tag(qua, "Birth"),
            Sql("SELECT replace(birth_date,'-','') FROM members WHERE person_id=" + person_ +
                " LIMIT 1"));
  EXPECT_FALSE(Tag(qua, "Name").empty()) << qua;
  EXPECT_FALSE(Tag(qua, "KanaName").empty()) << qua;
  // 処方 (the clinic's) and 調剤 (Osaka's), by month, day and facility.
  const std::string shpr = Tag(res, "ShPrInf");
  EXPECT_EQ(Tag(shpr, "ShPrMonth"), "202611");
  EXPECT_EQ(Tag(shpr, "ShPrDate"), "20261120");
  EXPECT_EQ(Tag(shpr, "MedicalInstitutionCode"), kClinic);
  EXPECT_EQ(Tag(shpr, "DrugC"), "2171022F1029");
  EXPECT_EQ(Tag(shpr, "DrugN"), "ノルバスク錠２．５ｍｇ");
  EXPECT_EQ(Tag(shpr, "Qua1"), "1");
  EXPECT_EQ(Tag(shpr, "Unit"), "錠");
  EXPECT_EQ(Tag(shpr, "Times"), "28");
  const std::string czdi = Tag(res, "CzDiInf");
  EXPECT_EQ(Tag(czdi, "CzDiDate"), "20261123");
  EXPECT_EQ(Tag(czdi, "DrugC"), "2171022F1243");
  // The pharmacist sees the duplicate across the two facilities.
  const std::string alert = Tag(res, "DrugAlertInf");
  ASSERT_FALSE(alert.empty()) << res;
  EXPECT_EQ(Tag(alert, "AlertClassification"), "1");
  EXPECT_EQ(Tag(alert, "OverlapDays"), "14");
  std::set<std::string> facilities = {Tag(alert, "MedicalInstitutionCode"),
                                      Tag(alert, "OtherMedicalInstitutionCode")};
  EXPECT_EQ(facilities, (std::set<std::string>{kClinic, kOsaka}));

  // TKK, in Shift_JIS as OQSDrug2 writes it: answered in Shift_JIS.
  std::string sjis = FileRequest(kOsaka, false, "afi-tkk-1");
  sjis.replace(sjis.find("UTF-8"), 5, "Shift_JIS");
  res = Exchange("osaka", "TKKsiquc01req_0126112310000003.xml", sjis);
  EXPECT_NE(res.find(R"(encoding="Shift_JIS")"), std::string::npos) << res;
  EXPECT_EQ(Tag(res, "CharacterCodeIdentifier"), "1");
  EXPECT_EQ(Tag(res, "ResultCode"), "1") << res;
  ASSERT_NE(Tag(res, "QualificationsInfo"), "");
  EXPECT_FALSE(Tag(Tag(res, "QualificationsInfo"), "Birthday").empty());
  const size_t second =
      res.find("<SpecificHealthCheckupInfo>", res.find("<SpecificHealthCheckupInfo>") + 1);
  ASSERT_NE(second, std::string::npos) << "two examination dates";
  EXPECT_EQ(Tag(res, "EffectiveTime"), "20250602");
  EXPECT_EQ(Tag(res, "EffectiveTime", second), "20260601");
  const std::string item = Tag(res, "HealthCheckupResultAndQuestionInfo", second);
  EXPECT_EQ(Tag(item, "ItemCode"), "3D046000001906202");
  EXPECT_EQ(Tag(item, "DataType"), "PQ");
  EXPECT_EQ(Tag(item, "DataValue"), "5.9");
  EXPECT_EQ(Tag(item, "Unit"), "%");
  EXPECT_EQ(Tag(item, "Oid"), "1.2.392.200119.6.1005");

  // The clinic's terminal asking for Osaka's code is refused.
  res = Exchange("clinic", "YZKsiquc01req_0226112310000004.xml",
                 FileRequest(kOsaka, true, "afi-yzk-3"));
  EXPECT_EQ(Tag(res, "ResultCode"), "2") << res;

  // 24 hours and a second after the consent: refused in the answer.
  Serve("2026-11-24T10:00:01+09:00");
  res = Exchange("osaka", "YZKsiquc01req_0226112410000005.xml",
                 FileRequest(kOsaka, true, "afi-yzk-4"));
  EXPECT_EQ(Tag(res, "ResultCode"), "2") << res;
  EXPECT_EQ(res.find("<ShPrInf>"), std::string::npos) << res;
  server_.Stop();
  // Each answered read is in the audit log with the consent it relied on.
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM audit_log WHERE action='clinical.drugfile.read' AND "
                "person_id=" +
                person_ + " AND detail LIKE 'consent=%kind=pharmacists%alerts=1'"),
            "1");
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM audit_log WHERE action='clinical.checkupfile.read' AND "
                "person_id=" +
                person_ + " AND detail LIKE 'consent=%kind=checkups%'"),
            "1");
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM audit_log WHERE action='clinical.drugfile.refused'"), "3");
}

// FileCategory 1 (terminal-protocol.md §6.6: the result is "`.pdf`, or `.xml`
// with ResultCode 1"): the pharmacy's YZK request for a PDF is answered with
// `YZKsiquc01res_….pdf` — a year of fortnightly prescriptions at the clinic
// and today's dispensing at the pharmacy, newest first over several A4 pages
// with the column headers and "n / m" on each, the 重複投薬 and 併用禁忌 in
// a box on the first page naming the clinic's prescription — and TKK with
// the 特定健診 by examination; after AvailableTime the same request gets the
// XML refusal and no PDF (R-FAC-4). Before this, FileCategory 1 was refused
// with "PDF 形式には対応していません".
TEST_F(ClinicalE2eTest, TerminalPdfAnswerWhileTheConsentIsInForceAndNoneAfter_RFac4) {
  int rc = 0;
  const std::string out = Sh(kBin + " insurer add --number " + member_keys_[0] +
                                 " --name 試験保険者 --lag 2 --now 2026-11-20 --out " +
                                 (dir_ / "insurer").string() + " --db " + db_ + " 2>&1",
                             &rc);
  ASSERT_EQ(rc, 0) << out;
  Serve("2026-11-23T10:00:00+09:00");
  ASSERT_EQ(CardCheck(kClinic, clinic_, R"({"pharmacists":"1"})").status, 200);
  // The clinic: 試験薬Ａ and amlodipine, 14 days, every two weeks of 2026.
  using onshi::Date;
  int visits = 0;
  for (Date d = Date::FromYmd(2026, 1, 12); d <= Date::FromYmd(2026, 11, 16);
       d = d.AddDays(14), ++visits) {
    const std::string day = d.ToIso();
    ASSERT_EQ(Post("/clinical/v1/visits", clinic_,
                   Patient() + R"(,"date":")" + day +
                       R"(","setting":"outpatient","totalCost":5000,"paid":1500,"medicines":[)"
                       R"({"kind":"prescribed","yjCode":"9990001F1010","quantity":"2",)"
                       R"("unit":"錠","days":14,"start":")" +
                       day +
                       R"("},{"kind":"prescribed","yjCode":"2171022F1029","quantity":"1",)"
                       R"("unit":"錠","days":14,"start":")" +
                       day + R"("}]})")
                  .status,
              201);
  }
  ASSERT_EQ(visits, 23);
  // Osaka's pharmacy dispenses 試験薬Ｂ (併用禁忌 with Ａ) and the generic
  // amlodipine (重複投薬) while the clinic's last course runs.
  ASSERT_EQ(Post("/clinical/v1/visits", osaka_,
                 Patient() + R"(,"date":"2026-11-20","setting":"outpatient","totalCost":3000,)"
                             R"("paid":900,"medicines":[{"kind":"dispensed",)"
                             R"("yjCode":"9990002F1010","quantity":"1","unit":"錠","days":7,)"
                             R"("start":"2026-11-20"},{"kind":"dispensed",)"
                             R"("yjCode":"2171022F1243","quantity":"1","unit":"錠","days":7,)"
                             R"("start":"2026-11-20"}]})")
                .status,
            201);
  const std::string keys = R"("symbol":")" + member_keys_[1] + R"(","number":")" + member_keys_[2] +
                           R"(","branch":")" + member_keys_[3] + R"(","birthDate":)" +
                           json::serialize(json::parse(patient_).at("birthDate"));
  std::ofstream(dir_ / "checkups.json")
      << R"({"records":[{)" + keys +
             R"(,"examinedOn":"2025-06-02","itemCode":"3D046000001906202","value":"5.4","unit":"%"},{)" +
             keys +
             R"(,"examinedOn":"2026-06-01","itemCode":"3D046000001906202","value":"5.9","unit":"%"}]})";
  const fs::path ins = dir_ / "insurer";
  ASSERT_EQ(Curl("/insurer/v1/checkups",
                 "--cert " + (ins / "cert.pem").string() + " --key " + (ins / "key.pem").string() +
                     " -H 'Content-Type: application/json' --data-binary @" +
                     (dir_ / "checkups.json").string())
                .status,
            201);
  ASSERT_EQ(CardCheck(kOsaka, osaka_, R"({"pharmacists":"1","specificHealthCheckups":"1"})").status,
            200);
  // The XML answer first: the name and birth date the PDF must show.
  const std::string xml = Exchange("osaka", "YZKsiquc01req_0226112310000011.xml",
                                   FileRequest(kOsaka, true, "afi-pdf-0"));
  ASSERT_EQ(Tag(xml, "ResultCode"), "1") << xml;
  const std::string name = Tag(Tag(xml, "QuaInf"), "Name");
  const std::string birth = Tag(Tag(xml, "QuaInf"), "Birth");
  ASSERT_FALSE(name.empty());

  auto pdf_request = [&](bool drugs, const std::string& afi) {
    std::string r = FileRequest(kOsaka, drugs, afi);
    r.replace(r.find("<FileCategory>2"), 15, "<FileCategory>1");
    return r;
  };
  const auto squeeze = onshi::testing_pdf::Squeeze;
  const fs::path res = dir_ / "term-osaka" / "Res";
  const fs::path req = dir_ / "term-osaka" / "Req";
  std::ofstream(req / "YZKsiquc01req_0126112310000012.xml") << pdf_request(true, "afi-pdf-1");
  TerminalOnce("osaka");
  EXPECT_FALSE(fs::exists(req / "YZKsiquc01req_0126112310000012.xml"));
  EXPECT_FALSE(fs::exists(res / "YZKsiquc01res_0126112310000012.xml"));
  const fs::path yzk = res / "YZKsiquc01res_0126112310000012.pdf";
  ASSERT_TRUE(fs::exists(yzk)) << "no .pdf answer";
  EXPECT_EQ(Sh("head -c 5 " + yzk.string()), "%PDF-");
  const std::string info = Sh("pdfinfo " + yzk.string());
  std::smatch m;
  ASSERT_TRUE(std::regex_search(info, m, std::regex(R"(Pages:\s+(\d+))"))) << info;
  const int pages = std::stoi(m[1]);
  // 46 + 2 courses at 9 mm a row and the alert box: three A4 pages.
  EXPECT_EQ(pages, 3) << info;
  EXPECT_NE(info.find("595.276 x 841.89 pts (A4)"), std::string::npos) << info;
  std::string birth_slash =
      birth.substr(0, 4) + "/" + birth.substr(4, 2) + "/" + birth.substr(6, 2);
  for (int p = 1; p <= pages; ++p) {
    SCOPED_TRACE("page " + std::to_string(p));
    const std::string raw = Sh("pdftotext -layout -enc UTF-8 -f " + std::to_string(p) + " -l " +
                               std::to_string(p) + " " + yzk.string() + " -");
    const std::string text = squeeze(raw);
    for (const std::string& v : {std::string("薬剤情報"), squeeze(name) + "様", birth_slash,
                                 std::string("薬剤名（YJコード）"), std::string("医療機関・薬局"),
                                 std::to_string(p) + "/" + std::to_string(pages),
                                 std::string("令和8年11月23日10時00分")}) {
      EXPECT_NE(text.find(v), std::string::npos) << "missing " << v << "\n" << text;
    }
    // Nothing the XML answer does not carry: no insurance number or card keys.
    EXPECT_EQ(text.find(member_keys_[0]), std::string::npos) << text;
    // R-CARD-7: no 12-digit number (a My Number).
    EXPECT_FALSE(std::regex_search(raw, std::regex("(^|[^0-9])[0-9]{12}([^0-9]|$)"))) << raw;
    if (p == 1) {
      // The alert box names the clinic's prescription, with its date.
      for (const char* v :
           {"【重複投薬】", "【併用禁忌】", "相手：", "医療機関1310000011", "2026/11/16処方14日分",
            "試験薬Ａ錠（架空）（9990001F1010）", "試験薬Ｂ錠（架空）（9990002F1010）"}) {
        EXPECT_NE(text.find(v), std::string::npos) << "missing " << v << "\n" << text;
      }
      // Newest first: today's dispensing at Osaka heads the table.
      const std::string table = text.substr(text.find("薬剤名（YJコード）"));
      std::smatch date;
      ASSERT_TRUE(std::regex_search(table, date, std::regex(R"(\d{4}/\d{2}/\d{2})"))) << text;
      EXPECT_EQ(date[0], "2026/11/20") << text;
    }
    if (p == pages) {
      EXPECT_NE(text.find("2026/01/12"), std::string::npos) << text;
    }
  }
  // Each page renders (the project checks its PDFs with pdftoppm).
  Sh("pdftoppm -r 40 -gray -png " + yzk.string() + " " + (dir_ / "yzk").string(), &rc);
  EXPECT_EQ(rc, 0);
  for (int p = 1; p <= pages; ++p) {
    const fs::path png = dir_ / ("yzk-" + std::to_string(p) + ".png");
    ASSERT_TRUE(fs::exists(png)) << png;
    EXPECT_GT(fs::file_size(png), 3000u) << "a blank page";
  }

  // TKK as a PDF: each examination, newest first, with the 判定値.
  std::ofstream(req / "TKKsiquc01req_0126112310000013.xml") << pdf_request(false, "afi-pdf-2");
  TerminalOnce("osaka");
  const fs::path tkk = res / "TKKsiquc01res_0126112310000013.pdf";
  ASSERT_TRUE(fs::exists(tkk));
  const std::string checkups = squeeze(Sh("pdftotext -layout -enc UTF-8 " + tkk.string() + " -"));
  for (const std::string& v :
       {std::string("特定健診情報"), squeeze(name) + "様",
        std::string("令和8年6月1日（2026/06/01）受診"),
        std::string("令和7年6月2日（2025/06/02）受診"), std::string("HbA1c（NGSP値）"),
        std::string("＊5.9"), std::string("5.6以上"), std::string("1/1")}) {
    EXPECT_NE(checkups.find(v), std::string::npos) << "missing " << v << "\n" << checkups;
  }
  EXPECT_LT(checkups.find("2026/06/01"), checkups.find("2025/06/02"));

  // After AvailableTime: the XML refusal, and no PDF.
  Serve("2026-11-24T10:00:01+09:00");
  std::ofstream(req / "YZKsiquc01req_0126112410000014.xml") << pdf_request(true, "afi-pdf-3");
  TerminalOnce("osaka");
  EXPECT_FALSE(fs::exists(res / "YZKsiquc01res_0126112410000014.pdf"));
  std::ifstream refused_in(res / "YZKsiquc01res_0126112410000014.xml", std::ios::binary);
  const std::string refused((std::istreambuf_iterator<char>(refused_in)),
                            std::istreambuf_iterator<char>());
  EXPECT_EQ(Tag(refused, "ResultCode"), "2") << refused;
  EXPECT_NE(Tag(refused, "MessageContents").find("同意"), std::string::npos) << refused;
  EXPECT_EQ(Tag(refused, "ArbitraryFileIdentifier"), "afi-pdf-3");
  server_.Stop();
  // Audited like the XML reads, with the consent relied on.
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM audit_log WHERE action='clinical.drugfile.read' AND "
                "detail LIKE 'consent=%kind=pharmacists%alerts=2 format=pdf pages=3'"),
            "1");
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM audit_log WHERE action='clinical.checkupfile.read' AND "
                "detail LIKE 'consent=%kind=checkups%format=pdf pages=1'"),
            "1");
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM audit_log WHERE action='clinical.drugfile.refused'"), "1");
}

// R-FAC-4, "the person chooses": a patient who consented at the reader and
// says no at a later check at the same facility has withdrawn the consent —
// the facility is refused from then on, though the first consent's
// AvailableTime has not passed; saying yes again opens it again. Before,
// the earlier "1" stayed in force until its AvailableTime.
TEST_F(ClinicalE2eTest, ALaterRefusalAtTheReaderWithdrawsTheConsent_RFac4) {
  Serve("2026-11-23T10:00:00+09:00");
  ASSERT_EQ(CardCheck(kClinic, clinic_, R"({"pharmacists":"1"})").status, 200);
  EXPECT_EQ(Post("/clinical/v1/medicines", clinic_, Patient() + "}").status, 200);
  Serve("2026-11-23T11:00:00+09:00");
  ASSERT_EQ(CardCheck(kClinic, clinic_, R"({"pharmacists":"0"})").status, 200);
  HttpAnswer a = Post("/clinical/v1/medicines", clinic_, Patient() + "}");
  EXPECT_EQ(a.status, 403) << a.body;
  EXPECT_NE(a.body.find("同意"), std::string::npos) << a.body;
  // The terminal's YZK file is refused in the answer too.
  const std::string res = Exchange("clinic", "YZKsiquc01req_0226112310000021.xml",
                                   FileRequest(kClinic, true, "afi-withdrawn"));
  EXPECT_EQ(Tag(res, "ResultCode"), "2") << res;
  Serve("2026-11-23T12:00:00+09:00");
  ASSERT_EQ(CardCheck(kClinic, clinic_, R"({"pharmacists":"1"})").status, 200);
  EXPECT_EQ(Post("/clinical/v1/medicines", clinic_, Patient() + "}").status, 200);
}

// Pathological data stays finite: 12 same-day courses of one ingredient at
// each of two facilities pair up 144 times; the YZK answer names the newest
// 100 and says there are more (XML, the PDF's box title, the audit). Before,
// every pair was answered — the benchmark's 36,000 same-day courses took
// the answer past 24 GB.
TEST_F(ClinicalE2eTest, TerminalAlertsAreBoundedNewestFirst) {
  Serve("2026-11-23T10:00:00+09:00");
  ASSERT_EQ(CardCheck(kOsaka, osaka_, R"({"pharmacists":"1"})").status, 200);
  auto visit = [&](const std::string& token, const std::string& date, const std::string& kind,
                   const std::string& yj) {
    std::string meds;
    for (int i = 0; i < 12; ++i) {
      meds += std::string(meds.empty() ? "" : ",") + R"({"kind":")" + kind + R"(","yjCode":")" +
              yj + R"(","quantity":"1","unit":"錠","days":28,"start":")" + date + R"("})";
    }
    return Post("/clinical/v1/visits", token,
                Patient() + R"(,"date":")" + date +
                    R"(","setting":"outpatient","totalCost":5000,"paid":1500,"medicines":[)" +
                    meds + "]}")
        .status;
  };
  ASSERT_EQ(visit(clinic_, "2026-11-20", "prescribed", "2171022F1029"), 201);
  ASSERT_EQ(visit(osaka_, "2026-11-23", "dispensed", "2171022F1243"), 201);
  const std::string res = Exchange("osaka", "YZKsiquc01req_0226112310000031.xml",
                                   FileRequest(kOsaka, true, "afi-bounded"));
  ASSERT_EQ(Tag(res, "ResultCode"), "1") << res.substr(0, 400);
  size_t alerts = 0;
  for (size_t at = res.find("<DrugAlertInf>"); at != std::string::npos;
       at = res.find("<DrugAlertInf>", at + 1))
    ++alerts;
  EXPECT_EQ(alerts, 100u);
  // The newer course (Osaka's dispensing) first in each alert.
  EXPECT_EQ(Tag(Tag(res, "DrugAlertInf"), "MedicalInstitutionCode"), kOsaka);
  std::string pdf_request = FileRequest(kOsaka, true, "afi-bounded-pdf");
  pdf_request.replace(pdf_request.find("<FileCategory>2"), 15, "<FileCategory>1");
  const fs::path req = dir_ / "term-osaka" / "Req";
  std::ofstream(req / "YZKsiquc01req_0126112310000032.xml") << pdf_request;
  TerminalOnce("osaka");
  const fs::path pdf = dir_ / "term-osaka" / "Res" / "YZKsiquc01res_0126112310000032.pdf";
  ASSERT_TRUE(fs::exists(pdf));
  std::string text = Sh("pdftotext -layout -enc UTF-8 -l 1 " + pdf.string() + " -");
  std::erase_if(text, [](char c) { return c == ' ' || c == '\n'; });
  EXPECT_NE(text.find("新しいもの100件。ほかにもあります"), std::string::npos) << text;
  server_.Stop();
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM audit_log WHERE action='clinical.drugfile.read' AND "
                "detail LIKE '%count=24 alerts=100+%'"),
            "2");
}

TEST_F(ClinicalE2eTest, AVisitWithABadRecordStoresNothingAndNamesEveryBadRecord) {
  Serve("2026-11-23T10:00:00+09:00");
  HttpAnswer a = Post(
      "/clinical/v1/visits", clinic_,
      Patient() + R"(,"date":"2026-11-23","setting":"outpatient","totalCost":5000,"paid":1500,)"
                  R"("medicines":[{"kind":"prescribed","yjCode":"2171022F1029","quantity":"1",)"
                  R"("unit":"錠","days":28,"start":"2026-11-23"},{"kind":"prescribed",)"
                  R"("yjCode":"0000000X0000","quantity":"1","unit":"錠","days":0,)"
                  R"("start":"2026-11-23"}],"procedures":[{"code":"12345","date":"2026-11-23"}]})");
  ASSERT_EQ(a.status, 422) << a.body;
  const json::value v = json::parse(a.body);
  std::set<std::string> named;
  for (const json::value& e : v.at("errors").as_array()) {
    named.insert(std::string(e.at("record").as_string()) + "." +
                 std::string(e.at("field").as_string()));
  }
  EXPECT_TRUE(named.count("medicines[1].yjCode")) << a.body;
  EXPECT_TRUE(named.count("medicines[1].days")) << a.body;
  EXPECT_TRUE(named.count("procedures[0].code")) << a.body;
  EXPECT_FALSE(named.count("medicines[0].yjCode")) << a.body;
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM visits"), "0");
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM visit_medicines"), "0");
}

TEST_F(ClinicalE2eTest, HighCostLimitRemainingAtThisFacilityWithTheLimitConsent_RFac9) {
  // The insurer filed 所得区分 ウ (A03) for the member (a 限度額適用認定).
  const std::string member =
      Sql("SELECT member_id FROM members WHERE insurer_number='" + member_keys_[0] +
          "' AND symbol='" + member_keys_[1] + "' AND number='" + member_keys_[2] +
          "' AND branch='" + member_keys_[3] + "'");
  ASSERT_EQ(Sql("INSERT INTO member_limits (member_id, classification, category_flag, "
                "certificate_date, valid_from, valid_until) VALUES (" +
                member + ", 1, 'A03', '2026-04-01', '2026-04-01', '2027-03-31'); SELECT 'ok'"),
            "ok");
  Serve("2026-11-23T10:00:00+09:00");
  const std::string ask = Patient() + R"(,"month":"2026-11","setting":"outpatient"})";
  EXPECT_EQ(Post("/clinical/v1/high-cost-limit", clinic_, ask).status, 403);
  ASSERT_EQ(CardCheck(kClinic, clinic_, R"({"limit":"1"})").status, 200);
  // Two visits this month at the clinic: 総医療費 100,000円, paid 30,000円.
  for (const char* day : {"2026-11-05", "2026-11-23"}) {
    ASSERT_EQ(Post("/clinical/v1/visits", clinic_,
                   Patient() + R"(,"date":")" + day +
                       R"(","setting":"outpatient","totalCost":50000,"paid":15000})")
                  .status,
              201);
  }
  const HttpAnswer a = Post("/clinical/v1/high-cost-limit", clinic_, ask);
  ASSERT_EQ(a.status, 200) << a.body;
  const json::value v = json::parse(a.body);
  EXPECT_EQ(v.at("category").as_string(), "A03");
  EXPECT_EQ(v.at("ageGroup").as_string(), "under70");
  // ウ: 80,100円 + (総医療費 − 267,000円) × 1 %, the 1 % part only above 267,000円
  // (MHLW 「高額療養費制度を利用される皆さまへ」): 80,100円; 30,000円 paid.
  EXPECT_EQ(v.at("limit").as_int64(), 80100);
  EXPECT_EQ(v.at("totalCost").as_int64(), 100000);
  EXPECT_EQ(v.at("remaining").as_int64(), 50100);
  // Another facility's ledger is its own, and it has no consent anyway.
  EXPECT_EQ(Post("/clinical/v1/high-cost-limit", osaka_, ask).status, 403);
}

TEST_F(ClinicalE2eTest, ManyTimesFromTheInsurersClaimTotalsLowersTheLimit_RFac9) {
  // MHLW 「高額療養費制度を利用される皆さまへ」: 「過去12か月以内に3回以上、上限額に
  // 達した場合は、4回目から『多数回』該当となり、上限額が下がります」; 区分ウ
  // 80,100円＋（医療費−267,000円）×1％ ＜多数回 44,400円＞.
  int rc = 0;
  const std::string out = Sh(kBin + " insurer add --number " + member_keys_[0] +
                                 " --name 試験保険者 --lag 2 --now 2026-11-20 --out " +
                                 (dir_ / "insurer").string() + " --db " + db_ + " 2>&1",
                             &rc);
  ASSERT_EQ(rc, 0) << out;
  const std::string member =
      Sql("SELECT member_id FROM members WHERE insurer_number='" + member_keys_[0] +
          "' AND symbol='" + member_keys_[1] + "' AND number='" + member_keys_[2] +
          "' AND branch='" + member_keys_[3] + "'");
  ASSERT_EQ(Sql("INSERT INTO member_limits (member_id, classification, category_flag, "
                "certificate_date, valid_from, valid_until) VALUES (" +
                member + ", 1, 'A03', '2026-04-01', '2026-04-01', '2027-03-31'); SELECT 'ok'"),
            "ok");
  Serve("2026-11-23T10:00:00+09:00");
  ASSERT_EQ(CardCheck(kClinic, clinic_, R"({"limit":"1"})").status, 200);
  const std::string ask = Patient() + R"(,"month":"2026-11","setting":"inpatient"})";
  HttpAnswer a = Post("/clinical/v1/high-cost-limit", clinic_, ask);
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_FALSE(json::parse(a.body).at("manyTimes").as_bool());
  EXPECT_EQ(json::parse(a.body).at("limit").as_int64(), 80100);

  // The insurer files three months of a hospital stay elsewhere in which the
  // limit was reached: 総医療費 300,000円, paid 80,100 + 330 = 80,430円.
  const std::string keys = R"("symbol":")" + member_keys_[1] + R"(","number":")" + member_keys_[2] +
                           R"(","branch":")" + member_keys_[3] + R"(","birthDate":)" +
                           json::serialize(json::parse(patient_).at("birthDate"));
  std::string records;
  for (const char* month : {"2026-05", "2026-07", "2026-09"}) {
    records += std::string(records.empty() ? "" : ",") + "{" + keys + R"(,"month":")" + month +
               R"(","facility":")" + kOsaka +
               R"(","setting":"inpatient","totalCost":300000,"selfPay":80430})";
  }
  std::ofstream(dir_ / "claims.json") << R"({"records":[)" + records + "]}";
  const fs::path d = dir_ / "insurer";
  a = Curl("/insurer/v1/claims", "--cert " + (d / "cert.pem").string() + " --key " +
                                     (d / "key.pem").string() +
                                     " -H 'Content-Type: application/json' --data-binary @" +
                                     (dir_ / "claims.json").string());
  ASSERT_EQ(a.status, 201) << a.body;

  // November is the 4th time within 12 months: 多数回, 44,400円, at the
  // clinic's window too (the count is the person's, not the facility's).
  a = Post("/clinical/v1/high-cost-limit", clinic_, ask);
  ASSERT_EQ(a.status, 200) << a.body;
  const json::value v = json::parse(a.body);
  EXPECT_TRUE(v.at("manyTimes").as_bool());
  EXPECT_EQ(v.at("limit").as_int64(), 44400);
  EXPECT_EQ(v.at("remaining").as_int64(), 44400);
  ASSERT_EQ(v.at("limitReachedMonths").as_array().size(), 3u);
  EXPECT_EQ(v.at("limitReachedMonths").at(0).as_string(), "2026-05");
  // The clinic's own 入院 bill this month counts at its window only, apart
  // from 外来 (separate レセプト): 200,000円 billed, 44,400円 paid.
  ASSERT_EQ(Post("/clinical/v1/visits", clinic_,
                 Patient() + R"(,"date":"2026-11-20","setting":"inpatient","totalCost":200000,)"
                             R"("paid":44400})")
                .status,
            201);
  a = Post("/clinical/v1/high-cost-limit", clinic_, ask);
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(json::parse(a.body).at("remaining").as_int64(), 0);
  EXPECT_TRUE(json::parse(a.body).at("limitReached").as_bool());
  a = Post("/clinical/v1/high-cost-limit", clinic_,
           Patient() + R"(,"month":"2026-11","setting":"outpatient"})");
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(json::parse(a.body).at("totalCost").as_int64(), 0);
  EXPECT_EQ(json::parse(a.body).at("remaining").as_int64(), 44400);
}

TEST_F(ClinicalE2eTest, InsurersCheckupsReachTheClinicAsFhirObservationsWithConsent) {
  int rc = 0;
  const std::string out = Sh(kBin + " insurer add --number " + member_keys_[0] +
                                 " --name 試験保険者 --lag 2 --now 2026-11-20 --out " +
                                 (dir_ / "insurer").string() + " --db " + db_ + " 2>&1",
                             &rc);
  ASSERT_EQ(rc, 0) << out;
  Serve("2026-11-23T10:00:00+09:00");
  const std::string keys = R"("symbol":")" + member_keys_[1] + R"(","number":")" + member_keys_[2] +
                           R"(","branch":")" + member_keys_[3] + R"(","birthDate":)" +
                           json::serialize(json::parse(patient_).at("birthDate"));
  auto submit = [&](const std::string& records) {
    std::ofstream(dir_ / "checkups.json") << R"({"records":[)" + records + "]}";
    const fs::path d = dir_ / "insurer";
    return Curl("/insurer/v1/checkups", "--cert " + (d / "cert.pem").string() + " --key " +
                                            (d / "key.pem").string() +
                                            " -H 'Content-Type: application/json' --data-binary @" +
                                            (dir_ / "checkups.json").string());
  };
  // One bad record (a 16-character item code): nothing of the batch is stored.
  HttpAnswer a = submit("{" + keys +
                        R"(,"examinedOn":"2026-06-01","itemCode":"3D046000001906202",)"
                        R"("value":"5.6","unit":"%"},{)" +
                        keys +
                        R"(,"examinedOn":"2026-06-01","itemCode":"3D04600000190620",)"
                        R"("value":"1","unit":"x"})");
  ASSERT_EQ(a.status, 422) << a.body;
  EXPECT_NE(a.body.find("records[1]"), std::string::npos) << a.body;
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM checkups"), "0");
  a = submit("{" + keys +
             R"(,"examinedOn":"2026-06-01","itemCode":"3D046000001906202","value":"5.6",)"
             R"("unit":"%"})");
  ASSERT_EQ(a.status, 201) << a.body;

  EXPECT_EQ(Post("/clinical/v1/checkups", clinic_, Patient() + "}").status, 403);
  ASSERT_EQ(CardCheck(kClinic, clinic_, R"({"specificHealthCheckups":"1"})").status, 200);
  a = Post("/clinical/v1/checkups", clinic_, Patient() + "}", "application/fhir+json");
  ASSERT_EQ(a.status, 200) << a.body;
  const json::value v = json::parse(a.body);
  const json::value& obs = v.at("entry").at(0).at("resource");
  EXPECT_EQ(obs.at("resourceType").as_string(), "Observation");
  EXPECT_EQ(obs.at("meta").at("profile").at(0).as_string(),
            "http://jpfhir.jp/fhir/core/StructureDefinition/JP_Observation_LabResult");
  EXPECT_DOUBLE_EQ(obs.at("valueQuantity").at("value").as_double(), 5.6);
}

}  // namespace
