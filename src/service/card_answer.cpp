#include "service/card_answer.hpp"

#include <boost/json.hpp>

#include "auth/base64url.hpp"
#include "core/card_validity.hpp"

namespace onshi::service {
namespace json = boost::json;
namespace {

std::optional<std::vector<uint8_t>> Bytes(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  if (!v || !v->is_string()) return std::nullopt;
  auto decoded = auth::Base64UrlDecode(std::string_view(v->as_string()));
  if (!decoded) return std::nullopt;
  return std::vector<uint8_t>(decoded->begin(), decoded->end());
}

std::string_view CardStatusName(CardStatus s) {
  switch (s) {
    case CardStatus::kUsable:
      return "usable";
    case CardStatus::kExpiringSoon:
      return "expiring_soon";
    case CardStatus::kUsableInGrace:
      return "usable_in_grace";
    case CardStatus::kCertificateExpired:
      return "certificate_expired";
    case CardStatus::kCardExpired:
      return "card_expired";
    case CardStatus::kSuspended:
      return "suspended";
    case CardStatus::kRevoked:
      return "revoked";
    case CardStatus::kPinLocked:
      return "pin_locked";
    case CardStatus::kNotYetIssued:
      return "not_yet_issued";
  }
  return "";
}

}  // namespace

Expected<CardCheckRequest> ParseCardRequest(std::string_view body, std::string facility) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return Error{"", "the body is not a JSON object"};
  const json::object& o = v.as_object();
  CardCheckRequest r;
  r.facility = std::move(facility);
  auto cert = Bytes(o, "certificate");
  if (!cert || cert->empty()) return Error{"certificate", "base64url DER certificate required"};
  r.certificate_der = std::move(*cert);
  const json::value* method = o.if_contains("identityCheck");
  const std::string m = method && method->is_string() ? std::string(method->as_string()) : "pin";
  if (m == "pin") {
    r.method = IdentityCheck::kPin;
  } else if (m == "face") {
    r.method = IdentityCheck::kFaceRecognition;
  } else if (m == "visual") {
    r.method = IdentityCheck::kVisual;
  } else {
    return Error{"identityCheck", "must be pin, face or visual"};
  }
  // Optional members must be well formed when present; which of them a mode
  // needs is CheckCard's to say (it answers in the same problem format).
  for (auto [key, slot] :
       {std::pair{"challenge", &r.challenge}, std::pair{"signature", &r.signature},
        std::pair{"readerSignature", &r.reader_signature}}) {
    if (!o.contains(key)) continue;
    auto bytes = Bytes(o, key);
    if (!bytes) return Error{key, "must be base64url"};
    *slot = std::move(*bytes);
  }
  // PIN mode names both (an empty signature, the PIN refused, then fails
  // to verify like any wrong one).
  if (r.method == IdentityCheck::kPin) {
    if (!o.contains("challenge"))
      return Error{"challenge", "base64url challenge required in PIN mode"};
    if (!o.contains("signature"))
      return Error{"signature", "base64url signature required in PIN mode"};
  }
  if (const json::value* reader = o.if_contains("reader")) {
    if (!reader->is_string()) return Error{"reader", "the reader id is a string"};
    r.reader_id = std::string(reader->as_string());
  }
  const json::value* date = o.if_contains("qualificationConfirmationDate");
  if (!date || !date->is_string()) {
    return Error{"qualificationConfirmationDate", "YYYYMMDD required"};
  }
  auto d = Date::ParseCompact(std::string_view(date->as_string()));
  if (!d) return Error{"qualificationConfirmationDate", "not a date (YYYYMMDD)"};
  r.confirmation_date = *d;
  return r;
}

Expected<oqs::ResultConsents> ParseCardConsents(std::string_view body, const oqs::Timestamp& now) {
  oqs::ResultConsents out;
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return Error{"", "the body is not a JSON object"};
  const json::value* c = v.as_object().if_contains("consents");
  if (c == nullptr) return out;
  if (!c->is_object()) return Error{"consents", "must be an object"};
  // The viewing consents last 24 hours from now, as in the real Face files
  // (terminal-protocol.md §7: AvailableTime = ConsTime + 24 h).
  const std::string time = now.ToCompact();
  const std::string available = now.AddHours(24).ToCompact();
  struct Kind {
    const char* member;
    std::optional<oqs::Consent> oqs::ResultConsents::*slot;
    bool binary;  // OQSCD001 (0/1) rather than OQSCD016 (0..3)
    bool viewing;
  };
  static constexpr Kind kKinds[] = {
      {"limit", &oqs::ResultConsents::limit, true, false},
      {"specificDiseases", &oqs::ResultConsents::specific_diseases, false, false},
      {"specificHealthCheckups", &oqs::ResultConsents::checkups, false, true},
      {"pharmacists", &oqs::ResultConsents::pharmacists, false, true},
      {"diagnosis", &oqs::ResultConsents::diagnosis, false, true},
      {"operation", &oqs::ResultConsents::operation, false, true},
  };
  for (const auto& [key, value] : c->as_object()) {
    const Kind* kind = nullptr;
    for (const Kind& k : kKinds) {
      if (key == k.member) kind = &k;
    }
    const std::string name = "consents." + std::string(key);
    if (kind == nullptr) return Error{name, "unknown consent"};
    if (!value.is_string()) return Error{name, "must be a string code"};
    const std::string code(value.as_string());
    const bool ok = code == "0" || code == "1" || (!kind->binary && (code == "2" || code == "3"));
    if (!ok)
      return Error{name, kind->binary ? "must be \"0\" or \"1\" (OQSCD001)"
                                      : "must be \"0\".. \"3\" (OQSCD016)"};
    oqs::Consent consent{code, "", ""};
    if (code == "1") {
      consent.time = time;
      if (kind->viewing) consent.available = available;
    }
    out.*(kind->slot) = consent;
  }
  return out;
}

CardNotice NoticeFor(const CardCheckResult& r) {
  // Codes ONS-I01nn: the card; ONS-I02nn: the insurer's data. Status stays
  // "1" (the check itself succeeded); the message is shown as it is.
  switch (r.decision.reason) {
    case EligibilityReason::kCardSuspended:
      return {"ONS-I0101",
              "マイナンバーカードは一時利用停止中です。資格確認書または資格情報のお知らせで"
              "確認してください。利用再開は市区町村窓口・コールセンターで手続きします。"};
    case EligibilityReason::kCardRevoked:
      return {"ONS-I0102",
              "このマイナンバーカードは失効しています(紛失・再交付等)。新しいカードは改めて"
              "健康保険証利用登録が必要です。資格確認書等で確認してください。"};
    case EligibilityReason::kCardExpired:
      return {"ONS-I0103",
              "マイナンバーカードの有効期限が切れています。市区町村窓口で更新してください。"};
    case EligibilityReason::kCertificateExpiredBeyondGrace:
      return {"ONS-I0104",
              "電子証明書の有効期限が切れ、3か月の猶予期間も過ぎています。市区町村窓口で"
              "更新してください。資格確認書で受診できます。"};
    case EligibilityReason::kPinLocked:
      return {"ONS-I0105",
              "暗証番号がロックされています。顔認証または目視で確認してください。"
              "解除は市区町村窓口です。"};
    case EligibilityReason::kNotRegisteredForInsuranceUse:
      return {"ONS-I0106",
              "健康保険証利用登録がされていません。カードリーダーでその場で登録できます。"};
    case EligibilityReason::kSmartphoneNotAccepted:
      return {"ONS-I0109",
              "この医療機関ではスマートフォンのマイナ保険証は利用できません。"
              "マイナンバーカードまたは資格確認書で確認してください。"};
    case EligibilityReason::kLinkagePending:
      return {"ONS-I0201",
              "資格情報なし(データ連携中)。保険者での登録が終わるまでお待ちください。"
              "資格情報のお知らせ等で確認できます。"};
    case EligibilityReason::kInsurerRegistrationError:
      return {"ONS-I0202",
              "資格情報なし(登録エラー)。保険者の登録に誤りがあります。勤務先または"
              "保険者に確認するよう伝えてください。"};
    default:
      break;
  }
  if (r.decision.card_in_grace) {
    return {"ONS-I0107",
            "電子証明書の有効期限が切れています(猶予期間中)。期限内に市区町村窓口で"
            "更新してください。猶予期間中は薬剤情報等の閲覧はできません。"};
  }
  if (r.usability.status == CardStatus::kExpiringSoon) {
    return {"ONS-I0108",
            "電子証明書の有効期限が3か月以内に切れます。市区町村窓口で更新してください。"};
  }
  return {};
}

std::string RenderCardAnswer(const CardCheckResult& r, const CardCheckRequest& request,
                             const oqs::ResultConsents& consents, const oqs::Timestamp& now,
                             std::string file_identifier,
                             std::vector<std::string> reference_numbers) {
  const CardNotice notice = NoticeFor(r);
  oqs::CardAnswer a;
  a.institution = request.facility;
  a.confirmation_date = request.confirmation_date;
  a.file_identifier = std::move(file_identifier);
  a.decision = &r.decision;
  a.consents = consents;
  if (!r.usability.clinical_info_sharing) {
    // R-CARD-4: no drug or treatment information through this card now (in
    // grace, or unusable): a viewing consent cannot take effect, so it is
    // reported as 3 同意取得困難 (OQSCD016), without times.
    for (auto slot : {&oqs::ResultConsents::checkups, &oqs::ResultConsents::pharmacists,
                      &oqs::ResultConsents::diagnosis, &oqs::ResultConsents::operation}) {
      if (a.consents.*slot && (a.consents.*slot)->flag == "1")
        a.consents.*slot = oqs::Consent{"3", "", ""};
    }
  }
  a.notice_code = notice.code;
  a.notice_message = notice.message;
  a.card_status = std::string(CardStatusName(r.usability.status));
  if (r.usability.grace_end && r.decision.card_in_grace) {
    a.grace_end = r.usability.grace_end->ToCompact();
  }
  a.information_sharing = r.usability.clinical_info_sharing;
  // 照会番号 in Face files too (terminal-protocol.md §6.3).
  a.reference_numbers = std::move(reference_numbers);
  return oqs::WriteCardResponse(a, now, {oqs::WireFormat::kJson, oqs::Charset::kUtf8});
}

}  // namespace onshi::service
