// 資格確認書 (R-DOC-4..7). One face, modelled on the old 健康保険被保険者証
// that clerks and facility staff know, drawn at the size of each form:
//   - plastic card (協会けんぽ): the face alone, ID-1 card size;
//   - A4 paper (KOA): the face enlarged under the address block, with notes;
//   - postcard type: the address side above a fold line, the face below, in
//     larger type for members who need a carer's help (R-DOC-7);
//   - electronic: the face at card size, marked 電子, for the smartphone.
// 有効期限 is printed first, as on the real form (R-DOC-6).
#include "pdf/form_parts.hpp"
#include "pdf/forms.hpp"

namespace onshi::pdf {
namespace {

constexpr double kFaceW = 85.6, kFaceH = 54.0;

// The face with its top-left at (ox, oy), `s` times the card size.
void Face(Canvas& c, double ox, double oy, double s, const CertificateFields& f) {
  const MemberFields& m = f.member;
  auto box = [&](double x, double y, double w, double h) {
    return Box{ox + x * s, oy + y * s, w * s, h * s};
  };
  const double label_pt = 4.6 * s, value_pt = 6.2 * s;
  auto field = [&](std::string_view label, double lx, double lw, std::string_view value, double vw,
                   double y, double h = 5.0) {
    Field(c, label, box(lx, y, lw, h), value, box(lx + lw, y, vw, h), label_pt, value_pt);
  };
  c.Rect(box(0, 0, kFaceW, kFaceH), 0.4);
  std::string title = "資格確認書";
  if (f.short_term) title += "（短期）";
  if (f.form == CertificateForm::kElectronic) title += "（電子）";
  c.Text("表題", box(3, 1.8, 50, 6.5), title, {Font::kGothic, 8.5 * s});
  c.Text("本人・家族", box(60, 2.2, 22.6, 5), m.dependent ? "家族（被扶養者）" : "本人（被保険者）",
         {Font::kGothic, 5 * s, Align::kRight});

  field("有効期限", 3, 16, Wareki(f.valid_until), 40, 9.5);
  field("記号", 3, 8, m.symbol, 17, 15.5);
  field("番号", 28, 8, m.number, 22, 15.5);
  field("枝番", 58, 8, m.branch, 16.6, 15.5);
  Field(c, "氏名", box(3, 21.5, 16, 6.5), m.name, box(19, 21.5, 63.6, 6.5), label_pt, 8 * s);
  field("生年月日", 3, 16, Wareki(m.birth_date), 24, 29);
  field("性別", 43, 8, SexLabel(m.sex), 8, 29);
  field("負担割合", 59, 13, std::to_string(m.copay_percent / 10) + "割", 10.6, 29);
  field("資格取得年月日", 3, 22, Wareki(m.acquired), 28, 35);
  field("交付年月日", 53, 14, Wareki(f.issued), 15.6, 35);
  // A dependent's certificate names the insured person too, as the old
  // 被扶養者 card did.
  if (m.dependent) field("被保険者氏名", 3, 16, m.insured_name, 63.6, 41);
  c.Text("保険者番号", box(3, 46.6, 30, 3.6), "保険者番号　" + m.insurer_number,
         {Font::kGothic, 4.8 * s});
  c.Text("保険者名称", box(3, 49.8, 60, 3.8), m.insurer_name, {Font::kGothic, 5.4 * s});
  DocumentNumber(c, ox + (kFaceW - 2) * s, oy + 50.2 * s, f.document_id, 3.6 * s);
}

// On the certificate itself, the two things a holder must not miss; the
// full notes go in the enclosed leaflet (CertificateLeaflet), printed once
// per run and put in every envelope, as insurers do. (Every distinct
// character on a page also costs Cairo a lookup in the font's character map
// for each PDF, so the long notes on every one of 10,000 certificates would
// halve the print run's speed: see README, Performance.)
constexpr const char* kShortNotes =
    "・有効期限を過ぎたとき、資格を喪失したときは使用できません。資格を喪失したときは返還してく"
    "ださい。\n"
    "・取扱いの注意は、同封の「資格確認書の取扱いについて」をご覧ください。";

// The leaflet: what the certificate is for.
constexpr const char* kNotes =
    "注意事項\n"
    "１　この資格確認書は、マイナ保険証（健康保険証利用登録をしたマイナンバーカード）を"
    "お持ちでない方のために交付するものです。医療機関・薬局の窓口でこれを提示すると、"
    "保険診療を受けることができます。\n"
    "２　有効期限を過ぎたもの、資格を喪失したときは使用できません。資格を喪失したときは、"
    "有効期限内のものを直ちに返還してください。\n"
    "３　記載事項に変更があったとき、紛失したときは、速やかに保険者へ届け出てください。\n"
    "４　不正に使用した者は、刑法により詐欺罪として懲役の処分を受けることがあります。";

}  // namespace

std::vector<Page> CertificateLeaflet() {
  std::vector<Page> pages;
  pages.emplace_back(kA4, [&](Canvas& c) {
    c.Text("表題", {20, 20, 170, 12}, "資格確認書の取扱いについて",
           {Font::kGothic, 18, Align::kCenter});
    c.Text("注意事項", {25, 42, 160, 120}, kNotes,
           {Font::kMincho, 11, Align::kLeft, /*multiline=*/true, /*vertical_center=*/false});
  });
  return pages;
}

std::vector<Page> Certificate(const CertificateFields& f) {
  std::vector<Page> pages;
  // Gothic throughout, as on today's cards (and one font subset per PDF
  // fewer, see Canvas::UseOneFamily).
  switch (f.form) {
    case CertificateForm::kPlasticCard:
    case CertificateForm::kElectronic:
      pages.emplace_back(kCard, [&](Canvas& c) {
        c.UseOneFamily(Font::kGothic);
        Face(c, 0, 0, 1.0, f);
      });
      break;
    case CertificateForm::kA4Paper:
      pages.emplace_back(kA4, [&](Canvas& c) {
        c.UseOneFamily(Font::kGothic);
        Sender(c, 190, 15, f.member);
        AddressBlock(c, 25, 22, 90, f.member);
        c.Text("表題", {20, 58, 170, 12}, "資格確認書", {Font::kGothic, 22, Align::kCenter});
        Face(c, 19.4, 74, 2.0, f);
        c.Text("注意事項", {20, 192, 170, 30}, kShortNotes,
               {Font::kMincho, 9.5, Align::kLeft, /*multiline=*/true, /*vertical_center=*/false});
      });
      break;
    case CertificateForm::kPostcard:
      pages.emplace_back(kPostcard, [&](Canvas& c) {
        c.UseOneFamily(Font::kGothic);
        AddressBlock(c, 10, 10, 80, f.member, 10);
        c.Text("差出人", {10, 34, 80, 4}, f.member.insurer_name, {Font::kGothic, 7, Align::kRight});
        c.Line(4, 41, 96, 41, 0.2, /*dashed=*/true);
        Face(c, 5, 45, 90.0 / kFaceW, f);
        c.Text("注意事項", {5, 105, 90, 39}, kShortNotes,
               {Font::kMincho, 5.6, Align::kLeft, /*multiline=*/true, /*vertical_center=*/false});
      });
      break;
  }
  return pages;
}

}  // namespace onshi::pdf
