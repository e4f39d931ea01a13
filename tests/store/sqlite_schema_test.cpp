// SQLite-only schema properties: migration 4 rewrites CHECK (x IN (...))
// constraints as OR chains, because SQLite builds a temporary B-tree for an
// IN list of three or more values on every INSERT that checks it; and the
// eligibility read builds none either.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "store/sqlite/migrations.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store/store.hpp"

namespace onshi::store {
namespace {

namespace fs = std::filesystem;

class SqliteSchemaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("onshi-schema-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = (dir_ / "s.db").string();
  }
  void TearDown() override {
    if (db_) sqlite3_close(db_);
    fs::remove_all(dir_);
  }

  void Connect() {
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db_), SQLITE_OK);
    // Made here under the umask; the store opens only private files.
    fs::permissions(path_, fs::perms::owner_read | fs::perms::owner_write);
  }

  // The result code of one statement (SQLITE_DONE on success).
  int Run(const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) return -1;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    }
    sqlite3_finalize(s);
    return rc;
  }

  // How many temporary B-trees (OpenEphemeral) and sorters (SorterOpen)
  // the program of `sql` opens.
  int TemporaryTables(const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, ("EXPLAIN " + sql).c_str(), -1, &s, nullptr), SQLITE_OK)
        << sqlite3_errmsg(db_);
    int n = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
      const auto* op = reinterpret_cast<const char*>(sqlite3_column_text(s, 1));
      if (op && (std::string(op) == "OpenEphemeral" || std::string(op) == "SorterOpen")) ++n;
    }
    sqlite3_finalize(s);
    return n;
  }

  void ExpectChecksAreCheapAndStillRefuse() {
    const std::string person =
        "INSERT INTO persons (my_number_key, my_number_sealed, name, name_kana, birth_date, sex, "
        "postcode, address) VALUES (randomblob(32), x'00', 'n', 'k', '1980-01-01', ";
    const std::string member =
        "INSERT INTO members (person_id, insurer_number, symbol, number, branch, personal_family, "
        "card_classification, birth_date, sex, acquired, copay_percent, linkage, submitted_on) "
        "VALUES (1, '06139992', 's', 'n', '00', 1, 1, '1980-01-01', 1, '2026-01-01', ";
    const std::string submission =
        "INSERT INTO submissions (insurer_number, submission_id, form, state, received_on, "
        "due_on, person_id, member_id, symbol, number, branch, name, name_kana, birth_date, sex, "
        "postcode, address, event_date, certificate_wanted, error_fields, error) VALUES "
        "('06139992', ";
    const std::string submission_rest =
        "'', '', 0, 0, 's', 'n', '00', 'n', 'k', '1980-01-01', 1, '', '', '2026-01-01', 0, '', '')";
    EXPECT_EQ(TemporaryTables(person + "2, '', '')"), 0);
    EXPECT_EQ(TemporaryTables(member + "30, 'linked', '2026-01-01')"), 0);
    EXPECT_EQ(TemporaryTables(submission + "'a', 'acquisition', 'submitted', " + submission_rest),
              0);
    EXPECT_EQ(TemporaryTables("INSERT INTO cards (person_id, kind, application_date, issued_on, "
                              "card_expires_on, cert_serial, cert_issued_on, cert_expires_on, "
                              "status, pin_failures, face_only) VALUES (1, 'card', '', '', '', "
                              "'s', '', '', 'active', 0, 0)"),
              0);

    // Migration 9's checks are OR chains too.
    EXPECT_EQ(TemporaryTables("INSERT INTO documents (member_id, kind, reason, issued_on, form) "
                              "VALUES (1, 'certificate', 'R-DOC-4', '2026-01-01', 'postcard')"),
              0);
    EXPECT_EQ(TemporaryTables("INSERT INTO document_applications (member_id, kind, applied_on, "
                              "form) VALUES (1, 'form', '2026-01-01', 'postcard')"),
              0);

    ASSERT_EQ(Run("INSERT INTO insurers (insurer_number, name, category, link_lag_business_days, "
                  "holders_may_get_certificate, certificate_validity_years) VALUES ('06139992', "
                  "'i', 'c', 2, 1, 5)"),
              SQLITE_DONE);
    EXPECT_EQ(Run(person + "3, '', '')"), SQLITE_DONE);
    EXPECT_EQ(Run(person + "4, '', '')"), SQLITE_CONSTRAINT);
    EXPECT_EQ(Run(member + "20, 'linked', '2026-01-01')"), SQLITE_DONE);
    EXPECT_EQ(Run(member + "25, 'linked', '2026-01-01')"), SQLITE_CONSTRAINT);
    EXPECT_EQ(Run(submission + "'a', 'change', 'registration_error', " + submission_rest),
              SQLITE_DONE);
    EXPECT_EQ(Run(submission + "'b', 'moving', 'submitted', " + submission_rest),
              SQLITE_CONSTRAINT);
    EXPECT_EQ(Run(submission + "'c', 'loss', 'lost', " + submission_rest), SQLITE_CONSTRAINT);
    EXPECT_EQ(Run("PRAGMA integrity_check"), SQLITE_DONE);
  }

  fs::path dir_;
  std::string path_;
  sqlite3* db_ = nullptr;
};

TEST_F(SqliteSchemaTest, AFreshDatabaseChecksWithoutTemporaryTables) {
  OpenStore(path_, (dir_ / "k").string());
  Connect();
  ExpectChecksAreCheapAndStillRefuse();
}

// The eligibility read de-duplicates and orders in C++ so that SQLite needs
// no temporary B-tree per check; a DISTINCT, ORDER BY or IN (subquery)
// slipped into it would show here.
TEST_F(SqliteSchemaTest, TheEligibilityReadBuildsNoTemporaryTables) {
  OpenStore(path_, (dir_ / "k").string());
  Connect();
  EXPECT_EQ(TemporaryTables(sqlite::CardKeysReadSql()), 0);
  // The probe itself sees them: the same read sorted, or with UNION's
  // de-duplication instead of UNION ALL.
  EXPECT_GT(TemporaryTables(sqlite::CardKeysReadSql() + " ORDER BY 1, 3"), 0);
  std::string deduplicated = sqlite::CardKeysReadSql();
  deduplicated.replace(deduplicated.find("UNION ALL"), 9, "UNION");
  EXPECT_GT(TemporaryTables(deduplicated), 0);
}

TEST_F(SqliteSchemaTest, ADatabaseAtVersion3IsRewrittenInPlaceKeepingItsRows) {
  // A database as version 3 left it, with a row, as in the field.
  Connect();
  ASSERT_EQ(sqlite3_exec(db_,
                         "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT "
                         "NOT NULL, applied_at TEXT NOT NULL DEFAULT '')",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  for (const sqlite::Migration& m : sqlite::Migrations()) {
    if (m.version > 3) break;
    ASSERT_EQ(sqlite3_exec(db_, std::string(m.sql).c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    ASSERT_EQ(Run("INSERT INTO schema_migrations (version, name) VALUES (" +
                  std::to_string(m.version) + ", 'x')"),
              SQLITE_DONE);
  }
  ASSERT_GT(TemporaryTables("INSERT INTO persons (my_number_key, my_number_sealed, name, "
                            "name_kana, birth_date, sex, postcode, address) VALUES (x'01', x'00', "
                            "'n', 'k', '1980-01-01', 1, '', '')"),
            0);
  ASSERT_EQ(Run("INSERT INTO persons (my_number_key, my_number_sealed, name, name_kana, "
                "birth_date, sex, postcode, address) VALUES (x'01', x'00', 'n', 'k', "
                "'1980-01-01', 1, '', '')"),
            SQLITE_DONE);

  // This connection stays open across the migration: the bumped schema
  // cookie makes it read the new schema at its next statement.
  auto store = OpenStore(path_, (dir_ / "k").string());
  EXPECT_EQ(store->SchemaVersion(), sqlite::Migrations().back().version);
  EXPECT_EQ(Run("SELECT count(*) FROM persons"), SQLITE_DONE);
  EXPECT_TRUE(store->GetPerson(1).has_value());
  ExpectChecksAreCheapAndStillRefuse();
}

}  // namespace
}  // namespace onshi::store
