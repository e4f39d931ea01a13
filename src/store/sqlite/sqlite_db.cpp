#include "store/sqlite/sqlite_db.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include <sqlite3.h>

#include <chrono>
#include <thread>

#include "store/store.hpp"

namespace onshi::store::sqlite {
namespace {

// Errors of the database as a whole, as opposed to this statement's data.
bool IsUnavailable(int rc) {
  switch (rc & 0xFF) {
    case SQLITE_FULL:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_NOMEM:
    case SQLITE_PROTOCOL:
      return true;
    default:
      return false;
  }
}

[[noreturn]] void Throw(int rc, const std::string& msg) {
  if (IsUnavailable(rc)) throw StoreUnavailable(msg);
  throw StoreError(msg);
}

[[noreturn]] void Fail(sqlite3* db, std::string_view what) {
  Throw(db ? sqlite3_extended_errcode(db) : SQLITE_NOMEM,
        std::string(what) + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

// The database holds names, addresses, insurance numbers and the audit log:
// it is created 0600 whatever the umask (SQLite gives its -wal, -shm and
// -journal files the database file's mode), and a file that group or others
// can reach is refused, as key files are (auth/key_file.hpp): it must be
// treated as leaked, and failing loudly is cheaper than finding out later.
void CreatePrivately(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return;  // there already, or not creatable: sqlite3_open says why
  const bool ok = ::fchmod(fd, 0600) == 0;
  ::close(fd);
  if (!ok) {
    ::unlink(path.c_str());
    throw StoreError("cannot make " + path + " private (mode 0600)");
  }
}

void RefuseIfShared(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    const std::string file = path + suffix;
    struct stat st;
    if (::stat(file.c_str(), &st) != 0 || (st.st_mode & 077) == 0) continue;
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    throw StoreError("database file " + file + " has mode " + mode +
                     "; it holds personal data and must not be readable by group or others "
                     "(chmod 600 " +
                     file + ")");
  }
}

}  // namespace

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
  if (sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                         &stmt_, nullptr) != SQLITE_OK) {
    Fail(db, "prepare \"" + std::string(sql.substr(0, 60)) + "\"");
  }
  const int n = std::min(sqlite3_bind_parameter_count(stmt_), 64);
  all_ = n == 64 ? ~uint64_t{0} : (uint64_t{1} << n) - 1;
}

Statement::~Statement() {
  sqlite3_finalize(stmt_);
}

Statement& Statement::Bind(int i, int64_t v) {
  if (sqlite3_bind_int64(stmt_, i, v) != SQLITE_OK) Fail(db_, "bind");
  Mark(i);
  return *this;
}

Statement& Statement::BindText(int i, std::string_view v, bool copy) {
  if (sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()),
                        copy ? SQLITE_TRANSIENT : SQLITE_STATIC) != SQLITE_OK) {
    Fail(db_, "bind");
  }
  Mark(i);
  return *this;
}

Statement& Statement::Bind(int i, std::string_view v) {
  return BindText(i, v, true);
}

Statement& Statement::BindStable(int i, std::string_view v) {
  return BindText(i, v, false);
}

Statement& Statement::Bind(int i, Date d) {
  return BindStable(i, held_.emplace_back(d.ToIso()));
}

Statement& Statement::BindBlob(int i, std::string_view v) {
  if (sqlite3_bind_blob(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT) !=
      SQLITE_OK) {
    Fail(db_, "bind");
  }
  Mark(i);
  return *this;
}

Statement& Statement::Bind(int i, const std::optional<Date>& d) {
  return d ? Bind(i, *d) : BindNull(i);
}

Statement& Statement::BindNull(int i) {
  if (sqlite3_bind_null(stmt_, i) != SQLITE_OK) Fail(db_, "bind");
  Mark(i);
  return *this;
}

bool Statement::Step() {
  if (fresh_) {
    if ((bound_ & all_) != all_) {
      int missing = 1;
      while (bound_ & (uint64_t{1} << (missing - 1)))
        ++missing;
      throw StoreError("step: parameter " + std::to_string(missing) + " of \"" +
                       std::string(sqlite3_sql(stmt_)).substr(0, 60) + "\" was not bound");
    }
    fresh_ = false;
  }
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  const std::string msg = sqlite3_errmsg(db_);
  Reset();
  Throw(rc, "step: " + msg);
}

void Statement::Run() {
  while (Step()) {
  }
  Reset();
}

void Statement::Reset() {
  // No sqlite3_clear_bindings: every parameter is bound again before the
  // next Step (Step checks), and binding releases the old value anyway, so
  // clearing would only walk the parameters once more. Parameters bound in
  // place still point into held_ (and into the caller's records), which may
  // go away now; none is read before it is bound again.
  sqlite3_reset(stmt_);
  held_.clear();
  bound_ = 0;
  fresh_ = true;
}

bool Statement::IsNull(int col) const {
  return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
}
int64_t Statement::Int(int col) const {
  return sqlite3_column_int64(stmt_, col);
}

std::string Statement::Text(int col) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
}

std::string Statement::Blob(int col) const {
  const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, col));
  return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
}

Date Statement::DateAt(int col) const {
  const std::string t = Text(col);
  auto d = Date::ParseIso(t);
  if (!d) throw StoreError("stored date is malformed: \"" + t + "\"");
  return *d;
}

std::optional<Date> Statement::OptDate(int col) const {
  if (IsNull(col)) return std::nullopt;
  return DateAt(col);
}

Db::Db(const std::string& path) {
  // SQLite counts every allocation under one process-wide mutex unless told
  // not to (SQLITE_CONFIG_MEMSTATUS): connections on several threads (an
  // import's read-ahead, the server's workers) then queue for it on every
  // malloc, a fifth of an import's time in the profile of issue 20. onshi
  // never reads those counters. Set once, before SQLite initialises; if
  // something initialised it earlier, the call is refused and nothing
  // changes.
  static const bool configured = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return sqlite3_initialize() == SQLITE_OK;
  }();
  (void)configured;
  CreatePrivately(path);
  RefuseIfShared(path);
  if (sqlite3_open_v2(path.c_str(), &db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK) {
    const std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw StoreUnavailable("cannot open database " + path + ": " + msg);
  }
  // How long a writer waits for another process's write lock before
  // failing with "database is locked": 10 s, or ONSHI_SQLITE_BUSY_MS.
  int busy_ms = 10000;
  if (const char* env = std::getenv("ONSHI_SQLITE_BUSY_MS"); env && *env) {
    busy_ms = std::max(0, std::atoi(env));
  }
  sqlite3_busy_timeout(db_, busy_ms);
  sqlite3_extended_result_codes(db_, 1);
  // WAL: readers never block the writer; synchronous=NORMAL is durable
  // across process crashes (kill -9) and loses at most the last commits on
  // power loss, the usual trade-off for WAL.
  //
  // Switching a new file to WAL needs an exclusive lock, and SQLite answers
  // SQLITE_BUSY for it at once rather than through the busy handler, so
  // processes opening a fresh database together (several servers starting)
  // retry here instead of failing one time in a hundred.
  for (int attempt = 0;; ++attempt) {
    char* err = nullptr;
    const int rc = sqlite3_exec(db_, "PRAGMA journal_mode=WAL", nullptr, nullptr, &err);
    sqlite3_free(err);
    if (rc == SQLITE_OK) break;
    if ((rc & 0xFF) != SQLITE_BUSY || attempt >= 1000) {
      const std::string msg = sqlite3_errmsg(db_);
      sqlite3_close(db_);
      db_ = nullptr;
      throw StoreUnavailable("cannot open database " + path + " in WAL mode: " + msg);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  Exec(
      "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
      "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536; PRAGMA mmap_size=1073741824;");
}

Db::~Db() {
  sqlite3_close_v2(db_);
}

void Db::Exec(std::string_view sql) {
  char* err = nullptr;
  const std::string s(sql);
  if (const int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err); rc != SQLITE_OK) {
    const std::string msg = err ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    Throw(rc, msg);
  }
}

int64_t Db::LastInsertId() const {
  return sqlite3_last_insert_rowid(db_);
}
int Db::Changes() const {
  return sqlite3_changes(db_);
}

}  // namespace onshi::store::sqlite
