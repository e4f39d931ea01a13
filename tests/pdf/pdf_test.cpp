// The documents on paper: every field's value is in the PDF's text
// (pdftotext), each layout looks like its reference image (pdftoppm at
// 50 dpi, grey, compared pixel by pixel within a small tolerance), pages have
// their paper size (pdfinfo), and no value overflows its box.
//
// The reference images are tests/pdf/reference/*.png. After an intended
// change of layout, regenerate them with ONSHI_UPDATE_PDF_REFERENCES=1 and
// look at every one before committing.
#include <cairo.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "pdf/forms.hpp"
#include "pdf/page.hpp"
#include "pdf_text.hpp"

namespace onshi::pdf {
namespace {

using testing_pdf::Shell;
using testing_pdf::Squeeze;

namespace fs = std::filesystem;

Date D(const char* iso) {
  return *Date::ParseIso(iso);
}

MemberFields Aoki() {
  MemberFields m;
  m.insurer_number = "06139992";
  m.insurer_name = "オンシ健康保険組合";
  m.symbol = "10";
  m.number = "1001";
  m.branch = "00";
  m.name = "青木　一郎";
  m.name_kana = "アオキ　イチロウ";
  m.birth_date = D("1980-05-05");
  m.sex = Sex::kMale;
  m.acquired = D("2015-04-01");
  m.postcode = "100-0013";
  m.address = "東京都千代田区霞が関一丁目２番３号　霞が関ハイツ１０１号室";
  m.copay_percent = 30;
  return m;
}

MemberFields Dependent() {
  MemberFields m = Aoki();
  m.branch = "01";
  m.name = "青木　花子";
  m.sex = Sex::kFemale;
  m.birth_date = D("2019-05-01");  // 令和元年
  m.dependent = true;
  m.insured_name = "青木　一郎";
  m.copay_percent = 20;
  return m;
}

// The longest values the layouts are made for: names of 15 characters,
// insurer names of 20, addresses of 60, 記号 and 番号 of 8 digits.
MemberFields Longest() {
  MemberFields m = Aoki();
  m.symbol = "12345678";
  m.number = "12345678";
  m.branch = "99";
  m.name = "勅使河原　左衛門三郎兵衛之介";
  m.insurer_name = "全国健康保険協会東京都支部健康保険組合連";
  m.insured_name = "勅使河原　左衛門三郎兵衛之介";
  m.dependent = true;
  m.address =
      "北海道札幌市中央区北一条西二丁目一番地一号　札幌市役所本庁舎附属第二合同庁舎十五階一五〇一号"
      "室"
      "気付";
  return m;
}

CertificateFields Cert(CertificateForm form, MemberFields m = Aoki()) {
  CertificateFields f;
  f.member = std::move(m);
  f.document_id = 1234;
  f.issued = D("2025-10-02");
  f.valid_until = D("2030-10-01");
  f.form = form;
  return f;
}

RefundFields FilledRefund() {
  RefundFields r;
  r.member = Aoki();
  r.treatment_from = D("2025-11-04");
  r.treatment_to = D("2025-11-04");
  r.facility_name = "霞が関内科クリニック";
  r.paid_yen = 12345;
  r.applied_on = D("2025-11-20");
  return r;
}

struct Layout {
  std::string name;  // reference image name
  std::vector<Page> pages;
  std::vector<std::string> must_contain;  // pdftotext must find each
  PageSize size;
};

std::vector<Layout> Layouts() {
  std::vector<Layout> out;
  const std::vector<std::string> cert_values = {
      // every field of the face (R-DOC-6: 有効期限)
      "資格確認書", "令和12年10月1日",   "10", "1001",           "00",  "青木",
      "一郎",       "昭和55年5月5日",    "男", "平成27年4月1日", "3割", "令和7年10月2日",
      "06139992",   "オンシ健康保険組合"};
  out.push_back({"certificate_a4", Certificate(Cert(CertificateForm::kA4Paper)), cert_values, kA4});
  out.back().must_contain.push_back("100-0013");
  out.back().must_contain.push_back("東京都千代田区霞が関一丁目２番３号");
  out.push_back(
      {"certificate_card", Certificate(Cert(CertificateForm::kPlasticCard)), cert_values, kCard});
  out.push_back({"certificate_postcard", Certificate(Cert(CertificateForm::kPostcard)), cert_values,
                 kPostcard});
  out.push_back({"certificate_electronic", Certificate(Cert(CertificateForm::kElectronic)),
                 cert_values, kCard});
  out.back().must_contain.push_back("電子");
  CertificateFields short_term = Cert(CertificateForm::kA4Paper, Dependent());
  short_term.short_term = true;
  short_term.valid_until = D("2026-01-04");
  out.push_back({"certificate_short_term_dependent",
                 Certificate(short_term),
                 {"短期", "令和8年1月4日", "青木", "花子", "令和元年5月1日", "女", "2割", "家族",
                  "被保険者氏名", "01"},
                 kA4});

  out.push_back({"certificate_leaflet",
                 CertificateLeaflet(),
                 {"資格確認書の取扱いについて", "マイナ保険証", "不正に使用した者は"},
                 kA4});

  NoticeFields notice{Aoki(), 77, D("2025-09-01")};
  // R-DOC-2: 記号, 番号, 枝番, 氏名, 生年月日, 資格取得年月日, 保険者番号, 保険者名称.
  out.push_back({"notice",
                 QualificationNotice(notice),
                 {"資格情報のお知らせ", "記号", "10", "番号", "1001", "枝番", "00", "青木", "一郎",
                  "昭和55年5月5日", "平成27年4月1日", "06139992", "オンシ健康保険組合",
                  "令和7年9月1日", "このお知らせのみでは"},
                 kA4});

  RenewalNoticeFields renewal{Aoki(), 78, D("2025-10-15"), D("2026-01-15"), D("2026-04-30")};
  out.push_back({"renewal_notice",
                 RenewalNotice(renewal),
                 {"有効期限のお知らせ", "令和8年1月15日", "令和8年4月30日", "青木", "1001"},
                 kA4});

  ReturnRequestFields ret;
  ret.member = Aoki();
  ret.document_id = 79;
  ret.issued = D("2025-11-15");
  ret.lost = D("2025-11-15");
  ret.item = DocumentKind::kCertificate;
  ret.item_document_id = 1234;
  ret.item_issued = D("2025-10-02");
  ret.item_valid_until = D("2030-10-01");
  out.push_back({"return_request",
                 ReturnRequest(ret),
                 {"資格確認書の返還", "令和7年11月15日", "令和7年10月2日", "令和12年10月1日",
                  "No.00001234", "青木"},
                 kA4});
  ReturnRequestFields legacy = ret;
  legacy.item = DocumentKind::kLegacyCard;
  legacy.item_issued = D("2015-04-01");
  legacy.item_valid_until.reset();
  out.push_back({"return_request_legacy",
                 ReturnRequest(legacy),
                 {"健康保険被保険者証", "平成27年4月1日", "令和7年12月1日"},
                 kA4});

  out.push_back({"declaration_blank",
                 EligibilityDeclaration(),
                 {"被保険者資格申立書", "受診者氏名", "生年月日", "加入している保険者",
                  "記号・番号・枝番", "申立者署名"},
                 kA4});
  out.push_back({"refund_blank",
                 RefundApplication({}),
                 {"療養費支給申請書", "支払った額", "申請額", "振込先"},
                 kA4});
  // R-FAC-8: 7割 of 12,345 at a 3割 copay is 8,641 (rounded down).
  out.push_back({"refund_filled",
                 RefundApplication(FilledRefund()),
                 {"12,345円", "8,641円", "3割", "霞が関内科クリニック", "令和7年11月4日",
                  "令和7年11月20日", "青木", "06139992"},
                 kA4});
  return out;
}

class PdfTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("pdf-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const Layout& l) {
    const std::string path = (dir_ / (l.name + ".pdf")).string();
    PdfWriter w(path);
    for (const Page& p : l.pages)
      w.Add(p);
    w.Finish();
    return path;
  }

  fs::path dir_;
};

TEST_F(PdfTest, PdftotextFindsEveryFieldValue_RDoc2_RDoc6_RFac8) {
  for (const Layout& l : Layouts()) {
    SCOPED_TRACE(l.name);
    const std::string text = Squeeze(Shell("pdftotext -enc UTF-8 '" + Write(l) + "' -"));
    for (const std::string& v : l.must_contain) {
      EXPECT_NE(text.find(Squeeze(v)), std::string::npos) << "missing: " << v << "\n" << text;
    }
    // R-CARD-7: no 12-digit number (a My Number) anywhere.
    EXPECT_FALSE(std::regex_search(text, std::regex("[0-9]{12}"))) << text;
  }
}

TEST_F(PdfTest, PagesHaveTheirPaperSize_RDoc7) {
  for (const Layout& l : Layouts()) {
    SCOPED_TRACE(l.name);
    const std::string info = Shell("pdfinfo '" + Write(l) + "'");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(info, m, std::regex("Page size:\\s+([0-9.]+) x ([0-9.]+) pts")))
        << info;
    EXPECT_NEAR(std::stod(m[1]), l.size.width_mm * kPointsPerMm, 0.5);
    EXPECT_NEAR(std::stod(m[2]), l.size.height_mm * kPointsPerMm, 0.5);
  }
}

TEST_F(PdfTest, NoValueOverflowsItsBoxEvenAtTheLongest) {
  std::vector<std::pair<std::string, std::vector<Page>>> docs;
  for (CertificateForm f : {CertificateForm::kA4Paper, CertificateForm::kPlasticCard,
                            CertificateForm::kPostcard, CertificateForm::kElectronic}) {
    docs.emplace_back(std::string(CertificateFormName(f)), Certificate(Cert(f, Longest())));
  }
  docs.emplace_back("notice", QualificationNotice({Longest(), 1, D("2025-09-01")}));
  docs.emplace_back(
      "renewal", RenewalNotice({Longest(), 1, D("2025-10-15"), D("2026-01-15"), D("2026-04-30")}));
  ReturnRequestFields ret{
      Longest(),       1,           D("2025-11-15"), D("2025-11-15"), DocumentKind::kLegacyCard, 9,
      D("2015-04-01"), std::nullopt};
  docs.emplace_back("return", ReturnRequest(ret));
  docs.emplace_back("declaration", EligibilityDeclaration());
  docs.emplace_back("leaflet", CertificateLeaflet());
  RefundFields refund = FilledRefund();
  refund.member = Longest();
  refund.facility_name = "医療法人社団霞が関会　霞が関駅前内科・小児科クリニック";
  refund.paid_yen = 9'876'543;
  docs.emplace_back("refund", RefundApplication(refund));
  for (const auto& [name, pages] : docs) {
    for (const Page& p : pages) {
      for (const Overflow& o : p.overflows()) {
        ADD_FAILURE() << name << ": 「" << o.text << "」 overflows box " << o.box;
      }
    }
  }
}

// The check itself can fail: a name no card can hold is reported, by box.
TEST_F(PdfTest, OverflowIsReportedWithTheBoxName) {
  MemberFields m = Aoki();
  m.name = "寿限無寿限無五劫の擦り切れ海砂利水魚の水行末雲来末風来末食う寝る処に住む処";
  const std::vector<Page> pages = Certificate(Cert(CertificateForm::kPlasticCard, m));
  ASSERT_EQ(pages.size(), 1u);
  ASSERT_EQ(pages[0].overflows().size(), 1u);
  EXPECT_EQ(pages[0].overflows()[0].box, "氏名");
  EXPECT_EQ(pages[0].overflows()[0].text, m.name);
}

TEST(RefundTest, RFac8_InsuredShareRoundedDown) {
  EXPECT_EQ(RefundYen(10000, 30), 7000);  // 7割 at a 3割 copay
  EXPECT_EQ(RefundYen(12345, 30), 8641);
  EXPECT_EQ(RefundYen(10000, 20), 8000);
  EXPECT_EQ(RefundYen(10000, 10), 9000);
}

// --- reference images --------------------------------------------------------

// At most this share of pixels may differ by more than 64 grey levels (one
// pixel in 5,000): the same layout renders identically on one machine, and
// a font's anti-aliasing elsewhere moves a few edge pixels, not a field.
constexpr double kFarShare = 0.0002;

struct Grey {
  int width = 0, height = 0;
  std::vector<uint8_t> pixels;
};

// A PNG read with Cairo, reduced to grey (the PNGs are grey already; a
// colour one is averaged).
Grey ReadPng(const std::string& path) {
  Grey g;
  cairo_surface_t* s = cairo_image_surface_create_from_png(path.c_str());
  if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(s);
    return g;
  }
  cairo_surface_t* rgb = cairo_image_surface_create(
      CAIRO_FORMAT_RGB24, cairo_image_surface_get_width(s), cairo_image_surface_get_height(s));
  cairo_t* cr = cairo_create(rgb);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_set_source_surface(cr, s, 0, 0);
  cairo_paint(cr);
  cairo_destroy(cr);
  cairo_surface_flush(rgb);
  g.width = cairo_image_surface_get_width(rgb);
  g.height = cairo_image_surface_get_height(rgb);
  const int stride = cairo_image_surface_get_stride(rgb);
  const unsigned char* data = cairo_image_surface_get_data(rgb);
  g.pixels.resize(static_cast<size_t>(g.width) * static_cast<size_t>(g.height));
  for (int y = 0; y < g.height; ++y) {
    const auto* row = reinterpret_cast<const uint32_t*>(data + y * stride);
    for (int x = 0; x < g.width; ++x) {
      const uint32_t p = row[x];
      g.pixels[static_cast<size_t>(y * g.width + x)] =
          static_cast<uint8_t>((((p >> 16) & 0xff) + ((p >> 8) & 0xff) + (p & 0xff)) / 3);
    }
  }
  cairo_surface_destroy(rgb);
  cairo_surface_destroy(s);
  return g;
}

TEST_F(PdfTest, EachLayoutMatchesItsReferenceImage) {
  const fs::path refs = fs::path(ONSHI_SOURCE_DIR) / "tests/pdf/reference";
  const bool update = std::getenv("ONSHI_UPDATE_PDF_REFERENCES") != nullptr;
  for (const Layout& l : Layouts()) {
    SCOPED_TRACE(l.name);
    const std::string pdf = Write(l);
    // First page only, 50 dpi, grey: small files, and the layout shows.
    const std::string out = (dir_ / l.name).string();
    Shell("pdftoppm -r 50 -gray -png -singlefile '" + pdf + "' '" + out + "'");
    const fs::path reference = refs / (l.name + ".png");
    if (update) {
      fs::copy_file(out + ".png", reference, fs::copy_options::overwrite_existing);
      continue;
    }
    const Grey got = ReadPng(out + ".png");
    const Grey want = ReadPng(reference.string());
    ASSERT_GT(want.width, 0) << "no reference image " << reference;
    ASSERT_EQ(got.width, want.width);
    ASSERT_EQ(got.height, want.height);
    // Tolerance: anti-aliasing may shift by a grey level or two; a moved or
    // missing field changes hundreds of pixels by much more.
    int64_t total = 0, far = 0;
    for (size_t i = 0; i < got.pixels.size(); ++i) {
      const int d = std::abs(int(got.pixels[i]) - int(want.pixels[i]));
      total += d;
      far += d > 64 ? 1 : 0;
    }
    const double mean = double(total) / double(got.pixels.size());
    const double far_share = double(far) / double(got.pixels.size());
    EXPECT_LT(mean, 0.5) << "mean difference per pixel";
    EXPECT_LT(far_share, kFarShare) << far << " pixels differ by more than 64 grey levels";
  }
}

// The comparison is not blind: a layout with one field moved fails it.
TEST_F(PdfTest, ReferenceComparisonSeesAChangedField) {
  const fs::path reference =
      fs::path(ONSHI_SOURCE_DIR) / "tests/pdf/reference/certificate_card.png";
  if (!fs::exists(reference)) GTEST_SKIP() << "no reference yet";
  CertificateFields f = Cert(CertificateForm::kPlasticCard);
  f.member.name = "別人　二郎";
  f.valid_until = D("2031-03-31");
  const Layout l{"changed", Certificate(f), {}, kCard};
  const std::string out = (dir_ / "changed").string();
  Shell("pdftoppm -r 50 -gray -png -singlefile '" + Write(l) + "' '" + out + "'");
  const Grey got = ReadPng(out + ".png");
  const Grey want = ReadPng(reference.string());
  ASSERT_EQ(got.pixels.size(), want.pixels.size());
  int64_t far = 0;
  for (size_t i = 0; i < got.pixels.size(); ++i) {
    far += std::abs(int(got.pixels[i]) - int(want.pixels[i])) > 64 ? 1 : 0;
  }
  EXPECT_GT(double(far) / double(got.pixels.size()), kFarShare);
}

}  // namespace
}  // namespace onshi::pdf

namespace onshi::pdf {
namespace {

// The portal's 資格情報 PDF (R-PORT-3): the member's keys, ratio and 限度額
// category in text, three qualifications a page, and nothing overflowing
// at the longest values, the advice of a 登録エラー included.
TEST_F(PdfTest, PortalQualificationHasTheKeysAndFitsAtTheLongest_RPort3) {
  PortalQualificationFields f;
  f.name = "青木　一郎";
  f.name_kana = "アオキ　イチロウ";
  f.birth_date = D("1980-05-05");
  f.printed_at = "令和8年11月23日 10時00分";
  PortalQualificationEntry current;
  current.member = Aoki();
  current.limit_category = "区分ウ（A03）";
  current.linkage = "登録済み";
  f.entries.push_back(current);
  PortalQualificationEntry waiting;
  waiting.member = Longest();
  waiting.linkage = "登録エラー: 勤務先に確認";
  waiting.advice =
      "届出の内容（マイナンバー・氏名・生年月日・性別・住所）に誤りがあります。勤務先に確認し、"
      "保険者への届出の訂正を依頼してください。";
  f.entries.push_back(waiting);
  f.entries.push_back(current);
  f.entries.push_back(waiting);
  const std::vector<Page> pages = PortalQualification(f);
  ASSERT_EQ(pages.size(), 2u);  // three a page
  for (const Page& p : pages) {
    for (const Overflow& o : p.overflows()) {
      ADD_FAILURE() << "「" << o.text << "」 overflows box " << o.box;
    }
  }
  Layout l{"portal_qualification", PortalQualification(f), {}, kA4};
  const std::string text = Squeeze(Shell("pdftotext -enc UTF-8 '" + Write(l) + "' -"));
  for (const char* v : {"資格情報", "06139992", "1001", "00", "3割", "区分ウ（A03）", "登録エラー",
                        "令和8年11月23日"}) {
    EXPECT_NE(text.find(Squeeze(v)), std::string::npos) << "missing: " << v << "\n" << text;
  }
  EXPECT_FALSE(std::regex_search(text, std::regex("[0-9]{12}"))) << text;  // R-CARD-7
}

}  // namespace
}  // namespace onshi::pdf
