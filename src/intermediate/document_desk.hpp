// The insurer's window for documents: what a member applies for (R-DOC-1,
// R-DOC-5, R-DOC-7, R-DOC-8, R-OLD-3) and the return of a 資格確認書 or old
// card (R-DOC-10, R-OLD-4), checked before anything is stored. Shared by
// `onshi documents apply|returned` and the insurer API, so both refuse the
// same things with the same words.
#ifndef ONSHI_INTERMEDIATE_DOCUMENT_DESK_HPP_
#define ONSHI_INTERMEDIATE_DOCUMENT_DESK_HPP_

#include <optional>
#include <string>

#include "core/expected.hpp"
#include "store/store.hpp"

namespace onshi::intermediate {

struct DocumentApplication {
  std::string symbol, number, branch;  // the member, under the insurer
  store::ApplicationKind kind = store::ApplicationKind::kCertificate;
  std::optional<CertificateForm> form;  // kForm
  std::string email;                    // kForm with kElectronic
  Date on;                              // day of application
};

// Parses "certificate", "card-lost" (or card_lost), "notice-lost",
// "legacy-card-lost", "form".
std::optional<store::ApplicationKind> ParseApplicationKind(std::string_view text);

// Checks and stores the application; returns its id, or an Error naming the
// field, in Japanese, for the clerk. The documents it makes due are recorded
// by the next run (daily job or print run).
Expected<int64_t> ApplyForDocument(store::Store& store, const store::InsurerRecord& insurer,
                                   const DocumentApplication& application);

// Records that document `document_id` (a 資格確認書 or old card of one of
// the insurer's members) came back on `on`.
Expected<store::DocumentRecord> RecordReturn(store::Store& store,
                                             const store::InsurerRecord& insurer,
                                             int64_t document_id, Date on);

}  // namespace onshi::intermediate

#endif  // ONSHI_INTERMEDIATE_DOCUMENT_DESK_HPP_
