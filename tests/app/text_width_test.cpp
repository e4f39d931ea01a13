// Issue 19: the demo's scenario table counted bytes, so each Japanese title
// pushed its row's columns right. Full-width characters are two columns.
#include "app/text_width.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>

namespace onshi::app {
namespace {

TEST(TextWidthTest, FullWidthCountsTwo) {
  EXPECT_EQ(DisplayWidth(""), 0u);
  EXPECT_EQ(DisplayWidth("abc"), 3u);
  EXPECT_EQ(DisplayWidth("記号"), 4u);
  EXPECT_EQ(DisplayWidth("資格確認書 (R-DOC-1)"), 10u + 10u);
  EXPECT_EQ(DisplayWidth("ｶﾅ"), 2u);    // half-width katakana: one each
  EXPECT_EQ(DisplayWidth("ＡＢ"), 4u);  // full-width Latin
  EXPECT_EQ(DisplayWidth("→"), 1u);
  EXPECT_EQ(PadRight("番号", 6), "番号  ");
  EXPECT_EQ(PadRight("toolong", 3), "toolong");
}

// The demo's table as populate prints it: the insurer column starts at the
// same terminal column on every row.
TEST(TextWidthTest, PopulateScenarioTableIsAligned) {
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("onshi-width-" + std::to_string(::getpid())))
          .string();
  std::filesystem::create_directories(dir);
  const std::string cmd = std::string(ONSHI_BINARY) +
                          " populate --members 300 --scenarios --quiet --db " + dir + "/t.db 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0)
    out.append(buf.data(), n);
  ASSERT_EQ(::pclose(p), 0) << out;
  std::filesystem::remove_all(dir);
  std::istringstream lines(out.substr(out.find("Demo scenarios")));
  std::string line;
  std::getline(lines, line);
  std::getline(lines, line);  // the heading
  const size_t at = line.find("insurer");
  ASSERT_NE(at, std::string::npos) << line;
  const size_t column = DisplayWidth(line.substr(0, at));
  int rows = 0;
  while (std::getline(lines, line)) {
    if (line.rfind("      →", 0) == 0 || line.empty()) continue;
    // The insurer number starts where the heading's "insurer" does.
    size_t bytes = 0;
    while (bytes < line.size() && DisplayWidth(line.substr(0, bytes)) < column)
      ++bytes;
    ASSERT_LT(bytes, line.size()) << line;
    EXPECT_EQ(DisplayWidth(line.substr(0, bytes)), column) << line;
    EXPECT_EQ(line[bytes - 1], ' ') << line;
    EXPECT_NE(line[bytes], ' ') << line;
    ++rows;
  }
  EXPECT_GT(rows, 3);
}

}  // namespace
}  // namespace onshi::app
