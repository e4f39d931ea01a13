// The 薬剤情報 / 特定健診情報 files of the facility terminal (terminal-protocol.md
// §6.6; issue 18): the clinic writes `YZKsiquc01req_…` or `TKKsiquc01req_…`
// into Req, the terminal posts it as written to the central service
// (POST /clinical/v1/files/yzk or …/tkk, the facility's idToken as for any
// clinical read) and publishes the answer as `…res_…`.
//
// Request (header tag names differ from the 資格確認's):
//   MessageHeader: MedicalInstitutionCode, InsurerNumber, InsuranceCardSymbol,
//     InsuredPersonIdentificationNumber, BranchNumber, ArbitraryFileIdentifier
//   MessageBody: StartDate / EndDate (yyyyMM, YZK only), FileCategory (1 PDF,
//     2 XML), PrDiInfClassification, MedicalTreatmentFlag (OQSCD028 1–3)
// Answer with FileCategory 2, and every refusal: XML, in the request's
// encoding:
//   MessageHeader: ProcessExecutionTime, MedicalInstitutionCode,
//     ArbitraryFileIdentifier (echoed), CharacterCodeIdentifier, ResultCode
//     (1 = OK, 2 = not answered), MessageContents (why, in Japanese, when 2),
//     and the person: YZK `QuaInf` {Name, KanaName, Birth, AdmGendCode},
//     TKK `QualificationsInfo` {Name, KanasName [sic], Birthday,
//     AdministrativeGenderCode}
//   YZK body: `ShPrInf` (処方) and `CzDiInf` (調剤), each by month
//     (`ShPrMonthInf` {ShPrMonth yyyyMM, ShPrDateInfs/ShPrDateInf {ShPrDate,
//     MedicalInstitutionCode, MedicalInstitutionName, ShPrDrugInfs/ShPrDrugInf
//     {DrugC (YJ), DrugN, Qua1, Unit, Times (投与日数), StartDate}}}), and
//     `DrugAlertInfs/DrugAlertInf` — the 重複投薬 and 併用禁忌/注意 between
//     the courses shown, for the pharmacist: {AlertClassification (1 重複投薬,
//     2 併用禁忌, 3 併用注意), DrugC, DrugN, MedicalInstitutionCode, OtherDrugC,
//     OtherDrugN, OtherMedicalInstitutionCode, OverlapDays, AlertMessage}.
//     The alert block is onshi's: clients look elements up by name and
//     tolerate unknown ones (§10). 用法 (UsageN) and 成分名 (IngreN) are not
//     submitted to onshi and are absent.
//   TKK body: `SpecificHealthCheckupInfo` per examination date {EffectiveTime
//     yyyyMMdd, HealthCheckupResultAndQuestionInfos/…Info {ItemCode, ItemName,
//     DataType (PQ number, ST text), DataValue, DataValueName, Unit, Oid}}.
//
// Answered only while the patient's consent of that kind (薬剤情報 for YZK,
// 特定健診情報 for TKK) given at this facility's reader is in force (R-FAC-4);
// every answer, refusal included, is audited with the person and the
// consent relied on, so the read shows in the person's access log.
// FileCategory 1 (PDF): once the consent is in force, the same data as a PDF
// (application/pdf; pdf/clinical_history.hpp) — the 処方/調剤 newest first
// with the alerts in a box above them, or each 特定健診 with its items and
// 保健指導判定値 — audited like the XML read (`format=pdf pages=N`). A
// refused PDF request gets the XML refusal (§6.6: "`.pdf`, or `.xml` with
// ResultCode 1 on success; otherwise the text of //MessageContents").
#ifndef ONSHI_SERVICE_CLINICAL_FILES_HPP_
#define ONSHI_SERVICE_CLINICAL_FILES_HPP_

#include <ctime>
#include <optional>
#include <string>
#include <string_view>

#include "core/date.hpp"
#include "http/server.hpp"
#include "service/audit_writer.hpp"
#include "store/store.hpp"

namespace onshi::service {

enum class ClinicalFileKind { kDrugs, kCheckups };  // YZK, TKK

inline constexpr std::string_view kDrugFilePath = "/clinical/v1/files/yzk";
inline constexpr std::string_view kCheckupFilePath = "/clinical/v1/files/tkk";

struct ClinicalFileRequest {
  ClinicalFileKind kind = ClinicalFileKind::kDrugs;
  bool shift_jis = false;  // the request's encoding, which the answer keeps
  std::string institution, insurer_number, symbol, number, branch, file_identifier;
  std::optional<Date> start_month, end_month;  // first days; YZK only
  std::string file_category;                   // "1" PDF, "2" XML
  std::string treatment_flag;                  // OQSCD028
};

// Reads a request file (UTF-8 or Shift_JIS by its declaration). A problem
// is an Error whose message is Japanese, for MessageContents.
Expected<ClinicalFileRequest> ParseClinicalFileRequest(std::string_view bytes,
                                                       ClinicalFileKind kind);

// The whole exchange for `facility` (the token's subject) at `now`.
http::Response AnswerClinicalFile(ClinicalFileKind kind, std::string_view body,
                                  const std::string& facility, std::time_t now, store::Store& store,
                                  AuditWriter& audit);

}  // namespace onshi::service

#endif  // ONSHI_SERVICE_CLINICAL_FILES_HPP_
