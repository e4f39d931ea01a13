// The SQLite ClinicalStore, on its owner's connection (store/clinical_store.hpp).
#ifndef ONSHI_STORE_SQLITE_CLINICAL_SQLITE_HPP_
#define ONSHI_STORE_SQLITE_CLINICAL_SQLITE_HPP_

#include <memory>

#include "store/clinical_store.hpp"
#include "store/sqlite/sqlite_db.hpp"
#include "store/store.hpp"

namespace onshi::store::sqlite {

// `db` and `owner` (whose InTransaction the writes run in) must outlive it.
std::unique_ptr<ClinicalStore> MakeSqliteClinicalStore(Db& db, Store& owner);

}  // namespace onshi::store::sqlite

#endif  // ONSHI_STORE_SQLITE_CLINICAL_SQLITE_HPP_
