// Validation of the query into the domain (ValidateRequest), one test per
// rule of validate.hpp. "§N" refers to /work/shared/docs/oqs-interface.md.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>

#include "oqs/validate.hpp"

namespace onshi::oqs {
namespace {

// §4.2 with numbers that pass their 検証番号.
QualificationRequest Valid() {
  QualificationRequest r;
  r.qualification_confirmation_date = "20250401";
  r.medical_institution_code = "1312345679";
  r.insurer_number = "06139992";
  r.insured_card_symbol = "12-34";
  r.insured_identification_number = "567";
  r.birthdate = "19800515";
  r.limit_application_certificate_related_cons_flg = "1";
  return r;
}

::testing::AssertionResult FailsWith(const QualificationRequest& r, ErrorCode code,
                                     std::string_view element) {
  const Result<ValidatedRequest> v = ValidateRequest(r);
  if (v.ok()) return ::testing::AssertionFailure() << "validated without error";
  const std::string path =
      element.empty() ? std::string()
      : element.starts_with("MessageHeader")
          ? std::string(element)
          : "MessageBody/QualificationConfirmSearchInfo/" + std::string(element);
  if (v.error().code != code || v.error().element != path) {
    return ::testing::AssertionFailure() << "got " << v.error().Id() << ": " << v.error().Message();
  }
  return ::testing::AssertionSuccess();
}

TEST(ValidateTest, S42_ValidQueryBecomesDomainQuery) {
  const Result<ValidatedRequest> v = ValidateRequest(Valid());
  ASSERT_TRUE(v.ok()) << v.error().Message();
  EXPECT_EQ(v->query.insurer_number, "06139992");
  EXPECT_EQ(v->query.symbol, "12-34");
  EXPECT_EQ(v->query.number, "567");
  EXPECT_EQ(v->query.branch, "");
  EXPECT_EQ(v->query.birth_date, Date::FromYmd(1980, 5, 15));
  EXPECT_EQ(v->confirmation_date, Date::FromYmd(2025, 4, 1));
  EXPECT_EQ(v->institution.digits(), "1312345679");
  EXPECT_TRUE(v->limit_consent);
}

TEST(ValidateTest, S2_KokuhoInsurerNumberInEveryPaddingIsCanonicalSixDigits) {
  for (std::string_view n : {"  138057", "00138057", "138057"}) {
    QualificationRequest r = Valid();
    r.insurer_number = std::string(n);
    const Result<ValidatedRequest> v = ValidateRequest(r);
    ASSERT_TRUE(v.ok()) << n << ": " << v.error().Message();
    EXPECT_EQ(v->query.insurer_number, "138057") << n;
  }
}

TEST(ValidateTest, CardIdIsNormalised) {
  QualificationRequest r = Valid();
  r.insured_card_symbol = "１２－３４";  // full-width, as some IMEs type it
  r.insured_identification_number = " 567 ";
  r.insured_branch_number = "０１";
  r.limit_application_certificate_related_cons_flg = "0";
  const Result<ValidatedRequest> v = ValidateRequest(r);
  ASSERT_TRUE(v.ok()) << v.error().Message();
  EXPECT_EQ(v->query.symbol, "12-34");
  EXPECT_EQ(v->query.number, "567");
  EXPECT_EQ(v->query.branch, "01");  // leading zero kept
  EXPECT_FALSE(v->limit_consent);
}

TEST(ValidateTest, OptionalElementsMayBeEmpty) {
  QualificationRequest r = Valid();
  r.insured_card_symbol = "";
  r.insured_branch_number = "";
  r.character_code_identifier = "";
  r.arbitrary_file_identifier = "";
  const Result<ValidatedRequest> v = ValidateRequest(r);
  ASSERT_TRUE(v.ok()) << v.error().Message();
  EXPECT_EQ(v->query.symbol, "");
  EXPECT_EQ(v->query.branch, "");
}

TEST(ValidateTest, HeaderErrors) {
  QualificationRequest r = Valid();
  r.qualification_confirmation_date.reset();
  EXPECT_TRUE(FailsWith(r, ErrorCode::kConfirmationDateMissing,
                        "MessageHeader/QualificationConfirmationDate"));
  r.qualification_confirmation_date = "";
  EXPECT_TRUE(FailsWith(r, ErrorCode::kConfirmationDateMissing,
                        "MessageHeader/QualificationConfirmationDate"));
  for (std::string_view bad : {"20250230", "2025-04-01", "2025041", "20251301"}) {
    r.qualification_confirmation_date = std::string(bad);
    EXPECT_TRUE(FailsWith(r, ErrorCode::kConfirmationDateInvalid,
                          "MessageHeader/QualificationConfirmationDate"))
        << bad;
  }

  r = Valid();
  r.medical_institution_code.reset();
  EXPECT_TRUE(
      FailsWith(r, ErrorCode::kInstitutionCodeMissing, "MessageHeader/MedicalInstitutionCode"));
  for (std::string_view bad : {"1312345678" /* §4.2's, bad 検証番号 */, "131234567", "4812345670",
                               "13123456789", "13a2345679"}) {
    r.medical_institution_code = std::string(bad);
    EXPECT_TRUE(
        FailsWith(r, ErrorCode::kInstitutionCodeInvalid, "MessageHeader/MedicalInstitutionCode"))
        << bad;
  }

  r = Valid();
  r.arbitrary_file_identifier = "a\nb";
  EXPECT_TRUE(FailsWith(r, ErrorCode::kArbitraryFileIdentifierInvalid,
                        "MessageHeader/ArbitraryFileIdentifier"));
  r.arbitrary_file_identifier = std::string(kMaxArbitraryIdentifierBytes + 1, 'x');
  EXPECT_TRUE(FailsWith(r, ErrorCode::kArbitraryFileIdentifierInvalid,
                        "MessageHeader/ArbitraryFileIdentifier"));
  r.arbitrary_file_identifier = std::string(kMaxArbitraryIdentifierBytes, 'x');
  EXPECT_TRUE(ValidateRequest(r).ok());

  r = Valid();
  r.character_code_identifier = "2";  // the outlier table's Shift_JIS (§3.1)
  EXPECT_TRUE(
      FailsWith(r, ErrorCode::kCharacterCodeInvalid, "MessageHeader/CharacterCodeIdentifier"));
}

TEST(ValidateTest, InsurerNumberErrors) {
  QualificationRequest r = Valid();
  r.insurer_number.reset();
  EXPECT_TRUE(FailsWith(r, ErrorCode::kInsurerNumberMissing, "InsurerNumber"));
  for (std::string_view bad :
       {"0613999", "061399921", " 138057", "   38057", "0613999X", "１３８０５７", "138057  "}) {
    r.insurer_number = std::string(bad);
    EXPECT_TRUE(FailsWith(r, ErrorCode::kInsurerNumberFormat, "InsurerNumber")) << bad;
  }
  // §4.2 and §4.6 print numbers whose 検証番号 is wrong.
  for (std::string_view bad : {"06139999", "  138999", "138999", "00138999"}) {
    r.insurer_number = std::string(bad);
    EXPECT_TRUE(FailsWith(r, ErrorCode::kInsurerNumberCheckDigit, "InsurerNumber")) << bad;
  }
  r.insurer_number = "06139999";
  EXPECT_NE(ValidateRequest(r).error().Message().find("expected 2"), std::string::npos);
  // Right check digit, but 法別番号 05 and prefecture 48 do not exist.
  for (std::string_view bad : {"05130000", "06480008", "480004"}) {
    r.insurer_number = std::string(bad);
    const Result<ValidatedRequest> v = ValidateRequest(r);
    ASSERT_FALSE(v.ok()) << bad;
    EXPECT_EQ(v.error().code, ErrorCode::kInsurerNumberUnknown) << v.error().Message();
  }
}

TEST(ValidateTest, CardIdErrors) {
  QualificationRequest r = Valid();
  r.insured_identification_number.reset();
  EXPECT_TRUE(FailsWith(r, ErrorCode::kNumberMissing, "InsuredIdentificationNumber"));
  r.insured_identification_number = "　";  // only a full-width space
  EXPECT_TRUE(FailsWith(r, ErrorCode::kNumberMissing, "InsuredIdentificationNumber"));
  r.insured_identification_number = std::string(21, '1');
  EXPECT_TRUE(FailsWith(r, ErrorCode::kNumberInvalid, "InsuredIdentificationNumber"));

  r = Valid();
  r.insured_card_symbol = std::string(39, 'A');
  EXPECT_TRUE(FailsWith(r, ErrorCode::kSymbolInvalid, "InsuredCardSymbol"));

  for (std::string_view bad : {"1", "001", "0a"}) {  // §2: exactly 2 digits
    r = Valid();
    r.insured_branch_number = std::string(bad);
    EXPECT_TRUE(FailsWith(r, ErrorCode::kBranchInvalid, "InsuredBranchNumber")) << bad;
  }
}

TEST(ValidateTest, BirthdateAndConsentErrors) {
  QualificationRequest r = Valid();
  r.birthdate.reset();
  EXPECT_TRUE(FailsWith(r, ErrorCode::kBirthdateMissing, "Birthdate"));
  r.birthdate = "19800230";
  EXPECT_TRUE(FailsWith(r, ErrorCode::kBirthdateInvalid, "Birthdate"));
  r.birthdate = "20250402";
  EXPECT_TRUE(FailsWith(r, ErrorCode::kBirthdateAfterConfirmation, "Birthdate"));
  r.birthdate = "20250401";  // born on the day: fine
  EXPECT_TRUE(ValidateRequest(r).ok());

  r = Valid();
  r.limit_application_certificate_related_cons_flg.reset();
  EXPECT_TRUE(
      FailsWith(r, ErrorCode::kConsentFlagMissing, "LimitApplicationCertificateRelatedConsFlg"));
  r.limit_application_certificate_related_cons_flg = "2";
  EXPECT_TRUE(
      FailsWith(r, ErrorCode::kConsentFlagInvalid, "LimitApplicationCertificateRelatedConsFlg"));

  r = Valid();
  r.arbitrary_identifier = "x\x01";
  EXPECT_TRUE(FailsWith(r, ErrorCode::kArbitraryIdentifierInvalid, "ArbitraryIdentifier"));
}

TEST(ValidateTest, FirstErrorInSpecOrderWins) {
  QualificationRequest r;  // everything missing
  EXPECT_TRUE(FailsWith(r, ErrorCode::kConfirmationDateMissing,
                        "MessageHeader/QualificationConfirmationDate"));
}

TEST(ErrorCodeTest, MessageNamesElementInJapaneseAndEnglish) {
  const OqsError e = MakeOqsError(ErrorCode::kConfirmationDateInvalid,
                                  "MessageHeader/QualificationConfirmationDate",
                                  "\"20250230\" is not a valid date YYYYMMDD");
  EXPECT_EQ(e.Id(), "ONS-E0202");
  EXPECT_EQ(e.HttpStatus(), 400);
  EXPECT_EQ(e.Message(),
            "資格確認日が不正です (MessageHeader/QualificationConfirmationDate: \"20250230\" is "
            "not a valid date YYYYMMDD)");
}

TEST(ErrorCodeTest, TableIsConsistent) {
  // Ids are unique and follow the documented scheme; server codes carry
  // the statuses docs/oqs-error-codes.md lists.
  std::set<std::string_view> ids;
  for (int i = 0; i <= static_cast<int>(ErrorCode::kCentralUnreachable); ++i) {
    const ErrorCodeInfo& info = DescribeErrorCode(static_cast<ErrorCode>(i));
    EXPECT_TRUE(ids.insert(info.id).second) << info.id;
    EXPECT_TRUE(info.id.starts_with("ONS-E0")) << info.id;
    EXPECT_EQ(info.id.size(), 9u);
    EXPECT_FALSE(info.title.empty());
  }
  EXPECT_EQ(DescribeErrorCode(ErrorCode::kUnknownFacility).http_status, 403);
  EXPECT_EQ(DescribeErrorCode(ErrorCode::kUnauthenticated).http_status, 401);
  EXPECT_EQ(DescribeErrorCode(ErrorCode::kServerBusy).http_status, 503);
  EXPECT_EQ(DescribeErrorCode(ErrorCode::kInternalError).http_status, 500);
}

}  // namespace
}  // namespace onshi::oqs
