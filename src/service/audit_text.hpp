// Text that goes into audit entries: masked insurance keys, and nothing the
// log's readers (SQLite, PostgreSQL, the JSON-lines spool) cannot take.
#ifndef ONSHI_SERVICE_AUDIT_TEXT_HPP_
#define ONSHI_SERVICE_AUDIT_TEXT_HPP_

#include <string>
#include <string_view>

#include "core/eligibility.hpp"

namespace onshi::service {

// 告知要求制限: the audit log keeps enough to investigate, not the number.
// "insurer=06139992 number=**01": every character of the 番号 but the last
// two (none of a 番号 shorter than four) becomes one '*'. Characters, not bytes: a 番号 may hold
// kana or kanji, and masking bytes left half a character (invalid UTF-8, which PostgreSQL refuses
// and which once cost the whole entry).
std::string MaskedKeys(const InsuranceCardQuery& query);

// `text` as well-formed UTF-8 without NUL: each ill-formed sequence and each
// NUL becomes U+FFFD. Every audit field passes through this before it is
// stored, so no entry can be refused by the database or the spool reader.
std::string AuditSafeText(std::string_view text);

}  // namespace onshi::service

#endif  // ONSHI_SERVICE_AUDIT_TEXT_HPP_
