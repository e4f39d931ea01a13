#include "intermediate/importer.hpp"

#include <unordered_map>

namespace onshi::intermediate {
namespace {

struct Pending {
  int64_t line = 0;
  Submission form;
};

// Counts of one batch, merged into the report only once the batch commits.
struct Tally {
  int64_t queued = 0, already = 0, rejected = 0, registration = 0, documents = 0;
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

    std::vector<Pending> batch;
    batch.reserve(static_cast<std::size_t>(o_.batch_size));
    while (std::optional<intake::ReadRecord> rec = reader_.Next()) {
      ++report_.records;
      if (!rec->errors.empty()) {
        Refuse(rec->errors, rec->line);
        continue;
      }
      auto form = ReadSubmission(rec->raw, o_.received_on);
      if (!form.ok()) {
        Refuse(form.error(), rec->line);
        continue;
      }
      batch.push_back({rec->line, std::move(form).value()});
      if (static_cast<int>(batch.size()) >= o_.batch_size && !Flush(batch)) {
        return std::move(report_);
      }
    }
    Flush(batch);
    return std::move(report_);
  }

 private:
  void Refuse(const std::vector<FieldError>& errors, int64_t line) {
    ++report_.rejected;
    for (const FieldError& e : errors)
      Keep(report_.errors, {line, e.field, e.reason});
  }

  void Keep(std::vector<FieldError>& list, FieldError e) {
    if (list.size() < o_.max_errors_kept) list.push_back(std::move(e));
  }

  // Receives one form into `t`. A submission id used twice in one file is an
  // error in the file (the second line is not the same form re-sent).
  void ReceiveOne(const Pending& p, Tally& t) {
    auto [it, fresh] = first_line_.try_emplace(p.form.submission_id, p.line);
    if (!fresh && it->second != p.line) {
      ++t.rejected;
      t.errors.push_back(
          {p.line, "submission_id",
           "受付番号 " + p.form.submission_id + " is also on line " + std::to_string(it->second)});
      return;
    }
    ReceiveOutcome out = Receive(store_, p.form, ctx_);
    switch (out.status) {
      case ReceiveStatus::kQueued:
        ++t.queued;
        t.documents += out.documents_issued;
        break;
      case ReceiveStatus::kAlreadyReceived:
        ++t.already;
        break;
      case ReceiveStatus::kRegistrationError:
        ++t.registration;
        for (FieldError& e : out.errors)
          t.problems.push_back({p.line, e.field, e.reason});
        break;
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
    report_.registration_errors += t.registration;
    report_.documents_issued += t.documents;
    for (FieldError& e : t.errors)
      Keep(report_.errors, std::move(e));
    for (FieldError& e : t.problems)
      Keep(report_.registration_problems, std::move(e));
    t = Tally{};
  }

  void Forget(const std::vector<Pending>& batch) {
    for (const Pending& p : batch) {
      auto it = first_line_.find(p.form.submission_id);
      if (it != first_line_.end() && it->second == p.line) first_line_.erase(it);
    }
  }

  // False when the database stopped taking writes: the import ends there.
  bool Flush(std::vector<Pending>& batch) {
    if (batch.empty()) return true;
    Tally t;
    try {
      store_.InTransaction([&] {
        for (const Pending& p : batch)
          ReceiveOne(p, t);
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
      // transaction so the good ones land and the bad one is named.
      Forget(batch);
      t = Tally{};
      for (size_t i = 0; i < batch.size(); ++i) {
        const Pending& p = batch[i];
        try {
          store_.InTransaction([&] { ReceiveOne(p, t); });
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
      o_.on_progress({report_.records, reader_.bytes_read(), reader_.total_bytes()});
    }
    return true;
  }

  store::Store& store_;
  intake::SubmissionReader& reader_;
  const ImportOptions& o_;
  ReceptionContext ctx_;
  ImportReport report_;
  int64_t acknowledged_ = 0;
  std::unordered_map<std::string, int64_t> first_line_;  // submission id → its line
};

}  // namespace

ImportReport ImportSubmissions(store::Store& store, intake::SubmissionReader& reader,
                               const ImportOptions& options) {
  return Importer(store, reader, options).Run();
}

}  // namespace onshi::intermediate
