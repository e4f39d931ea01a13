// SqliteStore: the embedded default backend (one file, WAL mode).
//
// One instance owns one connection and is not thread-safe; a server opens
// one per worker thread. Hot-path statements are prepared once and reused.
#ifndef ONSHI_STORE_SQLITE_SQLITE_STORE_HPP_
#define ONSHI_STORE_SQLITE_SQLITE_STORE_HPP_

#include <memory>
#include <string>

#include "store/my_number_vault.hpp"
#include "store/store.hpp"

namespace onshi::store::sqlite {

std::unique_ptr<Store> OpenSqliteStore(const std::string& path, MyNumberVault vault,
                                       bool migrate = true);

// The eligibility read (QualificationsForCardKeys) as one statement, with
// ?1 = insurer number, ?2 = 番号, ?3 = birth date. Exposed so a test can
// check its program builds no temporary B-tree.
std::string CardKeysReadSql();

}  // namespace onshi::store::sqlite

#endif  // ONSHI_STORE_SQLITE_SQLITE_STORE_HPP_
