// Versioned schema migrations for the SQLite backend.
//
// Append only: a released migration is never edited, because databases in
// the field have already run it. `onshi migrate` and every Store open apply
// the ones a database has not seen, each in its own transaction, recording
// them in schema_migrations.
#ifndef ONSHI_STORE_SQLITE_MIGRATIONS_HPP_
#define ONSHI_STORE_SQLITE_MIGRATIONS_HPP_

#include <string_view>
#include <vector>

namespace onshi::store::sqlite {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
  // The migration edits sqlite_schema directly; the schema cookie is then
  // bumped so that other connections re-read the schema.
  bool edits_schema_text = false;
};

const std::vector<Migration>& Migrations();

}  // namespace onshi::store::sqlite

#endif  // ONSHI_STORE_SQLITE_MIGRATIONS_HPP_
