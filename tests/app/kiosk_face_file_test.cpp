// The Face file the terminal writes after a kiosk session (issue 16,
// terminal-protocol.md §3.3, §6.3, §10, §11): built from the central
// service's card answer, checked against the myclinic profile (the strict
// client shared with the codec and terminal tests) and the ReceptionAgent
// profile (face_profiles.hpp), in UTF-8 and Shift_JIS.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>

#include "../oqs/strict_client.hpp"
#include "face_profiles.hpp"
#include "oqs/response.hpp"
#include "terminal/kiosk_face_file.hpp"

namespace onshi {
namespace {

using oqs::Consent;

Date D(int y, int m, int d) {
  return Date::FromYmd(y, m, d);
}

// 2026-12-03 09:15:00 JST.
constexpr std::time_t kNow = 1796256900;
const oqs::Timestamp kStamp{D(2026, 12, 3), 9, 15, 0};
constexpr const char* kHex = "4da5260a16de5a3d3ad7";

Qualification Member(std::string insurer, std::string name, std::string kana) {
  Qualification q;
  q.insurer_number = std::move(insurer);
  q.insurer_name = "試験保険者";
  q.number = "1234";
  q.branch = "00";
  q.personal_family = PersonalFamily::kInsured;
  q.birth_date = D(1955, 3, 3);
  q.sex = Sex::kMale;
  q.acquired = D(2020, 4, 1);
  q.attributes = {MemberAttributes{D(2020, 4, 1), std::move(name), std::move(kana), "試験　太郎",
                                   "100-0001", "東京都千代田区千代田１－１"}};
  q.diseases = {SpecificDisease{1, D(2024, 1, 10), D(2024, 1, 1), D(2027, 12, 31), 10000}};
  q.limits = {LimitCertificate{1, "A03", D(2026, 8, 1), D(2026, 8, 1), D(2027, 7, 31), {}}};
  q.linkage = LinkageState::kLinked;
  q.linked_on = D(2020, 4, 5);
  return q;
}

// The service's answer to the session's last check: two current
// qualifications (a Face file carries one), with the patient's consents.
std::string Answer(const EligibilityDecision& d) {
  oqs::CardAnswer a;
  a.institution = "1312345679";
  a.confirmation_date = D(2026, 12, 3);
  a.file_identifier = "ArnHCeDfNjMCFzgA";
  a.decision = &d;
  a.consents.limit = Consent{"1", kStamp.ToCompact(), ""};
  a.consents.specific_diseases = Consent{"1", kStamp.ToCompact(), ""};
  a.consents.pharmacists = Consent{"1", kStamp.ToCompact(), kStamp.AddHours(24).ToCompact()};
  a.consents.diagnosis = Consent{"1", kStamp.ToCompact(), kStamp.AddHours(24).ToCompact()};
  a.consents.checkups = Consent{"0", "", ""};
  a.consents.operation = Consent{"1", kStamp.ToCompact(), kStamp.AddHours(24).ToCompact()};
  a.card_status = "usable";
  a.information_sharing = true;
  return oqs::WriteCardResponse(a, kStamp, {oqs::WireFormat::kJson, oqs::Charset::kUtf8});
}

class KioskFaceFile : public ::testing::Test {
 protected:
  KioskFaceFile()
      : first_(Member("06139992", "試験　太郎", "シケン　タロウ")),
        second_(Member("01130012", "試験　太郎", "シケン　タロウ")) {
    decision_.validity = QualificationValidity::kValid;
    decision_.reason = EligibilityReason::kValid;
    decision_.results = {&first_, &second_};
  }
  Qualification first_, second_;
  EligibilityDecision decision_;
};

TEST_F(KioskFaceFile, PassesTheMyclinicAndReceptionAgentProfilesInUtf8) {
  auto face = terminal::MakeFaceFile(Answer(decision_), {}, kNow, kHex);
  ASSERT_TRUE(face.ok()) << face.error().ToString();
  EXPECT_EQ(face->name,
            "OQSsiquc01res_face_1312345679" + std::string(kHex) + "_20261203091500.xml");
  const auto myclinic = oqs::strict::MyclinicViolations(face->bytes, /*one_result=*/true);
  EXPECT_TRUE(myclinic.empty()) << myclinic.front();
  const auto agent =
      testing::ReceptionAgentViolations(face->bytes, face->name, oqs::Charset::kUtf8, "20261203");
  EXPECT_TRUE(agent.empty()) << agent.front();
  EXPECT_TRUE(face->bytes.starts_with(R"(<?xml version="1.0" encoding="UTF-8" standalone="no"?>)"));
  EXPECT_NE(face->bytes.find("<ReferenceClassification>1</ReferenceClassification>"),
            std::string::npos);
  EXPECT_NE(face->bytes.find("<CharacterCodeIdentifier>0</CharacterCodeIdentifier>"),
            std::string::npos);
  EXPECT_NE(face->bytes.find("<InsuredCardValidDate>20200401</InsuredCardValidDate>"),
            std::string::npos);
  // The consents of §7 as the service wrote them: AvailableTime = ConsTime +
  // 24 h; a refused one without times.
  EXPECT_NE(face->bytes.find("<PharmacistsInfoConsFlg>1</PharmacistsInfoConsFlg>"
                             "<PharmacistsInfoConsTime>20261203091500</PharmacistsInfoConsTime>"
                             "<PharmacistsInfoAvailableTime>20261204091500"),
            std::string::npos);
  EXPECT_NE(
      face->bytes.find("<SpecificHealthCheckupsInfoConsFlg>0</SpecificHealthCheckupsInfoConsFlg>"),
      std::string::npos);
  EXPECT_EQ(face->bytes.find("SpecificHealthCheckupsInfoConsTime"), std::string::npos);
  EXPECT_NE(face->bytes.find("<OperationInfoConsFlg>1</OperationInfoConsFlg>"), std::string::npos);
  // One result of the two: the first.
  EXPECT_NE(face->bytes.find("<InsurerNumber>06139992</InsurerNumber>"), std::string::npos);
  EXPECT_EQ(face->bytes.find("01130012"), std::string::npos);
}

TEST_F(KioskFaceFile, ShiftJisWhenConfigured) {
  terminal::FaceFileOptions options;
  options.charset = oqs::Charset::kShiftJis;
  auto face = terminal::MakeFaceFile(Answer(decision_), options, kNow, kHex);
  ASSERT_TRUE(face.ok());
  EXPECT_TRUE(
      face->bytes.starts_with(R"(<?xml version="1.0" encoding="Shift_JIS" standalone="no"?>)"));
  EXPECT_NE(face->bytes.find("<CharacterCodeIdentifier>1</CharacterCodeIdentifier>"),
            std::string::npos);
  const auto agent = testing::ReceptionAgentViolations(face->bytes, face->name,
                                                       oqs::Charset::kShiftJis, "20261203");
  EXPECT_TRUE(agent.empty()) << agent.front();
  // A ReceptionAgent configured for UTF-8 refuses it, as the real one does.
  EXPECT_FALSE(
      testing::ReceptionAgentViolations(face->bytes, face->name, oqs::Charset::kUtf8, "20261203")
          .empty());
  const auto myclinic = oqs::strict::MyclinicViolations(face->bytes, true);
  EXPECT_TRUE(myclinic.empty()) << myclinic.front();
}

// §10/§11.2: myclinic reads SpecificDiseasesCertificateList only when it
// repeats; fast-xml-parser turns a single one into an object. So Face files
// leave it out unless switched on, and the switch is for clients that read
// the certificate (the one certificate here shows what myclinic would get).
TEST_F(KioskFaceFile, SpecificDiseasesOnlyBehindTheSwitch) {
  auto plain = terminal::MakeFaceFile(Answer(decision_), {}, kNow, kHex);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->bytes.find("SpecificDiseasesCertificateList"), std::string::npos);
  EXPECT_FALSE(testing::HasSingleSpecificDiseasesList(plain->bytes));

  terminal::FaceFileOptions with;
  with.specific_diseases = true;
  auto kept = terminal::MakeFaceFile(Answer(decision_), with, kNow, kHex);
  ASSERT_TRUE(kept.ok());
  EXPECT_TRUE(testing::HasSingleSpecificDiseasesList(kept->bytes));
  // Direct children, never List › Info.
  EXPECT_EQ(kept->bytes.find("SpecificDiseasesCertificateInfo"), std::string::npos);
}

// §8: an error Face file helps no client; a check that found no
// qualification, or failed, makes none.
TEST_F(KioskFaceFile, NoFileWithoutAResult) {
  EligibilityDecision none;
  none.validity = QualificationValidity::kNotFound;
  none.reason = EligibilityReason::kNoRecord;
  auto face = terminal::MakeFaceFile(Answer(none), {}, kNow, kHex);
  ASSERT_FALSE(face.ok());
  EXPECT_EQ(face.error().field, "answer");
  EXPECT_FALSE(
      terminal::MakeFaceFile("{\"type\":\"about:blank\",\"status\":401}", {}, kNow, kHex).ok());
  EXPECT_FALSE(terminal::MakeFaceFile("not json", {}, kNow, kHex).ok());
}

TEST(KioskFaceFileXml, JsonListsItemsAndRepeatedElementsMapBack) {
  auto xml = terminal::XmlFromOqsJson(
      R"({"XmlMsg":{"H":{"A":"1 < 2 & 3"},"L":[{"I":{"x":"1"}},{"I":{"x":"2"}}],"R":[{"a":"1"},{"a":"2"}]}})");
  ASSERT_TRUE(xml.ok());
  EXPECT_EQ(*xml, R"(<?xml version="1.0" encoding="UTF-8" standalone="no"?>)"
                  "<XmlMsg><H><A>1 &lt; 2 &amp; 3</A></H><L><I><x>1</x></I><I><x>2</x></I></L>"
                  "<R><a>1</a></R><R><a>2</a></R></XmlMsg>");
  EXPECT_EQ(terminal::JstStamp(kNow), "20261203091500");
}

}  // namespace
}  // namespace onshi

namespace onshi {
namespace {

// The Face files a running terminal wrote (tests/web/run_kiosk.sh points
// ONSHI_KIOSK_FACE_DIR at its Face folder after the browser flows): every one
// meets the myclinic and ReceptionAgent profiles, UTF-8, stamped today (JST).
TEST(KioskFaceFolder, EveryFileTheTerminalWroteMeetsTheProfiles) {
  const char* dir = std::getenv("ONSHI_KIOSK_FACE_DIR");
  if (dir == nullptr) GTEST_SKIP() << "ONSHI_KIOSK_FACE_DIR is set by tests/web/run_kiosk.sh";
  const std::string today = terminal::JstStamp(std::time(nullptr)).substr(0, 8);
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ++files;
    const auto myclinic = oqs::strict::MyclinicViolations(bytes, /*one_result=*/true);
    EXPECT_TRUE(myclinic.empty()) << name << ": " << myclinic.front();
    const auto agent = testing::ReceptionAgentViolations(bytes, name, oqs::Charset::kUtf8, today);
    EXPECT_TRUE(agent.empty()) << name << ": " << agent.front();
    EXPECT_FALSE(testing::HasSingleSpecificDiseasesList(bytes)) << name;
  }
  EXPECT_GT(files, 0) << "no Face file in " << dir;
}

}  // namespace
}  // namespace onshi
