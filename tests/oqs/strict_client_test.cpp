// Every kind of answer onshi sends, read as the strictest real clinic client
// reads it: myclinic-ts's OnshiResult.cast and its 保険 registration
// (oqs-interface.md §3 "Client strictness", terminal-protocol.md §10). The
// profile is written from the docs, not from onshi's writer, so a field the
// writer forgets is a failure here (issue 14: InsuredCardValidDate was never
// sent, and error answers had an empty MessageBody).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "core/eligibility.hpp"
#include "oqs/charset.hpp"
#include "oqs/response.hpp"
#include "oqs/validate.hpp"
#include "strict_client.hpp"

namespace onshi::oqs {
namespace {

namespace json = boost::json;

Date D(int y, int m, int d) {
  return Date::FromYmd(y, m, d);
}

const Timestamp kNow{D(2026, 12, 3), 9, 15, 0};

using strict::MyclinicViolations;

Qualification Member(std::string insurer, Date birth) {
  Qualification q;
  q.insurer_number = std::move(insurer);
  q.insurer_name = "試験保険者";
  q.number = "1234";
  q.branch = "00";
  q.birth_date = birth;
  q.sex = Sex::kMale;
  q.acquired = D(2020, 4, 1);
  q.attributes = {MemberAttributes{D(2020, 4, 1), "試験　太郎", "シケン　タロウ", "試験　太郎",
                                   "100-0001", "東京都千代田区千代田１－１"}};
  q.diseases = {SpecificDisease{1, D(2024, 1, 10), D(2024, 1, 1), D(2027, 12, 31), 10000}};
  q.limits = {LimitCertificate{1, "A03", D(2026, 8, 1), D(2026, 8, 1), D(2027, 7, 31), {}}};
  q.linkage = LinkageState::kLinked;
  q.linked_on = D(2020, 4, 5);
  return q;
}

QualificationRequest Request(const Qualification& q) {
  QualificationRequest r;
  r.qualification_confirmation_date = "20261203";
  r.medical_institution_code = "1312345679";
  r.insurer_number = q.insurer_number;
  r.insured_identification_number = q.number;
  r.birthdate = q.birth_date.ToCompact();
  r.limit_application_certificate_related_cons_flg = "1";
  return r;
}

std::string NumberAnswer(const Qualification& q) {
  const QualificationRequest r = Request(q);
  Result<ValidatedRequest> v = ValidateRequest(r);
  EXPECT_TRUE(v.ok());
  EligibilityDecision d;
  d.validity = QualificationValidity::kValid;
  d.reason = EligibilityReason::kValid;
  d.results = {&q};
  return WriteQualificationResponse(r, *v, d, kNow, AnswerEncoding(r));
}

TEST(StrictClient, NumberAnswersForEveryKindOfMember) {
  const std::vector<Qualification> members = {
      Member("06139992", D(1980, 5, 15)),  // 組合健保, working age
      Member("06139992", D(2021, 6, 1)),   // 未就学
      Member("06139992", D(1955, 3, 3)),   // 高齢受給者 (71)
      Member("39139993", D(1945, 2, 10)),  // 後期高齢者医療
      Member("138057", D(1990, 1, 1)),     // 国保 (6 digits)
  };
  for (const Qualification& q : members) {
    const auto bad = MyclinicViolations(NumberAnswer(q));
    EXPECT_TRUE(bad.empty()) << q.insurer_number << " " << q.birth_date.ToCompact() << ": "
                             << bad.front();
  }
}

TEST(StrictClient, XmlAnswersInUtf8AndShiftJis) {
  // The file-protocol form of the same answers (§4.6: a Shift_JIS client
  // writes Shift_JIS and reads it back), for every kind of member.
  const std::vector<Qualification> members = {
      Member("06139992", D(1980, 5, 15)), Member("06139992", D(2021, 6, 1)),
      Member("06139992", D(1955, 3, 3)), Member("39139993", D(1945, 2, 10)),
      Member("138057", D(1990, 1, 1))};
  for (const char* cci : {"0", "1"}) {
    for (const Qualification& q : members) {
      QualificationRequest r = Request(q);
      r.format = WireFormat::kXml;
      r.character_code_identifier = cci;
      Result<ValidatedRequest> v = ValidateRequest(r);
      ASSERT_TRUE(v.ok());
      EligibilityDecision d;
      d.validity = QualificationValidity::kValid;
      d.reason = EligibilityReason::kValid;
      d.results = {&q};
      const std::string out = WriteQualificationResponse(r, *v, d, kNow, AnswerEncoding(r));
      const auto bad = MyclinicViolations(out, /*one_result=*/true);
      EXPECT_TRUE(bad.empty()) << cci << " " << q.insurer_number << ": " << bad.front();
    }
  }
  // And the error answer.
  QualificationRequest r;
  r.format = WireFormat::kXml;
  r.charset = Charset::kShiftJis;
  r.medical_institution_code = "1312345679";
  const OqsError e = MakeOqsError(ErrorCode::kBirthdateInvalid,
                                  "MessageBody/QualificationConfirmSearchInfo/Birthdate", "bad");
  const auto bad = MyclinicViolations(WriteErrorResponse(r, e, kNow, AnswerEncoding(r)));
  EXPECT_TRUE(bad.empty()) << bad.front();
}

TEST(StrictClient, ErrorAnswerIsReadable) {
  QualificationRequest r;
  r.medical_institution_code = "1312345679";
  r.qualification_confirmation_date = "20261203";
  const OqsError e = MakeOqsError(ErrorCode::kBirthdateInvalid,
                                  "MessageBody/QualificationConfirmSearchInfo/Birthdate", "bad");
  const auto bad = MyclinicViolations(WriteErrorResponse(r, e, kNow, AnswerEncoding(r)));
  EXPECT_TRUE(bad.empty()) << bad.front();
}

TEST(StrictClient, ProfileCatchesWhatTheOldWriterSent) {
  // Negative controls: the shapes issue 14 saw refused.
  EXPECT_FALSE(
      MyclinicViolations(
          R"({"XmlMsg":{"MessageHeader":{"ProcessExecutionTime":"1","QualificationConfirmationDate":"1",
      "MedicalInstitutionCode":"1","ReferenceClassification":"2","SegmentOfResult":"9","ErrorCode":"E",
      "CharacterCodeIdentifier":"0"},"MessageBody":{}}})")
          .empty());
  EXPECT_FALSE(
      MyclinicViolations(
          R"({"XmlMsg":{"MessageHeader":{"ProcessExecutionTime":"1","QualificationConfirmationDate":"1",
      "MedicalInstitutionCode":"1","ReferenceClassification":"2","SegmentOfResult":"1",
      "CharacterCodeIdentifier":"0"},"MessageBody":{"ProcessingResultStatus":"1","QualificationValidity":"1",
      "ResultList":[{"ResultOfQualificationConfirmation":{"InsuredCardClassification":"01","InsurerNumber":"06139992",
      "InsuredIdentificationNumber":"1","PersonalFamilyClassification":"1","Name":"a","Sex1":"1",
      "Birthdate":"19800101","InsurerName":"x","InsuredPartialContributionRatio":"030"}}]}}})")
          .empty());
}

TEST(StrictClient, CardAnswerWithConsentsAndOneResult) {
  const Qualification q = Member("06139992", D(1955, 3, 3));
  EligibilityDecision d;
  d.validity = QualificationValidity::kValid;
  d.reason = EligibilityReason::kValid;
  d.results = {&q};
  CardAnswer a;
  a.institution = "1312345679";
  a.confirmation_date = D(2026, 12, 3);
  a.file_identifier = "ArnHCeDfNjMCFzg";
  a.decision = &d;
  a.consents.limit = Consent{"1", kNow.ToCompact(), ""};
  a.consents.specific_diseases = Consent{"1", kNow.ToCompact(), ""};
  a.consents.pharmacists = Consent{"1", kNow.ToCompact(), kNow.AddHours(24).ToCompact()};
  a.consents.diagnosis = Consent{"0", "", ""};
  a.card_status = "usable";
  const std::string text = WriteCardResponse(a, kNow, {WireFormat::kJson, Charset::kUtf8});
  const auto bad = MyclinicViolations(text, /*one_result=*/true);
  EXPECT_TRUE(bad.empty()) << bad.front();
  const json::value root = json::parse(text);
  EXPECT_EQ(root.at_pointer("/XmlMsg/MessageHeader/ReferenceClassification"), "1");
  const json::object& r =
      root.at_pointer("/XmlMsg/MessageBody/ResultList/0/ResultOfQualificationConfirmation")
          .as_object();
  // The consents of §7, with AvailableTime = ConsTime + 24 h.
  EXPECT_EQ(r.at("PharmacistsInfoConsFlg"), "1");
  EXPECT_EQ(r.at("PharmacistsInfoConsTime"), "20261203091500");
  EXPECT_EQ(r.at("PharmacistsInfoAvailableTime"), "20261204091500");
  EXPECT_EQ(r.at("DiagnosisInfoConsFlg"), "0");
  EXPECT_FALSE(r.contains("DiagnosisInfoConsTime"));
  EXPECT_FALSE(r.contains("OperationInfoConsFlg"));  // never asked: absent
  // With consent the card answer carries what the seeds promise (R-FAC-9).
  EXPECT_TRUE(r.contains("LimitApplicationCertificateRelatedInfo"));
  EXPECT_TRUE(r.contains("ElderlyRecipientCertificateInfo"));
  EXPECT_TRUE(r.contains("SpecificDiseasesCertificateList"));
  EXPECT_EQ(root.at_pointer("/XmlMsg/MessageBody/OnshiCardCheck/Reason"), "valid");

  // Without consent, none of the certificates.
  a.consents = {};
  a.consents.limit = Consent{"0", "", ""};
  const json::value none =
      json::parse(WriteCardResponse(a, kNow, {WireFormat::kJson, Charset::kUtf8}));
  const json::object& r0 =
      none.at_pointer("/XmlMsg/MessageBody/ResultList/0/ResultOfQualificationConfirmation")
          .as_object();
  EXPECT_FALSE(r0.contains("LimitApplicationCertificateRelatedInfo"));
  EXPECT_FALSE(r0.contains("SpecificDiseasesCertificateList"));
}

TEST(StrictClient, CardAnswerForABlockedCardSaysWhatToDo) {
  EligibilityDecision d;
  d.validity = QualificationValidity::kNotFound;
  d.reason = EligibilityReason::kCardSuspended;
  CardAnswer a;
  a.institution = "1312345679";
  a.confirmation_date = D(2026, 12, 3);
  a.decision = &d;
  a.notice_code = "ONS-I0101";
  a.notice_message = "マイナンバーカードは一時利用停止中です。";
  a.card_status = "suspended";
  const std::string text = WriteCardResponse(a, kNow, {WireFormat::kJson, Charset::kUtf8});
  EXPECT_TRUE(MyclinicViolations(text).empty());
  const json::value root = json::parse(text);
  EXPECT_EQ(root.at_pointer("/XmlMsg/MessageBody/QualificationValidity"), "4");
  EXPECT_EQ(root.at_pointer("/XmlMsg/MessageBody/ProcessingResultCode"), "ONS-I0101");
  EXPECT_EQ(root.at_pointer("/XmlMsg/MessageBody/OnshiCardCheck/CardStatus"), "suspended");
  EXPECT_FALSE(root.at_pointer("/XmlMsg/MessageBody").as_object().contains("ResultList"));
}

}  // namespace
}  // namespace onshi::oqs
