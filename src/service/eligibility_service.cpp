#include "service/eligibility_service.hpp"

#include "service/jst_timestamp.hpp"

#include "service/peer_certificate.hpp"

#include <openssl/rand.h>
#include <openssl/x509.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "auth/base64url.hpp"
#include "auth/login_body.hpp"
#include "core/eligibility.hpp"
#include "core/portal_status.hpp"
#include "fhir/capability_statement.hpp"
#include "fhir/eligibility_request.hpp"
#include "fhir/eligibility_response.hpp"
#include "fhir/operation_outcome.hpp"
#include "jpki/certificate_fingerprint.hpp"
#include "municipal/registration.hpp"
#include "oqs/request.hpp"
#include "oqs/response.hpp"
#include "oqs/validate.hpp"
#include "service/access_log.hpp"
#include "service/audit_text.hpp"
#include "service/card_answer.hpp"
#include "service/consent_record.hpp"
#include "service/openapi_document.hpp"
#include "service/reader_registry.hpp"
#include "service/router.hpp"
#include "store/audit_anchor.hpp"
#include "store/store.hpp"

namespace onshi::service {
namespace {

namespace json = boost::json;

std::string Lower(std::string s) {
  for (char& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Real clients send the raw token; FHIR clients conventionally "Bearer …".
std::string TokenFrom(const http::Request& r) {
  std::string h = r.Header("Authorization");
  if (h.size() > 7 && Lower(h.substr(0, 7)) == "bearer ") h = h.substr(7);
  return h;
}

http::Response Json(int status, std::string body) {
  return {status, "application/json;charset=UTF-8", {}, std::move(body)};
}

http::Response Problem(int status, const std::string& title, const std::string& detail) {
  json::object o;
  o["type"] = "about:blank";
  o["title"] = title;
  o["status"] = status;
  o["detail"] = detail;
  return {status, "application/problem+json", {}, json::serialize(o)};
}

// The login answer, in the real system's shape. On failure `result` is null
// and `msg` says why.
http::Response LoginAnswer(int status, const std::string& msg, const auth::LoginTokens* tokens) {
  json::object o;
  o["status"] = tokens ? "0" : "1";
  o["msg"] = msg;
  if (tokens) {
    json::object r;
    r["accessToken"] = tokens->access_token;
    // No refreshToken (issue 19): no endpoint took one, and a refresh would
    // renew a facility's access without its client certificate, which is
    // checked (with the CRL) at each login. A client logs in again.
    r["idToken"] = tokens->id_token;
    r["linkSysCharCd"] = "0";
    o["result"] = std::move(r);
  } else {
    o["result"] = nullptr;
  }
  return Json(status, json::serialize(o));
}

// GET /oqs-api-pro/proof-key (issue 19): a JWK Set (RFC 7517 §5) with the
// proof key, named by its RFC 7638 thumbprint: the `kid` every X-OQS-Proof
// header carries, so a verifier picks the key by the proof's kid.
std::string ProofKeySet(const auth::Es256PublicKey& key) {
  json::value jwk = json::parse(key.jwk());
  json::object& o = jwk.as_object();
  o["kid"] = key.key_id();
  o["use"] = "sig";
  o["alg"] = "ES256";
  return json::serialize(json::object{{"keys", json::array{std::move(jwk)}}});
}

std::string ContentTypeFor(const oqs::ResponseEncoding& e) {
  if (e.format == oqs::WireFormat::kJson) return "application/json;charset=UTF-8";
  // Issue 19: what oqs::Utf8ToCp932 writes is CP932 (髙, ① and the other
  // NEC/IBM extensions included), so the HTTP label says Windows-31J, its
  // IANA name; the XML declaration keeps encoding="Shift_JIS" as the OQS
  // interface specifies (an HTTP charset takes precedence for XML readers).
  return e.charset == oqs::Charset::kShiftJis ? "application/xml;charset=Windows-31J"
                                              : "application/xml;charset=UTF-8";
}

// Verified idTokens, per thread. An ES256 verification costs ~60 µs, more
// than the whole eligibility lookup; a client that reuses its token within
// its 5-minute life pays it once per thread. Only tokens that verified are
// cached, keyed by their exact text, and each is re-checked against its own
// expiry on every use, so the cache never extends a token's life.
const auth::TokenVerification& CachedVerify(const auth::TokenService& tokens,
                                            const std::string& token, std::time_t now) {
  struct Entry {
    auth::TokenVerification verification;
    std::time_t expires_at;
  };
  thread_local std::unordered_map<std::string, Entry> cache;
  thread_local auth::TokenVerification scratch;
  auto it = cache.find(token);
  if (it != cache.end()) {
    if (now < it->second.expires_at) return it->second.verification;
    cache.erase(it);
  }
  scratch = tokens.Verify(token, now);
  if (!scratch.ok()) return scratch;
  if (cache.size() >= 4096) cache.clear();  // bounded; tokens are short-lived anyway
  const std::time_t exp = scratch.claims->expires_at + tokens.options().clock_skew_seconds;
  return cache.emplace(token, Entry{scratch, exp}).first->second.verification;
}

// The actions that audit a check (a read of someone's eligibility or of
// their own status): the ones that go to the access log.
bool IsCheckAction(std::string_view action) {
  return action.rfind("eligibility.", 0) == 0 || action == "portal.status";
}

// What each route of the table runs (the switch in Route).
enum class Action {
  kSearch,
  kLogin,
  kFhirSubmit,
  kFhirMetadata,
  kProofKey,
  kCardSearch,
  kCardRegister,
  kPortalChallenge,
  kPortalRegister,
  kPortalStatus,
  kPortal,
  kCardChallenge,
  kMunicipal,
  kInsurer,
  kClinical,
  kHealth,
  kAdminHealth,
  kMetrics,
  kAdminAuditVerify,
  kAdminReadersList,
  kAdminReaderAdd,
  kAdminReaderRevoke,
  kBulkSubmit,
  kBulkResult,
  kReferenceNumber,
  kOpenApi,
};

// A subtree whose service this server does not run: 404.
RouteTable::Match Unrouted(const std::string& path) {
  RouteTable::Match m;
  m.path = path;
  return m;
}

// Every route of `onshi serve`, in the order they are tried (the check
// first: it is most of the traffic). Labels are the metrics' route names.
// /municipal/ and /insurer/ are subtrees their services route themselves.
const Router<Action>& Routes() {
  static const Router<Action> kRoutes = [] {
    Router<Action> r;
    r.Add("POST", kSearchPath, Action::kSearch, "search")
        .Add("POST", kAuthPath, Action::kLogin, "auth")
        .Add("POST", kFhirSubmitPath, Action::kFhirSubmit, "fhir_submit")
        .Add("GET", "/fhir/metadata", Action::kFhirMetadata, "fhir_metadata")
        .Add("GET", kProofKeyPath, Action::kProofKey, "proof_key")
        .Add("POST", kCardSearchPath, Action::kCardSearch, "card_search")
        .Add("POST", "/oqs-api-pro/card/register", Action::kCardRegister, "card_register")
        .Add("POST", "/portal/card/challenge", Action::kPortalChallenge, "portal_challenge")
        .Add("POST", "/portal/card/register", Action::kPortalRegister, "portal_register")
        .Add("POST", "/portal/card/status", Action::kPortalStatus, "portal_status")
        // The portal's pages (portal_service.hpp routes them again to its
        // handlers); listed here so that a wrong method is 405 as anywhere.
        .Add("GET", "/portal", Action::kPortal, "portal_page")
        .Add("GET", "/portal/", Action::kPortal, "portal_page")
        .Add("GET", "/portal/login", Action::kPortal, "portal_page")
        .Add("POST", "/portal/session", Action::kPortal, "portal_login")
        .Add("POST", "/portal/logout", Action::kPortal, "portal_logout")
        .Add("GET", "/portal/registration", Action::kPortal, "portal_page")
        .Add("POST", "/portal/registration", Action::kPortal, "portal_register_form")
        .Add("GET", "/portal/qualification", Action::kPortal, "portal_page")
        .Add("GET", "/portal/qualification.pdf", Action::kPortal, "portal_pdf")
        .Add("GET", "/portal/medical", Action::kPortal, "portal_page")
        .Add("GET", "/portal/expenses", Action::kPortal, "portal_page")
        .Add("GET", "/portal/expenses.csv", Action::kPortal, "portal_page")
        .Add("GET", "/portal/checkups", Action::kPortal, "portal_page")
        .Add("GET", "/portal/documents", Action::kPortal, "portal_page")
        .Add("GET", "/portal/consents", Action::kPortal, "portal_page")
        .Add("GET", "/portal/access-log", Action::kPortal, "portal_page")
        .Add("GET", "/portal/assets/{name}", Action::kPortal, "portal_asset")
        .Add("POST", kCardChallengePath, Action::kCardChallenge, "card_challenge")
        .Add("*", "/municipal/**", Action::kMunicipal, "municipal")
        .Add("*", "/insurer/**", Action::kInsurer, "insurer")
        .Add("*", "/clinical/**", Action::kClinical, "clinical")
        .Add("GET", "/healthz", Action::kHealth, "healthz")
        .Add("GET", "/admin/health", Action::kAdminHealth, "admin_health")
        .Add("GET", "/metrics", Action::kMetrics, "metrics")
        .Add("GET", "/admin/audit/verify", Action::kAdminAuditVerify, "admin_audit_verify")
        .Add("GET", "/admin/readers", Action::kAdminReadersList, "admin_readers")
        .Add("POST", "/admin/readers", Action::kAdminReaderAdd, "admin_readers")
        .Add("POST", "/admin/readers/{id}/revoke", Action::kAdminReaderRevoke, "admin_readers")
        .Add("POST", "/oqs-api-pro/bulk/submit", Action::kBulkSubmit, "bulk_submit")
        .Add("POST", "/oqs-api-pro/bulk/result", Action::kBulkResult, "bulk_result")
        .Add("POST", "/oqs-api-pro/reference-number", Action::kReferenceNumber, "reference_number")
        // Issue 19: the description of all of the above, for anyone.
        .Add("GET", "/openapi.json", Action::kOpenApi, "openapi");
    return r;
  }();
  return kRoutes;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> EligibilityService::RouteList() {
  return Routes().table().List();
}

EligibilityService::EligibilityService(StorePool& stores, const auth::FacilityCa& ca,
                                       const auth::TokenService& tokens, ProofBatcher& proofs,
                                       const Clock& clock, http::Metrics& metrics,
                                       AuditWriter& audit, InsurerService* insurers,
                                       JpkiTrust* jpki, const CardWorld* cards,
                                       MunicipalService* municipal, DatabaseMonitor* monitor,
                                       CheckLog* check_log)
    : stores_(stores),
      ca_(ca),
      tokens_(tokens),
      proofs_(proofs),
      clock_(clock),
      metrics_(metrics),
      audit_(audit),
      insurers_(insurers),
      jpki_(jpki),
      cards_(cards),
      municipal_(municipal),
      monitor_(monitor),
      check_log_(check_log) {
  set_card_limits(CardLimits{});
  set_portal_options(PortalOptions{});
}

void EligibilityService::set_portal_options(const PortalOptions& options) {
  if (jpki_ == nullptr || cards_ == nullptr) return;
  PortalOptions with_log = options;
  with_log.check_log = check_log_;
  portal_ = std::make_unique<PortalService>(stores_, clock_, audit_, *jpki_, cards_->issuer_key,
                                            cards_->cards_dir, portal_challenges_, with_log);
}

void EligibilityService::set_card_limits(const CardLimits& limits) {
  facility_challenges_.Configure(limits.facility_challenges);
  portal_challenges_.Configure(limits.portal_challenges);
  portal_challenge_rate_.Configure(limits.portal_challenges_per_address, 100000);
  card_lookups_.Configure(limits.lookups_per_card, 200000);
}

http::Response EligibilityService::Handle(const http::Request& request) {
  return ProvenNow(HandleUnproven(request));
}

namespace {

// The empty proof header Signed leaves for Prove to fill, or null.
std::string* ProofToFill(http::Response& r) {
  for (auto& [name, value] : r.headers) {
    if (name == kProofHeader && value.empty()) return &value;
  }
  return nullptr;
}

http::Response ProofFailed(const std::string& why) {
  std::cerr << "onshi: " << why << "\n";
  return http::Response{500,
                        "application/problem+json",
                        {},
                        R"({"type":"about:blank","title":"internal error","status":500})"};
}

}  // namespace

http::Response EligibilityService::ProvenNow(http::Response r) const {
  std::string* proof = ProofToFill(r);
  if (proof) *proof = proofs_.Prove(r.body);
  return r;
}

void EligibilityService::Prove(http::Response answer,
                               std::function<void(http::Response)> done) const {
  if (!ProofToFill(answer)) return done(std::move(answer));
  // The body is hashed now, before the answer moves into the callback.
  const std::string body = answer.body;
  proofs_.ProveAsync(body, [answer = std::move(answer), done = std::move(done)](
                               std::string proof, std::string failure) mutable {
    if (!failure.empty()) return done(ProofFailed(failure));
    *ProofToFill(answer) = std::move(proof);
    done(std::move(answer));
  });
}

http::Response EligibilityService::HandleUnproven(const http::Request& request) {
  const auto start = std::chrono::steady_clock::now();
  const std::time_t now = clock_.Now();
  const std::string path = request.target.substr(0, request.target.find('?'));
  const char* route = "other";
  http::Response out;
  try {
    out = Route(request, path, now, route);
  } catch (const store::StoreUnavailable& e) {
    // The database went away under a route that does not answer in its own
    // format (OQS and FHIR do): a problem document the client can act on.
    if (monitor_) monitor_->Nudge();
    std::cerr << "onshi: database error on " << path << ": " << e.what() << "\n";
    out = Problem(503, "database unavailable",
                  "the database did not answer; nothing was changed by this request, retry later");
    out.headers.emplace_back("Retry-After", "5");
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const auto [requests, duration] = RequestSeries(route, out.status);
  requests->Add();
  duration->Observe(secs);
  return out;
}

http::Response EligibilityService::Route(const http::Request& request, const std::string& path,
                                         std::time_t now, const char*& route) {
  // Read-only mode (the primary is down; reads come from the replica):
  // anything that would write is refused at once, before it can half-start.
  const bool writes =
      request.method != "GET" &&
      ((municipal_ && MunicipalService::Owns(path)) || (insurers_ && InsurerService::Owns(path)) ||
       (clinical_ && ClinicalService::Writes(path)) || path == "/oqs-api-pro/card/register" ||
       path == "/portal/card/register" || path == "/portal/registration" ||
       path.rfind("/admin/readers", 0) == 0 || path == "/oqs-api-pro/bulk/submit" ||
       path == "/oqs-api-pro/reference-number");
  if (writes && monitor_ && monitor_->read_only()) {
    route = "read_only";
    http::Response out = Problem(
        503, "read-only mode",
        "the primary database is unavailable, so changes are refused; eligibility checks are "
        "still answered. Retry later (" +
            monitor_->reason() + ")");
    out.headers.emplace_back("Retry-After", "5");
    return out;
  }
  const auto found = Routes().Find(request.method, request.target);
  if (!found.value) return NotRouted(found.match, request.method);
  route = found.label;
  http::Response out;
  switch (*found.value) {
    case Action::kSearch:
      out = Search(request, now);
      break;
    case Action::kLogin:
      out = Login(request, now);
      break;
    case Action::kFhirSubmit:
      out = FhirSubmit(request, now);
      break;
    case Action::kFhirMetadata:
      out = {200,
             "application/fhir+json",
             {},
             fhir::RenderCapabilityStatement({"2026-11-23", "0.1.0", ""})};
      break;
    case Action::kProofKey:
      out = {200, "application/jwk-set+json", {}, ProofKeySet(proofs_.key().public_key())};
      break;
    case Action::kCardSearch:
      out = CardSearch(request, now);
      break;
    case Action::kCardRegister:
      out = CardRegister(request, now, /*at_facility=*/true);
      break;
    case Action::kPortalChallenge:
      out = PortalChallenge(request, now);
      break;
    case Action::kPortalRegister:
      out = CardRegister(request, now, /*at_facility=*/false);
      break;
    case Action::kPortalStatus:
      out = PortalStatusPage(request, now);
      break;
    case Action::kCardChallenge:
      out = CardChallenge(request, now);
      break;
    case Action::kPortal:
      if (!portal_) return NotRouted(Unrouted(path), request.method);
      out = portal_->Handle(request);
      break;
    case Action::kMunicipal:
      if (!municipal_) return NotRouted(Unrouted(path), request.method);
      out = municipal_->Handle(request);
      break;
    case Action::kInsurer:
      if (!insurers_) return NotRouted(Unrouted(path), request.method);
      out = insurers_->Handle(request);
      break;
    case Action::kClinical:
      if (!clinical_) return NotRouted(Unrouted(path), request.method);
      out = clinical_->Handle(request);
      break;
    case Action::kHealth:
      // Anyone may ask whether the service is up; where its database lives
      // (path, host, user) is for operators only.
      out = Health(!AdminOnly(request, now, true).has_value());
      break;
    case Action::kAdminHealth:
      if (auto refused = AdminOnly(request, now, true)) return *refused;
      out = Health(/*for_operator=*/true);
      break;
    case Action::kMetrics:
      if (auto refused = AdminOnly(request, now, !metrics_open_)) return *refused;
      out = {200, "text/plain; version=0.0.4", {}, metrics_.Render()};
      break;
    case Action::kAdminAuditVerify:
      out = VerifyAudit(request, now);
      break;
    case Action::kAdminReadersList:
    case Action::kAdminReaderAdd:
    case Action::kAdminReaderRevoke:
      // The reader id (a key thumbprint) comes from the route, whole.
      out = ReaderAdmin(request,
                        *found.value == Action::kAdminReaderRevoke ? found.match.params.Text("id")
                                                                   : std::string(),
                        now);
      break;
    case Action::kBulkSubmit:
      out = BulkSubmit(request, now);
      break;
    case Action::kBulkResult:
      out = BulkResult(request, now);
      break;
    case Action::kReferenceNumber:
      out = RegisterReferenceNumber(request, now);
      break;
    case Action::kOpenApi:
      out = {200, "application/json;charset=UTF-8", {}, std::string(OpenApiDocument())};
      break;
  }
  return out;
}

// The per-route series, looked up in the registry once per thread: every
// request records two of them, and building label strings and taking the
// registry's lock each time is work the hot path need not do. `route` is
// always one of the string literals in Handle, so its address is its key.
std::pair<http::Counter*, http::Histogram*> EligibilityService::RequestSeries(const char* route,
                                                                              int status) {
  thread_local std::map<std::pair<const char*, int>, std::pair<http::Counter*, http::Histogram*>>
      cache;
  // Keyed by the service's generation, not its address: a later service may
  // reuse the address of a destroyed one (tests), and its cache must not.
  thread_local uint64_t owner = 0;
  if (owner != generation_) {
    cache.clear();
    owner = generation_;
  }
  auto& slot = cache[{route, status}];
  if (!slot.first) {
    const std::string r(route);
    slot.first =
        &metrics_.GetCounter("onshi_http_requests_total", "HTTP requests by route and status.",
                             "route=\"" + r + "\",status=\"" + std::to_string(status) + "\"");
    slot.second = &metrics_.GetHistogram("onshi_http_request_duration_seconds",
                                         "Time to answer, by route.", "route=\"" + r + "\"");
  }
  return slot;
}

http::Response EligibilityService::Health(bool for_operator) {
  // 200 while eligibility checks can be answered (from the primary or the
  // replica); "mode" says whether changes are accepted too. Load balancers
  // keep a read-only server in rotation: it still answers checks.
  int version = 0;
  std::string failure;
  try {
    version = stores_.Read([](store::Store& s) { return s.SchemaVersion(); });
  } catch (const std::exception& e) {
    failure = e.what();
  }
  const bool read_only = monitor_ ? monitor_->read_only() : !failure.empty();
  json::object o;
  o["status"] = failure.empty() ? (read_only ? "read-only" : "ok") : "unavailable";
  o["mode"] = read_only ? "read-only" : "read-write";
  if (monitor_) {
    o["primary"] = monitor_->primary_up() ? "up" : "down";
    o["replica"] = !monitor_->has_replica() ? "none" : monitor_->replica_up() ? "up" : "down";
    if (read_only) o["reason"] = monitor_->reason();
  }
  o["schema_version"] = version;
  // The database's location (a path, or a host, port and user) and the
  // error text that names them are for operators; anyone else learns only
  // whether checks are answered.
  if (for_operator) {
    if (!failure.empty()) o["detail"] = failure;
    o["database"] = RedactLocation(stores_.location());
    if (!stores_.replica().empty()) o["replica_database"] = RedactLocation(stores_.replica());
  }
  o["audit_spooled"] = audit_.spooled();
  o["time"] = UtcIsoTime(clock_.Now());
  return Json(failure.empty() ? 200 : 503, json::serialize(o));
}

std::optional<http::Response> EligibilityService::AdminOnly(const http::Request& request,
                                                            std::time_t now, bool required,
                                                            std::string* actor) {
  if (!required) return std::nullopt;
  const PeerCertificate cert = ReadPeerCertificate(request);
  if (!cert) {
    return Problem(401, "operator certificate required",
                   "this page is for the system's operators (onshi admin add --out DIR)");
  }
  auto who = ca_.VerifyAdmin(cert.get(), nullptr, now);
  if (!who.ok()) return Problem(403, "not an operator", who.error().ToString());
  if (actor) *actor = "admin:" + who->name;
  return std::nullopt;
}

http::Response EligibilityService::VerifyAudit(const http::Request& request, std::time_t now) {
  std::string actor;
  if (auto refused = AdminOnly(request, now, true, &actor)) return *refused;
  // Flush first, so the answer covers every entry written before the call.
  audit_.Flush();
  // Against the anchors the audit writer records (store/audit_anchor.hpp):
  // the chain alone cannot show a consistent rewrite or a truncation.
  const store::AuditVerification v =
      store::VerifyAuditChainAnchored(stores_.ForThisThread(), audit_.anchors());
  Audit(now, actor, "admin.audit.verify", 0,
        v.intact ? "intact" : "broken at " + std::to_string(v.first_bad_seq.value_or(0)));
  json::object o{{"intact", v.intact},
                 {"entries", v.entries},
                 {"anchored", v.anchored},
                 {"anchored_through", v.anchored_through}};
  if (v.first_bad_seq) o["first_bad_seq"] = *v.first_bad_seq;
  if (!v.intact) o["problem"] = v.problem;
  if (check_log_) {
    // The checks' own log, against its own anchors (every record there is
    // synced before its answer, so nothing needs flushing).
    const store::AuditVerification a = VerifyCheckLog(check_log_->dir(), check_log_->anchors());
    json::object l{{"intact", a.intact},
                   {"entries", a.entries},
                   {"anchored", a.anchored},
                   {"anchored_through", a.anchored_through}};
    if (a.first_bad_seq) l["first_bad_seq"] = *a.first_bad_seq;
    if (!a.intact) l["problem"] = a.problem;
    o["check_log"] = std::move(l);
  }
  return Json(200, json::serialize(o));
}

namespace {

json::object ReaderJson(const store::ReaderRecord& r) {
  json::object o{{"reader", r.reader_id},
                 {"facility", r.facility_code},
                 {"name", r.name},
                 {"registeredAt", r.registered_at},
                 {"publicKey", json::parse(r.public_jwk)}};
  if (r.revoked_at) o["revokedAt"] = *r.revoked_at;
  return o;
}

std::string QueryParameter(const std::string& target, std::string_view name) {
  const size_t q = target.find('?');
  if (q == std::string::npos) return "";
  std::string_view rest = std::string_view(target).substr(q + 1);
  while (!rest.empty()) {
    const size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    if (pair.size() > name.size() && pair.substr(0, name.size()) == name &&
        pair[name.size()] == '=') {
      return std::string(pair.substr(name.size() + 1));
    }
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
  return "";
}

}  // namespace

// Operators register a facility's card reader by its public key (the
// reader keeps its private key: `onshi reader add` makes both, a vendor's
// reader may make its own), list a facility's readers, and revoke one.
http::Response EligibilityService::ReaderAdmin(const http::Request& request,
                                               const std::string& revoke_id, std::time_t now) {
  std::string actor;
  if (auto refused = AdminOnly(request, now, true, &actor)) return *refused;
  store::Store& store = stores_.ForThisThread();
  if (!revoke_id.empty()) {
    auto revoked = RevokeReader(store, revoke_id, now, actor);
    if (!revoked.ok()) return Problem(404, "not found", revoked.error().ToString());
    return Json(200, json::serialize(ReaderJson(*revoked)));
  }
  if (request.method == "GET") {
    const std::string facility = QueryParameter(request.target, "facility");
    if (facility.empty()) return Problem(400, "bad request", "?facility=<医療機関コード> required");
    json::array list;
    for (const store::ReaderRecord& r : store.ReadersOfFacility(facility))
      list.push_back(ReaderJson(r));
    return Json(200, json::serialize(json::object{{"readers", std::move(list)}}));
  }
  // POST /admin/readers: register one.
  boost::system::error_code ec;
  const json::value body = json::parse(request.body, ec);
  if (ec || !body.is_object()) return Problem(400, "bad request", "the body is not JSON");
  const json::object& o = body.as_object();
  const json::value* facility = o.if_contains("facility");
  const json::value* name = o.if_contains("name");
  const json::value* jwk = o.if_contains("publicKey");
  if (!facility || !facility->is_string() || !name || !name->is_string() || !jwk ||
      !jwk->is_object()) {
    return Problem(400, "bad request",
                   "{\"facility\": 医療機関コード, \"name\": text, \"publicKey\": P-256 JWK} "
                   "required");
  }
  auto key = auth::Es256PublicKey::FromJwk(json::serialize(*jwk));
  if (!key.ok()) return Problem(400, "bad public key", key.error().ToString());
  auto added = RegisterReader(store, *key, std::string_view(facility->as_string()),
                              std::string_view(name->as_string()), now, actor);
  if (!added.ok()) {
    return Problem(added.error().field == "publicKey" ? 409 : 400, "reader not registered",
                   added.error().ToString());
  }
  return Json(201, json::serialize(ReaderJson(*added)));
}

http::Response EligibilityService::Signed(int status, std::string content_type,
                                          std::string body) const {
  http::Response r{status, std::move(content_type), {}, std::move(body)};
  r.headers.emplace_back(kProofHeader, "");
  return r;
}

namespace {

// The check log records made by the request this thread is answering inside
// EligibilityService::Answer: they are written in parallel with the proof,
// and the answer waits for both, instead of this thread waiting for a disk.
thread_local std::vector<store::AuditEntry>* t_deferred_checks = nullptr;

// Sets t_deferred_checks for the lifetime of the scope, also when the
// handler throws.
class DeferChecks {
 public:
  explicit DeferChecks(std::vector<store::AuditEntry>& into) { t_deferred_checks = &into; }
  ~DeferChecks() { t_deferred_checks = nullptr; }
  DeferChecks(const DeferChecks&) = delete;
  DeferChecks& operator=(const DeferChecks&) = delete;
};

// One answer waiting for its proof and for its check records.
struct AnswerJoin {
  std::mutex mu;
  size_t left = 0;
  http::Response answer;
  std::string failure;
  std::function<void(http::Response)> done;

  // Called by each part once; the last gives the answer.
  void Arrive(std::unique_lock<std::mutex> lock) {
    if (--left > 0) return;
    lock.unlock();
    if (!failure.empty()) {
      std::cerr << "onshi: a check could not be audited, so it is not answered: " << failure
                << "\n";
      return done(Problem(500, "internal error",
                          "the check could not be recorded in the access log, so it is not "
                          "answered; retry later"));
    }
    done(std::move(answer));
  }
};

}  // namespace

void EligibilityService::Answer(const http::Request& request,
                                const std::function<http::Response(const http::Request&)>& unproven,
                                std::function<void(http::Response)> done) {
  std::vector<store::AuditEntry> checks;
  http::Response answer;
  {
    DeferChecks scope(checks);
    answer = unproven(request);
  }
  if (checks.empty()) return Prove(std::move(answer), std::move(done));
  auto join = std::make_shared<AnswerJoin>();
  join->left = checks.size() + 1;
  join->done = std::move(done);
  // The records first: their sync takes longer than a signature.
  for (store::AuditEntry& e : checks) {
    check_log_->AppendAsync(std::move(e),
                            [join](const store::AuditEntry&, const std::string& failure) {
                              std::unique_lock<std::mutex> lock(join->mu);
                              if (!failure.empty()) join->failure = failure;
                              join->Arrive(std::move(lock));
                            });
  }
  Prove(std::move(answer), [join](http::Response proven) {
    std::unique_lock<std::mutex> lock(join->mu);
    join->answer = std::move(proven);
    join->Arrive(std::move(lock));
  });
}

void EligibilityService::Audit(std::time_t now, const std::string& actor, const std::string& action,
                               int64_t person_id, std::string detail) {
  store::AuditEntry entry{0, UtcIsoTime(now), actor, action, person_id, std::move(detail), "", ""};
  // A check (a read) never writes the members' database when there is an
  // access log; Append returns once the record is synced, so the answer
  // that follows is never unaudited, whatever happens to the process. If
  // the record cannot be written, the exception ends the request (500)
  // before any answer is given.
  if (check_log_ && IsCheckAction(action)) {
    if (t_deferred_checks) {
      t_deferred_checks->push_back(std::move(entry));  // written by Answer
    } else {
      check_log_->Append(std::move(entry));
    }
    return;
  }
  audit_.Append(std::move(entry));
}

http::Response EligibilityService::Login(const http::Request& request, std::time_t now) {
  auto fail = [&](int status, const std::string& why, const std::string& actor) {
    metrics_.GetCounter("onshi_login_failures_total", "Failed facility logins.").Add();
    Audit(now, actor, "facility.login", 0, "refused: " + why);
    return LoginAnswer(status, why, nullptr);
  };
  if (request.peer_certificate_der.empty()) {
    return fail(401, "client certificate required", "anonymous");
  }
  const PeerCertificate cert = ReadPeerCertificate(request);
  if (!cert) return fail(401, "client certificate cannot be read", "anonymous");
  auto identity = ca_.VerifyClient(cert.get(), nullptr, now);
  if (!identity.ok())
    return fail(401, "client certificate refused: " + identity.error().ToString(), "anonymous");
  const std::string actor = "facility:" + std::string(identity->code.digits());
  auto body = auth::ParseLoginBody(request.body);
  if (!body.ok()) return fail(400, "login body: " + body.error().ToString(), actor);
  if (!auth::MatchesCertificate(*body, identity->code, identity->serial_hex)) {
    return fail(401, "login body does not belong to this certificate", actor);
  }
  // Read where eligibility is read, so facilities can still log in while
  // the primary is down.
  if (!stores_.Read([&](store::Store& s) { return s.GetFacility(identity->code.digits()); })) {
    return fail(403, "facility " + std::string(identity->code.digits()) + " is not registered",
                actor);
  }
  const auth::LoginTokens tokens = tokens_.IssueLogin(identity->code, now);
  Audit(now, actor, "facility.login", 0, "ok serial=" + identity->serial_hex);
  return LoginAnswer(200, "", &tokens);
}

std::optional<http::Response> EligibilityService::BodyTooLarge(const http::Request& request) const {
  const std::string path = request.target.substr(0, request.target.find('?'));
  if (request.method != "POST" || path != kSearchPath) return std::nullopt;
  // Nothing of the body was read: the answer's format and charset come from
  // the Content-Type alone, and its header carries no request fields.
  const std::string ctype = Lower(request.Header("Content-Type"));
  oqs::ResponseEncoding encoding;
  if (ctype.find("xml") != std::string::npos) {
    encoding.format = oqs::WireFormat::kXml;
    if (ctype.find("shift_jis") != std::string::npos ||
        ctype.find("windows-31j") != std::string::npos ||
        ctype.find("cp932") != std::string::npos) {
      encoding.charset = oqs::Charset::kShiftJis;
    }
  }
  const oqs::OqsError e = oqs::MakeOqsError(oqs::ErrorCode::kRequestTooLarge, "",
                                            "the request body is over the server's limit");
  return ProvenNow(Signed(e.HttpStatus(), ContentTypeFor(encoding),
                          oqs::WriteErrorResponse(oqs::QualificationRequest{}, e,
                                                  JstTimestamp(clock_.Now()), encoding)));
}

bool EligibilityService::AnswersFromMemory(const http::Request& request) const {
  const std::string_view target = request.target;
  const std::string_view path = target.substr(0, target.find('?'));
  if (request.method == "POST" && path == kSearchPath) return index_ != nullptr;
  return request.method == "GET" && path == kProofKeyPath;
}

http::Response EligibilityService::Search(const http::Request& request, std::time_t now) {
  const oqs::Timestamp processed = JstTimestamp(now);
  const std::string ctype = Lower(request.Header("Content-Type"));
  oqs::ParsedRequest parsed;
  if (ctype.empty() || ctype.find("json") != std::string::npos) {
    parsed = oqs::ParseRequestJson(request.body);
  } else if (ctype.find("xml") != std::string::npos) {
    parsed = oqs::ParseRequestXml(request.body);
  } else {
    parsed.error = oqs::MakeOqsError(oqs::ErrorCode::kUnsupportedMediaType, "Content-Type",
                                     "\"" + ctype + "\" is neither JSON nor XML");
  }
  const oqs::ResponseEncoding encoding = oqs::AnswerEncoding(parsed.request);
  const std::string content_type = ContentTypeFor(encoding);
  std::string actor = "facility:unauthenticated";

  auto error = [&](const oqs::OqsError& e) {
    metrics_
        .GetCounter("onshi_oqs_errors_total", "OQS error answers by code.",
                    "code=\"" + std::string(e.Id()) + "\"")
        .Add();
    Audit(now, actor, "eligibility.search", 0, "error=" + std::string(e.Id()));
    return Signed(e.HttpStatus(), content_type,
                  oqs::WriteErrorResponse(parsed.request, e, processed, encoding));
  };

  const auth::TokenVerification& token = CachedVerify(tokens_, TokenFrom(request), now);
  if (!token.ok()) {
    return error(
        oqs::MakeOqsError(oqs::ErrorCode::kUnauthenticated, "Authorization", token.detail));
  }
  actor = "facility:" + std::string(token.claims->subject.digits());
  if (!parsed.request.medical_institution_code) {
    // A strict client requires MessageHeader/MedicalInstitutionCode in every
    // answer; when its request did not carry one, the token says whose it is.
    parsed.request.medical_institution_code = std::string(token.claims->subject.digits());
  }
  if (!parsed.ok()) return error(*parsed.error);
  const oqs::Result<oqs::ValidatedRequest> valid = oqs::ValidateRequest(parsed.request);
  if (!valid.ok()) return error(valid.error());
  if (valid->institution != token.claims->subject) {
    return error(oqs::MakeOqsError(oqs::ErrorCode::kFacilityMismatch,
                                   "MessageHeader/MedicalInstitutionCode",
                                   "the token was issued to another facility"));
  }

  std::vector<Qualification> records;
  try {
    // From the replica when there is one: linkage runs days behind, so a
    // replica's lag changes no answer.
    records = index_ ? index_->Lookup(valid->query) : stores_.Read([&](store::Store& store) {
      return store::LoadForCardQuery(store, valid->query);
    });
  } catch (const store::StoreError& e) {
    if (monitor_) monitor_->Nudge();
    std::cerr << "onshi: eligibility read failed: " << e.what() << "\n";
    return error(oqs::MakeOqsError(oqs::ErrorCode::kDatabaseUnavailable, "",
                                   "neither the database nor its replica answered"));
  }
  const EligibilityDecision decision =
      DecideByInsuranceCard(valid->query, records, valid->confirmation_date, JstDate(now));
  const int validity = static_cast<int>(decision.validity);
  metrics_
      .GetCounter("onshi_eligibility_checks_total", "Eligibility checks by QualificationValidity.",
                  "validity=\"" + std::to_string(validity) + "\"")
      .Add();
  Audit(now, actor, "eligibility.search",
        decision.results.empty() ? 0 : decision.results.front()->person_id,
        "method=card-keys validity=" + std::to_string(validity) +
            " reason=" + std::string(EligibilityReasonCode(decision.reason)) +
            " date=" + valid->confirmation_date.ToCompact() + " " + MaskedKeys(valid->query) +
            (parsed.request.arbitrary_file_identifier
                 ? " file=" + *parsed.request.arbitrary_file_identifier
                 : std::string()));
  const std::vector<std::string> references =
      ReferenceNumbersFor(token.claims->subject.digits(), decision);
  return Signed(200, content_type,
                oqs::WriteQualificationResponse(parsed.request, *valid, decision, processed,
                                                encoding, &references));
}

http::Response EligibilityService::FhirSubmit(const http::Request& request, std::time_t now) {
  auto outcome = [&](const fhir::Issue& issue, const std::string& actor) {
    Audit(now, actor, "eligibility.fhir", 0, "error=" + issue.Diagnostics());
    return http::Response{
        issue.http_status, "application/fhir+json", {}, fhir::RenderOperationOutcome(issue)};
  };
  const auth::TokenVerification& token = CachedVerify(tokens_, TokenFrom(request), now);
  if (!token.ok()) {
    return outcome({401, fhir::IssueCode::kLogin, "Authorization", token.detail},
                   "facility:unauthenticated");
  }
  const std::string actor = "facility:" + std::string(token.claims->subject.digits());
  const fhir::Parsed<fhir::EligibilityRequest> parsed =
      fhir::ParseEligibilityRequest(request.body, JstDate(now));
  if (!parsed.ok()) return outcome(parsed.error(), actor);
  if (parsed->provider && *parsed->provider != token.claims->subject) {
    return outcome({403, fhir::IssueCode::kForbidden, "CoverageEligibilityRequest.provider",
                    "the provider is not the facility the token was issued to"},
                   actor);
  }
  std::vector<Qualification> records;
  try {
    records = index_ ? index_->Lookup(parsed->query) : stores_.Read([&](store::Store& store) {
      return store::LoadForCardQuery(store, parsed->query);
    });
  } catch (const store::StoreError& e) {
    if (monitor_) monitor_->Nudge();
    std::cerr << "onshi: eligibility read failed: " << e.what() << "\n";
    return outcome({503, fhir::IssueCode::kTransient, "CoverageEligibilityRequest",
                    "neither the database nor its replica answered; retry later"},
                   actor);
  }
  const EligibilityDecision decision =
      DecideByInsuranceCard(parsed->query, records, parsed->confirmation_date, JstDate(now));
  Audit(now, actor, "eligibility.fhir",
        decision.results.empty() ? 0 : decision.results.front()->person_id,
        "method=card-keys validity=" + std::to_string(static_cast<int>(decision.validity)) +
            " reason=" + std::string(EligibilityReasonCode(decision.reason)) + " " +
            MaskedKeys(parsed->query));
  const std::string id =
      "cer-" + std::to_string(now) + "-" +
      std::to_string(
          metrics_.GetCounter("onshi_fhir_responses_total", "FHIR eligibility responses.").value());
  metrics_.GetCounter("onshi_fhir_responses_total", "FHIR eligibility responses.").Add();
  return Signed(200, "application/fhir+json",
                fhir::RenderEligibilityResponse(*parsed, decision, id, UtcIsoTime(now)));
}

}  // namespace onshi::service

namespace onshi::service {
namespace {

// {"challenge", "expiresIn"}, or 503 + Retry-After when the book is full.
http::Response ChallengeAnswer(ChallengeBook& book, std::string_view audience, std::time_t now,
                               http::Metrics& metrics) {
  auto c = book.Issue(audience, now);
  if (!c.ok()) {
    metrics
        .GetCounter("onshi_card_challenge_refusals_total", "Card challenges refused, by reason.",
                    "reason=\"full\"")
        .Add();
    http::Response out = Problem(503, "too many challenges outstanding", c.error().reason);
    out.headers.emplace_back("Retry-After", std::to_string(c.error().retry_after_seconds));
    return out;
  }
  return Json(200, "{\"challenge\":\"" +
                       auth::Base64UrlEncode(
                           std::string_view(reinterpret_cast<const char*>(c->data()), c->size())) +
                       "\",\"expiresIn\":" + std::to_string(book.lifetime_seconds()) + "}");
}

}  // namespace

http::Response EligibilityService::CardChallenge(const http::Request& request, std::time_t now) {
  const auth::TokenVerification& token = CachedVerify(tokens_, TokenFrom(request), now);
  if (!token.ok()) return Problem(401, "unauthenticated", token.detail);
  return ChallengeAnswer(facility_challenges_, token.claims->subject.digits(), now, metrics_);
}

http::Response EligibilityService::CardSearch(const http::Request& request, std::time_t now) {
  const auth::TokenVerification& token = CachedVerify(tokens_, TokenFrom(request), now);
  if (!token.ok()) return Problem(401, "unauthenticated", token.detail);
  const std::string facility(token.claims->subject.digits());
  const std::string actor = "facility:" + facility;
  if (jpki_ == nullptr) {
    return Problem(503, "card checks unavailable", "no JPKI trust anchor is configured");
  }
  auto req = ParseCardRequest(request.body, facility);
  const oqs::Timestamp processed = JstTimestamp(now);
  auto consents = req.ok() ? ParseCardConsents(request.body, processed)
                           : Expected<oqs::ResultConsents>(req.error());
  if (!req.ok() || !consents.ok()) {
    const Error& e = req.ok() ? consents.error() : req.error();
    Audit(now, actor, "eligibility.card", 0, "error=" + e.ToString());
    return Problem(400, "bad card check request", e.ToString());
  }
  // Every look-up names its reader (or none) and the card's certificate by
  // a prefix of its hash: enough to investigate, nothing personal.
  const std::string cert_hash = jpki::CertificateFingerprint(req->certificate_der);
  const std::string who = " mode=" + std::string(IdentityCheckName(req->method)) +
                          " reader=" + (req->reader_id.empty() ? "none" : req->reader_id) +
                          " cert_sha256=" + cert_hash.substr(0, 16);
  // Repeated look-ups of one card by one facility (counted before any work,
  // refused ones included).
  if (const int wait = card_lookups_.Hit(facility + " " + cert_hash, now)) {
    metrics_
        .GetCounter("onshi_card_check_refusals_total", "Card checks refused, by field.",
                    "field=\"rate_limit\"")
        .Add();
    const RateLimit limit = card_lookups_.limit();
    Audit(now, actor, "eligibility.card", 0,
          "refused rate_limit: over " + std::to_string(limit.limit) + " look-ups of this card in " +
              std::to_string(limit.window_seconds) + " s" + who);
    http::Response out = Problem(
        429, "too many look-ups of this card",
        "this facility looked this card up " + std::to_string(limit.limit) + " times within " +
            std::to_string(limit.window_seconds) + " seconds; retry later");
    out.headers.emplace_back("Retry-After", std::to_string(wait));
    return out;
  }
  const std::shared_ptr<const jpki::JpkiCa> ca = jpki_->Current();
  // One store, chosen before the single-use challenge is redeemed (a retry
  // elsewhere would be refused): the replica, unless the monitor has seen
  // it down.
  store::Store& store = monitor_ && monitor_->has_replica() && !monitor_->replica_up()
                            ? stores_.ForThisThread()
                            : stores_.ReplicaForThisThread();
  auto result = CheckCard(store, *ca, facility_challenges_, *req, now, JstDate(now));
  if (!result.ok()) {
    const std::string& field = result.error().field;
    metrics_
        .GetCounter("onshi_card_check_refusals_total", "Card checks refused, by field.",
                    "field=\"" + field + "\"")
        .Add();
    Audit(now, actor, "eligibility.card", 0, "refused " + result.error().ToString() + who);
    // A certificate or a reader that is known but not accepted: 403. A
    // proof missing or not verifying: 401.
    const bool forbidden = field == "certificate" || (field == "reader" && !req->reader_id.empty());
    return Problem(forbidden ? 403 : 401,
                   field.rfind("reader", 0) == 0 ? "card reader not accepted" : "card not accepted",
                   result.error().ToString());
  }
  const int validity = static_cast<int>(result->decision.validity);
  Audit(now, actor, "eligibility.card", result->person_id,
        "method=card validity=" + std::to_string(validity) +
            " reason=" + std::string(EligibilityReasonCode(result->decision.reason)) +
            " date=" + req->confirmation_date.ToCompact() + " cert=" + result->cert_serial + who +
            // What the patient consented to at the reader: the portal's
            // 同意の記録 and access log read it back (access_log.hpp).
            (CardConsentsWord(*consents).empty() ? "" : " " + CardConsentsWord(*consents)));
  // Issue 18: the consents chosen on the reader, kept for this facility's
  // reads of clinical data. A database that refuses the write leaves the
  // check answered and the reads refused (no consent stored).
  if (result->person_id > 0) {
    try {
      const std::string kept =
          RecordCardConsents(stores_.ForThisThread(), result->person_id, facility, *consents, now);
      if (!kept.empty()) Audit(now, actor, "consent.record", result->person_id, kept);
    } catch (const store::StoreError& e) {
      std::cerr << "onshi: consents not recorded: " << e.what() << "\n";
    }
  }
  // ArbitraryFileIdentifier: a fresh token per answer, as the terminal's
  // Face files carry one (oqs-interface.md §3.1).
  unsigned char afi[12];
  if (RAND_bytes(afi, sizeof(afi)) != 1) {
    return Problem(500, "no randomness", "the answer's file identifier could not be made");
  }
  const std::string file_identifier =
      auth::Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(afi), sizeof(afi)));
  return Signed(200, "application/json;charset=UTF-8",
                RenderCardAnswer(*result, *req, *consents, processed, file_identifier,
                                 ReferenceNumbersFor(facility, result->decision)));
}

namespace {

constexpr std::string_view kPortalAudience = "portal";

// {"certificate","challenge","signature"} of a card that signs to log in;
// at a facility's reader, {"certificate","challenge","reader",
// "readerSignature"} when the reader vouches instead (R-REG-3, a face match).
struct CardLogin {
  std::vector<uint8_t> certificate, challenge, signature;
  std::string reader_id;
  json::object body;
};

Expected<CardLogin> ReadCardLogin(std::string_view text, bool reader_may_sign = false) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return Error{"", "the body is not a JSON object"};
  CardLogin out;
  out.body = v.as_object();
  const json::value* reader = out.body.if_contains("reader");
  const bool by_reader = reader_may_sign && reader != nullptr;
  if (by_reader) {
    if (!reader->is_string() || reader->as_string().empty()) {
      return Error{"reader", "the reader id is a string"};
    }
    out.reader_id = std::string(reader->as_string());
  }
  for (auto [key, slot] :
       {std::pair{"certificate", &out.certificate}, std::pair{"challenge", &out.challenge},
        std::pair{by_reader ? "readerSignature" : "signature", &out.signature}}) {
    const json::value* f = out.body.if_contains(key);
    std::optional<std::string> bytes;
    if (f && f->is_string()) bytes = auth::Base64UrlDecode(std::string_view(f->as_string()));
    if (!bytes || bytes->empty()) return Error{key, "base64url value required"};
    slot->assign(bytes->begin(), bytes->end());
  }
  return out;
}

}  // namespace

http::Response EligibilityService::PortalChallenge(const http::Request& request, std::time_t now) {
  // Anonymous: bounded per client address, and in a book of its own.
  const std::string address = request.peer_address.empty() ? "unknown" : request.peer_address;
  if (const int wait = portal_challenge_rate_.Hit(address, now)) {
    metrics_
        .GetCounter("onshi_card_challenge_refusals_total", "Card challenges refused, by reason.",
                    "reason=\"rate_limit\"")
        .Add();
    const RateLimit limit = portal_challenge_rate_.limit();
    http::Response out = Problem(
        429, "too many challenges",
        "at most " + std::to_string(limit.limit) + " card challenges per " +
            std::to_string(limit.window_seconds) + " seconds from one address; retry later");
    out.headers.emplace_back("Retry-After", std::to_string(wait));
    return out;
  }
  return ChallengeAnswer(portal_challenges_, kPortalAudience, now, metrics_);
}

// A login without the card's certificate or signature has no credential at
// all (401, like a request without a token); anything else malformed is 400.
http::Response CardLoginProblem(const Error& e, const std::string& title) {
  if (e.field == "certificate" || e.field == "signature" || e.field == "readerSignature") {
    return Problem(401, "card proof required",
                   "sign the challenge with the My Number card (" + e.ToString() + ")");
  }
  return Problem(400, title, e.ToString());
}

http::Response EligibilityService::CardRegister(const http::Request& request, std::time_t now,
                                                bool at_facility) {
  std::string audience(kPortalAudience), actor = "person";
  if (at_facility) {
    const auth::TokenVerification& token = CachedVerify(tokens_, TokenFrom(request), now);
    if (!token.ok()) return Problem(401, "unauthenticated", token.detail);
    audience = std::string(token.claims->subject.digits());
    actor = "facility:" + audience;
  }
  if (jpki_ == nullptr || cards_ == nullptr) {
    return Problem(503, "registration unavailable", "no JPKI trust anchor or card world");
  }
  auto login = ReadCardLogin(request.body, /*reader_may_sign=*/at_facility);
  if (!login.ok()) return CardLoginProblem(login.error(), "bad registration request");
  municipal::RegistrationChannel channel = municipal::RegistrationChannel::kReader;
  if (!at_facility) {
    const json::value* c = login->body.if_contains("channel");
    const std::string name = c && c->is_string() ? std::string(c->as_string()) : "portal";
    if (name != "portal" && name != "atm") {
      return Problem(400, "bad channel", "channel must be portal or atm (R-REG-2)");
    }
    channel = *municipal::ParseChannel(name);
  }
  store::Store& store = stores_.ForThisThread();
  // A card that cannot sign (face-only, or matched by face) registers on
  // the word of the facility's own reader.
  auto card =
      login->reader_id.empty()
          ? AuthenticateCard(store, *jpki_->Current(),
                             at_facility ? facility_challenges_ : portal_challenges_,
                             login->certificate, login->challenge, login->signature, audience, now)
          : AuthenticateCardByReader(store, *jpki_->Current(), facility_challenges_,
                                     login->certificate, login->challenge, audience,
                                     login->reader_id, login->signature, now);
  if (!card.ok()) {
    Audit(now, actor, "card.register", 0,
          "refused " + card.error().ToString() +
              (login->reader_id.empty() ? "" : " reader=" + login->reader_id));
    const std::string& field = card.error().field;
    const bool forbidden =
        field == "certificate" || (field == "reader" && !login->reader_id.empty());
    return Problem(forbidden ? 403 : 401, "card not accepted", card.error().ToString());
  }
  municipal::Registrar registrar(store, cards_->issuer_key, cards_->cards_dir);
  municipal::RegistrationRequest req;
  req.card_id = card->card.card_id;
  req.channel = channel;
  req.actor = actor;
  auto done = registrar.Register(req, now);
  if (!done.ok()) return Problem(409, "registration refused", done.error().ToString());
  json::object o{{"registered_on", done->registered_on.ToIso()},
                 {"channel", done->channel},
                 {"newly_registered", done->newly_registered}};
  return Json(200, json::serialize(o));
}

http::Response EligibilityService::PortalStatusPage(const http::Request& request, std::time_t now) {
  if (jpki_ == nullptr || cards_ == nullptr) {
    return Problem(503, "portal unavailable", "no JPKI trust anchor or card world");
  }
  auto login = ReadCardLogin(request.body);
  if (!login.ok()) return CardLoginProblem(login.error(), "bad request");
  store::Store& store = stores_.ForThisThread();
  auto card = AuthenticateCard(store, *jpki_->Current(), portal_challenges_, login->certificate,
                               login->challenge, login->signature, kPortalAudience, now);
  if (!card.ok()) {
    return Problem(card.error().field == "certificate" ? 403 : 401, "card not accepted",
                   card.error().ToString());
  }
  const Date today = JstDate(now);
  const int64_t person = card->person.person_id;
  municipal::Registrar registrar(store, cards_->issuer_key, cards_->cards_dir);
  const municipal::RegistrationOverview overview = registrar.Status(person, today);
  // R-LINK-7: what each insurer has registered, with the portal's words
  // (the same list and words as `onshi card status`).
  json::array insurance;
  for (const municipal::InsurerRegistration& r : overview.registrations) {
    insurance.push_back(json::object{{"insurer", r.insurer_name},
                                     {"since", r.since.ToIso()},
                                     {"status", r.status.label},
                                     {"advice", r.status.advice}});
  }
  Audit(now, "person", "portal.status", person, "by certificate");
  // わたしの確認履歴: which facility checked this person's eligibility, and
  // when: from the access log (by person), or from the database's audit
  // rows on a server without one.
  json::array checks;
  std::vector<store::AuditEntry> seen;
  if (check_log_) {
    seen = check_log_->OfPerson(person, 200);  // newest first
  } else {
    seen = store.AuditOfPerson(person);  // oldest first
    std::reverse(seen.begin(), seen.end());
  }
  for (const store::AuditEntry& e : seen) {
    if (e.action.rfind("eligibility.", 0) != 0) continue;
    const std::string facility = e.actor.rfind("facility:", 0) == 0 ? e.actor.substr(9) : e.actor;
    checks.push_back(json::object{{"at", e.at}, {"facility", facility}, {"action", e.action}});
  }
  // わたしの情報: the registry's 基本4情報 as they are now (a 転居 or
  // 氏名変更 shows once the municipality has recorded it).
  json::object o{{"registration", municipal::FormatRegistrationStatus(overview)},
                 {"name", overview.name},
                 {"name_kana", overview.name_kana},
                 {"postcode", overview.postcode},
                 {"address", overview.address},
                 {"has_current_insurer", overview.has_current_insurer},
                 {"insurer_name", overview.insurer_name},
                 {"usable_as_insurance_card", overview.usable_as_insurance_card},
                 {"insurance", std::move(insurance)},
                 {"checks", std::move(checks)}};
  return Json(200, json::serialize(o));
}

}  // namespace onshi::service
