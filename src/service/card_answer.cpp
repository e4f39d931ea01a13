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

std::string RenderCardAnswer(const CardCheckResult& r, Date on) {
  json::object card{{"status", CardStatusName(r.usability.status)},
                    {"inGrace", r.decision.card_in_grace},
                    {"informationSharing", r.usability.clinical_info_sharing}};
  if (r.usability.grace_end) card["graceEnd"] = r.usability.grace_end->ToCompact();
  json::array results;
  for (const Qualification* q : r.decision.results) {
    json::object o{
        {"InsurerNumber", q->insurer_number},
        {"InsurerName", q->insurer_name},
        {"InsuredIdentificationNumber", q->number},
        {"PersonalFamilyClassification", std::to_string(static_cast<int>(q->personal_family))},
        {"Birthdate", q->birth_date.ToCompact()},
        {"Sex1", std::to_string(static_cast<int>(q->sex))},
        {"QualificationDate", q->acquired.ToCompact()},
        {"InsuredPartialContributionRatio",
         (q->copay_percent < 100 ? "0" : "") + std::to_string(q->copay_percent)}};
    if (!q->symbol.empty()) o["InsuredCardSymbol"] = q->symbol;
    if (!q->branch.empty()) o["InsuredBranchNumber"] = q->branch;
    if (!q->attributes.empty()) {
      const MemberAttributes& a = q->AttributesOn(on);
      o["Name"] = a.name;
      o["NameKana"] = a.name_kana;
    }
    if (q->lost) o["DisqualificationDate"] = q->lost->ToCompact();
    results.push_back(std::move(o));
  }
  json::object answer{
      {"ReferenceClassification", "1"},  // OQSCD002: マイナンバーカード
      {"QualificationValidity", std::to_string(static_cast<int>(r.decision.validity))},
      {"reason", EligibilityReasonCode(r.decision.reason)},
      {"explanation", r.decision.Explanation()},
      {"card", std::move(card)},
      {"results", std::move(results)}};
  return json::serialize(answer);
}

}  // namespace onshi::service
