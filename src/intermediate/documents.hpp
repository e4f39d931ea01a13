// Issuing the documents a member is due (R-DOC-1, R-DOC-4..8, R-DOC-10,
// R-OLD-1..4, R-CARD-4): the bridge from the store to the core's
// PlanDocuments.
//
// The facts come from the store: the person's cards, the member's attribute
// history (name and address changes end an old card, R-OLD-3), the
// documents already issued and what the member applied for. Because
// PlanDocuments is idempotent, calling IssueDueDocuments every day for a
// member issues each document once.
//
// Issuing here means recording: a document row dated the day it was decided,
// with printed_on empty. `onshi documents issue` prints and posts what is
// recorded but not printed (app/documents_command), so the daily job, the
// reception of a form and the insurer's print run never issue one twice.
#ifndef ONSHI_INTERMEDIATE_DOCUMENTS_HPP_
#define ONSHI_INTERMEDIATE_DOCUMENTS_HPP_

#include <optional>
#include <vector>

#include "core/document_rules.hpp"
#include "store/store.hpp"

namespace onshi::intermediate {

// The insurer's document policy, from its stored settings.
InsurerDocumentPolicy PolicyOf(const store::InsurerRecord& insurer);

// Whether the member's documents must be read, or the member was stored in
// this same transaction and so can hold none yet (documents reference their
// member; a fresh member_id has no rows pointing at it).
enum class MemberAge { kExisting, kJustStored };

// The facts PlanDocuments needs about `member` on `on`. For a member just
// stored, `requested_on_form` stands in for its (not yet stored)
// applications: the tick on the form, dated the acquisition (R-DOC-5).
MemberDocumentFacts DocumentFactsOf(store::Store& store, const Qualification& member, Date on,
                                    MemberAge age = MemberAge::kExisting,
                                    std::optional<Date> requested_on_form = std::nullopt);
// The same for an existing member from its rows read already
// (Store::DocumentRowsOf, a page of members at a time).
MemberDocumentFacts DocumentFactsFrom(const store::MemberDocumentRows& rows,
                                      const Qualification& member, Date on);

// Records `actions` (planned for `member` on `on`) as documents: issued on
// `on`, not yet printed; a return request names the document asked back.
// Returns the new document ids. Run it inside the caller's transaction.
std::vector<int64_t> RecordActions(store::Store& store, const Qualification& member,
                                   const std::vector<DocumentAction>& actions, Date on);

// Records every document PlanDocuments says is due for `member` on `on`.
// Returns how many were recorded. Run it inside the caller's transaction.
int IssueDueDocuments(store::Store& store, const Qualification& member,
                      const store::InsurerRecord& insurer, Date on,
                      MemberAge age = MemberAge::kExisting,
                      std::optional<Date> requested_on_form = std::nullopt);

// What IssueDueDocuments would record, not yet stored (document_id 0), for
// a caller that stores several members' documents together
// (Store::AddDocuments, in this order). Reads only the store's facts about
// the member, never documents held back this way: keep a member whose
// documents must be read (MemberAge::kExisting) out of such a batch, or
// store the batch first.
std::vector<store::DocumentRecord> DueDocuments(
    store::Store& store, const Qualification& member, const store::InsurerRecord& insurer, Date on,
    MemberAge age = MemberAge::kExisting, std::optional<Date> requested_on_form = std::nullopt);

// The same for a member stored in this same transaction
// (MemberAge::kJustStored), whose person's cards were read already
// (Store::CardsOfEach: a batch of new members asks once for all).
std::vector<store::DocumentRecord> DueDocumentsOfNew(std::vector<store::CardRecord> cards,
                                                     const Qualification& member,
                                                     const store::InsurerRecord& insurer, Date on,
                                                     std::optional<Date> requested_on_form);

// A member who joined before 2024-12-02 was given an old 健康保険証 then
// (R-OLD-1): records it (once) so that its end and return can be planned.
// A form filed late for such a member is the usual way one arrives now.
void RecordLegacyCardIfHeld(store::Store& store, const Qualification& member,
                            MemberAge age = MemberAge::kExisting);

}  // namespace onshi::intermediate

#endif  // ONSHI_INTERMEDIATE_DOCUMENTS_HPP_
