// CsvSplitter: RFC 4180 records out of a byte buffer (src/intake/csv.hpp).
#include "intake/csv.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace onshi::intake {
namespace {

using Result = CsvSplitter::Result;

std::vector<std::string> Fields(const CsvRecord& r) {
  return std::vector<std::string>(r.fields.begin(), r.fields.end());
}

using V = std::vector<std::string>;

TEST(CsvSplitterTest, PlainFieldsAndEmptyOnes) {
  CsvSplitter s;
  CsvRecord r;
  ASSERT_EQ(s.Split("a,b,,d\nnext", false, &r), Result::kRecord);
  EXPECT_EQ(Fields(r), (V{"a", "b", "", "d"}));
  EXPECT_EQ(r.bytes, 7u);
  EXPECT_EQ(r.line_breaks, 1);

  ASSERT_EQ(s.Split(",\n", true, &r), Result::kRecord);
  EXPECT_EQ(Fields(r), (V{"", ""}));
  ASSERT_EQ(s.Split("\n", true, &r), Result::kRecord);
  EXPECT_EQ(Fields(r), (V{""}));
}

TEST(CsvSplitterTest, QuotedFields) {
  CsvSplitter s;
  CsvRecord r;
  ASSERT_EQ(s.Split("\"a,b\",\"say \"\"hi\"\"\",\"\",x\n", true, &r), Result::kRecord);
  EXPECT_EQ(Fields(r), (V{"a,b", "say \"hi\"", "", "x"}));
  EXPECT_EQ(r.line_breaks, 1);
}

TEST(CsvSplitterTest, UnescapedFieldsPointIntoTheBuffer) {
  CsvSplitter s;
  CsvRecord r;
  const std::string_view data = "abc,\"def\"\n";
  ASSERT_EQ(s.Split(data, true, &r), Result::kRecord);
  EXPECT_EQ(r.fields[0].data(), data.data());
  EXPECT_EQ(r.fields[1].data(), data.data() + 5);
}

TEST(CsvSplitterTest, EmbeddedLineBreaksAreCounted) {
  CsvSplitter s;
  CsvRecord r;
  const std::string data = "1,\"東京都\n千代田区\r\n1-1\",x\nnext\n";
  ASSERT_EQ(s.Split(data, true, &r), Result::kRecord);
  EXPECT_EQ(Fields(r), (V{"1", "東京都\n千代田区\r\n1-1", "x"}));
  EXPECT_EQ(r.line_breaks, 3);
  EXPECT_EQ(data.substr(r.bytes), "next\n");
}

TEST(CsvSplitterTest, CrlfAndBareCr) {
  CsvSplitter s;
  CsvRecord r;
  ASSERT_EQ(s.Split("a,b\r\n", true, &r), Result::kRecord);
  EXPECT_EQ(Fields(r), (V{"a", "b"}));
  EXPECT_EQ(r.bytes, 5u);
  ASSERT_EQ(s.Split("\"a\",\"b\"\r\nx", false, &r), Result::kRecord);
  EXPECT_EQ(Fields(r), (V{"a", "b"}));
  EXPECT_EQ(r.bytes, 9u);
  // A CR that does not end the record is data.
  ASSERT_EQ(s.Split("a\rb,c\n", true, &r), Result::kRecord);
  EXPECT_EQ(Fields(r), (V{"a\rb", "c"}));
}

TEST(CsvSplitterTest, FinalLineWithoutLineBreak) {
  CsvSplitter s;
  CsvRecord r;
  ASSERT_EQ(s.Split("a,b", true, &r), Result::kRecord);
  EXPECT_EQ(Fields(r), (V{"a", "b"}));
  EXPECT_EQ(r.bytes, 3u);
  EXPECT_EQ(r.line_breaks, 0);
  ASSERT_EQ(s.Split("a,\"b\"", true, &r), Result::kRecord);
  EXPECT_EQ(Fields(r), (V{"a", "b"}));
  ASSERT_EQ(s.Split("a,", true, &r), Result::kRecord);
  EXPECT_EQ(Fields(r), (V{"a", ""}));
  ASSERT_EQ(s.Split("a,b\r", true, &r), Result::kRecord);
  EXPECT_EQ(Fields(r), (V{"a", "b"}));
}

TEST(CsvSplitterTest, QuoteInsideAnUnquotedFieldIsData) {
  CsvSplitter s;
  CsvRecord r;
  ASSERT_EQ(s.Split("ab\"c,d\"\n", true, &r), Result::kRecord);
  EXPECT_EQ(Fields(r), (V{"ab\"c", "d\""}));
}

TEST(CsvSplitterTest, NeedsMoreWhenTheRecordIsCut) {
  CsvSplitter s;
  CsvRecord r;
  for (std::string_view cut :
       {"a,b", "a,\"b", "a,\"b\"", "a,\"b\"\"", "a,\"b\r\n", "a,b\r", "a,"}) {
    EXPECT_EQ(s.Split(cut, false, &r), Result::kNeedMore) << cut;
  }
}

TEST(CsvSplitterTest, UnterminatedQuote) {
  CsvSplitter s;
  CsvRecord r;
  ASSERT_EQ(s.Split("a,\"b\nc,d\n", true, &r), Result::kError);
  EXPECT_NE(r.error.find("unterminated quote"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("field 2"), std::string::npos) << r.error;
}

TEST(CsvSplitterTest, CharactersAfterClosingQuote) {
  CsvSplitter s;
  CsvRecord r;
  ASSERT_EQ(s.Split("a,\"b\"c,d\n", true, &r), Result::kError);
  EXPECT_NE(r.error.find("after the closing quote of field 2"), std::string::npos) << r.error;
  ASSERT_EQ(s.Split("\"b\" ,d\n", true, &r), Result::kError);
  ASSERT_EQ(s.Split("\"b\"\rx\n", true, &r), Result::kError);
}

TEST(CsvSplitterTest, RecordsLongerThanTheLimitAreErrors) {
  CsvSplitter s(16);
  CsvRecord r;
  // Fits: 16 bytes, line break included.
  ASSERT_EQ(s.Split("0123456789,abcd\nmore", false, &r), Result::kRecord);
  ASSERT_EQ(s.Split("0123456789,abcdef\n", false, &r), Result::kError);
  EXPECT_NE(r.error.find("longer than 16 bytes"), std::string::npos) << r.error;
  ASSERT_EQ(s.Split("a,\"0123456789abcdef\"\n", false, &r), Result::kError);
  EXPECT_NE(r.error.find("not closed within 16 bytes"), std::string::npos) << r.error;
  // Below the limit a cut record still asks for more.
  EXPECT_EQ(s.Split("a,\"0123", false, &r), Result::kNeedMore);
}

}  // namespace
}  // namespace onshi::intake
