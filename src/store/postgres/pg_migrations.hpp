// Versioned schema migrations for the PostgreSQL backend.
//
// The same schema, versions and names as the SQLite list
// (store/sqlite/migrations.cpp), translated: identity keys, BYTEA, DATE,
// BOOLEAN, "C" collation on the key columns (byte order, as SQLite compares
// text) and a trigger function for the append-only audit log. Append only,
// like the SQLite list: a released migration is never edited. The store
// applies them under its writer lock (see pg_store.cpp), recording each in
// schema_migrations.
#ifndef ONSHI_STORE_POSTGRES_PG_MIGRATIONS_HPP_
#define ONSHI_STORE_POSTGRES_PG_MIGRATIONS_HPP_

#include <string_view>
#include <vector>

namespace onshi::store::postgres {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

const std::vector<Migration>& Migrations();

}  // namespace onshi::store::postgres

#endif  // ONSHI_STORE_POSTGRES_PG_MIGRATIONS_HPP_
