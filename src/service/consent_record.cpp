#include "service/consent_record.hpp"

#include "service/clock.hpp"

namespace onshi::service {

std::string UtcIsoFromJstCompact(const std::string& c) {
  if (c.size() != 14) return "";
  for (char ch : c) {
    if (ch < '0' || ch > '9') return "";
  }
  const std::string iso = c.substr(0, 4) + "-" + c.substr(4, 2) + "-" + c.substr(6, 2) + "T" +
                          c.substr(8, 2) + ":" + c.substr(10, 2) + ":" + c.substr(12, 2) + "+09:00";
  std::time_t t = 0;
  if (!ParseTime(iso, &t)) return "";
  return UtcIsoTime(t);
}

std::string RecordCardConsents(store::Store& store, int64_t person_id, const std::string& facility,
                               const oqs::ResultConsents& consents, std::time_t now) {
  using store::ConsentKind;
  const std::pair<const std::optional<oqs::Consent>*, ConsentKind> kinds[] = {
      {&consents.pharmacists, ConsentKind::kPharmacists},
      {&consents.diagnosis, ConsentKind::kDiagnosis},
      {&consents.operation, ConsentKind::kOperation},
      {&consents.checkups, ConsentKind::kCheckups},
      {&consents.limit, ConsentKind::kLimit},
      {&consents.specific_diseases, ConsentKind::kSpecificDiseases},
  };
  std::string stored, until;
  store.InTransaction([&] {
    for (const auto& [consent, kind] : kinds) {
      if (!consent->has_value()) continue;
      store::ConsentRecord r;
      r.person_id = person_id;
      r.facility_code = facility;
      r.kind = kind;
      r.flag = (*consent)->flag;
      r.given_at = UtcIsoTime(now);
      r.available_until = UtcIsoFromJstCompact((*consent)->available);
      if (r.available_until.empty()) r.available_until = UtcIsoTime(now + 24 * 3600);
      const int64_t id = store.Clinical().AddConsent(r);
      stored += (stored.empty() ? "" : " ") + std::string(store::ConsentKindName(kind)) + "=" +
                r.flag + "#" + std::to_string(id);
      until = r.available_until;
    }
  });
  return stored.empty() ? stored : stored + " until=" + until;
}

}  // namespace onshi::service
