// PgStore: the PostgreSQL backend, for deployments where several server
// processes (or hosts) share one database.
//
// One instance owns one connection and is not thread-safe; a server opens
// one per worker thread, as with SQLite. Semantics match SqliteStore: write
// transactions are serialised (a transaction-level advisory lock stands in
// for SQLite's BEGIN IMMEDIATE), read snapshots never block or are blocked
// by writers, and the audit chain is extended by one writer at a time.
#ifndef ONSHI_STORE_POSTGRES_PG_STORE_HPP_
#define ONSHI_STORE_POSTGRES_PG_STORE_HPP_

#include <memory>
#include <string>

#include "store/my_number_vault.hpp"
#include "store/store.hpp"

namespace onshi::store::postgres {

// Connects with a libpq connection string or URI (e.g.
// "postgresql://onshi@db.example/onshi") and runs Migrate() if `migrate`.
std::unique_ptr<Store> OpenPgStore(const std::string& conninfo, MyNumberVault vault,
                                   bool migrate = true);

// Whether the database at `conninfo` holds onshi's schema; creates nothing.
bool HasSchema(const std::string& conninfo);

}  // namespace onshi::store::postgres

#endif  // ONSHI_STORE_POSTGRES_PG_STORE_HPP_
