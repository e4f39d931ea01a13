#include "intermediate/importer.hpp"

#include <exception>
#include <future>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "intermediate/fault_hold.hpp"
#include "intermediate/form_digest.hpp"
#include "intermediate/reception_batch.hpp"
#include "intermediate/seen_set.hpp"

namespace onshi::intermediate {
namespace {

struct Pending {
  int64_t line = 0;
  Submission form;
  // The first earlier line of the file with this form's 受付番号 (0: none),
  // found by the read-ahead thread, which reads the lines in order.
  int64_t first_line = 0;
  std::optional<RegistryAnswer> registry;  // looked up ahead, when it was
  std::optional<std::string> digest;       // the form's keyed digest, likewise
  std::optional<auth::MerkleHash> leaf;    // and its receipt hash (reception_batch.hpp)
  // With a resident: the form compared with the registry (reception.hpp).
  std::optional<std::vector<RegistryField>> compared;
  // The rows reception's checks read (ReadAhead), for a form that touches
  // no earlier form of its batch or of the batch before (LookUpRows).
  std::optional<std::optional<store::SubmissionRecord>> existing;
  std::optional<std::vector<Qualification>> same_number;
  std::optional<std::optional<Qualification>> member;
  std::optional<std::vector<Qualification>> of_person;

  ReadAhead Ahead(bool with_rows) const {
    ReadAhead a;
    if (registry) a.registry = &*registry;
    if (digest) a.digest = &*digest;
    if (leaf) a.leaf = &*leaf;
    if (compared) a.compared = &*compared;
    if (!with_rows || !existing) return a;
    a.existing = &*existing;
    if (same_number) a.same_number = &*same_number;
    if (member) a.member = &*member;
    if (of_person) a.of_person = &*of_person;
    return a;
  }
};

// One batch as the read-ahead thread leaves it: the forms that passed the
// line checks, and the refused lines in between, all in file order.
struct Batch {
  std::vector<Pending> forms;
  // The refused lines: line number, why.
  std::vector<std::pair<int64_t, std::vector<FieldError>>> refused;
  int64_t records = 0;      // lines read for this batch
  uint64_t bytes_read = 0;  // the reader's position after it, and its size
  uint64_t total_bytes = 0;
  bool last = false;  // the file ended in this batch
  // The writing connection's CommitsByOthers when this batch's read-ahead
  // began: its rows read ahead hold only if no other connection has
  // committed since (Flush).
  std::optional<int64_t> others_at_start;
};

// Counts of one batch, merged into the report only once the batch commits.
struct Tally {
  int64_t queued = 0, already = 0, rejected = 0, conflicts = 0, registration = 0, documents = 0;
  std::vector<FieldError> errors, problems;
};

class Importer {
 public:
  Importer(store::Store& store, intake::SubmissionReader& reader, const ImportOptions& o)
      : store_(store), reader_(reader), o_(o) {}

  ImportReport Run() {
    auto insurer = store_.GetInsurer(o_.insurer_number);
    if (!insurer) throw store::StoreError("unknown insurer " + o_.insurer_number);
    ctx_ = {*insurer, o_.received_on, o_.at, o_.actor};
    report_.unknown_columns = reader_.unknown_columns();
    std::unique_ptr<store::Store> registry;
    try {
      if (o_.open_reader) registry = o_.open_reader();
    } catch (const std::exception&) {
      // Only a speed-up: without it reception asks the registry itself.
    }

    // The reader and the registry connection belong to the read-ahead task;
    // it runs while the previous batch is written, and get() hands its batch
    // over. Everything that writes stays on this thread.
    auto read_ahead = [this, r = registry.get()] {
      std::optional<int64_t> others;
      try {
        if (r) others = store_.CommitsByOthers();
      } catch (const store::StoreError&) {
      }
      return std::async(std::launch::async, [this, r, others] {
        Batch b = ReadBatch(r);
        b.others_at_start = others;
        return b;
      });
    };
    std::future<Batch> next = read_ahead();
    for (;;) {
      Batch batch = next.get();
      if (!batch.last) next = read_ahead();
      report_.records += batch.records;
      for (auto& [line, errors] : batch.refused)
        Refuse(errors, line);
      if (!Flush(batch.forms, batch.others_at_start,
                 {report_.records, batch.bytes_read, batch.total_bytes}) ||
          batch.last) {
        break;
      }
    }
    // A batch still being read when the database stopped is dropped; the
    // future's destructor waits for its task, which only reads.
    return std::move(report_);
  }

 private:
  Batch ReadBatch(store::Store* registry) {
    Batch b;
    b.forms.reserve(static_cast<std::size_t>(o_.batch_size));
    while (static_cast<int>(b.forms.size()) < o_.batch_size) {
      std::optional<intake::ReadRecord> rec = reader_.Next();
      if (!rec) {
        b.last = true;
        break;
      }
      ++b.records;
      if (!rec->errors.empty()) {
        b.refused.emplace_back(rec->line, std::move(rec->errors));
        continue;
      }
      auto form = ReadSubmission(rec->raw, o_.received_on);
      if (!form.ok()) {
        b.refused.emplace_back(rec->line, form.error());
        continue;
      }
      Pending& p = b.forms.emplace_back();
      p.line = rec->line;
      p.form = std::move(form).value();
      const auto [at, first] = first_line_.try_emplace(p.form.submission_id, p.line);
      if (!first) p.first_line = at->second;
    }
    if (registry) {
      std::swap(seen_before_, seen_now_);
      seen_now_.Clear();
      LookUp(*registry, b.forms);
    }
    b.bytes_read = reader_.bytes_read();
    b.total_bytes = reader_.total_bytes();
    return b;
  }

  // The forms' keyed digests (the same keys on both connections), the
  // registry's answers and the rows reception's checks read, off the
  // writing thread. One read snapshot for the batch: a lookup on its own
  // would begin a read transaction of its own, and each of those re-reads
  // the WAL's header (and re-maps the file, which the writer keeps
  // growing) — half of a lookup's cost. The rows are asked for the whole
  // batch at once (Store's reads for many keys): one round trip a kind of
  // row on PostgreSQL instead of one a form.
  void LookUp(store::Store& registry, std::vector<Pending>& forms) {
    try {
      registry.InReadSnapshot([&] {
        LookUpRegistry(registry, forms);
        LookUpRows(registry, forms);
      });
    } catch (const store::StoreError&) {
      // Left to reception, which asks the writing connection and knows how
      // to stop the import if the database is gone. The answers are set only
      // once a whole kind of row was read, and each is whole. The forms not
      // yet marked as seen could make the next batch's rows untrustworthy;
      // none are used from here on.
      rows_ahead_ = false;
    }
  }

  // True when `key` is among this batch's earlier forms or the previous
  // batch's; marks it for this batch either way.
  template <class Key>
  bool Seen(char domain, const Key& key) {
    const bool before = seen_before_.Contains(domain, key);
    return seen_now_.Insert(domain, key) || before;
  }

  // Each form's digest and receipt hash, and for every form but a 給付情報届
  // (which carries no My Number: reception asks nobody for it) the
  // registry's answer and the form compared with it.
  void LookUpRegistry(store::Store& registry, std::vector<Pending>& forms) {
    const std::string& insurer = ctx_.insurer.insurer_number;
    std::vector<MyNumber> numbers;
    std::vector<Pending*> asking;
    for (Pending& p : forms) {
      const Submission& f = p.form;
      p.digest = registry.KeyedDigest(CanonicalFormText(f));
      // ctx_ is set before the first read-ahead starts and never after.
      p.leaf = ReceiptLeafOf(insurer, f.submission_id, f.form, ctx_.received_on, *p.digest);
      if (f.form == FormKind::kBenefits) continue;
      numbers.push_back(f.my_number);
      asking.push_back(&p);
    }
    std::vector<RegistryAnswer> answers = registry.FindPersonsByMyNumbers(numbers);
    for (size_t i = 0; i < asking.size(); ++i) {
      Pending& p = *asking[i];
      if (answers[i]) p.compared = CompareFormWithRegistryThen(registry, *answers[i], p.form);
      p.registry = std::move(answers[i]);
    }
  }

  // What reception reads for a form is found by its 受付番号, its
  // 記号・番号 and its person. This snapshot holds every batch but the one
  // being written meanwhile: that batch was handed over, and the one
  // before it committed, before this read-ahead began (Run). So a form
  // sharing none of them with an earlier form of its own batch or of the
  // one before reads rows that only another connection can have changed
  // since, which Flush checks; the others are read again by the writer,
  // after what the file stored before them.
  void LookUpRows(store::Store& registry, std::vector<Pending>& forms) {
    std::vector<Pending*> reading, of_person;
    for (Pending& p : forms) {
      const Submission& f = p.form;
      const bool resident = p.registry && *p.registry;
      bool earlier = Seen('i', f.submission_id);
      earlier = Seen('k', InsuredNumberKey(f.symbol, f.number)) || earlier;
      if (resident) earlier = Seen('p', (*p.registry)->person_id) || earlier;
      if (earlier || !rows_ahead_) continue;
      reading.push_back(&p);
      if (Joins(f.form) && resident) of_person.push_back(&p);
    }
    if (reading.empty()) return;
    const std::string& insurer = ctx_.insurer.insurer_number;
    std::vector<std::string> ids;
    std::vector<store::InsuredNumber> numbers;
    std::vector<int64_t> persons;
    for (const Pending* p : reading) {
      ids.push_back(p->form.submission_id);
      numbers.push_back({p->form.symbol, p->form.number});
    }
    for (const Pending* p : of_person)
      persons.push_back((*p->registry)->person_id);
    auto existing = registry.GetSubmissions(insurer, ids);
    auto same_number = registry.FindByInsuredNumbers(insurer, numbers);
    auto of_each = registry.QualificationsOfEach(persons);
    // Set only now that every read succeeded: a form's rows are all there
    // or none are (Pending::Ahead passes them only with `existing`).
    for (size_t i = 0; i < reading.size(); ++i) {
      Pending& p = *reading[i];
      p.existing = std::move(existing[i]);
      if (Joins(p.form.form)) {
        p.same_number = std::move(same_number[i]);
        continue;
      }
      // The member under 記号・番号・枝番 (FindMemberId, unique within an
      // insurer): the one of the 記号・番号's members with the form's 枝番.
      p.member = std::optional<Qualification>();
      for (Qualification& q : same_number[i]) {
        if (q.branch == p.form.branch) p.member = std::move(q);
      }
    }
    for (size_t i = 0; i < of_person.size(); ++i)
      of_person[i]->of_person = std::move(of_each[i]);
  }

  void Refuse(const std::vector<FieldError>& errors, int64_t line) {
    ++report_.rejected;
    for (const FieldError& e : errors)
      Keep(report_.errors, {line, e.field, e.reason});
  }

  void Keep(std::vector<FieldError>& list, FieldError e) {
    if (list.size() < o_.max_errors_kept) list.push_back(std::move(e));
  }

  // The line that holds the 受付番号 first used on line `first`: that line
  // itself, or, when it was not stored (Forget), the line that took the id
  // after it; 0 when none holds it now.
  int64_t IdHolder(int64_t first) const {
    if (!forgotten_.contains(first)) return first;
    const auto it = stand_in_.find(first);
    return it == stand_in_.end() || forgotten_.contains(it->second) ? 0 : it->second;
  }

  // Receives one form into `t`. A submission id used twice in one file is an
  // error in the file (the second line is not the same form re-sent).
  void ReceiveOne(const Pending& p, bool rows_hold, Tally& t, ReceptionBatch& batch) {
    if (p.first_line != 0) {
      const int64_t holder = IdHolder(p.first_line);
      // A form redone after its batch failed finds itself holding the id.
      if (holder != 0 && holder != p.line) {
        ++t.rejected;
        t.errors.push_back(
            {p.line, "submission_id",
             "受付番号 " + p.form.submission_id + " is also on line " + std::to_string(holder)});
        return;
      }
      if (holder == 0) stand_in_[p.first_line] = p.line;
    }
    const ReadAhead ahead = p.Ahead(rows_hold);
    ReceiveOutcome out = Receive(store_, p.form, ctx_, &batch, &ahead);
    // Also when refused: the documents of forms the batch held, written
    // before this one was checked.
    t.documents += out.documents_issued;
    switch (out.status) {
      case ReceiveStatus::kQueued:
        ++t.queued;
        break;
      case ReceiveStatus::kAlreadyReceived:
        ++t.already;
        break;
      case ReceiveStatus::kRegistrationError:
        ++t.registration;
        for (FieldError& e : out.errors)
          t.problems.push_back({p.line, e.field, e.reason});
        break;
      case ReceiveStatus::kConflict:
        ++t.conflicts;
        [[fallthrough]];
      case ReceiveStatus::kRejected:
        ++t.rejected;
        for (FieldError& e : out.errors)
          t.errors.push_back({p.line, e.field, e.reason});
        break;
    }
  }

  void Merge(Tally& t) {
    report_.queued += t.queued;
    report_.already_received += t.already;
    report_.rejected += t.rejected;
    report_.conflicts += t.conflicts;
    report_.registration_errors += t.registration;
    report_.documents_issued += t.documents;
    for (FieldError& e : t.errors)
      Keep(report_.errors, std::move(e));
    for (FieldError& e : t.problems)
      Keep(report_.registration_problems, std::move(e));
    t = Tally{};
  }

  // These forms were not stored: their 受付番号 goes to the next line that
  // carries it (IdHolder).
  void Forget(const std::vector<Pending>& forms) {
    for (const Pending& p : forms)
      forgotten_.insert(p.line);
  }

  // False when the database stopped taking writes: the import ends there.
  // `others_at_start`: see Batch.
  bool Flush(std::vector<Pending>& batch, std::optional<int64_t> others_at_start,
             const ImportProgress& progress) {
    if (batch.empty()) return true;
    Tally t;
    try {
      store_.InTransaction([&] {
        // Under the write lock nobody else commits until this batch does,
        // so rows read ahead that held at its start hold to its end.
        const bool rows_hold =
            others_at_start.has_value() && store_.CommitsByOthers() == others_at_start;
        ReceptionBatch held;
        held.Reserve(batch.size());
        for (const Pending& p : batch)
          ReceiveOne(p, rows_hold, t, held);
        t.documents += held.Materialise(store_, ctx_);
      });
      Merge(t);
    } catch (const store::StoreUnavailable& e) {
      // Not this batch's fault: retrying form by form would only blame every
      // line for the disk. Nothing of the batch was stored.
      Forget(batch);
      report_.stopped_at_line = batch.front().line;
      report_.stop_reason = e.what();
      batch.clear();
      return false;
    } catch (const store::StoreError&) {
      // Something in the batch broke inside the store: redo it one form per
      // transaction so the good ones land and the bad one is named. Each
      // form is checked again, in the same order, against what is stored.
      t = Tally{};
      for (size_t i = 0; i < batch.size(); ++i) {
        const Pending& p = batch[i];
        try {
          store_.InTransaction([&] {
            ReceptionBatch held;
            ReceiveOne(p, false, t, held);
            t.documents += held.Materialise(store_, ctx_);
          });
        } catch (const store::StoreUnavailable& e) {
          Forget({batch.begin() + static_cast<std::ptrdiff_t>(i), batch.end()});
          report_.stopped_at_line = p.line;
          report_.stop_reason = e.what();
          batch.clear();
          return false;
        } catch (const store::StoreError& e) {
          Forget({p});
          t = Tally{};
          ++report_.rejected;
          Keep(report_.errors, {p.line, "", std::string("not stored: ") + e.what()});
          continue;
        }
        Merge(t);
      }
    }
    acknowledged_ += static_cast<int64_t>(batch.size());
    batch.clear();
    if (o_.on_progress) {
      o_.on_progress(progress);
    }
    HoldAfterCommittedBatchIfAsked();  // tests only (fault_hold.hpp)
    return true;
  }

  store::Store& store_;
  intake::SubmissionReader& reader_;
  const ImportOptions& o_;
  ReceptionContext ctx_;
  ImportReport report_;
  int64_t acknowledged_ = 0;
  // Writing thread: the lines whose forms were not stored, and for the first
  // line of a 受付番号 among them, the line that took the id after it.
  std::unordered_set<int64_t> forgotten_;
  std::unordered_map<int64_t, int64_t> stand_in_;
  // Read-ahead thread only (one batch at a time): the 受付番号, 記号・番号
  // and persons of the forms of the batch being read and of the one before
  // it (LookUpRows), and whether rows read ahead can still be trusted at all.
  SeenSet seen_now_, seen_before_;                       // this batch's forms, the previous batch's
  std::unordered_map<std::string, int64_t> first_line_;  // 受付番号 → first line with it
  bool rows_ahead_ = true;
};

}  // namespace

ImportReport ImportSubmissions(store::Store& store, intake::SubmissionReader& reader,
                               const ImportOptions& options) {
  return Importer(store, reader, options).Run();
}

}  // namespace onshi::intermediate
