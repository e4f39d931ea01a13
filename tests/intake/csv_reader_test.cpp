// SubmissionReader over CSV files (src/intake/submission_reader.hpp).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "intake/encoding.hpp"
#include "intake/submission_reader.hpp"
#include "oqs/charset.hpp"
#include "test_util.hpp"

namespace onshi::intake {
namespace {

using testing::Errors;
using testing::ReadAll;
using testing::ReadBody;
using testing::TestDir;
using V = std::vector<std::string>;

constexpr char kHeader[] =
    "submission_id,form,my_number,name,name_kana,birth_date,sex,postcode,address,symbol,number,"
    "branch,event_date,loss_reason,certificate_wanted,copay_percent";

// Every field and error of a record, so that two reads can be compared.
std::string Describe(const ReadRecord& r) {
  const RawSubmission& s = r.raw;
  std::string out = std::to_string(r.line) + ":";
  for (const std::string* f :
       {&s.submission_id, &s.form, &s.my_number, &s.name, &s.name_kana, &s.birth_date, &s.sex,
        &s.postcode, &s.address, &s.symbol, &s.number, &s.branch, &s.event_date, &s.loss_reason,
        &s.certificate_wanted, &s.copay_percent}) {
    out += "[" + *f + "]";
  }
  for (const FieldError& e : r.errors)
    out += " !" + std::to_string(e.line) + " " + e.field + " " + e.reason;
  return out;
}

std::vector<std::string> DescribeAll(const std::vector<ReadRecord>& records) {
  std::vector<std::string> out;
  for (const ReadRecord& r : records)
    out.push_back(Describe(r));
  return out;
}

TEST(CsvReaderTest, ReadsEveryColumn) {
  const std::string body = std::string(kHeader) +
                           "\nS001,acquisition,123456789018,山田　太郎,ヤマダ　タロウ,19800515,1,"
                           "100-0001,東京都千代田区千代田1-1,12,345,00,20250401,,1,30\n";
  Expected<SubmissionReader> reader = SubmissionReader::FromString(body, Format::kCsv);
  ASSERT_TRUE(reader.ok()) << reader.error().ToString();
  EXPECT_EQ(reader->format(), Format::kCsv);
  EXPECT_EQ(reader->encoding(), Encoding::kUtf8);
  EXPECT_TRUE(reader->unknown_columns().empty());
  SubmissionReader r = std::move(reader).value();
  const std::vector<ReadRecord> records = ReadAll(r);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(Describe(records[0]),
            "2:[S001][acquisition][123456789018][山田　太郎][ヤマダ　タロウ][19800515][1][100-0001]"
            "[東京都千代田区千代田1-1][12][345][00][20250401][][1][30]");
}

TEST(CsvReaderTest, LineNumbersSurviveQuotedLineBreaksAndBlankLines) {
  const std::string body =
      "submission_id,form,address\n"           // 1
      "S1,acquisition,\"東京都\n千代田区\"\n"  // 2-3
      "\n"                                     // 4: blank
      "S2,loss,\"a \"\"quoted\"\" b, c\"\n"    // 5
      ",,\n"                                   // 6: a spreadsheet's empty row
      "   \n"                                  // 7: spaces only
      "S3,change,x";                           // 8, no final line break
  const std::vector<ReadRecord> records = ReadBody(body, Format::kCsv);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].line, 2);
  EXPECT_EQ(records[0].raw.address, "東京都\n千代田区");
  EXPECT_EQ(records[1].line, 5);
  EXPECT_EQ(records[1].raw.address, "a \"quoted\" b, c");
  EXPECT_EQ(records[2].line, 8);
  EXPECT_EQ(records[2].raw.address, "x");
  for (const ReadRecord& r : records)
    EXPECT_TRUE(r.errors.empty()) << Describe(r);
}

TEST(CsvReaderTest, Crlf) {
  const std::string body =
      "submission_id,form,address\r\n"
      "S1,acquisition,\"東京都\r\n千代田区\"\r\n"
      "\r\n"
      "S2,loss,\"\"\r\n";
  const std::vector<ReadRecord> records = ReadBody(body, Format::kAuto);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(Describe(records[0]),
            "2:[S1][acquisition][][][][][][][東京都\r\n千代田区][][][][][][][]");
  EXPECT_EQ(Describe(records[1]), "5:[S2][loss][][][][][][][][][][][][][][]");
}

TEST(CsvReaderTest, ByteOrderMark) {
  const std::string body = "\xEF\xBB\xBFsubmission_id,form\r\nS1,loss\r\n";
  Expected<SubmissionReader> reader = SubmissionReader::FromString(body, Format::kAuto);
  ASSERT_TRUE(reader.ok()) << reader.error().ToString();
  EXPECT_EQ(reader->format(), Format::kCsv);
  EXPECT_EQ(reader->encoding(), Encoding::kUtf8);
  SubmissionReader r = std::move(reader).value();
  const std::vector<ReadRecord> records = ReadAll(r);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].raw.submission_id, "S1");
  EXPECT_EQ(r.bytes_read(), body.size());
}

// A CP932 file as Excel on Windows writes it: IBM extended kanji (髙, 﨑),
// NEC specials (①, ㈱) and the wave dash.
TEST(CsvReaderTest, ShiftJisFile) {
  const TestDir dir;  // removed at the end of the test
  const std::string utf8 =
      "受付番号,届出種別,氏名,フリガナ,住所\r\n"
      "S1,資格取得届,髙橋　﨑子,タカハシ　サキコ,東京都港区①番地 ㈱オンシ～寮\r\n"
      "S2,変更届,\"山﨑, 太郎\",ﾔﾏｻﾞｷ ﾀﾛｳ,大阪府\r\n";
  std::size_t replaced = 0;
  const std::string cp932 = oqs::Utf8ToCp932(utf8, &replaced);
  ASSERT_EQ(replaced, 0u);
  ASSERT_NE(cp932, utf8);
  for (std::size_t chunk : {std::size_t{1} << 20, std::size_t{7}}) {
    Expected<SubmissionReader> reader = SubmissionReader::OpenFile(
        dir.Write("sjis.csv", cp932), Format::kAuto, Encoding::kAuto, {.chunk_bytes = chunk});
    ASSERT_TRUE(reader.ok()) << reader.error().ToString();
    EXPECT_EQ(reader->encoding(), Encoding::kShiftJis);
    SubmissionReader r = std::move(reader).value();
    const std::vector<ReadRecord> records = ReadAll(r);
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(
        Describe(records[0]),
        "2:[S1][資格取得届][][髙橋　﨑子][タカハシ　サキコ][][][][東京都港区①番地 ㈱オンシ～寮]"
        "[][][][][][][]");
    EXPECT_EQ(Describe(records[1]),
              "3:[S2][変更届][][山﨑, 太郎][ﾔﾏｻﾞｷ ﾀﾛｳ][][][][大阪府][][][][][][][]");
    EXPECT_EQ(r.bytes_read(), cp932.size());
  }
  // The same bytes, the encoding given.
  EXPECT_EQ(ReadBody(cp932, Format::kCsv, Encoding::kShiftJis).size(), 2u);
}

TEST(CsvReaderTest, InvalidUtf8InOneLineDoesNotBlockTheNext) {
  const std::string header = "submission_id,form,name\n";
  const std::string body = header +
                           "S1,loss,山\xFF田\n"
                           "S2,loss,鈴木\n";
  const std::vector<ReadRecord> records = ReadBody(body, Format::kCsv, Encoding::kUtf8);
  ASSERT_EQ(records.size(), 2u);
  const std::size_t offset = header.size() + std::string("S1,loss,山").size();
  EXPECT_EQ(Errors(records[0]), V{"byte 0xFF at offset " + std::to_string(offset) +
                                  " of the file is not valid UTF-8 (column 3 name)"});
  EXPECT_EQ(records[0].raw.submission_id, "S1");  // the valid fields are kept
  EXPECT_EQ(records[0].raw.name, "");             // the bad one is not guessed at
  EXPECT_EQ(Describe(records[1]), "3:[S2][loss][][鈴木][][][][][][][][][][][][]");
}

TEST(CsvReaderTest, InvalidShiftJisInOneLineDoesNotBlockTheNext) {
  const std::string header = oqs::Utf8ToCp932("受付番号,届出種別,氏名\r\n");
  const std::string bad = "S1,loss,\x81\x20\r\n";  // a lead byte without its second byte
  const std::string good = oqs::Utf8ToCp932("S2,loss,髙橋\r\n");
  const std::vector<ReadRecord> records =
      ReadBody(header + bad + good, Format::kCsv, Encoding::kShiftJis);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(Errors(records[0]), V{"byte 0x81 at offset " + std::to_string(header.size() + 8) +
                                  " of the file is not valid Shift_JIS (column 3 氏名)"});
  EXPECT_EQ(records[0].raw.form, "loss");
  EXPECT_EQ(Describe(records[1]), "3:[S2][loss][][髙橋][][][][][][][][][][][][]");
}

TEST(CsvReaderTest, UnterminatedQuoteClosedByALaterQuote) {
  const std::string body =
      "submission_id,form,name\n"  // 1
      "S1,loss,\"山田\n"           // 2: the quote is never closed on its line
      "S2,loss,鈴木\n"             // 3
      "S3,loss,\"佐藤\"\n"         // 4: its opening quote ends line 2's field
      "S4,loss,高橋\n";            // 5
  const std::vector<ReadRecord> records = ReadBody(body, Format::kCsv);
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[0].line, 2);
  EXPECT_EQ(
      Errors(records[0]),
      V{"unexpected character after the closing quote of field 3 (a quote inside a quoted field "
        "is written \"\")"});
  EXPECT_EQ(Describe(records[1]), "3:[S2][loss][][鈴木][][][][][][][][][][][][]");
  EXPECT_EQ(Describe(records[2]), "4:[S3][loss][][佐藤][][][][][][][][][][][][]");
  EXPECT_EQ(Describe(records[3]), "5:[S4][loss][][高橋][][][][][][][][][][][][]");
}

TEST(CsvReaderTest, UnterminatedQuoteRunningToTheEnd) {
  const std::string body =
      "submission_id,form,name\n"
      "S1,loss,\"山田\n"
      "S2,loss,鈴木\n"
      "S3,loss,高橋";
  const std::vector<ReadRecord> records = ReadBody(body, Format::kCsv);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(
      Errors(records[0]),
      V{"unterminated quote: field 3 opens a quote that is not closed before the end of the file"});
  EXPECT_EQ(records[0].line, 2);
  EXPECT_EQ(Describe(records[1]), "3:[S2][loss][][鈴木][][][][][][][][][][][][]");
  EXPECT_EQ(Describe(records[2]), "4:[S3][loss][][高橋][][][][][][][][][][][][]");
}

TEST(CsvReaderTest, UnterminatedQuoteBeyondTheRecordLimit) {
  std::string body = "submission_id,form,name\nS0,loss,\"stray\n";
  for (int i = 1; i <= 50; ++i)
    body += "S" + std::to_string(i) + ",loss,name" + std::to_string(i) + "\n";
  const std::vector<ReadRecord> records =
      ReadBody(body, Format::kCsv, Encoding::kAuto, {.chunk_bytes = 16, .max_record_bytes = 100});
  ASSERT_EQ(records.size(), 51u);
  EXPECT_EQ(Errors(records[0]),
            V{"unterminated quote: field 3 opens a quote that is not closed within 100 bytes"});
  for (int i = 1; i <= 50; ++i) {
    EXPECT_EQ(records[i].line, i + 2);
    EXPECT_EQ(records[i].raw.name, "name" + std::to_string(i));
    EXPECT_TRUE(records[i].errors.empty());
  }
}

TEST(CsvReaderTest, StrayQuoteThatClosesCleanlyIsCaughtByTheFieldCount) {
  const std::string body =
      "submission_id,form,name\n"  // 1
      "S1,\"loss\n"                // 2: opens a quote...
      "S2,loss,ok\"\n"             // 3: ...that this line's last quote closes
      "S3,loss,y\n";               // 4
  const std::vector<ReadRecord> records = ReadBody(body, Format::kCsv);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].line, 2);
  EXPECT_EQ(
      Errors(records[0]),
      V{"expected 3 fields, found 2 in a record running to line 3 (is a quote missing its closing "
        "quote?); reading resumes at line 3"});
  EXPECT_EQ(Describe(records[1]), "3:[S2][loss][][ok\"][][][][][][][][][][][][]");
  EXPECT_EQ(Describe(records[2]), "4:[S3][loss][][y][][][][][][][][][][][][]");
}

TEST(CsvReaderTest, FieldCountMismatch) {
  const std::string body =
      "submission_id,form,name\n"
      "S1,loss\n"
      "S2,loss,a,b\n"
      "S3,loss,c\n";
  const std::vector<ReadRecord> records = ReadBody(body, Format::kCsv);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(Errors(records[0]), V{"expected 3 fields, found 2"});
  EXPECT_EQ(records[0].raw.submission_id, "S1");  // what is there is kept
  EXPECT_EQ(Errors(records[1]), V{"expected 3 fields, found 4"});
  EXPECT_TRUE(records[2].errors.empty());
  EXPECT_EQ(records[2].line, 4);
}

TEST(CsvReaderTest, RecordLongerThanTheLimit) {
  const std::string body = "submission_id,form\nS1," + std::string(300, 'x') + "\nS2,loss\n";
  const std::vector<ReadRecord> records =
      ReadBody(body, Format::kCsv, Encoding::kAuto, {.chunk_bytes = 32, .max_record_bytes = 64});
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(Errors(records[0]), V{"record longer than 64 bytes"});
  EXPECT_EQ(Describe(records[1]), "3:[S2][loss][][][][][][][][][][][][][][]");
}

TEST(CsvReaderTest, JapaneseHeaders) {
  const std::string body =
      "受付番号,届書種別,個人番号,氏名,フリガナ,生年月日,性別,郵便番号,住所,記号,番号,枝番,"
      "資格取得年月日,喪失事由,資格確認書交付希望,一部負担金割合\n"
      "S1,資格取得届,123456789018,山田　太郎,ヤマダ　タロウ,1980/05/15,男,1000001,東京都,12,345,1,"
      "2025-04-01,,○,30\n";
  Expected<SubmissionReader> reader = SubmissionReader::FromString(body, Format::kCsv);
  ASSERT_TRUE(reader.ok()) << reader.error().ToString();
  EXPECT_TRUE(reader->unknown_columns().empty());
  SubmissionReader r = std::move(reader).value();
  const std::vector<ReadRecord> records = ReadAll(r);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(Describe(records[0]),
            "2:[S1][資格取得届][123456789018][山田　太郎][ヤマダ　タロウ][1980/05/"
            "15][男][1000001][東京都]"
            "[12][345][1][2025-04-01][][○][30]");
}

TEST(CsvReaderTest, UnknownColumnsAreListedAndIgnored) {
  const std::string body =
      "submission_id,form,備考,,氏名（カナ）\n"
      "S1,loss,メモ,?,ヤマダ\n";
  Expected<SubmissionReader> reader = SubmissionReader::FromString(body, Format::kCsv);
  ASSERT_TRUE(reader.ok()) << reader.error().ToString();
  EXPECT_EQ(reader->unknown_columns(), (V{"備考", "(column 4)"}));
  SubmissionReader r = std::move(reader).value();
  const std::vector<ReadRecord> records = ReadAll(r);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(Describe(records[0]), "2:[S1][loss][][][ヤマダ][][][][][][][][][][][]");
}

TEST(CsvReaderTest, MissingRequiredColumnIsFatal) {
  Expected<SubmissionReader> r = SubmissionReader::FromString("form,name\nloss,x\n", Format::kCsv);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "submission_id");
  EXPECT_EQ(r.error().message, "line 1: the header has no submission_id (受付番号) column");

  r = SubmissionReader::FromString("\n受付番号,氏名\nS1,x\n", Format::kCsv);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "form");
  EXPECT_EQ(r.error().message, "line 2: the header has no form (届出種別) column");
}

TEST(CsvReaderTest, DuplicateColumnsAreFatal) {
  Expected<SubmissionReader> r =
      SubmissionReader::FromString("submission_id,form,年月日,資格取得年月日\n", Format::kCsv);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "event_date");
  EXPECT_EQ(r.error().message,
            "line 1: columns 3 (年月日) and 4 (資格取得年月日) are both event_date");
  EXPECT_FALSE(SubmissionReader::FromString("submission_id,form,FORM\n", Format::kCsv).ok());
}

TEST(CsvReaderTest, MalformedHeaderIsFatal) {
  Expected<SubmissionReader> r =
      SubmissionReader::FromString("submission_id,\"form\n", Format::kCsv);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("line 1: cannot read the header: unterminated quote"),
            std::string::npos)
      << r.error().message;
  r = SubmissionReader::FromString("submission_id,form,\xFF\n", Format::kCsv, Encoding::kUtf8);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "line 1: cannot read the header: byte 0xFF at offset 19 of the file is not valid UTF-8 "
            "(column 3)");
}

TEST(CsvReaderTest, EmptyInputAndHeaderOnly) {
  const TestDir dir;  // removed at the end of the test
  for (const std::string body :
       {"", "\n\r\n", "submission_id,form\r\n", "\xEF\xBB\xBFsubmission_id,form"}) {
    Expected<SubmissionReader> reader =
        SubmissionReader::OpenFile(dir.Write("empty.csv", body), Format::kAuto);
    ASSERT_TRUE(reader.ok()) << reader.error().ToString();
    EXPECT_EQ(reader->format(), Format::kCsv);
    SubmissionReader r = std::move(reader).value();
    EXPECT_TRUE(ReadAll(r).empty()) << body;
    EXPECT_EQ(r.bytes_read(), body.size());
    EXPECT_EQ(r.total_bytes(), body.size());
  }
}

// A body with every feature whose parsing depends on what is buffered:
// quoted line breaks, "" pairs, CRLF, multi-byte characters, errors.
std::string TrickyBody() {
  return "\xEF\xBB\xBF"
         "submission_id,form,name,address\r\n"
         "S1,acquisition,山田　太郎,\"東京都\r\n千代田区\"\r\n"
         "\r\n"
         "S2,loss,\"say \"\"hi\"\"\",\"\"\r\n"
         "S3,loss,bad\xFFname,x\r\n"
         "S4,loss,\"unclosed,x\r\n"
         "S5,loss,鈴木,\"a,b\"\r\n"
         "S6,change\r\n"
         ",,,\r\n"
         "S7,change,髙橋,\"\r\n\r\n\"\r\n"
         "S8,loss,\"end\"";
}

TEST(CsvReaderTest, ChunkBoundariesDoNotChangeTheResult) {
  const TestDir dir;  // removed at the end of the test
  const std::string body = TrickyBody();
  const std::vector<std::string> expected =
      DescribeAll(ReadBody(body, Format::kCsv, Encoding::kUtf8));
  ASSERT_EQ(expected.size(), 8u);
  EXPECT_EQ(expected[3].substr(0, 2), "7:");  // S4's stray quote: resumed on the next line
  EXPECT_EQ(expected[4].substr(0, 2), "8:");
  EXPECT_EQ(expected[6].substr(0, 3), "11:");
  EXPECT_EQ(expected[7].substr(0, 3), "14:");
  for (std::size_t chunk : {1, 2, 3, 5, 7, 13, 64}) {
    EXPECT_EQ(DescribeAll(ReadBody(body, Format::kCsv, Encoding::kUtf8, {.chunk_bytes = chunk})),
              expected)
        << "chunk " << chunk;
    Expected<SubmissionReader> reader = SubmissionReader::OpenFile(
        dir.Write("tricky.csv", body), Format::kAuto, Encoding::kUtf8, {.chunk_bytes = chunk});
    ASSERT_TRUE(reader.ok()) << reader.error().ToString();
    SubmissionReader r = std::move(reader).value();
    EXPECT_EQ(DescribeAll(ReadAll(r)), expected) << "file, chunk " << chunk;
  }
}

TEST(CsvReaderTest, RecordAcrossTheDefaultChunkBoundary) {
  const TestDir dir;  // removed at the end of the test
  // ~2.5 MiB of rows, so records straddle the 1 MiB chunk boundaries.
  std::string body = "submission_id,form,address\n";
  const int rows = 40000;
  for (int i = 0; i < rows; ++i) {
    body += "S" + std::to_string(i) + ",loss,\"東京都千代田区\n" + std::to_string(i) + "丁目\"\n";
  }
  Expected<SubmissionReader> reader =
      SubmissionReader::OpenFile(dir.Write("big.csv", body), Format::kAuto);
  ASSERT_TRUE(reader.ok()) << reader.error().ToString();
  SubmissionReader r = std::move(reader).value();
  int i = 0;
  uint64_t last_bytes = r.bytes_read();
  while (std::optional<ReadRecord> rec = r.Next()) {
    ASSERT_TRUE(rec->errors.empty()) << Describe(*rec);
    ASSERT_EQ(rec->line, 2 + 2 * i);
    ASSERT_EQ(rec->raw.submission_id, "S" + std::to_string(i));
    ASSERT_EQ(rec->raw.address, "東京都千代田区\n" + std::to_string(i) + "丁目");
    ASSERT_GT(r.bytes_read(), last_bytes);
    ASSERT_LE(r.bytes_read(), r.total_bytes());
    last_bytes = r.bytes_read();
    ++i;
  }
  EXPECT_EQ(i, rows);
  EXPECT_EQ(r.bytes_read(), body.size());
  EXPECT_EQ(r.total_bytes(), body.size());
}

TEST(CsvReaderTest, EncodingDetection) {
  auto detect = [](const std::string& body) {
    Expected<SubmissionReader> r = SubmissionReader::FromString(body, Format::kCsv);
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    return r.ok() ? r->encoding() : Encoding::kAuto;
  };
  EXPECT_EQ(detect("submission_id,form\nS1,loss\n"), Encoding::kUtf8);  // ASCII
  EXPECT_EQ(detect("受付番号,届出種別\nS1,資格喪失届\n"), Encoding::kUtf8);
  EXPECT_EQ(detect(oqs::Utf8ToCp932("受付番号,届出種別\nS1,資格喪失届\n")), Encoding::kShiftJis);

  // The 64 KiB sample ends inside a character: still UTF-8.
  std::string body = "submission_id,form,name\nS1,loss,";
  while (body.size() < 70000)
    body += "あ";
  ASSERT_NE((65536 - 32) % 3, 0);
  EXPECT_EQ(detect(body), Encoding::kUtf8);
  EXPECT_TRUE(LooksLikeUtf8("ab\xE3\x81", false));
  EXPECT_FALSE(LooksLikeUtf8("ab\xE3\x81", true));
  EXPECT_FALSE(LooksLikeUtf8("ab\xFF", false));

  // Shift_JIS asked for, but the file says UTF-8.
  EXPECT_FALSE(SubmissionReader::FromString("\xEF\xBB\xBFsubmission_id,form\n", Format::kCsv,
                                            Encoding::kShiftJis)
                   .ok());
}

TEST(CsvReaderTest, FormatDetection) {
  const TestDir dir;  // removed at the end of the test
  struct Case {
    const char* file;
    std::string body;
    Format format;
  };
  const std::string csv = "submission_id,form\nS1,loss\n";
  const std::string jsonl = "{\"submission_id\":\"S1\",\"form\":\"loss\"}\n";
  for (const Case& c : {
           Case{"a.csv", csv, Format::kCsv},
           Case{"A.CSV", csv, Format::kCsv},
           Case{"a.jsonl", jsonl, Format::kJsonLines},
           Case{"a.ndjson", jsonl, Format::kJsonLines},
           Case{"a.json", jsonl, Format::kJsonLines},
           Case{"a.txt", csv, Format::kCsv},
           Case{"a.txt", "\xEF\xBB\xBF \r\n\t" + jsonl, Format::kJsonLines},
           Case{"noext", jsonl, Format::kJsonLines},
       }) {
    Expected<SubmissionReader> reader = SubmissionReader::OpenFile(dir.Write(c.file, c.body));
    ASSERT_TRUE(reader.ok()) << c.file << ": " << reader.error().ToString();
    EXPECT_EQ(reader->format(), c.format) << c.file;
    SubmissionReader r = std::move(reader).value();
    const std::vector<ReadRecord> records = ReadAll(r);
    ASSERT_EQ(records.size(), 1u) << c.file;
    EXPECT_EQ(records[0].raw.form, "loss");
    EXPECT_TRUE(records[0].errors.empty()) << Describe(records[0]);
  }
  Expected<SubmissionReader> r = SubmissionReader::FromString(" \n" + jsonl, Format::kAuto);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->format(), Format::kJsonLines);
}

TEST(CsvReaderTest, FilesThatCannotBeOpened) {
  const TestDir dir;  // removed at the end of the test
  const std::string missing = dir.path() + "/no-such-file.csv";
  Expected<SubmissionReader> r = SubmissionReader::OpenFile(missing);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find(missing), std::string::npos) << r.error().message;
  const std::string folder = dir.path() + "/a-directory.csv";
  std::filesystem::create_directories(folder);
  r = SubmissionReader::OpenFile(folder);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find(folder), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace onshi::intake
