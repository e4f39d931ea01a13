#include "service/portal_pages.hpp"

namespace onshi::service {
namespace {

// Phone first (one column), widening at 48rem. Colours keep at least 4.5:1
// against their background (#1b1b1b and #0a4a9e on #fff, #fff on #0a4a9e,
// #8a1c1c on #fdeeee); focus is always visible.
constexpr std::string_view kCss = R"css(*{box-sizing:border-box}
html{font-size:100%}
body{margin:0;font-family:"Noto Sans CJK JP","IPAexGothic",sans-serif;color:#1b1b1b;background:#fff;line-height:1.7}
a{color:#0a4a9e}
a:focus,button:focus,input:focus,summary:focus{outline:3px solid #b35c00;outline-offset:2px}
.skip{position:absolute;left:-999px}
.skip:focus{left:.5rem;top:.5rem;background:#fff;padding:.5rem;z-index:1}
header{background:#0a4a9e;color:#fff;padding:.75rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;justify-content:space-between}
header .brand{margin:0;font-weight:bold;font-size:1.1rem}
header .who{margin:0}
header form{margin:0}
header button{background:#fff;color:#0a4a9e;border:2px solid #fff;border-radius:.4rem;padding:.35rem .8rem;font-size:1rem;min-height:44px}
nav ul{list-style:none;margin:0;padding:.5rem;display:flex;flex-wrap:wrap;gap:.25rem;background:#eef3fa}
nav a,nav span{display:block;padding:.6rem .75rem;min-height:44px;border-radius:.4rem;text-decoration:none}
nav a[aria-current=page]{background:#0a4a9e;color:#fff;font-weight:bold}
nav span{color:#4a4a4a}
main{padding:1rem;max-width:60rem;margin:0 auto}
h1{font-size:1.5rem;margin:.5rem 0 1rem}
h2{font-size:1.2rem;margin:1.5rem 0 .5rem}
.card{border:1px solid #8c8c8c;border-radius:.5rem;padding:1rem;margin:0 0 1rem}
dl{display:grid;grid-template-columns:minmax(7rem,auto) 1fr;gap:.25rem 1rem;margin:0}
dt{font-weight:bold}
dd{margin:0}
.status{display:inline-block;padding:.1rem .6rem;border-radius:1rem;border:2px solid currentColor;font-weight:bold}
.ok{color:#1d5e20}
.wait{color:#7a4a00}
.error{color:#8a1c1c}
.alert{background:#fdeeee;color:#8a1c1c;border-left:.4rem solid #8a1c1c;padding:.75rem 1rem;margin:0 0 1rem}
.note{background:#eef3fa;border-left:.4rem solid #0a4a9e;padding:.75rem 1rem;margin:0 0 1rem}
table{border-collapse:collapse;width:100%;font-size:.95rem}
th,td{border:1px solid #8c8c8c;padding:.4rem .5rem;text-align:left;vertical-align:top}
th{background:#eef3fa}
.scroll{overflow-x:auto}
label{display:block;font-weight:bold;margin:.5rem 0 .25rem}
input[type=password]{font-size:1.5rem;letter-spacing:.5rem;width:9rem;padding:.4rem;border:2px solid #1b1b1b;border-radius:.4rem}
button.primary,a.button{display:inline-block;background:#0a4a9e;color:#fff;border:0;border-radius:.4rem;padding:.75rem 1.25rem;font-size:1.1rem;min-height:44px;margin-top:1rem;text-decoration:none;cursor:pointer}
button.primary:disabled{background:#6b6b6b}
.hash{font-family:monospace;font-size:.85rem;word-break:break-all}
.years ul{list-style:none;display:flex;flex-wrap:wrap;gap:.25rem;padding:0;margin:0 0 1rem}
.years a{display:block;padding:.5rem .75rem;min-height:44px;border:1px solid #0a4a9e;border-radius:.4rem;text-decoration:none}
.years a[aria-current=page]{background:#0a4a9e;color:#fff;font-weight:bold}
figure.chart-box{margin:0 0 1rem;border:1px solid #8c8c8c;border-radius:.5rem;padding:.5rem;max-width:32rem}
figure.chart-box svg{display:block;max-width:100%;height:auto}
figcaption{font-weight:bold;text-align:center}
td.yen div{text-align:right}
footer{padding:1rem;font-size:.9rem;color:#4a4a4a;border-top:1px solid #8c8c8c;margin-top:2rem}
@media (max-width:47.99rem){table thead{position:absolute;left:-9999px}
table,tbody,tr,td{display:block;width:100%}
caption{display:block;text-align:left;font-weight:bold;margin:0 0 .5rem}
tr{border:1px solid #8c8c8c;border-radius:.5rem;margin:0 0 .75rem;padding:.25rem .5rem}
td{border:0;border-bottom:1px solid #d0d0d0;display:grid;grid-template-columns:7.5rem 1fr;gap:.5rem}
td:last-child{border-bottom:0}
td::before{content:attr(data-label);font-weight:bold}
td ul{margin:0;padding-left:1.2rem}}
@media (min-width:48rem){main{padding:1.5rem 2rem}}
)css";

// The login: ask the reader agent about the card, get a challenge from the
// portal, have the agent sign it after the PIN, post the proof. The PIN goes
// only to the agent on this machine, never to the portal.
constexpr std::string_view kJs = R"js('use strict';
(() => {
  const form = document.getElementById('login');
  if (!form) return;
  const agent = form.dataset.agent;
  const status = document.getElementById('status');
  const error = document.getElementById('error');
  const pin = document.getElementById('pin');
  const button = form.querySelector('button');
  const say = (el, text) => { el.textContent = text; };
  const detail = async (r, fallback) => {
    try { const j = await r.json(); return j.detail || j.title || fallback; } catch (e) { return fallback; }
  };
  async function cardState() {
    try {
      const r = await fetch(agent + '/v1/card', { cache: 'no-store' });
      const j = await r.json();
      if (!r.ok) { say(status, j.detail || j.title); return; }
      say(status, j.blocked
        ? '暗証番号がロックされています。お住まいの市区町村の窓口で初期化してください。'
        : 'マイナンバーカードを読み取りました。暗証番号の残り回数：' + j.pinTriesLeft + '回');
    } catch (e) {
      say(status, 'カードリーダーのソフトウェア（onshi reader-agent）に接続できません。起動してから、このページを再読み込みしてください。');
    }
  }
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    say(error, '');
    if (!/^[0-9]{4}$/.test(pin.value)) {
      say(error, '暗証番号は数字4桁で入力してください。');
      pin.focus();
      return;
    }
    button.disabled = true;
    try {
      say(status, 'ログインしています。カードを読み取り機から離さないでください。');
      const c = await fetch('/portal/card/challenge', { method: 'POST' });
      if (!c.ok) throw new Error(await detail(c, 'サーバーに接続できません。'));
      const { challenge } = await c.json();
      let s;
      try {
        s = await fetch(agent + '/v1/sign', {
          method: 'POST', headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ challenge, pin: pin.value }),
        });
      } catch (e) {
        throw new Error('カードリーダーのソフトウェア（onshi reader-agent）に接続できません。');
      }
      pin.value = '';
      const signed = await s.json();
      if (!s.ok) {
        let text = signed.title || 'カードで署名できませんでした。';
        if (signed.blocked) text += ' お住まいの市区町村の窓口で暗証番号を初期化してください。';
        else if (typeof signed.pinTriesLeft === 'number') text += ' 残り回数：' + signed.pinTriesLeft + '回';
        throw new Error(text);
      }
      const l = await fetch('/portal/session', {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ certificate: signed.certificate, challenge, signature: signed.signature }),
      });
      if (!l.ok) throw new Error(await detail(l, 'ログインできませんでした。'));
      say(status, 'ログインしました。');
      location.assign('/portal/');
    } catch (e) {
      say(status, '');
      say(error, e.message);
      pin.focus();
    } finally {
      button.disabled = false;
    }
  });
  cardState();
})();
)js";

constexpr std::string_view kHead =
    "<!DOCTYPE html>\n<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";

std::string Footer() {
  return "<footer role=\"contentinfo\"><p>onshi マイナポータル（健康保険）— "
         "オンライン資格確認等システムの再現です。個人番号（マイナンバー）は表示しません。</p>"
         "</footer>\n";
}

}  // namespace

std::string PortalPage(std::string_view title, PortalNav active, std::string_view person_name,
                       std::string_view main_html) {
  struct Item {
    PortalNav nav;
    const char* href;
    const char* label;
  };
  static constexpr Item kItems[] = {
      {PortalNav::kTop, "/portal/", "トップ"},
      {PortalNav::kRegistration, "/portal/registration", "健康保険証利用登録"},
      {PortalNav::kQualification, "/portal/qualification", "資格情報"},
      {PortalNav::kMedical, "/portal/medical", "診療・お薬"},
      {PortalNav::kExpenses, "/portal/expenses", "医療費"},
      {PortalNav::kCheckups, "/portal/checkups", "特定健診"},
      {PortalNav::kDocuments, "/portal/documents", "交付された書類"},
      {PortalNav::kConsents, "/portal/consents", "同意の記録"},
      {PortalNav::kAccessLog, "/portal/access-log", "閲覧の記録"},
  };
  std::string out(kHead);
  out += "<title>" + HtmlEscape(title) + "｜マイナポータル（onshi）</title>\n";
  out += "<link rel=\"stylesheet\" href=\"/portal/assets/portal.css\">\n</head>\n<body>\n";
  out += "<a class=\"skip\" href=\"#main\">本文へ移動</a>\n";
  out += "<header role=\"banner\"><p class=\"brand\">マイナポータル（onshi）</p>";
  out += "<p class=\"who\">" + HtmlEscape(person_name) + " さん</p>";
  out +=
      "<form method=\"post\" action=\"/portal/logout\"><button type=\"submit\">ログアウト</button>"
      "</form></header>\n";
  out += "<nav aria-label=\"メニュー\"><ul>";
  for (const Item& i : kItems) {
    out += "<li><a href=\"" + std::string(i.href) + "\"";
    if (i.nav == active) out += " aria-current=\"page\"";
    out += ">" + std::string(i.label) + "</a></li>";
  }
  out += "</ul></nav>\n<main id=\"main\" tabindex=\"-1\">\n";
  out += main_html;
  out += "</main>\n" + Footer() + "</body>\n</html>\n";
  return out;
}

std::string PortalLoginPage(std::string_view agent, std::string_view notice) {
  std::string out(kHead);
  out += "<title>ログイン｜マイナポータル（onshi）</title>\n";
  out += "<link rel=\"stylesheet\" href=\"/portal/assets/portal.css\">\n";
  out += "<script src=\"/portal/assets/portal.js\" defer></script>\n</head>\n<body>\n";
  out += "<a class=\"skip\" href=\"#main\">本文へ移動</a>\n";
  out += "<header role=\"banner\"><p class=\"brand\">マイナポータル（onshi）</p></header>\n";
  out += "<main id=\"main\" tabindex=\"-1\">\n<h1>マイナンバーカードでログイン</h1>\n";
  if (!notice.empty()) out += "<p class=\"note\">" + HtmlEscape(notice) + "</p>\n";
  out +=
      "<p>マイナンバーカードをカードリーダーに置き、利用者証明用電子証明書の暗証番号（数字4桁）を"
      "入力してください。暗証番号はこの端末のカードリーダーのソフトウェアだけに渡され、"
      "サーバーには送られません。パスワードはありません。</p>\n"
      "<p id=\"status\" role=\"status\" aria-live=\"polite\"></p>\n"
      "<p id=\"error\" class=\"error\" role=\"alert\"></p>\n";
  out += "<form id=\"login\" data-agent=\"" + HtmlEscape(agent) + "\" novalidate>\n";
  out +=
      "<label for=\"pin\">利用者証明用電子証明書の暗証番号（数字4桁）</label>\n"
      "<input id=\"pin\" name=\"pin\" type=\"password\" inputmode=\"numeric\" "
      "autocomplete=\"off\" maxlength=\"4\" pattern=\"[0-9]{4}\" required "
      "aria-describedby=\"pin-help\">\n"
      "<p id=\"pin-help\">3回続けて間違えるとロックされ、市区町村の窓口での初期化が必要です。</p>\n"
      "<button class=\"primary\" type=\"submit\">ログイン</button>\n</form>\n</main>\n";
  out += Footer() + "</body>\n</html>\n";
  return out;
}

PortalAsset PortalAssetNamed(std::string_view name) {
  if (name == "portal.css") return {"text/css;charset=utf-8", kCss};
  if (name == "portal.js") return {"text/javascript;charset=utf-8", kJs};
  return {};
}

}  // namespace onshi::service
