#include "intermediate/reception.hpp"

#include "core/benefits.hpp"
#include "core/birthdays.hpp"
#include "core/business_days.hpp"
#include "core/copay.hpp"
#include "core/legacy_card.hpp"
#include "core/portal_status.hpp"
#include "core/preschool.hpp"
#include "intermediate/documents.hpp"
#include "intermediate/form_digest.hpp"
#include "intermediate/reception_batch.hpp"
#include "store/registry_history.hpp"

namespace onshi::intermediate {
namespace {

store::SubmissionRecord RecordOf(const Submission& s, const ReceptionContext& ctx) {
  store::SubmissionRecord r;
  r.insurer_number = ctx.insurer.insurer_number;
  r.submission_id = s.submission_id;
  r.form = s.form;
  r.state = LinkageState::kSubmitted;
  r.received_on = ctx.received_on;
  // R-LINK-3: the lag counts business days. With no lag, a form received on
  // a weekend or holiday still waits for the next working day.
  r.due_on = LinkDueOn(ctx.received_on, ctx.insurer.link_lag_business_days);
  r.symbol = s.symbol;
  r.number = s.number;
  r.branch = s.branch;
  r.name = s.name;
  r.name_kana = s.name_kana;
  r.birth_date = s.birth_date;
  r.sex = s.sex;
  r.postcode = s.postcode;
  r.address = s.address;
  r.event_date = s.event_date;
  r.loss_reason = s.loss_reason;
  r.certificate_wanted = s.certificate_wanted;
  r.copay_percent = s.copay_percent;
  r.benefits = s.benefits;
  return r;
}

ReceiveOutcome Reject(std::string field, std::string reason) {
  ReceiveOutcome o;
  o.status = ReceiveStatus::kRejected;
  o.errors.push_back({0, std::move(field), std::move(reason)});
  return o;
}

// The benefits a form filed, checked against the member they are for (the
// member's age and insurer, R-FAC-9); nullopt when they fit.
std::optional<ReceiveOutcome> CheckBenefits(const Submission& s, const BenefitsMember& member) {
  std::vector<FieldError> errors = CheckBenefitsFor(s.benefits, s.copay_percent, member);
  if (errors.empty()) return std::nullopt;
  ReceiveOutcome o;
  o.status = ReceiveStatus::kRejected;
  o.errors = std::move(errors);
  return o;
}

// Checks a joining form against the members already stored; returns the
// 本人's current qualification for a dependent (for 被保険者氏名).
// `reuse` receives the id of a member under the same keys whose earlier
// form failed at link time: a corrected form takes its place.
std::optional<ReceiveOutcome> CheckJoining(store::Store& store, const Submission& s,
                                           const store::InsurerRecord& insurer,
                                           const std::vector<Qualification>* read_ahead,
                                           std::optional<Qualification>* insured, int64_t* reuse) {
  // Everyone under the 記号・番号, read once: the member under exactly these
  // keys, if any, is among them (記号・番号・枝番 are unique per insurer).
  std::vector<Qualification> fetched;
  const std::vector<Qualification>& same_number =
      read_ahead
          ? *read_ahead
          : (fetched = store.FindByInsuredNumber(insurer.insurer_number, s.symbol, s.number));
  for (const Qualification& q : same_number) {
    if (q.branch != s.branch) continue;
    if (q.linkage != LinkageState::kRegistrationError) {
      return Reject("branch", "記号・番号・枝番 " + s.symbol + "・" + s.number + "・" + s.branch +
                                  " are already used by another member (枝番 must be unique "
                                  "within 記号・番号)");
    }
    *reuse = q.member_id;
  }
  for (const Qualification& q : same_number) {
    if (q.personal_family != PersonalFamily::kInsured || q.member_id == *reuse) continue;
    if (q.linkage == LinkageState::kRegistrationError) continue;
    if (s.form == FormKind::kAcquisition) {
      // Any insured person not gone by the new one's first day holds the 番号.
      if (q.lost.has_value() && *q.lost <= s.event_date) continue;
      return Reject("number", "記号・番号 already belong to an insured person (本人, 枝番 " +
                                  q.branch + "); a new insured person needs a new 番号");
    }
    // A dependent is covered through an insured person covered that day.
    if (q.Covers(s.event_date)) *insured = q;
  }
  if (s.form == FormKind::kDependentAdd && !insured->has_value()) {
    return Reject("number",
                  "no insured person (本人) is registered under this 記号・番号 on the event date");
  }
  return std::nullopt;
}

// Checks a form about an existing member (loss, dependent removal, change).
std::optional<ReceiveOutcome> CheckExisting(store::Store& store, const Submission& s,
                                            const store::InsurerRecord& insurer,
                                            const std::optional<Qualification>* read_ahead,
                                            std::optional<Qualification>* member) {
  if (read_ahead) {
    *member = *read_ahead;
  } else if (const auto id =
                 store.FindMemberId(insurer.insurer_number, s.symbol, s.number, s.branch)) {
    *member = store.GetQualification(*id);
  }
  if (!*member) return Reject("branch", "no member under these 記号・番号・枝番");
  const Qualification& q = **member;
  if (s.form == FormKind::kLoss && q.personal_family != PersonalFamily::kInsured) {
    return Reject("form",
                  "枝番 " + q.branch +
                      " is a dependent (家族): use 被扶養者異動届（非該当）, not 資格喪失届");
  }
  if (s.form == FormKind::kDependentRemove && q.personal_family != PersonalFamily::kDependent) {
    return Reject("form", "枝番 " + q.branch + " is the insured person (本人): use 資格喪失届");
  }
  if (s.event_date < q.acquired) {
    return Reject("event_date", "年月日 is before the member's 資格取得日 " + q.acquired.ToIso());
  }
  if (q.lost.has_value()) {
    return Reject("form", "the member already lost the qualification on " + q.lost->ToIso());
  }
  return std::nullopt;
}

// The id was checked as unused at the start of Receive, in the same
// transaction; a refusal now means the store changed under us.
void AddOrThrow(store::Store& store, store::SubmissionRecord& rec) {
  if (!store.AddSubmission(rec)) {
    throw store::StoreError("submission " + rec.submission_id + " appeared during its reception");
  }
}

store::AuditEntry AuditOf(const ReceptionContext& ctx, const store::SubmissionRecord& r,
                          std::string_view what) {
  return SubmissionAudit(ctx.at, ctx.actor, "submission.received", r, what);
}

}  // namespace

store::AuditEntry SubmissionAudit(std::string at, std::string actor, std::string_view action,
                                  const store::SubmissionRecord& r, std::string_view result) {
  store::AuditEntry e;
  e.at = std::move(at);
  e.actor = std::move(actor);
  e.action = std::string(action);
  e.person_id = r.person_id;
  e.detail = "insurer=" + r.insurer_number + " submission=" + r.submission_id +
             " form=" + std::string(FormKindCode(r.form));
  if (!result.empty()) e.detail += " result=" + std::string(result);
  return e;
}

std::vector<RegistryField> CompareFormWithRegistry(const store::PersonRecord& registry,
                                                   const Submission& form) {
  // A form without an address (a loss) is not compared on it: the registry's
  // own address stands in for the missing one.
  BasicFour reg{registry.name, registry.name_kana, registry.birth_date, registry.sex,
                registry.address};
  BasicFour filed{form.name, form.name_kana, form.birth_date, form.sex,
                  form.address.empty() ? registry.address : form.address};
  return CompareWithRegistry(reg, filed);
}

std::vector<RegistryField> CompareFormWithRegistryThen(store::Store& store,
                                                       const store::PersonRecord& registry,
                                                       const Submission& form) {
  std::vector<RegistryField> differing = CompareFormWithRegistry(registry, form);
  if (differing.empty()) return differing;
  // The registry may have changed since the form's date (a 転居 or 氏名変更
  // recorded after it): what it said on that date counts too. Asked only on
  // a mismatch, so an import's common case reads nothing more.
  const std::vector<store::RegistryEventRecord> events = store.RegistryEventsOf(registry.person_id);
  if (!events.empty()) {
    std::vector<RegistryField> then =
        CompareFormWithRegistry(store::PersonOn(registry, events, form.event_date), form);
    if (then.size() < differing.size()) differing = std::move(then);
  }
  return differing;
}

namespace {
ReceiveOutcome ReceiveChecked(store::Store& store, const Submission& s, const ReceptionContext& ctx,
                              ReceptionBatch* batch, ReadAhead& ahead, int& flushed_documents,
                              const std::string& digest);

// The store's rows read ahead no longer hold once anything is written.
void ForgetRowsReadAhead(ReadAhead& ahead) {
  ahead.existing = nullptr;
  ahead.same_number = nullptr;
  ahead.member = nullptr;
  ahead.of_person = nullptr;
}
}  // namespace

ReceiveOutcome Receive(store::Store& store, const Submission& s, const ReceptionContext& ctx,
                       ReceptionBatch* batch, const ReadAhead* read_ahead) {
  ReadAhead ahead = read_ahead ? *read_ahead : ReadAhead{};
  // A leaf computed ahead is only as good as the digest it was computed
  // with, and a comparison and the person's memberships only as the
  // registry's answer they were read for.
  if (!ahead.digest) ahead.leaf = nullptr;
  if (!ahead.registry) {
    ahead.compared = nullptr;
    ahead.of_person = nullptr;
  }
  // Forms the batch holds that this one must see: stored first, so that
  // every check below reads what it would have had each form been written
  // at once.
  int flushed_documents = 0;
  if (batch && (batch->HoldsSubmission(s.submission_id) || batch->Touches(s.symbol, s.number))) {
    flushed_documents += batch->Materialise(store, ctx);
    ForgetRowsReadAhead(ahead);  // read before what was just stored
  }
  ReceiveOutcome out =
      ReceiveChecked(store, s, ctx, batch, ahead, flushed_documents,
                     ahead.digest ? *ahead.digest : store.KeyedDigest(CanonicalFormText(s)));
  out.documents_issued += flushed_documents;
  return out;
}

namespace {

// Stores `rec` now, with its audit row, or holds it in the batch.
void Keep(store::Store& store, const ReceptionContext& ctx, ReceptionBatch* batch,
          store::SubmissionRecord& rec, std::string_view what, const auth::MerkleHash* leaf) {
  if (batch) {
    batch->Add(std::move(rec), std::nullopt, std::nullopt, leaf);
    return;
  }
  AddOrThrow(store, rec);
  store.AppendAudit(AuditOf(ctx, rec, what));
}

ReceiveOutcome ReceiveChecked(store::Store& store, const Submission& s, const ReceptionContext& ctx,
                              ReceptionBatch* batch, ReadAhead& ahead, int& flushed_documents,
                              const std::string& digest) {
  const store::InsurerRecord& insurer = ctx.insurer;
  const auth::MerkleHash* leaf = ahead.leaf;
  if (auto existing = ahead.existing
                          ? *ahead.existing
                          : store.GetSubmission(insurer.insurer_number, s.submission_id)) {
    ReceiveOutcome o;
    o.seq = existing->seq;
    std::vector<std::string> differing = DifferingFields(*existing, s);
    // Forms stored before digests were kept are compared on their stored
    // fields (everything but the My Number, which is not kept).
    const bool same =
        existing->content_digest.empty() ? differing.empty() : existing->content_digest == digest;
    if (same) {
      o.status = ReceiveStatus::kAlreadyReceived;
      return o;
    }
    if (differing.empty()) differing.emplace_back("my_number");
    std::string fields;
    for (const std::string& f : differing)
      fields += (fields.empty() ? "" : ", ") + f;
    o.status = ReceiveStatus::kConflict;
    o.errors.push_back(
        {0, "submission_id",
         "受付番号 " + s.submission_id + " は " + existing->received_on.ToIso() +
             " に別の内容で受付済みです（異なる項目: " + fields +
             "）。この行は受け付けていません。訂正や別の届出には新しい受付番号を付けてください"});
    return o;
  }

  std::optional<Qualification> related;  // the 本人 (joining dependents) or the member
  int64_t reuse = 0;
  if (auto refused = Joins(s.form)
                         ? CheckJoining(store, s, insurer, ahead.same_number, &related, &reuse)
                         : CheckExisting(store, s, insurer, ahead.member, &related)) {
    return *refused;
  }
  if (auto refused =
          Joins(s.form) ? CheckBenefits(s, {insurer.insurer_number, s.birth_date, s.event_date, {}})
                        : CheckBenefits(s, {insurer.insurer_number, related->birth_date,
                                            related->acquired, related->lost})) {
    return *refused;
  }

  store::SubmissionRecord rec = RecordOf(s, ctx);
  rec.content_digest = digest;
  ReceiveOutcome out;

  if (s.form == FormKind::kBenefits) {
    // Named by 記号・番号・枝番 and 生年月日 only: no identity data to check
    // against the registry, and nothing about the person changes. The
    // birth date must be the member's, or the keys are someone else's.
    if (related->birth_date != s.birth_date) {
      return Reject("birth_date", "生年月日 is not the member's under these 記号・番号・枝番");
    }
    rec.person_id = related->person_id;
    rec.member_id = related->member_id;
    Keep(store, ctx, batch, rec, "queued", leaf);
    out.status = ReceiveStatus::kQueued;
    out.seq = rec.seq;
    return out;
  }

  // The J-LIS check (R-LINK-4).
  RegistryAnswer asked;
  const RegistryAnswer& person =
      ahead.registry ? *ahead.registry : (asked = store.FindPersonByMyNumber(s.my_number));
  if (!person) {
    out.errors.push_back({0, "my_number", "個人番号 is not in the resident registry"});
  } else {
    if (batch && batch->HoldsPerson(person->person_id)) {
      flushed_documents += batch->Materialise(store, ctx);
      ForgetRowsReadAhead(ahead);
    }
    bool identity_differs = false;
    const std::vector<RegistryField> differing =
        ahead.compared ? *ahead.compared : CompareFormWithRegistryThen(store, *person, s);
    for (RegistryField f : differing) {
      out.errors.push_back({0, std::string(RegistryFieldName(f)),
                            "does not match the resident registry for this 個人番号"});
      identity_differs = identity_differs || f == RegistryField::kName ||
                         f == RegistryField::kBirthDate || f == RegistryField::kSex;
    }
    // The form is filed under the person its number names only when name,
    // birth date and sex agree (a stale address or reading is the person's
    // own error to see on the portal). Otherwise the number may be somebody
    // else's, and the form, which carries another person's data, must not
    // appear in that person's records or audit trail.
    if (!identity_differs) rec.person_id = person->person_id;
    // Nobody joins, or changes name or address, after their death (a loss
    // is dated the day after it).
    if (person->died_on && s.event_date > *person->died_on && !IsLeaving(s.form)) {
      out.errors.push_back(
          {0, "event_date", "the resident registry records this person as deceased before 年月日"});
    }
    if (out.errors.empty() && !Joins(s.form) && related->person_id != person->person_id) {
      // The number names a real resident whose data matches the form, but not
      // the member the form is about: never apply it to that member.
      out.errors.push_back(
          {0, "my_number", "個人番号 belongs to a different person than this 記号・番号・枝番"});
    }
    if (out.errors.empty() && Joins(s.form)) {
      std::vector<Qualification> fetched;
      const std::vector<Qualification>& memberships =
          ahead.of_person ? *ahead.of_person
                          : (fetched = store.QualificationsOfPerson(person->person_id));
      for (const Qualification& q : memberships) {
        if (q.insurer_number == insurer.insurer_number && q.Covers(s.event_date) &&
            q.linkage != LinkageState::kRegistrationError) {
          return Reject("my_number",
                        "this person is already a member of the insurer (記号・番号・枝番 " +
                            q.symbol + "・" + q.number + "・" + q.branch + ")");
        }
      }
    }
  }

  if (!out.errors.empty()) {
    out.status = ReceiveStatus::kRegistrationError;
    rec.state = LinkageState::kRegistrationError;
    std::string fields, reasons;
    for (const FieldError& e : out.errors) {
      fields += (fields.empty() ? "" : ",") + e.field;
      reasons += (reasons.empty() ? "" : "; ") + e.field + ": " + e.reason;
    }
    rec.error_fields = fields;
    rec.error = reasons;
    Keep(store, ctx, batch, rec, "registration_error", leaf);
    out.seq = rec.seq;
    return out;
  }

  if (Joins(s.form)) {
    Qualification q;
    q.person_id = person->person_id;
    q.insurer_number = insurer.insurer_number;
    q.insurer_name = insurer.name;
    q.symbol = s.symbol;
    q.number = s.number;
    q.branch = s.branch;
    q.personal_family = s.personal_family();
    q.birth_date = s.birth_date;
    q.sex = s.sex;
    q.acquired = s.event_date;
    // The ratio counts as filed only when the form gave one; otherwise the
    // law decides day by day (core/copay.hpp: a child turns 3割 after the
    // school-age March, a 69-year-old 2割 at 70). The stored value is then
    // the law's on the first day, for readers of the bare column.
    q.copay_percent = StatutoryCopayPercent(s.birth_date, s.event_date,
                                            IsLateStageElderlyInsurer(insurer.insurer_number));
    const std::string insured_name =
        related ? related->AttributesOn(s.event_date).name : s.name;  // 被保険者氏名
    q.attributes.push_back(
        {s.event_date, s.name, s.name_kana, insured_name, s.postcode, s.address});
    ApplyBenefits(q, s.benefits, s.copay_percent, s.event_date);
    q.linkage = LinkageState::kSubmitted;  // R-LINK-2: invisible until linked
    q.submitted_on = ctx.received_on;
    // The tick is the member's request for a 資格確認書, standing from the
    // acquisition (R-DOC-5); kept for the daily job and the print run.
    std::optional<Date> requested;
    if (s.certificate_wanted) requested = q.acquired;
    if (batch && reuse == 0) {
      // Member, attributes, application and documents are written with the
      // batch (reception_batch.hpp), in this order.
      batch->Add(std::move(rec), std::move(q), requested, leaf);
      out.status = ReceiveStatus::kQueued;
      return out;
    }
    if (reuse != 0) {
      q.member_id = reuse;
      store.UpdateQualification(q);
    } else {
      q.member_id = store.AddQualification(q);
    }
    rec.member_id = q.member_id;
    if (s.certificate_wanted) {
      store.AddDocumentApplication(
          {0, q.member_id, store::ApplicationKind::kCertificate, q.acquired, std::nullopt, ""});
    }
    // A form filed late for a member who joined before 2024-12-02: that
    // member holds an old card (R-OLD-1), which then decides what is due,
    // so the documents just written are read back.
    MemberAge age = reuse != 0 ? MemberAge::kExisting : MemberAge::kJustStored;
    if (MayIssueLegacyCard(q.acquired)) {
      RecordLegacyCardIfHeld(store, q, age);
      age = MemberAge::kExisting;
    }
    // R-DOC-1 (notice) and R-DOC-5 (a ticked 資格確認書) are due on receipt.
    out.documents_issued = IssueDueDocuments(store, q, insurer, ctx.received_on, age, requested);
  } else {
    rec.member_id = related->member_id;
  }
  Keep(store, ctx, batch, rec, "queued", leaf);
  out.status = ReceiveStatus::kQueued;
  out.seq = rec.seq;
  return out;
}

}  // namespace

}  // namespace onshi::intermediate
