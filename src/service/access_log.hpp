// The person's access log on the portal: which facility looked at my data,
// when, how (the My Number card by PIN, face or 目視, or the insurance
// card's 記号・番号) and under which consent — read from the audit log.
//
// Every look-up is audited by the eligibility service (action
// "eligibility.search", "eligibility.fhir" or "eligibility.card", actor
// "facility:<医療機関コード>", the person it found, and a detail of
// key=value words). A card check's detail carries the consents the patient
// chose at the reader ("consents=diagnosis:1,limit:1", CardConsentsWord):
// that is where the portal's 同意の記録 come from too.
//
// Facilities' reads of clinical data (issue 18: "clinical.medicines.read",
// "clinical.drugfile.read", … and "clinical.prescription.check") are
// look-ups too: method "clinical", the consents they relied on ("kind="
// words of the detail) as given ("1"). Refusals return nothing and are not
// listed.
//
// A server started with a check log (check_log.hpp, issue 20) audits
// look-ups there instead of the database; reading goes through
// AccessEntriesOf only, which reads both.
#ifndef ONSHI_SERVICE_ACCESS_LOG_HPP_
#define ONSHI_SERVICE_ACCESS_LOG_HPP_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "oqs/result.hpp"
#include "service/check_log.hpp"
#include "store/store.hpp"

namespace onshi::service {

// The audit entries of facilities' look-ups that found `person_id`, oldest
// first, from the database and from `checks` when the server has one (may
// be null). The one place the portal reads read-audits from.
std::vector<store::AuditEntry> AccessEntriesOf(store::Store& store, int64_t person_id,
                                               const CheckLog* checks = nullptr);

// One consent as the patient chose it at the reader.
struct GivenConsent {
  std::string kind;  // "diagnosis", "pharmacists", "operation", "specificHealthCheckups",
                     // "limit", "specificDiseases" (the card check's JSON names)
  std::string flag;  // OQSCD001 / OQSCD016 code: "0".."3"
};

// One look-up, as the portal shows it.
struct AccessRecord {
  int64_t seq = 0;
  std::string at;                      // ISO 8601 UTC, as audited
  std::string facility_code;           // 医療機関コード
  std::string action;                  // the audit action
  std::string method;                  // "card", "card-keys" or "clinical"
  std::string mode;                    // card checks: "pin", "face", "visual"
  std::string validity;                // QualificationValidity code, "" if none
  std::vector<GivenConsent> consents;  // card checks that carried them
  std::string hash;                    // the entry's chain hash
};

// The look-up `entry` records, or nullopt for an entry that is not a
// facility's look-up of a person.
std::optional<AccessRecord> ReadAccess(const store::AuditEntry& entry);

// The audit detail's word for the consents a card check carried:
// "consents=diagnosis:1,limit:1" in a fixed order, "" when none were asked.
std::string CardConsentsWord(const oqs::ResultConsents& consents);

// Japanese for the portal.
std::string ConsentKindLabel(const std::string& kind);  // 診療情報, 限度額適用認定証, …
std::string ConsentFlagLabel(const std::string& kind, const std::string& flag);  // 同意する, …
std::string AccessMethodLabel(const AccessRecord& r);  // マイナ保険証（暗証番号）, …
std::string ValidityLabel(const std::string& code);    // 有効, 無効, 資格情報なし, …

}  // namespace onshi::service

#endif  // ONSHI_SERVICE_ACCESS_LOG_HPP_
