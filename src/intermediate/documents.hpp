// Issuing the documents a member is due (R-DOC-1, R-DOC-4..6, R-DOC-8): the
// bridge from the store to the core's PlanDocuments.
//
// The facts come from the store (the person's cards, the documents already
// issued) plus the one fact only the form knows: whether the 資格確認書 box
// was ticked. Because PlanDocuments is idempotent, calling IssueDueDocuments
// every day for a member issues each document once.
#ifndef ONSHI_INTERMEDIATE_DOCUMENTS_HPP_
#define ONSHI_INTERMEDIATE_DOCUMENTS_HPP_

#include "core/document_rules.hpp"
#include "store/store.hpp"

namespace onshi::intermediate {

// The insurer's document policy, from its stored settings.
InsurerDocumentPolicy PolicyOf(const store::InsurerRecord& insurer);

// Whether the member's documents must be read, or the member was stored in
// this same transaction and so can hold none yet (documents reference their
// member; a fresh member_id has no rows pointing at it).
enum class MemberAge { kExisting, kJustStored };

// The facts PlanDocuments needs about `member` on `on`.
MemberDocumentFacts DocumentFactsOf(store::Store& store, const Qualification& member,
                                    bool certificate_requested, Date on,
                                    MemberAge age = MemberAge::kExisting);

// Records every document PlanDocuments says is due for `member` on `on`
// (return requests are not documents and are left to the insurer's office).
// Returns how many were issued. Run it inside the caller's transaction.
int IssueDueDocuments(store::Store& store, const Qualification& member,
                      const store::InsurerRecord& insurer, bool certificate_requested, Date on,
                      MemberAge age = MemberAge::kExisting);

}  // namespace onshi::intermediate

#endif  // ONSHI_INTERMEDIATE_DOCUMENTS_HPP_
