// The insurer's letters: the renewal notice (R-CARD-4) and the request to
// return a 資格確認書 or old 健康保険証 (R-DOC-10, R-OLD-4). A4, window
// envelope, the facts in a small table under the text.
#include "pdf/form_parts.hpp"
#include "pdf/forms.hpp"

namespace onshi::pdf {
namespace {

const TextStyle kBody{Font::kMincho, 10.5, Align::kLeft, /*multiline=*/true,
                      /*vertical_center=*/false};

// Sender, address, date and title: the top of every letter.
void LetterHead(Canvas& c, const MemberFields& m, Date issued, std::string_view title, int64_t id) {
  Sender(c, 190, 15, m);
  AddressBlock(c, 25, 22, 90, m);
  c.Text("発行日", {110, 52, 80, 5}, Wareki(issued), {Font::kMincho, 10, Align::kRight});
  c.Text("表題", {20, 62, 170, 10}, title, {Font::kGothic, 15, Align::kCenter});
  DocumentNumber(c, 190, 285, id, 7);
}

}  // namespace

std::vector<Page> RenewalNotice(const RenewalNoticeFields& f) {
  std::vector<Page> pages;
  pages.emplace_back(kA4, [&](Canvas& c) {
    LetterHead(c, f.member, f.issued, "マイナ保険証の有効期限のお知らせ", f.document_id);
    std::string body =
        "あなたがマイナ保険証として利用しているマイナンバーカード（利用者証明用電子証明書）の"
        "有効期限が近づいています。有効期限の3か月前から、お住まいの市区町村の窓口で更新の"
        "手続きができます。更新後は、あらためて健康保険証利用登録をする必要はありません。";
    if (f.grace_end) {
      body += "\n有効期限を過ぎても、" + Wareki(*f.grace_end) +
              "までは引き続きマイナ保険証で受診できますが、それ以降は受診の際に資格確認ができなく"
              "なります。更新されない場合は、資格確認書を交付します。";
    }
    c.Text("本文", {25, 80, 160, 50}, body, kBody);
    const double lp = 10, vp = 11;
    Field(c, "氏名", {25, 140, 45, 9}, f.member.name, {70, 140, 115, 9}, lp, vp);
    Field(c, "記号・番号", {25, 149, 45, 9}, CardKeys(f.member), {70, 149, 115, 9}, lp, vp);
    Field(c, "有効期限", {25, 158, 45, 9}, Wareki(f.expiry), {70, 158, 115, 9}, lp, vp);
    c.Text("問い合わせ", {25, 180, 160, 20},
           "更新の手続きは市区町村の窓口で行います（本人確認書類と暗証番号が必要です）。"
           "このお知らせについてのお問い合わせは、" +
               f.member.insurer_name + "へお願いします。",
           kBody);
  });
  return pages;
}

std::vector<Page> ReturnRequest(const ReturnRequestFields& f) {
  const bool legacy = f.item == DocumentKind::kLegacyCard;
  const std::string item = legacy ? "健康保険被保険者証（保険証）" : "資格確認書";
  std::vector<Page> pages;
  pages.emplace_back(kA4, [&](Canvas& c) {
    LetterHead(c, f.member, f.issued, item + "の返還について", f.document_id);
    const std::string body =
        Wareki(f.lost) + "に" + f.member.insurer_name + "の資格を喪失されました。お手元の" + item +
        "は有効期限内のため、同封の返信用封筒で返還してください。資格喪失後に使用すると、"
        "医療費を返還していただくことになります。" +
        (legacy ? "なお、紛失した場合はその旨をお申し出ください。" : "");
    c.Text("本文", {25, 80, 160, 40}, body, kBody);
    const double lp = 10, vp = 11;
    Field(c, "氏名", {25, 130, 45, 9}, f.member.name, {70, 130, 115, 9}, lp, vp);
    Field(c, "記号・番号", {25, 139, 45, 9}, CardKeys(f.member), {70, 139, 115, 9}, lp, vp);
    Field(c, "資格喪失年月日", {25, 148, 45, 9}, Wareki(f.lost), {70, 148, 115, 9}, lp, vp);
    Field(c, "返還するもの", {25, 157, 45, 9}, item, {70, 157, 115, 9}, lp, vp);
    Field(c, "交付年月日", {25, 166, 45, 9}, f.item_issued ? Wareki(*f.item_issued) : "",
          {70, 166, 115, 9}, lp, vp);
    Field(c, "有効期限", {25, 175, 45, 9},
          f.item_valid_until ? Wareki(*f.item_valid_until) : "記載なし（令和7年12月1日まで）",
          {70, 175, 115, 9}, lp, vp);
    char number[32];
    std::snprintf(number, sizeof number, "No.%08lld", static_cast<long long>(f.item_document_id));
    Field(c, "交付番号", {25, 184, 45, 9}, f.item_document_id > 0 ? number : "", {70, 184, 115, 9},
          lp, vp);
  });
  return pages;
}

}  // namespace onshi::pdf
