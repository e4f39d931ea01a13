// The register of the facilities' card readers (auth/reader_key.hpp): adding
// one to a facility and revoking it, for the CLI (`onshi reader …`) and the
// operators' API (/admin/readers) alike, each audited in the same
// transaction as its write.
#ifndef ONSHI_SERVICE_READER_REGISTRY_HPP_
#define ONSHI_SERVICE_READER_REGISTRY_HPP_

#include <ctime>
#include <string>
#include <string_view>

#include "auth/es256_key.hpp"
#include "core/expected.hpp"
#include "store/store.hpp"

namespace onshi::service {

// Registers `key` as a card reader of `facility` (a registered 医療機関コード)
// named `name`; its id is the key's RFC 7638 thumbprint. Errors: field
// "facility" (malformed or not registered), "name" (empty, over 100
// characters, control characters), "publicKey" (registered already, to this
// facility or another: a reader belongs to one facility).
Expected<store::ReaderRecord> RegisterReader(store::Store& store, const auth::Es256PublicKey& key,
                                             std::string_view facility, std::string_view name,
                                             std::time_t now, const std::string& actor);

// Revokes reader `reader_id` from `now`: no check it signs is accepted after.
// Revoking twice keeps the first time. Error field "reader" if unknown.
Expected<store::ReaderRecord> RevokeReader(store::Store& store, std::string_view reader_id,
                                           std::time_t now, const std::string& actor);

}  // namespace onshi::service

#endif  // ONSHI_SERVICE_READER_REGISTRY_HPP_
