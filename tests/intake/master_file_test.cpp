// Master files (intake/master_file.hpp, issue 18): formats, line-numbered
// errors, Shift_JIS, and nothing to store from a file with any bad line.
#include "intake/master_file.hpp"

#include <gtest/gtest.h>

namespace onshi::intake {
namespace {

TEST(MasterFile, ReadsADrugMasterInUtf8WithABom) {
  const MasterFile f =
      ParseMasterFile(MasterKind::kDrugs,
                      "\xEF\xBB\xBFyj_code,name,unit\n2171022F1029,ノルバスク錠２．５ｍｇ,錠\n\n"
                      "9990001F1010,\"試験薬Ａ錠, 架空\",錠\n");
  ASSERT_TRUE(f.errors.empty()) << f.errors[0].reason;
  ASSERT_EQ(f.drugs.size(), 2u);
  EXPECT_EQ(f.drugs[0].name, "ノルバスク錠２．５ｍｇ");
  EXPECT_EQ(f.drugs[1].name, "試験薬Ａ錠, 架空");
}

TEST(MasterFile, ReadsShiftJis) {
  // "ノルバスク錠" and "錠" in CP932, CRLF line ends.
  const MasterFile f = ParseMasterFile(
      MasterKind::kDrugs,
      "yj_code,name,unit\r\n2171022F1029,\x83m\x83\x8B\x83o\x83X\x83N\x8F\xF9,\x8F\xF9\r\n");
  ASSERT_TRUE(f.errors.empty()) << f.errors[0].reason;
  ASSERT_EQ(f.drugs.size(), 1u);
  EXPECT_EQ(f.drugs[0].name, "ノルバスク錠");
  EXPECT_EQ(f.drugs[0].unit, "錠");
}

TEST(MasterFile, EveryBadLineIsNamedByItsLineNumber) {
  const MasterFile f = ParseMasterFile(MasterKind::kDrugs,
                                       "yj_code,name,unit\n"
                                       "2171022F1029,ノルバスク,錠\n"  // line 2: fine
                                       "217102F1029,短い,錠\n"         // line 3: shape
                                       "2171022F1029,二度目,錠\n"      // line 4: twice
                                       "9990001F1010,,錠\n"            // line 5: no name
                                       "9990002F1010,三列目なし\n");   // line 6: columns
  ASSERT_EQ(f.errors.size(), 4u);
  EXPECT_EQ(f.errors[0].line, 3);
  EXPECT_EQ(f.errors[0].field, "yj_code");
  EXPECT_EQ(f.errors[1].line, 4);
  EXPECT_EQ(f.errors[2].line, 5);
  EXPECT_EQ(f.errors[2].field, "name");
  EXPECT_EQ(f.errors[3].line, 6);
}

TEST(MasterFile, TheHeaderIsRequired) {
  const MasterFile f = ParseMasterFile(MasterKind::kDiseases, "9990001,病名\n");
  ASSERT_EQ(f.errors.size(), 1u);
  EXPECT_EQ(f.errors[0].line, 1);
  EXPECT_TRUE(ParseMasterFile(MasterKind::kDiseases, "").errors.size() == 1u);
}

TEST(MasterFile, ProceduresNeedANineDigitCodeAndASectionLetter) {
  const MasterFile f = ParseMasterFile(MasterKind::kProcedures,
                                       "code,name,section\n199000410,手術,K\n19900041,短い,K\n"
                                       "199000510,区分なし,Z\n");
  ASSERT_EQ(f.procedures.size(), 1u);
  EXPECT_EQ(f.procedures[0].section, "K");
  ASSERT_EQ(f.errors.size(), 2u);
  EXPECT_EQ(f.errors[0].line, 3);
  EXPECT_EQ(f.errors[1].field, "section");
}

TEST(MasterFile, InteractionsAreOrderFreePairsWithASeverity) {
  const MasterFile f = ParseMasterFile(MasterKind::kInteractions,
                                       "ingredient_a,ingredient_b,severity,message\n"
                                       "9990001,9990002,併用禁忌,理由\n"
                                       "9990002,9990001,caution,同じ組の逆順\n"
                                       "9990001,9990001,caution,自分自身\n"
                                       "9990003,9990004,maybe,重さ不明\n");
  ASSERT_EQ(f.interactions.size(), 1u);
  EXPECT_EQ(f.interactions[0].severity, InteractionSeverity::kContraindicated);
  ASSERT_EQ(f.errors.size(), 3u);
  EXPECT_EQ(f.errors[0].line, 3);  // the same pair, reversed
  EXPECT_EQ(f.errors[1].line, 4);
  EXPECT_EQ(f.errors[2].field, "severity");
}

TEST(MasterFile, BytesValidInNeitherEncodingAreRefused) {
  const MasterFile f = ParseMasterFile(MasterKind::kDiseases, "code,name\n9990001,\x81\x7F\xFF\n");
  ASSERT_EQ(f.errors.size(), 1u);
  EXPECT_EQ(f.errors[0].line, 2);
}

}  // namespace
}  // namespace onshi::intake
