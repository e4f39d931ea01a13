// Consents given at the reader, recorded centrally (issue 18, R-FAC-4).
//
// A card check answers the consents the patient chose on the reader
// (card_answer.hpp ParseCardConsents: ConsTime, and AvailableTime = ConsTime
// + 24 h for the viewing ones). The same consents are kept here, by person
// and by the facility whose token made the check, so that a later read of
// that person's medicines, procedures or checkups by that facility — and only
// that facility — can be allowed until AvailableTime (clinical_service.hpp).
#ifndef ONSHI_SERVICE_CONSENT_RECORD_HPP_
#define ONSHI_SERVICE_CONSENT_RECORD_HPP_

#include <cstdint>
#include <ctime>
#include <string>

#include "oqs/result.hpp"
#include "store/store.hpp"

namespace onshi::service {

// The JST compact time of the OQS files (yyyyMMddHHmmss) as UTC ISO, or ""
// if it is not one.
std::string UtcIsoFromJstCompact(const std::string& compact);

// Stores every consent that was asked (refusals "0" too, which grant
// nothing), given at `now` at `facility`; those without an AvailableTime
// (限度額, 特定疾病) are stored with now + 24 h (clinical_store.hpp). Returns
// what was stored for the audit log ("pharmacists=1 operation=0 until=…"),
// "" when nothing was asked. Throws StoreError when the database refuses.
std::string RecordCardConsents(store::Store& store, int64_t person_id, const std::string& facility,
                               const oqs::ResultConsents& consents, std::time_t now);

}  // namespace onshi::service

#endif  // ONSHI_SERVICE_CONSENT_RECORD_HPP_
