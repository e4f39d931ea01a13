#include "terminal/kiosk_session.hpp"

#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include <boost/json.hpp>
#include <fstream>
#include <iostream>
#include <iterator>

#include "auth/base64url.hpp"
#include "core/card_validity.hpp"
#include "reader/card_face_reader.hpp"
#include "reader/jpki_reader_session.hpp"
#include "terminal/zip_container.hpp"

namespace onshi::terminal {
namespace {

namespace json = boost::json;

constexpr const char* kChallengePath = "/oqs-api-pro/card/challenge";
constexpr const char* kSearchPath = "/oqs-api-pro/card/search";
constexpr const char* kRegisterPath = "/oqs-api-pro/card/register";
constexpr std::string_view kCardAuthLabel = "onshi-card-auth/1";  // docs/card-protocol.md §2

json::object Step(const char* step) {
  return json::object{{"step", step}};
}

json::object Failure(const std::string& message) {
  return json::object{{"step", "error"}, {"message", message}};
}

std::string Text(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

const json::object* Object(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_object() ? &v->as_object() : nullptr;
}

Date JstToday(std::time_t now) {
  const std::string s = JstStamp(now);
  return *Date::ParseCompact(s.substr(0, 8));
}

// The last day the certificate is valid, in JST.
std::optional<Date> CertificateExpiry(const std::string& der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      d2i_X509(nullptr, &p, static_cast<long>(der.size())), X509_free);
  if (!cert) return std::nullopt;
  std::tm tm{};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert.get()), &tm) != 1) return std::nullopt;
  // The certificate ends at the end of its last day (JST); a second before
  // notAfter is still that day.
  return JstToday(timegm(&tm) - 1);
}

std::string RandomHex20() {
  unsigned char raw[10];
  if (RAND_bytes(raw, sizeof raw) != 1) return "";
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : raw) {
    out += kHex[b >> 4];
    out += kHex[b & 0xF];
  }
  return out;
}

std::string AsString(const reader::Bytes& b) {
  return std::string(b.begin(), b.end());
}

// The problem detail of a refused call, for the page and the log.
std::string ProblemText(const CentralAnswer& a) {
  boost::system::error_code ec;
  const json::value v = json::parse(a.body, ec);
  if (!ec && v.is_object()) {
    const std::string detail = Text(v.as_object(), "detail");
    if (!detail.empty()) return "HTTP " + std::to_string(a.status) + ": " + detail;
  }
  return "HTTP " + std::to_string(a.status);
}

}  // namespace

std::string RenewalNotice(Date expiry, Date today) {
  if (today > expiry) {
    const std::optional<Date> grace = InsuranceGraceEnd(expiry);
    if (grace && today <= *grace) {
      return "電子証明書の有効期限(" + expiry.ToIso() + ")が切れています。" + grace->ToIso() +
             "まではマイナ保険証として使えますが、お早めにお住まいの市区町村窓口で更新してください"
             "。"
             "この間は薬剤情報などの提供はできません。";
    }
    return "電子証明書の有効期限(" + expiry.ToIso() +
           ")が切れています。お住まいの市区町村窓口で更新してください。";
  }
  if (today >= RenewalOpensOn(expiry)) {
    return "電子証明書の有効期限は" + expiry.ToIso() +
           "までです。お住まいの市区町村窓口で更新してください。";
  }
  return "";
}

struct KioskSession::Visit {
  std::string reader;  // its PC/SC name
  std::optional<reader::PcscReader> card;
  std::string certificate;  // DER of the 利用者証明用 certificate
  json::object identify;    // what Card() told the page
  std::string mode;         // "pin", "face", "visual" once identified
  std::string visual_reason;
  bool registered_here = false;
  int face_failures = 0;
};

KioskSession::KioskSession(KioskOptions options, CentralClient& central, Publisher& publisher,
                           auth::ReaderKey reader_key)
    : options_(std::move(options)),
      central_(central),
      publisher_(publisher),
      reader_key_(std::move(reader_key)) {}

KioskSession::~KioskSession() = default;

json::object KioskSession::Card(std::time_t now) {
  std::lock_guard lock(mu_);
  if (visit_) {
    // Still on the reader: the same visit. Taken away before anything was
    // decided: that visit is over, and nothing happened in it.
    if (!reader::PcscReader::WaitForCard(visit_->reader, std::chrono::milliseconds(300))) {
      return visit_->identify;
    }
    visit_.reset();
  }
  std::string name = options_.reader;
  if (name.empty()) {
    auto readers = reader::PcscReader::ListReaders();
    if (!readers.ok() || readers->empty()) return Step("waiting");
    name = readers->front();
  }
  if (reader::PcscReader::WaitForCard(name, std::chrono::milliseconds(300))) {
    return Step("waiting");
  }
  auto connected = reader::PcscReader::Connect(name);
  if (!connected.ok()) return Step("waiting");
  auto visit = std::make_unique<Visit>();
  visit->reader = name;
  visit->card.emplace(std::move(connected).value());
  reader::JpkiReaderSession jpki(visit->card->AsTransmit());
  // A card being put down or taken away answers nothing for a moment (and
  // pcscd reports a removal only at its next poll): the reader simply waits
  // for a card it can read.
  const std::optional<Error> selected = jpki.SelectJpki();
  auto cert = selected ? Expected<reader::Bytes>(*selected) : jpki.ReadAuthCertificate();
  auto tries = cert.ok() ? jpki.PinTriesLeft() : Expected<reader::PinStatus>(cert.error());
  if (!tries.ok()) {
    json::object out = Step("waiting");
    out["message"] = "カードを読み取れませんでした。置き直してください。";
    return out;
  }
  visit->certificate = AsString(*cert);
  json::object out = Step(tries->blocked ? "pin-locked" : "identify");
  out["triesLeft"] = tries->tries_left;
  out["pinLocked"] = tries->blocked;
  const std::optional<Date> expiry = CertificateExpiry(visit->certificate);
  out["renewal"] = expiry ? RenewalNotice(*expiry, JstToday(now)) : std::string();
  visit->identify = out;
  visit_ = std::move(visit);
  return out;
}

json::object KioskSession::Pin(const std::string& pin, std::time_t now) {
  std::lock_guard lock(mu_);
  if (!visit_ || !visit_->card) return Failure("カードを置いてください。");
  if (!visit_->mode.empty()) return Failure("本人確認は済んでいます。");
  reader::JpkiReaderSession jpki(visit_->card->AsTransmit());
  // Select again: a face attempt may have selected the 券面事項確認AP.
  if (auto e = jpki.SelectJpki())
    return Failure("カードを読み取れませんでした。(" + e->message + ")");
  auto status = jpki.VerifyPin(pin);
  if (!status.ok()) {
    if (status.error().field == "pin") {
      json::object out = Step("identify");
      out["message"] = "暗証番号は数字4桁です。";
      return out;
    }
    return Failure("カードを読み取れませんでした。(" + status.error().message + ")");
  }
  if (status->verified) {
    visit_->mode = "pin";
    return CheckAndRoute(now);
  }
  json::object out = Step(status->blocked ? "pin-locked" : "identify");
  out["wrongPin"] = true;
  out["triesLeft"] = status->tries_left;
  out["pinLocked"] = status->blocked;
  visit_->identify["triesLeft"] = status->tries_left;
  visit_->identify["pinLocked"] = status->blocked;
  if (status->blocked) visit_->identify["step"] = "pin-locked";
  return out;
}

Expected<std::string> KioskSession::FacePhoto() {
  std::lock_guard lock(mu_);
  if (!visit_ || !visit_->card) return Error{"session", "カードを置いてください。"};
  std::ifstream in(options_.card_surface);
  std::string collation;
  if (!in || !std::getline(in, collation)) {
    return Error{"collation", "カードの券面を読み取れませんでした。"};
  }
  auto photo = reader::ReadCardFacePhoto(visit_->card->AsTransmit(), collation);
  if (!photo.ok()) return photo.error();
  return AsString(*photo);
}

json::object KioskSession::FaceResult(double distance, std::time_t now) {
  std::lock_guard lock(mu_);
  if (!visit_) return Failure("カードを置いてください。");
  if (!visit_->mode.empty()) return Failure("本人確認は済んでいます。");
  if (distance >= 0 && distance <= options_.face_threshold) {
    visit_->mode = "face";
    return CheckAndRoute(now);
  }
  json::object out = Step("identify");
  out["faceMatched"] = false;
  out["faceFailures"] = ++visit_->face_failures;
  return out;
}

json::object KioskSession::Visual(const std::string& reason, std::time_t now) {
  std::lock_guard lock(mu_);
  if (!visit_) return Failure("カードを置いてください。");
  if (!visit_->mode.empty()) return Failure("本人確認は済んでいます。");
  // One line of text, bounded: it goes to the staff screen and the log.
  std::string clean;
  for (char c : reason)
    clean += static_cast<unsigned char>(c) < 0x20 || c == 0x7F ? ' ' : c;
  if (clean.find_first_not_of(' ') == std::string::npos) {
    return Failure("目視確認の理由を入力してください。");
  }
  if (clean.size() > 300) return Failure("目視確認の理由は100文字までです。");
  visit_->mode = "visual";
  visit_->visual_reason = clean;
  return CheckAndRoute(now);
}

Expected<std::string> KioskSession::CentralCheck(const std::optional<KioskConsents>& consents,
                                                 std::time_t now) {
  auto issued = central_.PostJson(kChallengePath, "{}", now);
  if (!issued.ok()) return issued.error();
  boost::system::error_code ec;
  const json::value cv = json::parse(issued->body, ec);
  const std::optional<std::string> challenge =
      !ec && cv.is_object() ? auth::Base64UrlDecode(Text(cv.as_object(), "challenge"))
                            : std::nullopt;
  if (issued->status != 200 || !challenge || challenge->empty()) {
    return Error{"central", "チャレンジを取得できませんでした (" + ProblemText(*issued) + ")"};
  }
  json::object body{{"certificate", auth::Base64UrlEncode(visit_->certificate)},
                    {"identityCheck", visit_->mode},
                    {"challenge", auth::Base64UrlEncode(*challenge)},
                    {"qualificationConfirmationDate", JstStamp(now).substr(0, 8)}};
  if (visit_->mode == "pin") {
    // The card, unlocked by the PIN, signs the challenge for this facility.
    std::string m(kCardAuthLabel);
    m += '\0';
    m += options_.facility;
    m += '\0';
    m += *challenge;
    std::array<uint8_t, 32> digest{};
    SHA256(reinterpret_cast<const unsigned char*>(m.data()), m.size(), digest.data());
    reader::JpkiReaderSession jpki(visit_->card->AsTransmit());
    auto signature = jpki.SignDigestInfo(reader::Sha256DigestInfo(digest));
    if (!signature.ok()) return signature.error();
    body["signature"] = auth::Base64UrlEncode(AsString(*signature));
  }
  auto proof = reader_key_.Sign(options_.facility, visit_->mode, *challenge, visit_->certificate);
  if (!proof.ok()) return proof.error();
  body["reader"] = reader_key_.id();
  body["readerSignature"] = *proof;
  if (consents) {
    const auto flag = [](bool yes) { return yes ? "1" : "0"; };
    body["consents"] = json::object{{"limit", flag(consents->limit)},
                                    {"specificDiseases", flag(consents->limit)},
                                    {"specificHealthCheckups", flag(consents->checkups)},
                                    {"pharmacists", flag(consents->medical)},
                                    {"diagnosis", flag(consents->medical)},
                                    {"operation", flag(consents->operation)}};
  }
  auto answer = central_.PostJson(kSearchPath, json::serialize(body), now);
  if (!answer.ok()) return answer.error();
  if (answer->status != 200) {
    return Error{"central", "資格確認ができませんでした (" + ProblemText(*answer) + ")"};
  }
  return std::move(answer->body);
}

namespace {

// The staff screen's reading of an answer (R-FAC-5, R-FAC-6).
void Summarise(const std::string& answer, KioskVisit* v, bool* has_result, bool* unregistered,
               bool* sharing) {
  boost::system::error_code ec;
  const json::value root = json::parse(answer, ec);
  const json::object* msg = !ec && root.is_object() ? Object(root.as_object(), "XmlMsg") : nullptr;
  const json::object* body = msg ? Object(*msg, "MessageBody") : nullptr;
  if (!body) return;
  const std::string validity = Text(*body, "QualificationValidity");
  v->outcome = validity == "1"                        ? "有効"
               : (validity == "2" || validity == "3") ? "無効"
                                                      : "資格情報なし";
  const json::object* check = Object(*body, "OnshiCardCheck");
  if (check) {
    v->reason = Text(*check, "Explanation");
    *unregistered = Text(*check, "Reason") == "not_registered_for_insurance_use";
    *sharing = Text(*check, "InformationSharing") == "1";
  }
  v->tell = Text(*body, "ProcessingResultMessage");
  const json::value* list = body->if_contains("ResultList");
  *has_result = list && list->is_array() && !list->as_array().empty();
  if (*has_result) {
    const json::value& first = list->as_array().front();
    const json::object* r = first.is_object()
                                ? Object(first.as_object(), "ResultOfQualificationConfirmation")
                                : nullptr;
    if (r) {
      v->name = Text(*r, "Name");
      v->name_kana = Text(*r, "NameKana");
    }
  }
  if (v->tell.empty() && v->outcome == "無効") {
    v->tell =
        "資格が無効です。加入している保険を確認し、資格確認書などの提示をお願いしてください。";
  }
  if (v->tell.empty() && v->outcome == "資格情報なし") {
    v->tell = "資格情報がありません。資格情報のお知らせや資格確認書で確認してください。";
  }
}

}  // namespace

json::object KioskSession::CheckAndRoute(std::time_t now) {
  auto answer = CentralCheck(std::nullopt, now);
  KioskVisit v;
  v.time = JstStamp(now);
  v.mode = visit_->mode;
  v.visual_reason = visit_->visual_reason;
  if (!answer.ok()) {
    v.outcome = "未完了";
    v.reason = answer.error().message;
    v.tell = "受付でお申し出ください。";
    return End(std::move(v), now);
  }
  bool has_result = false, unregistered = false, sharing = false;
  Summarise(*answer, &v, &has_result, &unregistered, &sharing);
  if (unregistered && !visit_->registered_here) {
    // R-REG-3: the reader offers 利用登録 there and then.
    return Step("registration");
  }
  if (!has_result) return End(std::move(v), now);
  json::object out = Step("consent");
  out["sharing"] = sharing;  // R-CARD-4: no viewing consents in the grace
  out["notice"] = v.tell;
  return out;
}

json::object KioskSession::Register(std::time_t now) {
  std::lock_guard lock(mu_);
  if (!visit_ || visit_->mode.empty()) return Failure("本人確認をしてください。");
  auto issued = central_.PostJson(kChallengePath, "{}", now);
  if (!issued.ok()) return Failure(issued.error().message);
  boost::system::error_code ec;
  const json::value cv = json::parse(issued->body, ec);
  const std::optional<std::string> challenge =
      !ec && cv.is_object() ? auth::Base64UrlDecode(Text(cv.as_object(), "challenge"))
                            : std::nullopt;
  if (issued->status != 200 || !challenge) return Failure("登録できませんでした。");
  json::object body{{"certificate", auth::Base64UrlEncode(visit_->certificate)},
                    {"challenge", auth::Base64UrlEncode(*challenge)}};
  if (visit_->mode == "pin") {
    std::string m(kCardAuthLabel);
    m += '\0';
    m += options_.facility;
    m += '\0';
    m += *challenge;
    std::array<uint8_t, 32> digest{};
    SHA256(reinterpret_cast<const unsigned char*>(m.data()), m.size(), digest.data());
    reader::JpkiReaderSession jpki(visit_->card->AsTransmit());
    auto signature = jpki.SignDigestInfo(reader::Sha256DigestInfo(digest));
    if (!signature.ok()) return Failure(signature.error().message);
    body["signature"] = auth::Base64UrlEncode(AsString(*signature));
  } else {
    // The card cannot sign: the reader vouches that the person matched the
    // card (face, or staff by eye) and asked to register.
    auto proof =
        reader_key_.Sign(options_.facility, "register-face", *challenge, visit_->certificate);
    if (!proof.ok()) return Failure(proof.error().message);
    body["reader"] = reader_key_.id();
    body["readerSignature"] = *proof;
  }
  auto answer = central_.PostJson(kRegisterPath, json::serialize(body), now);
  if (!answer.ok()) return Failure(answer.error().message);
  if (answer->status != 200 && answer->status != 201) {
    return Failure("利用登録できませんでした (" + ProblemText(*answer) + ")");
  }
  visit_->registered_here = true;
  return CheckAndRoute(now);
}

json::object KioskSession::Consent(const KioskConsents& consents, std::time_t now) {
  std::lock_guard lock(mu_);
  if (!visit_ || visit_->mode.empty()) return Failure("本人確認をしてください。");
  KioskVisit v;
  v.time = JstStamp(now);
  v.mode = visit_->mode;
  v.visual_reason = visit_->visual_reason;
  v.consents = consents;
  auto answer = CentralCheck(consents, now);
  if (!answer.ok()) {
    v.outcome = "未完了";
    v.reason = answer.error().message;
    v.tell = "受付でお申し出ください。";
    return End(std::move(v), now);
  }
  bool has_result = false, unregistered = false, sharing = false;
  Summarise(*answer, &v, &has_result, &unregistered, &sharing);
  const std::string hex = RandomHex20();
  auto face = MakeFaceFile(*answer, options_.face_file, now, hex);
  if (face.ok() && options_.crypt) {
    // encrypt_face.conf (§4.3): <name>.zip holding <name>.xml.
    auto file =
        InContainer(face->name, face->bytes, &options_.crypt->face, options_.crypt->password, now);
    if (file.ok()) {
      face->name = std::move(file->name);
      face->bytes = std::move(file->bytes);
    } else {
      face = file.error();
    }
  }
  if (face.ok() && !hex.empty()) {
    auto published = publisher_.Publish(options_.face_dir, face->name, face->bytes);
    if (published.ok()) {
      v.face_file = face->name;
    } else {
      v.reason += " (Face ファイルを書けませんでした: " + published.error().message + ")";
    }
  }
  json::object out = End(std::move(v), now);
  out["step"] = "done";
  return out;
}

json::object KioskSession::Cancel(std::time_t now) {
  std::lock_guard lock(mu_);
  if (!visit_) return Step("waiting");
  KioskVisit v;
  v.time = JstStamp(now);
  v.mode = visit_->mode;
  v.visual_reason = visit_->visual_reason;
  v.outcome = "未完了";
  v.reason = visit_->identify.contains("pinLocked") && visit_->identify["pinLocked"] == true
                 ? "暗証番号がロックされています (R-CARD-5)"
                 : "受付を中止しました";
  v.tell = visit_->identify["pinLocked"] == true ? "暗証番号のロック解除はお住まいの市区町村窓口で"
                                                   "す。本日は顔認証または目視で受付できます。"
                                                 : "";
  return End(std::move(v), now);
}

json::object KioskSession::LookUp(const InsuranceLookup& query, std::time_t now) {
  const std::string stamp = JstStamp(now);
  // Marks the request as the kiosk's own in the service's audit trail.
  auto request =
      LookupRequestJson(query, options_.facility, stamp.substr(0, 8), "kiosk" + RandomHex20());
  if (!request.ok()) {
    return json::object{
        {"step", "error"}, {"field", request.error().field}, {"message", request.error().message}};
  }
  std::lock_guard lock(mu_);  // one connection to the central service
  auto answer = central_.PostJson(kQualificationSearchPath, *request, now);
  if (!answer.ok()) {
    return Failure(
        "中央の資格確認サービスにつながりません。資格確認書の記載で受付し、後であらため"
        "て確認してください。(" +
        answer.error().message + ")");
  }
  json::object view = LookupView(answer->body, query.limit_consent);
  if (view["step"] != "lookup") return view;
  KioskVisit v;
  v.time = stamp;
  v.mode = "document";
  v.outcome = std::string(view["outcome"].as_string());
  v.reason = std::string(view["reason"].as_string());
  v.tell = std::string(view["tell"].as_string());
  bool has_result = false, unregistered = false, sharing = false;
  KioskVisit names;
  Summarise(answer->body, &names, &has_result, &unregistered, &sharing);
  v.name = names.name;
  v.name_kana = names.name_kana;
  KioskConsents c;
  c.limit = query.limit_consent;  // the only consent this path carries
  v.consents = c;
  std::cout << "onshi terminal: kiosk look-up " << v.time << " mode=document outcome=" << v.outcome
            << std::endl;
  history_.push_back(std::move(v));
  return view;
}

json::object KioskSession::End(KioskVisit visit, std::time_t /*now*/) {
  // The terminal's log keeps each visit (never the name): the staff list is
  // in memory only, and a 目視 reason must outlive a restart (R-FAC-3).
  std::cout << "onshi terminal: kiosk visit " << visit.time
            << " mode=" << (visit.mode.empty() ? "none" : visit.mode)
            << " outcome=" << visit.outcome
            << (visit.visual_reason.empty() ? "" : " 目視理由=" + visit.visual_reason)
            << (visit.face_file.empty() ? "" : " face=" + visit.face_file) << std::endl;
  json::object out = Step("ended");
  out["outcome"] = visit.outcome;
  out["reason"] = visit.reason;
  out["tell"] = visit.tell;
  out["faceFile"] = visit.face_file;
  history_.push_back(std::move(visit));
  visit_.reset();  // disconnects from the card
  return out;
}

std::vector<KioskVisit> KioskSession::Today(std::time_t now) const {
  std::lock_guard lock(mu_);
  const std::string today = JstStamp(now).substr(0, 8);
  std::vector<KioskVisit> out;
  for (const KioskVisit& v : history_) {
    if (v.time.starts_with(today)) out.push_back(v);
  }
  return out;
}

}  // namespace onshi::terminal
