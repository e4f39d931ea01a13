#include "store/backup.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

#include "store/store.hpp"

extern char** environ;

namespace onshi::store {
namespace {

// Creates `path` empty and owner-only; refuses one that exists, so a backup
// never overwrites anything.
void CreateEmptyPrivateFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) throw StoreError("cannot create " + path + ": " + std::strerror(errno));
  const bool ok = ::fchmod(fd, 0600) == 0;
  ::close(fd);
  if (!ok) throw StoreError("cannot make " + path + " private (mode 0600)");
}

class SqliteHandle {
 public:
  SqliteHandle(const std::string& path, int flags) {
    if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
      const std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      db_ = nullptr;
      throw StoreUnavailable("cannot open database " + path + ": " + msg);
    }
    sqlite3_busy_timeout(db_, 10000);
  }
  ~SqliteHandle() { sqlite3_close(db_); }
  SqliteHandle(const SqliteHandle&) = delete;
  SqliteHandle& operator=(const SqliteHandle&) = delete;
  sqlite3* get() { return db_; }

  // The first column of the first row of `sql`, as text.
  std::string One(const char* sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &s, nullptr) != SQLITE_OK)
      throw StoreError(std::string(sql) + ": " + sqlite3_errmsg(db_));
    std::string out;
    if (sqlite3_step(s) == SQLITE_ROW) {
      const unsigned char* t = sqlite3_column_text(s, 0);
      out = t ? reinterpret_cast<const char*>(t) : "";
    }
    sqlite3_finalize(s);
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

// Copies every page of `from` into `to` in one step: the source's read
// snapshot is held for the whole copy, so concurrent writers (a running
// server) wait at most for it and the copy is one consistent state. A step
// the writer's lock refuses is retried; SQLite restarts a copy that a write
// from another connection overtook.
void CopyPages(SqliteHandle& from, SqliteHandle& to, const std::string& what) {
  sqlite3_backup* b = sqlite3_backup_init(to.get(), "main", from.get(), "main");
  if (!b) throw StoreError(what + ": " + sqlite3_errmsg(to.get()));
  int rc = SQLITE_OK;
  for (int attempt = 0; attempt < 600; ++attempt) {
    rc = sqlite3_backup_step(b, -1);
    if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) throw StoreError(what + ": " + sqlite3_errstr(rc));
}

// Runs a PostgreSQL client program (no shell: the location may hold any
// character) and throws with its name and status unless it succeeds. Its
// own messages go to our stderr, where the operator sees them.
void RunTool(std::vector<std::string> argv) {
  std::vector<char*> args;
  for (std::string& a : argv)
    args.push_back(a.data());
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = ::posix_spawnp(&pid, args[0], nullptr, nullptr, args.data(), environ);
  if (rc != 0) {
    throw StoreError("cannot run " + argv[0] + ": " + std::strerror(rc) +
                     " (install Debian's postgresql-client)");
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw StoreError(argv[0] + " failed (exit status " +
                     std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")");
}

}  // namespace

void BackupDatabase(const std::string& location, const std::string& to) {
  if (IsPostgresLocation(location)) {
    CreateEmptyPrivateFile(to);
    try {
      RunTool({"pg_dump", "--format=custom", "--no-owner", "--file=" + to, location});
    } catch (...) {
      ::unlink(to.c_str());
      throw;
    }
    return;
  }
  struct stat st;
  if (::stat(location.c_str(), &st) != 0)
    throw StoreUnavailable("no database at " + location + ": " + std::strerror(errno));
  CreateEmptyPrivateFile(to);
  try {
    SqliteHandle from(location, SQLITE_OPEN_READWRITE);
    SqliteHandle copy(to, SQLITE_OPEN_READWRITE);
    CopyPages(from, copy, "backup of " + location);
    // A single file that needs no -wal beside it; restore turns WAL on again.
    copy.One("PRAGMA journal_mode=DELETE");
  } catch (...) {
    ::unlink(to.c_str());
    throw;
  }
}

void RestoreDatabase(const std::string& from, const std::string& location) {
  if (DatabaseExists(location)) {
    throw StoreError("a database is already at " + location +
                     ": restore only into an empty place, never over data");
  }
  if (IsPostgresLocation(location)) {
    RunTool({"pg_restore", "--no-owner", "--exit-on-error", "--single-transaction",
             "--dbname=" + location, from});
    return;
  }
  {
    SqliteHandle check(from, SQLITE_OPEN_READONLY);
    const std::string verdict = check.One("PRAGMA integrity_check");
    if (verdict != "ok") throw StoreError("the backup " + from + " is damaged: " + verdict);
  }
  CreateEmptyPrivateFile(location);
  try {
    SqliteHandle source(from, SQLITE_OPEN_READONLY);
    SqliteHandle target(location, SQLITE_OPEN_READWRITE);
    CopyPages(source, target, "restore into " + location);
  } catch (...) {
    ::unlink(location.c_str());
    throw;
  }
}

}  // namespace onshi::store
