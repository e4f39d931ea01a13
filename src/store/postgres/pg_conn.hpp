// A thin RAII layer over libpq: one connection, statements prepared once per
// connection and run with text parameters, and results read by row and
// column. Every failure throws StoreError with PostgreSQL's primary message
// and its SQLSTATE.
//
// Not thread-safe: one Conn per thread, as with the SQLite backend.
#ifndef ONSHI_STORE_POSTGRES_PG_CONN_HPP_
#define ONSHI_STORE_POSTGRES_PG_CONN_HPP_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/date.hpp"

struct pg_conn;
struct pg_result;

namespace onshi::store::postgres {

// Positional parameters $1, $2, … in the order they are added. Values travel
// as text, except bytea, which travels as binary so it needs no escaping.
class Params {
 public:
  Params& Add(int64_t v);
  Params& Add(int v) { return Add(static_cast<int64_t>(v)); }
  Params& Add(std::string_view v);
  Params& Add(Date d) { return Add(std::string_view(d.ToIso())); }
  Params& Add(const std::optional<Date>& d) { return d ? Add(*d) : AddNull(); }
  // Named rather than overloaded: a string literal would otherwise pick
  // Add(bool) over Add(std::string_view).
  Params& AddBool(bool v);
  Params& AddBytes(std::string_view v);
  Params& AddNull();

  int size() const { return static_cast<int>(values_.size()); }
  // nullopt is SQL NULL.
  const std::vector<std::optional<std::string>>& values() const { return values_; }
  const std::vector<int>& formats() const { return formats_; }  // 0 text, 1 binary

 private:
  Params& Push(std::optional<std::string> v, int format);

  std::vector<std::optional<std::string>> values_;
  std::vector<int> formats_;
};

// The rows a statement returned (owning its PGresult), or the count of rows
// an INSERT/UPDATE/DELETE touched.
class Result {
 public:
  explicit Result(pg_result* r) : r_(r) {}
  ~Result();
  Result(Result&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
  Result& operator=(Result&&) = delete;
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;

  int rows() const;
  int columns() const;
  int affected() const;  // rows changed by the command

  bool IsNull(int row, int col) const;
  int64_t Int(int row, int col) const;
  bool Bool(int row, int col) const;
  std::string Text(int row, int col) const;
  std::string Bytes(int row, int col) const;  // a bytea column, decoded
  Date DateAt(int row, int col) const;        // throws if not an ISO date
  std::optional<Date> OptDate(int row, int col) const;

 private:
  pg_result* r_;
};

// One row of a Result, so readers can say row.Int(3) as with SQLite.
// `first` shifts the columns: Row(r, i, 4).Int(0) is column 4, for results
// that carry several record shapes side by side.
class Row {
 public:
  Row(const Result& r, int row, int first = 0) : r_(r), row_(row), first_(first) {}
  bool IsNull(int c) const { return r_.IsNull(row_, first_ + c); }
  int64_t Int(int c) const { return r_.Int(row_, first_ + c); }
  bool Bool(int c) const { return r_.Bool(row_, first_ + c); }
  std::string Text(int c) const { return r_.Text(row_, first_ + c); }
  std::string Bytes(int c) const { return r_.Bytes(row_, first_ + c); }
  Date DateAt(int c) const { return r_.DateAt(row_, first_ + c); }
  std::optional<Date> OptDate(int c) const { return r_.OptDate(row_, first_ + c); }

 private:
  const Result& r_;
  int row_;
  int first_;
};

class Conn {
 public:
  // Connects with a libpq connection string or URI ("postgresql://…"), and
  // fixes the session settings the store's text I/O relies on.
  explicit Conn(const std::string& conninfo);
  ~Conn();
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  // Runs one or more statements with no parameters (DDL, session settings).
  void Exec(std::string_view sql);
  // Transaction brackets. Between Begin and Commit/Rollback a lost
  // connection is an error; outside them, the next statement reconnects
  // first (a server restart, failover or idle timeout costs one failed call,
  // not the connection for good).
  void Begin(std::string_view begin_sql);
  void Commit();
  void Rollback();  // never throws: the error that led here is the one to report
  // Runs the statement `name`, preparing `sql` under that name the first
  // time this connection sees it. The same name must always carry the same
  // SQL.
  Result Run(const std::string& name, const std::string& sql, const Params& params = {});

  // True when a statement of the open transaction failed: PostgreSQL then
  // refuses everything until ROLLBACK, and a COMMIT would quietly roll back.
  bool InFailedTransaction() const;

  // True when the server this connection talks to is a hot standby (a
  // streaming replica), which accepts reads only.
  bool InRecovery();

 private:
  void Open();
  // Re-establishes a connection the server dropped. Only between
  // transactions: whatever an open transaction had done is gone with the old
  // connection.
  void ReconnectIfBroken();

  std::string conninfo_;
  pg_conn* conn_ = nullptr;
  std::unordered_set<std::string> prepared_;
  bool in_transaction_ = false;
};

}  // namespace onshi::store::postgres

#endif  // ONSHI_STORE_POSTGRES_PG_CONN_HPP_
