// SubmissionReader over JSON lines (src/intake/submission_reader.hpp,
// src/intake/json_line.hpp).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "intake/columns.hpp"
#include "intake/submission_reader.hpp"
#include "test_util.hpp"

namespace onshi::intake {
namespace {

using testing::Errors;
using testing::ReadAll;
using testing::ReadBody;
using testing::TestDir;
using V = std::vector<std::string>;

std::vector<ReadRecord> Read(const std::string& body, const ReaderOptions& options = {}) {
  return ReadBody(body, Format::kJsonLines, Encoding::kAuto, options);
}

TEST(JsonLinesTest, GoodLines) {
  const std::string body =
      "{\"submission_id\":\"S1\",\"form\":\"acquisition\",\"my_number\":\"123456789018\","
      "\"name\":\"山田　太郎\",\"name_kana\":\"ヤマダ　タロウ\",\"birth_date\":\"19800515\","
      "\"sex\":\"1\","
      "\"postcode\":\"100-0001\",\"address\":\"東京都\\n千代田区\",\"symbol\":\"12\",\"number\":"
      "\"345\","
      "\"branch\":\"00\",\"event_date\":\"20250401\",\"loss_reason\":\"\",\"certificate_wanted\":"
      "\"1\","
      "\"copay_percent\":\"30\"}\r\n"
      "\r\n"
      "   \n"
      "{ \"submission_id\" : \"S2\" , \"form\" : \"\\u8cc7\\u683c\\u55aa\\u5931\\u5c4a\", "
      "\"name\": \"\\u9ad9\\u6a4b\" }";
  const std::vector<ReadRecord> records = Read(body);
  ASSERT_EQ(records.size(), 2u);
  const RawSubmission& a = records[0].raw;
  EXPECT_EQ(records[0].line, 1);
  EXPECT_TRUE(records[0].errors.empty());
  EXPECT_EQ(a.submission_id, "S1");
  EXPECT_EQ(a.form, "acquisition");
  EXPECT_EQ(a.my_number, "123456789018");
  EXPECT_EQ(a.name, "山田　太郎");
  EXPECT_EQ(a.name_kana, "ヤマダ　タロウ");
  EXPECT_EQ(a.birth_date, "19800515");
  EXPECT_EQ(a.sex, "1");
  EXPECT_EQ(a.postcode, "100-0001");
  EXPECT_EQ(a.address, "東京都\n千代田区");
  EXPECT_EQ(a.symbol, "12");
  EXPECT_EQ(a.number, "345");
  EXPECT_EQ(a.branch, "00");
  EXPECT_EQ(a.event_date, "20250401");
  EXPECT_EQ(a.loss_reason, "");
  EXPECT_EQ(a.certificate_wanted, "1");
  EXPECT_EQ(a.copay_percent, "30");
  EXPECT_EQ(records[1].line, 4);
  EXPECT_TRUE(records[1].errors.empty());
  EXPECT_EQ(records[1].raw.form, "資格喪失届");
  EXPECT_EQ(records[1].raw.name, "髙橋");
}

// Every key of a RawSubmission once on one line (37 of them since the
// benefits keys, issue 14): none is taken for a repeat of another. The mask
// of keys seen was 32 bits wide, so the 33rd key and later were shifted out.
TEST(JsonLinesTest, EveryKeyOnceIncludingTheBenefitsKeys) {
  std::string line = "{";
  for (const NamedField& f : RawFields()) {
    if (line.size() > 1) line += ",";
    line += "\"" + std::string(f.name) + "\":\"v-" + std::string(f.name) + "\"";
  }
  line += "}\n";
  const std::vector<ReadRecord> records = Read(line);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_TRUE(records[0].errors.empty()) << Errors(records[0]).front();
  for (const NamedField& f : RawFields()) {
    EXPECT_EQ(records[0].raw.*f.field, "v-" + std::string(f.name));
  }
  EXPECT_EQ(records[0].raw.disease_self_pay, "v-disease_self_pay");
  // A benefits key given twice is still refused.
  const auto twice = Read("{\"disease_self_pay\":\"10000\",\"disease_self_pay\":\"20000\"}\n");
  ASSERT_EQ(twice.size(), 1u);
  EXPECT_EQ(Errors(twice[0]),
            V{"disease_self_pay: key \"disease_self_pay\" appears more than once"});
}

TEST(JsonLinesTest, NumbersBooleansAndNullBecomeText) {
  const std::vector<ReadRecord> records = Read(
      "{\"submission_id\":\"S1\",\"my_number\":123456789018,\"copay_percent\":30,"
      "\"certificate_wanted\":true,\"branch\":null,\"sex\":2.0,\"birth_date\":19800515}\n"
      "{\"submission_id\":\"S2\",\"certificate_wanted\":false,\"number\":-1.5e3}\n");
  ASSERT_EQ(records.size(), 2u);
  const RawSubmission& a = records[0].raw;
  EXPECT_TRUE(records[0].errors.empty());
  EXPECT_EQ(a.my_number, "123456789018");
  EXPECT_EQ(a.copay_percent, "30");
  EXPECT_EQ(a.certificate_wanted, "1");
  EXPECT_EQ(a.branch, "");
  EXPECT_EQ(a.sex, "2.0");  // as written, for the core to judge
  EXPECT_EQ(a.birth_date, "19800515");
  EXPECT_EQ(records[1].raw.certificate_wanted, "0");
  EXPECT_EQ(records[1].raw.number, "-1.5e3");
}

TEST(JsonLinesTest, UnknownAndDuplicateKeysAndNestedValues) {
  const std::vector<ReadRecord> records = Read(
      "{\"submission_id\":\"S1\",\"nmae\":\"x\",\"form\":\"loss\",\"Name\":1}\n"
      "{\"submission_id\":\"S2\",\"name\":\"a\",\"name\":\"b\"}\n"
      "{\"submission_id\":\"S3\",\"name\":{\"family\":\"山田\"},\"address\":[\"a\",[1]],\"form\":"
      "\"loss\"}\n");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(Errors(records[0]), (V{"unknown key \"nmae\"", "unknown key \"Name\""}));
  EXPECT_EQ(records[0].raw.submission_id, "S1");
  EXPECT_EQ(records[0].raw.form, "loss");
  EXPECT_EQ(Errors(records[1]), V{"name: key \"name\" appears more than once"});
  EXPECT_EQ(records[1].raw.name, "a");
  EXPECT_EQ(Errors(records[2]),
            (V{"name: expected a string, number, true/false or null, found an object",
               "address: expected a string, number, true/false or null, found an array"}));
  EXPECT_EQ(records[2].raw.name, "");
  EXPECT_EQ(records[2].raw.form, "loss");
}

TEST(JsonLinesTest, LinesThatAreNotObjects) {
  const std::vector<ReadRecord> records = Read(
      "[1,2]\n"
      "\"S1\"\n"
      "42\n"
      "null\n"
      "{\"submission_id\":\"S1\",\n"
      "{\"submission_id\":\"S1\"} {}\n"
      "{\"submission_id\":\"S9\"}\n");
  ASSERT_EQ(records.size(), 7u);
  EXPECT_EQ(Errors(records[0]), V{"a line must hold one JSON object, found an array"});
  EXPECT_EQ(Errors(records[1]), V{"a line must hold one JSON object, found a string"});
  EXPECT_EQ(Errors(records[2]), V{"a line must hold one JSON object, found a number"});
  EXPECT_EQ(Errors(records[3]), V{"a line must hold one JSON object, found null"});
  ASSERT_EQ(records[4].errors.size(), 1u);
  EXPECT_EQ(records[4].errors[0].reason.rfind("invalid JSON: ", 0), 0u)
      << records[4].errors[0].reason;
  ASSERT_EQ(records[5].errors.size(), 1u);
  EXPECT_EQ(records[5].errors[0].reason.rfind("invalid JSON: ", 0), 0u)
      << records[5].errors[0].reason;
  EXPECT_EQ(records[6].line, 7);
  EXPECT_TRUE(records[6].errors.empty());
  EXPECT_EQ(records[6].raw.submission_id, "S9");
}

TEST(JsonLinesTest, EscapesAreDecodedAndLoneSurrogatesRejected) {
  const std::vector<ReadRecord> records = Read(
      "{\"name\":\"\\ud842\\udfb7\\u91ce\\t\\\"\"}\n"
      "{\"name\":\"\\ud800\"}\n"
      "{\"name\":\"\\udc00\"}\n");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_TRUE(records[0].errors.empty());
  EXPECT_EQ(records[0].raw.name, "𠮷野\t\"");
  EXPECT_EQ(records[1].errors.size(), 1u);
  EXPECT_EQ(records[2].errors.size(), 1u);
}

TEST(JsonLinesTest, InvalidUtf8InOneLineDoesNotBlockTheNext) {
  const std::string first = "{\"submission_id\":\"S1\"}\n";
  const std::string body = first + "{\"name\":\"山\xE5\x80田\"}\n{\"submission_id\":\"S3\"}\n";
  const std::vector<ReadRecord> records = Read(body);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(Errors(records[1]), V{"byte 0xE5 at offset " + std::to_string(first.size() + 12) +
                                  " of the file is not valid UTF-8"});
  EXPECT_EQ(records[2].raw.submission_id, "S3");
  EXPECT_EQ(records[2].line, 3);
}

TEST(JsonLinesTest, ByteOrderMarkAndShiftJis) {
  const std::string body = "\xEF\xBB\xBF{\"submission_id\":\"S1\"}\n";
  EXPECT_EQ(Read(body).at(0).raw.submission_id, "S1");
  Expected<SubmissionReader> r =
      SubmissionReader::FromString(body, Format::kJsonLines, Encoding::kShiftJis);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "JSON lines files are always UTF-8; Shift_JIS is only read in CSV");
}

TEST(JsonLinesTest, LineLongerThanTheLimit) {
  const std::string body =
      "{\"name\":\"" + std::string(200, 'x') + "\"}\n{\"submission_id\":\"S2\"}\n";
  const std::vector<ReadRecord> records = Read(body, {.chunk_bytes = 16, .max_record_bytes = 64});
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(Errors(records[0]), V{"line longer than 64 bytes"});
  EXPECT_EQ(records[1].line, 2);
  EXPECT_EQ(records[1].raw.submission_id, "S2");
}

TEST(JsonLinesTest, ChunkBoundariesAndProgress) {
  const TestDir dir;  // removed at the end of the test
  std::string body;
  for (int i = 0; i < 20; ++i) {
    body += "{\"submission_id\":\"S" + std::to_string(i) + "\",\"name\":\"髙橋　" +
            std::to_string(i) + "\"}\r\n";
    if (i % 5 == 0) body += "\n";
  }
  for (std::size_t chunk : {1, 3, 7, 1 << 20}) {
    Expected<SubmissionReader> reader = SubmissionReader::OpenFile(
        dir.Write("chunks.jsonl", body), Format::kAuto, Encoding::kAuto, {.chunk_bytes = chunk});
    ASSERT_TRUE(reader.ok()) << reader.error().ToString();
    SubmissionReader r = std::move(reader).value();
    EXPECT_EQ(r.total_bytes(), body.size());
    int64_t line = 1;
    for (int i = 0; i < 20; ++i) {
      std::optional<ReadRecord> rec = r.Next();
      ASSERT_TRUE(rec.has_value());
      EXPECT_TRUE(rec->errors.empty());
      EXPECT_EQ(rec->line, line) << "chunk " << chunk;
      EXPECT_EQ(rec->raw.name, "髙橋　" + std::to_string(i));
      EXPECT_LE(r.bytes_read(), r.total_bytes());
      line += i % 5 == 0 ? 2 : 1;
    }
    EXPECT_FALSE(r.Next().has_value());
    EXPECT_EQ(r.bytes_read(), r.total_bytes());
  }
}

TEST(JsonLinesTest, EmptyInput) {
  EXPECT_TRUE(Read("").empty());
  EXPECT_TRUE(Read("\n \r\n").empty());
}

}  // namespace
}  // namespace onshi::intake
