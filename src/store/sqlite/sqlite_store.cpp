#include "store/sqlite/sqlite_store.hpp"

#include <algorithm>
#include <concepts>
#include <functional>
#include <map>
#include <optional>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "store/sqlite/clinical_sqlite.hpp"
#include "store/sqlite/migrations.hpp"
#include "store/sqlite/sqlite_db.hpp"

namespace onshi::store::sqlite {
namespace {

constexpr const char* kMemberColumns =
    "member_id, person_id, m.insurer_number, symbol, number, branch, personal_family, "
    "card_classification, birth_date, sex, acquired, lost, loss_reason, copay_percent, "
    "elderly_certificate_date, elderly_valid_from, elderly_valid_until, elderly_copay_percent, "
    "linkage, submitted_on, linked_on, registration_error, COALESCE(i.name, ''), sex2, "
    "copay_filed, card_issued_on, card_valid_until";

}  // namespace

std::string CardKeysReadSql() {
  const std::string from = " FROM members k JOIN members m ON m.person_id = k.person_id";
  const std::string where = " WHERE k.insurer_number = ?1 AND k.number = ?2 AND k.birth_date = ?3";
  auto pad = [](int n) {
    std::string out;
    for (int i = 0; i < n; ++i)
      out += ", NULL";
    return out;
  };
  // 28 columns in every arm: the tag, then a member row (kMemberColumns) or
  // a child row padded with NULLs.
  return "SELECT 0, m.member_id, m.person_id, m.insurer_number, m.symbol, m.number, m.branch, "
         "m.personal_family, m.card_classification, m.birth_date, m.sex, m.acquired, m.lost, "
         "m.loss_reason, m.copay_percent, m.elderly_certificate_date, m.elderly_valid_from, "
         "m.elderly_valid_until, m.elderly_copay_percent, m.linkage, m.submitted_on, "
         "m.linked_on, m.registration_error, COALESCE(i.name, ''), m.sex2, m.copay_filed, "
         "m.card_issued_on, m.card_valid_until" +
         from + " LEFT JOIN insurers i ON i.insurer_number = m.insurer_number" + where +
         " UNION ALL SELECT 1, x.member_id, x.effective_from, x.name, x.name_kana, "
         "x.insured_name, x.postcode, x.address, x.name_of_other, x.name_of_other_kana" +
         pad(18) + from + " JOIN member_attributes x ON x.member_id = m.member_id" + where +
         " UNION ALL SELECT 2, x.member_id, x.rowid, x.classification, x.category_flag, "
         "x.certificate_date, x.valid_from, x.valid_until, x.long_term_date" +
         pad(19) + from + " JOIN member_limits x ON x.member_id = m.member_id" + where +
         " UNION ALL SELECT 3, x.member_id, x.rowid, x.category, x.certificate_date, "
         "x.valid_from, x.valid_until, x.self_pay_yen" +
         pad(20) + from + " JOIN member_diseases x ON x.member_id = m.member_id" + where;
}

namespace {

// Rows per multi-row INSERT of reception's batch: 64 rows of 25 columns is
// 1,600 parameters, far under SQLite's 32,766.
constexpr size_t kRowsPerInsert = 64;

// "(?,?,…),(?,?,…)…": n rows of `columns` parameters.
// "?,?,…,?": n parameters, for an IN list.
std::string Marks(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i)
    out += i == 0 ? "?" : ",?";
  return out;
}

// Calls fn(first, count) for each chunk of at most kRowsPerInsert ids: one
// prepared statement per chunk size, as the multi-row inserts do.
void ForEachChunk(const std::vector<int64_t>& ids,
                  const std::function<void(const int64_t*, size_t)>& fn) {
  for (size_t from = 0; from < ids.size(); from += kRowsPerInsert)
    fn(ids.data() + from, std::min(kRowsPerInsert, ids.size() - from));
}

void BindIds(Statement& s, int first, const int64_t* ids, size_t n) {
  for (size_t i = 0; i < n; ++i)
    s.Bind(first + static_cast<int>(i), ids[i]);
}

std::string Rows(size_t n, int columns) {
  std::string row = "(";
  for (int c = 0; c < columns; ++c)
    row += c == 0 ? "?" : ",?";
  row += ")";
  std::string out;
  for (size_t i = 0; i < n; ++i)
    out += (i == 0 ? "" : ",") + row;
  return out;
}

constexpr const char* kCardColumns =
    "card_id, person_id, kind, application_date, issued_on, card_expires_on, cert_serial, "
    "cert_issued_on, cert_expires_on, status, pin_failures, face_only, insurance_registered_on, "
    "registration_channel, cert_fingerprint";

constexpr const char* kBulkColumns =
    "reception_number, facility_code, kind, done, items, submitted_at, request, normal, errors, "
    "completed_at";

constexpr const char* kReaderColumns =
    "reader_id, facility_code, name, public_jwk, registered_at, revoked_at";

// The benefits a form filed come with it (columns 26 on, NULL or '' when
// none; kBenefitsColumns).
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

constexpr const char* kPersonColumns =
    "person_id, name, name_kana, birth_date, sex, postcode, address, died_on, municipality";

constexpr const char* kRegistryEventColumns =
    "seq, person_id, kind, effective_on, recorded_on, municipality, name_before, "
    "name_kana_before, postcode_before, address_before";

constexpr const char* kAuditColumns = "seq, at, actor, action, person_id, detail, prev_hash, hash";

constexpr const char* kDocumentColumns =
    "document_id, member_id, kind, reason, issued_on, valid_until, returned_on, form, "
    "subject_document_id, printed_on";

class SqliteStore final : public Store {
 public:
  SqliteStore(const std::string& path, MyNumberVault vault)
      : db_(path), vault_(std::move(vault)), clinical_(MakeSqliteClinicalStore(db_, *this)) {}

  ClinicalStore& Clinical() override { return *clinical_; }

  void Migrate() override {
    // Up to date already (every open but the first): nothing to lock. A
    // process opening the database while another holds the write lock (an
    // import) must not wait for it, or fail, just to learn that.
    {
      Statement t(db_.handle(),
                  "SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_migrations'");
      if (t.Step()) {
        RefuseUnknownMigrations();
        if (AppliedKnownMigrations() == Migrations().size()) return;
      }
    }
    // Inside a write transaction, so that it waits for (rather than fails
    // against) another process creating the same table.
    InTransaction([&] {
      db_.Exec(
          "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT "
          "NOT NULL, applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')))");
    });
    for (const Migration& m : Migrations()) {
      InTransaction([&] {
        // Re-checked inside the write transaction so two processes starting
        // at once cannot both apply the same migration.
        Statement q(db_.handle(), "SELECT 1 FROM schema_migrations WHERE version = ?");
        q.Bind(1, m.version);
        if (q.Step()) return;
        db_.Exec(m.sql);
        if (m.edits_schema_text) {
          Statement v(db_.handle(), "PRAGMA schema_version");
          const int64_t cookie = v.Step() ? v.Int(0) : 0;
          v.Reset();
          db_.Exec("PRAGMA schema_version = " + std::to_string(cookie + 1));
        }
        Statement ins(db_.handle(), "INSERT INTO schema_migrations (version, name) VALUES (?, ?)");
        ins.Bind(1, m.version).Bind(2, m.name).Run();
      });
    }
  }

  // A database that recorded a migration this build does not have was made
  // by a newer onshi: its schema is not the one this code reads and writes,
  // so it is refused rather than used (issue 21; before, it was used as if
  // it were current).
  void RefuseUnknownMigrations() {
    std::string list;
    for (const Migration& m : Migrations())
      list += (list.empty() ? "" : ", ") + std::to_string(m.version);
    Statement q(db_.handle(),
                "SELECT MAX(version) FROM schema_migrations WHERE version NOT IN (" + list + ")");
    if (q.Step() && !q.IsNull(0)) {
      throw StoreError(
          "the database has schema migration " + std::to_string(q.Int(0)) +
          ", which this onshi does not know: it was written by a newer onshi (this one knows "
          "migrations up to " +
          std::to_string(Migrations().back().version) + "); open it with that version or later");
    }
  }

  // How many of this build's migrations the database has recorded. Counted
  // by version, not compared with the highest one: numbers may be reserved
  // ahead (a branch adds 7 while 5 and 6 are on others), and a database that
  // has 7 must still get 5 and 6 once they exist.
  size_t AppliedKnownMigrations() {
    std::string list;
    for (const Migration& m : Migrations())
      list += (list.empty() ? "" : ", ") + std::to_string(m.version);
    Statement q(db_.handle(),
                "SELECT COUNT(*) FROM schema_migrations WHERE version IN (" + list + ")");
    return q.Step() ? static_cast<size_t>(q.Int(0)) : 0;
  }

  std::string KeyedDigest(std::string_view text) override { return vault_.Digest(text); }

  int SchemaVersion() override {
    Statement q(db_.handle(), "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    return q.Step() ? static_cast<int>(q.Int(0)) : 0;
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
    // IMMEDIATE takes the write lock up front, so a read-then-write inside
    // fn (the audit chain, uniqueness checks) cannot race another writer.
    // Prepared once like any statement: sqlite3_exec would parse the text
    // again for every check and every batch.
    Stmt("begin_immediate", "BEGIN IMMEDIATE").Run();
    depth_ = 1;
    audit_head_.reset();
    try {
      fn();
      depth_ = 0;
      audit_head_.reset();
      Stmt("commit", "COMMIT").Run();
    } catch (...) {
      depth_ = 0;
      audit_head_.reset();
      try {
        db_.Exec("ROLLBACK");
      } catch (...) {
        // The original error is the one worth reporting.
      }
      throw;
    }
  }

  std::optional<int64_t> CommitsByOthers() override {
    Statement& s = Stmt("data_version", "PRAGMA data_version");
    s.Step();
    const int64_t v = s.Int(0);
    s.Reset();
    return v;
  }

  void InReadSnapshot(const std::function<void()>& fn) override {
    if (depth_ > 0) return fn();   // already inside a transaction
    Stmt("begin", "BEGIN").Run();  // deferred: a read snapshot, no write lock
    depth_ = 1;
    try {
      fn();
    } catch (...) {
      depth_ = 0;
      try {
        db_.Exec("ROLLBACK");
      } catch (...) {
      }
      throw;
    }
    depth_ = 0;
    Stmt("commit", "COMMIT").Run();
  }

  // --- persons -----------------------------------------------------------------
  int64_t AddPerson(const PersonRecord& p, const MyNumber& my_number) override {
    Statement& s = Stmt("add_person",
                        "INSERT INTO persons (my_number_key, my_number_sealed, name, name_kana, "
                        "birth_date, sex, postcode, address, municipality) "
                        "VALUES (?,?,?,?,?,?,?,?,?)");
    s.BindBlob(1, vault_.Key(my_number)).BindBlob(2, vault_.Seal(my_number));
    s.Bind(3, p.name).Bind(4, p.name_kana).Bind(5, p.birth_date).Bind(6, static_cast<int>(p.sex));
    s.Bind(7, p.postcode).Bind(8, p.address).Bind(9, p.municipality);
    RunInsert(s, "person with this My Number already exists");
    return db_.LastInsertId();
  }

  std::optional<PersonRecord> GetPerson(int64_t id) override {
    Statement& s = Stmt("get_person", [] {
      return std::string("SELECT ") + kPersonColumns + " FROM persons WHERE person_id = ?";
    });
    s.Bind(1, id);
    return ReadPerson(s);
  }

  std::optional<PersonRecord> FindPersonByMyNumber(const MyNumber& n) override {
    Statement& s = Stmt("find_person", [] {
      return std::string("SELECT ") + kPersonColumns + " FROM persons WHERE my_number_key = ?";
    });
    s.BindBlob(1, vault_.Key(n));
    return ReadPerson(s);
  }

  std::vector<PersonRecord> PersonsBornOn(std::string_view municipality, Date birth_date,
                                          int limit) override {
    Statement& s = Stmt("persons_born_on", [] {
      return std::string("SELECT ") + kPersonColumns +
             " FROM persons WHERE municipality = ? AND birth_date = ? ORDER BY person_id LIMIT ?";
    });
    s.Bind(1, std::string(municipality)).Bind(2, birth_date).Bind(3, int64_t{limit});
    std::vector<PersonRecord> out;
    while (auto p = ReadOnePerson(s))
      out.push_back(std::move(*p));
    s.Reset();
    return out;
  }

  std::optional<MyNumber> RevealMyNumber(int64_t person_id) override {
    Statement& s = Stmt("reveal", "SELECT my_number_sealed FROM persons WHERE person_id = ?");
    s.Bind(1, person_id);
    std::optional<MyNumber> out;
    if (s.Step()) {
      out = vault_.Open(s.Blob(0));
      if (!out) {
        s.Reset();
        throw StoreError("sealed My Number of person " + std::to_string(person_id) +
                         " cannot be opened with this key file");
      }
    }
    s.Reset();
    return out;
  }

  void UpdatePerson(const PersonRecord& p) override {
    Statement& s = Stmt("update_person",
                        "UPDATE persons SET name = ?, name_kana = ?, postcode = ?, address = ?, "
                        "died_on = ?, municipality = ? WHERE person_id = ?");
    s.Bind(1, p.name).Bind(2, p.name_kana).Bind(3, p.postcode).Bind(4, p.address);
    s.Bind(5, p.died_on).Bind(6, p.municipality).Bind(7, p.person_id);
    RunInsert(s, "person update rejected");
    if (db_.Changes() != 1) {
      throw StoreError("no person with person_id " + std::to_string(p.person_id));
    }
  }

  int64_t AddRegistryEvent(const RegistryEventRecord& e) override {
    Statement& s = Stmt("add_registry_event",
                        "INSERT INTO registry_events (person_id, kind, effective_on, recorded_on, "
                        "municipality, name_before, name_kana_before, postcode_before, "
                        "address_before) VALUES (?,?,?,?,?,?,?,?,?)");
    s.Bind(1, e.person_id).Bind(2, RegistryEventCode(e.kind)).Bind(3, e.effective_on);
    s.Bind(4, e.recorded_on).Bind(5, e.municipality).Bind(6, e.name_before);
    s.Bind(7, e.name_kana_before).Bind(8, e.postcode_before).Bind(9, e.address_before);
    RunInsert(s, "registry event rejected (unknown person?)");
    return db_.LastInsertId();
  }

  std::vector<RegistryEventRecord> RegistryEventsOf(int64_t person_id) override {
    Statement& s = Stmt("registry_events_of", [] {
      return std::string("SELECT ") + kRegistryEventColumns +
             " FROM registry_events WHERE person_id = ? ORDER BY effective_on, seq";
    });
    s.Bind(1, person_id);
    std::vector<RegistryEventRecord> out;
    while (s.Step()) {
      RegistryEventRecord e;
      e.seq = s.Int(0);
      e.person_id = s.Int(1);
      auto kind = ParseRegistryEvent(s.Text(2));
      if (!kind) {
        s.Reset();
        throw StoreError("stored registry event kind is unknown");
      }
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
    s.Reset();
    return out;
  }

  // --- insurers, facilities ------------------------------------------------------
  void PutInsurer(const InsurerRecord& r) override {
    Statement& s =
        Stmt("put_insurer",
             "INSERT INTO insurers (insurer_number, name, category, link_lag_business_days, "
             "holders_may_get_certificate, certificate_validity_years, certificate_form) "
             "VALUES (?,?,?,?,?,?,?) "
             "ON CONFLICT (insurer_number) DO UPDATE SET name=excluded.name, "
             "category=excluded.category, link_lag_business_days=excluded.link_lag_business_days, "
             "holders_may_get_certificate=excluded.holders_may_get_certificate, "
             "certificate_validity_years=excluded.certificate_validity_years, "
             "certificate_form=excluded.certificate_form");
    s.Bind(1, r.insurer_number)
        .Bind(2, r.name)
        .Bind(3, r.category)
        .Bind(4, r.link_lag_business_days);
    s.Bind(5, r.holders_may_get_certificate ? 1 : 0).Bind(6, r.certificate_validity_years);
    s.Bind(7, CertificateFormName(r.certificate_form));
    RunInsert(s, "invalid insurer");
  }

  std::optional<InsurerRecord> GetInsurer(std::string_view number) override {
    Statement& s = Stmt("get_insurer",
                        "SELECT insurer_number, name, category, link_lag_business_days, "
                        "holders_may_get_certificate, certificate_validity_years, certificate_form "
                        "FROM insurers WHERE insurer_number = ?");
    s.Bind(1, number);
    auto all = ReadInsurers(s);
    if (all.empty()) return std::nullopt;
    return all.front();
  }

  std::vector<InsurerRecord> ListInsurers() override {
    Statement& s = Stmt("list_insurers",
                        "SELECT insurer_number, name, category, link_lag_business_days, "
                        "holders_may_get_certificate, certificate_validity_years, certificate_form "
                        "FROM insurers ORDER BY insurer_number");
    return ReadInsurers(s);
  }

  void PutFacility(const FacilityRecord& f) override {
    Statement& s =
        Stmt("put_facility",
             "INSERT INTO facilities (code, name, kind, smartphone_supported) VALUES (?,?,?,?) "
             "ON CONFLICT (code) DO UPDATE SET name=excluded.name, kind=excluded.kind, "
             "smartphone_supported=excluded.smartphone_supported");
    s.Bind(1, f.code).Bind(2, f.name).Bind(3, f.kind).Bind(4, f.smartphone_supported ? 1 : 0);
    RunInsert(s, "invalid facility");
  }

  std::optional<FacilityRecord> GetFacility(std::string_view code) override {
    Statement& s =
        Stmt("get_facility",
             "SELECT code, name, kind, smartphone_supported FROM facilities WHERE code = ?");
    s.Bind(1, code);
    std::optional<FacilityRecord> out;
    if (s.Step()) out = FacilityRecord{s.Text(0), s.Text(1), s.Text(2), s.Int(3) != 0};
    s.Reset();
    return out;
  }

  // --- members -------------------------------------------------------------------
  int64_t AddQualification(const Qualification& q) override {
    int64_t id = 0;
    InTransaction([&] {
      Statement& s =
          Stmt("add_member",
               "INSERT INTO members (person_id, insurer_number, symbol, number, branch, "
               "personal_family, "
               "card_classification, birth_date, sex, acquired, lost, loss_reason, copay_percent, "
               "elderly_certificate_date, elderly_valid_from, elderly_valid_until, "
               "elderly_copay_percent, "
               "linkage, submitted_on, linked_on, registration_error, sex2, copay_filed, "
               "card_issued_on, card_valid_until) "
               "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
      BindMember(s, q);
      RunInsert(s,
                "qualification rejected (duplicate 記号・番号・枝番 for this insurer, or unknown "
                "person/insurer)");
      id = db_.LastInsertId();
      WriteChildren(id, q);
    });
    return id;
  }

  // Reception's batch (store.hpp): members, then their attributes, one
  // multi-row INSERT per chunk (consecutive rowids, as AddSubmissions).
  // The rare certificates go row by row.
  void AddQualifications(std::vector<Qualification>& qs) override {
    InTransaction([&] {
      for (size_t from = 0; from < qs.size(); from += kRowsPerInsert) {
        const size_t n = std::min(kRowsPerInsert, qs.size() - from);
        Statement& s = Stmt("add_members_" + std::to_string(n), [&] {
          return std::string(
                     "INSERT INTO members (person_id, insurer_number, symbol, number, branch, "
                     "personal_family, card_classification, birth_date, sex, acquired, lost, "
                     "loss_reason, copay_percent, elderly_certificate_date, elderly_valid_from, "
                     "elderly_valid_until, elderly_copay_percent, linkage, submitted_on, "
                     "linked_on, registration_error, sex2, copay_filed, card_issued_on, "
                     "card_valid_until) VALUES ") +
                 Rows(n, 25);
        });
        for (size_t i = 0; i < n; ++i)
          BindMember(s, qs[from + i], static_cast<int>(i * 25));
        RunInsert(s,
                  "qualification rejected (duplicate 記号・番号・枝番 for this insurer, or unknown "
                  "person/insurer)");
        const int64_t last = db_.LastInsertId();
        for (size_t i = 0; i < n; ++i)
          qs[from + i].member_id = last - static_cast<int64_t>(n - 1 - i);
      }
      std::vector<std::pair<int64_t, const MemberAttributes*>> attrs;
      for (const Qualification& q : qs) {
        for (const MemberAttributes& a : q.attributes)
          attrs.emplace_back(q.member_id, &a);
        if (!q.limits.empty() || !q.diseases.empty()) {
          Qualification certificates_only;
          certificates_only.limits = q.limits;
          certificates_only.diseases = q.diseases;
          WriteChildren(q.member_id, certificates_only);
        }
      }
      for (size_t from = 0; from < attrs.size(); from += kRowsPerInsert) {
        const size_t n = std::min(kRowsPerInsert, attrs.size() - from);
        Statement& a = Stmt("add_attrs_" + std::to_string(n), [&] {
          return "INSERT INTO member_attributes (member_id, effective_from, name, name_kana, "
                 "insured_name, postcode, address, name_of_other, name_of_other_kana) VALUES " +
                 Rows(n, 9);
        });
        for (size_t i = 0; i < n; ++i) {
          const auto& [id, at] = attrs[from + i];
          const int o = static_cast<int>(i * 9);
          a.Bind(o + 1, id).Bind(o + 2, at->effective_from).BindStable(o + 3, at->name);
          a.BindStable(o + 4, at->name_kana).BindStable(o + 5, at->insured_name);
          a.BindStable(o + 6, at->postcode).BindStable(o + 7, at->address);
          a.BindStable(o + 8, at->name_of_other).BindStable(o + 9, at->name_of_other_kana);
        }
        RunInsert(a, "member attributes rejected (two changes effective the same day?)");
      }
    });
  }

  void UpdateQualification(const Qualification& q) override {
    InTransaction([&] {
      Statement& s = Stmt(
          "update_member",
          "UPDATE members SET person_id=?, insurer_number=?, symbol=?, number=?, branch=?, "
          "personal_family=?, card_classification=?, birth_date=?, sex=?, acquired=?, lost=?, "
          "loss_reason=?, copay_percent=?, elderly_certificate_date=?, elderly_valid_from=?, "
          "elderly_valid_until=?, elderly_copay_percent=?, linkage=?, submitted_on=?, linked_on=?, "
          "registration_error=?, sex2=?, copay_filed=?, card_issued_on=?, card_valid_until=? "
          "WHERE member_id=?");
      BindMember(s, q);
      s.Bind(26, q.member_id);
      RunInsert(s, "qualification update rejected");
      if (db_.Changes() != 1) {
        throw StoreError("no qualification with member_id " + std::to_string(q.member_id));
      }
      for (const char* table : {"member_attributes", "member_limits", "member_diseases"}) {
        Statement del(db_.handle(), std::string("DELETE FROM ") + table + " WHERE member_id = ?");
        del.Bind(1, q.member_id).Run();
      }
      WriteChildren(q.member_id, q);
    });
  }

  std::optional<Qualification> GetQualification(int64_t member_id) override {
    Statement& s = Stmt("get_member", [&] {
      return std::string("SELECT ") + kMemberColumns +
             " FROM members m LEFT JOIN insurers i USING (insurer_number)"
             " WHERE member_id = ?";
    });
    s.Bind(1, member_id);
    auto all = ReadMembers(s);
    if (all.empty()) return std::nullopt;
    return std::move(all.front());
  }

  std::vector<Qualification> FindByCardKeys(std::string_view insurer, std::string_view number,
                                            Date birth) override {
    Statement& s = Stmt("find_by_card", [&] {
      return std::string("SELECT ") + kMemberColumns +
             " FROM members m LEFT JOIN insurers i USING (insurer_number)"
             " WHERE m.insurer_number = ? AND number = ? AND birth_date = ?";
    });
    s.Bind(1, insurer).Bind(2, number).Bind(3, birth);
    return ReadMembers(s);
  }

  std::vector<int64_t> FindPersonsByCardKeys(std::string_view insurer, std::string_view number,
                                             Date birth) override {
    Statement& s =
        Stmt("persons_by_card",
             "SELECT DISTINCT person_id FROM members WHERE insurer_number = ? AND number = ? "
             "AND birth_date = ? ORDER BY person_id");
    s.Bind(1, insurer).Bind(2, number).Bind(3, birth);
    std::vector<int64_t> out;
    while (s.Step())
      out.push_back(s.Int(0));
    s.Reset();
    return out;
  }

  // The eligibility hot path as one statement, which is its own read
  // snapshot (no BEGIN/COMMIT): every qualification of every person holding
  // one under the keys, then their attributes, limits and diseases, as rows
  // tagged 0..3 in that order. k finds the persons through the covering
  // index members_by_card, m is each of their qualifications. Eight
  // statement runs become one (the checks/s under load were a third SQLite).
  //
  // A person with two qualifications under the same keys makes k match
  // twice and every row of that person come twice; they are dropped here,
  // as is the ordering, rather than with DISTINCT or ORDER BY, each of which
  // would build a temporary B-tree per check.
  std::vector<Qualification> QualificationsForCardKeys(std::string_view insurer,
                                                       std::string_view number,
                                                       Date birth) override {
    Statement& s = Stmt("qualifications_for_card_keys", [] { return CardKeysReadSql(); });
    s.Bind(1, insurer).Bind(2, number).Bind(3, birth);
    std::vector<Qualification> out;
    std::vector<std::pair<int64_t, int64_t>> seen_certificates;  // (tag, rowid)
    auto member = [&out](int64_t id) -> Qualification* {
      for (Qualification& q : out) {
        if (q.member_id == id) return &q;
      }
      return nullptr;
    };
    try {
      while (s.Step()) {
        const int64_t tag = s.Int(0);
        const int64_t id = s.Int(1);
        if (tag == 0) {
          if (!member(id)) out.push_back(MemberFromRow(s, 1));
          continue;
        }
        Qualification* q = member(id);
        if (!q) continue;
        if (tag == 1) {
          const Date from = s.DateAt(2);
          bool dup = false;
          for (const MemberAttributes& a : q->attributes)
            dup = dup || a.effective_from == from;
          if (!dup) {
            q->attributes.push_back({from, s.Text(3), s.Text(4), s.Text(5), s.Text(6), s.Text(7),
                                     s.Text(8), s.Text(9)});
          }
          continue;
        }
        const std::pair<int64_t, int64_t> key{tag, s.Int(2)};
        if (std::find(seen_certificates.begin(), seen_certificates.end(), key) !=
            seen_certificates.end()) {
          continue;
        }
        seen_certificates.push_back(key);
        if (tag == 2) {
          q->limits.push_back({static_cast<int>(s.Int(3)), s.Text(4), s.DateAt(5), s.DateAt(6),
                               s.DateAt(7), s.OptDate(8)});
        } else {
          q->diseases.push_back({static_cast<int>(s.Int(3)), s.DateAt(4), s.DateAt(5), s.DateAt(6),
                                 static_cast<int>(s.Int(7))});
        }
      }
    } catch (...) {
      s.Reset();
      throw;
    }
    s.Reset();
    // The order the other reads give: by person, then acquisition; each
    // member's children by their first day (rows came in rowid order, which
    // the stable sorts keep for equal days).
    std::sort(out.begin(), out.end(), [](const Qualification& a, const Qualification& b) {
      return std::tie(a.person_id, a.acquired, a.member_id) <
             std::tie(b.person_id, b.acquired, b.member_id);
    });
    for (Qualification& q : out) {
      std::stable_sort(q.attributes.begin(), q.attributes.end(), [](const auto& a, const auto& b) {
        return a.effective_from < b.effective_from;
      });
      std::stable_sort(q.limits.begin(), q.limits.end(),
                       [](const auto& a, const auto& b) { return a.valid_from < b.valid_from; });
      std::stable_sort(q.diseases.begin(), q.diseases.end(),
                       [](const auto& a, const auto& b) { return a.valid_from < b.valid_from; });
    }
    return out;
  }

  std::vector<Qualification> QualificationsOfPerson(int64_t person_id) override {
    Statement& s = Stmt("member_of_person", [&] {
      return std::string("SELECT ") + kMemberColumns +
             " FROM members m LEFT JOIN insurers i USING (insurer_number)"
             " WHERE person_id = ? ORDER BY acquired, member_id";
    });
    s.Bind(1, person_id);
    return ReadMembers(s, person_id);
  }

  // Four range scans (members_by_person, then the children through it),
  // whatever the number of persons: the serving index reads 10^6 members
  // in a few hundred of these. Certificates with the same first day keep
  // the order they were stored in (rowid), as the card-key read keeps it.
  std::vector<int64_t> PersonsWithReferenceNumbers(int64_t after, int64_t through) override {
    Statement& s = Stmt("persons_with_reference_numbers",
                        "SELECT DISTINCT person_id FROM reference_numbers"
                        " WHERE person_id > ? AND person_id <= ? ORDER BY person_id");
    s.Bind(1, after).Bind(2, through);
    std::vector<int64_t> out;
    while (s.Step())
      out.push_back(s.Int(0));
    s.Reset();
    return out;
  }

  std::optional<Date> DailyJobDoneOn(std::string_view job) override {
    Statement& s = Stmt("daily_job_done_on", "SELECT done_on FROM daily_jobs WHERE job = ?");
    s.Bind(1, job);
    std::optional<Date> out;
    if (s.Step()) out = s.DateAt(0);
    s.Reset();
    return out;
  }

  void SetDailyJobDone(std::string_view job, Date on) override {
    Statement& s = Stmt("set_daily_job_done",
                        "INSERT INTO daily_jobs (job, done_on) VALUES (?, ?)"
                        " ON CONFLICT (job) DO UPDATE SET done_on = excluded.done_on");
    s.Bind(1, job).Bind(2, on);
    RunInsert(s, "invalid daily job");
  }

  std::vector<Qualification> QualificationsOfPersons(int64_t after, int64_t through) override {
    Statement& s = Stmt("members_of_persons", [&] {
      return std::string("SELECT ") + kMemberColumns +
             " FROM members m LEFT JOIN insurers i USING (insurer_number)"
             " WHERE person_id > ? AND person_id <= ? ORDER BY person_id, acquired, member_id";
    });
    s.Bind(1, after).Bind(2, through);
    std::vector<Qualification> out;
    while (s.Step())
      out.push_back(MemberFromRow(s, 0));
    s.Reset();
    if (out.empty()) return out;
    std::unordered_map<int64_t, size_t> at;
    at.reserve(out.size());
    for (size_t i = 0; i < out.size(); ++i)
      at.emplace(out[i].member_id, i);
    auto find = [&](int64_t id) -> Qualification* {
      auto it = at.find(id);
      return it == at.end() ? nullptr : &out[it->second];
    };
    constexpr const char* kRange =
        " JOIN members m USING (member_id) WHERE m.person_id > ? AND m.person_id <= ?";
    Statement& a = Stmt("attrs_of_persons", [&] {
      return "SELECT member_id, effective_from, x.name, name_kana, insured_name, postcode, "
             "address, name_of_other, name_of_other_kana FROM member_attributes x" +
             std::string(kRange) + " ORDER BY member_id, effective_from";
    });
    a.Bind(1, after).Bind(2, through);
    while (a.Step()) {
      if (Qualification* q = find(a.Int(0))) {
        q->attributes.push_back({a.DateAt(1), a.Text(2), a.Text(3), a.Text(4), a.Text(5), a.Text(6),
                                 a.Text(7), a.Text(8)});
      }
    }
    a.Reset();
    Statement& l = Stmt("limits_of_persons", [&] {
      return "SELECT member_id, classification, category_flag, certificate_date, valid_from, "
             "valid_until, long_term_date FROM member_limits x" +
             std::string(kRange) + " ORDER BY member_id, valid_from, x.rowid";
    });
    l.Bind(1, after).Bind(2, through);
    while (l.Step()) {
      if (Qualification* q = find(l.Int(0))) {
        q->limits.push_back({static_cast<int>(l.Int(1)), l.Text(2), l.DateAt(3), l.DateAt(4),
                             l.DateAt(5), l.OptDate(6)});
      }
    }
    l.Reset();
    Statement& d = Stmt("diseases_of_persons", [&] {
      return "SELECT member_id, category, certificate_date, valid_from, valid_until, self_pay_yen "
             "FROM member_diseases x" +
             std::string(kRange) + " ORDER BY member_id, valid_from, x.rowid";
    });
    d.Bind(1, after).Bind(2, through);
    while (d.Step()) {
      if (Qualification* q = find(d.Int(0))) {
        q->diseases.push_back({static_cast<int>(d.Int(1)), d.DateAt(2), d.DateAt(3), d.DateAt(4),
                               static_cast<int>(d.Int(5))});
      }
    }
    d.Reset();
    return out;
  }

  int64_t LastPersonId() override {
    Statement& s = Stmt("last_person", "SELECT COALESCE(MAX(person_id), 0) FROM persons");
    const int64_t out = s.Step() ? s.Int(0) : 0;
    s.Reset();
    return out;
  }

  // --- change feed -------------------------------------------------------------
  int64_t ChangeFeedHead() override {
    Statement& s = Stmt("change_head", "SELECT COALESCE(MAX(seq), 0) FROM changes");
    int64_t out = s.Step() ? s.Int(0) : 0;
    s.Reset();
    // Everything trimmed: the head is where the trimming got to.
    Statement& t = Stmt("change_trimmed", "SELECT trimmed_through FROM change_feed");
    if (t.Step()) out = std::max(out, t.Int(0));
    t.Reset();
    return out;
  }

  ChangePage ReadChanges(int64_t after_seq, int limit) override {
    ChangePage page;
    InReadSnapshot([&] {
      Statement& t = Stmt("change_trimmed", "SELECT trimmed_through FROM change_feed");
      if (t.Step()) page.trimmed_through = t.Int(0);
      t.Reset();
      Statement& s = Stmt("read_changes",
                          "SELECT seq, person_id FROM changes WHERE seq > ? ORDER BY seq LIMIT ?");
      s.Bind(1, after_seq).Bind(2, limit);
      while (s.Step())
        page.changes.push_back({s.Int(0), s.Int(1)});
      s.Reset();
    });
    return page;
  }

  void TrimChanges(int64_t through_seq) override {
    InTransaction([&] {
      Statement& d = Stmt("trim_changes", "DELETE FROM changes WHERE seq <= ?");
      d.Bind(1, through_seq).Run();
      Statement& u =
          Stmt("trim_mark", "UPDATE change_feed SET trimmed_through = max(trimmed_through, ?)");
      u.Bind(1, through_seq).Run();
    });
  }

  std::vector<Qualification> MembersOfInsurer(std::string_view insurer, Date lost_since,
                                              int64_t after_member_id, int limit) override {
    Statement& s = Stmt("members_of_insurer", [&] {
      return std::string("SELECT ") + kMemberColumns +
             " FROM members m LEFT JOIN insurers i USING (insurer_number)"
             " WHERE m.insurer_number = ? AND member_id > ? AND (lost IS NULL OR lost >= ?)"
             " ORDER BY member_id LIMIT ?";
    });
    s.Bind(1, insurer).Bind(2, after_member_id).Bind(3, lost_since).Bind(4, limit);
    return ReadMembers(s);
  }

  std::optional<int64_t> FindMemberId(std::string_view insurer, std::string_view symbol,
                                      std::string_view number, std::string_view branch) override {
    Statement& s = Stmt("member_id_by_keys",
                        "SELECT member_id FROM members WHERE insurer_number = ? AND symbol = ? AND "
                        "number = ? AND branch = ?");
    s.Bind(1, insurer).Bind(2, symbol).Bind(3, number).Bind(4, branch);
    std::optional<int64_t> out;
    if (s.Step()) out = s.Int(0);
    s.Reset();
    return out;
  }

  std::vector<Qualification> FindByInsuredNumber(std::string_view insurer, std::string_view symbol,
                                                 std::string_view number) override {
    Statement& s = Stmt("by_insured_number", [&] {
      return std::string("SELECT ") + kMemberColumns +
             " FROM members m LEFT JOIN insurers i USING (insurer_number)"
             " WHERE m.insurer_number = ? AND symbol = ? AND number = ?"
             " ORDER BY branch, member_id";
    });
    s.Bind(1, insurer).Bind(2, symbol).Bind(3, number);
    return ReadMembers(s);
  }

  void SetLinkages(const std::vector<int64_t>& ids, LinkageState state,
                   std::optional<Date> linked_on, std::string_view error) override {
    if (ids.empty()) return;
    InTransaction([&] {
      ForEachChunk(ids, [&](const int64_t* chunk, size_t n) {
        Statement& s = Stmt("set_linkages_" + std::to_string(n), [&] {
          return "UPDATE members SET linkage = ?, linked_on = ?, registration_error = ? "
                 "WHERE member_id IN (" +
                 Marks(n) + ")";
        });
        s.BindStable(1, LinkageStateName(state)).Bind(2, linked_on).Bind(3, error);
        BindIds(s, 4, chunk, n);
        RunInsert(s, "linkage update rejected");
        if (db_.Changes() != static_cast<int>(n)) {
          throw StoreError("a qualification of this batch is not stored");
        }
      });
    });
  }

  std::vector<int64_t> MissingQualifications(const std::vector<int64_t>& ids) override {
    std::unordered_set<int64_t> stored;
    ForEachChunk(ids, [&](const int64_t* chunk, size_t n) {
      Statement& s = Stmt("stored_members_" + std::to_string(n), [&] {
        return "SELECT member_id FROM members WHERE member_id IN (" + Marks(n) + ")";
      });
      BindIds(s, 1, chunk, n);
      while (s.Step())
        stored.insert(s.Int(0));
      s.Reset();
    });
    std::vector<int64_t> missing;
    for (int64_t id : ids)
      if (!stored.contains(id)) missing.push_back(id);
    return missing;
  }

  bool HasQualification(int64_t member_id) override {
    Statement& s = Stmt("has_member", "SELECT 1 FROM members WHERE member_id = ?");
    s.Bind(1, member_id);
    const bool found = s.Step();
    s.Reset();
    return found;
  }

  void SetLinkage(int64_t member_id, LinkageState state, std::optional<Date> linked_on,
                  std::string_view error) override {
    Statement& s = Stmt("set_linkage",
                        "UPDATE members SET linkage = ?, linked_on = ?, registration_error = ? "
                        "WHERE member_id = ?");
    s.Bind(1, LinkageStateName(state)).Bind(2, linked_on).Bind(3, error).Bind(4, member_id);
    RunInsert(s, "linkage update rejected");
    if (db_.Changes() != 1) {
      throw StoreError("no qualification with member_id " + std::to_string(member_id));
    }
  }

  // --- intermediate server queue ----------------------------------------------------
  bool AddSubmission(SubmissionRecord& r) override {
    Statement& s =
        Stmt("add_submission",
             "INSERT INTO submissions (insurer_number, submission_id, form, state, received_on, "
             "due_on, person_id, member_id, symbol, number, branch, name, name_kana, birth_date, "
             "sex, postcode, address, event_date, loss_reason, certificate_wanted, copay_percent, "
             "error_fields, error, linked_on, content_digest) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
             "?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (insurer_number, submission_id) DO NOTHING");
    bool inserted = false;
    InTransaction([&] {
      BindSubmission(s, r);
      RunInsert(s, "submission rejected (unknown insurer?)");
      if (db_.Changes() == 0) return;
      r.seq = db_.LastInsertId();
      inserted = true;
      if (!r.benefits.empty()) AddBenefits(r.seq, r.benefits);
    });
    return inserted;
  }

  // Reception's batch (store.hpp): one multi-row INSERT per chunk. Under
  // the write lock SQLite gives the rows of one statement consecutive
  // rowids, so the last one and the count name them all.
  bool AddSubmissions(std::vector<SubmissionRecord>& subs) override {
    bool all = true;
    InTransaction([&] {
      for (size_t from = 0; from < subs.size(); from += kRowsPerInsert) {
        const size_t n = std::min(kRowsPerInsert, subs.size() - from);
        Statement& s = Stmt("add_submissions_" + std::to_string(n), [&] {
          return std::string(
                     "INSERT INTO submissions (insurer_number, submission_id, form, state, "
                     "received_on, due_on, person_id, member_id, symbol, number, branch, name, "
                     "name_kana, birth_date, sex, postcode, address, event_date, loss_reason, "
                     "certificate_wanted, copay_percent, error_fields, error, linked_on, "
                     "content_digest) VALUES ") +
                 Rows(n, 25) + " ON CONFLICT (insurer_number, submission_id) DO NOTHING";
        });
        for (size_t i = 0; i < n; ++i)
          BindSubmission(s, subs[from + i], static_cast<int>(i * 25));
        RunInsert(s, "submission rejected (unknown insurer?)");
        if (db_.Changes() != static_cast<int>(n)) {
          all = false;
          return;
        }
        const int64_t last = db_.LastInsertId();
        for (size_t i = 0; i < n; ++i) {
          SubmissionRecord& r = subs[from + i];
          r.seq = last - static_cast<int64_t>(n - 1 - i);
          if (!r.benefits.empty()) AddBenefits(r.seq, r.benefits);
        }
      }
    });
    return all;
  }

  std::optional<SubmissionRecord> GetSubmission(std::string_view insurer,
                                                std::string_view submission_id) override {
    Statement& s = Stmt("get_submission", [&] {
      return std::string("SELECT ") + kSubmissionColumns + kSubmissionFrom +
             " WHERE insurer_number = ? AND "
             "submission_id = ?";
    });
    s.Bind(1, insurer).Bind(2, submission_id);
    return First(ReadSubmissions(s));
  }

  std::vector<std::optional<LinkageState>> SubmissionStates(
      const std::vector<int64_t>& seqs) override {
    std::unordered_map<int64_t, LinkageState> found;
    ForEachChunk(seqs, [&](const int64_t* chunk, size_t n) {
      Statement& s = Stmt("submission_states_" + std::to_string(n), [&] {
        return "SELECT seq, state FROM submissions WHERE seq IN (" + Marks(n) + ")";
      });
      BindIds(s, 1, chunk, n);
      while (s.Step()) {
        const auto state = ParseLinkageStateName(s.Text(1));
        if (!state) {
          s.Reset();
          throw StoreError("stored submission state is unknown");
        }
        found[s.Int(0)] = *state;
      }
      s.Reset();
    });
    std::vector<std::optional<LinkageState>> out;
    out.reserve(seqs.size());
    for (int64_t seq : seqs) {
      auto it = found.find(seq);
      out.push_back(it == found.end() ? std::nullopt : std::optional<LinkageState>(it->second));
    }
    return out;
  }

  void SetSubmissionStates(const std::vector<int64_t>& seqs, LinkageState state,
                           std::optional<Date> linked_on) override {
    if (seqs.empty()) return;
    InTransaction([&] {
      ForEachChunk(seqs, [&](const int64_t* chunk, size_t n) {
        Statement& s = Stmt("set_submission_states_" + std::to_string(n), [&] {
          return "UPDATE submissions SET state = ?, linked_on = ? WHERE seq IN (" + Marks(n) + ")";
        });
        s.BindStable(1, LinkageStateName(state)).Bind(2, linked_on);
        BindIds(s, 3, chunk, n);
        RunInsert(s, "submission update rejected");
        if (db_.Changes() != static_cast<int>(n)) {
          throw StoreError("a submission of this batch is not stored");
        }
      });
    });
  }

  std::optional<LinkageState> SubmissionState(int64_t seq) override {
    Statement& s = Stmt("submission_state", "SELECT state FROM submissions WHERE seq = ?");
    s.Bind(1, seq);
    std::optional<LinkageState> out;
    if (s.Step()) {
      out = ParseLinkageStateName(s.Text(0));
      if (!out) {
        s.Reset();
        throw StoreError("stored submission state is unknown");
      }
    }
    s.Reset();
    return out;
  }

  void UpdateSubmission(const SubmissionRecord& r) override {
    Statement& s = Stmt("update_submission",
                        "UPDATE submissions SET state = ?, person_id = ?, member_id = ?, "
                        "error_fields = ?, error = ?, linked_on = ? WHERE seq = ?");
    s.Bind(1, LinkageStateName(r.state)).Bind(2, r.person_id).Bind(3, r.member_id);
    s.Bind(4, r.error_fields).Bind(5, r.error).Bind(6, r.linked_on).Bind(7, r.seq);
    RunInsert(s, "submission update rejected");
    if (db_.Changes() != 1) throw StoreError("no submission with seq " + std::to_string(r.seq));
  }

  std::vector<SubmissionRecord> DueSubmissions(Date day, int limit) override {
    Statement& s = Stmt("due_submissions", [&] {
      return std::string("SELECT ") + kSubmissionColumns + kSubmissionFrom +
             " WHERE state IN ('submitted', "
             "'processing') AND due_on <= ? ORDER BY due_on, "
             "seq LIMIT ?";
    });
    s.Bind(1, day).Bind(2, limit);
    return ReadSubmissions(s);
  }

  std::vector<SubmissionRecord> ListSubmissions(const SubmissionFilter& f) override {
    if (f.state) {
      Statement& s = Stmt("list_submissions_state", [&] {
        return std::string("SELECT ") + kSubmissionColumns + kSubmissionFrom +
               " WHERE insurer_number = ? AND state = ? AND seq > "
               "? ORDER BY seq LIMIT ?";
      });
      s.Bind(1, f.insurer_number).Bind(2, LinkageStateName(*f.state)).Bind(3, f.after_seq);
      s.Bind(4, f.limit);
      return ReadSubmissions(s);
    }
    Statement& s = Stmt("list_submissions", [&] {
      return std::string("SELECT ") + kSubmissionColumns + kSubmissionFrom +
             " WHERE insurer_number = ? AND "
             "seq > ? ORDER BY seq LIMIT ?";
    });
    s.Bind(1, f.insurer_number).Bind(2, f.after_seq).Bind(3, f.limit);
    return ReadSubmissions(s);
  }

  std::vector<SubmissionRecord> SubmissionsOfPerson(int64_t person_id) override {
    Statement& s = Stmt("submissions_of_person", [&] {
      return std::string("SELECT ") + kSubmissionColumns + kSubmissionFrom +
             " WHERE person_id = ? AND person_id <> 0 ORDER BY seq";
    });
    s.Bind(1, person_id);
    return ReadSubmissions(s);
  }

  std::vector<SubmissionRecord> LinkedJoinersSince(Date since, int64_t after_seq,
                                                   int limit) override {
    Statement& s = Stmt("linked_joiners", [&] {
      return std::string("SELECT ") + kSubmissionColumns + kSubmissionFrom +
             " WHERE seq > ? AND event_date >= "
             "? AND state = 'linked' AND form IN "
             "('acquisition', 'dependent_add') ORDER BY seq LIMIT ?";
    });
    s.Bind(1, after_seq).Bind(2, since).Bind(3, limit);
    return ReadSubmissions(s);
  }

  // --- cards -----------------------------------------------------------------------
  int64_t AddCard(const CardRecord& c) override {
    Statement& s = Stmt("add_card",
                        "INSERT INTO cards (person_id, kind, application_date, issued_on, "
                        "card_expires_on, cert_serial, cert_issued_on, cert_expires_on, status, "
                        "pin_failures, face_only, insurance_registered_on, registration_channel, "
                        "cert_fingerprint) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    BindCard(s, c);
    RunInsert(s, "card rejected (duplicate certificate serial or unknown person)");
    return db_.LastInsertId();
  }

  void UpdateCard(const CardRecord& c) override {
    Statement& s =
        Stmt("update_card",
             "UPDATE cards SET person_id=?, kind=?, application_date=?, issued_on=?, "
             "card_expires_on=?, cert_serial=?, cert_issued_on=?, cert_expires_on=?, status=?, "
             "pin_failures=?, face_only=?, insurance_registered_on=?, registration_channel=?, "
             "cert_fingerprint=? WHERE card_id=?");
    BindCard(s, c);
    s.Bind(15, c.card_id);
    RunInsert(s, "card update rejected");
    if (db_.Changes() != 1) throw StoreError("no card with card_id " + std::to_string(c.card_id));
  }

  std::optional<CardRecord> GetCard(int64_t card_id) override {
    Statement& s = Stmt("get_card", [&] {
      return std::string("SELECT ") + kCardColumns + " FROM cards WHERE card_id = ?";
    });
    s.Bind(1, card_id);
    return First(ReadCards(s));
  }

  std::optional<CardRecord> FindCardByCertSerial(std::string_view serial) override {
    Statement& s = Stmt("card_by_serial", [&] {
      return std::string("SELECT ") + kCardColumns + " FROM cards WHERE cert_serial = ?";
    });
    s.Bind(1, serial);
    return First(ReadCards(s));
  }

  std::vector<CardRecord> CardsOfPerson(int64_t person_id) override {
    Statement& s = Stmt("cards_of_person", [&] {
      return std::string("SELECT ") + kCardColumns +
             " FROM cards WHERE person_id = ? ORDER BY card_id";
    });
    s.Bind(1, person_id);
    return ReadCards(s);
  }

  // --- card readers ----------------------------------------------------------------
  void AddReader(const ReaderRecord& r) override {
    Statement& s = Stmt("add_reader",
                        "INSERT INTO card_readers (reader_id, facility_code, name, public_jwk, "
                        "registered_at, revoked_at) VALUES (?,?,?,?,?,?)");
    s.Bind(1, r.reader_id).Bind(2, r.facility_code).Bind(3, r.name).Bind(4, r.public_jwk);
    s.Bind(5, r.registered_at);
    if (r.revoked_at) {
      s.Bind(6, *r.revoked_at);
    } else {
      s.BindNull(6);
    }
    RunInsert(s, "reader rejected (already registered, or the facility is unknown)");
  }

  std::optional<ReaderRecord> GetReader(std::string_view reader_id) override {
    Statement& s = Stmt("get_reader", [] {
      return std::string("SELECT ") + kReaderColumns + " FROM card_readers WHERE reader_id = ?";
    });
    s.Bind(1, reader_id);
    return First(ReadReaders(s));
  }

  std::vector<ReaderRecord> ReadersOfFacility(std::string_view facility) override {
    Statement& s = Stmt("readers_of_facility", [] {
      return std::string("SELECT ") + kReaderColumns +
             " FROM card_readers WHERE facility_code = ? ORDER BY registered_at, reader_id";
    });
    s.Bind(1, facility);
    return ReadReaders(s);
  }

  bool RevokeReader(std::string_view reader_id, std::string_view at) override {
    Statement& s = Stmt("revoke_reader",
                        "UPDATE card_readers SET revoked_at = COALESCE(revoked_at, ?) "
                        "WHERE reader_id = ?");
    s.Bind(1, at).Bind(2, reader_id);
    RunInsert(s, "reader revocation rejected");
    return db_.Changes() == 1;
  }

  // --- documents -------------------------------------------------------------------
  int64_t AddDocument(const DocumentRecord& d) override {
    Statement& s = Stmt("add_document",
                        "INSERT INTO documents (member_id, kind, reason, issued_on, valid_until, "
                        "returned_on, form, subject_document_id, printed_on) "
                        "VALUES (?,?,?,?,?,?,?,?,?)");
    BindDocument(s, d);
    RunInsert(s, "document rejected (unknown member or subject document)");
    return db_.LastInsertId();
  }

  // Reception's batch (store.hpp): one multi-row INSERT per chunk; the rows
  // of one statement get consecutive rowids (as AddSubmissions).
  void AddDocuments(std::vector<DocumentRecord>& docs) override {
    InTransaction([&] {
      for (size_t from = 0; from < docs.size(); from += kRowsPerInsert) {
        const size_t n = std::min(kRowsPerInsert, docs.size() - from);
        Statement& s = Stmt("add_documents_" + std::to_string(n), [&] {
          return "INSERT INTO documents (member_id, kind, reason, issued_on, valid_until, "
                 "returned_on, form, subject_document_id, printed_on) VALUES " +
                 Rows(n, 9);
        });
        for (size_t i = 0; i < n; ++i)
          BindDocument(s, docs[from + i], static_cast<int>(i * 9));
        RunInsert(s, "document rejected (unknown member or subject document)");
        const int64_t last = db_.LastInsertId();
        for (size_t i = 0; i < n; ++i)
          docs[from + i].document_id = last - static_cast<int64_t>(n - 1 - i);
      }
    });
  }

  // Binds a document's nine columns from parameter o + 1 on.
  static void BindDocument(Statement& s, const DocumentRecord& d, int o = 0) {
    s.Bind(o + 1, d.member_id)
        .BindStable(o + 2, DocumentKindName(d.kind))
        .BindStable(o + 3, d.reason);
    s.Bind(o + 4, d.issued_on).Bind(o + 5, d.valid_until).Bind(o + 6, d.returned_on);
    if (d.form) {
      s.BindStable(o + 7, CertificateFormName(*d.form));
    } else {
      s.BindNull(o + 7);
    }
    if (d.subject_document_id) {
      s.Bind(o + 8, *d.subject_document_id);
    } else {
      s.BindNull(o + 8);
    }
    s.Bind(o + 9, d.printed_on);
  }

  std::vector<DocumentRecord> DocumentsOfMember(int64_t member_id) override {
    Statement& s = Stmt("docs_of_member", [&] {
      return std::string("SELECT ") + kDocumentColumns +
             " FROM documents WHERE member_id = ? ORDER BY document_id";
    });
    s.Bind(1, member_id);
    return ReadDocuments(s);
  }

  std::optional<DocumentRecord> GetDocument(int64_t document_id) override {
    Statement& s = Stmt("get_document", [&] {
      return std::string("SELECT ") + kDocumentColumns + " FROM documents WHERE document_id = ?";
    });
    s.Bind(1, document_id);
    return First(ReadDocuments(s));
  }

  std::vector<DocumentRecord> DocumentsOfInsurer(std::string_view insurer, bool unprinted_only,
                                                 int64_t after_id, int limit) override {
    // The unprinted ones through their partial index (a handful among
    // millions); the register walks them all in document order.
    Statement& s = Stmt(unprinted_only ? "docs_unprinted" : "docs_of_insurer", [&] {
      return std::string("SELECT ") + kDocumentColumns + " FROM documents d WHERE document_id > ?" +
             (unprinted_only ? " AND printed_on IS NULL" : "") +
             " AND EXISTS (SELECT 1 FROM members m WHERE m.member_id = d.member_id"
             " AND m.insurer_number = ?) ORDER BY document_id LIMIT ?";
    });
    s.Bind(1, after_id).Bind(2, insurer).Bind(3, limit);
    return ReadDocuments(s);
  }

  void MarkDocumentPrinted(int64_t document_id, Date on) override {
    Statement& s = Stmt("doc_printed", "UPDATE documents SET printed_on = ? WHERE document_id = ?");
    s.Bind(1, on).Bind(2, document_id).Run();
    if (db_.Changes() != 1) throw StoreError("no document " + std::to_string(document_id));
  }

  void MarkDocumentReturned(int64_t document_id, Date on) override {
    Statement& s =
        Stmt("doc_returned", "UPDATE documents SET returned_on = ? WHERE document_id = ?");
    s.Bind(1, on).Bind(2, document_id).Run();
    if (db_.Changes() != 1) throw StoreError("no document " + std::to_string(document_id));
  }

  int64_t AddDocumentApplication(const DocumentApplicationRecord& a) override {
    Statement& s = Stmt("add_application",
                        "INSERT INTO document_applications (member_id, kind, applied_on, form, "
                        "email) VALUES (?,?,?,?,?)");
    s.Bind(1, a.member_id).Bind(2, ApplicationKindName(a.kind)).Bind(3, a.applied_on);
    if (a.form) {
      s.Bind(4, CertificateFormName(*a.form));
    } else {
      s.BindNull(4);
    }
    s.Bind(5, a.email);
    RunInsert(s, "application rejected (unknown member)");
    return db_.LastInsertId();
  }

  std::vector<DocumentApplicationRecord> DocumentApplicationsOfMember(int64_t member_id) override {
    Statement& s = Stmt("applications_of_member",
                        "SELECT application_id, member_id, kind, applied_on, form, email FROM "
                        "document_applications WHERE member_id = ? ORDER BY application_id");
    s.Bind(1, member_id);
    std::vector<DocumentApplicationRecord> out;
    while (s.Step()) {
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
    s.Reset();
    return out;
  }

  // --- audit -----------------------------------------------------------------------
  AuditEntry AppendAudit(const AuditEntry& in) override {
    AuditEntry e = in;
    InTransaction([&] {
      // The chain head is read once per transaction: the write lock taken
      // by BEGIN IMMEDIATE keeps every other writer out until it ends, so a
      // bulk import appending thousands of entries need not look it up again.
      if (!audit_head_) {
        Statement& last =
            Stmt("audit_last", "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
        audit_head_.emplace(0, "");
        if (last.Step()) audit_head_.emplace(last.Int(0), last.Text(1));
        last.Reset();
      }
      e.seq = audit_head_->first + 1;
      e.prev_hash = audit_head_->second;
      e.hash = AuditEntryHash(e);
      Statement& s =
          Stmt("audit_add",
               "INSERT INTO audit_log (seq, at, actor, action, person_id, detail, prev_hash, "
               "hash) VALUES (?,?,?,?,?,?,?,?)");
      s.Bind(1, e.seq).Bind(2, e.at).Bind(3, e.actor).Bind(4, e.action).Bind(5, e.person_id);
      s.Bind(6, e.detail).Bind(7, e.prev_hash).Bind(8, e.hash);
      RunInsert(s, "audit append failed");
      audit_head_.emplace(e.seq, e.hash);
    });
    return e;
  }

  std::vector<AuditEntry> ReadAudit(int64_t after_seq, int limit) override {
    Statement& s = Stmt("audit_read", [&] {
      return std::string("SELECT ") + kAuditColumns +
             " FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?";
    });
    s.Bind(1, after_seq).Bind(2, limit);
    return ReadAuditRows(s);
  }

  std::vector<AuditEntry> AuditOfPerson(int64_t person_id) override {
    Statement& s = Stmt("audit_person", [&] {
      return std::string("SELECT ") + kAuditColumns +
             " FROM audit_log WHERE person_id = ? AND person_id <> 0 ORDER BY seq";
    });
    s.Bind(1, person_id);
    return ReadAuditRows(s);
  }

  // --- 照会番号 and bulk requests -------------------------------------------------
  void PutReferenceNumber(const ReferenceNumberRecord& r) override {
    InTransaction([&] {
      Statement& del = Stmt("drop_reference_number",
                            "DELETE FROM reference_numbers WHERE facility_code = ? AND "
                            "(reference_number = ? OR person_id = ?)");
      del.Bind(1, r.facility_code).Bind(2, r.reference_number).Bind(3, r.person_id);
      del.Run();
      Statement& s = Stmt("put_reference_number",
                          "INSERT INTO reference_numbers (facility_code, reference_number, "
                          "insurer_number, symbol, number, branch, person_id, registered_at) "
                          "VALUES (?,?,?,?,?,?,?,?)");
      s.Bind(1, r.facility_code).Bind(2, r.reference_number).Bind(3, r.insurer_number);
      s.Bind(4, r.symbol).Bind(5, r.number).Bind(6, r.branch).Bind(7, r.person_id);
      s.Bind(8, r.registered_at);
      RunInsert(s, "reference number rejected (unknown facility or person)");
    });
  }

  std::optional<ReferenceNumberRecord> ReferenceNumberOfPerson(std::string_view facility,
                                                               int64_t person_id) override {
    Statement& s = Stmt("reference_number_of_person",
                        "SELECT facility_code, reference_number, insurer_number, symbol, number, "
                        "branch, person_id, registered_at FROM reference_numbers "
                        "WHERE facility_code = ? AND person_id = ?");
    s.Bind(1, facility).Bind(2, person_id);
    std::optional<ReferenceNumberRecord> out;
    if (s.Step()) {
      out = ReferenceNumberRecord{s.Text(0), s.Text(1), s.Text(2), s.Text(3),
                                  s.Text(4), s.Text(5), s.Int(6),  s.Text(7)};
    }
    s.Reset();
    return out;
  }

  void AddBulkJob(const BulkJobRecord& j) override {
    Statement& s = Stmt("add_bulk_job",
                        "INSERT INTO bulk_jobs (reception_number, facility_code, kind, done, "
                        "items, submitted_at, request) VALUES (?,?,?,0,?,?,?)");
    s.Bind(1, j.reception_number).Bind(2, j.facility_code);
    s.Bind(3, j.kind == BulkKind::kQualification ? "qualification" : "reference_number");
    s.Bind(4, j.items).Bind(5, j.submitted_at).Bind(6, j.request);
    RunInsert(s, "bulk request rejected (reception number used, or unknown facility)");
  }

  std::optional<BulkJobRecord> GetBulkJob(std::string_view reception_number) override {
    Statement& s = Stmt("get_bulk_job", std::string("SELECT ") + kBulkColumns +
                                            ", result FROM bulk_jobs WHERE reception_number = ?");
    s.Bind(1, reception_number);
    return First(ReadBulkJobs(s, true));
  }

  std::vector<BulkJobRecord> PendingBulkJobs(int limit) override {
    Statement& s = Stmt("pending_bulk_jobs", std::string("SELECT ") + kBulkColumns +
                                                 " FROM bulk_jobs WHERE done = 0 "
                                                 "ORDER BY submitted_at, reception_number LIMIT ?");
    s.Bind(1, limit);
    return ReadBulkJobs(s, false);
  }

  int PendingBulkJobsOf(std::string_view facility) override {
    Statement& s = Stmt("pending_bulk_jobs_of",
                        "SELECT COUNT(*) FROM bulk_jobs WHERE done = 0 AND facility_code = ?");
    s.Bind(1, facility);
    const int n = s.Step() ? static_cast<int>(s.Int(0)) : 0;
    s.Reset();
    return n;
  }

  bool CompleteBulkJob(const BulkJobRecord& j) override {
    Statement& s = Stmt("complete_bulk_job",
                        "UPDATE bulk_jobs SET done = 1, result = ?, normal = ?, errors = ?, "
                        "completed_at = ? WHERE reception_number = ? AND done = 0");
    s.Bind(1, j.result).Bind(2, j.normal).Bind(3, j.errors).Bind(4, j.completed_at);
    s.Bind(5, j.reception_number);
    RunInsert(s, "bulk result rejected");
    return db_.Changes() == 1;
  }

  StoreCounts Counts() override {
    StoreCounts c;
    auto count = [&](const char* table) {
      Statement s(db_.handle(), std::string("SELECT COUNT(*) FROM ") + table);
      return s.Step() ? s.Int(0) : 0;
    };
    c.persons = count("persons");
    c.insurers = count("insurers");
    c.members = count("members");
    c.cards = count("cards");
    c.documents = count("documents");
    c.facilities = count("facilities");
    c.audit_entries = count("audit_log");
    c.submissions = count("submissions");
    return c;
  }

 private:
  // Prepared statements are cached by name for the life of the connection.
  // Views, not strings: a check runs a dozen cached statements, and copying
  // each one's SQL text into a std::string just to look it up was a malloc
  // and a memcpy apiece.
  Statement& Stmt(std::string_view name, std::string_view sql) {
    return Stmt(name, [sql] { return sql; });
  }
  // For SQL assembled from parts: `make_sql` runs only the first time.
  template <typename MakeSql>
  requires std::invocable<MakeSql> Statement& Stmt(std::string_view name, MakeSql&& make_sql) {
    auto it = stmts_.find(name);
    if (it == stmts_.end()) {
      it = stmts_.emplace(std::string(name), std::make_unique<Statement>(db_.handle(), make_sql()))
               .first;
    }
    it->second->Reset();
    return *it->second;
  }

  // Runs an INSERT/UPDATE, turning constraint failures into a clear message.
  static void RunInsert(Statement& s, const std::string& what) {
    try {
      s.Run();
    } catch (const StoreUnavailable& e) {
      s.Reset();
      throw StoreUnavailable(what + " (" + e.what() + ")");  // the database, not the row
    } catch (const StoreError& e) {
      s.Reset();
      throw StoreError(what + " (" + e.what() + ")");
    }
  }

  template <class T>
  static std::optional<T> First(std::vector<T> v) {
    if (v.empty()) return std::nullopt;
    return std::move(v.front());
  }

  static std::optional<PersonRecord> ReadPerson(Statement& s) {
    std::optional<PersonRecord> out = ReadOnePerson(s);
    s.Reset();
    return out;
  }

  // The next row of `s` as a person, or nullopt at the end (not reset).
  static std::optional<PersonRecord> ReadOnePerson(Statement& s) {
    std::optional<PersonRecord> out;
    if (s.Step()) {
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
      out = std::move(p);
    }
    return out;
  }

  static std::vector<InsurerRecord> ReadInsurers(Statement& s) {
    std::vector<InsurerRecord> out;
    while (s.Step()) {
      InsurerRecord r;
      r.insurer_number = s.Text(0);
      r.name = s.Text(1);
      r.category = s.Text(2);
      r.link_lag_business_days = static_cast<int>(s.Int(3));
      r.holders_may_get_certificate = s.Int(4) != 0;
      r.certificate_validity_years = static_cast<int>(s.Int(5));
      const auto form = ParseCertificateFormName(s.Text(6));
      if (!form) throw StoreError("stored certificate form is unknown: " + s.Text(6));
      r.certificate_form = *form;
      out.push_back(std::move(r));
    }
    s.Reset();
    return out;
  }

  static void BindSubmission(Statement& s, const SubmissionRecord& r, int o = 0) {
    s.BindStable(o + 1, r.insurer_number)
        .BindStable(o + 2, r.submission_id)
        .BindStable(o + 3, FormKindCode(r.form));
    s.BindStable(o + 4, LinkageStateName(r.state)).Bind(o + 5, r.received_on).Bind(o + 6, r.due_on);
    s.Bind(o + 7, r.person_id)
        .Bind(o + 8, r.member_id)
        .BindStable(o + 9, r.symbol)
        .BindStable(o + 10, r.number);
    s.BindStable(o + 11, r.branch)
        .BindStable(o + 12, r.name)
        .BindStable(o + 13, r.name_kana)
        .Bind(o + 14, r.birth_date);
    s.Bind(o + 15, static_cast<int>(r.sex))
        .BindStable(o + 16, r.postcode)
        .BindStable(o + 17, r.address);
    s.Bind(o + 18, r.event_date);
    if (r.loss_reason) {
      s.BindStable(o + 19, LossReasonCode(*r.loss_reason));
    } else {
      s.BindNull(o + 19);
    }
    s.Bind(o + 20, r.certificate_wanted ? 1 : 0);
    if (r.copay_percent) {
      s.Bind(o + 21, *r.copay_percent);
    } else {
      s.BindNull(o + 21);
    }
    s.BindStable(o + 22, r.error_fields).BindStable(o + 23, r.error).Bind(o + 24, r.linked_on);
    s.BindStable(o + 25, r.content_digest);
  }

  static void BindMember(Statement& s, const Qualification& q, int o = 0) {
    s.Bind(o + 1, q.person_id)
        .BindStable(o + 2, q.insurer_number)
        .BindStable(o + 3, q.symbol)
        .BindStable(o + 4, q.number);
    s.BindStable(o + 5, q.branch).Bind(o + 6, static_cast<int>(q.personal_family));
    s.Bind(o + 7, static_cast<int>(q.card_classification)).Bind(o + 8, q.birth_date);
    s.Bind(o + 9, static_cast<int>(q.sex)).Bind(o + 10, q.acquired).Bind(o + 11, q.lost);
    if (q.loss_reason) {
      s.BindStable(o + 12, LossReasonCode(*q.loss_reason));
    } else {
      s.BindNull(o + 12);
    }
    s.Bind(o + 13, q.copay_percent);
    if (q.elderly) {
      s.Bind(o + 14, q.elderly->certificate_date).Bind(o + 15, q.elderly->valid_from);
      s.Bind(o + 16, q.elderly->valid_until).Bind(o + 17, q.elderly->copay_percent);
    } else {
      s.BindNull(o + 14).BindNull(o + 15).BindNull(o + 16).BindNull(o + 17);
    }
    s.BindStable(o + 18, LinkageStateName(q.linkage))
        .Bind(o + 19, q.submitted_on)
        .Bind(o + 20, q.linked_on);
    s.BindStable(o + 21, q.registration_error);
    if (q.sex2) {
      s.Bind(o + 22, static_cast<int>(*q.sex2));
    } else {
      s.BindNull(o + 22);
    }
    s.Bind(o + 23, q.copay_filed ? 1 : 0)
        .Bind(o + 24, q.card_issued_on)
        .Bind(o + 25, q.card_valid_until);
  }

  void WriteChildren(int64_t id, const Qualification& q) {
    Statement& a =
        Stmt("add_attr",
             "INSERT INTO member_attributes (member_id, effective_from, name, name_kana, "
             "insured_name, postcode, address, name_of_other, name_of_other_kana) "
             "VALUES (?,?,?,?,?,?,?,?,?)");
    for (const MemberAttributes& at : q.attributes) {
      a.Bind(1, id).Bind(2, at.effective_from).Bind(3, at.name).Bind(4, at.name_kana);
      a.Bind(5, at.insured_name).Bind(6, at.postcode).Bind(7, at.address);
      a.Bind(8, at.name_of_other).Bind(9, at.name_of_other_kana);
      RunInsert(a, "member attributes rejected (two changes effective the same day?)");
    }
    Statement& l =
        Stmt("add_limit",
             "INSERT INTO member_limits (member_id, classification, category_flag, "
             "certificate_date, valid_from, valid_until, long_term_date) VALUES (?,?,?,?,?,?,?)");
    for (const LimitCertificate& lc : q.limits) {
      l.Bind(1, id)
          .Bind(2, lc.classification)
          .Bind(3, lc.category_flag)
          .Bind(4, lc.certificate_date);
      l.Bind(5, lc.valid_from).Bind(6, lc.valid_until).Bind(7, lc.long_term_date);
      RunInsert(l, "limit certificate rejected");
    }
    Statement& d =
        Stmt("add_disease",
             "INSERT INTO member_diseases (member_id, category, certificate_date, valid_from, "
             "valid_until, self_pay_yen) VALUES (?,?,?,?,?,?)");
    for (const SpecificDisease& sd : q.diseases) {
      d.Bind(1, id).Bind(2, sd.category).Bind(3, sd.certificate_date).Bind(4, sd.valid_from);
      d.Bind(5, sd.valid_until).Bind(6, sd.self_pay_yen);
      RunInsert(d, "specific disease certificate rejected");
    }
  }

  // One member row as selected by kMemberColumns, starting at column `c`.
  static Qualification MemberFromRow(const Statement& s, int c) {
    Qualification q;
    q.member_id = s.Int(c + 0);
    q.person_id = s.Int(c + 1);
    q.insurer_number = s.Text(c + 2);
    q.symbol = s.Text(c + 3);
    q.number = s.Text(c + 4);
    q.branch = s.Text(c + 5);
    q.personal_family = static_cast<PersonalFamily>(s.Int(c + 6));
    q.card_classification = static_cast<CardClassification>(s.Int(c + 7));
    q.birth_date = s.DateAt(c + 8);
    q.sex = static_cast<Sex>(s.Int(c + 9));
    q.acquired = s.DateAt(c + 10);
    q.lost = s.OptDate(c + 11);
    if (!s.IsNull(c + 12)) q.loss_reason = ParseLossReasonCode(s.Text(c + 12));
    q.copay_percent = static_cast<int>(s.Int(c + 13));
    if (!s.IsNull(c + 14)) {
      q.elderly = ElderlyRecipient{s.DateAt(c + 14), s.DateAt(c + 15), s.DateAt(c + 16),
                                   static_cast<int>(s.Int(c + 17))};
    }
    auto linkage = ParseLinkageStateName(s.Text(c + 18));
    if (!linkage) throw StoreError("stored linkage state is unknown: " + s.Text(c + 18));
    q.linkage = *linkage;
    q.submitted_on = s.DateAt(c + 19);
    q.linked_on = s.OptDate(c + 20);
    q.registration_error = s.Text(c + 21);
    q.insurer_name = s.Text(c + 22);
    if (!s.IsNull(c + 23)) q.sex2 = static_cast<Sex>(s.Int(c + 23));
    q.copay_filed = s.Int(c + 24) != 0;
    q.card_issued_on = s.OptDate(c + 25);
    q.card_valid_until = s.OptDate(c + 26);
    return q;
  }

  // Reads member rows, then their attributes and certificates. With a
  // person id the children of all that person's qualifications come in three
  // queries instead of three per qualification (the eligibility hot path).
  std::vector<Qualification> ReadMembers(Statement& s, int64_t person_id = 0) {
    std::vector<Qualification> out;
    while (s.Step()) {
      Qualification q = MemberFromRow(s, 0);
      out.push_back(std::move(q));
    }
    s.Reset();
    if (out.empty()) return out;
    if (person_id != 0) {
      ReadChildren(out, /*by_person=*/true, person_id);
    } else {
      for (Qualification& q : out) {
        std::vector<Qualification> one;
        one.push_back(std::move(q));
        ReadChildren(one, /*by_person=*/false, one.front().member_id);
        q = std::move(one.front());
      }
    }
    return out;
  }

  // Fills attributes, limits and diseases of `qs` from the rows whose
  // member matches `key`: a person_id (by_person) or a member_id.
  void ReadChildren(std::vector<Qualification>& qs, bool by_person, int64_t key) {
    auto find = [&qs](int64_t member_id) -> Qualification* {
      for (Qualification& q : qs) {
        if (q.member_id == member_id) return &q;
      }
      return nullptr;
    };
    const std::string_view where = by_person
                                       ? " JOIN members m USING (member_id) WHERE m.person_id = ?"
                                       : " JOIN members m USING (member_id) WHERE m.member_id = ?";
    Statement& a = Stmt(by_person ? "attrs_by_person" : "attrs_by_member", [&] {
      return "SELECT member_id, effective_from, x.name, name_kana, insured_name, postcode, "
             "address, name_of_other, name_of_other_kana FROM member_attributes x" +
             std::string(where) + " ORDER BY member_id, effective_from";
    });
    a.Bind(1, key);
    while (a.Step()) {
      if (Qualification* q = find(a.Int(0))) {
        q->attributes.push_back({a.DateAt(1), a.Text(2), a.Text(3), a.Text(4), a.Text(5), a.Text(6),
                                 a.Text(7), a.Text(8)});
      }
    }
    a.Reset();
    Statement& l = Stmt(by_person ? "limits_by_person" : "limits_by_member", [&] {
      return "SELECT member_id, classification, category_flag, certificate_date, valid_from, "
             "valid_until, long_term_date FROM member_limits x" +
             std::string(where) + " ORDER BY member_id, valid_from";
    });
    l.Bind(1, key);
    while (l.Step()) {
      if (Qualification* q = find(l.Int(0))) {
        q->limits.push_back({static_cast<int>(l.Int(1)), l.Text(2), l.DateAt(3), l.DateAt(4),
                             l.DateAt(5), l.OptDate(6)});
      }
    }
    l.Reset();
    Statement& d = Stmt(by_person ? "diseases_by_person" : "diseases_by_member", [&] {
      return "SELECT member_id, category, certificate_date, valid_from, valid_until, self_pay_yen "
             "FROM member_diseases x" +
             std::string(where) + " ORDER BY member_id, valid_from";
    });
    d.Bind(1, key);
    while (d.Step()) {
      if (Qualification* q = find(d.Int(0))) {
        q->diseases.push_back({static_cast<int>(d.Int(1)), d.DateAt(2), d.DateAt(3), d.DateAt(4),
                               static_cast<int>(d.Int(5))});
      }
    }
    d.Reset();
  }

  static void BindCard(Statement& s, const CardRecord& c) {
    s.Bind(1, c.person_id).Bind(2, c.kind == CredentialKind::kCard ? "card" : "smartphone");
    s.Bind(3, c.application_date).Bind(4, c.issued_on).Bind(5, c.card_expires_on);
    s.Bind(6, c.cert_serial).Bind(7, c.cert_issued_on).Bind(8, c.cert_expires_on);
    s.Bind(9, CardStateName(c.status)).Bind(10, c.pin_failures).Bind(11, c.face_only ? 1 : 0);
    s.Bind(12, c.insurance_registered_on).Bind(13, c.registration_channel);
    s.Bind(14, c.cert_fingerprint);
  }

  static std::vector<BulkJobRecord> ReadBulkJobs(Statement& s, bool with_result) {
    std::vector<BulkJobRecord> out;
    while (s.Step()) {
      BulkJobRecord j;
      j.reception_number = s.Text(0);
      j.facility_code = s.Text(1);
      j.kind = s.Text(2) == "qualification" ? BulkKind::kQualification : BulkKind::kReferenceNumber;
      j.done = s.Int(3) != 0;
      j.items = static_cast<int>(s.Int(4));
      j.submitted_at = s.Text(5);
      j.request = s.Text(6);
      j.normal = static_cast<int>(s.Int(7));
      j.errors = static_cast<int>(s.Int(8));
      if (!s.IsNull(9)) j.completed_at = s.Text(9);
      if (with_result) j.result = s.Text(10);
      out.push_back(std::move(j));
    }
    s.Reset();
    return out;
  }

  static std::vector<ReaderRecord> ReadReaders(Statement& s) {
    std::vector<ReaderRecord> out;
    while (s.Step()) {
      ReaderRecord r{s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), std::nullopt};
      if (!s.IsNull(5)) r.revoked_at = s.Text(5);
      out.push_back(std::move(r));
    }
    s.Reset();
    return out;
  }

  static std::vector<DocumentRecord> ReadDocuments(Statement& s) {
    std::vector<DocumentRecord> out;
    while (s.Step()) {
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
    s.Reset();
    return out;
  }

  static std::vector<CardRecord> ReadCards(Statement& s) {
    std::vector<CardRecord> out;
    while (s.Step()) {
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
      c.face_only = s.Int(11) != 0;
      c.insurance_registered_on = s.OptDate(12);
      c.registration_channel = s.Text(13);
      c.cert_fingerprint = s.Text(14);
      out.push_back(std::move(c));
    }
    s.Reset();
    return out;
  }

  static std::vector<SubmissionRecord> ReadSubmissions(Statement& s) {
    std::vector<SubmissionRecord> out;
    while (s.Step()) {
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
      r.certificate_wanted = s.Int(20) != 0;
      if (!s.IsNull(21)) r.copay_percent = static_cast<int>(s.Int(21));
      r.error_fields = s.Text(22);
      r.error = s.Text(23);
      r.linked_on = s.OptDate(24);
      r.content_digest = s.Text(25);
      r.benefits = BenefitsFromRow(s, 26);
      out.push_back(std::move(r));
    }
    s.Reset();
    return out;
  }

  void AddBenefits(int64_t seq, const BenefitsFiling& b) {
    Statement& s = Stmt(
        "add_benefits",
        "INSERT INTO submission_benefits (seq, card_classification, card_issued_on, "
        "card_valid_until, name_of_other, name_of_other_kana, sex2, elderly_certificate_date, "
        "elderly_valid_from, elderly_valid_until, elderly_copay_percent, limit_classification, "
        "limit_category, limit_certificate_date, limit_valid_from, limit_valid_until, "
        "limit_long_term_date, disease_category, disease_certificate_date, disease_valid_from, "
        "disease_valid_until, disease_self_pay) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
        "?,?)");
    auto opt_int = [&s](int i, std::optional<int> v) {
      if (v) {
        s.Bind(i, *v);
      } else {
        s.BindNull(i);
      }
    };
    s.Bind(1, seq);
    opt_int(2, b.card_classification ? std::optional<int>(static_cast<int>(*b.card_classification))
                                     : std::nullopt);
    s.Bind(3, b.card_issued_on).Bind(4, b.card_valid_until);
    s.Bind(5, b.name_of_other).Bind(6, b.name_of_other_kana);
    opt_int(7, b.sex2 ? std::optional<int>(static_cast<int>(*b.sex2)) : std::nullopt);
    const ElderlyRecipient* e = b.elderly ? &*b.elderly : nullptr;
    s.Bind(8, e ? std::optional<Date>(e->certificate_date) : std::nullopt);
    s.Bind(9, e ? std::optional<Date>(e->valid_from) : std::nullopt);
    s.Bind(10, e ? std::optional<Date>(e->valid_until) : std::nullopt);
    opt_int(11, e ? std::optional<int>(e->copay_percent) : std::nullopt);
    const LimitCertificate* l = b.limit ? &*b.limit : nullptr;
    opt_int(12, l ? std::optional<int>(l->classification) : std::nullopt);
    if (l) {
      s.Bind(13, l->category_flag);
    } else {
      s.BindNull(13);
    }
    s.Bind(14, l ? std::optional<Date>(l->certificate_date) : std::nullopt);
    s.Bind(15, l ? std::optional<Date>(l->valid_from) : std::nullopt);
    s.Bind(16, l ? std::optional<Date>(l->valid_until) : std::nullopt);
    s.Bind(17, l ? l->long_term_date : std::nullopt);
    const SpecificDisease* d = b.disease ? &*b.disease : nullptr;
    opt_int(18, d ? std::optional<int>(d->category) : std::nullopt);
    s.Bind(19, d ? std::optional<Date>(d->certificate_date) : std::nullopt);
    s.Bind(20, d ? std::optional<Date>(d->valid_from) : std::nullopt);
    s.Bind(21, d ? std::optional<Date>(d->valid_until) : std::nullopt);
    opt_int(22, d ? std::optional<int>(d->self_pay_yen) : std::nullopt);
    RunInsert(s, "benefits data of the submission rejected");
  }

  // kSubmissionColumns' benefits part, from column `c` (all NULL when the
  // form filed none).
  static BenefitsFiling BenefitsFromRow(const Statement& s, int c) {
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

  static std::vector<AuditEntry> ReadAuditRows(Statement& s) {
    std::vector<AuditEntry> out;
    while (s.Step()) {
      out.push_back(
          {s.Int(0), s.Text(1), s.Text(2), s.Text(3), s.Int(4), s.Text(5), s.Text(6), s.Text(7)});
    }
    s.Reset();
    return out;
  }

  Db db_;
  MyNumberVault vault_;
  std::map<std::string, std::unique_ptr<Statement>, std::less<>> stmts_;
  int depth_ = 0;
  // The audit chain's last (seq, hash), valid only inside a write
  // transaction (see AppendAudit).
  std::optional<std::pair<int64_t, std::string>> audit_head_;
  // After db_: its statements are finalised before the connection closes.
  std::unique_ptr<ClinicalStore> clinical_;
};

}  // namespace

std::unique_ptr<Store> OpenSqliteStore(const std::string& path, MyNumberVault vault, bool migrate) {
  auto store = std::make_unique<SqliteStore>(path, std::move(vault));
  if (migrate) store->Migrate();
  return store;
}

}  // namespace onshi::store::sqlite
