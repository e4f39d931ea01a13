// oqs/bulk (issue 16): reading 一括照会 and 照会番号 messages item by item, and
// the per-item rules. End-to-end behaviour is in tests/app/terminal_test.cpp.
#include "oqs/bulk.hpp"

#include <gtest/gtest.h>

#include <string>

#include "oqs/charset.hpp"

namespace onshi::oqs {
namespace {

std::string Info(const std::string& id, const std::string& number, const std::string& extra = "") {
  return "<QualificationConfirmSearchInfo><InsurerNumber>06139992</InsurerNumber>"
         "<InsuredIdentificationNumber>" +
         number +
         "</InsuredIdentificationNumber><Birthdate>19800515</Birthdate>"
         "<LimitApplicationCertificateRelatedConsFlg>0</LimitApplicationCertificateRelatedConsFlg>"
         "<ArbitraryIdentifier>" +
         id + "</ArbitraryIdentifier>" + extra + "</QualificationConfirmSearchInfo>";
}

std::string Bulk(const std::string& body, const std::string& encoding = "UTF-8") {
  return "<?xml version=\"1.0\" encoding=\"" + encoding +
         "\"?><XmlMsg><MessageHeader><QualificationConfirmationDate>20261124"
         "</QualificationConfirmationDate><MedicalInstitutionCode>1310000011"
         "</MedicalInstitutionCode><ArbitraryFileIdentifier>f1</ArbitraryFileIdentifier>"
         "</MessageHeader><MessageBody>" +
         body + "</MessageBody></XmlMsg>";
}

TEST(BulkTest, EachItemCarriesTheHeaderAndItsOwnElements) {
  const ParsedBulk p =
      ParseBulkXml(Bulk(Info("a_1", "1001") + Info("b_2", "1002")), kSearchInfoGroup);
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p.items.size(), 2u);
  EXPECT_EQ(p.items[1].request.arbitrary_identifier, "b_2");
  EXPECT_EQ(p.items[1].request.insured_identification_number, "1002");
  EXPECT_EQ(p.items[1].request.qualification_confirmation_date, "20261124");
  EXPECT_EQ(p.items[0].request.arbitrary_file_identifier, "f1");
  // Each item is a single query as far as the rules go: the date is the batch's.
  auto v = ValidateRequest(p.items[0].request);
  ASSERT_TRUE(v.ok()) << v.error().Message();
  EXPECT_EQ(v->confirmation_date.ToCompact(), "20261124");
  // Kept in UTF-8 without its declaration, so it reads the same later.
  EXPECT_FALSE(p.utf8.starts_with("<?xml"));
  EXPECT_EQ(ParseBulkXml(p.utf8, kSearchInfoGroup).items.size(), 2u);
}

TEST(BulkTest, ShiftJisIsDecodedAndABadItemIsOnlyThatItemsError) {
  const std::string doc = Utf8ToCp932(Bulk(
      Info("髙_1", "1001") + Info("x", "1002", "<Birthdate>19800101</Birthdate>"), "Shift_JIS"));
  const ParsedBulk p = ParseBulkXml(doc, kSearchInfoGroup);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p.header.charset, Charset::kShiftJis);
  EXPECT_EQ(p.items[0].request.arbitrary_identifier, "髙_1");
  EXPECT_FALSE(p.items[0].error.has_value());
  ASSERT_TRUE(p.items[1].error.has_value());
  EXPECT_EQ(p.items[1].error->code, ErrorCode::kDuplicateElement);
}

TEST(BulkTest, TheWholeMessageFailsOnlyWhenItCannotBeRead) {
  EXPECT_EQ(ParseBulkXml("<XmlMsg><Message", kSearchInfoGroup).error->code, ErrorCode::kNotXml);
  EXPECT_EQ(ParseBulkXml("<Other/>", kSearchInfoGroup).error->code, ErrorCode::kWrongRoot);
  EXPECT_EQ(ParseBulkXml("<XmlMsg><MessageBody/></XmlMsg>", kSearchInfoGroup).error->code,
            ErrorCode::kMissingGroup);
  // A 02req: the reception number from the body (or the header).
  const ParsedBulk fetch = ParseBulkXml(
      "<XmlMsg><MessageHeader><MedicalInstitutionCode>1310000011</MedicalInstitutionCode>"
      "</MessageHeader><MessageBody><ReceptionNumber>R1</ReceptionNumber></MessageBody></XmlMsg>",
      "");
  ASSERT_TRUE(fetch.ok());
  EXPECT_EQ(fetch.reception_number, "R1");
  EXPECT_FALSE(ValidateBulkHeader(fetch.header).has_value());
  QualificationRequest bad = fetch.header;
  bad.medical_institution_code = "131000001";
  EXPECT_EQ(ValidateBulkHeader(bad)->code, ErrorCode::kInstitutionCodeInvalid);
}

TEST(BulkTest, RegistrationItemsAreCheckedLikeAQuerysKeys) {
  auto item = [](const std::string& ref, const std::string& insurer) {
    BulkItem i;
    i.reference_number = ref;
    i.request.insurer_number = insurer;
    i.request.insured_identification_number = "1001";
    i.request.insured_branch_number = "00";
    return i;
  };
  auto ok = ValidateRegistration(item("P-1", "06139992"));
  ASSERT_TRUE(ok.ok()) << ok.error().Message();
  EXPECT_EQ(ok->reference_number, "P-1");
  EXPECT_EQ(ok->keys.branch, "00");
  EXPECT_EQ(ValidateRegistration(item("", "06139992")).error().code,
            ErrorCode::kReferenceNumberInvalid);
  EXPECT_EQ(ValidateRegistration(item("P 1", "06139992")).error().code,
            ErrorCode::kReferenceNumberInvalid);
  EXPECT_EQ(ValidateRegistration(item(std::string(51, '9'), "06139992")).error().code,
            ErrorCode::kReferenceNumberInvalid);
  const auto typo = ValidateRegistration(item("P-1", "06139993"));
  EXPECT_EQ(typo.error().code, ErrorCode::kInsurerNumberCheckDigit);
  EXPECT_EQ(typo.error().element, "MessageBody/ReferenceNumberRegistrationInfo/InsurerNumber");
}

TEST(BulkTest, TheResultEmbedsTheUnitsUnderAFreshHeader) {
  QualificationRequest fetch, submit;
  fetch.medical_institution_code = "1310000011";
  submit.qualification_confirmation_date = "20261124";
  submit.arbitrary_file_identifier = "f1";
  const Timestamp at{Date::FromYmd(2026, 11, 23), 18, 30, 0};
  const RenderedUnits units{"<BulkConfirmUnit><X>一</X></BulkConfirmUnit>", 1, 0};
  const std::string sjis = WriteBulkResult({&fetch, &submit, "R1"}, units, at, Charset::kShiftJis);
  const std::string out = *Cp932ToUtf8(sjis);
  EXPECT_TRUE(out.starts_with(R"(<?xml version="1.0" encoding="Shift_JIS" standalone="no"?>)"));
  EXPECT_NE(out.find("<ReceptionNumber>R1</ReceptionNumber><SegmentOfResult>1</SegmentOfResult>"
                     "<NumberOfProcessingResult>1</NumberOfProcessingResult>"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("<MessageBody><BulkConfirmUnit><X>一</X></BulkConfirmUnit></MessageBody>"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("<ArbitraryFileIdentifier>f1</ArbitraryFileIdentifier>"), std::string::npos);
  EXPECT_NE(out.find("<CharacterCodeIdentifier>1</CharacterCodeIdentifier>"), std::string::npos);
  const std::string waiting = WriteBulkProcessing({&fetch, &submit, "R1"}, at, Charset::kUtf8);
  EXPECT_NE(waiting.find("<SegmentOfResult>2</SegmentOfResult>"), std::string::npos);
  EXPECT_EQ(waiting.find("ErrorCode"), std::string::npos);
}

}  // namespace
}  // namespace onshi::oqs
