// The 薬剤情報 / 特定健診 request files (terminal-protocol.md §6.6) as the
// central service reads them, and the facilities' clinical reads in the
// person's access log (issue 18: 「Every read is audited and appears in the
// person's access log」 — before this the log listed only eligibility
// look-ups).
#include <gtest/gtest.h>

#include <string>

#include "oqs/charset.hpp"
#include "service/access_log.hpp"
#include "service/clinical_files.hpp"

namespace onshi::service {
namespace {

std::string Request(const std::string& header_extra, const std::string& body) {
  return R"(<?xml version="1.0" encoding="UTF-8" standalone="no"?>)"
         "<XmlMsg><MessageHeader><MedicalInstitutionCode>1310000011</MedicalInstitutionCode>"
         "<InsurerNumber>  138999</InsurerNumber><InsuranceCardSymbol>ｱ</InsuranceCardSymbol>"
         "<InsuredPersonIdentificationNumber>1234</InsuredPersonIdentificationNumber>"
         "<BranchNumber>00</BranchNumber><ArbitraryFileIdentifier>0226112310001</"
         "ArbitraryFileIdentifier>" +
         header_extra + "</MessageHeader><MessageBody>" + body + "</MessageBody></XmlMsg>";
}

const std::string kYzkBody =
    "<StartDate>202601</StartDate><EndDate>202611</EndDate><FileCategory>2</FileCategory>"
    "<PrDiInfClassification>1</PrDiInfClassification><MedicalTreatmentFlag>1</"
    "MedicalTreatmentFlag>";

TEST(ClinicalFileRequestTest, ReadsTheYzkHeaderTagsOfSection66) {
  const auto r = ParseClinicalFileRequest(Request("", kYzkBody), ClinicalFileKind::kDrugs);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->institution, "1310000011");
  EXPECT_EQ(r->insurer_number, "138999");  // the left padding trimmed
  EXPECT_EQ(r->symbol, "ｱ");
  EXPECT_EQ(r->number, "1234");
  EXPECT_EQ(r->branch, "00");
  EXPECT_EQ(r->file_identifier, "0226112310001");
  EXPECT_EQ(r->start_month, Date::FromYmd(2026, 1, 1));
  EXPECT_EQ(r->end_month, Date::FromYmd(2026, 11, 1));
  EXPECT_EQ(r->file_category, "2");
  EXPECT_FALSE(r->shift_jis);
}

TEST(ClinicalFileRequestTest, ReadsShiftJisByItsDeclaration) {
  std::string xml = Request("", kYzkBody);
  xml.replace(xml.find("UTF-8"), 5, "shift_jis");
  const auto r = ParseClinicalFileRequest(oqs::Utf8ToCp932(xml), ClinicalFileKind::kDrugs);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_TRUE(r->shift_jis);
  EXPECT_EQ(r->symbol, "ｱ");
}

TEST(ClinicalFileRequestTest, NamesTheBadFieldInJapanese) {
  auto r = ParseClinicalFileRequest(Request("", "<FileCategory>2</FileCategory>"),
                                    ClinicalFileKind::kDrugs);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "StartDate");
  EXPECT_NE(r.error().message.find("yyyyMM"), std::string::npos);
  // TKK has no period.
  EXPECT_TRUE(ParseClinicalFileRequest(Request("", "<FileCategory>2</FileCategory>"),
                                       ClinicalFileKind::kCheckups)
                  .ok());
  r = ParseClinicalFileRequest(Request("", "<FileCategory>3</FileCategory>"),
                               ClinicalFileKind::kCheckups);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "FileCategory");
  std::string backwards = kYzkBody;
  backwards.replace(backwards.find("202601"), 6, "202612");
  r = ParseClinicalFileRequest(Request("", backwards), ClinicalFileKind::kDrugs);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "EndDate");
  r = ParseClinicalFileRequest("<XmlMsg><MessageHeader>", ClinicalFileKind::kDrugs);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "xml");
}

store::AuditEntry Entry(std::string action, std::string detail) {
  return {7,
          "2026-11-23T01:00:00Z",
          "facility:2710000015",
          std::move(action),
          5,
          std::move(detail),
          "",
          "h"};
}

TEST(ClinicalAccessLogTest, FacilitiesClinicalReadsAreListedWithTheConsentRelied) {
  auto r =
      ReadAccess(Entry("clinical.drugfile.read",
                       "consent=3 kind=pharmacists until=2026-11-24T01:00:00Z "
                       "via=terminal-file since=2026-01-01 until=2026-11-30 count=2 alerts=1"));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->method, "clinical");
  EXPECT_EQ(r->facility_code, "2710000015");
  ASSERT_EQ(r->consents.size(), 1u);
  EXPECT_EQ(r->consents[0].kind, "pharmacists");
  EXPECT_EQ(r->consents[0].flag, "1");
  EXPECT_EQ(AccessMethodLabel(*r), "薬剤情報の閲覧（資格確認端末）");
  // Two consents relied on (diagnosis and operation); store names mapped to
  // the portal's.
  r = ReadAccess(Entry("clinical.procedures.read",
                       "consent=1 kind=diagnosis until=x consent=2 kind=operation until=y"));
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->consents.size(), 2u);
  EXPECT_EQ(r->consents[1].kind, "operation");
  r = ReadAccess(Entry("clinical.checkups.read", "consent=4 kind=checkups until=x count=1"));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->consents[0].kind, "specificHealthCheckups");
  // A check without consent still read the history (to find the duplicate).
  r = ReadAccess(Entry("clinical.prescription.check", "consent=none duplicates=1 interactions=0"));
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->consents.empty());
  // Refusals and submissions read nothing of the person's.
  EXPECT_FALSE(ReadAccess(Entry("clinical.medicines.refused", "no consent")).has_value());
  EXPECT_FALSE(ReadAccess(Entry("clinical.visit.submit", "visit=1")).has_value());
}

}  // namespace
}  // namespace onshi::service
