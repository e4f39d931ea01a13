// 資格情報 (マイナポータル) as a PDF (R-PORT-3): the screen a person saves on
// the phone and shows at a facility when its reader cannot check online.
// Laid out like the 資格情報のお知らせ (notice.cpp): one card-like box per
// qualification with the R-DOC-2 fields, plus what the portal adds — the
// ratio, the 限度額 category and whether the insurer's registration has
// reached the system. No My Number (R-CARD-7).
#include "pdf/form_parts.hpp"
#include "pdf/forms.hpp"

namespace onshi::pdf {
namespace {

constexpr const char* kIntro =
    "マイナポータルで確認した医療保険の資格情報です。医療機関・薬局の機器でオンライン資格確認が"
    "できない場合には、マイナ保険証と一緒にこの画面（PDF）を提示してください。";

constexpr const char* kNotes =
    "ご注意\n"
    "・この資格情報は出力日時時点のものです。資格の取得・喪失の届出から反映までには日数が"
    "かかります（データ連携中）。\n"
    "・「登録エラー」と表示されている場合は、勤務先または保険者に届出の内容を確認してください。\n"
    "・個人番号（マイナンバー）は記載していません。";

constexpr double kBoxHeight = 62;  // mm per qualification
constexpr int kPerPage = 3;

void Entry(Canvas& c, double y, const PortalQualificationEntry& e) {
  const MemberFields& m = e.member;
  const double x = 20, lw = 30, vw = 140, row = 6.2, lp = 9, vp = 10.5;
  auto field = [&](int i, std::string_view label, std::string_view value) {
    Field(c, label, {x, y + 8 + i * row, lw, row}, value, {x + lw, y + 8 + i * row, vw, row}, lp,
          vp);
  };
  c.Rect({x - 2, y - 2, lw + vw + 4, kBoxHeight - 4}, 0.4);
  c.Text("保険者名称", {x, y, 120, 7}, m.insurer_name, {Font::kGothic, 12});
  c.Text("連携状況", {x + 110, y, 60, 7}, e.linkage, {Font::kGothic, 10, Align::kRight});
  field(0, "保険者番号", m.insurer_number);
  field(1, "記号・番号", CardKeys(m));
  field(2, "氏名", m.name + (m.dependent ? "（家族）" : "（本人）"));
  field(3, "生年月日", Wareki(m.birth_date) + "　" + std::string(SexLabel(m.sex)));
  field(4, "資格取得年月日",
        Wareki(m.acquired) + (e.lost ? "　（資格喪失年月日 " + Wareki(*e.lost) + "）" : ""));
  field(5, "一部負担金の割合", std::to_string(m.copay_percent / 10) + "割");
  field(6, "限度額適用区分", e.limit_category.empty() ? "—" : e.limit_category);
  if (!e.advice.empty()) {
    c.Text("連携状況の説明", {x, y + 8 + 7 * row + 1, lw + vw, 6}, e.advice, {Font::kMincho, 8.5});
  }
}

}  // namespace

std::vector<Page> PortalQualification(const PortalQualificationFields& f) {
  std::vector<Page> pages;
  const size_t n = f.entries.size();
  const size_t page_count = n == 0 ? 1 : (n + kPerPage - 1) / kPerPage;
  for (size_t p = 0; p < page_count; ++p) {
    pages.emplace_back(kA4, [&](Canvas& c) {
      c.Text("表題", {20, 15, 170, 12}, "資格情報", {Font::kGothic, 20, Align::kCenter});
      c.Text("出力日時", {110, 28, 80, 5}, "出力日時　" + f.printed_at,
             {Font::kMincho, 9, Align::kRight});
      c.Text("氏名", {20, 34, 110, 7}, f.name + "　様", {Font::kMincho, 13});
      c.Text("フリガナ", {20, 41, 110, 5}, f.name_kana, {Font::kMincho, 8});
      c.Text("生年月日", {130, 34, 60, 7}, "生年月日　" + Wareki(f.birth_date),
             {Font::kMincho, 10, Align::kRight});
      if (p == 0) {
        c.Text("説明", {20, 48, 170, 14}, kIntro,
               {Font::kMincho, 9.5, Align::kLeft, /*multiline=*/true, /*vertical_center=*/false});
      }
      double y = 66;
      if (n == 0) {
        c.Text("資格なし", {20, y, 170, 10}, "現在、登録されている医療保険の資格情報はありません。",
               {Font::kGothic, 11});
      }
      for (size_t i = p * kPerPage; i < n && i < (p + 1) * kPerPage; ++i) {
        Entry(c, y, f.entries[i]);
        y += kBoxHeight;
      }
      c.Text("ご注意", {20, 256, 170, 30}, kNotes,
             {Font::kMincho, 8.5, Align::kLeft, /*multiline=*/true, /*vertical_center=*/false});
      c.Text("頁", {150, 288, 40, 4}, std::to_string(p + 1) + " / " + std::to_string(page_count),
             {Font::kMincho, 8, Align::kRight});
    });
  }
  return pages;
}

}  // namespace onshi::pdf
