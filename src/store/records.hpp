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
#include <vector>

#include "core/benefits.hpp"
#include "core/date.hpp"
#include "core/document_rules.hpp"
#include "core/membership.hpp"
#include "core/registry_event.hpp"
#include "core/submission.hpp"

namespace onshi::store {

// An insurer's 記号・番号 (symbol, number): the insured person and the
// dependents under it, whatever their 枝番.
struct InsuredNumber {
  std::string symbol;  // 記号
  std::string number;  // 番号
};

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
  // 地方公共団体コード (6 digits, core/local_government_code.hpp) of the
  // municipality the person is registered in: only that municipality's
  // window acts on them. "" = not recorded (rows from before schema 5).
  std::string municipality{};
  std::optional<Date> died_on{};  // 死亡 recorded (RegistryEventKind::kDied)
};

// One 住民異動 the municipal window recorded (core/registry_event.hpp), with
// the person's changeable registry data as it was until the day before it
// took effect: the history a form dated before the change is checked
// against (store/registry_history.hpp).
struct RegistryEventRecord {
  int64_t seq = 0;  // store key, in order of recording
  int64_t person_id = 0;
  RegistryEventKind kind = RegistryEventKind::kMoved;
  Date effective_on;         // 異動日
  Date recorded_on;          // the day the window recorded it
  std::string municipality;  // 地方公共団体コード of that window (転入: the one moved into)
  std::string name_before;
  std::string name_kana_before;
  std::string postcode_before;
  std::string address_before;
};

// 保険者: per-insurer settings the rules need.
struct InsurerRecord {
  std::string insurer_number;  // canonical (8 digits, or 6 for 国保)
  std::string name;            // 保険者名称
  std::string category;  // e.g. "協会けんぽ", "組合健保", "国保", "後期高齢者"
  int link_lag_business_days = 2;           // R-LINK-3
  bool holders_may_get_certificate = true;  // R-DOC-8 (false at KOA)
  int certificate_validity_years = 5;       // R-DOC-6, at most 5
  // R-DOC-7: kA4Paper (KOA) or kPlasticCard (協会けんぽ).
  CertificateForm certificate_form = CertificateForm::kA4Paper;
};

// 医療機関・薬局.
struct FacilityRecord {
  std::string code;  // 医療機関コード, 10 digits
  std::string name;
  std::string kind;  // "医科", "歯科", "薬局", "訪問看護"
  // Accepts the smartphone's My Number card function (R-CARD-8).
  bool smartphone_supported = false;
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
  // Lowercase hex SHA-256 of the DER certificate issued to this credential
  // (jpki/certificate_fingerprint.hpp), pinned at issue, renewal and
  // resumption: a card check accepts only this certificate, so one minted
  // with a leaked CA key under the same serial identifies no one. "" = not
  // pinned (issued before schema 5): refused until `onshi card pin-certificates`.
  std::string cert_fingerprint;
};

// A facility's card reader (顔認証付きカードリーダー): its own P-256 key signs
// every face and 目視 check it vouches for (auth/reader_key.hpp). Registered to
// exactly one facility; revoking keeps the row for the audit trail.
struct ReaderRecord {
  std::string reader_id;      // RFC 7638 thumbprint of the public key (base64url, 43 chars)
  std::string facility_code;  // 医療機関コード
  std::string name;           // e.g. "受付1"
  std::string public_jwk;     // {"crv":"P-256","kty":"EC","x":…,"y":…}
  std::string registered_at;  // ISO 8601 UTC
  std::optional<std::string> revoked_at;
};

// Storage names of the core's DocumentKind: "notice", "certificate",
// "short_term_certificate", "legacy_card", "renewal_notice", "return_request".
std::string_view DocumentKindName(DocumentKind k);
std::optional<DocumentKind> ParseDocumentKindName(std::string_view name);

// An issued document: 資格情報のお知らせ (R-DOC-1), 資格確認書 (R-DOC-4..7),
// the old 健康保険証 (R-OLD-1), a renewal notice (R-CARD-4) or a return
// request (R-DOC-10, R-OLD-4).
struct DocumentRecord {
  int64_t document_id = 0;
  int64_t member_id = 0;
  DocumentKind kind = DocumentKind::kQualificationNotice;
  std::string reason;  // rule id that caused it, e.g. "R-DOC-1"
  Date issued_on;
  std::optional<Date> valid_until;  // see DocumentKind for its meaning per kind
  std::optional<Date> returned_on;
  // Defaulted, so that older brace-initialisations stay complete.
  std::optional<CertificateForm> form = std::nullopt;         // certificates (R-DOC-7)
  std::optional<int64_t> subject_document_id = std::nullopt;  // return requests: asked back
  std::optional<Date> printed_on = std::nullopt;  // printed and posted; nullopt: still to do
};

// What a member applied for at the insurer (or ticked on the form).
enum class ApplicationKind {
  kCertificate,     // a 資格確認書 (R-DOC-5; R-DOC-8 may refuse it to holders)
  kCardLost,        // the My Number card is lost: short-term 資格確認書 (R-DOC-5)
  kNoticeLost,      // 資格情報のお知らせ lost: reissue (R-DOC-1)
  kLegacyCardLost,  // the old 健康保険証 lost or damaged: it ends (R-OLD-3)
  kForm,            // a 資格確認書 form: postcard or electronic (R-DOC-7)
};
// "certificate", "card_lost", "notice_lost", "legacy_card_lost", "form".
std::string_view ApplicationKindName(ApplicationKind k);
std::optional<ApplicationKind> ParseApplicationKindName(std::string_view name);

struct DocumentApplicationRecord {
  int64_t application_id = 0;
  int64_t member_id = 0;
  ApplicationKind kind = ApplicationKind::kCertificate;
  Date applied_on;
  std::optional<CertificateForm> form = std::nullopt;  // kForm only
  std::string email = {};  // kForm with kElectronic only: where it is delivered
};

// What the documents a member is due depend on (intermediate/documents):
// the cards of the member's person, the member's applications and the
// documents it was issued, each in the order the store's one-member reads
// give them (CardsOfPerson, DocumentApplicationsOfMember, DocumentsOfMember).
struct MemberDocumentRows {
  std::vector<CardRecord> cards;
  std::vector<DocumentApplicationRecord> applications;
  std::vector<DocumentRecord> documents;
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

// One form as the intermediate server (中間サーバー) holds it, R-LINK-1..4.
// The My Number itself is not kept: the resident-registry check at receipt
// resolves it to person_id, and a form that fails the check keeps no link to
// anybody's record (person_id is only the registry person the number names,
// used to show that person "登録エラー" on the portal). The filed fields are
// kept because changes and losses are applied to the member only when the
// record links, after the insurer's lag (R-LINK-3).
struct SubmissionRecord {
  int64_t seq = 0;  // store key, in order of receipt
  std::string insurer_number;
  std::string submission_id;  // 受付番号: unique per insurer, the idempotency key
  FormKind form = FormKind::kAcquisition;
  LinkageState state = LinkageState::kSubmitted;
  Date received_on;
  Date due_on;            // received_on + the insurer's lag in business days
  int64_t person_id = 0;  // registry person named by the My Number; 0 if none
  int64_t member_id = 0;  // the qualification created (acquisitions) or changed; 0 if none
  std::string symbol;     // 記号
  std::string number;     // 番号
  std::string branch;     // 枝番
  std::string name;       // as filed
  std::string name_kana;
  Date birth_date;
  Sex sex = Sex::kUnset;
  std::string postcode;
  std::string address;
  Date event_date;  // 取得日 / 喪失日 / 異動日 / 変更日
  std::optional<LossReason> loss_reason;
  bool certificate_wanted = false;
  std::optional<int> copay_percent;
  BenefitsFiling benefits;   // acquisition, dependent_add and benefits forms
  std::string error_fields;  // comma-separated RawSubmission field names (registration errors)
  std::string error;         // why it did not link, for the insurer's report
  std::optional<Date> linked_on;
  // Store::KeyedDigest of the form as filed (intermediate/form_digest.hpp),
  // My Number included: a 受付番号 received again is the same form only if
  // this matches. "" for forms received before migration 7.
  std::string content_digest;
};

// Which submissions ListSubmissions returns: one insurer's, optionally in one
// state, in order of receipt after `after_seq`.
struct SubmissionFilter {
  std::string insurer_number;
  std::optional<LinkageState> state;
  int64_t after_seq = 0;
  int limit = 1000;
};

// A 照会番号 (reference number) a facility registered for one of its patients
// (OQSsiimm / OQSmuimm, terminal-protocol.md §6.5): the facility's own number
// for the person whose 記号・番号 it gave. Keyed by facility + number; one
// number per person and facility (registering again replaces the old one).
// The keys are kept as registered (normalised); person_id is whom they named
// then, so the number follows the person to a later insurance and into
// results by My Number card (Face files).
struct ReferenceNumberRecord {
  std::string facility_code;
  std::string reference_number;
  std::string insurer_number;  // canonical (InsurerNumber::digits())
  std::string symbol, number, branch;
  int64_t person_id = 0;
  std::string registered_at;  // ISO time
};

// A bulk request (一括照会 OQSmuquc or 照会番号一括登録 OQSmuimm) as received by
// the central service: kept until processed, so a restart loses nothing.
enum class BulkKind { kQualification, kReferenceNumber };
struct BulkJobRecord {
  std::string reception_number;  // 受付番号, given at submission
  std::string facility_code;
  BulkKind kind = BulkKind::kQualification;
  bool done = false;
  int items = 0;
  std::string submitted_at;  // ISO time
  std::string request;       // the 01req as received, decoded to UTF-8
  std::string result;        // when done: the units (oqs/bulk.hpp), UTF-8 XML
  int normal = 0, errors = 0;
  std::string completed_at;  // ISO time, when done
};

// A page of the change feed (Store::ReadChanges).
struct ChangeRecord {
  int64_t seq = 0;
  int64_t person_id = 0;  // whose qualifications changed: read them again
};
struct ChangePage {
  // Changes up to this seq have been trimmed: a reader whose last applied
  // seq is below it has missed some and must read everything again.
  int64_t trimmed_through = 0;
  std::vector<ChangeRecord> changes;  // in seq order
};

struct StoreCounts {
  int64_t persons = 0;
  int64_t insurers = 0;
  int64_t members = 0;
  int64_t cards = 0;
  int64_t documents = 0;
  int64_t facilities = 0;
  int64_t audit_entries = 0;
  int64_t submissions = 0;
};

}  // namespace onshi::store

#endif  // ONSHI_STORE_RECORDS_HPP_
