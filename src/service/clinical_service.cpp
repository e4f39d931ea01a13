#include "service/clinical_service.hpp"

#include <boost/json.hpp>
#include <map>
#include <set>

#include "core/copay.hpp"
#include "core/high_cost_limit.hpp"
#include "core/many_times.hpp"
#include "core/medicine_check.hpp"
#include "fhir/clinical_bundle.hpp"
#include "service/clinical_files.hpp"
#include "service/clinical_input.hpp"
#include "service/router.hpp"
#include "store/store.hpp"

namespace onshi::service {
namespace json = boost::json;
namespace {

constexpr std::string_view kPrefix = "/clinical/";
constexpr std::string_view kVisitsPath = "/clinical/v1/visits";
// What a facility may read goes back three years (issue 18: 「3年分」).
constexpr int kHistoryYears = 3;

http::Response Problem(int status, const std::string& title, const std::string& detail) {
  return {status,
          "application/problem+json",
          {},
          json::serialize(json::object{
              {"type", "about:blank"}, {"title", title}, {"status", status}, {"detail", detail}})};
}

http::Response Json(int status, const json::value& v) {
  return {status, "application/json;charset=UTF-8", {}, json::serialize(v)};
}

std::string Lower(std::string s) {
  for (char& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string TokenFrom(const http::Request& r) {
  std::string h = r.Header("Authorization");
  if (h.size() > 7 && Lower(h.substr(0, 7)) == "bearer ") h = h.substr(7);
  return h;
}

enum class Action {
  kVisit,
  kMedicines,
  kProcedures,
  kCheckups,
  kCheck,
  kLimit,
  kDrugFile,
  kCheckupFile
};

const Router<Action>& Routes() {
  static const Router<Action> kRoutes = [] {
    Router<Action> r;
    r.Add("POST", kVisitsPath, Action::kVisit)
        .Add("POST", "/clinical/v1/medicines", Action::kMedicines)
        .Add("POST", "/clinical/v1/procedures", Action::kProcedures)
        .Add("POST", "/clinical/v1/checkups", Action::kCheckups)
        .Add("POST", "/clinical/v1/prescriptions/check", Action::kCheck)
        .Add("POST", "/clinical/v1/high-cost-limit", Action::kLimit)
        .Add("POST", kDrugFilePath, Action::kDrugFile)
        .Add("POST", kCheckupFilePath, Action::kCheckupFile);
    return r;
  }();
  return kRoutes;
}

// What the refusal tells staff, by consent kind (R-FAC-4).
std::string ConsentNeeded(store::ConsentKind kind) {
  std::string what;
  switch (kind) {
    case store::ConsentKind::kPharmacists:
      what = "薬剤情報";
      break;
    case store::ConsentKind::kDiagnosis:
      what = "診療情報";
      break;
    case store::ConsentKind::kOperation:
      what = "手術情報";
      break;
    case store::ConsentKind::kCheckups:
      what = "特定健診情報";
      break;
    case store::ConsentKind::kLimit:
      what = "限度額情報";
      break;
    case store::ConsentKind::kSpecificDiseases:
      what = "特定疾病情報";
      break;
  }
  return "この患者の" + what +
         "を閲覧する同意が、この医療機関で有効な期間内に得られていません(同意がないか、"
         "有効期限が過ぎています)。マイナ保険証の受付時に、カードリーダーで患者本人の同意を"
         "得てください。";
}

json::object ConsentJson(const store::ConsentRecord& c) {
  return {{"id", c.consent_id},
          {"kind", store::ConsentKindName(c.kind)},
          {"givenAt", c.given_at},
          {"availableUntil", c.available_until}};
}

std::string ConsentAudit(const store::ConsentRecord& c) {
  return "consent=" + std::to_string(c.consent_id) +
         " kind=" + std::string(store::ConsentKindName(c.kind)) + " until=" + c.available_until;
}

struct Patient {
  PatientKeys keys;
  Qualification q;
  std::string MemberId() const {
    return keys.insurer_number + ":" + keys.symbol + ":" + keys.number + ":" + keys.branch;
  }
};

std::optional<Patient> ReadPatient(store::Store& store, const json::object& body,
                                   std::vector<RecordError>& errors) {
  const json::value* p = body.if_contains("patient");
  if (p == nullptr || !p->is_object()) {
    errors.push_back(
        {"patient", -1, "", "patient(保険者番号・記号・番号・枝番・生年月日)が必要です"});
    return std::nullopt;
  }
  auto keys = ReadPatientKeys(p->as_object(), "patient", -1, "", errors);
  if (!keys) return std::nullopt;
  const auto member =
      store.FindMemberId(keys->insurer_number, keys->symbol, keys->number, keys->branch);
  auto q = member ? store.GetQualification(*member) : std::nullopt;
  if (!q || q->birth_date != keys->birth_date) {
    errors.push_back({"patient", -1, "",
                      "この保険者番号・記号・番号・枝番・生年月日の被保険者は見つかりません"});
    return std::nullopt;
  }
  return Patient{*keys, std::move(*q)};
}

json::object CourseJson(const store::MedicineRecord& m, store::ClinicalStore& masters) {
  json::object o{{"id", m.medicine_id},
                 {"kind", m.kind == store::MedicineKind::kDispensed ? "dispensed" : "prescribed"},
                 {"facility", m.facility_code},
                 {"visitDate", m.visit_date.ToIso()},
                 {"yjCode", m.yj_code},
                 {"quantity", m.quantity},
                 {"unit", m.unit},
                 {"days", m.days},
                 {"start", m.start.ToIso()}};
  if (auto d = masters.GetDrug(m.yj_code)) o["name"] = d->name;
  return o;
}

}  // namespace

ClinicalService::ClinicalService(StorePool& stores, const auth::TokenService& tokens,
                                 const Clock& clock, AuditWriter& audit)
    : stores_(stores), tokens_(tokens), clock_(clock), audit_(audit) {}

bool ClinicalService::Owns(std::string_view path) {
  return path.substr(0, kPrefix.size()) == kPrefix;
}

bool ClinicalService::Writes(std::string_view path) {
  return path == kVisitsPath;
}

std::vector<std::pair<std::string, std::string>> ClinicalService::RouteList() {
  return Routes().table().List();
}

http::Response ClinicalService::Handle(const http::Request& request) {
  const std::time_t now = clock_.Now();
  const Date today = JstDate(now);
  const std::string now_iso = UtcIsoTime(now);
  const auto route = Routes().Find(request.method, request.target);
  if (!route.value) return NotRouted(route.match, request.method);

  const auth::TokenVerification token = tokens_.Verify(TokenFrom(request), now);
  if (!token.ok()) {
    return Problem(
        401, "unauthenticated",
        "医療機関のクライアント証明書でログインして得た idToken が必要です (" + token.detail + ")");
  }
  const std::string facility(token.claims->subject.digits());
  const std::string actor = "facility:" + facility;
  auto audit = [&](const std::string& action, int64_t person_id, std::string detail) {
    audit_.Append({0, now_iso, actor, action, person_id, std::move(detail), "", ""});
  };
  if (*route.value == Action::kDrugFile || *route.value == Action::kCheckupFile) {
    // The terminal's YZK / TKK request file, as the clinic wrote it.
    return AnswerClinicalFile(
        *route.value == Action::kDrugFile ? ClinicalFileKind::kDrugs : ClinicalFileKind::kCheckups,
        request.body, facility, now, stores_.ForThisThread(), audit_);
  }
  boost::system::error_code ec;
  const json::value parsed = json::parse(request.body, ec);
  if (ec || !parsed.is_object())
    return Problem(400, "bad body", "JSON オブジェクトを送ってください");
  const json::object& body = parsed.as_object();
  const bool fhir =
      Lower(request.Header("Accept")).find("application/fhir+json") != std::string::npos;
  store::Store& store = stores_.ForThisThread();
  store::ClinicalStore& clinical = store.Clinical();
  std::vector<RecordError> errors;
  const Action action = *route.value;

  if (action == Action::kVisit) {
    const auto patient = ReadPatient(store, body, errors);
    store::VisitRecord visit = ReadVisit(body, clinical, today, errors);
    if (!errors.empty()) {
      audit("clinical.visit.refused", patient ? patient->q.person_id : 0,
            "errors=" + std::to_string(errors.size()));
      return {422,
              "application/problem+json",
              {},
              RecordErrorsProblem(errors,
                                  "受診記録に誤りがあります。何も登録していません。"
                                  "各エラーの record と field を直して送り直してください。")};
    }
    visit.person_id = patient->q.person_id;
    visit.facility_code = facility;
    visit.recorded_at = now_iso;
    clinical.AddVisit(visit);
    audit("clinical.visit.submit", visit.person_id,
          "visit=" + std::to_string(visit.visit_id) + " date=" + visit.date.ToIso() +
              " medicines=" + std::to_string(visit.medicines.size()) +
              " procedures=" + std::to_string(visit.procedures.size()) +
              " diagnoses=" + std::to_string(visit.diagnoses.size()));
    json::array medicines;
    for (const store::MedicineRecord& m : visit.medicines)
      medicines.push_back(m.medicine_id);
    return Json(201, json::object{{"visitId", visit.visit_id},
                                  {"medicineIds", std::move(medicines)},
                                  {"procedures", visit.procedures.size()},
                                  {"diagnoses", visit.diagnoses.size()}});
  }

  const auto patient = ReadPatient(store, body, errors);
  // The prescription is read too, so that every error is reported at once.
  std::vector<MedicineCourse> prescription;
  if (action == Action::kCheck) prescription = ReadPrescription(body, errors);
  if (!errors.empty()) {
    return {
        422, "application/problem+json", {}, RecordErrorsProblem(errors, "要求に誤りがあります。")};
  }
  const int64_t person = patient->q.person_id;
  auto consent = [&](store::ConsentKind kind) {
    return clinical.ConsentInForce(person, facility, kind, now_iso);
  };
  auto refuse = [&](const char* what, store::ConsentKind kind) {
    audit(std::string("clinical.") + what + ".refused", person,
          "no consent " + std::string(store::ConsentKindName(kind)) + " in force");
    http::Response r = Problem(403, "consent required", ConsentNeeded(kind));
    return r;
  };
  const Date since = today.AddYears(-kHistoryYears);
  fhir::ClinicalBundleContext ctx{"", now_iso, patient->MemberId(), "", today, {}};

  switch (action) {
    case Action::kVisit:
    case Action::kDrugFile:
    case Action::kCheckupFile:
      break;  // handled above
    case Action::kMedicines: {
      const auto c = consent(store::ConsentKind::kPharmacists);
      if (!c) return refuse("medicines", store::ConsentKind::kPharmacists);
      const auto meds = clinical.MedicinesOfPerson(person, since);
      audit("clinical.medicines.read", person,
            ConsentAudit(*c) + " since=" + since.ToIso() + " count=" + std::to_string(meds.size()));
      if (fhir) {
        ctx.bundle_id = "meds-" + std::to_string(person) + "-" + std::to_string(now);
        ctx.consent = "pharmacists";
        for (const store::MedicineRecord& m : meds) {
          if (!ctx.names.count(m.yj_code)) {
            if (auto d = clinical.GetDrug(m.yj_code)) ctx.names[m.yj_code] = d->name;
          }
        }
        return {200, "application/fhir+json", {}, fhir::RenderMedicationBundle(meds, ctx)};
      }
      json::array list;
      for (const store::MedicineRecord& m : meds)
        list.push_back(CourseJson(m, clinical));
      return Json(200, json::object{{"consent", ConsentJson(*c)},
                                    {"since", since.ToIso()},
                                    {"medicines", std::move(list)}});
    }
    case Action::kProcedures: {
      const auto diagnosis = consent(store::ConsentKind::kDiagnosis);
      const auto operation = consent(store::ConsentKind::kOperation);
      if (!diagnosis && !operation) return refuse("procedures", store::ConsentKind::kDiagnosis);
      std::map<std::string, bool> is_operation;
      std::vector<store::ProcedureRecord> shown;
      for (store::ProcedureRecord& p : clinical.ProceduresOfPerson(person, since)) {
        auto it = is_operation.find(p.code);
        if (it == is_operation.end()) {
          const auto m = clinical.GetProcedure(p.code);
          it = is_operation.emplace(p.code, m && m->section == "K").first;
          if (m) ctx.names[p.code] = m->name;
        }
        // Operations (点数表 K) need the operation consent; the rest the diagnosis one.
        if (it->second ? operation.has_value() : diagnosis.has_value()) shown.push_back(p);
      }
      std::string relied;
      json::array consents;
      for (const auto* c : {&diagnosis, &operation}) {
        if (!*c) continue;
        relied += (relied.empty() ? "" : " ") + ConsentAudit(**c);
        consents.push_back(ConsentJson(**c));
      }
      const auto dx = diagnosis ? clinical.DiagnosesOfPerson(person, since)
                                : std::vector<store::DiagnosisRecord>{};
      audit("clinical.procedures.read", person,
            relied + " since=" + since.ToIso() + " procedures=" + std::to_string(shown.size()) +
                " diagnoses=" + std::to_string(dx.size()));
      if (fhir) {
        ctx.bundle_id = "procs-" + std::to_string(person) + "-" + std::to_string(now);
        ctx.consent = diagnosis && operation ? "diagnosis+operation"
                      : diagnosis            ? "diagnosis"
                                             : "operation";
        return {200,
                "application/fhir+json",
                {},
                fhir::RenderProcedureBundle(shown, is_operation, ctx)};
      }
      json::array procs;
      for (const store::ProcedureRecord& p : shown) {
        json::object o{{"id", p.procedure_id}, {"facility", p.facility_code},
                       {"code", p.code},       {"date", p.performed_on.ToIso()},
                       {"count", p.count},     {"operation", is_operation[p.code]}};
        if (auto n = ctx.names.find(p.code); n != ctx.names.end()) o["name"] = n->second;
        procs.push_back(std::move(o));
      }
      json::array diagnoses;
      for (const store::DiagnosisRecord& d : dx) {
        json::object o{{"id", d.diagnosis_id},
                       {"facility", d.facility_code},
                       {"code", d.code},
                       {"start", d.start.ToIso()},
                       {"suspected", d.suspected}};
        if (auto m = clinical.GetDisease(d.code)) o["name"] = m->name;
        diagnoses.push_back(std::move(o));
      }
      return Json(200, json::object{{"consents", std::move(consents)},
                                    {"since", since.ToIso()},
                                    {"procedures", std::move(procs)},
                                    {"diagnoses", std::move(diagnoses)}});
    }
    case Action::kCheckups: {
      const auto c = consent(store::ConsentKind::kCheckups);
      if (!c) return refuse("checkups", store::ConsentKind::kCheckups);
      const auto rows = clinical.CheckupsOfPerson(person);
      audit("clinical.checkups.read", person,
            ConsentAudit(*c) + " count=" + std::to_string(rows.size()));
      if (fhir) {
        ctx.bundle_id = "checkups-" + std::to_string(person) + "-" + std::to_string(now);
        ctx.consent = "checkups";
        return {200, "application/fhir+json", {}, fhir::RenderCheckupBundle(rows, ctx)};
      }
      json::array list;
      for (const store::CheckupRecord& k : rows) {
        list.push_back(json::object{{"id", k.checkup_id},
                                    {"insurer", k.insurer_number},
                                    {"examinedOn", k.examined_on.ToIso()},
                                    {"itemCode", k.item_code},
                                    {"value", k.value},
                                    {"unit", k.unit}});
      }
      return Json(200, json::object{{"consent", ConsentJson(*c)}, {"checkups", std::move(list)}});
    }
    case Action::kCheck: {
      // The other prescriptions are named only with the patient's consent to
      // share medicines with this facility (R-FAC-4); without it the
      // prescriber learns only that a finding exists. Its own prescriptions
      // it knows already.
      const auto c = consent(store::ConsentKind::kPharmacists);
      Date earliest = prescription.empty() ? today : prescription.front().start;
      for (const MedicineCourse& p : prescription)
        earliest = std::min(earliest, p.start);
      const auto history = clinical.MedicinesOfPerson(person, earliest);
      std::vector<MedicineCourse> courses;
      std::map<int64_t, const store::MedicineRecord*> by_id;
      for (const store::MedicineRecord& m : history) {
        courses.push_back(m.Course());
        by_id[m.medicine_id] = &m;
      }
      const InteractionTable table = clinical.Interactions();
      auto other = [&](const MedicineCourse& o) {
        const bool named = c.has_value() || o.facility_code == facility;
        json::object x{{"named", named}};
        if (named) x["prescription"] = CourseJson(*by_id.at(o.id), clinical);
        return x;
      };
      json::array results;
      int duplicates = 0, interactions = 0;
      for (size_t i = 0; i < prescription.size(); ++i) {
        MedicineCourse p = prescription[i];
        p.facility_code = facility;
        json::array found;
        for (const DuplicateFinding& d : FindDuplicates(p, courses)) {
          ++duplicates;
          json::object x = other(d.other);
          x["type"] = "duplicate";
          x["overlapDays"] = d.overlap_days;
          x["message"] = x["named"].as_bool()
                             ? "同一成分の薬が他の医療機関で処方されており、服用期間が重なります"
                             : "同一成分の薬が他の医療機関で処方されています(患者の同意がない"
                               "ため、処方の内容は表示できません)";
          found.push_back(std::move(x));
        }
        for (const InteractionFinding& f : FindInteractions(p, courses, table)) {
          ++interactions;
          json::object x = other(f.other);
          x["type"] = "interaction";
          x["severity"] = f.interaction->severity == InteractionSeverity::kContraindicated
                              ? "contraindicated"
                              : "caution";
          x["message"] = x["named"].as_bool()
                             ? f.interaction->message
                             : std::string(
                                   "飲み合わせに注意が必要な薬が処方されています(患者の"
                                   "同意がないため、処方の内容は表示できません)");
          found.push_back(std::move(x));
        }
        results.push_back(json::object{{"index", static_cast<int64_t>(i)},
                                       {"yjCode", p.yj_code},
                                       {"findings", std::move(found)}});
      }
      audit("clinical.prescription.check", person,
            (c ? ConsentAudit(*c) : std::string("consent=none")) + " duplicates=" +
                std::to_string(duplicates) + " interactions=" + std::to_string(interactions));
      json::object out{{"duplicates", duplicates},
                       {"interactions", interactions},
                       {"results", std::move(results)}};
      out["consent"] = c ? json::value(ConsentJson(*c)) : json::value(nullptr);
      return Json(200, out);
    }
    case Action::kLimit: {
      const auto c = consent(store::ConsentKind::kLimit);
      if (!c) return refuse("limit", store::ConsentKind::kLimit);
      Date month_start = Date::FromYmd(today.year(), today.month(), 1);
      if (const json::value* m = body.if_contains("month")) {
        const auto d =
            m->is_string() ? Date::ParseIso(std::string(m->as_string()) + "-01") : std::nullopt;
        if (!d || m->as_string().size() != 7 || *d > today) {
          return {422,
                  "application/problem+json",
                  {},
                  RecordErrorsProblem({{"", -1, "month", "YYYY-MM(今月まで)で指定してください"}},
                                      "要求に誤りがあります。")};
        }
        month_start = *d;
      }
      CareSetting setting = CareSetting::kOutpatient;
      if (const json::value* s = body.if_contains("setting")) {
        if (s->is_string() && s->as_string() == "inpatient") {
          setting = CareSetting::kInpatient;
        } else if (!s->is_string() || s->as_string() != "outpatient") {
          return {422,
                  "application/problem+json",
                  {},
                  RecordErrorsProblem(
                      {{"", -1, "setting", "outpatient(外来)か inpatient(入院)で指定してください"}},
                      "要求に誤りがあります。")};
        }
      }
      const Date month_end = month_start.LastDayOfMonth();
      const Date on = std::min(today, month_end);
      const Qualification& q = patient->q;
      const LimitCertificate* cert = q.LimitOn(on);
      const auto category =
          cert ? IncomeCategoryFromOqs(cert->category_flag) : std::optional<IncomeCategory>();
      if (!category) {
        audit("clinical.limit.read", person, ConsentAudit(*c) + " category=none");
        return Problem(404, "no income category",
                       "保険者から所得区分(限度額適用認定)が届け出られていないため、限度額を"
                       "計算できません。");
      }
      // 法別番号 39: 後期高齢者医療 (its members are in the 75+ group even under 75).
      const bool late_stage = q.insurer_number.size() == 8 && q.insurer_number.substr(0, 2) == "39";
      LimitQuery lq;
      lq.age = LimitAgeGroupOn(q.birth_date, on, late_stage);
      lq.category = *category;
      lq.setting = setting;
      lq.month = month_start;
      lq.birthday_month_halved = IsSeventyFifthBirthdayMonth(q.birth_date, on);
      // 多数回該当 from the claim totals this insurer filed (a change of
      // insurer starts the count again; core/many_times.hpp).
      std::vector<MonthlyClaim> claims;
      for (const store::ClaimTotalRecord& r : clinical.ClaimTotalsOfPerson(person)) {
        if (r.insurer_number != q.insurer_number) continue;
        claims.push_back({r.month, r.setting, r.total_cost_yen, r.self_pay_yen});
      }
      const auto many = ManyTimesIn(lq.age, lq.category, month_start, claims);
      if (!many.ok()) return Problem(422, "limit not computable", many.error().ToString());
      lq.many_times = many->many_times;
      json::array reached;
      for (Date r : many->reached)
        reached.push_back(json::string(r.ToIso().substr(0, 7)));
      WindowLedger ledger;
      for (const store::VisitRecord& v :
           clinical.VisitsOfPerson(person, facility, month_start, month_end)) {
        if (v.setting != setting) continue;
        ledger.total_cost_yen += v.total_cost_yen;
        ledger.paid_yen += v.paid_yen;
      }
      const auto charge = ChargeAtWindow(lq, CopayPercentOn(q, on), ledger, 0);
      if (!charge.ok()) {
        return Problem(422, "limit not computable", charge.error().ToString());
      }
      audit("clinical.limit.read", person,
            ConsentAudit(*c) + " category=" + std::string(OqsCode(*category)) + " month=" +
                month_start.ToIso().substr(0, 7) + " many_times=" + (lq.many_times ? "1" : "0") +
                " remaining=" + std::to_string(charge->remaining_yen));
      const char* group = lq.age == LimitAgeGroup::kUnder70  ? "under70"
                          : lq.age == LimitAgeGroup::k70To74 ? "70to74"
                                                             : "75andOver";
      return Json(200, json::object{{"consent", ConsentJson(*c)},
                                    {"category", OqsCode(*category)},
                                    {"categoryName", JapaneseName(*category)},
                                    {"ageGroup", group},
                                    {"month", month_start.ToIso().substr(0, 7)},
                                    {"setting", setting == CareSetting::kInpatient ? "inpatient"
                                                                                   : "outpatient"},
                                    {"limit", charge->limit_yen},
                                    {"totalCost", ledger.total_cost_yen},
                                    {"paid", ledger.paid_yen},
                                    {"remaining", charge->remaining_yen},
                                    {"limitReached", charge->limit_reached},
                                    {"manyTimes", lq.many_times},
                                    {"limitReachedMonths", std::move(reached)}});
    }
  }
  return Problem(500, "unrouted action", "");
}

}  // namespace onshi::service
