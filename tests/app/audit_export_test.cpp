// Issue 19: `onshi audit export` — the audit entries of a period, by person
// or facility, as CSV or JSON lines (there was no way to get them out but
// SQL).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <regex>
#include <string>

namespace {

namespace fs = std::filesystem;

std::string Onshi(const std::string& args, int* code) {
  const std::string cmd = std::string(ONSHI_BINARY) + " " + args + " 2>/dev/null";
  FILE* p = ::popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0)
    out.append(buf.data(), n);
  const int status = ::pclose(p);
  *code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

TEST(AuditExportTest, ByPeriodPersonAndFormat) {
  const fs::path dir =
      fs::temp_directory_path() / ("onshi-audit-export-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string db = " --db " + (dir / "t.db").string();
  int rc = 0;
  Onshi("populate --members 50 --today 2026-11-16 --quiet" + db, &rc);
  ASSERT_EQ(rc, 0);
  // A 転居 of person 1 on the 17th (JST), recorded by 新宿区's window.
  Onshi(
      "registry event --person-id 1 --kind moved --date 2026-11-17 --municipality 131041 "
      "--address 東京都新宿区西新宿2-8-1 --now 2026-11-17T10:00:00+09:00" +
          db,
      &rc);
  ASSERT_EQ(rc, 0);

  std::string out = Onshi("audit export --from 2026-11-17 --to 2026-11-17" + db, &rc);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_EQ(out.rfind("seq,at,actor,action,person_id,detail\n", 0), 0u) << out;
  EXPECT_NE(out.find(",municipal:131041,"), std::string::npos) << out;
  const std::string jsonl =
      Onshi("audit export --from 2026-11-17 --to 2026-11-17 --person 1 --format jsonl" + db, &rc);
  ASSERT_EQ(rc, 0);
  EXPECT_NE(jsonl.find("\"actor\":\"municipal:131041\""), std::string::npos) << jsonl;
  EXPECT_NE(jsonl.find("\"person_id\":1,"), std::string::npos) << jsonl;
  // Another person, another day, another facility: not there.
  out = Onshi("audit export --from 2026-11-17 --to 2026-11-17 --person 2 --format jsonl" + db, &rc);
  EXPECT_EQ(out, "");
  out = Onshi("audit export --from 2026-11-18 --to 2026-12-31 --format jsonl" + db, &rc);
  EXPECT_EQ(out.find("municipal:131041"), std::string::npos) << out;
  out = Onshi(
      "audit export --from 2026-11-17 --to 2026-11-17 --facility 1310000011 --format jsonl" + db,
      &rc);
  EXPECT_EQ(out, "");
  // Never a My Number (12 digits in a row) in an export.
  EXPECT_FALSE(std::regex_search(jsonl, std::regex("[0-9]{12}"))) << jsonl;
  // Usage: --to before --from.
  Onshi("audit export --from 2026-11-18 --to 2026-11-17" + db, &rc);
  EXPECT_EQ(rc, 2);
  fs::remove_all(dir);
}

}  // namespace
