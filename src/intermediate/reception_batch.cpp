#include "intermediate/reception_batch.hpp"

#include <charconv>

#include "core/legacy_card.hpp"
#include "intermediate/documents.hpp"
#include "intermediate/reception.hpp"

namespace onshi::intermediate {
namespace {

constexpr char kKeys = 'k', kIds = 'i', kPersons = 'p';

std::string Hex(const auth::MerkleHash& h) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : h) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

// The value of `name=` in an audit detail ("" when absent).
std::string Field(std::string_view detail, std::string_view name) {
  const std::string key = " " + std::string(name) + "=";
  const std::string padded = " " + std::string(detail);
  const size_t at = padded.find(key);
  if (at == std::string::npos) return "";
  const size_t from = at + key.size();
  return padded.substr(from, padded.find(' ', from) - from);
}

int64_t Number(std::string_view s) {
  int64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

}  // namespace

void ReceptionBatch::Add(store::SubmissionRecord rec, std::optional<Qualification> joiner,
                         std::optional<Date> requested, const auth::MerkleHash* leaf) {
  held_.Insert(kKeys, InsuredNumberKey(rec.symbol, rec.number));
  held_.Insert(kIds, rec.submission_id);
  if (rec.person_id != 0) held_.Insert(kPersons, rec.person_id);
  Pending& p = pending_.emplace_back();
  p.rec = std::move(rec);
  p.joiner = std::move(joiner);
  p.requested = requested;
  if (leaf) p.leaf = *leaf;
}

void ReceptionBatch::Reserve(size_t forms) {
  pending_.reserve(forms);
}

bool ReceptionBatch::Touches(std::string_view symbol, std::string_view number) const {
  return held_.Contains(kKeys, InsuredNumberKey(symbol, number));
}
bool ReceptionBatch::HoldsSubmission(std::string_view submission_id) const {
  return held_.Contains(kIds, submission_id);
}
bool ReceptionBatch::HoldsPerson(int64_t person_id) const {
  return held_.Contains(kPersons, person_id);
}

int ReceptionBatch::Materialise(store::Store& store, const ReceptionContext& ctx) {
  if (pending_.empty()) return 0;
  std::vector<Qualification> members;
  std::vector<std::optional<Date>> requested;
  for (Pending& p : pending_) {
    if (!p.joiner) continue;
    members.push_back(std::move(*p.joiner));
    requested.push_back(p.requested);
  }
  if (!members.empty()) store.AddQualifications(members);
  std::vector<store::SubmissionRecord> recs;
  recs.reserve(pending_.size());
  size_t k = 0;
  for (Pending& p : pending_) {
    if (p.joiner) p.rec.member_id = members[k++].member_id;
    recs.push_back(std::move(p.rec));
  }
  // The ids were checked as unused in this transaction: a refusal means the
  // store changed under us.
  if (!store.AddSubmissions(recs)) {
    throw store::StoreError("a submission of this batch appeared during its reception");
  }
  // The members' documents, one multi-row write (Store::AddDocuments) in
  // the order they were issued one by one. A member who may hold an old
  // card has its documents read back (below), so what is held is stored
  // before it.
  int documents = 0;
  std::vector<store::DocumentRecord> held;
  auto store_held = [&] {
    if (held.empty()) return;
    store.AddDocuments(held);
    documents += static_cast<int>(held.size());
    held.clear();
  };
  // The cards of the new members' persons, read once for all: nothing
  // below writes a card.
  std::vector<int64_t> persons;
  for (const Qualification& q : members) {
    if (!MayIssueLegacyCard(q.acquired)) persons.push_back(q.person_id);
  }
  std::vector<std::vector<store::CardRecord>> cards = store.CardsOfEach(persons);
  size_t next_cards = 0;
  for (size_t i = 0; i < members.size(); ++i) {
    const Qualification& q = members[i];
    const std::optional<Date>& wanted = requested[i];
    // The tick is the member's request for a 資格確認書, standing from the
    // acquisition (R-DOC-5); kept for the daily job and the print run.
    if (wanted) {
      store.AddDocumentApplication(
          {0, q.member_id, store::ApplicationKind::kCertificate, q.acquired, std::nullopt, ""});
    }
    // R-DOC-1 (notice) and R-DOC-5 (a ticked 資格確認書) are due on receipt.
    if (!MayIssueLegacyCard(q.acquired)) {
      for (store::DocumentRecord& d : DueDocumentsOfNew(std::move(cards[next_cards++]), q,
                                                        ctx.insurer, ctx.received_on, wanted))
        held.push_back(std::move(d));
      continue;
    }
    // A form filed late for a member who joined before 2024-12-02: that
    // member holds an old card (R-OLD-1), which then decides what is due,
    // so the documents just written are read back.
    store_held();
    RecordLegacyCardIfHeld(store, q, MemberAge::kJustStored);
    documents +=
        IssueDueDocuments(store, q, ctx.insurer, ctx.received_on, MemberAge::kExisting, wanted);
  }
  store_held();
  std::vector<auth::MerkleHash> leaves;
  leaves.reserve(recs.size());
  for (size_t i = 0; i < recs.size(); ++i)
    leaves.push_back(pending_[i].leaf ? *pending_[i].leaf : ReceiptLeaf(recs[i]));
  const auth::MerkleTree tree(std::move(leaves));
  store::AuditEntry e;
  e.at = ctx.at;
  e.actor = ctx.actor;
  e.action = std::string(kBatchReceivedAction);
  // 告知要求制限: no 記号・番号 and no person, only the insurer's forms by
  // their place in the queue.
  e.detail = "insurer=" + ctx.insurer.insurer_number + " count=" + std::to_string(recs.size()) +
             " first_seq=" + std::to_string(recs.front().seq) +
             " last_seq=" + std::to_string(recs.back().seq) + " merkle_root=" + Hex(tree.root());
  store.AppendAudit(e);
  pending_.clear();
  held_.Clear();
  return documents;
}

std::string InsuredNumberKey(std::string_view symbol, std::string_view number) {
  std::string k(symbol);
  k += '\x1f';
  k += number;
  return k;
}

auth::MerkleHash ReceiptLeaf(const store::SubmissionRecord& r) {
  return ReceiptLeafOf(r.insurer_number, r.submission_id, r.form, r.received_on, r.content_digest);
}

auth::MerkleHash ReceiptLeafOf(std::string_view insurer_number, std::string_view submission_id,
                               FormKind form, Date received_on, std::string_view content_digest) {
  // Length-prefixed fields, so that no two forms share a leaf.
  std::string data;
  const std::string received = received_on.ToIso();
  for (std::string_view f : {insurer_number, submission_id, FormKindCode(form),
                             std::string_view(received), content_digest}) {
    data += std::to_string(f.size());
    data += ':';
    data += f;
  }
  return auth::MerkleLeafHash("onshi-receipt-v1\n", data);
}

bool VerifyReceipt(store::Store& store, const store::AuditEntry& entry,
                   const store::SubmissionRecord& r) {
  if (entry.action != kBatchReceivedAction) return false;
  const std::string insurer = Field(entry.detail, "insurer");
  const int64_t count = Number(Field(entry.detail, "count"));
  const int64_t first = Number(Field(entry.detail, "first_seq"));
  const int64_t last = Number(Field(entry.detail, "last_seq"));
  const std::string root = Field(entry.detail, "merkle_root");
  if (insurer != r.insurer_number || count <= 0 || r.seq < first || r.seq > last) return false;
  store::SubmissionFilter f;
  f.insurer_number = insurer;
  f.after_seq = first - 1;
  f.limit = static_cast<int>(count);
  std::vector<auth::MerkleHash> leaves;
  std::optional<size_t> index;
  for (const store::SubmissionRecord& s : store.ListSubmissions(f)) {
    if (s.seq > last) break;
    if (s.seq == r.seq) index = leaves.size();
    leaves.push_back(ReceiptLeaf(s));
  }
  if (!index || static_cast<int64_t>(leaves.size()) != count) return false;
  const auth::MerkleTree tree(std::move(leaves));
  const auto from_path =
      auth::MerkleRootFromPath(*index, tree.size(), ReceiptLeaf(r), tree.AuditPath(*index));
  return from_path && Hex(*from_path) == root;
}

}  // namespace onshi::intermediate
