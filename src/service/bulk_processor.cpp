#include "service/bulk_processor.hpp"

#include "service/jst_timestamp.hpp"

#include <algorithm>
#include <chrono>
#include <iostream>

#include "core/eligibility.hpp"
#include "oqs/bulk.hpp"
#include "service/audit_text.hpp"

namespace onshi::service {
namespace {

void Audit(AuditWriter& audit, std::time_t now, const std::string& facility, const char* action,
           int64_t person, std::string detail) {
  audit.Append(
      {0, UtcIsoTime(now), "facility:" + facility, action, person, std::move(detail), "", ""});
}

}  // namespace

std::optional<oqs::OqsError> RegisterReferenceNumberItem(store::Store& store,
                                                         const std::string& facility,
                                                         const oqs::BulkItem& item, std::time_t now,
                                                         AuditWriter& audit,
                                                         const std::string& context) {
  auto v = oqs::ValidateRegistration(item);
  std::optional<oqs::OqsError> error;
  if (!v.ok()) {
    error = v.error();
  } else {
    // The keys name a person (記号・番号 and 枝番; without 枝番 only when one
    // person holds the number).
    std::vector<int64_t> persons;
    for (const Qualification& q :
         store.FindByInsuredNumber(v->keys.insurer_number, v->keys.symbol, v->keys.number)) {
      if (!v->keys.branch.empty() && q.branch != v->keys.branch) continue;
      if (std::find(persons.begin(), persons.end(), q.person_id) == persons.end()) {
        persons.push_back(q.person_id);
      }
    }
    if (persons.size() == 1) {
      store.PutReferenceNumber({facility, v->reference_number, v->keys.insurer_number,
                                v->keys.symbol, v->keys.number, v->keys.branch, persons.front(),
                                UtcIsoTime(now)});
      Audit(audit, now, facility, "reference_number.register", persons.front(),
            context + " " + MaskedKeys(v->keys));
      return std::nullopt;
    }
    error = oqs::MakeOqsError(oqs::ErrorCode::kReferenceNumberInvalid,
                              std::string("MessageBody/") + oqs::kRegistrationGroup,
                              persons.empty() ? "no qualification has these keys (該当資格なし)"
                                              : "the keys name more than one person: give 枝番");
  }
  Audit(audit, now, facility, "reference_number.register", 0,
        context + " error=" + std::string(error->Id()));
  return error;
}

store::BulkJobRecord ProcessBulkJob(store::Store& store, store::BulkJobRecord job, std::time_t now,
                                    AuditWriter& audit) {
  const bool checks = job.kind == store::BulkKind::kQualification;
  const oqs::ParsedBulk parsed =
      oqs::ParseBulkXml(job.request, checks ? oqs::kSearchInfoGroup : oqs::kRegistrationGroup);
  std::vector<oqs::BulkUnit> units(parsed.items.size());
  // Kept alive for the units, which point at them.
  std::vector<std::optional<oqs::ValidatedRequest>> validated(parsed.items.size());
  std::vector<EligibilityDecision> decisions(parsed.items.size());
  std::vector<std::vector<Qualification>> records(parsed.items.size());
  const std::string& facility = job.facility_code;
  for (size_t i = 0; i < parsed.items.size(); ++i) {
    const oqs::BulkItem& item = parsed.items[i];
    oqs::BulkUnit& u = units[i];
    u.item = &item;
    if (checks) {
      if (item.error) {
        u.error = item.error;
      } else if (auto v = oqs::ValidateRequest(item.request); !v.ok()) {
        u.error = v.error();
      } else if (std::string(v->institution.digits()) != facility) {
        u.error = oqs::MakeOqsError(oqs::ErrorCode::kFacilityMismatch,
                                    "MessageHeader/MedicalInstitutionCode",
                                    "the batch was submitted by another facility");
      } else {
        validated[i] = *v;
        records[i] = store::LoadForCardQuery(store, v->query);
        decisions[i] =
            DecideByInsuranceCard(v->query, records[i], v->confirmation_date, JstDate(now));
        u.validated = &*validated[i];
        u.decision = &decisions[i];
        for (const Qualification* q : decisions[i].results) {
          const auto ref = store.ReferenceNumberOfPerson(facility, q->person_id);
          u.reference_numbers.push_back(ref ? ref->reference_number : "");
        }
        const EligibilityDecision& d = decisions[i];
        Audit(audit, now, facility, "eligibility.bulk",
              d.results.empty() ? 0 : d.results.front()->person_id,
              "reception=" + job.reception_number +
                  " validity=" + std::to_string(static_cast<int>(d.validity)) +
                  " reason=" + std::string(EligibilityReasonCode(d.reason)) +
                  " date=" + v->confirmation_date.ToCompact() + " " + MaskedKeys(v->query));
        continue;
      }
      Audit(audit, now, facility, "eligibility.bulk", 0,
            "reception=" + job.reception_number + " error=" + std::string(u.error->Id()));
      continue;
    }
    // 照会番号 registration.
    u.error = RegisterReferenceNumberItem(store, facility, item, now, audit,
                                          "reception=" + job.reception_number);
    if (!u.error) u.registered = *item.reference_number;
  }
  const oqs::RenderedUnits rendered = checks
                                          ? oqs::RenderQualificationUnits(units, JstTimestamp(now))
                                          : oqs::RenderRegistrationUnits(units);
  job.result = rendered.xml;
  job.normal = rendered.normal;
  job.errors = rendered.errors;
  job.completed_at = UtcIsoTime(now);
  job.done = true;
  return job;
}

BulkProcessor::BulkProcessor(std::function<std::unique_ptr<store::Store>()> open,
                             const Clock& clock, AuditWriter& audit, int hold_seconds)
    : open_(std::move(open)), clock_(clock), audit_(audit), hold_(hold_seconds) {}

BulkProcessor::~BulkProcessor() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void BulkProcessor::Start() {
  thread_ = std::thread([this] { Run(); });
}

void BulkProcessor::Notify() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    nudged_ = true;
  }
  cv_.notify_all();
}

int BulkProcessor::RunPending(bool* held) {
  int done = 0;
  if (held) *held = false;
  if (!store_) store_ = open_();
  const auto now = std::chrono::steady_clock::now();
  std::map<std::string, std::chrono::steady_clock::time_point> seen;
  for (const store::BulkJobRecord& job : store_->PendingBulkJobs(100)) {
    const auto it = first_seen_.find(job.reception_number);
    const auto first = it == first_seen_.end() ? now : it->second;
    if (now - first < hold_) {
      seen[job.reception_number] = first;
      if (held) *held = true;
      continue;
    }
    store::BulkJobRecord finished;
    store_->InTransaction([&] {
      finished = ProcessBulkJob(*store_, job, clock_.Now(), audit_);
      store_->CompleteBulkJob(finished);
    });
    ++done;
  }
  first_seen_ = std::move(seen);  // forget the batches no longer pending
  return done;
}

void BulkProcessor::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    nudged_ = false;
    lock.unlock();
    bool held = false;
    int done = 0;
    try {
      done = RunPending(&held);
    } catch (const std::exception& e) {
      store_.reset();  // reconnect next round
      std::cerr << "onshi: bulk round failed (will retry): " << e.what() << std::endl;
    }
    lock.lock();
    // A submission nudges; otherwise look again every few seconds (a batch
    // another server accepted, or one whose round failed).
    if (done > 0) continue;  // there may be more than one round's worth
    cv_.wait_for(lock, std::chrono::seconds(held ? 1 : 5), [this] { return stop_ || nudged_; });
  }
}

}  // namespace onshi::service
