#include "terminal/kiosk_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <boost/json.hpp>
#include <ctime>
#include <fstream>
#include <iterator>
#include <regex>
#include <stdexcept>

namespace onshi::terminal {
namespace {

namespace json = boost::json;

// The pages load only their own code, the face-api bundle and its weights;
// images come from the card (blob:), video from the camera.
constexpr const char* kPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; "
    "media-src 'self' blob: mediastream:; connect-src 'self'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'";

http::Response Answer(int status, std::string content_type, std::string body) {
  http::Response r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  r.headers = {{"Cache-Control", "no-store"},
               {"X-Content-Type-Options", "nosniff"},
               {"Content-Security-Policy", kPolicy},
               {"Referrer-Policy", "no-referrer"}};
  return r;
}

http::Response Json(const json::object& o, int status = 200) {
  return Answer(status, "application/json;charset=UTF-8", json::serialize(o));
}

http::Response Problem(int status, const std::string& message) {
  return Json(json::object{{"step", "error"}, {"message", message}}, status);
}

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

json::object ParseBody(const std::string& body) {
  boost::system::error_code ec;
  json::value v = json::parse(body.empty() ? "{}" : body, ec);
  return !ec && v.is_object() ? v.as_object() : json::object{};
}

std::string TextOf(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

bool FlagOf(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_bool() && v->as_bool();
}

json::object VisitJson(const KioskVisit& v) {
  json::object o{
      {"time", v.time},       {"mode", v.mode},          {"visualReason", v.visual_reason},
      {"outcome", v.outcome}, {"reason", v.reason},      {"tell", v.tell},
      {"name", v.name},       {"nameKana", v.name_kana}, {"faceFile", v.face_file}};
  if (v.consents) {
    o["consents"] = json::object{{"medical", v.consents->medical},
                                 {"checkups", v.consents->checkups},
                                 {"operation", v.consents->operation},
                                 {"limit", v.consents->limit}};
  }
  return o;
}

}  // namespace

namespace {

// 127.0.0.0/8 or ::1: the kiosk's pages and API are for the reader's own
// screen, never the network.
bool IsLoopback(const std::string& address) {
  in_addr v4{};
  if (::inet_pton(AF_INET, address.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  return ::inet_pton(AF_INET6, address.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

}  // namespace

KioskServer::KioskServer(KioskSession& session, std::string web_root, std::string address,
                         uint16_t port)
    : session_(session),
      web_root_(std::move(web_root)),
      address_(std::move(address)),
      requested_port_(port) {
  if (!IsLoopback(address_)) {
    throw std::invalid_argument(
        "the kiosk listens on loopback only (127.0.0.1, localhost, ::1), not " + address_);
  }
}

KioskServer::~KioskServer() {
  Stop();
}

void KioskServer::Start() {
  http::ServerOptions options;
  options.address = address_;
  options.port = requested_port_;
  options.threads = 2;
  options.max_body_bytes = 64 * 1024;
  // The calls that read the card or ask the central server (POST /api/…)
  // may wait seconds; the pages, scripts and GET /api/… read local files
  // and memory. Each server thread owns its connections, so the waiting
  // calls go to the server's pool and the staff page keeps answering.
  options.answers_inline = [](const http::Request& r) {
    return r.method != "POST" || !r.target.starts_with("/api/");
  };
  server_ = std::make_unique<http::HttpServer>(
      options, [this](const http::Request& r) { return Handle(r); });
  server_->Start();
}

uint16_t KioskServer::port() const {
  return server_ ? server_->port() : requested_port_;
}

void KioskServer::Stop() {
  if (server_) server_->Stop();
}

http::Response KioskServer::Handle(const http::Request& request) {
  const std::string host = request.Header("Host");
  const std::string port = std::to_string(this->port());
  const bool v6 = address_.find(':') != std::string::npos;
  const std::string bound = (v6 ? "[" + address_ + "]" : address_) + ":" + port;
  if (host != "127.0.0.1:" + port && host != "localhost:" + port && host != "[::1]:" + port &&
      host != bound) {
    return Problem(421, "この端末の画面は 127.0.0.1 からだけ開けます。");
  }
  std::string path = request.target.substr(0, request.target.find('?'));
  if (path.starts_with("/api/")) return Api(request);
  if (request.method != "GET") return Problem(405, "GET only");
  if (path == "/favicon.ico") return Answer(204, "image/x-icon", "");  // no icon, no 404
  return Static(path);
}

http::Response KioskServer::Static(const std::string& path) {
  struct Page {
    const char* route;
    const char* file;
    const char* type;
  };
  static constexpr Page kPages[] = {
      {"/", "kiosk.html", "text/html;charset=UTF-8"},
      {"/staff", "staff.html", "text/html;charset=UTF-8"},
      {"/kiosk.js", "kiosk.js", "text/javascript;charset=UTF-8"},
      {"/face-match.js", "face-match.js", "text/javascript;charset=UTF-8"},
      {"/staff.js", "staff.js", "text/javascript;charset=UTF-8"},
      {"/kiosk.css", "kiosk.css", "text/css;charset=UTF-8"},
      {"/face-api/face-api.esm.js", "node_modules/@vladmandic/face-api/dist/face-api.esm.js",
       "text/javascript;charset=UTF-8"},
  };
  for (const Page& p : kPages) {
    if (path != p.route) continue;
    auto body = ReadFile(web_root_ + "/" + p.file);
    if (!body)
      return Problem(404, std::string(p.file) + " がありません (npm ci を実行してください)");
    return Answer(200, p.type, std::move(*body));
  }
  // The model weights: a manifest (.json) and its shards (.bin), by name.
  static const std::regex kModel("/models/([a-z0-9_]+(-weights_manifest\\.json|\\.bin))");
  std::smatch m;
  if (std::regex_match(path, m, kModel)) {
    auto body = ReadFile(web_root_ + "/node_modules/@vladmandic/face-api/model/" + m[1].str());
    if (!body) return Problem(404, "no such model file");
    return Answer(200,
                  m[2].str().ends_with(".json") ? "application/json" : "application/octet-stream",
                  std::move(*body));
  }
  return Problem(404, "ページがありません");
}

http::Response KioskServer::Api(const http::Request& request) {
  const std::string path = request.target.substr(0, request.target.find('?'));
  const std::time_t now = std::time(nullptr);
  if (request.method == "GET") {
    if (path == "/api/config") {
      return Json(json::object{{"threshold", session_.face_threshold()}});
    }
    if (path == "/api/today") {
      json::array visits;
      for (const KioskVisit& v : session_.Today(now))
        visits.push_back(VisitJson(v));
      return Json(json::object{{"visits", std::move(visits)}});
    }
    return Problem(404, "no such call");
  }
  if (request.method != "POST") return Problem(405, "POST only");
  if (!request.Header("Content-Type").starts_with("application/json")) {
    return Problem(415, "application/json only");
  }
  const json::object body = ParseBody(request.body);
  if (path == "/api/card") return Json(session_.Card(now));
  if (path == "/api/pin") return Json(session_.Pin(TextOf(body, "pin"), now));
  if (path == "/api/face/photo") {
    auto photo = session_.FacePhoto();
    if (!photo.ok()) {
      const std::string& f = photo.error().field;
      return Problem(f == "photo" ? 404 : 409,
                     f == "photo" ? "このカードには顔写真がありません。暗証番号で確認してください。"
                     : f == "collation"
                         ? "カードの券面を読み取れませんでした。カードを置き直してください。"
                         : photo.error().message);
    }
    return Answer(200, "image/jpeg", std::move(photo).value());
  }
  if (path == "/api/face/result") {
    const json::value* d = body.if_contains("distance");
    const double distance = d && d->is_number() ? d->to_number<double>() : -1;
    return Json(session_.FaceResult(distance, now));
  }
  if (path == "/api/visual") return Json(session_.Visual(TextOf(body, "reason"), now));
  if (path == "/api/register") return Json(session_.Register(now));
  if (path == "/api/consent") {
    KioskConsents c;
    c.medical = FlagOf(body, "medical");
    c.checkups = FlagOf(body, "checkups");
    c.operation = FlagOf(body, "operation");
    c.limit = FlagOf(body, "limit");
    return Json(session_.Consent(c, now));
  }
  if (path == "/api/cancel") return Json(session_.Cancel(now));
  if (path == "/api/lookup") {
    InsuranceLookup q;
    q.insurer_number = TextOf(body, "insurerNumber");
    q.symbol = TextOf(body, "symbol");
    q.number = TextOf(body, "number");
    q.branch = TextOf(body, "branch");
    q.birthdate = TextOf(body, "birthdate");
    q.limit_consent = FlagOf(body, "limitConsent");
    return Json(session_.LookUp(q, now));
  }
  return Problem(404, "no such call");
}

}  // namespace onshi::terminal
