#include "store/postgres/pg_store.hpp"

#include <algorithm>
#include <optional>
#include <unordered_map>
#include <utility>

#include "core/hex.hpp"
#include "store/postgres/clinical_pg.hpp"
#include "store/postgres/pg_conn.hpp"
#include "store/postgres/pg_migrations.hpp"

namespace onshi::store::postgres {
namespace {

// Every write transaction holds this transaction-level advisory lock
// (advisory locks are per database, so databases sharing a server do not
// contend). The key is arbitrary but fixed: "onshi" in ASCII.
constexpr const char* kBeginWrite = "BEGIN; SELECT pg_advisory_xact_lock(478594426985)";

constexpr const char* kMemberColumns =
    "member_id, person_id, m.insurer_number, symbol, number, branch, personal_family, "
    "card_classification, birth_date, sex, acquired, lost, loss_reason, copay_percent, "
    "elderly_certificate_date, elderly_valid_from, elderly_valid_until, elderly_copay_percent, "
    "linkage, submitted_on, linked_on, registration_error, COALESCE(i.name, ''), sex2, "
    "copay_filed, card_issued_on, card_valid_until";

constexpr const char* kMemberFrom = " FROM members m LEFT JOIN insurers i USING (insurer_number)";

constexpr const char* kCardColumns =
    "card_id, person_id, kind, application_date, issued_on, card_expires_on, cert_serial, "
    "cert_issued_on, cert_expires_on, status, pin_failures, face_only, insurance_registered_on, "
    "registration_channel, cert_fingerprint";

constexpr const char* kBulkColumns =
    "reception_number, facility_code, kind, done, items, submitted_at, request, normal, errors, "
    "completed_at";

constexpr const char* kReaderColumns =
    "reader_id, facility_code, name, public_jwk, registered_at, revoked_at";

// The benefits a form filed come with it (columns 25 on, NULL or '' when
// none).
constexpr const char* kSubmissionColumns =
    "seq, insurer_number, submission_id, form, state, received_on, due_on, person_id, member_id, "
    "symbol, number, branch, s.name, name_kana, birth_date, sex, postcode, address, event_date, "
    "loss_reason, certificate_wanted, copay_percent, error_fields, error, linked_on, "
    "content_digest, card_classification, card_issued_on, card_valid_until, name_of_other, "
    "name_of_other_kana, "
    "sex2, elderly_certificate_date, elderly_valid_from, elderly_valid_until, "
    "elderly_copay_percent, limit_classification, limit_category, limit_certificate_date, "
    "limit_valid_from, limit_valid_until, limit_long_term_date, disease_category, "
    "disease_certificate_date, disease_valid_from, disease_valid_until, disease_self_pay";
constexpr const char* kSubmissionFrom =
    " FROM submissions s LEFT JOIN submission_benefits b USING (seq)";

constexpr const char* kRegistryEventColumns =
    "seq, person_id, kind, effective_on, recorded_on, municipality, name_before, "
    "name_kana_before, postcode_before, address_before";

constexpr const char* kAuditColumns = "seq, at, actor, action, person_id, detail, prev_hash, hash";

constexpr const char* kDocumentColumns =
    "document_id, member_id, kind, reason, issued_on, valid_until, returned_on, form, "
    "subject_document_id, printed_on";

constexpr const char* kPersonColumns =
    "person_id, name, name_kana, birth_date, sex, postcode, address, died_on, municipality";

std::string Select(const char* columns, const std::string& rest) {
  return std::string("SELECT ") + columns + rest;
}

class PgStore final : public Store {
 public:
  PgStore(const std::string& conninfo, MyNumberVault vault)
      : conn_(conninfo), vault_(std::move(vault)), clinical_(MakePgClinicalStore(conn_, *this)) {}

  ClinicalStore& Clinical() override { return *clinical_; }

  void Migrate() override {
    // Up to date already: no writer lock needed (an import may hold it).
    {
      Result r =
          conn_.Run("migrations_table", "SELECT to_regclass('schema_migrations') IS NOT NULL");
      // Counted by version, not compared with the highest: numbers may be
      // reserved ahead, and a database that has 7 must still get 5 and 6.
      if (r.rows() > 0 && r.Bool(0, 0)) {
        RefuseUnknownMigrations();
        if (AppliedKnownMigrations() == Migrations().size()) return;
      }
    }
    for (const Migration& m : Migrations()) {
      // Each migration in its own write transaction. The writer lock is
      // taken before anything is read, so when two processes start at once
      // the second waits, then finds the version recorded and skips it.
      // (CREATE TABLE IF NOT EXISTS alone is not safe to race in
      // PostgreSQL: both can pass the check and one fails on pg_type.)
      InTransaction([&] {
        conn_.Exec(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
            "name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
        Result r =
            conn_.Run("migration_applied", "SELECT 1 FROM schema_migrations WHERE version = $1",
                      Params().Add(m.version));
        if (r.rows() > 0) return;
        conn_.Exec(m.sql);
        conn_.Run("migration_record",
                  "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                  Params().Add(m.version).Add(m.name));
      });
    }
  }

  // A database that recorded a migration this build does not have was made
  // by a newer onshi: refused rather than used (issue 21), as in SQLite.
  void RefuseUnknownMigrations() {
    std::string list;
    for (const Migration& m : Migrations())
      list += (list.empty() ? "" : ", ") + std::to_string(m.version);
    Result r = conn_.Run("unknown_migrations",
                         "SELECT COALESCE(MAX(version), 0) FROM schema_migrations WHERE version "
                         "NOT IN (" +
                             list + ")");
    if (r.rows() > 0 && r.Int(0, 0) > 0) {
      throw StoreError(
          "the database has schema migration " + std::to_string(r.Int(0, 0)) +
          ", which this onshi does not know: it was written by a newer onshi (this one knows "
          "migrations up to " +
          std::to_string(Migrations().back().version) + "); open it with that version or later");
    }
  }

  size_t AppliedKnownMigrations() {
    std::string list;
    for (const Migration& m : Migrations())
      list += (list.empty() ? "" : ", ") + std::to_string(m.version);
    Result r = conn_.Run("applied_known_migrations",
                         "SELECT COUNT(*) FROM schema_migrations WHERE version IN (" + list + ")");
    return r.rows() > 0 ? static_cast<size_t>(r.Int(0, 0)) : 0;
  }

  bool IsReplica() override { return conn_.InRecovery(); }

  std::string KeyedDigest(std::string_view text) override { return vault_.Digest(text); }

  int SchemaVersion() override {
    Result r =
        conn_.Run("schema_version", "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    return r.rows() > 0 ? static_cast<int>(r.Int(0, 0)) : 0;
  }

  void InTransaction(const std::function<void()>& fn) override {
    if (depth_ > 0) {  // join the outer transaction
      ++depth_;
      try {
        fn();
      } catch (...) {
        --depth_;
        throw;
      }
      --depth_;
      return;
    }
    depth_ = 1;
    audit_head_.reset();
    int64_t epoch_at_start = epoch_seen_;  // CommitsByOthers, when counted
    try {
      // PostgreSQL's equivalent of SQLite's BEGIN IMMEDIATE: the advisory
      // lock admits one write transaction at a time, taken before fn reads
      // anything, so a read-then-write inside fn (the audit chain head,
      // callers' "is this 枝番 taken?" checks) cannot race another writer.
      // READ COMMITTED then makes each statement see everything committed
      // before the lock was granted. Readers (InReadSnapshot) never take
      // it. SERIALIZABLE would allow concurrent writers, but its failures
      // must be retried by re-running fn, which callers' side effects
      // (counters, reports) do not allow.
      conn_.Begin(kBeginWrite);
      if (epoch_tracked_) epoch_at_start = SeeWriteEpoch();
      fn();
      depth_ = 0;
      audit_head_.reset();
      // A statement that failed inside fn (and was caught there) has
      // aborted the transaction; COMMIT would then roll back silently.
      if (conn_.InFailedTransaction()) {
        throw StoreError("transaction not committed: a statement in it failed");
      }
      // This transaction's own bumps, read while the lock still keeps
      // everyone else out, so that they are not counted as others'.
      if (epoch_tracked_) epoch_seen_ = ReadWriteEpoch();
      conn_.Commit();
    } catch (...) {
      depth_ = 0;
      audit_head_.reset();
      // Rolled back, or perhaps not (a COMMIT whose answer was lost): count
      // one write by others, which only ever costs the importer a re-read.
      if (epoch_tracked_) {
        epoch_seen_ = epoch_at_start;
        ++others_;
      }
      conn_.Rollback();
      throw;
    }
  }

  // PostgreSQL has no data_version: the count is kept from write_epoch
  // (migration 19), which every statement writing members, their children,
  // submissions or their benefits bumps, whoever runs it. The first call
  // starts the count; from then on this connection reads the epoch at the
  // start of each of its write transactions (under the writers' lock, so
  // what it sees is everything committed before) and again before it
  // commits, and counts as others' every bump in between its own.
  std::optional<int64_t> CommitsByOthers() override {
    if (depth_ > 0) {
      // Inside a transaction the lock keeps every writer out: the count
      // taken at its start still holds.
      if (!epoch_tracked_) return std::nullopt;
      return others_;
    }
    const int64_t n = ReadWriteEpoch();
    if (!epoch_tracked_) {
      epoch_tracked_ = true;
      epoch_seen_ = n;
    }
    others_ += n - epoch_seen_;
    epoch_seen_ = n;
    return others_;
  }

  int64_t ReadWriteEpoch() {
    return conn_.Run("write_epoch", "SELECT n FROM write_epoch WHERE id = 1").Int(0, 0);
  }
  // Reads the epoch and counts what others added since this connection last
  // saw it.
  int64_t SeeWriteEpoch() {
    const int64_t n = ReadWriteEpoch();
    others_ += n - epoch_seen_;
    epoch_seen_ = n;
    return n;
  }

  void InReadSnapshot(const std::function<void()>& fn) override {
    // Inside a transaction, fn simply joins it (as with SQLite). A write
    // transaction started inside a snapshot joins it too, but PostgreSQL
    // then refuses its writes: the snapshot is READ ONLY.
    if (depth_ > 0) return fn();
    depth_ = 1;
    try {
      // One snapshot for every statement in fn, taken at its first query;
      // READ ONLY takes no locks that could block a writer.
      conn_.Begin("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
      fn();
    } catch (...) {
      depth_ = 0;
      conn_.Rollback();
      throw;
    }
    depth_ = 0;
    conn_.Commit();
  }

  // --- persons -----------------------------------------------------------------
  int64_t AddPerson(const PersonRecord& p, const MyNumber& my_number) override {
    int64_t id = 0;
    InTransaction([&] {
      Params a;
      a.AddBytes(vault_.Key(my_number)).AddBytes(vault_.Seal(my_number));
      a.Add(p.name).Add(p.name_kana).Add(p.birth_date).Add(static_cast<int>(p.sex));
      a.Add(p.postcode).Add(p.address).Add(p.municipality);
      id = Write("add_person",
                 "INSERT INTO persons (my_number_key, my_number_sealed, name, name_kana, "
                 "birth_date, sex, postcode, address, municipality) "
                 "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING person_id",
                 a, "person with this My Number already exists")
               .Int(0, 0);
    });
    return id;
  }

  std::optional<PersonRecord> GetPerson(int64_t id) override {
    return ReadPerson(conn_.Run("get_person",
                                Select(kPersonColumns, " FROM persons WHERE person_id = $1"),
                                Params().Add(id)));
  }

  std::optional<PersonRecord> FindPersonByMyNumber(const MyNumber& n) override {
    return ReadPerson(conn_.Run("find_person",
                                Select(kPersonColumns, " FROM persons WHERE my_number_key = $1"),
                                Params().AddBytes(vault_.Key(n))));
  }

  std::vector<PersonRecord> PersonsBornOn(std::string_view municipality, Date birth_date,
                                          int limit) override {
    const Result r = conn_.Run(
        "persons_born_on",
        Select(kPersonColumns,
               " FROM persons WHERE municipality = $1 AND birth_date = $2 ORDER BY person_id "
               "LIMIT $3"),
        Params().Add(std::string(municipality)).Add(birth_date).Add(int64_t{limit}));
    std::vector<PersonRecord> out;
    for (int i = 0; i < r.rows(); ++i)
      out.push_back(PersonAt(r, i));
    return out;
  }

  std::optional<MyNumber> RevealMyNumber(int64_t person_id) override {
    Result r = conn_.Run("reveal", "SELECT my_number_sealed FROM persons WHERE person_id = $1",
                         Params().Add(person_id));
    if (r.rows() == 0) return std::nullopt;
    std::optional<MyNumber> out = vault_.Open(r.Bytes(0, 0));
    if (!out) {
      throw StoreError("sealed My Number of person " + std::to_string(person_id) +
                       " cannot be opened with this key file");
    }
    return out;
  }

  void UpdatePerson(const PersonRecord& p) override {
    InTransaction([&] {
      Params a;
      a.Add(p.name).Add(p.name_kana).Add(p.postcode).Add(p.address).Add(p.died_on);
      a.Add(p.municipality).Add(p.person_id);
      Result r = Write("update_person",
                       "UPDATE persons SET name = $1, name_kana = $2, postcode = $3, address = $4, "
                       "died_on = $5, municipality = $6 WHERE person_id = $7",
                       a, "person update rejected");
      if (r.affected() != 1) {
        throw StoreError("no person with person_id " + std::to_string(p.person_id));
      }
    });
  }

  int64_t AddRegistryEvent(const RegistryEventRecord& e) override {
    int64_t seq = 0;
    InTransaction([&] {
      Params a;
      a.Add(e.person_id).Add(RegistryEventCode(e.kind)).Add(e.effective_on).Add(e.recorded_on);
      a.Add(e.municipality).Add(e.name_before).Add(e.name_kana_before).Add(e.postcode_before);
      a.Add(e.address_before);
      seq = Write("add_registry_event",
                  "INSERT INTO registry_events (person_id, kind, effective_on, recorded_on, "
                  "municipality, name_before, name_kana_before, postcode_before, address_before) "
                  "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING seq",
                  a, "registry event rejected (unknown person?)")
                .Int(0, 0);
    });
    return seq;
  }

  std::vector<RegistryEventRecord> RegistryEventsOf(int64_t person_id) override {
    Result r = conn_.Run("registry_events_of",
                         Select(kRegistryEventColumns,
                                " FROM registry_events WHERE person_id = $1 "
                                "ORDER BY effective_on, seq"),
                         Params().Add(person_id));
    std::vector<RegistryEventRecord> out;
    for (int i = 0; i < r.rows(); ++i) {
      Row s(r, i);
      RegistryEventRecord e;
      e.seq = s.Int(0);
      e.person_id = s.Int(1);
      auto kind = ParseRegistryEvent(s.Text(2));
      if (!kind) throw StoreError("stored registry event kind is unknown");
      e.kind = *kind;
      e.effective_on = s.DateAt(3);
      e.recorded_on = s.DateAt(4);
      e.municipality = s.Text(5);
      e.name_before = s.Text(6);
      e.name_kana_before = s.Text(7);
      e.postcode_before = s.Text(8);
      e.address_before = s.Text(9);
      out.push_back(std::move(e));
    }
    return out;
  }

  // --- insurers, facilities ------------------------------------------------------
  void PutInsurer(const InsurerRecord& r) override {
    InTransaction([&] {
      Params a;
      a.Add(r.insurer_number).Add(r.name).Add(r.category).Add(r.link_lag_business_days);
      a.AddBool(r.holders_may_get_certificate).Add(r.certificate_validity_years);
      a.Add(CertificateFormName(r.certificate_form));
      Write("put_insurer",
            "INSERT INTO insurers (insurer_number, name, category, link_lag_business_days, "
            "holders_may_get_certificate, certificate_validity_years, certificate_form) "
            "VALUES ($1,$2,$3,$4,$5,$6,$7) "
            "ON CONFLICT (insurer_number) DO UPDATE SET name=excluded.name, "
            "category=excluded.category, link_lag_business_days=excluded.link_lag_business_days, "
            "holders_may_get_certificate=excluded.holders_may_get_certificate, "
            "certificate_validity_years=excluded.certificate_validity_years, "
            "certificate_form=excluded.certificate_form",
            a, "invalid insurer");
    });
  }

  std::optional<InsurerRecord> GetInsurer(std::string_view number) override {
    return First(ReadInsurers(
        conn_.Run("get_insurer",
                  "SELECT insurer_number, name, category, link_lag_business_days, "
                  "holders_may_get_certificate, certificate_validity_years, certificate_form "
                  "FROM insurers WHERE insurer_number = $1",
                  Params().Add(number))));
  }

  std::vector<InsurerRecord> ListInsurers() override {
    return ReadInsurers(
        conn_.Run("list_insurers",
                  "SELECT insurer_number, name, category, link_lag_business_days, "
                  "holders_may_get_certificate, certificate_validity_years, certificate_form "
                  "FROM insurers ORDER BY insurer_number"));
  }

  void PutFacility(const FacilityRecord& f) override {
    InTransaction([&] {
      Write("put_facility",
            "INSERT INTO facilities (code, name, kind, smartphone_supported) VALUES ($1,$2,$3,$4) "
            "ON CONFLICT (code) DO UPDATE SET name=excluded.name, kind=excluded.kind, "
            "smartphone_supported=excluded.smartphone_supported",
            Params().Add(f.code).Add(f.name).Add(f.kind).AddBool(f.smartphone_supported),
            "invalid facility");
    });
  }

  std::optional<FacilityRecord> GetFacility(std::string_view code) override {
    Result r = conn_.Run(
        "get_facility",
        "SELECT code, name, kind, smartphone_supported::int FROM facilities WHERE code = $1",
        Params().Add(code));
    if (r.rows() == 0) return std::nullopt;
    return FacilityRecord{r.Text(0, 0), r.Text(0, 1), r.Text(0, 2), r.Text(0, 3) == "1"};
  }

  // --- members -------------------------------------------------------------------
  int64_t AddQualification(const Qualification& q) override {
    int64_t id = 0;
    InTransaction([&] {
      id = Write("add_member",
                 std::string(kInsertMember) + ValuesList(1, kMemberParams) + " RETURNING member_id",
                 MemberParams(q), kMemberRejected)
               .Int(0, 0);
      WriteChildren(id, q);
    });
    return id;
  }

  // --- multi-row writes (a reception batch, the linker) ------------------------------
  // As the SQLite store, at most 64 rows a statement: 64 members are 1,600
  // parameters, far below libpq's 65,535. Each statement is one round trip
  // instead of one a row, which on PostgreSQL is most of a row's cost.
  static constexpr size_t kRowsPerInsert = 64;
  static constexpr int kMemberParams = 25, kAttributeParams = 9, kSubmissionParams = 25,
                       kDocumentParams = 9;
  static constexpr const char* kInsertMember =
      "INSERT INTO members (person_id, insurer_number, symbol, number, branch, "
      "personal_family, card_classification, birth_date, sex, acquired, lost, "
      "loss_reason, copay_percent, elderly_certificate_date, elderly_valid_from, "
      "elderly_valid_until, elderly_copay_percent, linkage, submitted_on, linked_on, "
      "registration_error, sex2, copay_filed, card_issued_on, card_valid_until) VALUES ";
  static constexpr const char* kMemberRejected =
      "qualification rejected (duplicate 記号・番号・枝番 for this insurer, or unknown "
      "person/insurer)";
  static constexpr const char* kInsertAttributes =
      "INSERT INTO member_attributes (member_id, effective_from, name, name_kana, insured_name, "
      "postcode, address, name_of_other, name_of_other_kana) VALUES ";
  static constexpr const char* kAttributesRejected =
      "member attributes rejected (two changes effective the same day?)";
  static constexpr const char* kInsertSubmission =
      "INSERT INTO submissions (insurer_number, submission_id, form, state, received_on, "
      "due_on, person_id, member_id, symbol, number, branch, name, name_kana, birth_date, sex, "
      "postcode, address, event_date, loss_reason, certificate_wanted, copay_percent, "
      "error_fields, error, linked_on, content_digest) VALUES ";
  static constexpr const char* kInsertDocument =
      "INSERT INTO documents (member_id, kind, reason, issued_on, valid_until, returned_on, "
      "form, subject_document_id, printed_on) VALUES ";

  // "($1,…,$k),($k+1,…,$2k),…" for `rows` rows of `columns` parameters.
  static std::string ValuesList(size_t rows, int columns) {
    std::string out;
    int n = 0;
    for (size_t r = 0; r < rows; ++r) {
      out += r == 0 ? "(" : ",(";
      for (int c = 0; c < columns; ++c) {
        if (c > 0) out += ',';
        out += '$';
        out += std::to_string(++n);
      }
      out += ')';
    }
    return out;
  }

  // Inserts `count` rows, at most kRowsPerInsert a statement: `bind(i, a)`
  // appends row i's parameters, `read(first, rows, r)` takes what the
  // statement for rows [first, first + rows) returned.
  template <class Bind, class Read>
  void InsertRows(const std::string& name, const std::string& insert, int columns,
                  const std::string& returning, size_t count, Bind bind, Read read,
                  const std::string& what) {
    for (size_t first = 0; first < count; first += kRowsPerInsert) {
      const size_t rows = std::min(kRowsPerInsert, count - first);
      Params a;
      for (size_t i = first; i < first + rows; ++i)
        bind(i, a);
      // One prepared statement per row count: the full chunk and the tails.
      const Result r = Write(name + "_" + std::to_string(rows),
                             insert + ValuesList(rows, columns) + returning, a, what);
      read(first, rows, r);
    }
  }

  // PostgreSQL returns an INSERT … VALUES' rows in the order of the list;
  // the returned keys are compared with the rows' own all the same, so that
  // an id never lands on another row.
  static void ExpectRow(bool same, const char* table) {
    if (!same) throw StoreError(std::string(table) + ": the rows came back in another order");
  }

  // Gives items [first, first + rows) the ids (column 0) of a chunk's
  // RETURNING rows, each row checked against its item by `same(r, row, item)`.
  template <class T, class Same>
  static void TakeIds(std::vector<T>& items, size_t first, size_t rows, const Result& r,
                      const char* table, Same same, int64_t T::*id) {
    ExpectRow(static_cast<size_t>(r.rows()) == rows, table);
    for (size_t j = 0; j < rows; ++j) {
      T& item = items[first + j];
      const int row = static_cast<int>(j);
      ExpectRow(same(r, row, item), table);
      item.*id = r.Int(row, 0);
    }
  }

  void AddQualifications(std::vector<Qualification>& qs) override {
    if (qs.empty()) return;
    InTransaction([&] {
      InsertRows(
          "add_members", kInsertMember, kMemberParams,
          " RETURNING member_id, symbol, number, branch", qs.size(),
          [&](size_t i, Params& a) { BindMember(a, qs[i]); },
          [&](size_t first, size_t rows, const Result& r) {
            TakeIds(
                qs, first, rows, r, "members",
                [](const Result& res, int row, const Qualification& q) {
                  return res.Text(row, 1) == q.symbol && res.Text(row, 2) == q.number &&
                         res.Text(row, 3) == q.branch;
                },
                &Qualification::member_id);
          },
          kMemberRejected);
      std::vector<std::pair<int64_t, const MemberAttributes*>> attributes;
      for (const Qualification& q : qs)
        for (const MemberAttributes& at : q.attributes)
          attributes.emplace_back(q.member_id, &at);
      InsertRows(
          "add_attrs", kInsertAttributes, kAttributeParams, "", attributes.size(),
          [&](size_t i, Params& a) {
            BindAttributes(a, attributes[i].first, *attributes[i].second);
          },
          [](size_t, size_t, const Result&) {}, kAttributesRejected);
      for (const Qualification& q : qs)
        WriteCertificates(q.member_id, q);
    });
  }

  void UpdateQualification(const Qualification& q) override {
    InTransaction([&] {
      Params a = MemberParams(q);
      a.Add(q.member_id);
      Result r = Write("update_member",
                       "UPDATE members SET person_id=$1, insurer_number=$2, symbol=$3, number=$4, "
                       "branch=$5, personal_family=$6, card_classification=$7, birth_date=$8, "
                       "sex=$9, acquired=$10, lost=$11, loss_reason=$12, copay_percent=$13, "
                       "elderly_certificate_date=$14, elderly_valid_from=$15, "
                       "elderly_valid_until=$16, elderly_copay_percent=$17, linkage=$18, "
                       "submitted_on=$19, linked_on=$20, registration_error=$21, sex2=$22, "
                       "copay_filed=$23, card_issued_on=$24, card_valid_until=$25 "
                       "WHERE member_id=$26",
                       a, "qualification update rejected");
      if (r.affected() != 1) {
        throw StoreError("no qualification with member_id " + std::to_string(q.member_id));
      }
      for (const char* table : {"member_attributes", "member_limits", "member_diseases"}) {
        conn_.Run(std::string("delete_") + table,
                  std::string("DELETE FROM ") + table + " WHERE member_id = $1",
                  Params().Add(q.member_id));
      }
      WriteChildren(q.member_id, q);
    });
  }

  // The distinct keys of a batched read in first-seen order (`first`: where
  // each was first given), and for every key given, its place among them.
  struct Distinct {
    std::vector<std::string> keys;
    std::vector<size_t> first;
    std::vector<size_t> at;
    std::vector<int> uses;  // how often each distinct key was given
    explicit Distinct(const std::vector<std::string>& given) {
      std::unordered_map<std::string_view, size_t> seen;
      at.reserve(given.size());
      for (size_t i = 0; i < given.size(); ++i) {
        const auto [it, added] = seen.try_emplace(given[i], keys.size());
        if (added) {
          keys.push_back(given[i]);
          first.push_back(i);
          uses.push_back(0);
        }
        at.push_back(it->second);
        ++uses[it->second];
      }
    }
    // The distinct keys as an array literal ({"a","b"}: text[], or bigint[]
    // when they are decimal).
    std::string Array() const { return TextArray(keys); }
    // The answer of each key given, from the answers of the distinct keys.
    template <class T>
    std::vector<T> Spread(std::vector<T>&& answers) const {
      std::vector<T> out;
      out.reserve(at.size());
      for (size_t k : at) {
        // A key given once (the usual case) gives its answer away.
        out.push_back(uses[k] == 1 ? std::move(answers[k]) : answers[k]);
      }
      return out;
    }
  };

  static std::vector<std::string> Decimal(const std::vector<int64_t>& ids) {
    std::vector<std::string> out;
    out.reserve(ids.size());
    for (int64_t id : ids)
      out.push_back(std::to_string(id));
    return out;
  }

  // A read for many keys: for each row of `keys` (an unnest … WITH
  // ORDINALITY AS k (…, n)), `columns` of the rows `probe` finds for it
  // (FROM … WHERE …, naming the key's columns as k.…), then n, ordered by
  // n and then `order` (", x.column…"). The probe is a LATERAL subquery
  // that cannot be pulled up (OFFSET 0), so each key is one index probe:
  // as a join, a table that grew since it was last analysed (an import's
  // submissions) was hashed whole for every batch.
  static std::string PerKey(const char* keys, const char* columns, const std::string& probe,
                            const char* order) {
    return std::string("SELECT x.*, k.n FROM ") + keys + " CROSS JOIN LATERAL (SELECT " + columns +
           probe + " OFFSET 0) x ORDER BY k.n" + order;
  }

  // PerKey over the distinct person ids of `d`, named k.kperson.
  Result PerPerson(const char* name, const Distinct& d, const char* columns,
                   const std::string& probe, const char* order) {
    return conn_.Run(
        name,
        PerKey("unnest($1::bigint[]) WITH ORDINALITY AS k (kperson, n)", columns, probe, order),
        Params().Add(std::string_view(d.Array())));
  }

  // The ordinality a batched read put in its last column, as an index.
  static size_t Place(const Result& r, int row) {
    return static_cast<size_t>(r.Int(row, r.columns() - 1) - 1);
  }

  // kMemberColumns rows with the ordinality last, ordered by it: the members
  // of each of `count` keys, their child rows read once for all.
  std::vector<std::vector<Qualification>> Grouped(const Result& r, size_t count) {
    std::vector<Qualification> all = ReadMembers(r);
    std::vector<std::vector<Qualification>> out(count);
    for (int i = 0; i < r.rows(); ++i)
      out[Place(r, i)].push_back(std::move(all[static_cast<size_t>(i)]));
    return out;
  }

  // A text[] literal, {"a","b"}, bound as one text parameter: each element
  // quoted, its backslashes and double quotes escaped (PostgreSQL's array
  // input), so any text arrives as it was.
  static std::string TextArray(const std::vector<std::string>& v) {
    std::string out = "{";
    for (const std::string& e : v) {
      if (out.size() > 1) out += ',';
      out += '"';
      for (char c : e) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
      }
      out += '"';
    }
    return out + "}";
  }

  // A bigint[] literal, "{1,2,3}", bound as one text parameter.
  static std::string IdArray(const std::vector<int64_t>& ids) {
    std::string out = "{";
    for (int64_t id : ids) {
      if (out.size() > 1) out += ',';
      out += std::to_string(id);
    }
    return out + "}";
  }

  void SetLinkages(const std::vector<int64_t>& ids, LinkageState state,
                   std::optional<Date> linked_on, std::string_view error) override {
    if (ids.empty()) return;
    InTransaction([&] {
      Result r = Write("set_linkages",
                       "UPDATE members SET linkage = $1, linked_on = $2, registration_error = $3 "
                       "WHERE member_id = ANY($4::bigint[])",
                       Params()
                           .Add(LinkageStateName(state))
                           .Add(linked_on)
                           .Add(error)
                           .Add(std::string_view(IdArray(ids))),
                       "linkage update rejected");
      if (r.affected() != static_cast<int>(ids.size())) {
        throw StoreError("a qualification of this batch is not stored");
      }
    });
  }

  std::vector<int64_t> MissingQualifications(const std::vector<int64_t>& ids) override {
    std::vector<int64_t> missing;
    if (ids.empty()) return missing;
    Result r = conn_.Run("missing_members",
                         // A scalar subquery: one probe a key (PerKey says why).
                         "SELECT id FROM unnest($1::bigint[]) WITH ORDINALITY AS t (id, n) "
                         "WHERE (SELECT 1 FROM members WHERE member_id = t.id) IS NULL ORDER BY n",
                         Params().Add(std::string_view(IdArray(ids))));
    for (int i = 0; i < r.rows(); ++i)
      missing.push_back(r.Int(i, 0));
    return missing;
  }

  bool HasQualification(int64_t member_id) override {
    return conn_
               .Run("has_member", "SELECT 1 FROM members WHERE member_id = $1",
                    Params().Add(member_id))
               .rows() > 0;
  }

  std::optional<Qualification> GetQualification(int64_t member_id) override {
    return First(ReadMembers(conn_.Run(
        "get_member", Select(kMemberColumns, std::string(kMemberFrom) + " WHERE member_id = $1"),
        Params().Add(member_id))));
  }

  std::vector<Qualification> FindByCardKeys(std::string_view insurer, std::string_view number,
                                            Date birth) override {
    return ReadMembers(
        conn_.Run("find_by_card",
                  Select(kMemberColumns, std::string(kMemberFrom) +
                                             " WHERE m.insurer_number = $1 AND number = $2 AND "
                                             "birth_date = $3 ORDER BY member_id"),
                  Params().Add(insurer).Add(number).Add(birth)));
  }

  std::vector<int64_t> FindPersonsByCardKeys(std::string_view insurer, std::string_view number,
                                             Date birth) override {
    Result r = conn_.Run("persons_by_card",
                         "SELECT DISTINCT person_id FROM members WHERE insurer_number = $1 AND "
                         "number = $2 AND birth_date = $3 ORDER BY person_id",
                         Params().Add(insurer).Add(number).Add(birth));
    std::vector<int64_t> out;
    for (int i = 0; i < r.rows(); ++i)
      out.push_back(r.Int(i, 0));
    return out;
  }

  std::vector<Qualification> QualificationsOfPerson(int64_t person_id) override {
    return ReadMembers(conn_.Run(
        "member_of_person",
        Select(kMemberColumns,
               std::string(kMemberFrom) + " WHERE person_id = $1 ORDER BY acquired, member_id"),
        Params().Add(person_id)));
  }

  std::vector<int64_t> PersonsWithReferenceNumbers(int64_t after, int64_t through) override {
    Result r = conn_.Run("persons_with_reference_numbers",
                         "SELECT DISTINCT person_id FROM reference_numbers"
                         " WHERE person_id > $1 AND person_id <= $2 ORDER BY person_id",
                         Params().Add(after).Add(through));
    std::vector<int64_t> out;
    for (int i = 0; i < r.rows(); ++i)
      out.push_back(r.Int(i, 0));
    return out;
  }

  std::optional<Date> DailyJobDoneOn(std::string_view job) override {
    Result r = conn_.Run("daily_job_done_on", "SELECT done_on::text FROM daily_jobs WHERE job = $1",
                         Params().Add(job));
    if (r.rows() == 0) return std::nullopt;
    return r.DateAt(0, 0);
  }

  void SetDailyJobDone(std::string_view job, Date on) override {
    conn_.Run("set_daily_job_done",
              "INSERT INTO daily_jobs (job, done_on) VALUES ($1, $2)"
              " ON CONFLICT (job) DO UPDATE SET done_on = excluded.done_on",
              Params().Add(job).Add(on));
  }

  std::vector<Qualification> QualificationsOfPersons(int64_t after, int64_t through) override {
    return ReadMembers(
        conn_.Run("members_of_persons",
                  Select(kMemberColumns, std::string(kMemberFrom) +
                                             " WHERE person_id > $1 AND person_id <= $2"
                                             " ORDER BY person_id, acquired, member_id"),
                  Params().Add(after).Add(through)));
  }

  int64_t LastPersonId() override {
    return conn_.Run("last_person", "SELECT COALESCE(MAX(person_id), 0) FROM persons").Int(0, 0);
  }

  // --- change feed -------------------------------------------------------------
  int64_t ChangeFeedHead() override {
    return conn_
        .Run("change_head",
             "SELECT GREATEST((SELECT COALESCE(MAX(seq), 0) FROM changes), "
             "(SELECT trimmed_through FROM change_feed))")
        .Int(0, 0);
  }

  ChangePage ReadChanges(int64_t after_seq, int limit) override {
    // One statement, so one snapshot: the trimmed mark with the rows.
    Result r =
        conn_.Run("read_changes",
                  "SELECT 0::bigint, trimmed_through FROM change_feed UNION ALL "
                  "(SELECT seq, person_id FROM changes WHERE seq > $1 ORDER BY seq LIMIT $2)",
                  Params().Add(after_seq).Add(limit));
    ChangePage page;
    for (int i = 0; i < r.rows(); ++i) {
      if (r.Int(i, 0) == 0) {
        page.trimmed_through = r.Int(i, 1);
      } else {
        page.changes.push_back({r.Int(i, 0), r.Int(i, 1)});
      }
    }
    // UNION ALL promises no order.
    std::sort(page.changes.begin(), page.changes.end(),
              [](const ChangeRecord& a, const ChangeRecord& b) { return a.seq < b.seq; });
    return page;
  }

  void TrimChanges(int64_t through_seq) override {
    InTransaction([&] {
      conn_.Run("trim_changes", "DELETE FROM changes WHERE seq <= $1", Params().Add(through_seq));
      conn_.Run("trim_mark",
                "UPDATE change_feed SET trimmed_through = GREATEST(trimmed_through, $1)",
                Params().Add(through_seq));
    });
  }

  std::vector<Qualification> MembersOfInsurer(std::string_view insurer, Date lost_since,
                                              int64_t after_member_id, int limit) override {
    return ReadMembers(conn_.Run(
        "members_of_insurer",
        Select(kMemberColumns, std::string(kMemberFrom) +
                                   " WHERE m.insurer_number = $1 AND member_id > $2 AND "
                                   "(lost IS NULL OR lost >= $3) ORDER BY member_id LIMIT $4"),
        Params().Add(insurer).Add(after_member_id).Add(lost_since).Add(limit)));
  }

  std::optional<int64_t> FindMemberId(std::string_view insurer, std::string_view symbol,
                                      std::string_view number, std::string_view branch) override {
    Result r = conn_.Run("member_id_by_keys",
                         "SELECT member_id FROM members WHERE insurer_number = $1 AND symbol = $2 "
                         "AND number = $3 AND branch = $4",
                         Params().Add(insurer).Add(symbol).Add(number).Add(branch));
    if (r.rows() == 0) return std::nullopt;
    return r.Int(0, 0);
  }

  std::vector<Qualification> FindByInsuredNumber(std::string_view insurer, std::string_view symbol,
                                                 std::string_view number) override {
    return ReadMembers(conn_.Run(
        "by_insured_number",
        Select(kMemberColumns, std::string(kMemberFrom) +
                                   " WHERE m.insurer_number = $1 AND symbol = $2 AND number = $3"
                                   " ORDER BY branch, member_id"),
        Params().Add(insurer).Add(symbol).Add(number)));
  }

  void SetLinkage(int64_t member_id, LinkageState state, std::optional<Date> linked_on,
                  std::string_view error) override {
    InTransaction([&] {
      Result r =
          Write("set_linkage",
                "UPDATE members SET linkage = $1, linked_on = $2, registration_error = $3 "
                "WHERE member_id = $4",
                Params().Add(LinkageStateName(state)).Add(linked_on).Add(error).Add(member_id),
                "linkage update rejected");
      if (r.affected() != 1) {
        throw StoreError("no qualification with member_id " + std::to_string(member_id));
      }
    });
  }

  // --- intermediate server queue ----------------------------------------------------
  bool AddSubmission(SubmissionRecord& r) override {
    bool inserted = false;
    InTransaction([&] {
      Params a;
      BindSubmission(a, r);
      // RETURNING yields no row when the conflict clause skipped the insert.
      Result res = Write("add_submission",
                         std::string(kInsertSubmission) + ValuesList(1, kSubmissionParams) +
                             kSubmissionConflict + " RETURNING seq",
                         a, kSubmissionRejected);
      if (res.rows() == 0) return;
      r.seq = res.Int(0, 0);
      inserted = true;
      if (!r.benefits.empty()) AddBenefits(r.seq, r.benefits);
    });
    return inserted;
  }

  static constexpr const char* kSubmissionConflict =
      " ON CONFLICT (insurer_number, submission_id) DO NOTHING";
  static constexpr const char* kSubmissionRejected = "submission rejected (unknown insurer?)";

  bool AddSubmissions(std::vector<SubmissionRecord>& subs) override {
    bool all = true;
    if (subs.empty()) return all;
    std::vector<char> inserted(subs.size(), 0);
    InTransaction([&] {
      InsertRows(
          "add_submissions", kInsertSubmission, kSubmissionParams,
          std::string(kSubmissionConflict) + " RETURNING seq, submission_id", subs.size(),
          [&](size_t i, Params& a) { BindSubmission(a, subs[i]); },
          [&](size_t first, size_t rows, const Result& r) {
            // A row the conflict clause skipped returns nothing: the rows
            // returned are the chunk's with those left out, in order.
            int row = 0;
            for (size_t j = first; j < first + rows; ++j) {
              if (row < r.rows() && r.Text(row, 1) == subs[j].submission_id) {
                subs[j].seq = r.Int(row++, 0);
                inserted[j] = 1;
              } else {
                all = false;
              }
            }
            ExpectRow(row == r.rows(), "submissions");
          },
          kSubmissionRejected);
      for (size_t i = 0; i < subs.size(); ++i)
        if (inserted[i] && !subs[i].benefits.empty()) AddBenefits(subs[i].seq, subs[i].benefits);
    });
    return all;
  }

  // A submission row's 25 parameters, in kInsertSubmission's order.
  static void BindSubmission(Params& a, const SubmissionRecord& r) {
    a.Add(r.insurer_number).Add(r.submission_id).Add(FormKindCode(r.form));
    a.Add(LinkageStateName(r.state)).Add(r.received_on).Add(r.due_on);
    a.Add(r.person_id).Add(r.member_id).Add(r.symbol).Add(r.number);
    a.Add(r.branch).Add(r.name).Add(r.name_kana).Add(r.birth_date);
    a.Add(static_cast<int>(r.sex)).Add(r.postcode).Add(r.address).Add(r.event_date);
    if (r.loss_reason) {
      a.Add(LossReasonCode(*r.loss_reason));
    } else {
      a.AddNull();
    }
    a.AddBool(r.certificate_wanted);
    if (r.copay_percent) {
      a.Add(*r.copay_percent);
    } else {
      a.AddNull();
    }
    a.Add(r.error_fields).Add(r.error).Add(r.linked_on).Add(r.content_digest);
  }

  std::optional<SubmissionRecord> GetSubmission(std::string_view insurer,
                                                std::string_view submission_id) override {
    return First(ReadSubmissions(conn_.Run(
        "get_submission",
        Select(kSubmissionColumns,
               std::string(kSubmissionFrom) + " WHERE insurer_number = $1 AND submission_id = $2"),
        Params().Add(insurer).Add(submission_id))));
  }

  // --- reads for many keys at once (Store: "reads for many keys") -------------
  // Each asks for the distinct keys once, numbered by unnest … WITH
  // ORDINALITY, and answers every place a key was given.

  std::vector<std::optional<PersonRecord>> FindPersonsByMyNumbers(
      const std::vector<MyNumber>& my_numbers) override {
    std::vector<std::string> keys;
    keys.reserve(my_numbers.size());
    for (const MyNumber& n : my_numbers) {
      const std::string key = vault_.Key(n);
      keys.push_back(ToHex(reinterpret_cast<const unsigned char*>(key.data()), key.size()));
    }
    const Distinct d(keys);
    std::vector<std::optional<PersonRecord>> found(d.keys.size());
    const Result r =
        conn_.Run("find_persons",
                  PerKey("unnest($1::text[]) WITH ORDINALITY AS k (key, n)", kPersonColumns,
                         " FROM persons WHERE my_number_key = decode(k.key, 'hex')", ""),
                  Params().Add(std::string_view(d.Array())));
    for (int i = 0; i < r.rows(); ++i)
      found[Place(r, i)] = PersonAt(r, i);
    return d.Spread(std::move(found));
  }

  std::vector<std::optional<SubmissionRecord>> GetSubmissions(
      std::string_view insurer, const std::vector<std::string>& submission_ids) override {
    const Distinct d(submission_ids);
    std::vector<std::optional<SubmissionRecord>> found(d.keys.size());
    const Result r = conn_.Run(
        "get_submissions",
        PerKey("unnest($2::text[]) WITH ORDINALITY AS k (id, n)", kSubmissionColumns,
               std::string(kSubmissionFrom) + " WHERE insurer_number = $1 AND submission_id = k.id",
               ""),
        Params().Add(insurer).Add(std::string_view(d.Array())));
    std::vector<SubmissionRecord> rows = ReadSubmissions(r);
    for (int i = 0; i < r.rows(); ++i)
      found[Place(r, i)] = std::move(rows[static_cast<size_t>(i)]);
    return d.Spread(std::move(found));
  }

  std::vector<std::vector<Qualification>> FindByInsuredNumbers(
      std::string_view insurer, const std::vector<InsuredNumber>& keys) override {
    std::vector<std::string> joined;
    joined.reserve(keys.size());
    for (const InsuredNumber& k : keys)
      joined.push_back(k.symbol + '\x1f' + k.number);
    const Distinct d(joined);
    std::vector<std::string> symbols, numbers;
    for (size_t u : d.first)
      symbols.push_back(keys[u].symbol), numbers.push_back(keys[u].number);
    // Ordered as FindByInsuredNumber orders each key's members.
    const Result r = conn_.Run(
        "by_insured_numbers",
        PerKey("unnest($2::text[], $3::text[]) WITH ORDINALITY AS k (ksymbol, knumber, n)",
               kMemberColumns,
               std::string(kMemberFrom) +
                   " WHERE m.insurer_number = $1 AND symbol = k.ksymbol AND number = k.knumber",
               ", x.branch, x.member_id"),
        Params()
            .Add(insurer)
            .Add(std::string_view(TextArray(symbols)))
            .Add(std::string_view(TextArray(numbers))));
    return d.Spread(Grouped(r, d.keys.size()));
  }

  std::vector<std::vector<Qualification>> QualificationsOfEach(
      const std::vector<int64_t>& person_ids) override {
    const Distinct d(Decimal(person_ids));
    // Ordered as QualificationsOfPerson orders each person's members.
    const Result r = PerPerson("members_of_each", d, kMemberColumns,
                               std::string(kMemberFrom) + " WHERE person_id = k.kperson",
                               ", x.acquired, x.member_id");
    return d.Spread(Grouped(r, d.keys.size()));
  }

  std::vector<std::vector<CardRecord>> CardsOfEach(
      const std::vector<int64_t>& person_ids) override {
    const Distinct d(Decimal(person_ids));
    // Ordered as CardsOfPerson orders each person's cards.
    const Result r = PerPerson("cards_of_each", d, kCardColumns,
                               " FROM cards WHERE person_id = k.kperson", ", x.card_id");
    std::vector<CardRecord> all = ReadCards(r);
    std::vector<std::vector<CardRecord>> found(d.keys.size());
    for (int i = 0; i < r.rows(); ++i)
      found[Place(r, i)].push_back(std::move(all[static_cast<size_t>(i)]));
    return d.Spread(std::move(found));
  }

  std::vector<std::optional<LinkageState>> SubmissionStates(
      const std::vector<int64_t>& seqs) override {
    std::vector<std::optional<LinkageState>> out;
    if (seqs.empty()) return out;
    Result r = conn_.Run("submission_states",
                         // A scalar subquery: one probe a key (PerKey says why).
                         "SELECT (SELECT state FROM submissions s WHERE s.seq = t.seq) "
                         "FROM unnest($1::bigint[]) WITH ORDINALITY AS t (seq, n) ORDER BY t.n",
                         Params().Add(std::string_view(IdArray(seqs))));
    for (int i = 0; i < r.rows(); ++i) {
      if (r.IsNull(i, 0)) {
        out.push_back(std::nullopt);
        continue;
      }
      auto state = ParseLinkageStateName(r.Text(i, 0));
      if (!state) throw StoreError("stored submission state is unknown");
      out.push_back(state);
    }
    return out;
  }

  void SetSubmissionStates(const std::vector<int64_t>& seqs, LinkageState state,
                           std::optional<Date> linked_on) override {
    if (seqs.empty()) return;
    InTransaction([&] {
      Result r = Write(
          "set_submission_states",
          "UPDATE submissions SET state = $1, linked_on = $2 "
          "WHERE seq = ANY($3::bigint[])",
          Params().Add(LinkageStateName(state)).Add(linked_on).Add(std::string_view(IdArray(seqs))),
          "submission update rejected");
      if (r.affected() != static_cast<int>(seqs.size())) {
        throw StoreError("a submission of this batch is not stored");
      }
    });
  }

  std::optional<LinkageState> SubmissionState(int64_t seq) override {
    Result r = conn_.Run("submission_state", "SELECT state FROM submissions WHERE seq = $1",
                         Params().Add(seq));
    if (r.rows() == 0) return std::nullopt;
    auto state = ParseLinkageStateName(r.Text(0, 0));
    if (!state) throw StoreError("stored submission state is unknown");
    return state;
  }

  void UpdateSubmission(const SubmissionRecord& r) override {
    InTransaction([&] {
      Params a;
      a.Add(LinkageStateName(r.state)).Add(r.person_id).Add(r.member_id);
      a.Add(r.error_fields).Add(r.error).Add(r.linked_on).Add(r.seq);
      Result res = Write("update_submission",
                         "UPDATE submissions SET state = $1, person_id = $2, member_id = $3, "
                         "error_fields = $4, error = $5, linked_on = $6 WHERE seq = $7",
                         a, "submission update rejected");
      if (res.affected() != 1) throw StoreError("no submission with seq " + std::to_string(r.seq));
    });
  }

  std::vector<SubmissionRecord> DueSubmissions(Date day, int limit) override {
    return ReadSubmissions(
        conn_.Run("due_submissions",
                  Select(kSubmissionColumns,
                         std::string(kSubmissionFrom) +
                             " WHERE state IN ('submitted', 'processing') AND due_on <= $1 "
                             "ORDER BY due_on, seq LIMIT $2"),
                  Params().Add(day).Add(limit)));
  }

  std::vector<SubmissionRecord> ListSubmissions(const SubmissionFilter& f) override {
    if (f.state) {
      return ReadSubmissions(conn_.Run(
          "list_submissions_state",
          Select(kSubmissionColumns, std::string(kSubmissionFrom) +
                                         " WHERE insurer_number = $1 AND state = $2 AND seq > $3 "
                                         "ORDER BY seq LIMIT $4"),
          Params()
              .Add(f.insurer_number)
              .Add(LinkageStateName(*f.state))
              .Add(f.after_seq)
              .Add(f.limit)));
    }
    return ReadSubmissions(
        conn_.Run("list_submissions",
                  Select(kSubmissionColumns,
                         std::string(kSubmissionFrom) +
                             " WHERE insurer_number = $1 AND seq > $2 ORDER BY seq LIMIT $3"),
                  Params().Add(f.insurer_number).Add(f.after_seq).Add(f.limit)));
  }

  std::vector<SubmissionRecord> SubmissionsOfPerson(int64_t person_id) override {
    return ReadSubmissions(conn_.Run(
        "submissions_of_person",
        Select(kSubmissionColumns, std::string(kSubmissionFrom) +
                                       " WHERE person_id = $1 AND person_id <> 0 ORDER BY seq"),
        Params().Add(person_id)));
  }

  std::vector<SubmissionRecord> LinkedJoinersSince(Date since, int64_t after_seq,
                                                   int limit) override {
    return ReadSubmissions(
        conn_.Run("linked_joiners",
                  Select(kSubmissionColumns,
                         std::string(kSubmissionFrom) +
                             " WHERE seq > $1 AND event_date >= $2 AND state = "
                             "'linked' AND form IN ('acquisition', 'dependent_add') ORDER BY seq "
                             "LIMIT $3"),
                  Params().Add(after_seq).Add(since).Add(limit)));
  }

  // --- cards -----------------------------------------------------------------------
  int64_t AddCard(const CardRecord& c) override {
    int64_t id = 0;
    InTransaction([&] {
      id = Write("add_card",
                 "INSERT INTO cards (person_id, kind, application_date, issued_on, "
                 "card_expires_on, cert_serial, cert_issued_on, cert_expires_on, status, "
                 "pin_failures, face_only, insurance_registered_on, registration_channel, "
                 "cert_fingerprint) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14) "
                 "RETURNING card_id",
                 CardParams(c), "card rejected (duplicate certificate serial or unknown person)")
               .Int(0, 0);
    });
    return id;
  }

  void UpdateCard(const CardRecord& c) override {
    InTransaction([&] {
      Params a = CardParams(c);
      a.Add(c.card_id);
      Result r = Write("update_card",
                       "UPDATE cards SET person_id=$1, kind=$2, application_date=$3, "
                       "issued_on=$4, card_expires_on=$5, cert_serial=$6, cert_issued_on=$7, "
                       "cert_expires_on=$8, status=$9, pin_failures=$10, face_only=$11, "
                       "insurance_registered_on=$12, registration_channel=$13, "
                       "cert_fingerprint=$14 WHERE card_id=$15",
                       a, "card update rejected");
      if (r.affected() != 1) throw StoreError("no card with card_id " + std::to_string(c.card_id));
    });
  }

  std::optional<CardRecord> GetCard(int64_t card_id) override {
    return First(
        ReadCards(conn_.Run("get_card", Select(kCardColumns, " FROM cards WHERE card_id = $1"),
                            Params().Add(card_id))));
  }

  std::optional<CardRecord> FindCardByCertSerial(std::string_view serial) override {
    return First(ReadCards(conn_.Run("card_by_serial",
                                     Select(kCardColumns, " FROM cards WHERE cert_serial = $1"),
                                     Params().Add(serial))));
  }

  std::vector<CardRecord> CardsOfPerson(int64_t person_id) override {
    return ReadCards(
        conn_.Run("cards_of_person",
                  Select(kCardColumns, " FROM cards WHERE person_id = $1 ORDER BY card_id"),
                  Params().Add(person_id)));
  }

  // --- card readers ----------------------------------------------------------------
  void AddReader(const ReaderRecord& r) override {
    InTransaction([&] {
      Params a;
      a.Add(r.reader_id).Add(r.facility_code).Add(r.name).Add(r.public_jwk).Add(r.registered_at);
      if (r.revoked_at) {
        a.Add(*r.revoked_at);
      } else {
        a.AddNull();
      }
      Write("add_reader",
            "INSERT INTO card_readers (reader_id, facility_code, name, public_jwk, "
            "registered_at, revoked_at) VALUES ($1,$2,$3,$4,$5,$6)",
            a, "reader rejected (already registered, or the facility is unknown)");
    });
  }

  std::optional<ReaderRecord> GetReader(std::string_view reader_id) override {
    return First(ReadReaders(
        conn_.Run("get_reader", Select(kReaderColumns, " FROM card_readers WHERE reader_id = $1"),
                  Params().Add(reader_id))));
  }

  std::vector<ReaderRecord> ReadersOfFacility(std::string_view facility) override {
    return ReadReaders(conn_.Run("readers_of_facility",
                                 Select(kReaderColumns,
                                        " FROM card_readers WHERE facility_code = $1 "
                                        "ORDER BY registered_at, reader_id"),
                                 Params().Add(facility)));
  }

  bool RevokeReader(std::string_view reader_id, std::string_view at) override {
    bool found = false;
    InTransaction([&] {
      found = Write("revoke_reader",
                    "UPDATE card_readers SET revoked_at = COALESCE(revoked_at, $1) "
                    "WHERE reader_id = $2",
                    Params().Add(at).Add(reader_id), "reader revocation rejected")
                  .affected() == 1;
    });
    return found;
  }

  // --- documents -------------------------------------------------------------------
  int64_t AddDocument(const DocumentRecord& d) override {
    int64_t id = 0;
    InTransaction([&] {
      Params a;
      BindDocument(a, d);
      id = Write("add_document",
                 std::string(kInsertDocument) + ValuesList(1, kDocumentParams) +
                     " RETURNING document_id",
                 a, kDocumentRejected)
               .Int(0, 0);
    });
    return id;
  }

  static constexpr const char* kDocumentRejected =
      "document rejected (unknown member or subject document)";

  void AddDocuments(std::vector<DocumentRecord>& docs) override {
    if (docs.empty()) return;
    InTransaction([&] {
      InsertRows(
          "add_documents", kInsertDocument, kDocumentParams,
          " RETURNING document_id, member_id, kind", docs.size(),
          [&](size_t i, Params& a) { BindDocument(a, docs[i]); },
          [&](size_t first, size_t rows, const Result& r) {
            TakeIds(
                docs, first, rows, r, "documents",
                [](const Result& res, int row, const DocumentRecord& d) {
                  return res.Int(row, 1) == d.member_id &&
                         res.Text(row, 2) == DocumentKindName(d.kind);
                },
                &DocumentRecord::document_id);
          },
          kDocumentRejected);
    });
  }

  // A document row's 9 parameters, in kInsertDocument's order.
  static void BindDocument(Params& a, const DocumentRecord& d) {
    a.Add(d.member_id).Add(DocumentKindName(d.kind)).Add(d.reason).Add(d.issued_on);
    a.Add(d.valid_until).Add(d.returned_on);
    if (d.form) {
      a.Add(CertificateFormName(*d.form));
    } else {
      a.AddNull();
    }
    if (d.subject_document_id) {
      a.Add(*d.subject_document_id);
    } else {
      a.AddNull();
    }
    a.Add(d.printed_on);
  }

  std::vector<DocumentRecord> DocumentsOfMember(int64_t member_id) override {
    return ReadDocuments(conn_.Run(
        "docs_of_member",
        Select(kDocumentColumns, " FROM documents WHERE member_id = $1 ORDER BY document_id"),
        Params().Add(member_id)));
  }

  std::optional<DocumentRecord> GetDocument(int64_t document_id) override {
    return First(ReadDocuments(conn_.Run(
        "get_document", Select(kDocumentColumns, " FROM documents WHERE document_id = $1"),
        Params().Add(document_id))));
  }

  std::vector<DocumentRecord> DocumentsOfInsurer(std::string_view insurer, bool unprinted_only,
                                                 int64_t after_id, int limit) override {
    const std::string where = std::string(" FROM documents d WHERE document_id > $1") +
                              (unprinted_only ? " AND printed_on IS NULL" : "") +
                              " AND EXISTS (SELECT 1 FROM members m WHERE m.member_id = d.member_id"
                              " AND m.insurer_number = $2) ORDER BY document_id LIMIT $3";
    return ReadDocuments(conn_.Run(unprinted_only ? "docs_unprinted" : "docs_of_insurer",
                                   Select(kDocumentColumns, where),
                                   Params().Add(after_id).Add(insurer).Add(limit)));
  }

  void MarkDocumentPrinted(int64_t document_id, Date on) override {
    InTransaction([&] {
      Result r = Write("doc_printed", "UPDATE documents SET printed_on = $1 WHERE document_id = $2",
                       Params().Add(on).Add(document_id), "document update rejected");
      if (r.affected() != 1) throw StoreError("no document " + std::to_string(document_id));
    });
  }

  void MarkDocumentReturned(int64_t document_id, Date on) override {
    InTransaction([&] {
      Result r =
          Write("doc_returned", "UPDATE documents SET returned_on = $1 WHERE document_id = $2",
                Params().Add(on).Add(document_id), "document update rejected");
      if (r.affected() != 1) throw StoreError("no document " + std::to_string(document_id));
    });
  }

  int64_t AddDocumentApplication(const DocumentApplicationRecord& x) override {
    int64_t id = 0;
    InTransaction([&] {
      Params a;
      a.Add(x.member_id).Add(ApplicationKindName(x.kind)).Add(x.applied_on);
      if (x.form) {
        a.Add(CertificateFormName(*x.form));
      } else {
        a.AddNull();
      }
      a.Add(x.email);
      id = Write("add_application",
                 "INSERT INTO document_applications (member_id, kind, applied_on, form, email) "
                 "VALUES ($1,$2,$3,$4,$5) RETURNING application_id",
                 a, "application rejected (unknown member)")
               .Int(0, 0);
    });
    return id;
  }

  std::vector<DocumentApplicationRecord> DocumentApplicationsOfMember(int64_t member_id) override {
    return ReadApplications(
        conn_.Run("applications_of_member",
                  std::string(kApplicationsSelect) + "member_id = $1 ORDER BY application_id",
                  Params().Add(member_id)));
  }

  static constexpr const char* kApplicationsSelect =
      "SELECT application_id, member_id, kind, applied_on, form, email FROM "
      "document_applications WHERE ";

  std::vector<MemberDocumentRows> DocumentRowsOf(
      const std::vector<Qualification>& members) override {
    std::vector<MemberDocumentRows> out(members.size());
    if (members.empty()) return out;
    std::vector<int64_t> member_ids, person_ids;
    std::unordered_map<int64_t, std::vector<size_t>> by_member, by_person;
    for (size_t i = 0; i < members.size(); ++i) {
      if (by_member[members[i].member_id].empty()) member_ids.push_back(members[i].member_id);
      by_member[members[i].member_id].push_back(i);
      if (by_person[members[i].person_id].empty()) person_ids.push_back(members[i].person_id);
      by_person[members[i].person_id].push_back(i);
    }
    const std::string members_param = IdArray(member_ids);
    // Ordered by owner, then as the one-member reads order them.
    for (CardRecord& c : ReadCards(conn_.Run(
             "cards_of_persons",
             Select(kCardColumns,
                    " FROM cards WHERE person_id = ANY($1::bigint[]) ORDER BY person_id, card_id"),
             Params().Add(std::string_view(IdArray(person_ids)))))) {
      for (size_t i : by_person[c.person_id])
        out[i].cards.push_back(c);
    }
    for (DocumentApplicationRecord& a : ReadApplications(
             conn_.Run("applications_of_members",
                       std::string(kApplicationsSelect) +
                           "member_id = ANY($1::bigint[]) ORDER BY member_id, application_id",
                       Params().Add(std::string_view(members_param))))) {
      for (size_t i : by_member[a.member_id])
        out[i].applications.push_back(a);
    }
    for (DocumentRecord& d : ReadDocuments(conn_.Run(
             "docs_of_members",
             Select(kDocumentColumns,
                    " FROM documents WHERE member_id = ANY($1::bigint[]) ORDER BY member_id, "
                    "document_id"),
             Params().Add(std::string_view(members_param))))) {
      for (size_t i : by_member[d.member_id])
        out[i].documents.push_back(d);
    }
    return out;
  }

  static std::vector<DocumentApplicationRecord> ReadApplications(const Result& r) {
    std::vector<DocumentApplicationRecord> out;
    for (int i = 0; i < r.rows(); ++i) {
      Row s(r, i);
      DocumentApplicationRecord a;
      a.application_id = s.Int(0);
      a.member_id = s.Int(1);
      const auto kind = ParseApplicationKindName(s.Text(2));
      if (!kind) throw StoreError("stored application kind is unknown: " + s.Text(2));
      a.kind = *kind;
      a.applied_on = s.DateAt(3);
      if (!s.IsNull(4)) a.form = ParseCertificateFormName(s.Text(4));
      a.email = s.Text(5);
      out.push_back(std::move(a));
    }
    return out;
  }

  // --- audit -----------------------------------------------------------------------
  AuditEntry AppendAudit(const AuditEntry& in) override {
    std::vector<AuditEntry> one{in};
    AppendAudits(one);
    return std::move(one.front());
  }

  void AppendAudits(std::vector<AuditEntry>& entries) override {
    if (entries.empty()) return;
    InTransaction([&] {
      // Appenders are serialised by the writer lock InTransaction takes
      // before fn runs, so the head read here stays the head until commit
      // and is read once per transaction: a batch of thousands of entries
      // (the audit writer's group commit, an import) looks it up once.
      // Why an advisory lock rather than SELECT … FOR UPDATE on a one-row
      // head table: the head row would be rewritten on every append (a dead
      // tuple each, and a hot row for vacuum), the lock must be held before
      // the head is read in any case, and the advisory lock is released by
      // COMMIT or ROLLBACK with no table to keep consistent with audit_log.
      if (!audit_head_) {
        Result last =
            conn_.Run("audit_last", "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
        audit_head_.emplace(0, "");
        if (last.rows() > 0) audit_head_.emplace(last.Int(0, 0), last.Text(0, 1));
      }
      // The chain is computed here, then written a chunk a statement; the
      // head moves only once every row is in (a failed INSERT rolls the
      // whole transaction back, and InTransaction forgets the head then).
      int64_t seq = audit_head_->first;
      std::string prev = audit_head_->second;
      for (AuditEntry& e : entries) {
        e.seq = ++seq;
        e.prev_hash = std::move(prev);
        e.hash = AuditEntryHash(e);
        prev = e.hash;
      }
      InsertRows(
          "audit_add",
          "INSERT INTO audit_log (seq, at, actor, action, person_id, detail, prev_hash, hash) "
          "VALUES ",
          8, "", entries.size(),
          [&](size_t i, Params& a) {
            const AuditEntry& e = entries[i];
            a.Add(e.seq).Add(e.at).Add(e.actor).Add(e.action).Add(e.person_id);
            a.Add(e.detail).Add(e.prev_hash).Add(e.hash);
          },
          [](size_t, size_t, const Result&) {}, "audit append failed");
      audit_head_.emplace(entries.back().seq, entries.back().hash);
    });
  }

  std::vector<AuditEntry> ReadAudit(int64_t after_seq, int limit) override {
    return ReadAuditRows(conn_.Run(
        "audit_read", Select(kAuditColumns, " FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2"),
        Params().Add(after_seq).Add(limit)));
  }

  std::vector<AuditEntry> AuditOfPerson(int64_t person_id) override {
    return ReadAuditRows(
        conn_.Run("audit_person",
                  Select(kAuditColumns,
                         " FROM audit_log WHERE person_id = $1 AND person_id <> 0 ORDER BY seq"),
                  Params().Add(person_id)));
  }

  // --- 照会番号 and bulk requests -------------------------------------------------
  void PutReferenceNumber(const ReferenceNumberRecord& r) override {
    InTransaction([&] {
      Write("drop_reference_number",
            "DELETE FROM reference_numbers WHERE facility_code = $1 AND "
            "(reference_number = $2 OR person_id = $3)",
            Params().Add(r.facility_code).Add(r.reference_number).Add(r.person_id),
            "reference number rejected");
      Params a;
      a.Add(r.facility_code).Add(r.reference_number).Add(r.insurer_number).Add(r.symbol);
      a.Add(r.number).Add(r.branch).Add(r.person_id).Add(r.registered_at);
      Write("put_reference_number",
            "INSERT INTO reference_numbers (facility_code, reference_number, insurer_number, "
            "symbol, number, branch, person_id, registered_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)",
            a, "reference number rejected (unknown facility or person)");
    });
  }

  std::optional<ReferenceNumberRecord> ReferenceNumberOfPerson(std::string_view facility,
                                                               int64_t person_id) override {
    Result r = conn_.Run("reference_number_of_person",
                         "SELECT facility_code, reference_number, insurer_number, symbol, number, "
                         "branch, person_id, registered_at FROM reference_numbers "
                         "WHERE facility_code = $1 AND person_id = $2",
                         Params().Add(facility).Add(person_id));
    if (r.rows() == 0) return std::nullopt;
    Row s(r, 0);
    return ReferenceNumberRecord{s.Text(0), s.Text(1), s.Text(2), s.Text(3),
                                 s.Text(4), s.Text(5), s.Int(6),  s.Text(7)};
  }

  void AddBulkJob(const BulkJobRecord& j) override {
    InTransaction([&] {
      Params a;
      a.Add(j.reception_number).Add(j.facility_code);
      a.Add(j.kind == BulkKind::kQualification ? "qualification" : "reference_number");
      a.Add(j.items).Add(j.submitted_at).Add(j.request);
      Write("add_bulk_job",
            "INSERT INTO bulk_jobs (reception_number, facility_code, kind, done, items, "
            "submitted_at, request) VALUES ($1,$2,$3,false,$4,$5,$6)",
            a, "bulk request rejected (reception number used, or unknown facility)");
    });
  }

  std::optional<BulkJobRecord> GetBulkJob(std::string_view reception_number) override {
    return First(ReadBulkJobs(
        conn_.Run("get_bulk_job",
                  Select(kBulkColumns, ", result FROM bulk_jobs WHERE reception_number = $1"),
                  Params().Add(reception_number)),
        true));
  }

  std::vector<BulkJobRecord> PendingBulkJobs(int limit) override {
    return ReadBulkJobs(conn_.Run("pending_bulk_jobs",
                                  Select(kBulkColumns,
                                         " FROM bulk_jobs WHERE NOT done "
                                         "ORDER BY submitted_at, reception_number LIMIT $1"),
                                  Params().Add(limit)),
                        false);
  }

  int PendingBulkJobsOf(std::string_view facility) override {
    Result r = conn_.Run("pending_bulk_jobs_of",
                         "SELECT COUNT(*) FROM bulk_jobs WHERE NOT done AND facility_code = $1",
                         Params().Add(facility));
    return static_cast<int>(Row(r, 0).Int(0));
  }

  bool CompleteBulkJob(const BulkJobRecord& j) override {
    bool done = false;
    InTransaction([&] {
      Params a;
      a.Add(j.result).Add(j.normal).Add(j.errors).Add(j.completed_at).Add(j.reception_number);
      done = Write("complete_bulk_job",
                   "UPDATE bulk_jobs SET done = true, result = $1, normal = $2, errors = $3, "
                   "completed_at = $4 WHERE reception_number = $5 AND NOT done",
                   a, "bulk result rejected")
                 .affected() == 1;
    });
    return done;
  }

  StoreCounts Counts() override {
    // One statement, so the counts come from one snapshot.
    Result r = conn_.Run("counts",
                         "SELECT (SELECT COUNT(*) FROM persons), (SELECT COUNT(*) FROM insurers), "
                         "(SELECT COUNT(*) FROM members), (SELECT COUNT(*) FROM cards), "
                         "(SELECT COUNT(*) FROM documents), (SELECT COUNT(*) FROM facilities), "
                         "(SELECT COUNT(*) FROM audit_log), (SELECT COUNT(*) FROM submissions)");
    Row s(r, 0);
    return StoreCounts{s.Int(0), s.Int(1), s.Int(2), s.Int(3),
                       s.Int(4), s.Int(5), s.Int(6), s.Int(7)};
  }

 private:
  // Runs a write, naming what was refused when a constraint fails. Inside
  // a transaction a failed statement aborts all of it in PostgreSQL (SQLite
  // undoes only the statement); every caller lets the error end the
  // transaction, so nothing depends on the difference.
  Result Write(const std::string& name, const std::string& sql, const Params& params,
               const std::string& what) {
    try {
      return conn_.Run(name, sql, params);
    } catch (const StoreUnavailable& e) {
      throw StoreUnavailable(what + " (" + e.what() + ")");  // the database, not the row
    } catch (const StoreError& e) {
      throw StoreError(what + " (" + e.what() + ")");
    }
  }

  template <class T>
  static std::optional<T> First(std::vector<T> v) {
    if (v.empty()) return std::nullopt;
    return std::move(v.front());
  }

  static std::optional<PersonRecord> ReadPerson(const Result& r) {
    if (r.rows() == 0) return std::nullopt;
    return PersonAt(r, 0);
  }

  static PersonRecord PersonAt(const Result& r, int row) {
    Row s(r, row);
    PersonRecord p;
    p.person_id = s.Int(0);
    p.name = s.Text(1);
    p.name_kana = s.Text(2);
    p.birth_date = s.DateAt(3);
    p.sex = static_cast<Sex>(s.Int(4));
    p.postcode = s.Text(5);
    p.address = s.Text(6);
    p.died_on = s.OptDate(7);
    p.municipality = s.Text(8);
    return p;
  }

  static std::vector<DocumentRecord> ReadDocuments(const Result& r) {
    std::vector<DocumentRecord> out;
    for (int i = 0; i < r.rows(); ++i) {
      Row s(r, i);
      DocumentRecord d;
      d.document_id = s.Int(0);
      d.member_id = s.Int(1);
      auto kind = ParseDocumentKindName(s.Text(2));
      if (!kind) throw StoreError("stored document kind is unknown: " + s.Text(2));
      d.kind = *kind;
      d.reason = s.Text(3);
      d.issued_on = s.DateAt(4);
      d.valid_until = s.OptDate(5);
      d.returned_on = s.OptDate(6);
      if (!s.IsNull(7)) {
        d.form = ParseCertificateFormName(s.Text(7));
        if (!d.form) throw StoreError("stored certificate form is unknown: " + s.Text(7));
      }
      if (!s.IsNull(8)) d.subject_document_id = s.Int(8);
      d.printed_on = s.OptDate(9);
      out.push_back(std::move(d));
    }
    return out;
  }

  static std::vector<InsurerRecord> ReadInsurers(const Result& r) {
    std::vector<InsurerRecord> out;
    for (int i = 0; i < r.rows(); ++i) {
      Row s(r, i);
      InsurerRecord x;
      x.insurer_number = s.Text(0);
      x.name = s.Text(1);
      x.category = s.Text(2);
      x.link_lag_business_days = static_cast<int>(s.Int(3));
      x.holders_may_get_certificate = s.Bool(4);
      x.certificate_validity_years = static_cast<int>(s.Int(5));
      const auto form = ParseCertificateFormName(s.Text(6));
      if (!form) throw StoreError("stored certificate form is unknown: " + s.Text(6));
      x.certificate_form = *form;
      out.push_back(std::move(x));
    }
    return out;
  }

  static Params MemberParams(const Qualification& q) {
    Params a;
    BindMember(a, q);
    return a;
  }

  // A member row's 25 parameters, in kMemberColumns' order.
  static void BindMember(Params& a, const Qualification& q) {
    a.Add(q.person_id).Add(q.insurer_number).Add(q.symbol).Add(q.number);
    a.Add(q.branch).Add(static_cast<int>(q.personal_family));
    a.Add(static_cast<int>(q.card_classification)).Add(q.birth_date);
    a.Add(static_cast<int>(q.sex)).Add(q.acquired).Add(q.lost);
    if (q.loss_reason) {
      a.Add(LossReasonCode(*q.loss_reason));
    } else {
      a.AddNull();
    }
    a.Add(q.copay_percent);
    if (q.elderly) {
      a.Add(q.elderly->certificate_date).Add(q.elderly->valid_from);
      a.Add(q.elderly->valid_until).Add(q.elderly->copay_percent);
    } else {
      a.AddNull().AddNull().AddNull().AddNull();
    }
    a.Add(LinkageStateName(q.linkage)).Add(q.submitted_on).Add(q.linked_on);
    a.Add(q.registration_error);
    if (q.sex2) {
      a.Add(static_cast<int>(*q.sex2));
    } else {
      a.AddNull();
    }
    a.AddBool(q.copay_filed).Add(q.card_issued_on).Add(q.card_valid_until);
  }

  static void BindAttributes(Params& a, int64_t member_id, const MemberAttributes& at) {
    a.Add(member_id).Add(at.effective_from).Add(at.name).Add(at.name_kana);
    a.Add(at.insured_name).Add(at.postcode).Add(at.address);
    a.Add(at.name_of_other).Add(at.name_of_other_kana);
  }

  void WriteChildren(int64_t id, const Qualification& q) {
    for (const MemberAttributes& at : q.attributes) {
      Params a;
      BindAttributes(a, id, at);
      Write("add_attr", std::string(kInsertAttributes) + ValuesList(1, kAttributeParams), a,
            kAttributesRejected);
    }
    WriteCertificates(id, q);
  }

  // The member's 限度額適用認定証 and 特定疾病療養受療証 rows.
  void WriteCertificates(int64_t id, const Qualification& q) {
    for (const LimitCertificate& lc : q.limits) {
      Params a;
      a.Add(id).Add(lc.classification).Add(lc.category_flag).Add(lc.certificate_date);
      a.Add(lc.valid_from).Add(lc.valid_until).Add(lc.long_term_date);
      Write("add_limit",
            "INSERT INTO member_limits (member_id, classification, category_flag, "
            "certificate_date, valid_from, valid_until, long_term_date) "
            "VALUES ($1,$2,$3,$4,$5,$6,$7)",
            a, "limit certificate rejected");
    }
    for (const SpecificDisease& sd : q.diseases) {
      Params a;
      a.Add(id).Add(sd.category).Add(sd.certificate_date).Add(sd.valid_from);
      a.Add(sd.valid_until).Add(sd.self_pay_yen);
      Write("add_disease",
            "INSERT INTO member_diseases (member_id, category, certificate_date, valid_from, "
            "valid_until, self_pay_yen) VALUES ($1,$2,$3,$4,$5,$6)",
            a, "specific disease certificate rejected");
    }
  }

  // Reads member rows, then the attributes and certificates of all of them
  // in three queries (member_id = ANY of the ids), however many there are.
  std::vector<Qualification> ReadMembers(const Result& r) {
    std::vector<Qualification> out;
    for (int i = 0; i < r.rows(); ++i)
      out.push_back(MemberFrom(Row(r, i)));
    if (!out.empty()) ReadChildren(out);
    return out;
  }

  // kMemberColumns, in their order.
  static Qualification MemberFrom(const Row& s) {
    Qualification q;
    q.member_id = s.Int(0);
    q.person_id = s.Int(1);
    q.insurer_number = s.Text(2);
    q.symbol = s.Text(3);
    q.number = s.Text(4);
    q.branch = s.Text(5);
    q.personal_family = static_cast<PersonalFamily>(s.Int(6));
    q.card_classification = static_cast<CardClassification>(s.Int(7));
    q.birth_date = s.DateAt(8);
    q.sex = static_cast<Sex>(s.Int(9));
    q.acquired = s.DateAt(10);
    q.lost = s.OptDate(11);
    if (!s.IsNull(12)) q.loss_reason = ParseLossReasonCode(s.Text(12));
    q.copay_percent = static_cast<int>(s.Int(13));
    if (!s.IsNull(14)) {
      q.elderly =
          ElderlyRecipient{s.DateAt(14), s.DateAt(15), s.DateAt(16), static_cast<int>(s.Int(17))};
    }
    auto linkage = ParseLinkageStateName(s.Text(18));
    if (!linkage) throw StoreError("stored linkage state is unknown: " + s.Text(18));
    q.linkage = *linkage;
    q.submitted_on = s.DateAt(19);
    q.linked_on = s.OptDate(20);
    q.registration_error = s.Text(21);
    q.insurer_name = s.Text(22);
    if (!s.IsNull(23)) q.sex2 = static_cast<Sex>(s.Int(23));
    q.copay_filed = s.Bool(24);
    q.card_issued_on = s.OptDate(25);
    q.card_valid_until = s.OptDate(26);
    return q;
  }
  // The child rows, each after its member_id (column 0).
  static MemberAttributes AttributesFrom(const Row& s) {
    return {s.DateAt(1), s.Text(2), s.Text(3), s.Text(4),
            s.Text(5),   s.Text(6), s.Text(7), s.Text(8)};
  }
  static LimitCertificate LimitFrom(const Row& s) {
    return {
        static_cast<int>(s.Int(1)), s.Text(2), s.DateAt(3), s.DateAt(4), s.DateAt(5), s.OptDate(6)};
  }
  static SpecificDisease DiseaseFrom(const Row& s) {
    return {static_cast<int>(s.Int(1)), s.DateAt(2), s.DateAt(3), s.DateAt(4),
            static_cast<int>(s.Int(5))};
  }

  // The rows of the three child tables of the members `member_ids` (SQL
  // yielding member ids) as one result: every value as text from column
  // kData on, each row tagged with its kind (1 attributes, 2 limits, 3
  // diseases) and sort keys, padded to the width of a member row (kind 0)
  // so that the members can come first in the same statement.
  static constexpr int kData = 4;  // kind, a, b, c, then the data
  // `member_ids`: an array expression. member_id = ANY(array) is planned as
  // index probes for any length; member_id IN (SELECT unnest(…)) got a
  // generic plan that hashed the array and scanned member_attributes whole,
  // for one member as for five hundred.
  static std::string ChildRows(const std::string& member_ids) {
    auto pad = [](int n) {
      std::string s;
      for (int i = 0; i < n; ++i)
        s += ", NULL";
      return s;
    };
    const std::string of = " WHERE member_id = ANY(" + member_ids + ")";
    return "SELECT 1, member_id, effective_from, 0::bigint, member_id::text, "
           "effective_from::text, name, name_kana, insured_name, postcode, address, "
           "name_of_other, name_of_other_kana" +
           pad(18) + " FROM member_attributes" + of +
           " UNION ALL SELECT 2, member_id, valid_from, 0, member_id::text, "
           "classification::text, category_flag, certificate_date::text, valid_from::text, "
           "valid_until::text, long_term_date::text" +
           pad(20) + " FROM member_limits" + of +
           " UNION ALL SELECT 3, member_id, valid_from, 0, member_id::text, category::text, "
           "certificate_date::text, valid_from::text, valid_until::text, self_pay_yen::text" +
           pad(21) + " FROM member_diseases" + of;
  }

  // Reads the rows of kind 0 (members, first) into `qs`, then attaches the
  // child rows to their member.
  static void ReadTagged(const Result& r, std::vector<Qualification>& qs) {
    std::unordered_map<int64_t, size_t> at;  // member_id → index in qs
    for (size_t i = 0; i < qs.size(); ++i)
      at[qs[i].member_id] = i;
    for (int i = 0; i < r.rows(); ++i) {
      const Row s(r, i, kData);
      const int64_t kind = r.Int(i, 0);
      if (kind == 0) {
        at[s.Int(0)] = qs.size();
        qs.push_back(MemberFrom(s));
        continue;
      }
      const auto it = at.find(s.Int(0));
      if (it == at.end()) continue;
      Qualification& q = qs[it->second];
      if (kind == 1) q.attributes.push_back(AttributesFrom(s));
      if (kind == 2) q.limits.push_back(LimitFrom(s));
      if (kind == 3) q.diseases.push_back(DiseaseFrom(s));
    }
  }

  // One statement, so one snapshot and one round trip instead of seven
  // (BEGIN, the persons, their members, three child tables, COMMIT).
  std::vector<Qualification> QualificationsForCardKeys(std::string_view insurer,
                                                       std::string_view number,
                                                       Date birth) override {
    static const std::string sql =
        std::string(
            "WITH p AS (SELECT DISTINCT person_id FROM members WHERE insurer_number = $1 "
            "AND number = $2 AND birth_date = $3), "
            "m AS (SELECT ") +
        kMemberColumns + kMemberFrom +
        " WHERE m.person_id = ANY(ARRAY(SELECT person_id FROM p))) "
        "SELECT 0 AS kind, person_id AS a, acquired AS b, member_id AS c, member_id::text, "
        "person_id::text, insurer_number, symbol, number, branch, personal_family::text, "
        "card_classification::text, birth_date::text, sex::text, acquired::text, "
        "lost::text, loss_reason, copay_percent::text, elderly_certificate_date::text, "
        "elderly_valid_from::text, elderly_valid_until::text, "
        "elderly_copay_percent::text, linkage, submitted_on::text, linked_on::text, "
        "registration_error, \"coalesce\", sex2::text, copay_filed::text, card_issued_on::text, "
        "card_valid_until::text FROM m UNION ALL " +
        ChildRows("ARRAY(SELECT member_id FROM m)") + " ORDER BY 1, 2, 3, 4";
    if (depth_ > 0) return Store::QualificationsForCardKeys(insurer, number, birth);
    std::vector<Qualification> out;
    ReadTagged(conn_.Run("qualifications_for_card_keys", sql,
                         Params().Add(insurer).Add(number).Add(birth)),
               out);
    return out;
  }

  void ReadChildren(std::vector<Qualification>& qs) {
    static const std::string sql =
        "SELECT * FROM (" + ChildRows("$1::bigint[]") + ") c ORDER BY 1, 2, 3";
    std::string ids = "{";
    for (const Qualification& q : qs) {
      if (ids.size() > 1) ids += ',';
      ids += std::to_string(q.member_id);
    }
    ids += '}';
    ReadTagged(conn_.Run("children_of_members", sql, Params().Add(ids)), qs);
  }

  static Params CardParams(const CardRecord& c) {
    Params a;
    a.Add(c.person_id).Add(c.kind == CredentialKind::kCard ? "card" : "smartphone");
    a.Add(c.application_date).Add(c.issued_on).Add(c.card_expires_on);
    a.Add(c.cert_serial).Add(c.cert_issued_on).Add(c.cert_expires_on);
    a.Add(CardStateName(c.status)).Add(c.pin_failures).AddBool(c.face_only);
    a.Add(c.insurance_registered_on).Add(c.registration_channel).Add(c.cert_fingerprint);
    return a;
  }

  static std::vector<BulkJobRecord> ReadBulkJobs(const Result& r, bool with_result) {
    std::vector<BulkJobRecord> out;
    for (int i = 0; i < r.rows(); ++i) {
      Row s(r, i);
      BulkJobRecord j;
      j.reception_number = s.Text(0);
      j.facility_code = s.Text(1);
      j.kind = s.Text(2) == "qualification" ? BulkKind::kQualification : BulkKind::kReferenceNumber;
      j.done = s.Bool(3);
      j.items = static_cast<int>(s.Int(4));
      j.submitted_at = s.Text(5);
      j.request = s.Text(6);
      j.normal = static_cast<int>(s.Int(7));
      j.errors = static_cast<int>(s.Int(8));
      if (!s.IsNull(9)) j.completed_at = s.Text(9);
      if (with_result) j.result = s.Text(10);
      out.push_back(std::move(j));
    }
    return out;
  }

  static std::vector<ReaderRecord> ReadReaders(const Result& r) {
    std::vector<ReaderRecord> out;
    for (int i = 0; i < r.rows(); ++i) {
      Row s(r, i);
      ReaderRecord rec{s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), std::nullopt};
      if (!s.IsNull(5)) rec.revoked_at = s.Text(5);
      out.push_back(std::move(rec));
    }
    return out;
  }

  static std::vector<CardRecord> ReadCards(const Result& r) {
    std::vector<CardRecord> out;
    for (int i = 0; i < r.rows(); ++i) {
      Row s(r, i);
      CardRecord c;
      c.card_id = s.Int(0);
      c.person_id = s.Int(1);
      c.kind = s.Text(2) == "smartphone" ? CredentialKind::kSmartphone : CredentialKind::kCard;
      c.application_date = s.DateAt(3);
      c.issued_on = s.DateAt(4);
      c.card_expires_on = s.DateAt(5);
      c.cert_serial = s.Text(6);
      c.cert_issued_on = s.DateAt(7);
      c.cert_expires_on = s.DateAt(8);
      auto st = ParseCardStateName(s.Text(9));
      if (!st) throw StoreError("stored card status is unknown: " + s.Text(9));
      c.status = *st;
      c.pin_failures = static_cast<int>(s.Int(10));
      c.face_only = s.Bool(11);
      c.insurance_registered_on = s.OptDate(12);
      c.registration_channel = s.Text(13);
      c.cert_fingerprint = s.Text(14);
      out.push_back(std::move(c));
    }
    return out;
  }

  static std::vector<SubmissionRecord> ReadSubmissions(const Result& res) {
    std::vector<SubmissionRecord> out;
    for (int i = 0; i < res.rows(); ++i) {
      Row s(res, i);
      SubmissionRecord r;
      r.seq = s.Int(0);
      r.insurer_number = s.Text(1);
      r.submission_id = s.Text(2);
      auto form = ParseFormKind(s.Text(3));
      auto state = ParseLinkageStateName(s.Text(4));
      if (!form || !state) throw StoreError("stored submission form or state is unknown");
      r.form = *form;
      r.state = *state;
      r.received_on = s.DateAt(5);
      r.due_on = s.DateAt(6);
      r.person_id = s.Int(7);
      r.member_id = s.Int(8);
      r.symbol = s.Text(9);
      r.number = s.Text(10);
      r.branch = s.Text(11);
      r.name = s.Text(12);
      r.name_kana = s.Text(13);
      r.birth_date = s.DateAt(14);
      r.sex = static_cast<Sex>(s.Int(15));
      r.postcode = s.Text(16);
      r.address = s.Text(17);
      r.event_date = s.DateAt(18);
      if (!s.IsNull(19)) r.loss_reason = ParseLossReasonCode(s.Text(19));
      r.certificate_wanted = s.Bool(20);
      if (!s.IsNull(21)) r.copay_percent = static_cast<int>(s.Int(21));
      r.error_fields = s.Text(22);
      r.error = s.Text(23);
      r.linked_on = s.OptDate(24);
      r.content_digest = s.Text(25);
      r.benefits = BenefitsFrom(s, 26);
      out.push_back(std::move(r));
    }
    return out;
  }

  void AddBenefits(int64_t seq, const BenefitsFiling& b) {
    Params a;
    auto opt_int = [&a](std::optional<int> v) {
      if (v) {
        a.Add(*v);
      } else {
        a.AddNull();
      }
    };
    auto opt_date = [&a](bool present, Date d) {
      if (present) {
        a.Add(d);
      } else {
        a.AddNull();
      }
    };
    a.Add(seq);
    opt_int(b.card_classification ? std::optional<int>(static_cast<int>(*b.card_classification))
                                  : std::nullopt);
    a.Add(b.card_issued_on).Add(b.card_valid_until).Add(b.name_of_other).Add(b.name_of_other_kana);
    opt_int(b.sex2 ? std::optional<int>(static_cast<int>(*b.sex2)) : std::nullopt);
    const ElderlyRecipient e = b.elderly.value_or(ElderlyRecipient{});
    opt_date(b.elderly.has_value(), e.certificate_date);
    opt_date(b.elderly.has_value(), e.valid_from);
    opt_date(b.elderly.has_value(), e.valid_until);
    opt_int(b.elderly ? std::optional<int>(e.copay_percent) : std::nullopt);
    const LimitCertificate l = b.limit.value_or(LimitCertificate{});
    opt_int(b.limit ? std::optional<int>(l.classification) : std::nullopt);
    if (b.limit) {
      a.Add(l.category_flag);
    } else {
      a.AddNull();
    }
    opt_date(b.limit.has_value(), l.certificate_date);
    opt_date(b.limit.has_value(), l.valid_from);
    opt_date(b.limit.has_value(), l.valid_until);
    a.Add(b.limit ? l.long_term_date : std::nullopt);
    const SpecificDisease d = b.disease.value_or(SpecificDisease{});
    opt_int(b.disease ? std::optional<int>(d.category) : std::nullopt);
    opt_date(b.disease.has_value(), d.certificate_date);
    opt_date(b.disease.has_value(), d.valid_from);
    opt_date(b.disease.has_value(), d.valid_until);
    opt_int(b.disease ? std::optional<int>(d.self_pay_yen) : std::nullopt);
    Write("add_benefits",
          "INSERT INTO submission_benefits (seq, card_classification, card_issued_on, "
          "card_valid_until, name_of_other, name_of_other_kana, sex2, elderly_certificate_date, "
          "elderly_valid_from, elderly_valid_until, elderly_copay_percent, limit_classification, "
          "limit_category, limit_certificate_date, limit_valid_from, limit_valid_until, "
          "limit_long_term_date, disease_category, disease_certificate_date, disease_valid_from, "
          "disease_valid_until, disease_self_pay) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,"
          "$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22)",
          a, "benefits data of the submission rejected");
  }

  // kSubmissionColumns' benefits part, from column `c` (all NULL when the
  // form filed none).
  static BenefitsFiling BenefitsFrom(const Row& s, int c) {
    BenefitsFiling b;
    if (!s.IsNull(c)) b.card_classification = static_cast<CardClassification>(s.Int(c));
    b.card_issued_on = s.OptDate(c + 1);
    b.card_valid_until = s.OptDate(c + 2);
    if (!s.IsNull(c + 3)) b.name_of_other = s.Text(c + 3);
    if (!s.IsNull(c + 4)) b.name_of_other_kana = s.Text(c + 4);
    if (!s.IsNull(c + 5)) b.sex2 = static_cast<Sex>(s.Int(c + 5));
    if (!s.IsNull(c + 6)) {
      b.elderly = ElderlyRecipient{s.DateAt(c + 6), s.DateAt(c + 7), s.DateAt(c + 8),
                                   static_cast<int>(s.Int(c + 9))};
    }
    if (!s.IsNull(c + 10)) {
      b.limit = LimitCertificate{static_cast<int>(s.Int(c + 10)),
                                 s.Text(c + 11),
                                 s.DateAt(c + 12),
                                 s.DateAt(c + 13),
                                 s.DateAt(c + 14),
                                 s.OptDate(c + 15)};
    }
    if (!s.IsNull(c + 16)) {
      b.disease =
          SpecificDisease{static_cast<int>(s.Int(c + 16)), s.DateAt(c + 17), s.DateAt(c + 18),
                          s.DateAt(c + 19), static_cast<int>(s.Int(c + 20))};
    }
    return b;
  }

  static std::vector<AuditEntry> ReadAuditRows(const Result& r) {
    std::vector<AuditEntry> out;
    for (int i = 0; i < r.rows(); ++i) {
      Row s(r, i);
      out.push_back(
          {s.Int(0), s.Text(1), s.Text(2), s.Text(3), s.Int(4), s.Text(5), s.Text(6), s.Text(7)});
    }
    return out;
  }

  Conn conn_;
  MyNumberVault vault_;
  int depth_ = 0;
  // CommitsByOthers: whether this connection counts, write_epoch as it
  // last saw it, and the bumps by others counted so far.
  bool epoch_tracked_ = false;
  int64_t epoch_seen_ = 0, others_ = 0;
  // The audit chain's last (seq, hash), valid only inside a write
  // transaction (see AppendAudit).
  std::optional<std::pair<int64_t, std::string>> audit_head_;
  std::unique_ptr<ClinicalStore> clinical_;  // on conn_
};

}  // namespace

bool HasSchema(const std::string& conninfo) {
  Conn conn(conninfo);
  Result r = conn.Run("has_schema", "SELECT to_regclass('schema_migrations') IS NOT NULL");
  return r.rows() > 0 && r.Bool(0, 0);
}

std::unique_ptr<Store> OpenPgStore(const std::string& conninfo, MyNumberVault vault, bool migrate) {
  auto store = std::make_unique<PgStore>(conninfo, std::move(vault));
  if (migrate) store->Migrate();
  return store;
}

}  // namespace onshi::store::postgres
