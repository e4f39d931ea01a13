// Copying a database whole, online: the database half of `onshi backup` and
// `onshi restore` (app/backup_command.cpp keeps the secrets beside it).
//
// SQLite is copied with its online backup API, page by page from one read
// snapshot, so a server may keep answering and writing meanwhile and the copy
// is still one consistent state (never a torn file, which a plain `cp` of a
// WAL database can give). PostgreSQL is dumped with Debian's `pg_dump` in its
// custom format and restored with `pg_restore`, both found on PATH: they are
// the tools an operator already trusts, and they follow the server's version.
#ifndef ONSHI_STORE_BACKUP_HPP_
#define ONSHI_STORE_BACKUP_HPP_

#include <string>

namespace onshi::store {

// Writes a copy of the database at `location` to the file `to` (created
// 0600; must not exist): a SQLite file, or a pg_dump custom-format archive.
// Throws StoreError (StoreUnavailable when the source cannot be opened).
void BackupDatabase(const std::string& location, const std::string& to);

// Restores the copy `from` that BackupDatabase wrote into `location`, which
// must not hold a database yet (no SQLite file; a PostgreSQL database
// without onshi's schema). The SQLite copy is integrity-checked first.
// Throws StoreError.
void RestoreDatabase(const std::string& from, const std::string& location);

}  // namespace onshi::store

#endif  // ONSHI_STORE_BACKUP_HPP_
