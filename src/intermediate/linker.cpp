#include "intermediate/linker.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>

#include "core/benefits.hpp"
#include "intermediate/document_sweep.hpp"
#include "intermediate/documents.hpp"
#include "intermediate/reception.hpp"

namespace onshi::intermediate {
namespace {

// A form that cannot be applied for a reason of its own (its member lost
// meanwhile, say): it becomes a registration error. Anything else that goes
// wrong while applying (a busy or full database) is a StoreError, which ends
// the round and leaves the form waiting for the next one.
class LinkRefusal : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

bool Waiting(const std::optional<LinkageState>& now) {
  return now && (*now == LinkageState::kSubmitted || *now == LinkageState::kProcessing);
}

// True when `r` still waits for linkage in the store. Read inside the write
// transaction that acts on it: another linker (the server's thread and an
// `onshi link` run, say) may have claimed or applied it since it was listed.
// Only the state is read: nothing else of a waiting form changes.
bool StillWaiting(store::Store& store, store::SubmissionRecord& r) {
  const std::optional<LinkageState> now = store.SubmissionState(r.seq);
  if (!Waiting(now)) return false;
  r.state = *now;
  return true;
}

// The forms of `forms` still waiting, their states as stored now (one read).
std::vector<store::SubmissionRecord*> StillWaiting(
    store::Store& store, const std::vector<store::SubmissionRecord*>& forms) {
  std::vector<int64_t> seqs;
  seqs.reserve(forms.size());
  for (const store::SubmissionRecord* r : forms)
    seqs.push_back(r->seq);
  const std::vector<std::optional<LinkageState>> now = store.SubmissionStates(seqs);
  std::vector<store::SubmissionRecord*> out;
  for (size_t i = 0; i < forms.size(); ++i) {
    if (!Waiting(now[i])) continue;
    forms[i]->state = *now[i];
    out.push_back(forms[i]);
  }
  return out;
}

store::AuditEntry LinkedAudit(const store::SubmissionRecord& r, const LinkOptions& o) {
  return SubmissionAudit(o.at, o.actor, "submission.linked", r);
}

// Ends `q` on `lost` (the first day without cover) unless it already ends
// earlier.
bool EndOn(Qualification& q, Date lost, LossReason reason) {
  if (q.lost.has_value() && *q.lost <= lost) return false;
  q.lost = lost;
  q.loss_reason = reason;
  return true;
}

// Puts `attrs` in force from its effective_from, replacing a change filed
// for the same day.
void SetAttributes(Qualification& q, const MemberAttributes& attrs) {
  std::erase_if(q.attributes, [&](const MemberAttributes& a) {
    return a.effective_from == attrs.effective_from;
  });
  q.attributes.push_back(attrs);
  std::sort(q.attributes.begin(), q.attributes.end(),
            [](const MemberAttributes& a, const MemberAttributes& b) {
              return a.effective_from < b.effective_from;
            });
}

void ApplyLoss(store::Store& store, const store::SubmissionRecord& r, Qualification& q) {
  if (q.lost.has_value()) {
    throw LinkRefusal("the member already lost the qualification on " + q.lost->ToIso());
  }
  EndOn(q, r.event_date, r.loss_reason.value_or(LossReason::kOther));
  store.UpdateQualification(q);
  if (q.personal_family != PersonalFamily::kInsured) return;
  // A dependent is covered through the insured person and leaves with them.
  // Their own reason is "その他": the insured person's (death, a new job)
  // is not theirs.
  for (Qualification& d : store.FindByInsuredNumber(q.insurer_number, q.symbol, q.number)) {
    if (d.member_id == q.member_id || d.personal_family != PersonalFamily::kDependent) continue;
    // One who joined on or after the insured person's last day was never
    // covered: the period ends where it began.
    const Date end = d.acquired >= r.event_date ? d.acquired : r.event_date;
    if (EndOn(d, end, LossReason::kOther)) store.UpdateQualification(d);
  }
}

void ApplyChange(store::Store& store, const store::SubmissionRecord& r, Qualification& q) {
  const MemberAttributes before = q.AttributesOn(r.event_date);
  MemberAttributes after = before;
  after.effective_from = r.event_date;
  after.name = r.name;
  if (!r.name_kana.empty()) after.name_kana = r.name_kana;
  if (!r.postcode.empty()) after.postcode = r.postcode;
  if (!r.address.empty()) after.address = r.address;
  const bool insured = q.personal_family == PersonalFamily::kInsured;
  if (insured) after.insured_name = r.name;
  SetAttributes(q, after);
  store.UpdateQualification(q);
  if (!insured || before.name == r.name) return;
  // 被保険者氏名 on each dependent's record follows the insured person's name.
  for (Qualification& d : store.FindByInsuredNumber(q.insurer_number, q.symbol, q.number)) {
    if (d.member_id == q.member_id || d.attributes.empty() || !d.Covers(r.event_date)) continue;
    MemberAttributes da = d.AttributesOn(r.event_date);
    da.effective_from = std::max(r.event_date, d.acquired);
    da.insured_name = r.name;
    SetAttributes(d, da);
    store.UpdateQualification(d);
  }
}

// A 給付情報届 (R-FAC-9): checked again against the member as it is now
// (it may have lost the qualification since receipt), then applied.
void ApplyBenefitsForm(store::Store& store, const store::SubmissionRecord& r, Qualification& q) {
  const std::vector<FieldError> errors = CheckBenefitsFor(
      r.benefits, r.copay_percent, {q.insurer_number, q.birth_date, q.acquired, q.lost});
  if (!errors.empty()) throw LinkRefusal(errors.front().field + ": " + errors.front().reason);
  ApplyBenefits(q, r.benefits, r.copay_percent, r.event_date);
  store.UpdateQualification(q);
}

// Applies one due submission (skipping it if another linker got there
// first); throws LinkRefusal when the form cannot be applied.
bool Apply(store::Store& store, store::SubmissionRecord& r, const LinkOptions& o) {
  if (!StillWaiting(store, r)) return false;
  constexpr const char* kGone = "the member of this submission no longer exists";
  std::optional<Qualification> q;
  if (Joins(r.form)) {
    // Linking a new member changes only its linkage: it need not be read.
    if (!store.HasQualification(r.member_id)) throw LinkRefusal(kGone);
  } else if (!(q = store.GetQualification(r.member_id))) {
    throw LinkRefusal(kGone);
  }
  switch (r.form) {
    case FormKind::kAcquisition:
    case FormKind::kDependentAdd:
      store.SetLinkage(r.member_id, LinkageState::kLinked, o.today, "");
      break;
    case FormKind::kLoss:
    case FormKind::kDependentRemove:
      ApplyLoss(store, r, *q);
      break;
    case FormKind::kChange:
      ApplyChange(store, r, *q);
      break;
    case FormKind::kBenefits:
      ApplyBenefitsForm(store, r, *q);
      break;
  }
  r.state = LinkageState::kLinked;
  r.linked_on = o.today;
  store.UpdateSubmission(r);
  store.AppendAudit(LinkedAudit(r, o));
  return true;
}

// Links a run of consecutive new members' forms as Apply would one by one,
// with one statement per table for the run (Store::SetLinkages,
// SetSubmissionStates, AppendAudits: an audit row per form in order). Returns how
// many it linked; throws LinkRefusal when a member is gone (the caller
// then applies the batch form by form, and Apply names that form).
int64_t LinkJoiners(store::Store& store, std::vector<store::SubmissionRecord*>& run,
                    const LinkOptions& o) {
  if (run.empty()) return 0;
  const std::vector<store::SubmissionRecord*> waiting = StillWaiting(store, run);
  run.clear();
  if (waiting.empty()) return 0;
  std::vector<int64_t> seqs, members;
  for (const store::SubmissionRecord* r : waiting) {
    seqs.push_back(r->seq);
    members.push_back(r->member_id);
  }
  if (!store.MissingQualifications(members).empty()) {
    throw LinkRefusal("the member of this submission no longer exists");
  }
  store.SetLinkages(members, LinkageState::kLinked, o.today, "");
  store.SetSubmissionStates(seqs, LinkageState::kLinked, o.today);
  std::vector<store::AuditEntry> audit;
  audit.reserve(waiting.size());
  for (store::SubmissionRecord* r : waiting) {
    r->state = LinkageState::kLinked;
    r->linked_on = o.today;
    audit.push_back(LinkedAudit(*r, o));
  }
  store.AppendAudits(audit);
  return static_cast<int64_t>(waiting.size());
}

void Fail(store::Store& store, store::SubmissionRecord& r, const LinkOptions& o,
          const std::string& why) {
  if (!StillWaiting(store, r)) return;
  r.state = LinkageState::kRegistrationError;
  r.error = why;
  // Never linked, also when an attempt rolled back had set it in memory.
  r.linked_on.reset();
  store.UpdateSubmission(r);
  if (Joins(r.form)) {
    store.SetLinkage(r.member_id, LinkageState::kRegistrationError, std::nullopt, why);
  }
  store::AuditEntry e;
  e.at = o.at;
  e.actor = o.actor;
  e.action = "submission.failed";
  e.person_id = r.person_id;
  e.detail = "insurer=" + r.insurer_number + " submission=" + r.submission_id;
  store.AppendAudit(e);
}

}  // namespace

LinkReport RunLinker(store::Store& store, const LinkOptions& o) {
  LinkReport report;
  for (;;) {
    std::vector<store::SubmissionRecord> listed = store.DueSubmissions(o.today, o.batch_size);
    if (listed.empty()) break;
    // Claim: the queue shows these as being processed. Rows another linker
    // has finished since they were listed are dropped.
    // One read of their states and one write a table (the state and
    // linked_on of the forms, the linkage of their new members).
    std::vector<store::SubmissionRecord> batch;
    store.InTransaction([&] {
      batch.clear();
      std::vector<store::SubmissionRecord*> all;
      for (store::SubmissionRecord& r : listed)
        all.push_back(&r);
      std::vector<int64_t> claimed, joiners;
      for (store::SubmissionRecord* r : StillWaiting(store, all)) {
        if (r->state == LinkageState::kSubmitted) {
          r->state = LinkageState::kProcessing;
          claimed.push_back(r->seq);
          if (Joins(r->form)) joiners.push_back(r->member_id);
        }
        batch.push_back(*r);
      }
      store.SetSubmissionStates(claimed, LinkageState::kProcessing, std::nullopt);
      store.SetLinkages(joiners, LinkageState::kProcessing, std::nullopt, "");
    });
    if (batch.empty()) continue;
    // Apply the batch in one transaction; if a form is refused, redo the
    // batch one form per transaction so that only that one is set aside.
    // A StoreError propagates: the forms stay "processing" and the next
    // round takes them again.
    try {
      int64_t applied = 0;
      store.InTransaction([&] {
        applied = 0;
        // New members are linked a run at a time; any other form first
        // sees the runs before it linked, as one by one.
        std::vector<store::SubmissionRecord*> run;
        for (store::SubmissionRecord& r : batch) {
          if (Joins(r.form)) {
            run.push_back(&r);
            continue;
          }
          applied += LinkJoiners(store, run, o);
          applied += Apply(store, r, o) ? 1 : 0;
        }
        applied += LinkJoiners(store, run, o);
      });
      report.linked += applied;
    } catch (const LinkRefusal&) {
      for (store::SubmissionRecord& r : batch) {
        try {
          bool applied = false;
          store.InTransaction([&] { applied = Apply(store, r, o); });
          report.linked += applied ? 1 : 0;
        } catch (const LinkRefusal& e) {
          store.InTransaction([&] { Fail(store, r, o, e.what()); });
          ++report.failed;
        }
      }
    }
  }
  if (o.issue_follow_up_documents) {
    report.documents_issued = RecordAllDueDocuments(store, o.today);
    store.SetDailyJobDone(kDocumentSweepJob, o.today);
  }
  return report;
}

}  // namespace onshi::intermediate
