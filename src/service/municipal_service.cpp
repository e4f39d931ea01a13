#include "service/municipal_service.hpp"

#include "service/peer_certificate.hpp"

#include <openssl/x509.h>

#include <boost/json.hpp>

#include "jpki/jpki_ca.hpp"
#include "municipal/card_office.hpp"
#include "municipal/registration.hpp"
#include "municipal/residency.hpp"

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

bool MunicipalService::Owns(std::string_view path) {
  return path.substr(0, kPrefix.size()) == kPrefix;
}

http::Response MunicipalService::Handle(const http::Request& request) {
  const std::time_t now = clock_.Now();
  const std::string path = request.target.substr(0, request.target.find('?'));
  if (request.peer_certificate_der.empty()) {
    return Problem(401, "client certificate required", "the window needs its certificate");
  }
  const PeerCertificate cert = ReadPeerCertificate(request);
  if (!cert) return Problem(401, "client certificate cannot be read", "");
  auto who = ca_.VerifyMunicipal(cert.get(), nullptr, now);
  if (!who.ok()) return Problem(403, "not a municipal window", who.error().ToString());

  json::object body;
  if (!request.body.empty()) {
    boost::system::error_code ec;
    json::value v = json::parse(request.body, ec);
    if (ec || !v.is_object()) return Problem(400, "bad request", "the body is not a JSON object");
    body = v.as_object();
  }
  std::lock_guard<std::mutex> lock(window_);
  store::Store& store = stores_.ForThisThread();
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

  if (path == "/municipal/v1/cards" && request.method == "POST") {
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

  constexpr std::string_view kCards = "/municipal/v1/cards/";
  if (path.rfind(kCards, 0) == 0 && request.method == "POST") {
    const std::string rest = path.substr(kCards.size());
    const size_t slash = rest.find('/');
    int64_t id = 0;
    try {
      id = std::stoll(rest.substr(0, slash));
    } catch (const std::exception&) {
      return Problem(404, "not found", "no card " + rest);
    }
    const std::string action = slash == std::string::npos ? "" : rest.substr(slash + 1);
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
    return Problem(404, "not found", "no action " + action);
  }

  constexpr std::string_view kPersons = "/municipal/v1/persons/";
  if (path.rfind(kPersons, 0) == 0 && request.method == "GET") {
    const std::string rest = path.substr(kPersons.size());
    int64_t id = 0;
    try {
      id = std::stoll(rest.substr(0, rest.find('/')));
    } catch (const std::exception&) {
      return Problem(404, "not found", "no person " + rest);
    }
    const auto person = store.GetPerson(id);
    if (!person) return Problem(404, "not found", "no person " + rest);
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
  return Problem(404, "not found", "no route for " + request.method + " " + path);
}

}  // namespace onshi::service
