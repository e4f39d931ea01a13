#include "service/municipal_service.hpp"

#include "service/peer_certificate.hpp"

#include <openssl/x509.h>

#include <boost/json.hpp>

#include "jpki/jpki_ca.hpp"
#include "municipal/card_office.hpp"
#include "municipal/registration.hpp"
#include "municipal/residency.hpp"
#include "municipal/resident_registry.hpp"
#include "service/municipal_window.hpp"
#include "service/router.hpp"
#include "service/staff_page.hpp"

namespace onshi::service {
namespace json = boost::json;
namespace {

constexpr std::string_view kPrefix = "/municipal/";

http::Response Problem(int status, const std::string& title, const std::string& detail) {
  json::object o{{"type", "about:blank"}, {"title", title}, {"status", status}, {"detail", detail}};
  return {status, "application/problem+json", {}, json::serialize(o)};
}

http::Response Json(const json::value& v) {
  return {200, "application/json;charset=UTF-8", {}, json::serialize(v)};
}

json::object CardJson(const municipal::IssuedCard& c) {
  return {{"card_id", c.card_id},
          {"person_id", c.person_id},
          {"card_expires_on", c.card_expires_on.ToIso()},
          {"cert_expires_on", c.cert_expires_on.ToIso()},
          {"registration_kept", c.registration_kept}};
}

json::object RecordJson(const store::CardRecord& r) {
  return {{"card_id", r.card_id},
          {"person_id", r.person_id},
          {"status", store::CardStateName(r.status)},
          {"pin_failures", r.pin_failures}};
}

std::optional<std::string> StringMember(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string(v->as_string());
}

// The window's routes; the value names the action the handler takes.
const Router<std::string>& Routes() {
  static const Router<std::string> kRoutes = [] {
    Router<std::string> r;
    r.Add("POST", "/municipal/v1/cards", "issue")
        .Add("POST", "/municipal/v1/cards/{id:int}/renew", "renew")
        .Add("POST", "/municipal/v1/cards/{id:int}/suspend", "suspend")
        .Add("POST", "/municipal/v1/cards/{id:int}/resume", "resume")
        .Add("POST", "/municipal/v1/cards/{id:int}/reissue", "reissue")
        .Add("POST", "/municipal/v1/cards/{id:int}/pin-reset", "pin-reset")
        .Add("POST", "/municipal/v1/cards/{id:int}/register", "register")
        .Add("GET", "/municipal/v1/persons/{id:int}/registration", "registration")
        .Add("POST", "/municipal/v1/persons/{id:int}/events", "events")
        // issue 19: the window's pages (municipal_window.hpp)
        .Add("GET", "/municipal/window", "window")
        .Add("GET", "/municipal/window/persons/{id:int}", "window.person")
        .Add("GET", "/municipal/window/persons/{id:int}/confirm", "window.confirm")
        .Add("POST", "/municipal/window/persons/{id:int}/act", "window.act");
    return r;
  }();
  return kRoutes;
}

// POST /municipal/v1/persons/{id}/events: one 住民異動 (R-LINK-4).
http::Response RecordEvent(store::Store& store, int64_t person_id, const json::object& body,
                           const std::string& municipality, std::time_t now) {
  municipal::RegistryEventRequest r;
  r.person_id = person_id;
  const auto kind = StringMember(body, "kind");
  if (!kind) {
    return Problem(400, "bad request", "kind required: moved, renamed, moved_in or died");
  }
  const auto parsed_kind = ParseRegistryEvent(*kind);
  if (!parsed_kind) {
    return Problem(400, "bad request",
                   "kind: unknown 住民異動 \"" + *kind + "\" (moved, renamed, moved_in, died)");
  }
  r.kind = *parsed_kind;
  const auto date = StringMember(body, "date");
  const auto effective = date ? Date::ParseIso(*date) : std::nullopt;
  if (!effective) return Problem(400, "bad request", "date: the 異動日 as YYYY-MM-DD is required");
  r.effective_on = *effective;
  for (const auto& [key, value] : body) {
    const std::string_view k = key;
    if (k != "kind" && k != "date" && k != "name" && k != "name_kana" && k != "postcode" &&
        k != "address" && k != "municipality") {
      return Problem(400, "bad request", "unknown member \"" + std::string(k) + "\"");
    }
    if (!value.is_string()) {
      return Problem(400, "bad request", std::string(k) + ": must be a string");
    }
  }
  r.name = StringMember(body, "name").value_or("");
  r.name_kana = StringMember(body, "name_kana").value_or("");
  r.postcode = StringMember(body, "postcode").value_or("");
  r.address = StringMember(body, "address").value_or("");
  // The window records for its own municipality (a 転入 is recorded by the
  // municipality moved into): its certificate says which.
  r.municipality = municipality;
  if (const auto m = StringMember(body, "municipality"); m && *m != municipality) {
    return Problem(400, "bad request",
                   "municipality: a window records 住民異動 for its own municipality (" +
                       municipality + ", from its certificate)");
  }
  if (!store.GetPerson(person_id)) {
    return Problem(404, "not found",
                   "person " + std::to_string(person_id) + " is not in the registry");
  }
  auto done = municipal::RecordRegistryEvent(store, r, JstDate(now), "municipal:" + municipality,
                                             UtcIsoTime(now));
  if (!done.ok()) return Problem(409, "refused", done.error().ToString());
  json::object o{{"seq", done->event.seq},
                 {"person_id", person_id},
                 {"kind", RegistryEventCode(done->event.kind)},
                 {"effective_on", done->event.effective_on.ToIso()},
                 {"recorded_on", done->event.recorded_on.ToIso()},
                 {"name", done->person.name},
                 {"name_kana", done->person.name_kana},
                 {"postcode", done->person.postcode},
                 {"address", done->person.address}};
  if (done->person.died_on) o["died_on"] = done->person.died_on->ToIso();
  return Json(o);
}

}  // namespace

MunicipalService::MunicipalService(StorePool& stores, const auth::FacilityCa& ca,
                                   const Clock& clock, std::string jpki_dir,
                                   const card::IssuerKey& issuer_key, std::string cards_dir)
    : stores_(stores),
      ca_(ca),
      clock_(clock),
      jpki_dir_(std::move(jpki_dir)),
      issuer_key_(issuer_key),
      cards_dir_(std::move(cards_dir)) {}

std::vector<std::pair<std::string, std::string>> MunicipalService::RouteList() {
  return Routes().table().List();
}

bool MunicipalService::Owns(std::string_view path) {
  return path.substr(0, kPrefix.size()) == kPrefix;
}

http::Response MunicipalService::Handle(const http::Request& request) {
  const std::time_t now = clock_.Now();
  // Routed first: an id that is not wholly a number (…/cards/3926abc/…)
  // matches no route and acts on nobody.
  const auto route = Routes().Find(request.method, request.target);
  if (!route.value) return NotRouted(route.match, request.method);
  const std::string& action = *route.value;
  const int64_t id = route.match.params.Has("id") ? route.match.params.Int("id") : 0;
  // A browser (Accept: text/html) is told in Japanese what is missing.
  const bool page = WantsHtml(request) || action.starts_with("window");
  constexpr std::string_view kHow =
      "窓口の証明書は運用担当者が onshi municipal add --code 地方公共団体コード --out DIR で発行"
      "します（DIR の cert.pem と key.pem を窓口の端末のブラウザに登録します）。";
  if (request.peer_certificate_der.empty()) {
    if (page) return CertificatePage(401, "市区町村窓口", kHow, "");
    return Problem(401, "client certificate required", "the window needs its certificate");
  }
  const PeerCertificate cert = ReadPeerCertificate(request);
  if (!cert) {
    if (page) return CertificatePage(401, "市区町村窓口", kHow, "");
    return Problem(401, "client certificate cannot be read", "");
  }
  auto who = ca_.VerifyMunicipal(cert.get(), nullptr, now);
  if (!who.ok()) {
    if (page) return CertificatePage(403, "市区町村窓口", kHow, who.error().ToString());
    return Problem(403, "not a municipal window", who.error().ToString());
  }
  if (action.starts_with("window")) {
    std::lock_guard<std::mutex> lock(window_);
    const WindowContext context{
        stores_.ForThisThread(), who->code, now, jpki_dir_, issuer_key_, cards_dir_};
    return HandleWindowPage(context, request, action, id);
  }

  json::object body;
  if (!request.body.empty()) {
    boost::system::error_code ec;
    json::value v = json::parse(request.body, ec);
    if (ec || !v.is_object()) return Problem(400, "bad request", "the body is not a JSON object");
    body = v.as_object();
  }
  std::lock_guard<std::mutex> lock(window_);
  store::Store& store = stores_.ForThisThread();

  if (action == "events") {
    // POST /municipal/v1/persons/{id}/events: a 住民異動 (R-LINK-4). The
    // registry needs no card world, so it is served before the JPKI CA is
    // loaded.
    return RecordEvent(store, id, body, who->code, now);
  }

  auto jpki = jpki::JpkiCa::Load(jpki_dir_);  // fresh: the CLI may have written it
  if (!jpki.ok()) return Problem(503, "JPKI CA unavailable", jpki.error().ToString());
  municipal::CardOffice office(store, *jpki, issuer_key_, cards_dir_, who->code);
  // Another municipality's resident: forbidden (audited where refused), not
  // a conflict in the card's state.
  auto refused = [](const Error& e) {
    if (e.field == "municipality")
      return Problem(403, "not a resident of this municipality", e.ToString());
    return Problem(409, "refused", e.ToString());
  };

  if (action == "issue") {
    const json::value* person = body.if_contains("person_id");
    if (!person || !person->is_int64()) return Problem(400, "bad request", "person_id required");
    municipal::IssueRequest r;
    r.person_id = person->as_int64();
    r.application_date = JstDate(now);
    if (auto d = StringMember(body, "application_date")) {
      auto parsed = Date::ParseIso(*d);
      if (!parsed) return Problem(400, "bad request", "application_date must be YYYY-MM-DD");
      r.application_date = *parsed;
    }
    r.pin = StringMember(body, "pin");
    auto issued = office.Issue(r, now);
    if (!issued.ok()) return refused(issued.error());
    return Json(CardJson(*issued));
  }

  {
    const auto pin = StringMember(body, "pin");
    if (action == "renew" || action == "resume" || action == "reissue") {
      auto r = action == "renew"    ? office.RenewCertificate(id, now)
               : action == "resume" ? office.Resume(id, now)
                                    : office.Reissue(id, pin, now);
      if (!r.ok()) return refused(r.error());
      return Json(CardJson(*r));
    }
    if (action == "suspend" || action == "pin-reset") {
      if (action == "pin-reset" && !pin) return Problem(400, "bad request", "pin required");
      auto r = action == "suspend" ? office.Suspend(id, now) : office.ResetPin(id, *pin, now);
      if (!r.ok()) return refused(r.error());
      return Json(RecordJson(*r));
    }
    if (action == "register") {
      municipal::Registrar registrar(store, issuer_key_, cards_dir_);
      municipal::RegistrationRequest req;
      req.card_id = id;
      req.channel = municipal::RegistrationChannel::kWindow;
      req.pin = pin.value_or("");
      req.actor = office.actor();
      req.municipality = who->code;
      auto r = registrar.Register(req, now);
      if (!r.ok()) return refused(r.error());
      return Json(json::object{{"card_id", r->card_id},
                               {"registered_on", r->registered_on.ToIso()},
                               {"channel", r->channel},
                               {"newly_registered", r->newly_registered}});
    }
  }

  if (action == "registration") {
    const auto person = store.GetPerson(id);
    if (!person) return Problem(404, "not found", "no person " + std::to_string(id));
    if (auto e = municipal::GuardResident(store, *person, who->code, office.actor(),
                                          "registration view", now)) {
      return refused(*e);
    }
    municipal::Registrar registrar(store, issuer_key_, cards_dir_);
    try {
      const auto overview = registrar.Status(id, JstDate(now));
      store.AppendAudit(
          {0, UtcIsoTime(now), office.actor(), "municipal.registration.read", id, "", "", ""});
      return Json(json::object{{"text", municipal::FormatRegistrationStatus(overview)},
                               {"usable_as_insurance_card", overview.usable_as_insurance_card}});
    } catch (const std::invalid_argument& e) {
      return Problem(404, "not found", e.what());
    }
  }
  return Problem(500, "unrouted action", action);  // every route's action is handled above
}

}  // namespace onshi::service
