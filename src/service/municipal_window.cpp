#include "service/municipal_window.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <algorithm>
#include <optional>
#include <vector>

#include "core/html_escape.hpp"
#include "jpki/jpki_ca.hpp"
#include "municipal/card_office.hpp"
#include "municipal/registration.hpp"
#include "municipal/residency.hpp"
#include "municipal/resident_search.hpp"
#include "service/clock.hpp"
#include "service/multipart_form.hpp"
#include "service/staff_page.hpp"

namespace onshi::service {
namespace {

constexpr std::string_view kBase = "/municipal/window";

std::optional<std::string> QueryValue(const std::string& target, std::string_view key) {
  auto u = boost::urls::parse_origin_form(target);
  if (!u) return std::nullopt;
  auto params = u->params();
  auto it = params.find(key);
  if (it == params.end()) return std::nullopt;
  return std::string((*it).value);
}

std::string E(std::string_view s) {
  return HtmlEscape(s);
}

std::string PersonUrl(int64_t id) {
  return std::string(kBase) + "/persons/" + std::to_string(id);
}

// One action of the window: its route word, Japanese name, what the clerk
// is told before confirming, and whether it needs a PIN (required) or
// takes one (optional: none makes a 顔認証 card).
struct Action {
  std::string_view code;
  std::string_view name;
  std::string_view explains;
  enum { kNoPin, kOptionalPin, kRequiredPin } pin;
  bool on_card;  // acts on one card (else on the person: 交付)
};

constexpr Action kActions[] = {
    {"issue", "マイナンバーカードの交付",
     "新しいカードと利用者証明用電子証明書を発行します。暗証番号を入力しない場合は顔認証"
     "マイナンバーカード（暗証番号なし）になります。",
     Action::kOptionalPin, false},
    {"renew", "電子証明書の更新",
     "カードの利用者証明用電子証明書を更新します（有効期限の3か月前から）。古い証明書は失効します"
     "。",
     Action::kNoPin, true},
    {"suspend", "一時利用停止",
     "カードの電子証明書をただちに失効させ、カードを一時利用停止にします（紛失の届出など）。",
     Action::kNoPin, true},
    {"resume", "一時利用停止の解除",
     "本人確認のうえ、同じカードに新しい電子証明書を発行して利用を再開します。", Action::kNoPin,
     true},
    {"reissue", "カードの再交付",
     "古いカードを廃止し、新しいカードを交付します。新しいカードの利用登録はやり直しになります。",
     Action::kOptionalPin, true},
    {"pin-reset", "暗証番号の初期化",
     "ロックを解除し、新しい暗証番号（数字4桁）を設定します。本人が入力してください。",
     Action::kRequiredPin, true},
    {"register", "健康保険証としての利用登録",
     "このカードを健康保険証として使えるように登録します。本人がカードの暗証番号を入力してください"
     "。",
     Action::kRequiredPin, true},
};

const Action* FindAction(std::string_view code) {
  for (const Action& a : kActions) {
    if (a.code == code) return &a;
  }
  return nullptr;
}

std::string_view StateWords(store::CardState s) {
  switch (s) {
    case store::CardState::kActive:
      return "有効";
    case store::CardState::kSuspended:
      return "一時利用停止中";
    case store::CardState::kRevoked:
      return "廃止";
  }
  return "";
}

// The audit log's actions in Japanese for the clerk; the code stays beside.
std::string_view AuditWords(std::string_view action) {
  static constexpr std::pair<std::string_view, std::string_view> kWords[] = {
      {"card.issue", "交付"},
      {"card.renew", "電子証明書の更新"},
      {"card.suspend", "一時利用停止"},
      {"card.resume", "一時利用停止の解除"},
      {"card.reissue", "再交付"},
      {"card.revoke", "廃止"},
      {"card.pin_reset", "暗証番号の初期化"},
      {"card.insurance_registration", "利用登録"},
      {"card.reconcile", "カードと記録の照合"},
      {"municipal.refused", "他の市区町村の住民のため拒否"},
      {"municipal.registration.read", "利用登録の状況の閲覧"},
      {"municipal.window.view", "窓口画面での閲覧"},
  };
  for (const auto& [code, words] : kWords) {
    if (code == action) return words;
  }
  return "";
}

std::string AuditTable(const std::vector<store::AuditEntry>& entries, std::string_view id) {
  std::string rows;
  for (const store::AuditEntry& e : entries) {
    rows += "<tr data-action=\"" + E(e.action) + "\"><td>" + std::to_string(e.seq) + "</td><td>" +
            E(e.at) + "</td><td>" + E(e.actor) + "</td><td>" + E(AuditWords(e.action)) + " <code>" +
            E(e.action) + "</code></td><td>" + E(e.detail) + "</td></tr>\n";
  }
  return "<table id=\"" + std::string(id) +
         "\"><thead><tr><th>番号</th><th>日時（UTC）</th><th>操作者</th><th>操作</th>"
         "<th>内容</th></tr></thead><tbody>\n" +
         rows + "</tbody></table>\n";
}

std::string PersonSummary(const store::PersonRecord& p) {
  std::string out = "<table id=\"person\"><tbody><tr><th>氏名</th><td id=\"person-name\">" +
                    E(p.name) + "</td></tr><tr><th>氏名カナ</th><td>" + E(p.name_kana) +
                    "</td></tr><tr><th>生年月日</th><td>" + p.birth_date.ToIso() +
                    "</td></tr><tr><th>住所</th><td>〒" + E(p.postcode) + " " + E(p.address) +
                    "</td></tr>";
  if (p.died_on) out += "<tr><th>死亡</th><td>" + p.died_on->ToIso() + "</td></tr>";
  return out + "</tbody></table>\n";
}

std::string SearchForm(std::string_view name, std::string_view birth) {
  return "<form id=\"search\" method=\"get\" action=\"" + std::string(kBase) +
         "\"><h2>住民を探す</h2><p>本人が名乗った氏名（漢字またはカナ）と生年月日で探します。"
         "この市区町村の住民だけが表示されます。</p><p><label for=\"name\">氏名（漢字またはカナ）"
         "</label> <input id=\"name\" name=\"name\" required value=\"" +
         E(name) +
         "\"></p><p><label for=\"birth_date\">生年月日</label> <input id=\"birth_date\" "
         "name=\"birth_date\" type=\"date\" required value=\"" +
         E(birth) + "\"></p><p><button id=\"find\" type=\"submit\">検索する</button></p></form>\n";
}

http::Response Page(int status, std::string_view title, const std::string& main) {
  return StaffHtml(status,
                   StaffPage(title, "<nav><a id=\"to-search\" href=\"" + std::string(kBase) +
                                        "\">住民の検索へ</a></nav>\n" + main));
}

void Audit(const WindowContext& c, std::string action, int64_t person, std::string detail) {
  c.store.AppendAudit({0, UtcIsoTime(c.now), "municipal:" + c.municipality, std::move(action),
                       person, std::move(detail), "", ""});
}

// --- the pages ------------------------------------------------------------------

http::Response Search(const WindowContext& c, const http::Request& request) {
  const std::string name = QueryValue(request.target, "name").value_or("");
  const std::string birth = QueryValue(request.target, "birth_date").value_or("");
  std::string main = SearchForm(name, birth);
  if (name.empty() && birth.empty()) return Page(200, "市区町村窓口 — マイナンバーカード", main);
  const auto date = Date::ParseIso(birth);
  if (name.empty() || !date) {
    main +=
        "<p class=\"notice\" id=\"search-problem\">氏名と生年月日（年・月・日）の両方を入力して"
        "ください。</p>\n";
    return Page(400, "市区町村窓口 — マイナンバーカード", main);
  }
  const auto found = municipal::FindResidents(c.store, c.municipality, name, *date);
  Audit(c, "municipal.window.search", 0, "results=" + std::to_string(found.size()));
  if (found.empty()) {
    main +=
        "<p class=\"notice\" id=\"no-result\">該当する住民はいません。氏名の表記（漢字・カナ）と"
        "生年月日を本人に確認してください。</p>\n";
    return Page(200, "市区町村窓口 — マイナンバーカード", main);
  }
  std::string rows;
  for (const store::PersonRecord& p : found) {
    rows += "<tr><td>" + E(p.name) + "</td><td>" + E(p.name_kana) + "</td><td>" +
            p.birth_date.ToIso() + "</td><td>" + E(p.address) +
            "</td><td><a class=\"choose\" href=\"" + PersonUrl(p.person_id) +
            "\">この方を選ぶ</a></td></tr>\n";
  }
  main += "<p id=\"result-count\">" + std::to_string(found.size()) +
          " 人見つかりました。住所も本人に確認してから選んでください。</p>"
          "<table id=\"results\"><thead><tr><th>氏名</th><th>氏名カナ</th><th>生年月日</th>"
          "<th>住所</th><th></th></tr></thead><tbody>\n" +
          rows + "</tbody></table>\n";
  return Page(200, "市区町村窓口 — マイナンバーカード", main);
}

// The person, or the page that says why not (unknown; another
// municipality's resident, audited by GuardResident).
std::optional<http::Response> Refuse(const WindowContext& c,
                                     const std::optional<store::PersonRecord>& person,
                                     std::string_view what) {
  if (!person) {
    return Page(404, "住民が見つかりません",
                "<p class=\"notice\">この住民の記録はありません。</p>\n");
  }
  if (auto e = municipal::GuardResident(c.store, *person, c.municipality,
                                        "municipal:" + c.municipality, std::string(what), c.now)) {
    return Page(403, "この市区町村の住民ではありません",
                "<p class=\"notice\" id=\"not-resident\">この方はこの市区町村の住民ではないため、"
                "この窓口では扱えません。</p>\n");
  }
  return std::nullopt;
}

std::string ActionLink(int64_t person, const Action& a, int64_t card) {
  return "<a class=\"action\" data-action=\"" + std::string(a.code) + "\" href=\"" +
         PersonUrl(person) + "/confirm?action=" + std::string(a.code) +
         (card ? "&amp;card=" + std::to_string(card) : "") + "\">" + std::string(a.name) + "</a> ";
}

http::Response Person(const WindowContext& c, int64_t id) {
  const auto person = c.store.GetPerson(id);
  if (auto r = Refuse(c, person, "window view")) return *r;
  Audit(c, "municipal.window.view", id, "");
  std::string main = PersonSummary(*person);
  main += "<h2>カード</h2>\n";
  std::string rows;
  bool holds_card = false;
  for (const store::CardRecord& card : c.store.CardsOfPerson(id)) {
    const bool smartphone = card.kind == store::CredentialKind::kSmartphone;
    holds_card = holds_card || (!smartphone && card.status != store::CardState::kRevoked);
    std::string actions;
    if (card.status != store::CardState::kRevoked) {
      for (const Action& a : kActions) {
        if (a.on_card) actions += ActionLink(id, a, card.card_id);
      }
    }
    rows += "<tr data-card=\"" + std::to_string(card.card_id) + "\" data-status=\"" +
            std::string(store::CardStateName(card.status)) + "\"><td>" +
            std::to_string(card.card_id) + "</td><td>" +
            (smartphone       ? "スマートフォン"
             : card.face_only ? "カード（顔認証）"
                              : "カード") +
            "</td><td class=\"status\">" + std::string(StateWords(card.status)) + "</td><td>" +
            card.card_expires_on.ToIso() + "</td><td>" + card.cert_expires_on.ToIso() +
            "</td><td>" + std::to_string(card.pin_failures) + "</td><td class=\"registered\">" +
            (card.insurance_registered_on ? card.insurance_registered_on->ToIso() : "未登録") +
            "</td><td>" + actions + "</td></tr>\n";
  }
  if (rows.empty()) {
    main += "<p id=\"no-card\">カードはまだ交付されていません。</p>\n";
  } else {
    main +=
        "<table id=\"cards\"><thead><tr><th>番号</th><th>種類</th><th>状態</th>"
        "<th>カードの有効期限</th><th>電子証明書の有効期限</th><th>暗証番号の誤り回数</th>"
        "<th>利用登録日</th><th>手続き</th></tr></thead><tbody>\n" +
        rows + "</tbody></table>\n";
  }
  if (!holds_card) main += "<p>" + ActionLink(id, kActions[0], 0) + "</p>\n";
  municipal::Registrar registrar(c.store, c.issuer_key, c.cards_dir);
  main += "<h2>健康保険証としての利用登録（マイナポータルの表示）</h2>\n<pre id=\"registration\">" +
          E(municipal::FormatRegistrationStatus(registrar.Status(id, JstDate(c.now)))) +
          "</pre>\n<h2>最近の記録（監査ログ）</h2>\n";
  std::vector<store::AuditEntry> audit = c.store.AuditOfPerson(id);
  if (audit.size() > 10) audit.erase(audit.begin(), audit.end() - 10);
  std::reverse(audit.begin(), audit.end());
  main += AuditTable(audit, "recent-audit");
  return Page(200, person->name + " — 市区町村窓口", main);
}

// The card `card_text` names, if it is this person's.
std::optional<store::CardRecord> CardOf(const WindowContext& c, int64_t person,
                                        std::string_view card_text) {
  int64_t id = 0;
  for (char ch : card_text) {
    if (ch < '0' || ch > '9' || id > 1'000'000'000'000) return std::nullopt;
    id = id * 10 + (ch - '0');
  }
  auto card = id ? c.store.GetCard(id) : std::nullopt;
  if (!card || card->person_id != person) return std::nullopt;
  return card;
}

std::string PinFields(const Action& a) {
  if (a.pin == Action::kNoPin) return "";
  const std::string required = a.pin == Action::kRequiredPin ? " required" : "";
  const std::string hint = a.code == "register" ? "カードの暗証番号（数字4桁）"
                           : a.pin == Action::kRequiredPin
                               ? "新しい暗証番号（数字4桁）"
                               : "新しい暗証番号（数字4桁、顔認証カードは空欄）";
  std::string out = "<p><label for=\"pin\">" + hint +
                    "</label> <input id=\"pin\" name=\"pin\" type=\"password\" "
                    "inputmode=\"numeric\" pattern=\"[0-9]{4}\" autocomplete=\"off\"" +
                    required + "></p>";
  if (a.code != "register") {
    out +=
        "<p><label for=\"pin2\">確認のためもう一度</label> <input id=\"pin2\" name=\"pin2\" "
        "type=\"password\" inputmode=\"numeric\" pattern=\"[0-9]{4}\" autocomplete=\"off\"" +
        required + "></p>";
  }
  return out;
}

http::Response Confirm(const WindowContext& c, const http::Request& request, int64_t id) {
  const auto person = c.store.GetPerson(id);
  if (auto r = Refuse(c, person, "window confirm")) return *r;
  const Action* a = FindAction(QueryValue(request.target, "action").value_or(""));
  if (!a)
    return Page(400, "手続きを選んでください", "<p class=\"notice\">不明な手続きです。</p>\n");
  const std::string card_text = QueryValue(request.target, "card").value_or("");
  std::optional<store::CardRecord> card;
  if (a->on_card) {
    card = CardOf(c, id, card_text);
    if (!card) {
      return Page(404, "カードが見つかりません",
                  "<p class=\"notice\">この方のカードではありません。</p>\n");
    }
  }
  std::string main = PersonSummary(*person);
  main += "<h2 id=\"action-name\">" + std::string(a->name) +
          "</h2>\n<p class=\"notice\" id=\"explains\">" + std::string(a->explains) + "</p>\n";
  if (card) {
    main += "<p>対象のカード: 番号 <span id=\"card-id\">" + std::to_string(card->card_id) +
            "</span>（" + std::string(StateWords(card->status)) + "、カードの有効期限 " +
            card->card_expires_on.ToIso() + "）</p>\n";
  }
  main +=
      "<form id=\"confirm\" method=\"post\" action=\"" + PersonUrl(id) +
      "/act\"><input type=\"hidden\" name=\"action\" value=\"" + std::string(a->code) +
      "\"><input type=\"hidden\" name=\"card\" value=\"" +
      (card ? std::to_string(card->card_id) : std::string()) +
      "\"><input type=\"hidden\" name=\"confirm\" value=\"yes\">" + PinFields(*a) +
      "<p>本人確認書類で本人であることを確認しましたか。内容をよく確認してから実行してください。</"
      "p>"
      "<p><button id=\"do\" type=\"submit\">実行する</button> <a id=\"cancel\" href=\"" +
      PersonUrl(id) + "\">やめる</a></p></form>\n";
  return Page(200, std::string(a->name) + "の確認", main);
}

// The office's refusal as the clerk reads it; its own words as the detail.
std::string RefusalWords(const Error& e) {
  const std::string& m = e.message;
  std::string words = "この手続きはできませんでした。";
  if (e.field == "municipality")
    words = "この方はこの市区町村の住民ではありません。";
  else if (e.field == "pin" || m.find("PIN") != std::string::npos)
    words = "暗証番号が受け付けられませんでした（数字4桁か、カードの暗証番号か確認してください）。";
  else if (m.find("renew") != std::string::npos || m.find("opens") != std::string::npos)
    words = "まだ更新の時期ではないか、このカードは更新できません。";
  return words;
}

http::Response Act(const WindowContext& c, const http::Request& request, int64_t id) {
  if (!SameOrigin(request)) {
    return Page(403, "受け付けられません",
                "<p class=\"notice\">この窓口の画面以外から送られた手続きは受け付けません。</p>\n");
  }
  const auto person = c.store.GetPerson(id);
  if (auto r = Refuse(c, person, "window action")) return *r;
  const std::string body = request.body;
  const Action* a = FindAction(UrlEncodedFormValue(body, "action").value_or(""));
  if (!a || UrlEncodedFormValue(body, "confirm").value_or("") != "yes") {
    return Page(
        400, "確認が必要です",
        "<p class=\"notice\" id=\"unconfirmed\">手続きは確認画面から実行してください。</p>\n");
  }
  std::optional<store::CardRecord> card;
  if (a->on_card) {
    card = CardOf(c, id, UrlEncodedFormValue(body, "card").value_or(""));
    if (!card) {
      return Page(404, "カードが見つかりません",
                  "<p class=\"notice\">この方のカードではありません。</p>\n");
    }
  }
  std::optional<std::string> pin = UrlEncodedFormValue(body, "pin");
  if (pin && pin->empty()) pin.reset();
  if (a->code != "register" && pin && UrlEncodedFormValue(body, "pin2").value_or("") != *pin) {
    return Page(
        400, std::string(a->name) + " — 入力の誤り",
        "<p class=\"notice\" id=\"pin-mismatch\">確認のために入力した暗証番号が一致しません。"
        "</p>\n<p><a href=\"" +
            PersonUrl(id) + "/confirm?action=" + std::string(a->code) +
            (card ? "&amp;card=" + std::to_string(card->card_id) : "") +
            "\">もう一度入力する</a></p>\n");
  }
  if (a->pin == Action::kRequiredPin && !pin) {
    return Page(400, std::string(a->name) + " — 入力の誤り",
                "<p class=\"notice\">暗証番号を入力してください。</p>\n");
  }

  auto jpki = jpki::JpkiCa::Load(c.jpki_dir);
  if (!jpki.ok()) {
    return Page(503, "ただいま手続きできません",
                "<p class=\"notice\">電子証明書の発行システム（J-LIS）に接続できません。"
                "時間をおいてもう一度お試しください。</p>\n");
  }
  int64_t last_seq = 0;
  for (const store::AuditEntry& e : c.store.AuditOfPerson(id))
    last_seq = std::max(last_seq, e.seq);

  municipal::CardOffice office(c.store, *jpki, c.issuer_key, c.cards_dir, c.municipality);
  std::optional<Error> refused;
  std::string done;
  const int64_t card_id = card ? card->card_id : 0;
  if (a->code == "issue") {
    municipal::IssueRequest r;
    r.person_id = id;
    r.application_date = JstDate(c.now);
    r.pin = pin;
    auto issued = office.Issue(r, c.now);
    if (issued.ok())
      done = "カード番号 " + std::to_string(issued->card_id) + " を交付しました。";
    else
      refused = issued.error();
  } else if (a->code == "renew" || a->code == "resume" || a->code == "reissue") {
    auto r = a->code == "renew"    ? office.RenewCertificate(card_id, c.now)
             : a->code == "resume" ? office.Resume(card_id, c.now)
                                   : office.Reissue(card_id, pin, c.now);
    if (r.ok()) {
      done = a->code == "reissue"
                 ? "新しいカード（番号 " + std::to_string(r->card_id) +
                       "）を交付しました。利用登録はやり直しが必要です。"
                 : "電子証明書を発行しました（有効期限 " + r->cert_expires_on.ToIso() + "）。";
    } else {
      refused = r.error();
    }
  } else if (a->code == "suspend" || a->code == "pin-reset") {
    auto r = a->code == "suspend" ? office.Suspend(card_id, c.now)
                                  : office.ResetPin(card_id, *pin, c.now);
    if (r.ok()) {
      done = a->code == "suspend" ? "カードを一時利用停止にしました。"
                                  : "暗証番号を初期化しました。ロックは解除されています。";
    } else {
      refused = r.error();
    }
  } else {  // register
    municipal::Registrar registrar(c.store, c.issuer_key, c.cards_dir);
    municipal::RegistrationRequest req;
    req.card_id = card_id;
    req.channel = municipal::RegistrationChannel::kWindow;
    req.pin = pin.value_or("");
    req.actor = office.actor();
    req.municipality = c.municipality;
    auto r = registrar.Register(req, c.now);
    if (r.ok()) {
      done = r->newly_registered
                 ? "健康保険証としての利用登録をしました（" + r->registered_on.ToIso() + "）。"
                 : "このカードはすでに利用登録されています（" + r->registered_on.ToIso() + "）。";
    } else {
      refused = r.error();
    }
  }

  std::vector<store::AuditEntry> appended;
  for (const store::AuditEntry& e : c.store.AuditOfPerson(id)) {
    if (e.seq > last_seq) appended.push_back(e);
  }
  std::string main = PersonSummary(*person);
  main += "<h2>" + std::string(a->name) + "</h2>\n";
  if (refused) {
    main += "<p class=\"notice\" id=\"refused\">" + E(RefusalWords(*refused)) +
            "</p>\n<p>理由（システムの記録）: <code id=\"refusal-detail\">" +
            E(refused->ToString()) + "</code></p>\n";
  } else {
    main += "<p class=\"notice\" id=\"done\">" + E(done) + "</p>\n";
  }
  main += "<h3>この手続きで記録された監査ログ</h3>\n" +
          (appended.empty() ? std::string("<p id=\"no-audit\">ありません。</p>\n")
                            : AuditTable(appended, "audit-entries")) +
          "<p><a id=\"back\" href=\"" + PersonUrl(id) + "\">この方の画面へ戻る</a></p>\n";
  return Page(refused ? 409 : 200, std::string(a->name) + (refused ? "できませんでした" : "の結果"),
              main);
}

}  // namespace

http::Response HandleWindowPage(const WindowContext& context, const http::Request& request,
                                std::string_view page, int64_t person_id) {
  if (page == "window") return Search(context, request);
  if (page == "window.person") return Person(context, person_id);
  if (page == "window.confirm") return Confirm(context, request, person_id);
  return Act(context, request, person_id);
}

}  // namespace onshi::service
