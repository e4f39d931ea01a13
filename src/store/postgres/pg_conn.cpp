#include "store/postgres/pg_conn.hpp"

#include <libpq-fe.h>

#include <charconv>

#include "store/store.hpp"

namespace onshi::store::postgres {
namespace {

// libpq's messages span lines ("server closed the connection unexpectedly\n\t
// This probably means…"); logs and problem details want one.
std::string OneLine(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n' || c == '\t' || c == '\r') c = ' ';
    if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
    out += c;
  }
  while (!out.empty() && out.back() == ' ')
    out.pop_back();
  return out;
}

// PostgreSQL's primary message and SQLSTATE. The DETAIL field is left out
// on purpose: for a constraint violation it echoes the offending row's
// values, and an error message must not carry a person's data into logs.
std::string Describe(const PGresult* r, PGconn* conn) {
  const char* primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  std::string msg = OneLine(primary ? primary : PQerrorMessage(conn));
  if (state) msg += std::string(" [SQLSTATE ") + state + "]";
  return msg;
}

// Errors of the server as a whole rather than of the statement: the
// connection (class 08), resources such as a full disk (53), shutdown and
// start-up (57P), a read-only standby (25006), the writer lock's timeout
// (55P03), or a connection gone bad.
bool IsUnavailable(const PGresult* r, PGconn* conn) {
  if (conn == nullptr || PQstatus(conn) == CONNECTION_BAD) return true;
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  if (!state) return r == nullptr;
  const std::string_view s(state);
  return s.starts_with("08") || s.starts_with("53") || s.starts_with("57P") || s == "25006" ||
         s == "55P03";
}

// Throws unless `r` finished well; takes ownership of `r` either way.
Result Check(PGresult* r, PGconn* conn, std::string_view what) {
  const ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return Result(r);
  const std::string msg = Describe(r, conn);
  const bool unavailable = IsUnavailable(r, conn);
  PQclear(r);
  if (unavailable) throw StoreUnavailable(std::string(what) + ": " + msg);
  throw StoreError(std::string(what) + ": " + msg);
}

}  // namespace

// --- Params ----------------------------------------------------------------

Params& Params::Push(std::optional<std::string> v, int format) {
  values_.push_back(std::move(v));
  formats_.push_back(format);
  return *this;
}

Params& Params::Add(int64_t v) {
  return Push(std::to_string(v), 0);
}
Params& Params::Add(std::string_view v) {
  return Push(std::string(v), 0);
}
Params& Params::AddBool(bool v) {
  return Push(v ? "t" : "f", 0);
}
Params& Params::AddBytes(std::string_view v) {
  return Push(std::string(v), 1);
}
Params& Params::AddNull() {
  return Push(std::nullopt, 0);
}

// --- Result ----------------------------------------------------------------

Result::~Result() {
  PQclear(r_);
}

int Result::rows() const {
  return PQntuples(r_);
}

int Result::columns() const {
  return PQnfields(r_);
}

int Result::affected() const {
  const char* n = PQcmdTuples(r_);
  int out = 0;
  std::from_chars(n, n + std::char_traits<char>::length(n), out);
  return out;
}

bool Result::IsNull(int row, int col) const {
  return PQgetisnull(r_, row, col) != 0;
}

int64_t Result::Int(int row, int col) const {
  if (IsNull(row, col)) return 0;
  const char* p = PQgetvalue(r_, row, col);
  const char* end = p + PQgetlength(r_, row, col);
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(p, end, v);
  if (ec != std::errc() || ptr != end) {
    throw StoreError("stored value is not an integer: \"" + std::string(p, end) + "\"");
  }
  return v;
}

bool Result::Bool(int row, int col) const {
  return PQgetvalue(r_, row, col)[0] == 't';
}

std::string Result::Text(int row, int col) const {
  return std::string(PQgetvalue(r_, row, col), static_cast<size_t>(PQgetlength(r_, row, col)));
}

std::string Result::Bytes(int row, int col) const {
  size_t n = 0;
  unsigned char* raw =
      PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(r_, row, col)), &n);
  if (!raw) throw StoreError("cannot decode a bytea value (out of memory)");
  std::string out(reinterpret_cast<const char*>(raw), n);
  PQfreemem(raw);
  return out;
}

Date Result::DateAt(int row, int col) const {
  const std::string t = Text(row, col);
  auto d = Date::ParseIso(t);
  if (!d) throw StoreError("stored date is malformed: \"" + t + "\"");
  return *d;
}

std::optional<Date> Result::OptDate(int row, int col) const {
  if (IsNull(row, col)) return std::nullopt;
  return DateAt(row, col);
}

// --- Conn ------------------------------------------------------------------

namespace {

// libpq waits for a connection as long as the operating system does (minutes
// against a host that drops packets); the probe that decides read-only mode
// and every reconnect must give up sooner. A connect_timeout the caller
// set is kept.
std::string WithConnectTimeout(const std::string& conninfo) {
  const bool uri = conninfo.rfind("postgresql://", 0) == 0 || conninfo.rfind("postgres://", 0) == 0;
  std::string out = conninfo;
  // Also give up on a connection whose sent data goes unacknowledged for
  // 10 s (a silent network partition), instead of the kernel's ~15 minutes.
  for (const char* setting : {"connect_timeout=5", "tcp_user_timeout=10000"}) {
    const std::string key = std::string(setting).substr(0, std::string(setting).find('='));
    if (conninfo.find(key) != std::string::npos) continue;
    if (!uri) {
      out += std::string(" ") + setting;
    } else {
      out += (out.find('?') == std::string::npos ? "?" : "&") + std::string(setting);
    }
  }
  return out;
}

}  // namespace

Conn::Conn(const std::string& conninfo) : conninfo_(WithConnectTimeout(conninfo)) {
  Open();
}

Conn::~Conn() {
  PQfinish(conn_);
}

void Conn::Open() {
  PQfinish(conn_);
  prepared_.clear();  // prepared statements die with their connection
  conn_ = PQconnectdb(conninfo_.c_str());
  if (PQstatus(conn_) != CONNECTION_OK) {
    // PQerrorMessage names host and port, never the password; the location
    // itself is not repeated because a URI may carry one.
    const std::string msg = conn_ ? OneLine(PQerrorMessage(conn_)) : "out of memory";
    PQfinish(conn_);
    conn_ = nullptr;
    throw StoreUnavailable("cannot connect to PostgreSQL: " + msg);
  }
  // Dates travel as ISO text whatever the server's default DateStyle; notices
  // ("relation … already exists, skipping") stay off stderr; a writer waits
  // for the writer lock as long as SQLite's busy timeout, then fails.
  try {
    Exec(
        "SET DateStyle = ISO; SET client_min_messages = warning; SET lock_timeout = '10s'; "
        "SET client_encoding = 'UTF8'");
  } catch (...) {
    PQfinish(conn_);
    conn_ = nullptr;
    throw;
  }
}

bool Conn::InFailedTransaction() const {
  return PQtransactionStatus(conn_) == PQTRANS_INERROR;
}

void Conn::ReconnectIfBroken() {
  if (in_transaction_) {
    if (PQstatus(conn_) == CONNECTION_BAD) {
      throw StoreUnavailable("connection to PostgreSQL lost during a transaction");
    }
    return;
  }
  if (conn_ == nullptr || PQstatus(conn_) == CONNECTION_BAD) Open();
}

void Conn::Begin(std::string_view begin_sql) {
  ReconnectIfBroken();
  Exec(begin_sql);
  in_transaction_ = true;
}

void Conn::Commit() {
  // Whatever happens, the transaction is over: a failed COMMIT has rolled
  // back, and a lost connection took the transaction with it. A COMMIT on a
  // fresh connection would "succeed" with nothing to commit, so a lost one
  // is an error here, before anything could reconnect.
  const bool lost = conn_ == nullptr || PQstatus(conn_) == CONNECTION_BAD;
  in_transaction_ = false;
  if (lost) throw StoreUnavailable("connection to PostgreSQL lost before COMMIT");
  Exec("COMMIT");
}

void Conn::Rollback() {
  in_transaction_ = false;
  if (conn_ == nullptr || PQstatus(conn_) == CONNECTION_BAD) return;
  try {
    Exec("ROLLBACK");
  } catch (...) {
  }
}

bool Conn::InRecovery() {
  Result r = Run("in_recovery", "SELECT pg_is_in_recovery()");
  return r.rows() > 0 && r.Bool(0, 0);
}

void Conn::Exec(std::string_view sql) {
  ReconnectIfBroken();
  const std::string s(sql);
  Check(PQexec(conn_, s.c_str()), conn_, "\"" + s.substr(0, 60) + "\"");
}

Result Conn::Run(const std::string& name, const std::string& sql, const Params& params) {
  ReconnectIfBroken();
  if (!prepared_.contains(name)) {
    // Parameter types are left to the server to infer from the statement.
    Check(PQprepare(conn_, name.c_str(), sql.c_str(), params.size(), nullptr), conn_,
          "prepare " + name);
    prepared_.insert(name);
  }
  const int n = params.size();
  std::vector<const char*> values(static_cast<size_t>(n));
  std::vector<int> lengths(static_cast<size_t>(n));
  for (size_t i = 0; i < values.size(); ++i) {
    const auto& v = params.values()[i];
    values[i] = v ? v->data() : nullptr;
    lengths[i] = v ? static_cast<int>(v->size()) : 0;
  }
  return Check(PQexecPrepared(conn_, name.c_str(), n, values.data(), lengths.data(),
                              params.formats().data(), /*resultFormat=*/0),
               conn_, name);
}

}  // namespace onshi::store::postgres
