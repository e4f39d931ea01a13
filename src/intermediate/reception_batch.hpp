// What reception writes for a batch of forms, held until the batch ends and
// then written together (issue 20, "Reception stores what it received").
//
// Reception (reception.hpp) checks each form against the store as before,
// but with a batch it writes nothing per form: the submission row, and for
// a new member (資格取得届, 被扶養者異動届（該当）) the member row that makes
// facilities answer linkage_pending during the lag (R-LINK-2), wait here.
// Materialise writes them in receipt order with one multi-row statement per
// table (Store::AddQualifications, Store::AddSubmissions), then the member's
// documents (R-DOC-1, R-DOC-5, R-OLD-1), then ONE audit entry for the batch
// whose detail carries the Merkle root (auth/merkle.hpp, RFC 9162) over each
// received form's hash (ReceiptLeaf), so that any one form can still be
// proven to be in the batch (VerifyReceipt) without an audit row per form.
//
// A later form in the same batch must see what an earlier one stored: a
// form under a 記号・番号 or for a person the batch holds first materialises
// the batch (Touches / HoldsPerson), so every check reads exactly what it
// read when each form was written at once, and the rows are the same.
//
// Materialise runs inside the caller's transaction: if it fails, nothing of
// the batch is stored.
#ifndef ONSHI_INTERMEDIATE_RECEPTION_BATCH_HPP_
#define ONSHI_INTERMEDIATE_RECEPTION_BATCH_HPP_

#include <optional>
#include <string>
#include <vector>

#include "auth/merkle.hpp"
#include "intermediate/seen_set.hpp"
#include "store/store.hpp"

namespace onshi::intermediate {

struct ReceptionContext;

class ReceptionBatch {
 public:
  // A received form: its submission row, and the new member it brings
  // (nullopt for every other form) with the 資格確認書 tick's date.
  // `leaf`, when given, is the form's ReceiptLeaf computed ahead (the
  // importer's read-ahead thread: ReceiptLeafOf with the same fields).
  void Add(store::SubmissionRecord rec, std::optional<Qualification> joiner = std::nullopt,
           std::optional<Date> requested = std::nullopt, const auth::MerkleHash* leaf = nullptr);
  // Room for `forms` forms, so that holding them moves nothing.
  void Reserve(size_t forms);

  bool empty() const { return pending_.empty(); }
  // True when a form about these keys, this submission id or this person
  // must first see the batch stored. By fingerprint: now and then true for
  // a form the batch does not hold, which then only stores the batch a
  // little earlier, with the same rows.
  bool Touches(std::string_view symbol, std::string_view number) const;
  bool HoldsSubmission(std::string_view submission_id) const;
  bool HoldsPerson(int64_t person_id) const;

  // Writes everything held (see above) and empties the batch. Returns the
  // documents recorded.
  int Materialise(store::Store& store, const ReceptionContext& ctx);

 private:
  struct Pending {
    store::SubmissionRecord rec;
    std::optional<Qualification> joiner;
    std::optional<Date> requested;
    std::optional<auth::MerkleHash> leaf;
  };
  std::vector<Pending> pending_;
  // The 記号・番号 ('k'), submission ids ('i') and persons ('p') of the
  // batch's forms.
  SeenSet held_;
};

// 記号 and 番号 as one key ("\x1f" between them): what the batch and the
// importer's read-ahead (importer.cpp) remember forms by.
std::string InsuredNumberKey(std::string_view symbol, std::string_view number);

// The audit action of a batch's entry, and the leaf a received form adds to
// its tree: SHA-256(0x00 || insurer, submission id, form, date of receipt
// and the form's keyed content digest), fields that never change after
// receipt (the state does, when the form links).
inline constexpr std::string_view kBatchReceivedAction = "submissions.received";
auth::MerkleHash ReceiptLeaf(const store::SubmissionRecord& r);
// The same leaf from the fields it covers, before the record exists.
auth::MerkleHash ReceiptLeafOf(std::string_view insurer_number, std::string_view submission_id,
                               FormKind form, Date received_on, std::string_view content_digest);

// True when `r` is one of the forms `entry` (a kBatchReceivedAction entry)
// covers and its leaf, with its audit path in the tree rebuilt from the
// batch's stored forms, leads to the root the entry recorded.
bool VerifyReceipt(store::Store& store, const store::AuditEntry& entry,
                   const store::SubmissionRecord& r);

}  // namespace onshi::intermediate

#endif  // ONSHI_INTERMEDIATE_RECEPTION_BATCH_HPP_
