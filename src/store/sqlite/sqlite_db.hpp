// A thin RAII layer over the SQLite C API: a connection and prepared
// statements that throw StoreError with SQLite's own message on failure.
//
// Not thread-safe: one Db per thread (SQLite's WAL mode lets several
// connections, in one process or many, read while one writes).
#ifndef ONSHI_STORE_SQLITE_SQLITE_DB_HPP_
#define ONSHI_STORE_SQLITE_SQLITE_DB_HPP_

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include "core/date.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace onshi::store::sqlite {

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Binders take 1-based parameter indexes, as SQLite does. Every parameter
  // must be bound before each first Step after a Reset: Reset keeps the old
  // values (no sqlite3_clear_bindings), and Step throws rather than run with
  // a value left over from the previous use. Rebinding a parameter releases
  // its old value first, so a copied text (Bind) allocates anew each time;
  // BindStable is the bind that allocates nothing.
  Statement& Bind(int i, int64_t v);
  Statement& Bind(int i, int v) { return Bind(i, static_cast<int64_t>(v)); }
  Statement& Bind(int i, std::string_view v);      // TEXT, copied by SQLite
  Statement& BindBlob(int i, std::string_view v);  // BLOB, copied by SQLite
  // TEXT that SQLite reads in place, without a copy (SQLITE_STATIC): `v`
  // must stay alive and unchanged until the statement is next Reset. For
  // the columns of bulk inserts, bound from records that outlive the
  // statement's run; a copy per value (a malloc, a memcpy and a free) was
  // a tenth of an import's writer.
  Statement& BindStable(int i, std::string_view v);
  // Held by the statement until Reset, so it too is read in place.
  Statement& Bind(int i, Date d);
  Statement& Bind(int i, const std::optional<Date>& d);
  Statement& BindNull(int i);

  // Advances; true while a row is available. Throws on error.
  bool Step();
  // Steps a statement that returns no rows, then resets it.
  void Run();
  void Reset();  // ready to bind and step again

  bool IsNull(int col) const;
  int64_t Int(int col) const;
  std::string Text(int col) const;
  std::string Blob(int col) const;
  Date DateAt(int col) const;  // throws if not an ISO date
  std::optional<Date> OptDate(int col) const;

 private:
  Statement& BindText(int i, std::string_view v, bool copy);
  void Mark(int i) {
    if (i >= 1 && i <= 64) bound_ |= uint64_t{1} << (i - 1);
  }

  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  uint64_t all_ = 0;    // one bit per parameter (the first 64 are checked)
  uint64_t bound_ = 0;  // the parameters bound since the last Reset
  bool fresh_ = true;   // no Step since the last Reset
  // Dates bound since the last Reset, as text. A deque: growing it moves
  // none of the strings SQLite points into.
  std::deque<std::string> held_;
};

class Db {
 public:
  // Opens (creating if needed) a database file in WAL mode with foreign keys
  // on and a busy timeout, so concurrent writers wait instead of failing.
  explicit Db(const std::string& path);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  void Exec(std::string_view sql);  // one or more statements, no results
  int64_t LastInsertId() const;
  int Changes() const;
  sqlite3* handle() { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace onshi::store::sqlite

#endif  // ONSHI_STORE_SQLITE_SQLITE_DB_HPP_
