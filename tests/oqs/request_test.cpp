// Parsing the single qualification query (OQSsiquc01req). "§N" refers to
// /work/shared/docs/oqs-interface.md.
#include <gtest/gtest.h>
#include <iconv.h>

#include <string>
#include <string_view>

#include "oqs/request.hpp"

namespace onshi::oqs {
namespace {

// UTF-8 → CP932 through iconv directly, independent of oqs/charset.
std::string ToShiftJis(std::string_view utf8) {
  iconv_t cd = iconv_open("CP932", "UTF-8");
  EXPECT_NE(cd, reinterpret_cast<iconv_t>(-1));
  std::string out(utf8.size() * 2 + 8, '\0');
  char* in = const_cast<char*>(utf8.data());
  std::size_t in_left = utf8.size();
  char* o = out.data();
  std::size_t out_left = out.size();
  EXPECT_NE(iconv(cd, &in, &in_left, &o, &out_left), static_cast<std::size_t>(-1));
  iconv_close(cd);
  out.resize(out.size() - out_left);
  return out;
}

// §4.2 with a valid insurer number (06139999 fails its 検証番号) and a valid
// facility code (1312345678 fails its 検証番号; 1312345679 is right).
constexpr std::string_view kSpec42Json =
    R"({"XmlMsg":{"MessageHeader":{"QualificationConfirmationDate":"20250401","MedicalInstitutionCode":"1312345679"},
 "MessageBody":{"QualificationConfirmSearchInfo":{"InsurerNumber":"06139992","InsuredCardSymbol":"12-34",
 "InsuredIdentificationNumber":"567","Birthdate":"19800515","LimitApplicationCertificateRelatedConsFlg":"1"}}}})";

QualificationRequest Spec42() {
  QualificationRequest r;
  r.format = WireFormat::kJson;
  r.qualification_confirmation_date = "20250401";
  r.medical_institution_code = "1312345679";
  r.insurer_number = "06139992";
  r.insured_card_symbol = "12-34";
  r.insured_identification_number = "567";
  r.birthdate = "19800515";
  r.limit_application_certificate_related_cons_flg = "1";
  return r;
}

// §4.6 (space-padded 国保; 138999 fails its 検証番号, 138057 passes).
constexpr std::string_view kSpec46Xml =
    R"(<?xml version="1.0" encoding="Shift_JIS" standalone="no"?>
<XmlMsg><MessageHeader><QualificationConfirmationDate>20250401</QualificationConfirmationDate>
<MedicalInstitutionCode>1312345679</MedicalInstitutionCode><ArbitraryFileIdentifier>clinic_00042</ArbitraryFileIdentifier></MessageHeader>
<MessageBody><QualificationConfirmSearchInfo><InsurerNumber>  138057</InsurerNumber><InsuredCardSymbol>ｱ</InsuredCardSymbol>
<InsuredIdentificationNumber>1234</InsuredIdentificationNumber><InsuredBranchNumber>00</InsuredBranchNumber><Birthdate>19501103</Birthdate>
<LimitApplicationCertificateRelatedConsFlg>1</LimitApplicationCertificateRelatedConsFlg></QualificationConfirmSearchInfo></MessageBody></XmlMsg>)";

QualificationRequest Spec46() {
  QualificationRequest r;
  r.format = WireFormat::kXml;
  r.charset = Charset::kShiftJis;
  r.qualification_confirmation_date = "20250401";
  r.medical_institution_code = "1312345679";
  r.arbitrary_file_identifier = "clinic_00042";
  r.insurer_number = "  138057";
  r.insured_card_symbol = "ｱ";
  r.insured_identification_number = "1234";
  r.insured_branch_number = "00";
  r.birthdate = "19501103";
  r.limit_application_certificate_related_cons_flg = "1";
  return r;
}

::testing::AssertionResult FailsWith(const ParsedRequest& p, ErrorCode code,
                                     std::string_view element = {}) {
  if (p.ok()) return ::testing::AssertionFailure() << "parsed without error";
  if (p.error->code != code || p.error->element != element) {
    return ::testing::AssertionFailure() << "got " << p.error->Id() << " at \"" << p.error->element
                                         << "\": " << p.error->Message();
  }
  return ::testing::AssertionSuccess();
}

std::string WithHeader(std::string_view header_json) {
  return R"({"XmlMsg":{"MessageHeader":{)" + std::string(header_json) +
         R"(},"MessageBody":{"QualificationConfirmSearchInfo":{"InsurerNumber":"06139992"}}}})";
}

TEST(RequestJsonTest, S42_SpecExampleParses) {
  const ParsedRequest p = ParseRequestJson(kSpec42Json);
  ASSERT_TRUE(p.ok()) << p.error->Message();
  EXPECT_EQ(p.request, Spec42());
  EXPECT_FALSE(p.request.insured_branch_number.has_value());  // §2: key omitted when absent
}

TEST(RequestJsonTest, S42_Utf8BomIsSkipped) {
  const ParsedRequest p = ParseRequestJson("\xEF\xBB\xBF" + std::string(kSpec42Json));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p.request, Spec42());
}

TEST(RequestJsonTest, S2_AllOptionalElementsAreRead) {
  const ParsedRequest p = ParseRequestJson(
      R"({"XmlMsg":{"MessageHeader":{"QualificationConfirmationDate":"20250401","MedicalInstitutionCode":"1312345679",
      "ArbitraryFileIdentifier":"f1","CharacterCodeIdentifier":"0","Unknown":1},
      "MessageBody":{"QualificationConfirmSearchInfo":{"InsurerNumber":"138057","InsuredIdentificationNumber":"9",
      "InsuredBranchNumber":"","Birthdate":"20000101","LimitApplicationCertificateRelatedConsFlg":"0","ArbitraryIdentifier":"p-77"}}}})");
  ASSERT_TRUE(p.ok()) << p.error->Message();
  EXPECT_EQ(p.request.arbitrary_file_identifier, "f1");
  EXPECT_EQ(p.request.character_code_identifier, "0");
  EXPECT_EQ(p.request.insured_branch_number, "");  // present but empty, kept apart from absent
  EXPECT_EQ(p.request.arbitrary_identifier, "p-77");
  EXPECT_FALSE(p.request.insured_card_symbol.has_value());
}

TEST(RequestJsonTest, S11_DuplicateKeyLastWins) {
  const ParsedRequest p = ParseRequestJson(
      WithHeader(R"("MedicalInstitutionCode":"1","MedicalInstitutionCode":"1312345679")"));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p.request.medical_institution_code, "1312345679");
}

TEST(RequestJsonTest, NotJson) {
  EXPECT_TRUE(FailsWith(ParseRequestJson(""), ErrorCode::kNotJson));
  EXPECT_TRUE(FailsWith(ParseRequestJson("{\"XmlMsg\":"), ErrorCode::kNotJson));
  EXPECT_TRUE(FailsWith(ParseRequestJson(kSpec46Xml), ErrorCode::kNotJson));
  // RFC 8259 requires UTF-8; a Shift_JIS byte inside a string is refused.
  EXPECT_TRUE(FailsWith(
      ParseRequestJson(WithHeader(R"("ArbitraryFileIdentifier":")" + ToShiftJis("ア") + "\"")),
      ErrorCode::kNotJson));
}

TEST(RequestJsonTest, WrongRoot) {
  EXPECT_TRUE(FailsWith(ParseRequestJson("[]"), ErrorCode::kWrongRoot));
  EXPECT_TRUE(FailsWith(ParseRequestJson(R"({"xmlMsg":{}})"), ErrorCode::kWrongRoot));
  EXPECT_TRUE(FailsWith(ParseRequestJson(R"({"XmlMsg":"x"})"), ErrorCode::kWrongRoot));
}

TEST(RequestJsonTest, MissingGroups) {
  EXPECT_TRUE(FailsWith(ParseRequestJson(R"({"XmlMsg":{"MessageBody":{}}})"),
                        ErrorCode::kMissingGroup, "MessageHeader"));
  EXPECT_TRUE(FailsWith(ParseRequestJson(R"({"XmlMsg":{"MessageHeader":{}}})"),
                        ErrorCode::kMissingGroup, "MessageBody"));
  EXPECT_TRUE(FailsWith(ParseRequestJson(R"({"XmlMsg":{"MessageHeader":{},"MessageBody":{}}})"),
                        ErrorCode::kMissingGroup, "MessageBody/QualificationConfirmSearchInfo"));
  EXPECT_TRUE(FailsWith(ParseRequestJson(R"({"XmlMsg":{"MessageHeader":[],"MessageBody":{}}})"),
                        ErrorCode::kMissingGroup, "MessageHeader"));
}

TEST(RequestJsonTest, S11_NumberInsteadOfStringIsRejected) {
  const ParsedRequest p = ParseRequestJson(
      R"({"XmlMsg":{"MessageHeader":{"QualificationConfirmationDate":20250401,"MedicalInstitutionCode":"1312345679"},
      "MessageBody":{"QualificationConfirmSearchInfo":{"InsuredBranchNumber":1}}}})");
  ASSERT_TRUE(FailsWith(p, ErrorCode::kNotAString, "MessageHeader/QualificationConfirmationDate"));
  EXPECT_NE(p.error->Message().find("must be a JSON string, got a number"), std::string::npos);
  // Reading went on, so the error answer can echo the facility code (§4.5).
  EXPECT_EQ(p.request.medical_institution_code, "1312345679");
  EXPECT_FALSE(p.request.qualification_confirmation_date.has_value());
}

TEST(RequestJsonTest, S11_EveryNonStringKindIsRejected) {
  for (std::string_view v : {"1", "1.5", "true", "null", "[]", "{}", "-0"}) {
    const ParsedRequest p =
        ParseRequestJson(WithHeader(R"("ArbitraryFileIdentifier":)" + std::string(v)));
    EXPECT_TRUE(FailsWith(p, ErrorCode::kNotAString, "MessageHeader/ArbitraryFileIdentifier")) << v;
  }
  EXPECT_TRUE(FailsWith(
      ParseRequestJson(
          R"({"XmlMsg":{"MessageHeader":{},"MessageBody":{"QualificationConfirmSearchInfo":{"InsurerNumber":6139992}}}})"),
      ErrorCode::kNotAString, "MessageBody/QualificationConfirmSearchInfo/InsurerNumber"));
}

// ---------------------------------------------------------------------------
// XML: §1.2 file protocol and application/xml.

TEST(RequestXmlTest, S46_SpecExampleInShiftJisParses) {
  const std::string bytes = ToShiftJis(kSpec46Xml);
  ASSERT_NE(bytes, kSpec46Xml);  // ｱ really is a single CP932 byte now
  const ParsedRequest p = ParseRequestXml(bytes);
  ASSERT_TRUE(p.ok()) << p.error->Message();
  EXPECT_EQ(p.request, Spec46());
  EXPECT_EQ(*p.request.insurer_number, "  138057");  // leading spaces kept verbatim
}

TEST(RequestXmlTest, S46_SameQueryAsJsonGivesSameRequest) {
  const ParsedRequest x = ParseRequestXml(ToShiftJis(
      R"(<?xml version="1.0" encoding="Shift_JIS"?><XmlMsg><MessageHeader>
      <QualificationConfirmationDate>20250401</QualificationConfirmationDate><MedicalInstitutionCode>1312345679</MedicalInstitutionCode>
      </MessageHeader><MessageBody><QualificationConfirmSearchInfo><InsurerNumber>06139992</InsurerNumber>
      <InsuredCardSymbol>12-34</InsuredCardSymbol><InsuredIdentificationNumber>567</InsuredIdentificationNumber>
      <Birthdate>19800515</Birthdate><LimitApplicationCertificateRelatedConsFlg>1</LimitApplicationCertificateRelatedConsFlg>
      </QualificationConfirmSearchInfo></MessageBody></XmlMsg>)"));
  ASSERT_TRUE(x.ok()) << x.error->Message();
  QualificationRequest want = Spec42();
  want.format = WireFormat::kXml;
  want.charset = Charset::kShiftJis;
  EXPECT_EQ(x.request, want);
}

TEST(RequestXmlTest, S12_Utf8WithBomAndWithoutDeclaration) {
  std::string utf8(kSpec46Xml);
  utf8.replace(utf8.find("Shift_JIS"), 9, "UTF-8");
  QualificationRequest want = Spec46();
  want.charset = Charset::kUtf8;

  ParsedRequest p = ParseRequestXml("\xEF\xBB\xBF" + utf8);
  ASSERT_TRUE(p.ok()) << p.error->Message();
  EXPECT_EQ(p.request, want);

  p = ParseRequestXml(utf8.substr(utf8.find("<XmlMsg>")));  // no declaration: UTF-8
  ASSERT_TRUE(p.ok()) << p.error->Message();
  EXPECT_EQ(p.request, want);
}

TEST(RequestXmlTest, S12_Cp932OnlyCharactersDecode) {
  // ①, ㈱ (NEC specials) and 髙 (IBM extension) are not in JIS X 0208
  // Shift_JIS but Windows writes them; ～ is CP932's reading of 0x8160.
  const ParsedRequest p = ParseRequestXml(
      ToShiftJis(R"(<?xml version="1.0" encoding="shift_jis"?><XmlMsg><MessageHeader>)"
                 R"(<ArbitraryFileIdentifier>①㈱髙～</ArbitraryFileIdentifier></MessageHeader>)"
                 R"(<MessageBody><QualificationConfirmSearchInfo/></MessageBody></XmlMsg>)"));
  ASSERT_TRUE(p.ok()) << p.error->Message();
  EXPECT_EQ(p.request.arbitrary_file_identifier, "①㈱髙～");
}

TEST(RequestXmlTest, S12_EncodingAliasesAndCdata) {
  for (std::string_view name : {"SJIS", "Windows-31J", "cp932", "MS932", "x-sjis"}) {
    const ParsedRequest p = ParseRequestXml(
        "<?xml version='1.0' encoding = '" + std::string(name) +
        "'?><XmlMsg><MessageHeader><ArbitraryFileIdentifier><![CDATA[a<b]]></"
        "ArbitraryFileIdentifier>"
        "</MessageHeader><MessageBody><QualificationConfirmSearchInfo/></MessageBody></XmlMsg>");
    ASSERT_TRUE(p.ok()) << name;
    EXPECT_EQ(p.request.charset, Charset::kShiftJis) << name;
    EXPECT_EQ(p.request.arbitrary_file_identifier, "a<b");
  }
}

TEST(RequestXmlTest, NotXml) {
  EXPECT_TRUE(FailsWith(ParseRequestXml(""), ErrorCode::kNotXml));
  EXPECT_TRUE(FailsWith(ParseRequestXml("<XmlMsg><MessageHeader></XmlMsg>"), ErrorCode::kNotXml));
  EXPECT_TRUE(FailsWith(ParseRequestXml(kSpec42Json), ErrorCode::kNotXml));
}

TEST(RequestXmlTest, BadEncoding) {
  // Undeclared means UTF-8, and Shift_JIS bytes are not UTF-8.
  std::string undeclared(kSpec46Xml.substr(kSpec46Xml.find("<XmlMsg>")));
  EXPECT_TRUE(FailsWith(ParseRequestXml(ToShiftJis(undeclared)), ErrorCode::kBadEncoding));
  EXPECT_TRUE(FailsWith(ParseRequestXml(R"(<?xml version="1.0" encoding="EUC-JP"?><XmlMsg/>)"),
                        ErrorCode::kBadEncoding));
  EXPECT_TRUE(FailsWith(ParseRequestXml("\xFF\xFE<\0X\0"), ErrorCode::kBadEncoding));
  // A lone lead byte is not CP932.
  EXPECT_TRUE(FailsWith(ParseRequestXml("<?xml version=\"1.0\" encoding=\"Shift_JIS\"?><XmlMsg>\x81"
                                        "</XmlMsg>"),
                        ErrorCode::kBadEncoding));
  // A UTF-8 BOM contradicting the declaration.
  EXPECT_TRUE(
      FailsWith(ParseRequestXml("\xEF\xBB\xBF" + ToShiftJis(kSpec46Xml)), ErrorCode::kBadEncoding));
}

TEST(RequestXmlTest, WrongRootAndMissingGroups) {
  EXPECT_TRUE(FailsWith(ParseRequestXml("<Msg/>"), ErrorCode::kWrongRoot));
  EXPECT_TRUE(FailsWith(ParseRequestXml("<XmlMsg><MessageBody/></XmlMsg>"),
                        ErrorCode::kMissingGroup, "MessageHeader"));
  EXPECT_TRUE(FailsWith(ParseRequestXml("<XmlMsg><MessageHeader/></XmlMsg>"),
                        ErrorCode::kMissingGroup, "MessageBody"));
  EXPECT_TRUE(FailsWith(ParseRequestXml("<XmlMsg><MessageHeader/><MessageBody/></XmlMsg>"),
                        ErrorCode::kMissingGroup, "MessageBody/QualificationConfirmSearchInfo"));
}

TEST(RequestXmlTest, RepeatedOrNestedElementsAreRejected) {
  const ParsedRequest twice = ParseRequestXml(
      "<XmlMsg><MessageHeader><MedicalInstitutionCode>1312345679</MedicalInstitutionCode>"
      "<ArbitraryFileIdentifier>a</ArbitraryFileIdentifier><ArbitraryFileIdentifier>b"
      "</ArbitraryFileIdentifier></MessageHeader><MessageBody><QualificationConfirmSearchInfo/>"
      "</MessageBody></XmlMsg>");
  EXPECT_TRUE(
      FailsWith(twice, ErrorCode::kDuplicateElement, "MessageHeader/ArbitraryFileIdentifier"));
  EXPECT_EQ(twice.request.medical_institution_code, "1312345679");

  EXPECT_TRUE(FailsWith(
      ParseRequestXml("<XmlMsg><MessageHeader/><MessageBody><QualificationConfirmSearchInfo>"
                      "<Birthdate><Y>1980</Y></Birthdate></QualificationConfirmSearchInfo>"
                      "</MessageBody></XmlMsg>"),
      ErrorCode::kNotAString, "MessageBody/QualificationConfirmSearchInfo/Birthdate"));
}

TEST(RequestXmlTest, EmptyElementIsPresentAndEmpty) {
  const ParsedRequest p = ParseRequestXml(
      "<XmlMsg><MessageHeader/><MessageBody><QualificationConfirmSearchInfo>"
      "<InsuredBranchNumber/><InsuredCardSymbol></InsuredCardSymbol>"
      "</QualificationConfirmSearchInfo></MessageBody></XmlMsg>");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p.request.insured_branch_number, "");
  EXPECT_EQ(p.request.insured_card_symbol, "");
  EXPECT_FALSE(p.request.birthdate.has_value());
}

TEST(RequestTest, DispatchesOnFormat) {
  EXPECT_TRUE(ParseRequest(kSpec42Json, WireFormat::kJson).ok());
  EXPECT_EQ(ParseRequest(ToShiftJis(kSpec46Xml), WireFormat::kXml).request, Spec46());
}

}  // namespace
}  // namespace onshi::oqs
