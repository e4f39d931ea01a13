// The PostgreSQL ClinicalStore, on its owner's connection
// (store/clinical_store.hpp).
#ifndef ONSHI_STORE_POSTGRES_CLINICAL_PG_HPP_
#define ONSHI_STORE_POSTGRES_CLINICAL_PG_HPP_

#include <memory>

#include "store/clinical_store.hpp"
#include "store/postgres/pg_conn.hpp"
#include "store/store.hpp"

namespace onshi::store::postgres {

// `conn` and `owner` (whose InTransaction the writes run in) must outlive it.
std::unique_ptr<ClinicalStore> MakePgClinicalStore(Conn& conn, Store& owner);

}  // namespace onshi::store::postgres

#endif  // ONSHI_STORE_POSTGRES_CLINICAL_PG_HPP_
