// Issue 19: the insurer's page showed `name: does not match the resident
// registry`. Every reason a form is refused or does not link gets a Japanese
// text and a code (intermediate/error_texts.hpp); these tests make real
// reasons the way the import does (the reader, then ReadSubmission) and
// fail on any that the table does not know, so a new reason without a
// Japanese text is noticed here, not by a clerk.
#include "intermediate/error_texts.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "core/submission.hpp"
#include "intake/submission_reader.hpp"
#include "intermediate/error_report.hpp"

namespace onshi::intermediate {
namespace {

// English prose: three lowercase ASCII letters in a row.
bool HasEnglish(const std::string& text) {
  return std::regex_search(text, std::regex("[a-z]{3}"));
}

// Every error of every record of `file` (reader and field checks) as the
// importer would report it.
std::vector<FieldError> ErrorsOf(const std::string& file, intake::Format format) {
  auto reader = intake::SubmissionReader::FromString(file, format);
  EXPECT_TRUE(reader.ok()) << reader.error().ToString();
  std::vector<FieldError> out;
  if (!reader.ok()) return out;
  while (auto rec = reader->Next()) {
    for (const FieldError& e : rec->errors)
      out.push_back(e);
    if (!rec->errors.empty()) continue;
    auto s = ReadSubmission(rec->raw, Date::FromYmd(2026, 11, 16));
    if (!s.ok()) {
      for (const FieldError& e : s.error())
        out.push_back(e);
    }
  }
  return out;
}

void ExpectAllKnownAndJapanese(const std::vector<FieldError>& errors, size_t at_least) {
  ASSERT_GE(errors.size(), at_least);
  for (const FieldError& e : errors) {
    const ErrorText t = JapaneseErrorText(e.field, e.reason);
    EXPECT_NE(t.code, "other") << "no Japanese text for " << e.field << ": " << e.reason;
    EXPECT_FALSE(HasEnglish(t.japanese)) << t.japanese << " (from " << e.reason << ")";
    EXPECT_FALSE(t.japanese.empty());
  }
}

TEST(ErrorTexts, TheRegistryMismatchOfThePageIsJapaneseWithItsCode) {
  const auto texts = JapaneseErrorTexts(
      "name: does not match the resident registry for this 個人番号; birth_date: does not match "
      "the resident registry for this 個人番号");
  ASSERT_EQ(texts.size(), 2u);
  EXPECT_EQ(texts[0].code, "registry_mismatch");
  EXPECT_EQ(texts[0].field, "name");
  EXPECT_EQ(texts[0].label, "氏名");
  EXPECT_EQ(texts[0].japanese, "氏名が住民基本台帳（この個人番号の方の登録内容）と一致しません");
  EXPECT_EQ(texts[1].label, "生年月日");
  // The linker stores a bare reason (no "field: ").
  const auto linker = JapaneseErrorTexts("the member of this submission no longer exists");
  ASSERT_EQ(linker.size(), 1u);
  EXPECT_EQ(linker[0].code, "member_gone");
}

TEST(ErrorTexts, EveryFieldCheckOfACsvLineHasAJapaneseText) {
  const std::string header =
      "submission_id,form,my_number,name,name_kana,birth_date,sex,postcode,address,symbol,number,"
      "branch,event_date,loss_reason,certificate_wanted,copay_percent\n";
  const std::string lines =
      ",acquisition,123456789018,山田　太郎,ヤマダ　タロウ,19800505,1,100-0001,東京,1,2,00,"
      "20261101,,0,\n"
      "A "
      "1,acquisition,123456789018,山田　太郎,ヤマダ　タロウ,19800505,1,100-0001,東京,1,2,00,"
      "20261101,,0,\n"
      "A2,nonsense,123456789018,山田　太郎,ヤマダ　タロウ,19800505,1,100-0001,東京,1,2,00,20261101,"
      ",0,\n"
      "A3,acquisition,123456789019,,ヤマダ　タロウ,1980-13-45,3,1000,東京,1,2,00,20261101,07,x,15\n"
      "A4,acquisition,12345,山田　太郎,yamada,20270101,1,100-0001,,1,,,,,0,\n"
      "A5,loss,123456789018,山田　太郎,ヤマダ　タロウ,19800505,1,100-0001,東京,1,2,00,19700101,,0,"
      "\n"
      "A6,acquisition,123456789018,山田　太郎,ヤマダ　タロウ,19800505,1,100-0001,東京,1,2,00,"
      "20291101,01,0,\n"
      "A7,benefits,,,,19800505,,,,1,2,00,20261101,,,\n"
      "A8,change,123456789018,山田　太郎,ヤマダ　タロウ,19800505,1,100-0001,東京,1,2,00,20261101,,"
      "0,30\n"
      "A9,acquisition,1234567890a8,山田　太郎,ヤマダ　タロウ,19800505,1,100-0001,東京,1,2,1x,"
      "20261101,,0,\n"
      "B1,acquisition,too,many,fields,here,1,2,3,4,5,6,7,8,9,10,11,12\n"
      "B2,acquisition,\"unterminated,1\n";
  ExpectAllKnownAndJapanese(ErrorsOf(header + lines, intake::Format::kCsv), 20);
}

TEST(ErrorTexts, EveryReadingErrorOfAJsonLinesFileHasAJapaneseText) {
  const std::string file =
      "{\"submission_id\":\"J1\",\"form\":\"acquisition\",\"bogus\":\"1\"}\n"
      "{\"submission_id\":\"J2\",\"submission_id\":\"J3\"}\n"
      "[1,2]\n"
      "{\"submission_id\":{\"a\":1}}\n"
      "{\"submission_id\":\"J4\"} trailing\n"
      "{not json\n";
  ExpectAllKnownAndJapanese(ErrorsOf(file, intake::Format::kJsonLines), 6);
}

// An unknown reason is never hidden: it is quoted inside a Japanese sentence.
TEST(ErrorTexts, AnUnknownReasonIsQuotedNotDropped) {
  const ErrorText t = JapaneseErrorText("address", "something new went wrong");
  EXPECT_EQ(t.code, "other");
  EXPECT_NE(t.japanese.find("住所に誤りがあります"), std::string::npos);
  EXPECT_NE(t.japanese.find("something new went wrong"), std::string::npos);
}

}  // namespace
}  // namespace onshi::intermediate
