// Reception: the intermediate server (中間サーバー) takes one checked form from
// an insurer (R-LINK-1) and either queues it for linkage, records it as a
// registration error, or refuses it.
//
// The three outcomes differ in who must act:
//   - kRejected: the form itself is wrong (unknown 記号・番号・枝番, an 枝番
//     already taken, a loss for someone already gone). Nothing is stored; the
//     insurer fixes the line and sends it again.
//   - kRegistrationError: the form is well-formed but its My Number does not
//     name a resident whose basic four information (氏名・生年月日・性別・住所)
//     matches the form (R-LINK-4, the J-LIS check) — as the registry holds it
//     now, or as it held it on the form's date (a form dated before a 転居 or
//     氏名変更, store/registry_history.hpp) — or the registry records the
//     person's death before the form's date (a loss excepted). The submission is stored
//     for the error report and the portal, but no member record is created or
//     changed: linking it to the person the number names could attach
//     somebody's insurance to a stranger, the 2023 紐付け誤り failure.
//   - kQueued: stored with due_on = received + the insurer's lag in business
//     days (R-LINK-3). A new member is stored at once in state "submitted",
//     invisible to facilities until the linker links it (R-LINK-2), with the
//     benefits data its form filed (core/benefits.hpp); losses, changes and
//     給付情報届 wait in the queue and are applied by the linker.
// A 給付情報届 names its member by 記号・番号・枝番 and 生年月日 and carries no
// identity data, so it is not checked against the registry; its benefits
// are checked against the member (age, insurer: CheckBenefitsFor) and a
// misfit is kRejected with every problem named.
// A submission id the insurer already used is kAlreadyReceived when the form
// is the same (form_digest.hpp: every filed field, My Number included), so
// re-sending a file is harmless; with different content it is kConflict,
// refused on its line and nothing changes: a corrected or new form needs a
// new 受付番号.
//
// Receive must run inside a store transaction (the importer batches many);
// everything it writes for one form lands together or not at all.
#ifndef ONSHI_INTERMEDIATE_RECEPTION_HPP_
#define ONSHI_INTERMEDIATE_RECEPTION_HPP_

#include <optional>
#include <string>
#include <vector>

#include "auth/merkle.hpp"
#include "core/registry_match.hpp"
#include "core/submission.hpp"
#include "store/store.hpp"

namespace onshi::intermediate {

enum class ReceiveStatus { kQueued, kAlreadyReceived, kConflict, kRegistrationError, kRejected };

struct ReceiveOutcome {
  ReceiveStatus status = ReceiveStatus::kRejected;
  // kRejected and kConflict: why; kRegistrationError: the differing fields
  std::vector<FieldError> errors;
  int64_t seq = 0;  // the stored submission (also the earlier one on kConflict; 0 when rejected)
  int documents_issued = 0;
};

struct ReceptionContext {
  store::InsurerRecord insurer;
  Date received_on;
  std::string at;     // audit timestamp, ISO 8601 UTC
  std::string actor;  // audit actor, e.g. "insurer:06139992"
};

// What the resident registry holds for a form's My Number (nullopt: no such
// resident), when it was asked before reception: the importer looks the next
// batch up on another connection while this one is written. The registry is
// J-LIS's data, which reception never writes, so asking early changes no
// answer.
using RegistryAnswer = std::optional<store::PersonRecord>;

class ReceptionBatch;

// What the importer's read-ahead thread found for a form on a connection of
// its own, so that the writing thread mostly writes (importer.hpp). Every
// pointer may be null: reception then asks the store itself.
struct ReadAhead {
  // The registry's answer for form.my_number. The registry, its history
  // included, is J-LIS's data, which reception never writes, so asking
  // early changes no answer.
  const RegistryAnswer* registry = nullptr;
  // Store::KeyedDigest(CanonicalFormText(form)) (the same key file on both
  // connections), and with it the form's receipt hash (reception_batch.hpp:
  // ReceiptLeafOf over the context's insurer, date of receipt and digest).
  const std::string* digest = nullptr;
  const auth::MerkleHash* leaf = nullptr;
  // With a resident in `registry`: CompareFormWithRegistryThen.
  const std::vector<RegistryField>* compared = nullptr;
  // The rows the checks read, as the read-ahead's snapshot held them. The
  // caller passes them only when nothing written since can differ from
  // them (importer.cpp: the form's 受付番号, 記号・番号 and person appear
  // nowhere earlier in the import, and no other connection has committed):
  //   existing    GetSubmission(insurer, form.submission_id)
  //   same_number FindByInsuredNumber(insurer, symbol, number) (joining forms)
  //   member      the member under 記号・番号・枝番 (every other form)
  //   of_person   QualificationsOfPerson of `registry`'s resident (joining)
  const std::optional<store::SubmissionRecord>* existing = nullptr;
  const std::vector<Qualification>* same_number = nullptr;
  const std::optional<Qualification>* member = nullptr;
  const std::vector<Qualification>* of_person = nullptr;
};

// With `batch` (the importer's), what the form stores is held there until
// the batch is materialised (reception_batch.hpp: one multi-row write per
// table and one audit entry per batch); seq is then 0. Without it, the form
// is stored at once with its own audit row. `ahead`: see ReadAhead.
ReceiveOutcome Receive(store::Store& store, const Submission& form, const ReceptionContext& ctx,
                       ReceptionBatch* batch = nullptr, const ReadAhead* ahead = nullptr);

// Compares a form with what the resident registry holds for its My Number.
// Address is compared only when the form gives one (losses need none).
std::vector<RegistryField> CompareFormWithRegistry(const store::PersonRecord& registry,
                                                   const Submission& form);
// The audit entry of a step in a form's life (`action`: received, linked):
// the insurer, its own 受付番号 and the form, never the 記号・番号
// (告知要求制限). `result`, when given, is added as result=….
store::AuditEntry SubmissionAudit(std::string at, std::string actor, std::string_view action,
                                  const store::SubmissionRecord& r, std::string_view result = "");

// The same, and when the form differs, also against what the registry held
// on the form's date (its recorded 転居 and 氏名変更): the fewer differing
// fields count (R-LINK-4).
std::vector<RegistryField> CompareFormWithRegistryThen(store::Store& store,
                                                       const store::PersonRecord& registry,
                                                       const Submission& form);

}  // namespace onshi::intermediate

#endif  // ONSHI_INTERMEDIATE_RECEPTION_HPP_
