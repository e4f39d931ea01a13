#include "app/reader_agent.hpp"

#include <openssl/sha.h>

#include <array>
#include <boost/json.hpp>
#include <utility>

#include "auth/base64url.hpp"
#include "reader/jpki_reader_session.hpp"
#include "reader/pcsc_reader.hpp"
#include "service/card_check.hpp"
#include "service/router.hpp"

namespace onshi::app {
namespace {

namespace json = boost::json;

enum class Action { kCard, kSign, kPreflight };

const service::Router<Action>& Routes() {
  static const service::Router<Action> kRoutes = [] {
    service::Router<Action> r;
    r.Add("GET", "/v1/card", Action::kCard)
        .Add("POST", "/v1/sign", Action::kSign)
        .Add("OPTIONS", "/v1/card", Action::kPreflight)
        .Add("OPTIONS", "/v1/sign", Action::kPreflight);
    return r;
  }();
  return kRoutes;
}

http::Response Problem(int status, const std::string& title, const std::string& detail,
                       json::object extra = {}) {
  extra["type"] = "about:blank";
  extra["title"] = title;
  extra["status"] = status;
  extra["detail"] = detail;
  return {status, "application/problem+json", {}, json::serialize(extra)};
}

std::string B64(const reader::Bytes& b) {
  return auth::Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
}

// The host part of a Host header ("127.0.0.1:47215", "[::1]:47215").
std::string HostOf(const std::string& header) {
  if (!header.empty() && header.front() == '[') {
    const size_t close = header.find(']');
    return close == std::string::npos ? header : header.substr(1, close - 1);
  }
  return header.substr(0, header.find(':'));
}

}  // namespace

bool IsLoopbackHost(const std::string& host) {
  if (host == "localhost" || host == "::1") return true;
  if (host.rfind("127.", 0) != 0) return false;
  int dots = 0;
  for (char c : host) {
    if (c == '.') {
      ++dots;
    } else if (c < '0' || c > '9') {
      return false;
    }
  }
  return dots == 3;
}

Expected<AgentCard> OpenPcscCard(const std::string& reader_name) {
  std::string name = reader_name;
  if (name.empty()) {
    auto readers = reader::PcscReader::ListReaders();
    if (!readers.ok() || readers->empty()) {
      return Error{"reader", "カードリーダーが見つかりません。接続を確認してください。"};
    }
    name = readers->front();
  }
  auto connected = reader::PcscReader::Connect(name);
  if (!connected.ok()) {
    return Error{"card", "マイナンバーカードが読み取れません。カードリーダーに置いてください。（" +
                             connected.error().ToString() + "）"};
  }
  auto held = std::make_shared<reader::PcscReader>(std::move(connected).value());
  return AgentCard{name, held->AsTransmit(), held};
}

ReaderAgent::ReaderAgent(std::string origin, OpenAgentCard open)
    : origin_(std::move(origin)), open_(std::move(open)) {}

http::Response ReaderAgent::Handle(const http::Request& request) {
  // A page of another site (or a name rebound to 127.0.0.1) gets nothing,
  // not even CORS headers that would let it read the refusal.
  if (!IsLoopbackHost(HostOf(request.Header("Host")))) {
    return Problem(403, "このカードリーダーのソフトウェアは、この端末からのみ使えます。",
                   "Host must name the loopback address");
  }
  if (request.Header("Origin") != origin_) {
    return Problem(403, "このページからはカードを使えません。",
                   "only the portal's origin " + origin_ + " may use this agent");
  }
  const auto found = Routes().Find(request.method, request.target);
  http::Response out;
  if (!found.value) {
    out = service::NotRouted(found.match, request.method);
  } else {
    switch (*found.value) {
      case Action::kPreflight:
        out = {204, "text/plain", {}, ""};
        out.headers.emplace_back("Access-Control-Allow-Methods", "GET, POST");
        out.headers.emplace_back("Access-Control-Allow-Headers", "Content-Type");
        out.headers.emplace_back("Access-Control-Max-Age", "600");
        // Chromium's Private Network Access: a public portal may reach
        // this loopback agent only if the agent says so.
        if (request.Header("Access-Control-Request-Private-Network") == "true") {
          out.headers.emplace_back("Access-Control-Allow-Private-Network", "true");
        }
        break;
      case Action::kCard:
        out = Card();
        break;
      case Action::kSign:
        out = Sign(request);
        break;
    }
  }
  out.headers.emplace_back("Access-Control-Allow-Origin", origin_);
  out.headers.emplace_back("Vary", "Origin");
  return out;
}

http::Response ReaderAgent::Card() {
  std::lock_guard<std::mutex> lock(card_mutex_);
  auto card = open_();
  if (!card.ok()) return Problem(503, card.error().message, card.error().ToString());
  reader::JpkiReaderSession session(card->transmit);
  if (auto e = session.SelectJpki()) {
    return Problem(503, "マイナンバーカードの公的個人認証の機能が読み取れません。", e->ToString());
  }
  auto tries = session.PinTriesLeft();
  if (!tries.ok()) {
    return Problem(503, "暗証番号の残り回数が読み取れません。", tries.error().ToString());
  }
  json::object o{{"reader", card->reader},
                 {"present", true},
                 {"pinTriesLeft", tries->tries_left},
                 {"blocked", tries->blocked}};
  return {200, "application/json", {}, json::serialize(o)};
}

http::Response ReaderAgent::Sign(const http::Request& request) {
  boost::system::error_code ec;
  const json::value v = json::parse(request.body, ec);
  const json::object* body = !ec && v.is_object() ? &v.as_object() : nullptr;
  const json::value* c = body ? body->if_contains("challenge") : nullptr;
  const json::value* p = body ? body->if_contains("pin") : nullptr;
  std::optional<std::string> challenge;
  if (c && c->is_string()) challenge = auth::Base64UrlDecode(std::string_view(c->as_string()));
  // The portal's challenges are 32 bytes; anything much larger is not one.
  if (!challenge || challenge->empty() || challenge->size() > 64) {
    return Problem(400, "ログインの要求が正しくありません。",
                   "challenge: base64url of the portal's challenge required");
  }
  if (!p || !p->is_string()) {
    return Problem(400, "暗証番号を入力してください。", "pin: 4 digits required");
  }
  const std::string pin(p->as_string());
  if (pin.size() != 4 || pin.find_first_not_of("0123456789") != std::string::npos) {
    return Problem(400, "暗証番号は数字4桁です。", "pin: 4 digits required");
  }
  std::lock_guard<std::mutex> lock(card_mutex_);
  auto card = open_();
  if (!card.ok()) return Problem(503, card.error().message, card.error().ToString());
  reader::JpkiReaderSession session(card->transmit);
  if (auto e = session.SelectJpki()) {
    return Problem(503, "マイナンバーカードの公的個人認証の機能が読み取れません。", e->ToString());
  }
  auto certificate = session.ReadAuthCertificate();
  if (!certificate.ok()) {
    return Problem(503, "電子証明書が読み取れません。", certificate.error().ToString());
  }
  auto verified = session.VerifyPin(pin);
  if (!verified.ok()) {
    return Problem(503, "暗証番号を確認できませんでした。", verified.error().ToString());
  }
  if (!verified->verified) {
    json::object extra{{"pinTriesLeft", verified->tries_left}, {"blocked", verified->blocked}};
    if (verified->blocked) {
      return Problem(423, "暗証番号がロックされています。", "the PIN is blocked", extra);
    }
    return Problem(401, "暗証番号が違います。", "wrong PIN", extra);
  }
  const std::vector<uint8_t> raw(challenge->begin(), challenge->end());
  const std::vector<uint8_t> message = service::SignedMessage("portal", raw);
  std::array<uint8_t, 32> digest;
  SHA256(message.data(), message.size(), digest.data());
  auto signature = session.SignDigestInfo(reader::Sha256DigestInfo(digest));
  if (!signature.ok()) {
    return Problem(503, "カードで署名できませんでした。", signature.error().ToString());
  }
  json::object o{{"certificate", B64(*certificate)},
                 {"challenge", std::string(c->as_string())},
                 {"signature", B64(*signature)},
                 {"pinTriesLeft", verified->tries_left}};
  return {200, "application/json", {}, json::serialize(o)};
}

}  // namespace onshi::app
