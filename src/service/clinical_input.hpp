// Reading what facilities and insurers submit to the clinical API (issue 18):
// the patient named by the insured keys, a visit with its medicines,
// procedures and diagnoses, and insurers' checkup results and claim totals.
//
// Every problem is collected, not just the first, each naming its record by
// list and index ("medicines[2]"), its field and the reason in Japanese (the
// staff read it), so a clerk can fix a whole submission at once. A caller
// stores nothing when any error is reported.
//
// JSON shapes (scalars as on the wire: codes are strings, amounts numbers):
//   patient   {"insurerNumber", "symbol", "number", "branch", "birthDate": "YYYY-MM-DD"}
//   visit     {"patient", "date", "setting": "outpatient"|"inpatient",
//              "totalCost": yen, "paid": yen,
//              "medicines":  [{"kind": "prescribed"|"dispensed", "yjCode", "quantity": "1.5",
//                              "unit", "days", "start"}],
//              "procedures": [{"code", "date", "count"}],
//              "diagnoses":  [{"code", "start", "suspected": bool}]}
//   checkups  {"records": [{"symbol", "number", "branch", "birthDate", "examinedOn",
//                            "itemCode", "value", "unit"}]}            (insurer API)
//   claims    {"records": [{"symbol", "number", "branch", "birthDate", "month": "YYYY-MM",
//                            "facility", "setting", "totalCost", "selfPay"}]}
#ifndef ONSHI_SERVICE_CLINICAL_INPUT_HPP_
#define ONSHI_SERVICE_CLINICAL_INPUT_HPP_

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace onshi::service {

struct RecordError {
  std::string record;  // "" the submission as a whole, "patient", "medicines[2]", "records[0]"
  int index = -1;      // the record's index in its list, -1 for none
  std::string field;
  std::string reason;
};

// The problem document (RFC 9457, status 422) listing every error.
std::string RecordErrorsProblem(const std::vector<RecordError>& errors, const std::string& detail);

struct PatientKeys {
  std::string insurer_number, symbol, number, branch;
  Date birth_date;
};

// Reads patient keys from `o` (a "patient" object, or an insurer's record
// whose insurer is `fixed_insurer`); errors name `record`.
std::optional<PatientKeys> ReadPatientKeys(const boost::json::object& o, const std::string& record,
                                           int index, const std::string& fixed_insurer,
                                           std::vector<RecordError>& errors);

// The person holding a qualification under exactly these keys, born on the
// birth date given (a mismatch is "no such patient", never which key was
// wrong).
std::optional<int64_t> FindPatient(store::Store& store, const PatientKeys& keys,
                                   const std::string& record, int index,
                                   std::vector<RecordError>& errors);

// The patient object of a request body ({"patient": {...}}), resolved.
std::optional<int64_t> PatientOfBody(store::Store& store, const boost::json::object& body,
                                     std::vector<RecordError>& errors);

// A visit: shapes, dates (not after `today`), amounts (paid ≤ total) and
// codes checked against the masters. `visit.person_id` is left 0.
store::VisitRecord ReadVisit(const boost::json::object& body, store::ClinicalStore& masters,
                             Date today, std::vector<RecordError>& errors);

// The courses of a prescription to check (POST …/prescriptions/check):
// {"medicines": [{"yjCode", "days", "start"}]}.
std::vector<MedicineCourse> ReadPrescription(const boost::json::object& body,
                                             std::vector<RecordError>& errors);

std::vector<store::CheckupRecord> ReadCheckups(store::Store& store, const boost::json::object& body,
                                               const std::string& insurer, Date today,
                                               std::vector<RecordError>& errors);
std::vector<store::ClaimTotalRecord> ReadClaims(store::Store& store,
                                                const boost::json::object& body,
                                                const std::string& insurer, Date today,
                                                std::vector<RecordError>& errors);

}  // namespace onshi::service

#endif  // ONSHI_SERVICE_CLINICAL_INPUT_HPP_
