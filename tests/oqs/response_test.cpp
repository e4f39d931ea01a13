// Building the answer (OQSsiquc01res). "§N" refers to
// /work/shared/docs/oqs-interface.md.
#include <gtest/gtest.h>
#include <iconv.h>

#include <boost/json.hpp>
#include <pugixml.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "core/eligibility.hpp"
#include "oqs/charset.hpp"
#include "oqs/request.hpp"
#include "oqs/response.hpp"
#include "oqs/validate.hpp"

namespace onshi::oqs {
namespace {

namespace json = boost::json;

Date D(int y, int m, int d) {
  return Date::FromYmd(y, m, d);
}

const Timestamp kProcessed{D(2025, 4, 1), 9, 30, 12};

// §4.2/§4.3's person: 試験 花子, dependent, 組合健保 06139992.
Qualification Hanako() {
  Qualification q;
  q.member_id = 1;
  q.person_id = 1;
  q.insurer_number = "06139992";
  q.insurer_name = "試験健康保険組合";
  q.symbol = "12-34";
  q.number = "567";
  q.branch = "02";
  q.personal_family = PersonalFamily::kDependent;
  q.card_classification = CardClassification::kGeneral;
  q.birth_date = D(1980, 5, 15);
  q.sex = Sex::kFemale;
  q.acquired = D(2020, 4, 1);
  q.copay_percent = 30;
  q.attributes = {MemberAttributes{D(2020, 4, 1), "試験　花子", "シケン　ハナコ", "試験　一郎",
                                   "100-0001", "東京都千代田区千代田１－１"}};
  q.linkage = LinkageState::kLinked;
  q.submitted_on = D(2020, 4, 1);
  q.linked_on = D(2020, 4, 5);
  return q;
}

QualificationRequest Request(std::string_view consent = "1") {
  QualificationRequest r;
  r.qualification_confirmation_date = "20250401";
  r.medical_institution_code = "1312345679";
  r.insurer_number = "06139992";
  r.insured_card_symbol = "12-34";
  r.insured_identification_number = "567";
  r.birthdate = "19800515";
  r.limit_application_certificate_related_cons_flg = std::string(consent);
  return r;
}

ValidatedRequest Validate(const QualificationRequest& r) {
  Result<ValidatedRequest> v = ValidateRequest(r);
  EXPECT_TRUE(v.ok()) << v.error().Message();
  return std::move(v).value();
}

EligibilityDecision Decision(QualificationValidity validity,
                             std::vector<const Qualification*> results) {
  EligibilityDecision d;
  d.validity = validity;
  d.reason = validity == QualificationValidity::kValid ? EligibilityReason::kValid
                                                       : EligibilityReason::kNoRecord;
  d.results = std::move(results);
  return d;
}

std::string AnswerJson(const QualificationRequest& r, const EligibilityDecision& d) {
  return WriteQualificationResponse(r, Validate(r), d, kProcessed, AnswerEncoding(r));
}

json::object Parse(std::string_view text) {
  json::error_code ec;
  json::value v = json::parse(text, ec);
  EXPECT_FALSE(ec) << ec.message() << "\n" << text;
  return v.is_object() ? v.get_object() : json::object();
}

const json::object& Header(const json::object& root) {
  return root.at("XmlMsg").at("MessageHeader").as_object();
}
const json::object& Body(const json::object& root) {
  return root.at("XmlMsg").at("MessageBody").as_object();
}
const json::object& Result0(const json::object& root, std::size_t i = 0) {
  return Body(root)
      .at("ResultList")
      .as_array()
      .at(i)
      .at("ResultOfQualificationConfirmation")
      .as_object();
}

// §1.1: "every scalar is a JSON string". Records the path of any leaf that
// is not.
void CollectNonStrings(const json::value& v, const std::string& path,
                       std::vector<std::string>& bad) {
  switch (v.kind()) {
    case json::kind::object:
      for (const auto& kv : v.get_object()) {
        CollectNonStrings(kv.value(), path + "/" + std::string(kv.key()), bad);
      }
      break;
    case json::kind::array:
      for (std::size_t i = 0; i < v.get_array().size(); ++i) {
        CollectNonStrings(v.get_array()[i], path + "[" + std::to_string(i) + "]", bad);
      }
      break;
    case json::kind::string:
      break;
    default:
      bad.push_back(path);
  }
}

std::vector<std::string> Keys(const json::object& o) {
  std::vector<std::string> keys;
  for (const auto& kv : o)
    keys.emplace_back(kv.key());
  return keys;
}

// ---------------------------------------------------------------------------

TEST(ResponseJsonTest, S43_ValidAnswerHasTheSpecShape) {
  Qualification q = Hanako();
  q.limits = {LimitCertificate{1, "A03", D(2025, 3, 20), D(2025, 4, 1), D(2026, 3, 31), {}}};
  const QualificationRequest r = Request();
  const std::string out = AnswerJson(r, Decision(QualificationValidity::kValid, {&q}));
  EXPECT_EQ(
      out,
      R"({"XmlMsg":{"MessageHeader":{"ProcessExecutionTime":"20250401093012","QualificationConfirmationDate":"20250401",)"
      R"("MedicalInstitutionCode":"1312345679","ReferenceClassification":"2","SegmentOfResult":"1","CharacterCodeIdentifier":"0"},)"
      R"("MessageBody":{"ProcessingResultStatus":"1","QualificationValidity":"1",)"
      R"("QualificationConfirmSearchInfo":{"InsurerNumber":"06139992","InsuredCardSymbol":"12-34","InsuredIdentificationNumber":"567",)"
      R"("Birthdate":"19800515","LimitApplicationCertificateRelatedConsFlg":"1"},)"
      R"("ResultList":[{"ResultOfQualificationConfirmation":{"InsuredCardClassification":"01","InsurerNumber":"06139992",)"
      R"("InsuredCardSymbol":"12-34","InsuredIdentificationNumber":"567","InsuredBranchNumber":"02","PersonalFamilyClassification":"2",)"
      R"("InsuredName":"試験　一郎","Name":"試験　花子","NameKana":"ｼｹﾝ ﾊﾅｺ","Sex1":"2","Birthdate":"19800515",)"
      R"("Address":"東京都千代田区千代田１－１","PostNumber":"100-0001","InsuredCardValidDate":"20200401",)"
      R"("QualificationDate":"20200401","InsurerName":"試験健康保険組合",)"
      R"("LimitApplicationCertificateRelatedConsFlg":"1","LimitApplicationCertificateRelatedConsTime":"20250401093012",)"
      R"("LimitApplicationCertificateRelatedInfo":{"LimitApplicationCertificateClassification":"01",)"
      R"("LimitApplicationCertificateClassificationFlag":"A03","LimitApplicationCertificateDate":"20250320",)"
      R"("LimitApplicationCertificateValidStartDate":"20250401","LimitApplicationCertificateValidEndDate":"20260331"},)"
      R"("SpecificDiseasesCertificateRelatedConsFlg":"1","SpecificDiseasesCertificateRelatedConsTime":"20250401093012"}}]}}})");
}

// A record with everything the Qualification can carry.
Qualification Everything() {
  Qualification q = Hanako();
  q.birth_date = D(1953, 6, 1);  // 71: 高齢受給者
  q.elderly = ElderlyRecipient{D(2024, 6, 1), D(2024, 7, 1), D(2025, 7, 31), 20};
  q.limits = {
      LimitCertificate{2, "B05", D(2025, 1, 5), D(2025, 1, 1), D(2025, 7, 31), D(2025, 2, 1)}};
  q.diseases = {SpecificDisease{1, D(2024, 1, 10), D(2024, 1, 1), D(2025, 12, 31), 10000},
                SpecificDisease{2, D(2024, 1, 10), D(2024, 1, 1), D(2026, 12, 31), 0},
                SpecificDisease{3, D(2020, 1, 10), D(2020, 1, 1), D(2020, 12, 31), 10000}};
  q.lost = D(2025, 6, 1);
  q.loss_reason = LossReason::kOtherInsurance;
  return q;
}

TEST(ResponseJsonTest, S11_EveryScalarIsAString) {
  const Qualification q = Everything();
  QualificationRequest r = Request();
  r.arbitrary_file_identifier = "f-1";
  r.insured_branch_number = "02";
  r.arbitrary_identifier = "pt-9";
  const json::object root =
      Parse(AnswerJson(r, Decision(QualificationValidity::kMultipleMatches, {&q, &q})));
  std::vector<std::string> bad;
  CollectNonStrings(root, "", bad);
  EXPECT_TRUE(bad.empty()) << bad.front();
  // And the walk did see the nested groups it should have checked.
  const json::object& res = Result0(root, 1);
  EXPECT_TRUE(res.contains("ElderlyRecipientCertificateInfo"));
  EXPECT_TRUE(res.contains("LimitApplicationCertificateRelatedInfo"));
  EXPECT_TRUE(res.contains("SpecificDiseasesCertificateList"));
  // Negative control: the walk does catch a number.
  json::value with_number = root;
  with_number.at("XmlMsg").at("MessageHeader").as_object()["SegmentOfResult"] = 1;
  CollectNonStrings(with_number, "", bad);
  EXPECT_EQ(bad, std::vector<std::string>{"/XmlMsg/MessageHeader/SegmentOfResult"});
}

TEST(ResponseJsonTest, S33_AllCertificatesInForce) {
  const Qualification q = Everything();
  const json::object root =
      Parse(AnswerJson(Request(), Decision(QualificationValidity::kValid, {&q})));
  const json::object& res = Result0(root);
  EXPECT_EQ(res.at("ElderlyRecipientCertificateInfo"),
            json::parse(R"({"ElderlyRecipientCertificateDate":"20240601",
              "ElderlyRecipientValidStartDate":"20240701","ElderlyRecipientValidEndDate":"20250731",
              "ElderlyRecipientContributionRatio":"020"})"));
  EXPECT_EQ(res.at("LimitApplicationCertificateRelatedInfo"),
            json::parse(R"({"LimitApplicationCertificateClassification":"02",
              "LimitApplicationCertificateClassificationFlag":"B05","LimitApplicationCertificateDate":"20250105",
              "LimitApplicationCertificateValidStartDate":"20250101","LimitApplicationCertificateValidEndDate":"20250731",
              "LimitApplicationCertificateLongTermDate":"20250201"})"));
  // Each list item carries the certificate's fields directly (issue 14: the
  // List › Info nesting is refused by strict clients, terminal-protocol §10);
  // only the two certificates in force on 2025-04-01.
  EXPECT_EQ(res.at("SpecificDiseasesCertificateList"),
            json::parse(R"([{"SpecificDiseasesDiseaseCategory":"1",
              "SpecificDiseasesCertificateDate":"20240110","SpecificDiseasesValidStartDate":"20240101",
              "SpecificDiseasesValidEndDate":"20251231","SpecificDiseasesSelfPay":"10000"},
              {"SpecificDiseasesDiseaseCategory":"2",
              "SpecificDiseasesCertificateDate":"20240110","SpecificDiseasesValidStartDate":"20240101",
              "SpecificDiseasesValidEndDate":"20261231","SpecificDiseasesSelfPay":"0"}])"));
  // A loss date is registered (in the future): shown with its reason.
  EXPECT_EQ(res.at("DisqualificationDate"), "20250601");
  EXPECT_EQ(res.at("ReasonOfLoss"), "03");
  // Element order of §3.3 (table order; 4.3's fields in the same relative order).
  EXPECT_EQ(Keys(res), (std::vector<std::string>{"InsuredCardClassification",
                                                 "InsurerNumber",
                                                 "InsuredCardSymbol",
                                                 "InsuredIdentificationNumber",
                                                 "InsuredBranchNumber",
                                                 "PersonalFamilyClassification",
                                                 "InsuredName",
                                                 "Name",
                                                 "NameKana",
                                                 "Sex1",
                                                 "Birthdate",
                                                 "Address",
                                                 "PostNumber",
                                                 "InsuredCardValidDate",
                                                 "QualificationDate",
                                                 "DisqualificationDate",
                                                 "ReasonOfLoss",
                                                 "InsurerName",
                                                 "ElderlyRecipientCertificateInfo",
                                                 "LimitApplicationCertificateRelatedConsFlg",
                                                 "LimitApplicationCertificateRelatedConsTime",
                                                 "LimitApplicationCertificateRelatedInfo",
                                                 "SpecificDiseasesCertificateRelatedConsFlg",
                                                 "SpecificDiseasesCertificateRelatedConsTime",
                                                 "SpecificDiseasesCertificateList"}));
}

TEST(ResponseJsonTest, S33_CertificatesOutOfForceAreOmitted) {
  Qualification q = Everything();
  QualificationRequest r = Request();
  r.qualification_confirmation_date = "20260110";  // after elderly, limit, disease 1
  const json::object res =
      Result0(Parse(AnswerJson(r, Decision(QualificationValidity::kValid, {&q}))));
  // The filed 高齢受給者証 ended 2025-07-31; the member (born 1953-06-01, 72)
  // is still 70–74, so the statutory one stands in (copay.hpp).
  EXPECT_EQ(res.at("ElderlyRecipientCertificateInfo"),
            json::parse(R"({"ElderlyRecipientCertificateDate":"20230601",
              "ElderlyRecipientValidStartDate":"20230601","ElderlyRecipientValidEndDate":"20280531",
              "ElderlyRecipientContributionRatio":"020"})"));
  EXPECT_FALSE(res.contains("LimitApplicationCertificateRelatedInfo"));
  EXPECT_TRUE(res.contains("LimitApplicationCertificateRelatedConsTime"));  // consent still given
  EXPECT_EQ(res.at("SpecificDiseasesCertificateList").as_array().size(), 1u);

  q.diseases.clear();
  const json::object none =
      Result0(Parse(AnswerJson(r, Decision(QualificationValidity::kValid, {&q}))));
  EXPECT_FALSE(none.contains("SpecificDiseasesCertificateList"));
}

TEST(ResponseJsonTest, S33_LimitInfoOnlyWithConsent) {
  const Qualification q = Everything();
  const json::object with =
      Result0(Parse(AnswerJson(Request("1"), Decision(QualificationValidity::kValid, {&q}))));
  EXPECT_EQ(with.at("LimitApplicationCertificateRelatedConsFlg"), "1");
  EXPECT_EQ(with.at("LimitApplicationCertificateRelatedConsTime"), "20250401093012");
  EXPECT_TRUE(with.contains("LimitApplicationCertificateRelatedInfo"));

  const json::object without =
      Result0(Parse(AnswerJson(Request("0"), Decision(QualificationValidity::kValid, {&q}))));
  EXPECT_EQ(without.at("LimitApplicationCertificateRelatedConsFlg"), "0");
  EXPECT_FALSE(without.contains("LimitApplicationCertificateRelatedConsTime"));
  EXPECT_FALSE(without.contains("LimitApplicationCertificateRelatedInfo"));
}

TEST(ResponseJsonTest, S32_Validity2_Lost) {
  Qualification q = Hanako();
  q.lost = D(2025, 3, 1);
  q.loss_reason = LossReason::kOther;
  const json::object root =
      Parse(AnswerJson(Request(), Decision(QualificationValidity::kInvalid, {&q})));
  EXPECT_EQ(Body(root).at("QualificationValidity"), "2");
  EXPECT_EQ(Result0(root).at("DisqualificationDate"), "20250301");
  EXPECT_EQ(Result0(root).at("ReasonOfLoss"), "99");
}

TEST(ResponseJsonTest, S32_Validity3_NewQualificationExists) {
  Qualification q = Hanako();
  q.lost = D(2025, 3, 1);
  q.loss_reason = LossReason::kOtherInsurance;
  const json::object root =
      Parse(AnswerJson(Request(), Decision(QualificationValidity::kInvalidNewQualification, {&q})));
  EXPECT_EQ(Body(root).at("QualificationValidity"), "3");
  EXPECT_EQ(Result0(root).at("ReasonOfLoss"), "03");
}

TEST(ResponseJsonTest, S44_Validity4_HasNoResultList) {
  const Qualification q = Hanako();
  for (auto results :
       {std::vector<const Qualification*>{}, std::vector<const Qualification*>{&q}}) {
    const json::object root =
        Parse(AnswerJson(Request(), Decision(QualificationValidity::kNotFound, results)));
    EXPECT_EQ(Body(root).at("QualificationValidity"), "4");
    EXPECT_EQ(Body(root).at("ProcessingResultStatus"), "1");
    EXPECT_FALSE(Body(root).contains("ResultList"));
    EXPECT_TRUE(Body(root).contains("QualificationConfirmSearchInfo"));
  }
}

TEST(ResponseJsonTest, S32_Validity5_MultipleResults) {
  Qualification twin1 = Hanako();
  Qualification twin2 = Hanako();
  twin2.branch = "03";
  twin2.attributes[0].name = "試験　桃子";
  twin2.attributes[0].name_kana = "シケン　モモコ";
  const json::object root = Parse(
      AnswerJson(Request(), Decision(QualificationValidity::kMultipleMatches, {&twin1, &twin2})));
  EXPECT_EQ(Body(root).at("QualificationValidity"), "5");
  ASSERT_EQ(Body(root).at("ResultList").as_array().size(), 2u);
  EXPECT_EQ(Result0(root, 0).at("InsuredBranchNumber"), "02");
  EXPECT_EQ(Result0(root, 1).at("InsuredBranchNumber"), "03");
  EXPECT_EQ(Result0(root, 1).at("NameKana"), "ｼｹﾝ ﾓﾓｺ");
}

TEST(ResponseJsonTest, S33_EmptySymbolAndBranchAreOmitted) {
  Qualification q = Hanako();
  q.symbol.clear();
  q.branch.clear();
  const json::object res =
      Result0(Parse(AnswerJson(Request(), Decision(QualificationValidity::kValid, {&q}))));
  EXPECT_FALSE(res.contains("InsuredCardSymbol"));
  EXPECT_FALSE(res.contains("InsuredBranchNumber"));
}

TEST(ResponseJsonTest, S33_AttributesAsOfTheConfirmationDate) {
  Qualification q = Hanako();
  q.attributes.push_back(MemberAttributes{D(2025, 4, 2), "新姓　花子", "シンセイ　ハナコ",
                                          "新姓　一郎", "150-0001", "東京都渋谷区"});
  QualificationRequest r = Request();
  EXPECT_EQ(Result0(Parse(AnswerJson(r, Decision(QualificationValidity::kValid, {&q})))).at("Name"),
            "試験　花子");
  r.qualification_confirmation_date = "20250402";
  const json::object res =
      Result0(Parse(AnswerJson(r, Decision(QualificationValidity::kValid, {&q}))));
  EXPECT_EQ(res.at("Name"), "新姓　花子");
  EXPECT_EQ(res.at("NameKana"), "ｼﾝｾｲ ﾊﾅｺ");
  EXPECT_EQ(res.at("PostNumber"), "150-0001");
}

TEST(ResponseJsonTest, S33_PreschoolClassification) {
  Qualification child = Hanako();
  child.birth_date = D(2019, 4, 2);  // last preschool day 2026-03-31
  child.copay_percent = 20;
  QualificationRequest r = Request();
  r.birthdate = "20190402";
  r.qualification_confirmation_date = "20260331";
  json::object res =
      Result0(Parse(AnswerJson(r, Decision(QualificationValidity::kValid, {&child}))));
  EXPECT_EQ(res.at("PreschoolClassification"), "1");
  // The ratio element belongs to 後期高齢者医療 only (issue 14: clinic screens
  // showed 「後期高齢 2割」 for a child); PreschoolClassification carries 2割.
  EXPECT_FALSE(res.contains("InsuredPartialContributionRatio"));
  r.qualification_confirmation_date = "20260401";
  res = Result0(Parse(AnswerJson(r, Decision(QualificationValidity::kValid, {&child}))));
  EXPECT_FALSE(res.contains("PreschoolClassification"));
}

TEST(ResponseJsonTest, S33_ContributionRatioOnlyForLateStageElderly) {
  // A company insurer's member: no ratio element at all (today "030" made
  // clinic screens show 「後期高齢 3割」).
  Qualification q = Hanako();
  json::object res =
      Result0(Parse(AnswerJson(Request(), Decision(QualificationValidity::kValid, {&q}))));
  EXPECT_FALSE(res.contains("InsuredPartialContributionRatio"));
  // 後期高齢者医療 (法別番号 39): 1割 by law when the 広域連合 filed nothing,
  // the filed ratio otherwise.
  q.insurer_number = "39139993";
  q.birth_date = D(1945, 2, 10);
  QualificationRequest r = Request();
  r.birthdate = "19450210";
  res = Result0(Parse(AnswerJson(r, Decision(QualificationValidity::kValid, {&q}))));
  EXPECT_EQ(res.at("InsuredPartialContributionRatio"), "010");
  EXPECT_FALSE(res.contains("ElderlyRecipientCertificateInfo"));
  q.copay_filed = true;
  q.copay_percent = 30;
  res = Result0(Parse(AnswerJson(r, Decision(QualificationValidity::kValid, {&q}))));
  EXPECT_EQ(res.at("InsuredPartialContributionRatio"), "030");
}

TEST(ResponseJsonTest, S33_CardDatesAliasSex2AndClassification) {
  Qualification q = Hanako();
  // InsuredCardValidDate is always there: myclinic refuses to register a 保険
  // without it (terminal-protocol §10).
  json::object res =
      Result0(Parse(AnswerJson(Request(), Decision(QualificationValidity::kValid, {&q}))));
  EXPECT_EQ(res.at("InsuredCardValidDate"), "20200401");
  EXPECT_FALSE(res.contains("InsuredCertificateIssuanceDate"));
  EXPECT_FALSE(res.contains("InsuredCardExpirationDate"));
  EXPECT_FALSE(res.contains("NameOfOther"));
  EXPECT_FALSE(res.contains("Sex2"));

  q.card_issued_on = D(2024, 11, 20);
  q.card_valid_until = D(2029, 11, 30);
  q.card_classification = CardClassification::kShortTerm;
  q.attributes[0].name_of_other = "試験　ハナ";
  q.attributes[0].name_of_other_kana = "シケン　ハナ";
  q.sex2 = Sex::kUnset;
  res = Result0(Parse(AnswerJson(Request(), Decision(QualificationValidity::kValid, {&q}))));
  EXPECT_EQ(res.at("InsuredCertificateIssuanceDate"), "20241120");
  EXPECT_EQ(res.at("InsuredCardExpirationDate"), "20291130");
  EXPECT_EQ(res.at("InsuredCardClassification"), "03");  // 短期被保険者証（一般）
  EXPECT_EQ(res.at("NameOfOther"), "試験　ハナ");
  EXPECT_EQ(res.at("NameOfOtherKana"), "ｼｹﾝ ﾊﾅ");
  EXPECT_EQ(res.at("Sex2"), "3");
  q.card_classification = CardClassification::kEligibilityCertificate;
  res = Result0(Parse(AnswerJson(Request(), Decision(QualificationValidity::kValid, {&q}))));
  EXPECT_EQ(res.at("InsuredCardClassification"), "05");
}

TEST(ResponseJsonTest, S33_SpecificDiseasesOnlyWithConsent) {
  const Qualification q = Everything();
  const json::object without =
      Result0(Parse(AnswerJson(Request("0"), Decision(QualificationValidity::kValid, {&q}))));
  EXPECT_EQ(without.at("SpecificDiseasesCertificateRelatedConsFlg"), "0");
  EXPECT_FALSE(without.contains("SpecificDiseasesCertificateRelatedConsTime"));
  EXPECT_FALSE(without.contains("SpecificDiseasesCertificateList"));
  EXPECT_FALSE(without.contains("LimitApplicationCertificateRelatedInfo"));
}

TEST(ResponseJsonTest, S2_KokuhoInsurerNumberPadding) {
  Qualification q = Hanako();
  q.insurer_number = "138057";  // canonical 国保
  QualificationRequest r = Request();
  r.insurer_number = "  138057";
  json::object root = Parse(AnswerJson(r, Decision(QualificationValidity::kValid, {&q})));
  EXPECT_EQ(Result0(root).at("InsurerNumber"), "  138057");  // the client's convention
  EXPECT_EQ(Body(root).at("QualificationConfirmSearchInfo").at("InsurerNumber"), "  138057");

  r.insurer_number = "138057";
  root = Parse(AnswerJson(r, Decision(QualificationValidity::kValid, {&q})));
  EXPECT_EQ(Result0(root).at("InsurerNumber"), "00138057");  // 8-char wire form
  EXPECT_EQ(Body(root).at("QualificationConfirmSearchInfo").at("InsurerNumber"), "138057");  // echo
}

TEST(ResponseJsonTest, EscapesStrings) {
  Qualification q = Hanako();
  q.attributes[0].address = "A\"B\\C\nD\x01";
  const std::string out = AnswerJson(Request(), Decision(QualificationValidity::kValid, {&q}));
  EXPECT_NE(out.find(R"("Address":"A\"B\\C\nD\u0001")"), std::string::npos);
  EXPECT_EQ(Result0(Parse(out)).at("Address"), "A\"B\\C\nD\x01");
}

TEST(ResponseJsonTest, S11_EndToEndFromSpecRequest) {
  const ParsedRequest p = ParseRequestJson(
      R"({"XmlMsg":{"MessageHeader":{"QualificationConfirmationDate":"20250401","MedicalInstitutionCode":"1312345679"},
      "MessageBody":{"QualificationConfirmSearchInfo":{"InsurerNumber":"06139992","InsuredCardSymbol":"１２－３４",
      "InsuredIdentificationNumber":"567","Birthdate":"19800515","LimitApplicationCertificateRelatedConsFlg":"1"}}}})");
  ASSERT_TRUE(p.ok());
  const ValidatedRequest v = Validate(p.request);
  const std::vector<Qualification> records{Hanako()};
  const EligibilityDecision d =
      DecideByInsuranceCard(v.query, records, v.confirmation_date, D(2025, 4, 1));
  ASSERT_EQ(d.validity, QualificationValidity::kValid);
  const json::object root =
      Parse(WriteQualificationResponse(p.request, v, d, kProcessed, AnswerEncoding(p.request)));
  EXPECT_EQ(Body(root).at("QualificationValidity"), "1");
  EXPECT_EQ(Result0(root).at("Name"), "試験　花子");
  // The echo is as sent, full-width and all.
  EXPECT_EQ(Body(root).at("QualificationConfirmSearchInfo").at("InsuredCardSymbol"), "１２－３４");
}

// ---------------------------------------------------------------------------
// §4.5 errors.

TEST(ErrorResponseTest, S45_EchoesWhatCouldBeRead) {
  const ParsedRequest p = ParseRequestJson(
      R"({"XmlMsg":{"MessageHeader":{"MedicalInstitutionCode":"1312345679","ArbitraryFileIdentifier":"f-7"},
      "MessageBody":{"QualificationConfirmSearchInfo":{"Birthdate":19800515}}}})");
  ASSERT_FALSE(p.ok());
  const json::object root =
      Parse(WriteErrorResponse(p.request, *p.error, kProcessed, AnswerEncoding(p.request)));
  const json::object& h = Header(root);
  // QualificationConfirmationDate was not sent: the processing day stands in,
  // because strict clients require the element (issue 14).
  EXPECT_EQ(h.at("QualificationConfirmationDate"), "20250401");
  EXPECT_EQ(Keys(h),
            (std::vector<std::string>{"ProcessExecutionTime", "QualificationConfirmationDate",
                                      "MedicalInstitutionCode", "ArbitraryFileIdentifier",
                                      "ReferenceClassification", "SegmentOfResult", "ErrorCode",
                                      "ErrorMessage", "CharacterCodeIdentifier"}));
  EXPECT_EQ(h.at("SegmentOfResult"), "9");
  EXPECT_EQ(h.at("ErrorCode"), "ONS-E0106");
  EXPECT_EQ(h.at("MedicalInstitutionCode"), "1312345679");
  EXPECT_EQ(h.at("ArbitraryFileIdentifier"), "f-7");
  EXPECT_NE(std::string(h.at("ErrorMessage").as_string())
                .find("MessageBody/QualificationConfirmSearchInfo/Birthdate"),
            std::string::npos);
  // The body says it per person too (issue 14): a strict client requires
  // ProcessingResultStatus and shows ProcessingResultMessage.
  // (Nothing of the search info could be read here, so there is no echo.)
  EXPECT_EQ(Keys(Body(root)),
            (std::vector<std::string>{"ProcessingResultStatus", "ProcessingResultCode",
                                      "ProcessingResultMessage"}));
  EXPECT_EQ(Body(root).at("ProcessingResultStatus"), "2");
  EXPECT_EQ(Body(root).at("ProcessingResultCode"), "ONS-E0106");
  EXPECT_EQ(Body(root).at("ProcessingResultMessage"), h.at("ErrorMessage"));
  std::vector<std::string> bad;
  CollectNonStrings(root, "", bad);
  EXPECT_TRUE(bad.empty());
}

TEST(ErrorResponseTest, S45_NothingReadableStillAnswers) {
  const ParsedRequest p = ParseRequestJson("not json");
  const json::object root =
      Parse(WriteErrorResponse(p.request, *p.error, kProcessed, AnswerEncoding(p.request)));
  EXPECT_EQ(Header(root).at("ErrorCode"), "ONS-E0101");
  EXPECT_FALSE(Header(root).contains("MedicalInstitutionCode"));
}

TEST(ErrorResponseTest, ServerCodes) {
  const OqsError busy = MakeOqsError(ErrorCode::kServerBusy, "", "");
  const json::object root = Parse(WriteErrorResponse(Request(), busy, kProcessed, {}));
  EXPECT_EQ(Header(root).at("ErrorCode"), "ONS-E0906");
  EXPECT_EQ(busy.HttpStatus(), 503);
}

// ---------------------------------------------------------------------------
// XML answers (§1.2 file protocol, §4.6).

std::string FromShiftJis(std::string_view bytes) {
  iconv_t cd = iconv_open("UTF-8", "CP932");
  std::string out(bytes.size() * 3 + 8, '\0');
  char* in = const_cast<char*>(bytes.data());
  std::size_t in_left = bytes.size();
  char* o = out.data();
  std::size_t out_left = out.size();
  EXPECT_NE(iconv(cd, &in, &in_left, &o, &out_left), static_cast<std::size_t>(-1));
  iconv_close(cd);
  out.resize(out.size() - out_left);
  return out;
}

TEST(ResponseXmlTest, S46_Utf8AnswerShape) {
  const Qualification q = Everything();
  QualificationRequest r = Request();
  r.format = WireFormat::kXml;
  r.arbitrary_file_identifier = "clinic_00042";
  const std::string out = WriteQualificationResponse(
      r, Validate(r), Decision(QualificationValidity::kMultipleMatches, {&q, &q}), kProcessed,
      AnswerEncoding(r));
  ASSERT_TRUE(out.starts_with(R"(<?xml version="1.0" encoding="UTF-8" standalone="no"?><XmlMsg>)"))
      << out;
  EXPECT_NE(out.find("<ArbitraryFileIdentifier>clinic_00042</ArbitraryFileIdentifier>"),
            std::string::npos);
  EXPECT_NE(out.find("<CharacterCodeIdentifier>0</CharacterCodeIdentifier>"), std::string::npos);

  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(out.c_str()));
  const pugi::xml_node list = doc.child("XmlMsg").child("MessageBody").child("ResultList");
  int results = 0;
  for (pugi::xml_node n : list.children()) {
    EXPECT_STREQ(n.name(), "ResultOfQualificationConfirmation");
    ++results;
  }
  EXPECT_EQ(results, 2);  // repeated elements, no array wrapper
  const pugi::xml_node res = list.first_child();
  EXPECT_STREQ(res.child_value("NameKana"), "ｼｹﾝ ﾊﾅｺ");
  // One <SpecificDiseasesCertificateList> per certificate, fields as direct
  // children: the form myclinic's parser accepts (terminal-protocol §10).
  int certificates = 0;
  for (pugi::xml_node c : res.children("SpecificDiseasesCertificateList")) {
    EXPECT_FALSE(c.child("SpecificDiseasesCertificateInfo"));
    EXPECT_TRUE(c.child("SpecificDiseasesDiseaseCategory"));
    ++certificates;
  }
  EXPECT_EQ(certificates, 2);
  EXPECT_STREQ(res.child("SpecificDiseasesCertificateList").child_value("SpecificDiseasesSelfPay"),
               "10000");
  EXPECT_STREQ(
      res.child("ElderlyRecipientCertificateInfo").child_value("ElderlyRecipientContributionRatio"),
      "020");
}

TEST(ResponseXmlTest, S12_ShiftJisRoundTrip) {
  Qualification q = Hanako();
  q.insurer_number = "138057";
  q.attributes[0].name = "髙橋　𠮷子";  // 髙 is CP932 (IBM ext.), 𠮷 is not
  q.attributes[0].name_kana = "タカハシ　ヨシコ";
  q.attributes[0].address = "東京都港区１丁目②番地　㈱オンシ～ビル";

  // The request arrives in Shift_JIS and says nothing about the answer.
  std::string request_xml =
      R"(<?xml version="1.0" encoding="Shift_JIS" standalone="no"?><XmlMsg><MessageHeader>)"
      R"(<QualificationConfirmationDate>20250401</QualificationConfirmationDate>)"
      R"(<MedicalInstitutionCode>1312345679</MedicalInstitutionCode>)"
      R"(<ArbitraryFileIdentifier>受付_0042</ArbitraryFileIdentifier></MessageHeader>)"
      R"(<MessageBody><QualificationConfirmSearchInfo><InsurerNumber>  138057</InsurerNumber>)"
      R"(<InsuredCardSymbol>ｱ</InsuredCardSymbol><InsuredIdentificationNumber>1234</InsuredIdentificationNumber>)"
      R"(<InsuredBranchNumber>00</InsuredBranchNumber><Birthdate>19800515</Birthdate>)"
      R"(<LimitApplicationCertificateRelatedConsFlg>1</LimitApplicationCertificateRelatedConsFlg>)"
      R"(</QualificationConfirmSearchInfo></MessageBody></XmlMsg>)";
  const ParsedRequest p = ParseRequestXml(Utf8ToCp932(request_xml));
  ASSERT_TRUE(p.ok()) << p.error->Message();
  const ResponseEncoding enc = AnswerEncoding(p.request);
  EXPECT_EQ(enc.charset, Charset::kShiftJis);

  const std::string out =
      WriteQualificationResponse(p.request, Validate(p.request),
                                 Decision(QualificationValidity::kValid, {&q}), kProcessed, enc);
  ASSERT_TRUE(
      out.starts_with(R"(<?xml version="1.0" encoding="Shift_JIS" standalone="no"?><XmlMsg>)"));
  EXPECT_FALSE(IsValidUtf8(out));  // really Shift_JIS on the wire
  // ｼ is the single byte 0xBC in CP932.
  EXPECT_NE(out.find("\xC0\xB6\xCA\xBC \xD6\xBC\xBA"), std::string::npos);  // ﾀｶﾊｼ ﾖｼｺ

  // Our own parser reads the answer's header and echo back unchanged.
  const ParsedRequest back = ParseRequestXml(out);
  ASSERT_TRUE(back.ok()) << back.error->Message();
  EXPECT_EQ(back.request.charset, Charset::kShiftJis);
  EXPECT_EQ(back.request.character_code_identifier, "1");
  QualificationRequest echoed = p.request;
  echoed.character_code_identifier = "1";
  EXPECT_EQ(back.request, echoed);

  // And the result decodes with an independent CP932 decoder.
  const std::string utf8 = FromShiftJis(out);
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_buffer(utf8.data(), utf8.size(), pugi::parse_default, pugi::encoding_utf8));
  const pugi::xml_node res = doc.child("XmlMsg")
                                 .child("MessageBody")
                                 .child("ResultList")
                                 .child("ResultOfQualificationConfirmation");
  EXPECT_STREQ(res.child_value("Name"), "髙橋　〓子");  // 𠮷 is not CP932: ゲタ
  EXPECT_STREQ(res.child_value("NameKana"), "ﾀｶﾊｼ ﾖｼｺ");
  EXPECT_STREQ(res.child_value("InsurerNumber"), "  138057");
  // CP932 decodes 0x8160 as U+FF5E, so ～ survives the round trip.
  EXPECT_STREQ(res.child_value("Address"), "東京都港区１丁目②番地　㈱オンシ～ビル");
}

TEST(ResponseXmlTest, S31_CharacterCodeIdentifierChoosesTheAnswerCharset) {
  QualificationRequest r = Request();
  r.format = WireFormat::kXml;
  r.charset = Charset::kShiftJis;
  EXPECT_EQ(AnswerEncoding(r).charset, Charset::kShiftJis);  // follows the request
  r.character_code_identifier = "0";
  EXPECT_EQ(AnswerEncoding(r).charset, Charset::kUtf8);
  r.charset = Charset::kUtf8;
  r.character_code_identifier = "1";
  EXPECT_EQ(AnswerEncoding(r).charset, Charset::kShiftJis);
  r.format = WireFormat::kJson;  // JSON is always UTF-8
  EXPECT_EQ(AnswerEncoding(r).charset, Charset::kUtf8);
  EXPECT_EQ(AnswerEncoding(r).format, WireFormat::kJson);
}

TEST(ResponseXmlTest, S45_ErrorInShiftJis) {
  QualificationRequest r;
  r.format = WireFormat::kXml;
  r.charset = Charset::kShiftJis;
  r.medical_institution_code = "1312345679";
  r.arbitrary_file_identifier = "clinic_00043";
  const OqsError e = MakeOqsError(ErrorCode::kBirthdateInvalid,
                                  "MessageBody/QualificationConfirmSearchInfo/Birthdate", "bad");
  const std::string out = WriteErrorResponse(r, e, kProcessed, AnswerEncoding(r));
  pugi::xml_document doc;
  const std::string utf8 = FromShiftJis(out);
  ASSERT_TRUE(doc.load_string(utf8.c_str()));
  const pugi::xml_node h = doc.child("XmlMsg").child("MessageHeader");
  EXPECT_STREQ(h.child_value("SegmentOfResult"), "9");
  EXPECT_STREQ(h.child_value("ErrorCode"), "ONS-E0310");
  EXPECT_STREQ(h.child_value("ErrorMessage"),
               "生年月日が不正です (MessageBody/QualificationConfirmSearchInfo/Birthdate: bad)");
  EXPECT_STREQ(h.child_value("ArbitraryFileIdentifier"), "clinic_00043");
  EXPECT_STREQ(h.child_value("CharacterCodeIdentifier"), "1");
  const pugi::xml_node body = doc.child("XmlMsg").child("MessageBody");
  EXPECT_STREQ(body.child_value("ProcessingResultStatus"), "2");
  EXPECT_STREQ(body.child_value("ProcessingResultCode"), "ONS-E0310");
  EXPECT_STREQ(body.child_value("ProcessingResultMessage"), h.child_value("ErrorMessage"));
}

TEST(TimestampTest, S31_ProcessExecutionTimeFormat) {
  EXPECT_EQ((Timestamp{D(2025, 1, 2), 3, 4, 5}.ToCompact()), "20250102030405");
  EXPECT_EQ((Timestamp{D(2025, 12, 31), 23, 59, 59}.ToCompact()), "20251231235959");
}

}  // namespace
}  // namespace onshi::oqs
