// 被保険者資格申立書 pre-filled from what staff entered at the terminal
// (issue 17: "blank and pre-filled from what the terminal recorded";
// R-FAC-7): `onshi terminal record --via statement --print FILE`.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "process_util.hpp"

namespace {

namespace fs = std::filesystem;
using onshi::testing::Sh;

TEST(DeclarationPrint, TheStatementRecordedAtTheTerminalPrintsPreFilled_RFAC7) {
  const fs::path dir = fs::temp_directory_path() / ("onshi-decl-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string record = std::string(ONSHI_BINARY) + " terminal record --dir " + dir.string() +
                             " --code 1310000011 --insurer 06139992 --symbol 1 --number 1001 "
                             "--branch 00 --birthdate 19800515 --date 20261203 "
                             "--now 2026-12-03T10:00:00+09:00 ";
  int rc = 0;
  std::string out = Sh(record +
                           "--via statement --name '山田 太郎' --kana 'ヤマダ タロウ' "
                           "--address '東京都千代田区千代田１－１' --facility-name 試験クリニック "
                           "--print " +
                           (dir / "s.pdf").string() + " 2>&1",
                       &rc);
  ASSERT_EQ(rc, 0) << out;
  const std::string text = Sh("pdftotext -layout " + (dir / "s.pdf").string() + " - 2>&1", &rc);
  ASSERT_EQ(rc, 0) << text;
  for (const char* want : {"被保険者資格申立書", "山田 太郎", "ヤマダ タロウ",
                           "東京都千代田区千代田１－１", "06139992", "1001", "1310000011",
                           "試験クリニック", "昭和55年5月15日", "令和8年12月3日", "障害時"}) {
    EXPECT_NE(text.find(want), std::string::npos) << want << " not in:\n" << text;
  }
  // The blank form has none of it.
  out = Sh(std::string(ONSHI_BINARY) + " documents form declaration --out " +
               (dir / "blank.pdf").string() + " 2>&1",
           &rc);
  ASSERT_EQ(rc, 0) << out;
  const std::string blank = Sh("pdftotext -layout " + (dir / "blank.pdf").string() + " -");
  EXPECT_EQ(blank.find("山田"), std::string::npos);
  EXPECT_EQ(blank.find("1310000011"), std::string::npos);
  // Printing is for the 申立書 only.
  out = Sh(record + "--via notice --print " + (dir / "n.pdf").string() + " 2>&1", &rc);
  EXPECT_EQ(rc, 2) << out;
  EXPECT_FALSE(fs::exists(dir / "n.pdf"));
  fs::remove_all(dir);
}

}  // namespace
