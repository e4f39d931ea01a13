// The linker: the intermediate server's daily job that carries queued forms
// into the eligibility system once the insurer's lag has passed (R-LINK-3).
//
// Each due submission goes submitted → processing → linked:
//   - a new member (資格取得届, 被扶養者異動届（該当）) becomes visible to
//     facilities from the link day (R-LINK-2);
//   - a loss (資格喪失届) ends the insured person's qualification on the filed
//     date, and with it every dependent's under the same 記号・番号 (a
//     dependent is covered only through the insured person); a dependent
//     removal ends that dependent's;
//   - a change (変更届) adds the new name and address effective on the filed
//     date, so a query for an earlier day still answers with the old ones;
//   - a 給付情報届 puts its benefits data into the member (core/benefits.hpp:
//     the filed ratio, the card's facts, the 通称 from the filed date, the
//     certificates replacing those they overlap), checked again against the
//     member as it is then.
// A form that can no longer be applied (its member lost meanwhile, say)
// becomes a registration error with the reason, for the insurer's report. A
// database failure is not the form's fault: it ends the round (the error
// propagates) and the form is taken again by the next one.
//
// Several linkers may run on one database (the server's thread and an
// `onshi link`): each re-reads a form's state inside the transaction that
// claims or applies it, so a form is applied exactly once.
//
// Crash safety: "processing" is written in its own transaction before the
// batch is applied, and each batch is applied in one transaction. A process
// killed in between leaves rows in "processing", which are due by definition
// and are picked up again by the next run; applying is idempotent because
// the state change to "linked" commits together with the change it records.
#ifndef ONSHI_INTERMEDIATE_LINKER_HPP_
#define ONSHI_INTERMEDIATE_LINKER_HPP_

#include <cstdint>
#include <string>
#include <string_view>

#include "store/store.hpp"

namespace onshi::intermediate {

struct LinkOptions {
  Date today;
  std::string at;                      // audit timestamp, ISO 8601 UTC
  std::string actor = "intermediate";  // audit actor
  int batch_size = 500;
  // Also record the documents due today (RecordAllDueDocuments: R-DOC-4,
  // R-DOC-5, R-DOC-10, R-OLD-4, R-CARD-4). It walks every insurer's whole
  // membership, so the server's frequent rounds do it once a day. A run
  // that ends records the day in the store (kDocumentSweepJob), so that a
  // restarted server does not walk every member again the same day.
  bool issue_follow_up_documents = true;
};

// The store's name for the daily document sweep (Store::DailyJobDoneOn).
inline constexpr std::string_view kDocumentSweepJob = "documents";

struct LinkReport {
  int64_t linked = 0;
  int64_t failed = 0;  // became registration errors
  int64_t documents_issued = 0;
};

// Links every submission due on or before options.today. Safe to run
// concurrently with imports and with facility queries; two linkers on one
// database serialise on the store's write lock.
LinkReport RunLinker(store::Store& store, const LinkOptions& options);

}  // namespace onshi::intermediate

#endif  // ONSHI_INTERMEDIATE_LINKER_HPP_
