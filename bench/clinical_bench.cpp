// Issue 18's hot paths on a database of 10^5 members, each as a ratio to
// the server-side eligibility check measured in the same run (parse,
// validate, look up, decide, serialise — what BM_ServerSideCheck in
// core_bench.cpp times):
//   - the medicine-history read of a patient with 3 years of data (a visit
//     every two weeks, three medicines each: 234 courses), consent check and
//     FHIR rendering included, with p50 and p99 per read;
//   - the duplicate and interaction check of one prescription (3 medicines);
//   - visit submission (3 medicines, 2 procedures, 1 diagnosis per visit,
//     one transaction each);
//   - the terminal's YZK request for the same 3 years (terminal-protocol.md
//     §6.6), the whole exchange of service/clinical_files: parse, member,
//     consent, rows, alerts, then the XML answer (FileCategory 2) or the PDF
//     (FileCategory 1, pdf/clinical_history: 234 courses on 10 A4 pages).
// Each benchmark reports `ratio_to_check` (its mean time per operation over
// the check's) and `check_us` (the check's own mean, timed right before).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <optional>

#include "core/eligibility.hpp"
#include "core/medicine_check.hpp"
#include "fhir/clinical_bundle.hpp"
#include "oqs/request.hpp"
#include "oqs/response.hpp"
#include "oqs/validate.hpp"
#include "populate/population.hpp"
#include "service/audit_writer.hpp"
#include "service/clinical_files.hpp"
#include "store/store.hpp"

namespace {

using namespace onshi;
using Clock = std::chrono::steady_clock;

const Date kToday = Date::FromYmd(2025, 6, 2);
const char* kClinic = "1310000011";
const char* kPharmacy = "1340000019";
const char* kNow = "2025-06-02T01:00:00Z";

struct ClinicalDb {
  std::filesystem::path dir;
  std::unique_ptr<store::Store> store;
  std::vector<std::string> check_bodies;
  int64_t person = 0;
  // Whose visits BM_VisitSubmission adds: never `person`, whose 3 years the
  // reads measure (thousands of same-day courses would change them).
  int64_t submitter = 0;
  std::string yzk_xml, yzk_pdf;  // the terminal's request files for person
  std::vector<std::string> drugs;

  ClinicalDb() {
    dir = std::filesystem::temp_directory_path() /
          ("onshi-clinical-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    store = store::OpenStore((dir / "b.db").string(), (dir / "b.keys").string());
    populate::PopulationOptions opt;
    opt.members = 100000;
    opt.batch = 50000;
    populate::Populate(*store, opt);
    for (int64_t i = 0; i < 2000; ++i) {
      const int64_t id = 1 + (i * 7919 * 104729) % opt.members;
      auto q = store->GetQualification(id);
      check_bodies.push_back(
          R"({"XmlMsg":{"MessageHeader":{"QualificationConfirmationDate":"20250602","MedicalInstitutionCode":"1310000011"},"MessageBody":{"QualificationConfirmSearchInfo":{"InsurerNumber":")" +
          q->insurer_number + R"(","InsuredIdentificationNumber":")" + q->number +
          R"(","InsuredBranchNumber":")" + q->branch + R"(","Birthdate":")" +
          q->birth_date.ToCompact() + R"(","LimitApplicationCertificateRelatedConsFlg":"1"}}}})");
    }
    // The patient: the first member from 4242 on whom a YZK request can
    // name (insured today, keys without the blanks a request trims).
    std::optional<Qualification> patient;
    for (int64_t id = 4242; !patient; ++id) {
      auto q = store->GetQualification(id);
      if (!q || !q->VisibleOn(kToday) || q->insurer_number.find(' ') != std::string::npos ||
          q->symbol.find(' ') != std::string::npos ||
          store->FindMemberId(q->insurer_number, q->symbol, q->number, q->branch) != id)
        continue;
      patient = std::move(q);
    }
    person = patient->person_id;
    submitter = store->GetQualification(1)->person_id;
    if (submitter == person) submitter = store->GetQualification(2)->person_id;
    for (const char* category : {"2", "1"}) {
      (category[0] == '2' ? yzk_xml : yzk_pdf) =
          std::string(R"(<?xml version="1.0" encoding="UTF-8" standalone="no"?>)") +
          "<XmlMsg><MessageHeader><MedicalInstitutionCode>" + kClinic +
          "</MedicalInstitutionCode><InsurerNumber>" + patient->insurer_number +
          "</InsurerNumber><InsuranceCardSymbol>" + patient->symbol +
          "</InsuranceCardSymbol><InsuredPersonIdentificationNumber>" + patient->number +
          "</InsuredPersonIdentificationNumber><BranchNumber>" + patient->branch +
          "</BranchNumber><ArbitraryFileIdentifier>bench</ArbitraryFileIdentifier>"
          "</MessageHeader><MessageBody><StartDate>202206</StartDate><EndDate>202506</EndDate>"
          "<FileCategory>" +
          category +
          "</FileCategory><PrDiInfClassification>1</PrDiInfClassification>"
          "<MedicalTreatmentFlag>1</MedicalTreatmentFlag></MessageBody></XmlMsg>";
    }
    store->PutFacility({kClinic, "ベンチ診療所", "医科"});
    store->PutFacility({kPharmacy, "ベンチ薬局", "薬局"});
    // Twenty ingredients, two products each; a few interactions.
    std::vector<store::DrugMasterRow> rows;
    for (int k = 0; k < 20; ++k) {
      for (int p = 1; p <= 2; ++p) {
        char code[16];
        std::snprintf(code, sizeof code, "999%04dF10%02d", k, p);
        rows.push_back({code, "ベンチ薬", "錠"});
        drugs.push_back(code);
      }
    }
    store::ClinicalStore& c = store->Clinical();
    c.ReplaceDrugMaster(rows);
    c.ReplaceInteractions({{"9990000", "9990003", InteractionSeverity::kContraindicated, "禁忌"},
                           {"9990001", "9990007", InteractionSeverity::kCaution, "注意"}});
    // Three years of visits every two weeks, alternating clinic and pharmacy.
    for (int v = 0; v < 78; ++v) {
      store::VisitRecord visit = Visit(kToday.AddDays(-14 * (78 - v)), v, person);
      c.AddVisit(visit);
    }
    c.AddConsent({0, person, kClinic, store::ConsentKind::kPharmacists, "1", "2025-06-02T00:00:00Z",
                  "2025-06-03T00:00:00Z"});
  }
  ~ClinicalDb() {
    store.reset();
    std::filesystem::remove_all(dir);
  }

  store::VisitRecord Visit(Date on, int n, int64_t who) {
    store::VisitRecord v;
    v.person_id = who;
    v.facility_code = n % 2 ? kPharmacy : kClinic;
    v.date = on;
    v.total_cost_yen = 8000;
    v.paid_yen = 2400;
    v.recorded_at = kNow;
    for (int m = 0; m < 3; ++m) {
      store::MedicineRecord r;
      r.kind = n % 2 ? store::MedicineKind::kDispensed : store::MedicineKind::kPrescribed;
      r.yj_code = drugs[static_cast<size_t>((n * 3 + m) % static_cast<int>(drugs.size()))];
      r.quantity = "1";
      r.unit = "錠";
      r.days = 14;
      r.start = on;
      v.medicines.push_back(r);
    }
    v.procedures.push_back({0, 0, 0, "", "199000110", on, 1});
    v.procedures.push_back({0, 0, 0, "", "199000210", on, 1});
    v.diagnoses.push_back({0, 0, 0, "", "9990001", on, false});
    return v;
  }
};

ClinicalDb& Db() {
  static ClinicalDb db;
  return db;
}

// The reference: the eligibility check's mean time in µs, over 2000 checks.
double CheckMicros(ClinicalDb& db) {
  const oqs::Timestamp ts{kToday, 9, 30, 0};
  const auto start = Clock::now();
  for (const std::string& body : db.check_bodies) {
    const oqs::ParsedRequest parsed = oqs::ParseRequestJson(body);
    const auto valid = oqs::ValidateRequest(parsed.request);
    auto records = store::LoadForCardQuery(*db.store, valid->query);
    auto decision = DecideByInsuranceCard(valid->query, records, valid->confirmation_date, kToday);
    benchmark::DoNotOptimize(oqs::WriteQualificationResponse(parsed.request, *valid, decision, ts,
                                                             oqs::AnswerEncoding(parsed.request)));
  }
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count() /
         static_cast<double>(db.check_bodies.size());
}

void Report(benchmark::State& state, double check_us, std::vector<double>& samples_us) {
  std::sort(samples_us.begin(), samples_us.end());
  double sum = 0;
  for (double s : samples_us)
    sum += s;
  const double mean = samples_us.empty() ? 0 : sum / static_cast<double>(samples_us.size());
  state.counters["check_us"] = check_us;
  state.counters["mean_us"] = mean;
  if (!samples_us.empty()) {
    state.counters["p50_us"] = samples_us[samples_us.size() / 2];
    state.counters["p99_us"] = samples_us[samples_us.size() * 99 / 100];
  }
  state.counters["ratio_to_check"] = check_us > 0 ? mean / check_us : 0;
}

void BM_Reference_EligibilityCheck(benchmark::State& state) {
  ClinicalDb& db = Db();
  const oqs::Timestamp ts{kToday, 9, 30, 0};
  size_t i = 0;
  for (auto _ : state) {
    const oqs::ParsedRequest parsed = oqs::ParseRequestJson(db.check_bodies[i++ % 2000]);
    const auto valid = oqs::ValidateRequest(parsed.request);
    auto records = store::LoadForCardQuery(*db.store, valid->query);
    auto decision = DecideByInsuranceCard(valid->query, records, valid->confirmation_date, kToday);
    benchmark::DoNotOptimize(oqs::WriteQualificationResponse(parsed.request, *valid, decision, ts,
                                                             oqs::AnswerEncoding(parsed.request)));
  }
}
BENCHMARK(BM_Reference_EligibilityCheck);

// Consent in force → 3 years of courses → FHIR Bundle with the drug names.
void BM_MedicineHistoryRead(benchmark::State& state) {
  ClinicalDb& db = Db();
  const double check_us = CheckMicros(db);
  store::ClinicalStore& c = db.store->Clinical();
  std::vector<double> samples;
  size_t courses = 0;
  for (auto _ : state) {
    const auto t0 = Clock::now();
    auto consent = c.ConsentInForce(db.person, kClinic, store::ConsentKind::kPharmacists, kNow);
    if (!consent) state.SkipWithError("no consent");
    auto meds = c.MedicinesOfPerson(db.person, kToday.AddYears(-3));
    fhir::ClinicalBundleContext ctx{"b", kNow, "06139992::1:00", "pharmacists", kToday, {}};
    for (const auto& m : meds) {
      if (!ctx.names.count(m.yj_code)) {
        if (auto d = c.GetDrug(m.yj_code)) ctx.names[m.yj_code] = d->name;
      }
    }
    benchmark::DoNotOptimize(fhir::RenderMedicationBundle(meds, ctx));
    courses = meds.size();
    samples.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
  }
  Report(state, check_us, samples);
  state.counters["courses"] = static_cast<double>(courses);
}
BENCHMARK(BM_MedicineHistoryRead)->Unit(benchmark::kMicrosecond);

// The same read without the rendering: consent and the store's rows only.
void BM_MedicineHistoryStoreRead(benchmark::State& state) {
  ClinicalDb& db = Db();
  const double check_us = CheckMicros(db);
  store::ClinicalStore& c = db.store->Clinical();
  std::vector<double> samples;
  for (auto _ : state) {
    const auto t0 = Clock::now();
    auto consent = c.ConsentInForce(db.person, kClinic, store::ConsentKind::kPharmacists, kNow);
    benchmark::DoNotOptimize(consent);
    benchmark::DoNotOptimize(c.MedicinesOfPerson(db.person, kToday.AddYears(-3)));
    samples.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
  }
  Report(state, check_us, samples);
}
BENCHMARK(BM_MedicineHistoryStoreRead)->Unit(benchmark::kMicrosecond);

// A new prescription of three medicines (two of them the same ingredients
// as the last visit's, overlapping) against the history and the table.
void BM_DuplicateCheck(benchmark::State& state) {
  ClinicalDb& db = Db();
  const double check_us = CheckMicros(db);
  store::ClinicalStore& c = db.store->Clinical();
  std::vector<double> samples;
  int64_t findings = 0;
  for (auto _ : state) {
    const auto t0 = Clock::now();
    const Date start = kToday.AddDays(-7);
    auto history = c.MedicinesOfPerson(db.person, start);
    std::vector<MedicineCourse> courses;
    for (const auto& m : history)
      courses.push_back(m.Course());
    const InteractionTable table = c.Interactions();
    findings = 0;
    for (int k = 0; k < 3; ++k) {
      const MedicineCourse p{0, "2710000015", db.drugs[static_cast<size_t>(30 + k * 2)], start, 14};
      findings += static_cast<int64_t>(FindDuplicates(p, courses).size());
      findings += static_cast<int64_t>(FindInteractions(p, courses, table).size());
    }
    benchmark::DoNotOptimize(findings);
    samples.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
  }
  Report(state, check_us, samples);
  state.counters["findings"] = static_cast<double>(findings);
}
BENCHMARK(BM_DuplicateCheck)->Unit(benchmark::kMicrosecond);

// One visit per transaction, as the API stores them.
void BM_VisitSubmission(benchmark::State& state) {
  ClinicalDb& db = Db();
  const double check_us = CheckMicros(db);
  std::vector<double> samples;
  int n = 0;
  for (auto _ : state) {
    store::VisitRecord v = db.Visit(kToday, n++, db.submitter);
    const auto t0 = Clock::now();
    db.store->Clinical().AddVisit(v);
    samples.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
  }
  Report(state, check_us, samples);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_VisitSubmission)->Unit(benchmark::kMicrosecond);

// The terminal's YZK file for 3 years, answered as the service answers it:
// XML (FileCategory 2) or the PDF (FileCategory 1). Each read is audited, as
// in the server (a writer on its own connection, committing in batches).
void DrugFile(benchmark::State& state, bool pdf) {
  ClinicalDb& db = Db();
  const double check_us = CheckMicros(db);
  service::AuditWriter audit(
      store::OpenStore((db.dir / "b.db").string(), (db.dir / "b.keys").string()));
  std::tm tm{};
  tm.tm_year = 2025 - 1900;
  tm.tm_mon = 5;
  tm.tm_mday = 2;
  tm.tm_hour = 1;
  const std::time_t now = timegm(&tm);  // kNow: the consent is in force
  std::vector<double> samples;
  size_t bytes = 0;
  for (auto _ : state) {
    const auto t0 = Clock::now();
    http::Response r =
        service::AnswerClinicalFile(service::ClinicalFileKind::kDrugs,
                                    pdf ? db.yzk_pdf : db.yzk_xml, kClinic, now, *db.store, audit);
    samples.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    if (r.content_type != (pdf ? "application/pdf" : "application/xml") ||
        r.body.find("ResultCode>2<") != std::string::npos) {
      const size_t at = r.body.find("<MessageContents>");
      state.SkipWithError(
          ("not answered: " + (at == std::string::npos ? r.content_type : r.body.substr(at, 300)))
              .c_str());
      break;
    }
    bytes = r.body.size();
  }
  Report(state, check_us, samples);
  state.counters["answer_kb"] = static_cast<double>(bytes) / 1024.0;
}
void BM_DrugFileXml(benchmark::State& state) {
  DrugFile(state, false);
}
BENCHMARK(BM_DrugFileXml)->Unit(benchmark::kMicrosecond);
void BM_DrugFilePdf(benchmark::State& state) {
  DrugFile(state, true);
}
BENCHMARK(BM_DrugFilePdf)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
