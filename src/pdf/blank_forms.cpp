// The forms filled in by hand: 被保険者資格申立書 (R-FAC-7: the person
// declares their insurance at the window when the card cannot be checked)
// and 療養費支給申請書 (R-FAC-8: the refund after paying 10割). Laid out as
// the insurers' A4 forms are: a title, a table of labelled boxes, the
// signature line, notes.
#include "pdf/form_parts.hpp"
#include "pdf/forms.hpp"

namespace onshi::pdf {
namespace {

constexpr const char* kBlankDate = "令和　　　年　　　月　　　日";
constexpr const char* kBlankBirth = "昭和・平成・令和　　　年　　　月　　　日";

// One row of the table: label on the left, value (or blank) on the right.
struct Row {
  const char* label;
  std::string value;
  double height = 10;
  bool multiline = false;  // wraps (addresses) instead of shrinking
};

// Rows from y down; returns the y after the last one.
double Table(Canvas& c, double y, const std::vector<Row>& rows, double label_w = 42) {
  for (const Row& r : rows) {
    Field(c, r.label, {20, y, label_w, r.height}, r.value,
          {20 + label_w, y, 170 - label_w, r.height}, 9.5, r.multiline ? 10 : 11, r.multiline);
    y += r.height;
  }
  return y;
}

}  // namespace

std::vector<Page> EligibilityDeclaration(const DeclarationFields& f) {
  auto date_or = [](const std::optional<Date>& d, const char* blank) {
    return d ? Wareki(*d) : std::string(blank);
  };
  auto or_blank = [](const std::string& v, const char* blank) {
    return v.empty() ? std::string(blank) : v;
  };
  std::string keys = "記号　　　　　番号　　　　　　　枝番";
  if (!f.number.empty()) {
    keys = "記号 " + or_blank(f.symbol, "　　") + "　番号 " + f.number + "　枝番 " +
           or_blank(f.branch, "　　");
  }
  std::vector<Page> pages;
  pages.emplace_back(kA4, [&](Canvas& c) {
    c.Text("表題", {20, 15, 170, 12}, "被保険者資格申立書", {Font::kGothic, 20, Align::kCenter});
    c.Text("説明", {20, 31, 170, 14},
           "マイナ保険証による資格確認ができなかったため、加入している医療保険について、"
           "以下のとおり申し立てます。記載内容に誤りがあった場合は、後日、医療費の負担割合に"
           "応じた精算に応じます。",
           {Font::kMincho, 10, Align::kLeft, true, false});
    double y = Table(c, 50,
                     {
                         {"申立日", date_or(f.declared_on, kBlankDate)},
                         {"フリガナ", f.name_kana},
                         {"受診者氏名", f.name, 13},
                         {"生年月日", date_or(f.birth, kBlankBirth)},
                         {"性別", "男　・　女"},
                         {"住所", "〒" + f.address, 16, !f.address.empty()},
                         {"電話番号", ""},
                         {"加入している保険者",
                          f.insurer_number.empty() ? "" : "保険者番号 " + f.insurer_number, 12},
                         {"記号・番号・枝番", keys},
                         {"本人・家族の別", "本人（被保険者）　・　家族（被扶養者）"},
                         {"被保険者氏名", "（家族の場合）"},
                         {"勤務先の名称", "（被用者保険の場合）", 12},
                         {"資格取得年月日", kBlankDate},
                         {"一部負担金の割合", "１割　・　２割　・　３割　・　分からない"},
                     });
    c.Text("署名", {20, y + 6, 170, 10}, "申立者署名　＿＿＿＿＿＿＿＿＿＿＿＿＿＿（続柄　　　　）",
           {Font::kMincho, 11, Align::kRight});
    y += 22;
    c.Text("医療機関記入欄", {20, y, 170, 7}, "医療機関・薬局記入欄", {Font::kGothic, 10});
    Table(c, y + 8,
          {
              {"医療機関等の名称", f.facility_name},
              {"医療機関コード", f.facility_code},
              {"受付年月日", date_or(f.received_on, kBlankDate)},
              {"確認できなかった理由",
               or_blank(f.reason,
                        "機器の不具合・カードの破損・電子証明書の失効・その他（　　　　　）"),
               12},
          });
  });
  return pages;
}

int64_t RefundYen(int64_t paid_yen, int copay_percent) {
  // R-FAC-8: the insurer pays back what it would have paid: 100 − copay percent.
  return paid_yen * (100 - copay_percent) / 100;
}

std::vector<Page> RefundApplication(const RefundFields& f) {
  const MemberFields* m = f.member ? &*f.member : nullptr;
  auto or_blank = [&](auto&& value, const char* blank) -> std::string {
    return m ? std::string(value) : std::string(blank);
  };
  std::vector<Page> pages;
  pages.emplace_back(kA4, [&](Canvas& c) {
    c.Text("表題", {20, 12, 170, 12}, "療養費支給申請書", {Font::kGothic, 20, Align::kCenter});
    c.Text("副題", {20, 25, 170, 7}, "（資格確認ができず、医療費の全額を支払った場合）",
           {Font::kMincho, 10, Align::kCenter});
    c.Text("被保険者欄", {20, 35, 170, 7}, "被保険者", {Font::kGothic, 10.5});
    double y = Table(c, 42,
                     {
                         {"保険者名称", m ? m->insurer_name + "（" + m->insurer_number + "）" : ""},
                         {"記号・番号・枝番", or_blank(m ? CardKeys(*m) : "", "")},
                         {"被保険者氏名", m ? (m->dependent ? m->insured_name : m->name) : "", 12},
                         {"住所", m ? "〒" + m->postcode + "　" + m->address : "〒", 14, true},
                     });
    c.Text("受診者欄", {20, y + 3, 170, 7}, "受診者・診療内容", {Font::kGothic, 10.5});
    std::string period = kBlankDate + std::string(" ～ ") + kBlankDate;
    if (f.treatment_from && f.treatment_to) {
      period = Wareki(*f.treatment_from) + " ～ " + Wareki(*f.treatment_to);
    }
    const int copay = m ? m->copay_percent : 30;
    std::string paid = "円", refund = "円";
    if (f.paid_yen) {
      paid = Yen(*f.paid_yen);
      refund = Yen(RefundYen(*f.paid_yen, copay));
    }
    y = Table(c, y + 10,
              {
                  {"受診者氏名", m ? m->name : "", 12},
                  {"受診者の生年月日", m ? Wareki(m->birth_date) : kBlankBirth},
                  {"医療機関等の名称", f.facility_name, 12},
                  {"診療期間", period},
                  {"支払った額（10割）", paid},
                  {"一部負担金の割合", m ? std::to_string(copay / 10) + "割" : "　　割"},
                  {"申請額", refund + "（支払った額のうち保険者負担分）"},
              });
    c.Text("振込先欄", {20, y + 3, 170, 7}, "振込先", {Font::kGothic, 10.5});
    y = Table(
        c, y + 10,
        {
            {"金融機関名・支店名", "　　　　　　銀行・信用金庫・農協　　　　　　　本店・支店"},
            {"預金種別・口座番号", "普通・当座　　口座番号"},
            {"口座名義（カナ）", ""},
        });
    c.Text("申請", {20, y + 5, 170, 8},
           "上記のとおり療養費の支給を申請します。　" +
               (f.applied_on ? Wareki(*f.applied_on) : std::string(kBlankDate)),
           {Font::kMincho, 10.5});
    c.Text("署名", {20, y + 14, 170, 9}, "申請者署名　＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿",
           {Font::kMincho, 11, Align::kRight});
    c.Text("添付書類", {20, y + 26, 170, 14},
           "添付書類：医療機関等が発行した領収書（原本）、診療報酬明細書（レセプト）の写し。"
           "マイナ保険証で資格確認ができなかった日の受診に限ります。",
           {Font::kMincho, 9, Align::kLeft, true, false});
  });
  return pages;
}

}  // namespace onshi::pdf
