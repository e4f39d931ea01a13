// The data behind the portal's medical pages (portal_medical.hpp; issue 18,
// R-PORT-1, R-PORT-4): the 医療費 lines and their CSV for the 医療費控除, the
// 特定健診 chart, the year asked. Before this the pages did not exist (the
// navigation said 準備中).
#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "service/portal_medical.hpp"

namespace onshi::service {
namespace {

store::VisitRecord Visit(const std::string& facility, int y, int m, int d, CareSetting s,
                         int64_t total, int64_t paid) {
  store::VisitRecord v;
  v.facility_code = facility;
  v.date = Date::FromYmd(y, m, d);
  v.setting = s;
  v.total_cost_yen = total;
  v.paid_yen = paid;
  return v;
}

// 1310000011 is a 医科 code (点数表 1), 1340000015 a pharmacy's (点数表 4).
const std::map<std::string, std::string> kNames = {{"1310000011", "オンシ内科, 本院"},
                                                   {"1340000015", "オンシ薬局"}};

std::vector<ExpenseLine> Lines() {
  return ExpenseLines({Visit("1310000011", 2026, 3, 2, CareSetting::kOutpatient, 10000, 3000),
                       Visit("1310000011", 2026, 3, 16, CareSetting::kOutpatient, 5000, 1500),
                       Visit("1340000015", 2026, 3, 2, CareSetting::kOutpatient, 4000, 1200),
                       Visit("1310000011", 2026, 3, 20, CareSetting::kInpatient, 300000, 80430),
                       Visit("1310000011", 2026, 1, 9, CareSetting::kOutpatient, 2000, 600)},
                      kNames);
}

TEST(PortalMedicalTest, ExpenseLinesAreByMonthFacilityAndCategory) {
  const auto lines = Lines();
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].month, Date::FromYmd(2026, 1, 1));
  // March at the clinic: 外来 twice (two days) apart from 入院.
  const ExpenseLine& out = lines[1].category == "外来" ? lines[1] : lines[2];
  EXPECT_EQ(out.facility_code, "1310000011");
  EXPECT_EQ(out.days, 2);
  EXPECT_EQ(out.total_cost_yen, 15000);
  EXPECT_EQ(out.paid_yen, 4500);
  EXPECT_EQ(out.deduction_kind, "診療・治療");
  // The pharmacy's line is 調剤, 医薬品購入 on the 明細書.
  EXPECT_EQ(lines[3].category, "調剤");
  EXPECT_EQ(lines[3].deduction_kind, "医薬品購入");
  EXPECT_EQ(lines[3].facility_name, "オンシ薬局");
}

TEST(PortalMedicalTest, CsvHasTheBomTheDeductionColumnsCrlfAndQuoting) {
  const std::string csv = ExpenseCsv(Lines(), "山田　太郎");
  ASSERT_EQ(csv.substr(0, 3), "\xEF\xBB\xBF");
  const size_t eol = csv.find("\r\n");
  EXPECT_EQ(csv.substr(3, eol - 3),
            "医療を受けた方の氏名,受診年月,医療機関等名,医療機関等コード,区分,医療費の区分,日数,"
            "医療費の総額,支払った医療費の額,補填される金額");
  // One line per ExpenseLine, each ended by CRLF, no bare LF.
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 5);
  EXPECT_EQ(csv.find("\n"), eol + 1);
  EXPECT_EQ(std::regex_search(csv, std::regex("[^\r]\n")), false);
  // The facility name with a comma is quoted; the amounts are plain numbers.
  EXPECT_NE(csv.find("山田　太郎,2026年3月,\"オンシ内科, 本院\",1310000011,入院,診療・治療,1,"
                     "300000,80430,\r\n"),
            std::string::npos)
      << csv;
  EXPECT_NE(csv.find(",オンシ薬局,1340000015,調剤,医薬品購入,1,4000,1200,\r\n"), std::string::npos);
}

TEST(PortalMedicalTest, ChartPlotsEachYearHigherValuesHigherWithTheGuidanceLine) {
  const std::vector<CheckupPoint> points = {{Date::FromYmd(2024, 6, 3), 5.4},
                                            {Date::FromYmd(2025, 6, 2), 5.9},
                                            {Date::FromYmd(2026, 6, 1), 5.7}};
  const std::string svg = CheckupChartSvg("c1", "HbA1c（NGSP値）", "%", points, 5.6);
  EXPECT_EQ(svg.rfind("<svg id=\"c1\"", 0), 0u);
  EXPECT_NE(svg.find("role=\"img\""), std::string::npos);
  EXPECT_NE(svg.find("<desc id=\"c1-d\">2024年6月 5.4%、2025年6月 5.9%、2026年6月 5.7%</desc>"),
            std::string::npos)
      << svg;
  EXPECT_EQ(svg.find("style="), std::string::npos) << "the CSP forbids inline style";
  std::vector<double> xs, ys;
  const std::regex circle("<circle class=\"point\" cx=\"([0-9.]+)\" cy=\"([0-9.]+)\"");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), circle); it != std::sregex_iterator();
       ++it) {
    xs.push_back(std::stod((*it)[1]));
    ys.push_back(std::stod((*it)[2]));
  }
  ASSERT_EQ(xs.size(), 3u);
  EXPECT_LT(xs[0], xs[1]);
  EXPECT_LT(xs[1], xs[2]);
  // SVG y grows downwards: 5.9 is highest, 5.4 lowest.
  EXPECT_LT(ys[1], ys[2]);
  EXPECT_LT(ys[2], ys[0]);
  std::smatch g;
  ASSERT_TRUE(
      std::regex_search(svg, g, std::regex("class=\"guidance\" x1=\"40\" y1=\"([0-9.]+)\"")));
  const double gy = std::stod(g[1]);
  EXPECT_LT(gy, ys[0]);  // 5.6 above 5.4
  EXPECT_GT(gy, ys[2]);  // and below 5.7
  EXPECT_NE(svg.find(">2024年</text>"), std::string::npos);
}

TEST(PortalMedicalTest, YearOfQuery) {
  EXPECT_EQ(YearOfQuery("/portal/expenses", 2026), 2026);
  EXPECT_EQ(YearOfQuery("/portal/expenses?year=2025", 2026), 2025);
  EXPECT_EQ(YearOfQuery("/portal/expenses.csv?x=1&year=2024", 2026), 2024);
  EXPECT_EQ(YearOfQuery("/portal/expenses?year=2027", 2026), std::nullopt);
  EXPECT_EQ(YearOfQuery("/portal/expenses?year=20x5", 2026), std::nullopt);
  EXPECT_EQ(YearOfQuery("/portal/expenses?year=20255", 2026), std::nullopt);
}

}  // namespace
}  // namespace onshi::service
