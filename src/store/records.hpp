// Plain records the store keeps besides the domain core's Qualification.
//
// These are storage shapes, not rules: the rules that read them live in
// src/core. Every record is keyed by a surrogate id; the person's My Number
// never appears in any of them (see my_number_vault.hpp).
#ifndef ONSHI_STORE_RECORDS_HPP_
#define ONSHI_STORE_RECORDS_HPP_

#include <cstdint>
#include <optional>
#include <string>

#include "core/date.hpp"
#include "core/document_rules.hpp"
#include "core/membership.hpp"

namespace onshi::store {

// The resident registry stand-in (住民基本台帳): the basic four information
// (基本4情報: name, birth date, sex, address) that J-LIS holds for a My Number.
struct PersonRecord {
  int64_t person_id = 0;
  std::string name;       // 氏名, full-width, U+3000 between family and given name
  std::string name_kana;  // 氏名カナ, full-width katakana
  Date birth_date;
  Sex sex = Sex::kUnset;
  std::string postcode;
  std::string address;
};

// 保険者: per-insurer settings the rules need.
struct InsurerRecord {
  std::string insurer_number;  // canonical (8 digits, or 6 for 国保)
  std::string name;            // 保険者名称
  std::string category;  // e.g. "協会けんぽ", "組合健保", "国保", "後期高齢者"
  int link_lag_business_days = 2;           // R-LINK-3
  bool holders_may_get_certificate = true;  // R-DOC-8 (false at KOA)
  int certificate_validity_years = 5;       // R-DOC-6, at most 5
};

// 医療機関・薬局.
struct FacilityRecord {
  std::string code;  // 医療機関コード, 10 digits
  std::string name;
  std::string kind;  // "医科", "歯科", "薬局", "訪問看護"
};

enum class CardState { kActive, kSuspended, kRevoked };
std::string_view CardStateName(CardState s);
std::optional<CardState> ParseCardStateName(std::string_view name);

enum class CredentialKind { kCard, kSmartphone };  // R-CARD-8

// A My Number card (or smartphone credential) and its user-authentication
// certificate (利用者証明用電子証明書). The service identifies a person only by
// the certificate serial, never by My Number.
struct CardRecord {
  int64_t card_id = 0;
  int64_t person_id = 0;
  CredentialKind kind = CredentialKind::kCard;
  Date application_date;
  Date issued_on;
  Date card_expires_on;  // R-CARD-2
  std::string cert_serial;
  Date cert_issued_on;
  Date cert_expires_on;  // R-CARD-3
  CardState status = CardState::kActive;
  int pin_failures = 0;    // R-CARD-5
  bool face_only = false;  // 顔認証マイナンバーカード: no PIN at all
  std::optional<Date> insurance_registered_on;  // 健康保険証利用登録 (R-REG-1)
  std::string registration_channel;             // portal, reader, window, atm
};

// Storage names of the core's DocumentKind: "notice", "certificate",
// "short_term_certificate".
std::string_view DocumentKindName(DocumentKind k);
std::optional<DocumentKind> ParseDocumentKindName(std::string_view name);

// An issued document: 資格情報のお知らせ (R-DOC-1) or 資格確認書 (R-DOC-4..6).
struct DocumentRecord {
  int64_t document_id = 0;
  int64_t member_id = 0;
  DocumentKind kind = DocumentKind::kQualificationNotice;
  std::string reason;  // rule id that caused it, e.g. "R-DOC-1"
  Date issued_on;
  std::optional<Date> valid_until;
  std::optional<Date> returned_on;
};

// One entry of the append-only, hash-chained audit log.
struct AuditEntry {
  int64_t seq = 0;
  std::string at;         // ISO 8601 UTC timestamp, e.g. "2025-04-01T09:30:12Z"
  std::string actor;      // "facility:1312345678", "insurer:06139999", "admin", …
  std::string action;     // "eligibility.search", "member.add", …
  int64_t person_id = 0;  // 0 when no person is concerned
  std::string detail;     // free text; never a clear My Number or insurance number
  std::string prev_hash;  // hex SHA-256 of the previous entry ("" for the first)
  std::string hash;       // hex SHA-256 over prev_hash and this entry's fields
};

struct StoreCounts {
  int64_t persons = 0;
  int64_t insurers = 0;
  int64_t members = 0;
  int64_t cards = 0;
  int64_t documents = 0;
  int64_t facilities = 0;
  int64_t audit_entries = 0;
};

}  // namespace onshi::store

#endif  // ONSHI_STORE_RECORDS_HPP_
