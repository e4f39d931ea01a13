// Helpers shared by the intake tests.
#ifndef ONSHI_TESTS_INTAKE_TEST_UTIL_HPP_
#define ONSHI_TESTS_INTAKE_TEST_UTIL_HPP_

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "intake/submission_reader.hpp"

namespace onshi::intake::testing {

// Writes `bytes` to a file named `name` under the test temp directory.
inline std::string WriteTempFile(const std::string& name, const std::string& bytes) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return path;
}

inline std::vector<ReadRecord> ReadAll(SubmissionReader& reader) {
  std::vector<ReadRecord> records;
  while (std::optional<ReadRecord> r = reader.Next())
    records.push_back(std::move(*r));
  EXPECT_FALSE(reader.Next().has_value());  // stays at the end
  return records;
}

// All records of `body`, which must open.
inline std::vector<ReadRecord> ReadBody(const std::string& body, Format format,
                                        Encoding encoding = Encoding::kAuto,
                                        const ReaderOptions& options = {}) {
  Expected<SubmissionReader> reader = SubmissionReader::FromString(body, format, encoding, options);
  EXPECT_TRUE(reader.ok()) << reader.error().ToString();
  if (!reader.ok()) return {};
  SubmissionReader r = std::move(reader).value();
  return ReadAll(r);
}

// "line: reason" of every error, for compact expectations.
inline std::vector<std::string> Errors(const ReadRecord& r) {
  std::vector<std::string> out;
  for (const FieldError& e : r.errors) {
    EXPECT_EQ(e.line, r.line);
    out.push_back((e.field.empty() ? "" : e.field + ": ") + e.reason);
  }
  return out;
}

}  // namespace onshi::intake::testing

#endif  // ONSHI_TESTS_INTAKE_TEST_UTIL_HPP_
