// `onshi forms` run more than once against one database (issue 15): each run
// used to start again at 受付番号 F000000001, 番号 00000001 and the seed's first
// My Number, so a second file reused the first one's ids (and, with the same
// seed, could not even add its residents). Now every run gives new
// residents, new 受付番号 and new 記号・番号, and both files import whole.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "process_util.hpp"

namespace {

namespace fs = std::filesystem;
using onshi::testing::Sh;

const std::string kBin = ONSHI_BINARY;

struct FormsFile {
  std::set<std::string> ids, keys, my_numbers;  // keys: 記号・番号
  size_t lines = 0;
};

FormsFile Read(const fs::path& path) {
  FormsFile f;
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream s(line);
    for (std::string c; std::getline(s, c, ',');)
      cells.push_back(c);
    if (cells.size() < 12) continue;  // a quoted comma never reaches these columns
    f.ids.insert(cells[0]);
    f.my_numbers.insert(cells[2]);
    f.keys.insert(cells[9] + "・" + cells[10]);
    ++f.lines;
  }
  return f;
}

template <class T>
bool Disjoint(const std::set<T>& a, const std::set<T>& b) {
  for (const T& x : a)
    if (b.count(x)) return false;
  return true;
}

class FormsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("onshi-forms-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = (dir_ / "t.db").string();
    Run("insurer add --number 06139992 --name オンシ健康保険組合 --lag 2");
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Run(const std::string& args, int expect = 0) {
    int rc = 0;
    const std::string out = Sh(kBin + " " + args + " --db " + db_ + " 2>&1", &rc);
    EXPECT_EQ(rc, expect) << args << "\n" << out;
    return out;
  }
  std::string Forms(const std::string& name, const std::string& extra) {
    const std::string path = (dir_ / name).string();
    Run("forms --persons 40 --bad-per-mille 0 --today 2026-11-16 --out " + path + extra);
    return path;
  }
  std::string Import(const std::string& path) {
    return Run("import " + path + " --insurer 06139992 --quiet --now 2026-11-16T10:00:00+09:00");
  }

  fs::path dir_;
  std::string db_;
};

TEST_F(FormsTest, TwoRunsGiveDisjointResidentsIdsAndNumbersAndBothImportWhole) {
  const FormsFile first = Read(Forms("a.csv", ""));
  const FormsFile same_seed = Read(Forms("b.csv", ""));
  const FormsFile other_seed = Read(Forms("c.csv", " --seed 2"));
  for (const FormsFile* f : {&first, &same_seed, &other_seed}) {
    ASSERT_EQ(f->lines, 40u);
    EXPECT_EQ(f->ids.size(), 40u);
    EXPECT_EQ(f->keys.size(), 40u);
    EXPECT_EQ(f->my_numbers.size(), 40u);
  }
  for (const FormsFile* f : {&same_seed, &other_seed}) {
    EXPECT_TRUE(Disjoint(first.ids, f->ids));
    EXPECT_TRUE(Disjoint(first.keys, f->keys));
    EXPECT_TRUE(Disjoint(first.my_numbers, f->my_numbers));
  }
  EXPECT_TRUE(Disjoint(same_seed.ids, other_seed.ids));
  EXPECT_TRUE(Disjoint(same_seed.keys, other_seed.keys));
  // All three files into one insurer: every line is a new member.
  for (const char* name : {"a.csv", "b.csv", "c.csv"}) {
    const std::string out = Import((dir_ / name).string());
    EXPECT_NE(out.find("40 queued for linkage, 0 already received, 0 rejected"), std::string::npos)
        << name << "\n"
        << out;
  }
}

TEST_F(FormsTest, WithAnInsurerItsIdsFromAnySourceAreSkipped) {
  // One resident and its form; the next run would number on from 2.
  Run("forms --persons 1 --bad-per-mille 0 --today 2026-11-16 --out " +
      (dir_ / "one.csv").string());
  std::ifstream in(dir_ / "one.csv");
  std::string header, line;
  std::getline(in, header);
  std::getline(in, line);
  // Filed by hand under the 受付番号 the next run would give first, and the
  // 記号・番号 it would give second.
  std::vector<std::string> cells;
  std::stringstream s(line);
  for (std::string c; std::getline(s, c, ',');)
    cells.push_back(c);
  ASSERT_EQ(cells.size(), 15u) << line;
  cells[0] = "F000000002";
  cells[10] = "00000003";
  std::string edited;
  for (const std::string& c : cells)
    edited += (edited.empty() ? "" : ",") + c;
  std::ofstream(dir_ / "hand.csv") << header << "\n" << edited << "\n";
  EXPECT_NE(Import((dir_ / "hand.csv").string()).find("1 queued"), std::string::npos);

  const FormsFile f = Read(Forms("f.csv", " --insurer 06139992"));
  EXPECT_EQ(f.ids.count("F000000002"), 0u);
  EXPECT_EQ(f.keys.count(cells[9] + "・00000003"), 0u);
  EXPECT_EQ(f.lines, 40u);
  EXPECT_NE(Import((dir_ / "f.csv").string())
                .find("40 queued for linkage, 0 already received, 0 rejected"),
            std::string::npos);
}

}  // namespace
