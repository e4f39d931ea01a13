// 資格情報のお知らせ (R-DOC-1..3): an A4 sheet posted to every member, with
// the R-DOC-2 fields in a card-sized box to cut out and keep with the
// マイナ保険証, and the R-DOC-3 warning that it is not an insurance card on
// its own. No My Number anywhere (R-CARD-7).
#include "pdf/form_parts.hpp"
#include "pdf/forms.hpp"

namespace onshi::pdf {
namespace {

constexpr const char* kIntro =
    "あなたの医療保険の資格情報をお知らせします。マイナ保険証（健康保険証利用登録をした"
    "マイナンバーカード）で受診する際、医療機関・薬局の機器でオンライン資格確認ができない"
    "場合には、マイナ保険証と一緒にこのお知らせを提示してください。";

constexpr const char* kNotes =
    "ご注意\n"
    "・このお知らせのみでは、医療機関・薬局で受診することはできません。必ずマイナ保険証と"
    "一緒に提示してください。\n"
    "・マイナポータルでも同じ資格情報を確認でき、画面やPDFを提示することもできます。\n"
    "・紛失したときは保険者へお申し出ください。再交付します。資格を喪失したときの返還は"
    "不要です。\n"
    "・マイナ保険証をお持ちでない方には、別に資格確認書を交付します。";

}  // namespace

std::vector<Page> QualificationNotice(const NoticeFields& f) {
  const MemberFields& m = f.member;
  std::vector<Page> pages;
  pages.emplace_back(kA4, [&](Canvas& c) {
    Sender(c, 190, 15, m);
    AddressBlock(c, 25, 22, 90, m);
    c.Text("交付年月日", {110, 52, 80, 5}, "交付年月日　" + Wareki(f.issued),
           {Font::kMincho, 9, Align::kRight});
    c.Text("表題", {20, 60, 170, 12}, "資格情報のお知らせ", {Font::kGothic, 20, Align::kCenter});
    c.Text("説明", {22, 76, 166, 22}, kIntro,
           {Font::kMincho, 10, Align::kLeft, /*multiline=*/true, /*vertical_center=*/false});

    // The card to cut out: 1.5 times ID-1, dashed cut line around it.
    const double s = 1.5, ox = 105 - 85.6 * s / 2, oy = 104;
    auto box = [&](double x, double y, double w, double h) {
      return Box{ox + x * s, oy + y * s, w * s, h * s};
    };
    const double lp = 4.6 * s, vp = 6.2 * s;
    c.Line(ox - 4, oy - 4, ox + 85.6 * s + 4, oy - 4, 0.2, true);
    c.Line(ox - 4, oy + 54 * s + 4, ox + 85.6 * s + 4, oy + 54 * s + 4, 0.2, true);
    c.Line(ox - 4, oy - 4, ox - 4, oy + 54 * s + 4, 0.2, true);
    c.Line(ox + 85.6 * s + 4, oy - 4, ox + 85.6 * s + 4, oy + 54 * s + 4, 0.2, true);
    c.Label(ox - 4, oy - 8, "切り取り線", 7);
    c.Rect(box(0, 0, 85.6, 54), 0.4);
    c.Text("表題", box(3, 2, 60, 6), "資格情報のお知らせ", {Font::kGothic, 7.5 * s});
    Field(c, "記号", box(3, 10, 8, 5.5), m.symbol, box(11, 10, 17, 5.5), lp, vp);
    Field(c, "番号", box(28, 10, 8, 5.5), m.number, box(36, 10, 22, 5.5), lp, vp);
    Field(c, "枝番", box(58, 10, 8, 5.5), m.branch, box(66, 10, 16.6, 5.5), lp, vp);
    Field(c, "氏名", box(3, 16.5, 16, 6.5), m.name, box(19, 16.5, 63.6, 6.5), lp, 8 * s);
    Field(c, "生年月日", box(3, 24, 16, 5.5), Wareki(m.birth_date), box(19, 24, 63.6, 5.5), lp, vp);
    Field(c, "資格取得年月日", box(3, 30.5, 22, 5.5), Wareki(m.acquired), box(25, 30.5, 57.6, 5.5),
          lp, vp);
    Field(c, "保険者番号", box(3, 37, 16, 5.5), m.insurer_number, box(19, 37, 63.6, 5.5), lp, vp);
    Field(c, "保険者名称", box(3, 43.5, 16, 6.5), m.insurer_name, box(19, 43.5, 63.6, 6.5), lp, vp);
    DocumentNumber(c, ox + 83 * s, oy + 50.6 * s, f.document_id, 3.6 * s);

    c.Text("ご注意", {22, 196, 166, 60}, kNotes,
           {Font::kMincho, 9.5, Align::kLeft, /*multiline=*/true, /*vertical_center=*/false});
  });
  return pages;
}

}  // namespace onshi::pdf
