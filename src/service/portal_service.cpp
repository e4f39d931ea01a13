#include "service/portal_service.hpp"

#include <boost/json.hpp>
#include <map>
#include <utility>
#include <vector>

#include "auth/base64url.hpp"
#include "core/copay.hpp"
#include "core/wareki.hpp"
#include "intermediate/print_run.hpp"
#include "municipal/registration.hpp"
#include "pdf/forms.hpp"
#include "pdf/page.hpp"
#include "service/access_log.hpp"
#include "service/card_check.hpp"
#include "service/portal_medical.hpp"
#include "service/portal_pages.hpp"
#include "service/router.hpp"
#include "store/audit_anchor.hpp"

namespace onshi::service {

struct PortalService::Who {
  std::string token;
  PortalSession session;
  store::PersonRecord person;
};

namespace {

namespace json = boost::json;

enum class Action {
  kTop,
  kLoginPage,
  kLogin,
  kLogout,
  kRegistration,
  kRegister,
  kQualification,
  kQualificationPdf,
  kMedical,
  kExpenses,
  kExpensesCsv,
  kCheckups,
  kDocuments,
  kConsents,
  kAccessLog,
  kAsset,
};

const Router<Action>& Routes() {
  static const Router<Action> kRoutes = [] {
    Router<Action> r;
    r.Add("GET", "/portal/", Action::kTop)
        .Add("GET", "/portal", Action::kTop)
        .Add("GET", "/portal/login", Action::kLoginPage)
        .Add("POST", "/portal/session", Action::kLogin)
        .Add("POST", "/portal/logout", Action::kLogout)
        .Add("GET", "/portal/registration", Action::kRegistration)
        .Add("POST", "/portal/registration", Action::kRegister)
        .Add("GET", "/portal/qualification", Action::kQualification)
        .Add("GET", "/portal/qualification.pdf", Action::kQualificationPdf)
        .Add("GET", "/portal/medical", Action::kMedical)
        .Add("GET", "/portal/expenses", Action::kExpenses)
        .Add("GET", "/portal/expenses.csv", Action::kExpensesCsv)
        .Add("GET", "/portal/checkups", Action::kCheckups)
        .Add("GET", "/portal/documents", Action::kDocuments)
        .Add("GET", "/portal/consents", Action::kConsents)
        .Add("GET", "/portal/access-log", Action::kAccessLog)
        .Add("GET", "/portal/assets/{name}", Action::kAsset);
    return r;
  }();
  return kRoutes;
}

http::Response Problem(int status, const std::string& title, const std::string& detail) {
  json::object o{{"type", "about:blank"}, {"title", title}, {"status", status}, {"detail", detail}};
  return {status, "application/problem+json", {}, json::serialize(o)};
}

http::Response SeeOther(const std::string& location) {
  http::Response r{303, "text/plain;charset=utf-8", {}, "see " + location + "\n"};
  r.headers.emplace_back("Location", location);
  return r;
}

std::string Jp(Date d) {
  auto w = FormatWareki(d);
  return w.ok() ? *w : d.ToIso();
}

// "2026-11-23T01:00:00Z" → "令和8年11月23日 10時00分" (JST).
std::string JpTime(const std::string& utc_iso) {
  std::time_t t = 0;
  if (!ParseTime(utc_iso, &t)) return utc_iso;
  const std::string c = JstCompactTime(t);  // YYYYMMDDHHmmss
  return Jp(JstDate(t)) + " " + c.substr(8, 2) + "時" + c.substr(10, 2) + "分";
}

std::string CookieValue(const http::Request& r, std::string_view name) {
  const std::string header = r.Header("Cookie");
  std::string_view rest = header;
  while (!rest.empty()) {
    const size_t semi = rest.find(';');
    std::string_view pair = rest.substr(0, semi);
    while (!pair.empty() && pair.front() == ' ')
      pair.remove_prefix(1);
    if (pair.size() > name.size() && pair.substr(0, name.size()) == name &&
        pair[name.size()] == '=') {
      return std::string(pair.substr(name.size() + 1));
    }
    if (semi == std::string_view::npos) break;
    rest = rest.substr(semi + 1);
  }
  return "";
}

// A form or login posted from another site: the browser says so in
// Sec-Fetch-Site (every current browser sends it); without it, an Origin
// naming another host than the one asked is refused.
bool CrossSite(const http::Request& r) {
  const std::string site = r.Header("Sec-Fetch-Site");
  if (!site.empty()) return site != "same-origin" && site != "none";
  const std::string origin = r.Header("Origin");
  if (origin.empty()) return false;
  const size_t scheme = origin.find("://");
  return scheme == std::string::npos || origin.substr(scheme + 3) != r.Header("Host");
}

// 限度額適用区分 (OQSCD012) in words.
std::string LimitCategoryLabel(const std::string& flag) {
  static const std::map<std::string, std::string> kLabels = {
      {"A01", "区分ア"},          {"A02", "区分イ"},
      {"A03", "区分ウ"},          {"A04", "区分エ"},
      {"A05", "区分オ"},          {"A06", "区分オ（境）"},
      {"B01", "現役並みⅢ"},       {"B02", "現役並みⅡ"},
      {"B03", "現役並みⅠ"},       {"B04", "一般"},
      {"B05", "低所得Ⅱ"},         {"B06", "低所得Ⅰ"},
      {"B07", "低所得Ⅰ（老福）"}, {"B08", "低所得Ⅰ（境）"},
      {"B09", "一般Ⅱ"},           {"B10", "一般Ⅰ"}};
  auto it = kLabels.find(flag);
  return it == kLabels.end() ? flag : it->second + "（" + flag + "）";
}

std::string StatusClass(std::string_view label) {
  if (label.rfind("登録エラー", 0) == 0) return "error";
  if (label.rfind("データ連携中", 0) == 0) return "wait";
  return "ok";
}

// A table cell that names its column, for the phone layout, where each row
// becomes a card and the header row is hidden (portal_pages.cpp's style).
std::string Td(std::string_view label, std::string_view html, std::string_view cls = "") {
  std::string out = "<td data-label=\"" + std::string(label) + "\"";
  if (!cls.empty()) out += " class=\"" + std::string(cls) + "\"";
  return out + "><div>" + std::string(html) + "</div></td>";
}

std::string Row(std::string_view label, std::string_view value_html) {
  return "<dt>" + std::string(label) + "</dt><dd>" + std::string(value_html) + "</dd>";
}

// The qualifications the 資格情報 page shows: those facilities can see and
// that cover today or start later.
std::vector<Qualification> CurrentQualifications(store::Store& store, int64_t person, Date today) {
  std::vector<Qualification> out;
  for (Qualification& q : store.QualificationsOfPerson(person)) {
    if (q.VisibleOn(today) && (!q.lost || *q.lost > today)) out.push_back(std::move(q));
  }
  return out;
}

}  // namespace

PortalService::PortalService(StorePool& stores, const Clock& clock, AuditWriter& audit,
                             JpkiTrust& jpki, const card::IssuerKey& issuer_key,
                             std::string cards_dir, ChallengeBook& challenges,
                             PortalOptions options)
    : stores_(stores),
      clock_(clock),
      audit_(audit),
      jpki_(jpki),
      issuer_key_(issuer_key),
      cards_dir_(std::move(cards_dir)),
      challenges_(challenges),
      options_(std::move(options)),
      sessions_(options_.sessions) {}

void PortalService::Audit(std::time_t now, const std::string& action, int64_t person_id,
                          std::string detail) {
  audit_.Append({0, UtcIsoTime(now), "person", action, person_id, std::move(detail), "", ""});
}

http::Response PortalService::Page(std::string body) const {
  http::Response r{200, "text/html;charset=UTF-8", {}, std::move(body)};
  // Nothing inline; the script talks to this origin and the reader agent.
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'none'; script-src 'self'; style-src 'self'; "
                         "img-src 'self'; connect-src 'self' " +
                             options_.reader_agent +
                             "; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  r.headers.emplace_back("Referrer-Policy", "same-origin");
  return r;
}

std::optional<PortalService::Who> PortalService::SessionOf(const http::Request& request,
                                                           std::time_t now) {
  const std::string token = CookieValue(request, kPortalCookie);
  if (token.empty()) return std::nullopt;
  auto session = sessions_.Find(token, now);
  if (!session) return std::nullopt;
  store::Store& store = stores_.ForThisThread();
  // A card suspended or revoked since the login (the hotline, R-CARD-6)
  // ends its sessions at once.
  auto card = store.GetCard(session->card_id);
  auto person = store.GetPerson(session->person_id);
  if (!card || card->status != store::CardState::kActive || !person) {
    sessions_.Close(token);
    return std::nullopt;
  }
  return Who{token, *session, *person};
}

http::Response PortalService::Handle(const http::Request& request) {
  const std::time_t now = clock_.Now();
  const auto found = Routes().Find(request.method, request.target);
  if (!found.value) return NotRouted(found.match, request.method);
  const Action action = *found.value;
  switch (action) {
    case Action::kAsset: {
      const PortalAsset a = PortalAssetNamed(found.match.params.Text("name"));
      if (a.content_type.empty()) {
        return Problem(404, "not found", "no such asset: " + found.match.params.Text("name"));
      }
      return {200, std::string(a.content_type), {}, std::string(a.body)};
    }
    case Action::kLoginPage: {
      const std::string target = request.target;
      std::string notice;
      if (target.find("expired=1") != std::string::npos) {
        notice = "ログインの有効期限が切れました。もう一度ログインしてください。";
      } else if (target.find("bye=1") != std::string::npos) {
        notice = "ログアウトしました。";
      }
      return Page(PortalLoginPage(options_.reader_agent, notice));
    }
    case Action::kLogin:
      if (CrossSite(request)) return Problem(403, "cross-site login refused", "ログインできません");
      return Login(request, now);
    case Action::kLogout:
      if (CrossSite(request)) return Problem(403, "cross-site request refused", "");
      return Logout(request);
    default:
      break;
  }
  auto who = SessionOf(request, now);
  if (!who) {
    // A page asked without a live session: to the login (the cookie, if it
    // was sent, named a session that has ended).
    return SeeOther(CookieValue(request, kPortalCookie).empty() ? "/portal/login"
                                                                : "/portal/login?expired=1");
  }
  switch (action) {
    case Action::kTop:
      return Top(*who, now);
    case Action::kRegistration: {
      const bool done = request.target.find("done=1") != std::string::npos;
      return Registration(*who, now,
                          done ? "健康保険証利用登録が完了しました。" : std::string_view());
    }
    case Action::kRegister:
      if (CrossSite(request)) return Problem(403, "cross-site request refused", "");
      return Register(*who, now);
    case Action::kQualification:
      return Qualification(*who, now);
    case Action::kQualificationPdf:
      return QualificationPdf(*who, now);
    case Action::kMedical:
    case Action::kExpenses:
    case Action::kExpensesCsv:
    case Action::kCheckups:
      return Medical(*who, now,
                     action == Action::kMedical       ? 0
                     : action == Action::kExpenses    ? 1
                     : action == Action::kExpensesCsv ? 2
                                                      : 3,
                     request.target);
    case Action::kDocuments:
      return Documents(*who, now);
    case Action::kConsents:
      return Consents(*who, now);
    case Action::kAccessLog:
      return AccessLog(*who, now);
    default:
      break;
  }
  return Problem(500, "unrouted", "no handler for this portal route");
}

// --- login --------------------------------------------------------------------

http::Response PortalService::Login(const http::Request& request, std::time_t now) {
  boost::system::error_code ec;
  const json::value v = json::parse(request.body, ec);
  if (ec || !v.is_object()) {
    return Problem(400, "bad login",
                   "the body is a JSON object {certificate, challenge, signature}");
  }
  std::vector<uint8_t> fields[3];
  const char* names[3] = {"certificate", "challenge", "signature"};
  for (int i = 0; i < 3; ++i) {
    const json::value* f = v.as_object().if_contains(names[i]);
    std::optional<std::string> bytes;
    if (f && f->is_string()) bytes = auth::Base64UrlDecode(std::string_view(f->as_string()));
    if (!bytes || bytes->empty()) {
      Audit(now, "portal.login", 0, std::string("refused ") + names[i] + ": missing");
      return Problem(i == 1 ? 400 : 401, "card proof required",
                     std::string(names[i]) +
                         ": base64url value required; sign the challenge "
                         "with the My Number card");
    }
    fields[i].assign(bytes->begin(), bytes->end());
  }
  store::Store& store = stores_.ForThisThread();
  auto card = AuthenticateCard(store, *jpki_.Current(), challenges_, fields[0], fields[1],
                               fields[2], "portal", now);
  if (!card.ok()) {
    Audit(now, "portal.login", 0, "refused " + card.error().ToString());
    return Problem(card.error().field == "certificate" ? 403 : 401, "card not accepted",
                   card.error().ToString());
  }
  const std::string token = sessions_.Open(card->person.person_id, card->card.card_id, now);
  Audit(now, "portal.login", card->person.person_id,
        "ok card=" + std::to_string(card->card.card_id) +
            " session_seconds=" + std::to_string(options_.sessions.absolute_seconds));
  http::Response r{204, "text/plain", {}, ""};
  // The token never reaches the page's script (HttpOnly), travels over TLS
  // only (Secure) and never with a request another site starts (Strict).
  r.headers.emplace_back("Set-Cookie", std::string(kPortalCookie) + "=" + token +
                                           "; Path=/portal; Max-Age=" +
                                           std::to_string(options_.sessions.absolute_seconds) +
                                           "; HttpOnly; Secure; SameSite=Strict");
  return r;
}

http::Response PortalService::Logout(const http::Request& request) {
  const std::string token = CookieValue(request, kPortalCookie);
  if (!token.empty()) sessions_.Close(token);
  http::Response r = SeeOther("/portal/login?bye=1");
  r.headers.emplace_back("Set-Cookie", std::string(kPortalCookie) +
                                           "=; Path=/portal; Max-Age=0; HttpOnly; Secure; "
                                           "SameSite=Strict");
  return r;
}

// --- pages --------------------------------------------------------------------

namespace {

std::string RegistrationsHtml(const municipal::RegistrationOverview& o) {
  std::string out;
  if (o.registrations.empty()) {
    out +=
        "<p "
        "class=\"alert\">医療保険の資格が登録されていません。勤務先や保険者が届出をしたか確認して"
        "ください（マイナ保険証として使うには、保険者の登録も必要です）。</p>\n";
    return out;
  }
  for (const municipal::InsurerRegistration& r : o.registrations) {
    out += "<div class=\"card\"><dl>";
    out += Row("保険者", HtmlEscape(r.insurer_name));
    out += Row("資格取得年月日", Jp(r.since));
    out += Row("連携状況", "<span class=\"status " + StatusClass(r.status.label) + "\">" +
                               HtmlEscape(r.status.label) + "</span>");
    if (!r.status.advice.empty()) out += Row("ご案内", HtmlEscape(r.status.advice));
    out += "</dl></div>\n";
  }
  return out;
}

}  // namespace

http::Response PortalService::Top(const Who& who, std::time_t now) {
  const Date today = JstDate(now);
  municipal::Registrar registrar(stores_.ForThisThread(), issuer_key_, cards_dir_);
  const municipal::RegistrationOverview o = registrar.Status(who.person.person_id, today);
  bool registered = false;
  for (const municipal::CredentialStatus& c : o.credentials) {
    if (c.card_id == who.session.card_id && c.registered_on) registered = true;
  }
  std::string main =
      "<h1>トップ</h1>\n<section aria-labelledby=\"reg\"><h2 id=\"reg\">"
      "健康保険証利用登録</h2>\n";
  if (registered) {
    main +=
        "<p><span class=\"status ok\">登録済み</span> このマイナンバーカードは健康保険証として"
        "利用登録されています。</p>\n";
  } else {
    main +=
        "<p><span class=\"status wait\">未登録</span> このマイナンバーカードはまだ健康保険証として"
        "利用登録されていません。</p>\n<p><a class=\"button\" href=\"/portal/registration\">"
        "利用登録へ進む</a></p>\n";
  }
  main += o.usable_as_insurance_card
              ? "<p class=\"note\">医療機関・薬局でマイナ保険証として利用できます。</p>\n"
              : "<p class=\"alert\">現在、医療機関・薬局でマイナ保険証として利用できません。"
                "利用登録と保険者の登録（資格情報）を確認してください。</p>\n";
  main += "</section>\n<section aria-labelledby=\"ins\"><h2 id=\"ins\">医療保険の登録状況</h2>\n";
  main += RegistrationsHtml(o);
  main +=
      "<p><a href=\"/portal/qualification\">資格情報を見る・PDFで保存する</a></p>\n</section>\n";
  return Page(PortalPage("トップ", PortalNav::kTop, who.person.name, main));
}

http::Response PortalService::Registration(const Who& who, std::time_t now,
                                           std::string_view notice) {
  const Date today = JstDate(now);
  municipal::Registrar registrar(stores_.ForThisThread(), issuer_key_, cards_dir_);
  const municipal::RegistrationOverview o = registrar.Status(who.person.person_id, today);
  std::string main = "<h1>健康保険証利用登録</h1>\n";
  if (!notice.empty()) main += "<p class=\"note\" role=\"status\">" + HtmlEscape(notice) + "</p>\n";
  bool this_registered = false;
  main +=
      "<div class=\"scroll\"><table><caption>マイナンバーカード等の登録状況</caption>"
      "<thead><tr><th scope=\"col\">種類</th><th scope=\"col\">利用登録</th>"
      "<th scope=\"col\">状態</th></tr></thead><tbody>\n";
  for (const municipal::CredentialStatus& c : o.credentials) {
    const bool mine = c.card_id == who.session.card_id;
    if (mine && c.registered_on) this_registered = true;
    std::string kind = c.kind == store::CredentialKind::kCard
                           ? (c.face_only ? "マイナンバーカード（顔認証）" : "マイナンバーカード")
                           : "スマートフォン";
    if (mine) kind += "（ログイン中のカード）";
    std::string reg;
    if (c.registered_on) {
      reg = "<span class=\"status ok\">登録済み</span> " + Jp(*c.registered_on) + "（" +
            std::string(municipal::ChannelWords(c.channel)) + "）";
    } else if (c.registration_lapsed) {
      reg = "<span class=\"status error\">登録取消</span> 電子証明書の更新後に再登録が必要です";
    } else {
      reg = "<span class=\"status wait\">未登録</span>";
    }
    std::string state(municipal::UsabilityWords(c));
    if (c.pin_locked && c.state != store::CardState::kRevoked) {
      state += "／暗証番号ロック中（市区町村の窓口で初期化）";
    }
    main += "<tr>" + Td("種類", HtmlEscape(kind)) + Td("利用登録", reg) +
            Td("状態", HtmlEscape(state)) + "</tr>\n";
  }
  main += "</tbody></table></div>\n";
  if (!this_registered) {
    // R-REG-2: one step — the login already asked the card's PIN.
    main +=
        "<form method=\"post\" action=\"/portal/registration\">\n"
        "<p>ログイン中のマイナンバーカードを健康保険証として利用登録します。登録は一度だけで、"
        "保険者が変わっても登録し直す必要はありません。</p>\n"
        "<button class=\"primary\" type=\"submit\">健康保険証として利用登録する</button>\n"
        "</form>\n";
  }
  if (!o.has_current_insurer) {
    main +=
        "<p class=\"alert\">保険者による資格情報の登録がまだ確認できません。利用登録だけでは"
        "マイナ保険証として使えません（R-REG-5）。</p>\n";
  }
  return Page(PortalPage("健康保険証利用登録", PortalNav::kRegistration, who.person.name, main));
}

http::Response PortalService::Register(const Who& who, std::time_t now) {
  municipal::Registrar registrar(stores_.ForThisThread(), issuer_key_, cards_dir_);
  municipal::RegistrationRequest req;
  req.card_id = who.session.card_id;
  req.channel = municipal::RegistrationChannel::kPortal;
  req.actor = "person";
  auto done = registrar.Register(req, now);
  if (!done.ok()) {
    http::Response r = Registration(who, now, "利用登録できませんでした：" + done.error().message);
    r.status = 409;
    return r;
  }
  return SeeOther("/portal/registration?done=1");
}

http::Response PortalService::Qualification(const Who& who, std::time_t now) {
  const Date today = JstDate(now);
  store::Store& store = stores_.ForThisThread();
  municipal::Registrar registrar(store, issuer_key_, cards_dir_);
  const municipal::RegistrationOverview o = registrar.Status(who.person.person_id, today);
  std::string main = "<h1>資格情報</h1>\n";
  main +=
      "<p>医療機関・薬局の機器で資格が確認できないときは、この画面か、PDFを提示してください。</"
      "p>\n";
  main +=
      "<p><a class=\"button\" id=\"pdf\" href=\"/portal/qualification.pdf\" download>"
      "資格情報をPDFで保存する</a></p>\n";
  const std::vector<onshi::Qualification> quals =
      CurrentQualifications(store, who.person.person_id, today);
  if (quals.empty()) {
    main += "<p class=\"alert\">現在、登録されている医療保険の資格情報はありません。</p>\n";
  }
  for (const onshi::Qualification& q : quals) {
    const auto insurer = store.GetInsurer(q.insurer_number);
    const std::string insurer_name = insurer ? insurer->name : q.insurer_name;
    main += "<section class=\"card qualification\" aria-label=\"" + HtmlEscape(insurer_name) +
            "\"><h2>" + HtmlEscape(insurer_name) + "</h2><dl>";
    main += Row("保険者番号", HtmlEscape(q.insurer_number));
    main += Row("記号", HtmlEscape(q.symbol.empty() ? "—" : q.symbol));
    main += Row("番号", HtmlEscape(q.number));
    main += Row("枝番", HtmlEscape(q.branch));
    main += Row("本人・家族",
                q.personal_family == PersonalFamily::kDependent ? "家族（被扶養者）" : "本人");
    main += Row("資格取得年月日", Jp(q.acquired));
    if (q.lost) main += Row("資格喪失年月日", Jp(*q.lost));
    main += Row("一部負担金の割合", std::to_string(CopayPercentOn(q, today) / 10) + "割");
    const LimitCertificate* limit = q.LimitOn(today);
    main += Row("限度額適用区分",
                limit ? HtmlEscape(LimitCategoryLabel(limit->category_flag)) : "—（認定なし）");
    main += Row("連携状況", "<span class=\"status ok\">登録済み</span>");
    main += "</dl></section>\n";
  }
  // R-LINK-4, R-LINK-7: registrations not in force yet (データ連携中) or
  // refused (登録エラー), with what to do.
  std::string pending;
  for (const municipal::InsurerRegistration& r : o.registrations) {
    if (r.in_force) continue;
    pending += "<div class=\"card\"><dl>" + Row("保険者", HtmlEscape(r.insurer_name)) +
               Row("資格取得年月日", Jp(r.since)) +
               Row("連携状況", "<span class=\"status " + StatusClass(r.status.label) + "\">" +
                                   HtmlEscape(r.status.label) + "</span>") +
               Row("ご案内", HtmlEscape(r.status.advice)) + "</dl></div>\n";
  }
  if (!pending.empty()) {
    main +=
        "<section aria-labelledby=\"pending\"><h2 id=\"pending\">反映待ち・登録エラーの届出"
        "</h2>\n" +
        pending + "</section>\n";
  }
  return Page(PortalPage("資格情報", PortalNav::kQualification, who.person.name, main));
}

http::Response PortalService::QualificationPdf(const Who& who, std::time_t now) {
  const Date today = JstDate(now);
  store::Store& store = stores_.ForThisThread();
  municipal::Registrar registrar(store, issuer_key_, cards_dir_);
  const municipal::RegistrationOverview o = registrar.Status(who.person.person_id, today);
  pdf::PortalQualificationFields f;
  f.name = o.name;
  f.name_kana = o.name_kana;
  f.birth_date = who.person.birth_date;
  const std::string c = JstCompactTime(now);
  f.printed_at = Jp(today) + " " + c.substr(8, 2) + "時" + c.substr(10, 2) + "分";
  for (const onshi::Qualification& q : CurrentQualifications(store, who.person.person_id, today)) {
    store::InsurerRecord insurer;
    if (auto i = store.GetInsurer(q.insurer_number)) insurer = *i;
    insurer.insurer_number = q.insurer_number;
    if (insurer.name.empty()) insurer.name = q.insurer_name;
    pdf::PortalQualificationEntry e;
    e.member = intermediate::MemberFieldsOf(q, insurer, today);
    e.lost = q.lost;
    if (const LimitCertificate* l = q.LimitOn(today)) {
      e.limit_category = LimitCategoryLabel(l->category_flag);
    }
    e.linkage = "登録済み";
    f.entries.push_back(std::move(e));
  }
  for (const municipal::InsurerRegistration& r : o.registrations) {
    if (r.in_force) continue;
    pdf::PortalQualificationEntry e;
    e.member.insurer_name = r.insurer_name;
    e.member.name = o.name;
    e.member.birth_date = who.person.birth_date;
    e.member.acquired = r.since;
    e.linkage = std::string(r.status.label);
    e.advice = std::string(r.status.advice);
    f.entries.push_back(std::move(e));
  }
  pdf::PdfWriter writer;
  for (const pdf::Page& page : pdf::PortalQualification(f))
    writer.Add(page);
  Audit(now, "portal.qualification.pdf", who.person.person_id,
        "entries=" + std::to_string(f.entries.size()));
  http::Response r{200, "application/pdf", {}, writer.Finish()};
  r.headers.emplace_back("Content-Disposition",
                         "attachment; filename=\"shikaku-" + today.ToCompact() + ".pdf\"");
  return r;
}

http::Response PortalService::Documents(const Who& who, std::time_t now) {
  const Date today = JstDate(now);
  store::Store& store = stores_.ForThisThread();
  std::string rows;
  int count = 0;
  for (const onshi::Qualification& q : store.QualificationsOfPerson(who.person.person_id)) {
    const auto insurer = store.GetInsurer(q.insurer_number);
    const std::string insurer_name = insurer ? insurer->name : q.insurer_name;
    for (const store::DocumentRecord& d : store.DocumentsOfMember(q.member_id)) {
      ++count;
      std::string label(DocumentKindLabel(d.kind));
      if (d.form) label += "（" + std::string(CertificateFormLabel(*d.form)) + "）";
      // Whether it still counts today: returned, past its date, or its
      // membership over (a 資格確認書 ends with the membership, R-DOC-10).
      std::string state, cls = "ok";
      const bool certificate = d.kind == DocumentKind::kCertificate ||
                               d.kind == DocumentKind::kShortTermCertificate ||
                               d.kind == DocumentKind::kLegacyCard;
      if (d.returned_on) {
        state = "返還済み（" + Jp(*d.returned_on) + "）", cls = "wait";
      } else if (certificate && q.lost && *q.lost <= today) {
        state = "無効（資格喪失）", cls = "error";
      } else if (certificate && d.valid_until && *d.valid_until < today) {
        state = "有効期限切れ", cls = "error";
      } else if (certificate) {
        state = "有効";
      } else {
        state = "—";
        cls = "";
      }
      rows += "<tr>" + Td("書類", HtmlEscape(label)) + Td("保険者", HtmlEscape(insurer_name)) +
              Td("交付年月日", Jp(d.issued_on)) +
              Td("有効期限", d.valid_until ? Jp(*d.valid_until) : std::string("—")) +
              Td("発送",
                 d.printed_on ? "発送済み（" + Jp(*d.printed_on) + "）" : std::string("準備中")) +
              Td("状態",
                 cls.empty() ? state : "<span class=\"status " + cls + "\">" + state + "</span>") +
              "</tr>\n";
    }
  }
  std::string main = "<h1>交付された書類</h1>\n";
  main += "<p>保険者から交付された資格確認書・資格情報のお知らせなどです（" +
          std::to_string(count) + "件）。</p>\n";
  if (count == 0) {
    main += "<p class=\"note\">交付された書類はありません。</p>\n";
  } else {
    main +=
        "<div class=\"scroll\"><table id=\"documents\"><caption>交付された書類と有効期限"
        "</caption><thead><tr><th scope=\"col\">書類</th><th scope=\"col\">保険者</th>"
        "<th scope=\"col\">交付年月日</th><th scope=\"col\">有効期限</th>"
        "<th scope=\"col\">発送</th><th scope=\"col\">状態</th></tr></thead><tbody>\n" +
        rows + "</tbody></table></div>\n";
  }
  return Page(PortalPage("交付された書類", PortalNav::kDocuments, who.person.name, main));
}

// --- the medical pages (portal_medical.hpp) -------------------------------------

http::Response PortalService::Medical(const Who& who, std::time_t now, int page,
                                      const std::string& target) {
  store::Store& store = stores_.ForThisThread();
  const Date today = JstDate(now);
  const int64_t person = who.person.person_id;
  std::string detail;
  if (page == 0) {
    const std::string main = MedicalMain(store, person, today, detail);
    Audit(now, "portal.medical", person, detail);
    return Page(PortalPage("診療・お薬の情報", PortalNav::kMedical, who.person.name, main));
  }
  if (page == 3) {
    const std::string main = CheckupsMain(store, person, detail);
    Audit(now, "portal.checkups", person, detail);
    return Page(PortalPage("特定健診", PortalNav::kCheckups, who.person.name, main));
  }
  const auto year = YearOfQuery(target, today.year());
  if (!year) {
    return {400,
            "text/plain;charset=utf-8",
            {},
            "年は 2000 から今年までの西暦4桁で指定してください（year=2026）。\n"};
  }
  if (page == 1) {
    const std::string main = ExpensesMain(store, person, today, *year, detail);
    Audit(now, "portal.expenses", person, detail);
    return Page(PortalPage("医療費", PortalNav::kExpenses, who.person.name, main));
  }
  const auto lines = ExpenseLinesOfYear(store, person, *year);
  Audit(now, "portal.expenses.csv", person,
        "year=" + std::to_string(*year) + " lines=" + std::to_string(lines.size()));
  http::Response r{200, "text/csv;charset=utf-8", {}, ExpenseCsv(lines, who.person.name)};
  const std::string y = std::to_string(*year);
  // An ASCII name for every browser, the Japanese one (RFC 6266) for those
  // that read it: 医療費-YYYY.csv.
  r.headers.emplace_back("Content-Disposition",
                         "attachment; filename=\"iryohi-" + y +
                             ".csv\"; filename*=UTF-8''%E5%8C%BB%E7%99%82%E8%B2%BB-" + y + ".csv");
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

http::Response PortalService::Consents(const Who& who, std::time_t now) {
  audit_.Flush();  // a check answered a moment ago is listed
  store::Store& store = stores_.ForThisThread();
  std::map<std::string, std::string> names;
  std::string rows;
  int count = 0;
  const std::vector<store::AuditEntry> entries =
      AccessEntriesOf(store, who.person.person_id, options_.check_log);
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    const auto r = ReadAccess(*it);
    // Consents given at a reader; a clinical read only relied on them.
    if (!r || r->consents.empty() || r->method == "clinical") continue;
    if (!names.count(r->facility_code)) {
      auto f = store.GetFacility(r->facility_code);
      names[r->facility_code] = f ? f->name : r->facility_code;
    }
    ++count;
    std::string list;
    for (const GivenConsent& c : r->consents) {
      list += "<li>" + HtmlEscape(ConsentKindLabel(c.kind)) + "：" +
              HtmlEscape(ConsentFlagLabel(c.kind, c.flag)) + "</li>";
    }
    rows += "<tr>" + Td("日時", JpTime(r->at)) +
            Td("医療機関・薬局", HtmlEscape(names[r->facility_code]) + "<br><small>" +
                                     HtmlEscape(r->facility_code) + "</small>") +
            Td("同意の内容", "<ul>" + list + "</ul>") + "</tr>\n";
  }
  std::string main = "<h1>同意の記録</h1>\n";
  main +=
      "<p>医療機関・薬局のカードリーダーで、あなたが選んだ情報提供への同意です。"
      "診療・薬剤・手術・特定健診の情報の閲覧への同意は、同意した時から24時間有効です。</p>\n";
  (void)now;
  if (count == 0) {
    main += "<p class=\"note\">記録はありません。</p>\n";
  } else {
    main +=
        "<div class=\"scroll\"><table id=\"consents\"><caption>同意の記録（新しい順）</caption>"
        "<thead><tr><th scope=\"col\">日時</th><th scope=\"col\">医療機関・薬局</th>"
        "<th scope=\"col\">同意の内容</th></tr></thead><tbody>\n" +
        rows + "</tbody></table></div>\n";
  }
  return Page(PortalPage("同意の記録", PortalNav::kConsents, who.person.name, main));
}

http::Response PortalService::AccessLog(const Who& who, std::time_t now) {
  audit_.Flush();  // a check answered a moment ago is listed
  store::Store& store = stores_.ForThisThread();
  std::map<std::string, std::string> names;
  const std::vector<store::AuditEntry> entries =
      AccessEntriesOf(store, who.person.person_id, options_.check_log);
  std::string rows;
  int self_consistent = 0;
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    const auto r = ReadAccess(*it);
    if (!r) continue;
    if (!names.count(r->facility_code)) {
      auto f = store.GetFacility(r->facility_code);
      names[r->facility_code] = f ? f->name : r->facility_code;
    }
    // Each entry's own hash, recomputed from its fields: an entry edited
    // in place shows here even before the chain is walked.
    const bool ok = store::AuditEntryHash(*it) == it->hash;
    if (ok) ++self_consistent;
    std::string consent;
    for (const GivenConsent& c : r->consents) {
      if (!consent.empty()) consent += "、";
      consent += ConsentKindLabel(c.kind) + "：" + ConsentFlagLabel(c.kind, c.flag);
    }
    if (consent.empty()) {
      consent = r->method == "card"       ? "同意の選択なし"
                : r->method == "clinical" ? "同意なし（内容は伝えていません）"
                                          : "—（保険証の記号・番号による確認）";
    }
    rows += "<tr data-seq=\"" + std::to_string(r->seq) + "\">" + Td("日時", JpTime(r->at)) +
            Td("医療機関・薬局", HtmlEscape(names[r->facility_code]) + "<br><small>" +
                                     HtmlEscape(r->facility_code) + "</small>") +
            Td("確認の方法", HtmlEscape(AccessMethodLabel(*r)), "how") +
            Td("結果", HtmlEscape(ValidityLabel(r->validity))) + Td("同意", HtmlEscape(consent)) +
            Td("記録番号・ハッシュ", "<span class=\"hash\">No." + std::to_string(r->seq) + " " +
                                         HtmlEscape(r->hash.substr(0, 16)) + "…</span> " +
                                         (ok ? "<span class=\"ok\">✓ 一致</span>"
                                             : "<span class=\"error\">✗ 不一致</span>")) +
            "</tr>\n";
  }
  // The whole chain against the anchors kept outside the database
  // (store/audit_anchor.hpp): what "verifiable" means here. It walks every
  // entry, so its cost grows with the log (see README).
  const store::AuditVerification v = store::VerifyAuditChainAnchored(store, audit_.anchors());
  std::string main = "<h1>閲覧の記録</h1>\n";
  main +=
      "<p>あなたの資格情報を確認した医療機関・薬局、日時、確認の方法と、その時の同意です。"
      "記録は改ざんできない形（ハッシュの連鎖）で保存されています。</p>\n";
  main += "<section aria-labelledby=\"verify\" id=\"verification\" data-intact=\"" +
          std::string(v.intact ? "true" : "false") + "\"><h2 id=\"verify\">記録の検証</h2>\n";
  if (v.intact) {
    main += "<p class=\"note\"><span class=\"status ok\">改ざんなし</span> 記録全体（" +
            std::to_string(v.entries) + "件）のハッシュの連鎖を検証しました。" +
            (v.anchored ? "No." + std::to_string(v.anchored_through) +
                              "までは、データベースの外に保管した署名付きの控え（アンカー）とも"
                              "一致しました。"
                        : std::string("アンカーはまだありません。")) +
            "</p>\n";
  } else {
    main += "<p class=\"alert\"><span class=\"status error\">改ざんの疑い</span> No." +
            std::to_string(v.first_bad_seq.value_or(0)) +
            "で記録の連鎖が一致しません。お問い合わせください。</p>\n";
  }
  main += "<p>あなたの記録" + std::to_string(entries.size()) + "件のうち" +
          std::to_string(self_consistent) + "件で、各記録のハッシュ値が内容と一致しました。</p>\n";
  main += "</section>\n";
  if (rows.empty()) {
    main += "<p class=\"note\">閲覧の記録はありません。</p>\n";
  } else {
    main +=
        "<div class=\"scroll\"><table id=\"access-log\"><caption>閲覧の記録（新しい順）"
        "</caption><thead><tr><th scope=\"col\">日時</th><th scope=\"col\">医療機関・薬局</th>"
        "<th scope=\"col\">確認の方法</th><th scope=\"col\">結果</th>"
        "<th scope=\"col\">同意</th><th scope=\"col\">記録番号・ハッシュ</th></tr></thead>"
        "<tbody>\n" +
        rows + "</tbody></table></div>\n";
  }
  main += OwnReadsSection(store, who.person.person_id);
  Audit(now, "portal.access_log", who.person.person_id,
        std::string("verified=") + (v.intact ? "intact" : "broken"));
  return Page(PortalPage("閲覧の記録", PortalNav::kAccessLog, who.person.name, main));
}

}  // namespace onshi::service
