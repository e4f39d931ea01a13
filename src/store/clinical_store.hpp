// ClinicalStore: what facilities, pharmacies and insurers record about a
// patient's care (issue 18), and the consents that let a facility read it.
//
// A sub-store reached from Store::Clinical(), so the eligibility interface
// (store.hpp) does not grow: each backend implements it in a file of its own
// (sqlite/clinical_sqlite.cpp, postgres/clinical_pg.cpp) on the owning
// store's connection, and its writes join the owner's transactions
// (Store::InTransaction), so a visit and the audit entry of its submission
// can land together.
//
// Privacy: records carry the surrogate person_id only, never a My Number or
// the insurance numbers they were submitted under.
#ifndef ONSHI_STORE_CLINICAL_STORE_HPP_
#define ONSHI_STORE_CLINICAL_STORE_HPP_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.hpp"
#include "core/high_cost_limit.hpp"
#include "core/medicine_check.hpp"

namespace onshi::store {

// What a patient agreed to at the reader (terminal-protocol.md §7): the
// viewing consents (薬剤・診療・手術・特定健診, OQSCD016) and the 限度額 and
// 特定疾病 ones.
enum class ConsentKind {
  kPharmacists,       // PharmacistsInfo (薬剤情報)
  kDiagnosis,         // DiagnosisInfo (診療情報)
  kOperation,         // OperationInfo (手術情報)
  kCheckups,          // SpecificHealthCheckupsInfo (特定健診情報)
  kLimit,             // LimitApplicationCertificateRelated (限度額, OQSCD001)
  kSpecificDiseases,  // SpecificDiseasesCertificateRelated (特定疾病)
};
std::string_view ConsentKindName(ConsentKind k);  // "pharmacists", …, "specific_diseases"
std::optional<ConsentKind> ParseConsentKind(std::string_view name);

struct ConsentRecord {
  int64_t consent_id = 0;
  int64_t person_id = 0;
  std::string facility_code;  // the facility whose reader took it
  ConsentKind kind = ConsentKind::kPharmacists;
  std::string flag;      // OQSCD016 "0".."3" (OQSCD001 "0"/"1" for 限度額)
  std::string given_at;  // UTC ISO time (2026-12-03T01:00:00Z)
  // AvailableTime as UTC ISO. The 限度額 and 特定疾病 consents carry none on
  // the wire; they are stored with given_at + 24 h, the visit they were
  // given for (the same span the terminal gives the viewing consents).
  std::string available_until;
};

enum class MedicineKind { kPrescribed, kDispensed };  // 処方 / 調剤

struct MedicineRecord {
  int64_t medicine_id = 0;
  int64_t visit_id = 0;
  int64_t person_id = 0;
  std::string facility_code;
  Date visit_date;  // read back with the record; ignored on write
  MedicineKind kind = MedicineKind::kPrescribed;
  std::string yj_code;   // 薬価基準収載医薬品コード (12)
  std::string quantity;  // decimal text, as prescribed ("1.5")
  std::string unit;      // 錠, mL, g, …
  int days = 1;          // 投与日数 (頓服: 回数)
  Date start;            // first day taken
  // The course for the core's checks (core/medicine_check.hpp).
  MedicineCourse Course() const { return {medicine_id, facility_code, yj_code, start, days}; }
};

struct ProcedureRecord {  // 診療行為, operations (点数表 K) among them
  int64_t procedure_id = 0;
  int64_t visit_id = 0;
  int64_t person_id = 0;
  std::string facility_code;
  std::string code;  // 診療行為コード (9 digits)
  Date performed_on;
  int count = 1;
};

struct DiagnosisRecord {  // 傷病名
  int64_t diagnosis_id = 0;
  int64_t visit_id = 0;
  int64_t person_id = 0;
  std::string facility_code;
  std::string code;        // 傷病名コード (7 digits)
  Date start;              // 診療開始日
  bool suspected = false;  // 疑い
};

// One visit (one day at one facility, or one admission's bill) with what
// was done in it.
struct VisitRecord {
  int64_t visit_id = 0;
  int64_t person_id = 0;
  std::string facility_code;
  Date date;
  CareSetting setting = CareSetting::kOutpatient;  // 入院 / 外来
  int64_t total_cost_yen = 0;                      // 総医療費 (10割)
  int64_t paid_yen = 0;                            // what the patient paid at the window
  std::string recorded_at;                         // UTC ISO
  std::vector<MedicineRecord> medicines;
  std::vector<ProcedureRecord> procedures;
  std::vector<DiagnosisRecord> diagnoses;
};

struct CheckupRecord {  // 特定健診 result item
  int64_t checkup_id = 0;
  int64_t person_id = 0;
  std::string insurer_number;
  Date examined_on;
  std::string item_code;  // the XML's item code (JLAC10, 17 characters)
  std::string value;      // as reported ("5.6", "陰性")
  std::string unit;
};

struct ClaimTotalRecord {  // monthly claim total (レセプト) from an insurer
  int64_t claim_id = 0;
  int64_t person_id = 0;
  std::string insurer_number;
  std::string facility_code;
  Date month;  // the first day of the month of treatment
  CareSetting setting = CareSetting::kOutpatient;
  int64_t total_cost_yen = 0;
  int64_t self_pay_yen = 0;
};

// --- masters ---------------------------------------------------------------
struct DrugMasterRow {
  std::string yj_code, name, unit;
};
struct ProcedureMasterRow {
  std::string code, name;
  std::string section;  // 点数表の部 letter: "K" 手術, "D" 検査, …
};
struct DiseaseMasterRow {
  std::string code, name;
};

struct MasterCounts {
  int64_t drugs = 0, procedures = 0, diseases = 0, interactions = 0;
};

class ClinicalStore {
 public:
  virtual ~ClinicalStore() = default;

  // --- consents ------------------------------------------------------------
  virtual int64_t AddConsent(const ConsentRecord& consent) = 0;
  // The latest choice of `kind` the person made at `facility` at or before
  // `now_iso`, when it is a consent (flag "1") available until later than
  // `now_iso`. nullopt: none in force (R-FAC-4) — never given, expired, or
  // withdrawn by a later refusal at the same facility.
  virtual std::optional<ConsentRecord> ConsentInForce(int64_t person_id,
                                                      std::string_view facility_code,
                                                      ConsentKind kind,
                                                      std::string_view now_iso) = 0;
  virtual std::vector<ConsentRecord> ConsentsOfPerson(int64_t person_id) = 0;

  // --- what facilities submit ------------------------------------------------
  // Stores the visit and everything in it in one transaction, filling the
  // ids (visit's and children's). Throws StoreError (nothing written) for an
  // unknown person or facility.
  virtual int64_t AddVisit(VisitRecord& visit) = 0;
  // Visits (without children) of a person, optionally at one facility
  // (empty: all), with date in [from, to], by date then id.
  virtual std::vector<VisitRecord> VisitsOfPerson(int64_t person_id, std::string_view facility_code,
                                                  Date from, Date to) = 0;
  // Medicines whose course ends on or after `since` (start + days − 1), latest
  // start first.
  virtual std::vector<MedicineRecord> MedicinesOfPerson(int64_t person_id, Date since) = 0;
  virtual std::vector<ProcedureRecord> ProceduresOfPerson(int64_t person_id, Date since) = 0;
  virtual std::vector<DiagnosisRecord> DiagnosesOfPerson(int64_t person_id, Date since) = 0;

  // --- what insurers submit --------------------------------------------------
  virtual int64_t AddCheckup(const CheckupRecord& checkup) = 0;
  virtual std::vector<CheckupRecord> CheckupsOfPerson(int64_t person_id) = 0;
  // Throws StoreError when the insurer already filed that person, facility,
  // month and setting.
  virtual int64_t AddClaimTotal(const ClaimTotalRecord& claim) = 0;
  virtual std::vector<ClaimTotalRecord> ClaimTotalsOfPerson(int64_t person_id) = 0;

  // --- masters ---------------------------------------------------------------
  // Each replaces the whole master in one transaction.
  virtual void ReplaceDrugMaster(const std::vector<DrugMasterRow>& rows) = 0;
  virtual void ReplaceProcedureMaster(const std::vector<ProcedureMasterRow>& rows) = 0;
  virtual void ReplaceDiseaseMaster(const std::vector<DiseaseMasterRow>& rows) = 0;
  virtual void ReplaceInteractions(const std::vector<Interaction>& rows) = 0;
  virtual std::optional<DrugMasterRow> GetDrug(std::string_view yj_code) = 0;
  virtual std::optional<ProcedureMasterRow> GetProcedure(std::string_view code) = 0;
  virtual std::optional<DiseaseMasterRow> GetDisease(std::string_view code) = 0;
  virtual InteractionTable Interactions() = 0;
  virtual MasterCounts CountMasters() = 0;
};

}  // namespace onshi::store

#endif  // ONSHI_STORE_CLINICAL_STORE_HPP_
