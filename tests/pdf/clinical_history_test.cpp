// The 薬剤情報 / 特定健診情報 PDFs of a FileCategory 1 request
// (terminal-protocol.md §6.6; issue 18): a long history runs over several
// A4 pages, each with the patient at the top, the table's column headers
// and "n / m"; the newest course comes first; the alert box names both
// prescriptions; the 特定健診 shows each examination with its items and
// 保健指導判定値; nothing overflows at the longest names; each page renders
// (pdftoppm) to a page with ink on it. Before this, FileCategory 1 was
// refused and no such document existed.
#include <cairo.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <regex>
#include <string>

#include "pdf/clinical_history.hpp"
#include "pdf/page.hpp"
#include "pdf_text.hpp"

namespace onshi::pdf {
namespace {

namespace fs = std::filesystem;
using testing_pdf::Shell;
using testing_pdf::Squeeze;

class ClinicalHistoryPdfTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("clinical-pdf-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::vector<Page>& pages, const std::string& name) {
    const std::string path = (dir_ / (name + ".pdf")).string();
    PdfWriter w(path);
    for (const Page& p : pages)
      w.Add(p);
    w.Finish();
    return path;
  }
  std::string PageText(const std::string& pdf, int page) {
    return Squeeze(Shell("pdftotext -layout -enc UTF-8 -f " + std::to_string(page) + " -l " +
                         std::to_string(page) + " '" + pdf + "' -"));
  }

  fs::path dir_;
};

HistoryHeader Header() {
  HistoryHeader h;
  h.name = "青木　一郎";
  h.name_kana = "アオキ　イチロウ";
  h.birth_date = Date::FromYmd(1980, 5, 5);
  h.sex = Sex::kMale;
  h.issued_at = "令和8年11月23日 10時00分";
  h.facility = "霞が関薬局（2710000015）";
  h.period = "2026/01/01 〜 2026/12/31";
  return h;
}

MedicineLine Course(Date date, std::string kind, std::string facility, std::string code,
                    std::string drug, std::string yj, int days) {
  return {date,
          std::move(kind),
          std::move(facility),
          std::move(code),
          std::move(drug),
          std::move(yj),
          "1",
          "錠",
          days};
}

// 60 courses, a week apart, newest first as the service orders them.
DrugHistoryFields LongHistory() {
  DrugHistoryFields f;
  f.header = Header();
  const Date newest = Date::FromYmd(2026, 11, 23);
  for (int i = 0; i < 60; ++i) {
    f.lines.push_back(
        Course(newest.AddDays(-7 * i), i % 2 ? "処方" : "調剤",
               i % 2 ? "霞が関内科クリニック" : "霞が関薬局", i % 2 ? "1310000011" : "2710000015",
               i % 3 ? "ノルバスク錠２．５ｍｇ" : "アムロジピン錠２．５ｍｇ「サワイ」",
               i % 3 ? "2171022F1029" : "2171022F1243", 7));
  }
  DrugAlertLine a;
  a.label = "重複投薬";
  a.course = f.lines[0];
  a.other = f.lines[1];
  a.overlap_days = 14;
  a.message = "同一成分の薬が複数の医療機関から処方・調剤されており、服用期間が重なります";
  f.alerts.push_back(a);
  a.label = "併用禁忌";
  a.message = "併用しないこと";
  f.alerts.push_back(a);
  return f;
}

TEST_F(ClinicalHistoryPdfTest, LongDrugHistoryRunsOverPagesWithHeadersRepeatedAndNumbered) {
  const DrugHistoryFields f = LongHistory();
  const std::vector<Page> pages = DrugHistory(f);
  ASSERT_GE(pages.size(), 3u) << "60 rows of 9 mm do not fit two A4 pages";
  const std::string pdf = Write(pages, "yzk");
  const std::string info = Shell("pdfinfo '" + pdf + "'");
  EXPECT_TRUE(
      std::regex_search(info, std::regex("Pages:\\s+" + std::to_string(pages.size()) + "\n")))
      << info;
  const std::string total = std::to_string(pages.size());
  for (size_t p = 1; p <= pages.size(); ++p) {
    SCOPED_TRACE("page " + std::to_string(p));
    const std::string text = PageText(pdf, static_cast<int>(p));
    for (const char* v :
         {"薬剤情報", "青木一郎様", "昭和55年5月5日", "1980/05/05", "日付", "医療機関・薬局",
          "薬剤名（YJコード）", "数量", "日数", "令和8年11月23日10時00分"}) {
      EXPECT_NE(text.find(Squeeze(v)), std::string::npos) << "missing: " << v << "\n" << text;
    }
    EXPECT_NE(text.find(std::to_string(p) + "/" + total), std::string::npos) << text;
    // R-CARD-7: no 12-digit number (a My Number) in the text as laid out.
    const std::string raw = Shell("pdftotext -layout -enc UTF-8 -f " + std::to_string(p) + " -l " +
                                  std::to_string(p) + " '" + pdf + "' -");
    EXPECT_FALSE(std::regex_search(raw, std::regex("(^|[^0-9])[0-9]{12}([^0-9]|$)"))) << raw;
  }
  // Newest first: the first row is the newest course, the oldest is on the last page.
  const std::string first = PageText(pdf, 1), last = PageText(pdf, static_cast<int>(pages.size()));
  const size_t table = first.find("日数");
  EXPECT_NE(first.find("2026/11/23", table), std::string::npos) << first;
  EXPECT_EQ(first.find(SlashDate(f.lines.back().date)), std::string::npos);
  EXPECT_NE(last.find(SlashDate(f.lines.back().date)), std::string::npos) << last;
  // Every course is somewhere, each drug with its YJ code.
  std::string all = Squeeze(Shell("pdftotext -layout -enc UTF-8 '" + pdf + "' -"));
  for (const MedicineLine& m : f.lines) {
    EXPECT_NE(all.find(SlashDate(m.date)), std::string::npos) << SlashDate(m.date);
  }
  for (const char* v :
       {"ノルバスク錠２．５ｍｇ", "2171022F1029", "アムロジピン錠２．５ｍｇ「サワイ」",
        "2171022F1243", "1310000011", "1錠", "7日"}) {
    EXPECT_NE(all.find(Squeeze(v)), std::string::npos) << v;
  }
}

TEST_F(ClinicalHistoryPdfTest, AlertBoxNamesBothPrescriptionsAboveTheTable) {
  const std::string pdf = Write(DrugHistory(LongHistory()), "alerts");
  const std::string text = PageText(pdf, 1);
  for (const char* v :
       {"重複投薬・併用禁忌等の注意（2件）", "【重複投薬】", "【併用禁忌】", "相手：",
        "霞が関内科クリニック2026/11/16処方7日分", "霞が関薬局2026/11/23調剤7日分",
        "服用期間の重なり14日", "併用しないこと"}) {
    EXPECT_NE(text.find(Squeeze(v)), std::string::npos) << "missing: " << v << "\n" << text;
  }
  // The box comes before the table's first row.
  EXPECT_LT(text.find("【重複投薬】"), text.find("薬剤名（YJコード）"));
  EXPECT_EQ(PageText(pdf, 2).find("【重複投薬】"), std::string::npos);
}

TEST_F(ClinicalHistoryPdfTest, CheckupsByExaminationWithItemsAndReferenceValues) {
  CheckupHistoryFields f;
  f.header = Header();
  f.header.period.clear();
  f.exams.push_back({Date::FromYmd(2026, 6, 1),
                     {{"HbA1c（NGSP値）", "3D046000001906202", "5.9", "%", "5.6 以上", true},
                      {"HDLコレステロール", "3F070000002327101", "55", "mg/dL", "40 未満", false},
                      {"尿糖", "1A020000000190111", "陰性", "", "", false}}});
  f.exams.push_back({Date::FromYmd(2025, 6, 2),
                     {{"HbA1c（NGSP値）", "3D046000001906202", "5.4", "%", "5.6 以上", false}}});
  const std::vector<Page> pages = CheckupHistory(f);
  ASSERT_EQ(pages.size(), 1u);
  const std::string text = PageText(Write(pages, "tkk"), 1);
  for (const char* v : {"特定健診情報", "青木一郎様", "令和8年6月1日（2026/06/01）受診",
                        "令和7年6月2日（2025/06/02）受診", "HbA1c（NGSP値）", "＊5.9", "5.6以上",
                        "HDLコレステロール", "40未満", "陰性", "保健指導判定値", "1/1"}) {
    EXPECT_NE(text.find(Squeeze(v)), std::string::npos) << "missing: " << v << "\n" << text;
  }
  EXPECT_LT(text.find("2026/06/01"), text.find("2025/06/02")) << "newest examination first";
  EXPECT_EQ(text.find("＊5.4"), std::string::npos);
}

TEST_F(ClinicalHistoryPdfTest, NothingOverflowsAtTheLongestNames) {
  DrugHistoryFields f = LongHistory();
  const std::string facility = "医療法人社団霞が関会　霞が関駅前内科・小児科クリニック";
  const std::string drug = "アムロジピンＯＤ錠２．５ｍｇ「トーワ」";
  for (MedicineLine* m : {&f.lines[0], &f.alerts[0].course, &f.alerts[0].other}) {
    m->facility = facility;
    m->drug_name = drug;
    m->quantity = "1.5";
    m->days = 90;
  }
  f.header.name = "勅使河原　左衛門三郎兵衛之介";
  f.header.facility = facility + "（1310000011）";
  for (const Page& p : DrugHistory(f)) {
    for (const Overflow& o : p.overflows()) {
      ADD_FAILURE() << "「" << o.text << "」 overflows box " << o.box;
    }
  }
}

TEST_F(ClinicalHistoryPdfTest, EveryPageRendersToAnA4ImageWithInk) {
  const std::vector<Page> pages = DrugHistory(LongHistory());
  const std::string pdf = Write(pages, "render");
  const std::string stem = (dir_ / "p").string();
  Shell("pdftoppm -r 50 -gray -png '" + pdf + "' '" + stem + "'");
  int rendered = 0;
  for (const auto& entry : fs::directory_iterator(dir_)) {
    if (entry.path().extension() != ".png") continue;
    ++rendered;
    cairo_surface_t* s = cairo_image_surface_create_from_png(entry.path().c_str());
    ASSERT_EQ(cairo_surface_status(s), CAIRO_STATUS_SUCCESS) << entry.path();
    EXPECT_NEAR(cairo_image_surface_get_width(s), 413, 2);  // 210 mm at 50 dpi
    EXPECT_NEAR(cairo_image_surface_get_height(s), 585, 2);
    cairo_surface_flush(s);
    const int stride = cairo_image_surface_get_stride(s);
    const unsigned char* data = cairo_image_surface_get_data(s);
    const cairo_format_t format = cairo_image_surface_get_format(s);
    int64_t dark = 0;
    for (int y = 0; y < cairo_image_surface_get_height(s); ++y) {
      for (int x = 0; x < cairo_image_surface_get_width(s); ++x) {
        unsigned v = 0;
        if (format == CAIRO_FORMAT_A8) {
          v = data[y * stride + x];
        } else {
          const uint32_t p = reinterpret_cast<const uint32_t*>(data + y * stride)[x];
          v = ((p >> 16) & 0xff);
        }
        dark += v < 128 ? 1 : 0;
      }
    }
    // A table page has thousands of dark pixels; a blank one none.
    EXPECT_GT(dark, 2000) << entry.path();
    cairo_surface_destroy(s);
  }
  EXPECT_EQ(rendered, static_cast<int>(pages.size()));
}

}  // namespace
}  // namespace onshi::pdf
