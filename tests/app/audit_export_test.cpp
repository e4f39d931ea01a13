// Issue 19: `onshi audit export` — the audit entries of a period, by person
// or facility, as CSV or JSON lines (there was no way to get them out but
// SQL).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <regex>
#include <string>

#include "service/check_log.hpp"

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
  // With --check-log: the checks audited in that log (issue 20), merged by
  // time, and a column saying which chain each entry is in. Person 1 was
  // checked by a clinic before and after the window's 転居 (10:00 JST).
  const fs::path log = dir / "check-log";
  {
    auto checks = onshi::service::CheckLog::Open(log.string());
    for (const char* at : {"2026-11-17T00:30:00Z", "2026-11-17T02:00:00Z"}) {
      checks->Append({0, at, "facility:1310000011", "eligibility.search", 1,
                      "照会区分=2 result=found", "", ""});
    }
    checks->Append({0, "2026-11-17T03:00:00Z", "facility:1310000011", "eligibility.search", 2,
                    "照会区分=2 result=found", "", ""});
  }
  const std::string with_log = " --check-log " + log.string();
  out = Onshi("audit export --from 2026-11-17 --to 2026-11-17 --person 1" + with_log + db, &rc);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_EQ(out.rfind("seq,at,actor,action,person_id,detail,log\n", 0), 0u) << out;
  const size_t first = out.find("2026-11-17T00:30:00Z,facility:1310000011,eligibility.search,1,");
  const size_t moved = out.find(",municipal:131041,");
  const size_t second = out.find("2026-11-17T02:00:00Z,facility:1310000011,eligibility.search,1,");
  ASSERT_NE(first, std::string::npos) << out;
  ASSERT_NE(moved, std::string::npos) << out;
  ASSERT_NE(second, std::string::npos) << out;
  EXPECT_LT(first, moved);  // by time, across the two chains
  EXPECT_LT(moved, second);
  EXPECT_NE(out.find(",check-log\n", first), std::string::npos) << out;
  EXPECT_EQ(out.find("eligibility.search,2,"), std::string::npos) << out;  // another person
  out =
      Onshi("audit export --from 2026-11-17 --to 2026-11-17 --facility 1310000011 --format jsonl" +
                with_log + db,
            &rc);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 3) << out;
  EXPECT_NE(out.find("\"person_id\":2,"), std::string::npos) << out;
  EXPECT_NE(out.find("\"log\":\"check-log\"}"), std::string::npos) << out;
  out = Onshi("audit export --from 2026-11-18 --to 2026-11-18" + with_log + db, &rc);
  EXPECT_EQ(out.find("eligibility.search"), std::string::npos) << out;
  Onshi(
      "audit export --from 2026-11-17 --to 2026-11-17 --check-log " + (dir / "none").string() + db,
      &rc);
  EXPECT_EQ(rc, 3);
  // Usage: --to before --from.
  Onshi("audit export --from 2026-11-18 --to 2026-11-17" + db, &rc);
  EXPECT_EQ(rc, 2);
  fs::remove_all(dir);
}

}  // namespace
