// Helpers shared by the intake tests.
#ifndef ONSHI_TESTS_INTAKE_TEST_UTIL_HPP_
#define ONSHI_TESTS_INTAKE_TEST_UTIL_HPP_

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "intake/submission_reader.hpp"

namespace onshi::intake::testing {

// A directory of one test's own, under the test temp directory, removed with
// everything in it when the test ends (issue 21: the tests wrote fixed names
// into the shared temporary folder and left them there).
class TestDir {
 public:
  TestDir() {
    std::string pattern = ::testing::TempDir() + "/onshi-intake-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    path_ = pattern;
  }
  ~TestDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TestDir(const TestDir&) = delete;
  TestDir& operator=(const TestDir&) = delete;

  // Writes `bytes` to a file named `name` in this directory; returns its path.
  std::string Write(const std::string& name, const std::string& bytes) const {
    const std::string path = path_ + "/" + name;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return path;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

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
