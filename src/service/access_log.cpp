#include "service/access_log.hpp"

#include <algorithm>
#include <limits>

#include <map>
#include <string_view>
#include <utility>

namespace onshi::service {
namespace {

// The words of an audit detail: "key=value" separated by spaces.
std::map<std::string, std::string> Words(std::string_view detail) {
  std::map<std::string, std::string> out;
  size_t i = 0;
  while (i < detail.size()) {
    size_t end = detail.find(' ', i);
    if (end == std::string_view::npos) end = detail.size();
    const std::string_view word = detail.substr(i, end - i);
    const size_t eq = word.find('=');
    if (eq != std::string_view::npos && eq > 0) {
      out.emplace(std::string(word.substr(0, eq)), std::string(word.substr(eq + 1)));
    }
    i = end + 1;
  }
  return out;
}

// The consents in the order the portal lists them (viewing first).
constexpr std::pair<const char*, std::optional<oqs::Consent> oqs::ResultConsents::*> kKinds[] = {
    {"diagnosis", &oqs::ResultConsents::diagnosis},
    {"pharmacists", &oqs::ResultConsents::pharmacists},
    {"operation", &oqs::ResultConsents::operation},
    {"specificHealthCheckups", &oqs::ResultConsents::checkups},
    {"limit", &oqs::ResultConsents::limit},
    {"specificDiseases", &oqs::ResultConsents::specific_diseases},
};

}  // namespace

std::vector<store::AuditEntry> AccessEntriesOf(store::Store& store, int64_t person_id,
                                               const CheckLog* checks) {
  std::vector<store::AuditEntry> out;
  for (store::AuditEntry& e : store.AuditOfPerson(person_id)) {
    if (ReadAccess(e)) out.push_back(std::move(e));
  }
  if (checks == nullptr) return out;
  // A server with a check log audits look-ups there; the database still
  // holds those made before the log was switched on (and by servers without
  // one). Both, oldest first by time: the log's sequence numbers are its own.
  std::vector<store::AuditEntry> logged =
      checks->OfPerson(person_id, std::numeric_limits<size_t>::max());
  for (auto it = logged.rbegin(); it != logged.rend(); ++it) {
    if (ReadAccess(*it)) out.push_back(std::move(*it));
  }
  std::stable_sort(
      out.begin(), out.end(),
      [](const store::AuditEntry& a, const store::AuditEntry& b) { return a.at < b.at; });
  return out;
}

namespace {

// A facility's read of the person's clinical data (issue 18): the audit
// actions of clinical_service.cpp and clinical_files.cpp that return data.
bool IsClinicalRead(std::string_view action) {
  return action.rfind("clinical.", 0) == 0 &&
         (action.size() > 5 &&
          (action.substr(action.size() - 5) == ".read" || action == "clinical.prescription.check"));
}

// The store's consent kind names (store/clinical_store.hpp) as the card
// check's JSON names them, which the portal's labels use.
std::string PortalKind(std::string_view store_kind) {
  if (store_kind == "checkups") return "specificHealthCheckups";
  if (store_kind == "specific_diseases") return "specificDiseases";
  return std::string(store_kind);
}

// A clinical read relied on each "kind=" word of its detail, in force ("1").
AccessRecord ReadClinical(const store::AuditEntry& e) {
  AccessRecord r;
  r.seq = e.seq;
  r.at = e.at;
  r.facility_code = e.actor.substr(9);
  r.action = e.action;
  r.method = "clinical";
  r.hash = e.hash;
  std::string_view d = e.detail;
  for (size_t at = d.find("kind="); at != std::string_view::npos; at = d.find("kind=", at + 5)) {
    if (at > 0 && d[at - 1] != ' ') continue;
    const size_t end = d.find(' ', at);
    r.consents.push_back(
        {PortalKind(d.substr(
             at + 5, end == std::string_view::npos ? std::string_view::npos : end - at - 5)),
         "1"});
  }
  return r;
}

}  // namespace

std::optional<AccessRecord> ReadAccess(const store::AuditEntry& e) {
  if (e.person_id == 0 || e.actor.rfind("facility:", 0) != 0) return std::nullopt;
  if (IsClinicalRead(e.action)) return ReadClinical(e);
  if (e.action.rfind("eligibility.", 0) != 0) return std::nullopt;
  const auto words = Words(e.detail);
  auto method = words.find("method");
  if (method == words.end()) return std::nullopt;  // a refusal: nobody's data was read
  AccessRecord r;
  r.seq = e.seq;
  r.at = e.at;
  r.facility_code = e.actor.substr(9);
  r.action = e.action;
  r.method = method->second;
  r.hash = e.hash;
  if (auto m = words.find("mode"); m != words.end()) r.mode = m->second;
  if (auto v = words.find("validity"); v != words.end()) r.validity = v->second;
  if (auto c = words.find("consents"); c != words.end()) {
    std::string_view list = c->second;
    while (!list.empty()) {
      const size_t comma = list.find(',');
      const std::string_view item = list.substr(0, comma);
      const size_t colon = item.find(':');
      if (colon != std::string_view::npos) {
        r.consents.push_back(
            {std::string(item.substr(0, colon)), std::string(item.substr(colon + 1))});
      }
      if (comma == std::string_view::npos) break;
      list = list.substr(comma + 1);
    }
  }
  return r;
}

std::string CardConsentsWord(const oqs::ResultConsents& consents) {
  std::string list;
  for (const auto& [name, slot] : kKinds) {
    if (!(consents.*slot)) continue;
    if (!list.empty()) list += ',';
    list += std::string(name) + ":" + (consents.*slot)->flag;
  }
  return list.empty() ? "" : "consents=" + list;
}

std::string ConsentKindLabel(const std::string& kind) {
  if (kind == "diagnosis") return "診療情報";
  if (kind == "pharmacists") return "薬剤情報";
  if (kind == "operation") return "手術情報";
  if (kind == "specificHealthCheckups") return "特定健診等情報";
  if (kind == "limit") return "限度額適用認定証";
  if (kind == "specificDiseases") return "特定疾病療養受療証";
  return kind;
}

std::string ConsentFlagLabel(const std::string& kind, const std::string& flag) {
  if (kind == "limit") return flag == "1" ? "同意する" : "同意しない";  // OQSCD001
  // OQSCD016
  if (flag == "1") return "同意する";
  if (flag == "2") return "同意の有効期限切れ";
  if (flag == "3") return "同意の取得が困難";
  return "同意しない";
}

std::string AccessMethodLabel(const AccessRecord& r) {
  if (r.method == "clinical") {
    if (r.action == "clinical.medicines.read") return "薬剤情報の閲覧";
    if (r.action == "clinical.procedures.read") return "診療・手術情報の閲覧";
    if (r.action == "clinical.checkups.read") return "特定健診情報の閲覧";
    if (r.action == "clinical.limit.read") return "限度額情報の確認";
    if (r.action == "clinical.drugfile.read") return "薬剤情報の閲覧（資格確認端末）";
    if (r.action == "clinical.checkupfile.read") return "特定健診情報の閲覧（資格確認端末）";
    if (r.action == "clinical.prescription.check") return "処方の重複・飲み合わせの確認";
    return "診療情報の閲覧";
  }
  if (r.method == "card") {
    if (r.mode == "face") return "マイナ保険証（顔認証）";
    if (r.mode == "visual") return "マイナ保険証（目視確認）";
    return "マイナ保険証（暗証番号）";
  }
  if (r.action == "eligibility.fhir") return "保険者番号・記号・番号（FHIR）";
  return "保険者番号・記号・番号";
}

std::string ValidityLabel(const std::string& code) {
  if (code == "1") return "有効";
  if (code == "2") return "無効";
  if (code == "3") return "無効（新しい資格あり）";
  if (code == "4") return "該当資格なし";
  if (code == "5") return "複数該当";
  return "—";
}

}  // namespace onshi::service
