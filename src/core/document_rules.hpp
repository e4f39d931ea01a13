// Which documents an insurer must issue to (or claim back from) one member on
// a given day: 資格情報のお知らせ and 資格確認書 (R-DOC-*).
//
// PlanDocuments is a pure function of the member's facts, the insurer's
// policy and the evaluation day. It is idempotent: the documents already
// issued are part of the facts, and once the actions it returns are carried
// out (and recorded as documents), planning again on the same day returns
// nothing. It returns only actions whose time has come; `due` is the deadline,
// which may already have passed (the action is overdue, not dropped).
//
// At most one 資格確認書 (regular or short-term) is planned per call: the
// reasons overlap (a member without マイナ保険証 whose certificate expired and
// who also ticked the request box needs one certificate, not three), and the
// first matching reason in this order is reported:
//   1. request tick (R-DOC-5), unless refused by R-DOC-8; due on acquisition;
//   2. card loss, on application: short-term, 2 months (R-DOC-5);
//   3. certificate expired (R-DOC-5 with R-CARD-4): planned from the day
//      after expiry, due when the grace ends (or the old paper, if later);
//   4. no マイナ保険証 and the current paper (old card, 資格確認書, or a
//      lapsed short-term one) ends within ex_officio_lead_days: due on its
//      last day (R-DOC-4);
//   5. no マイナ保険証 and no paper ever: from day 30 to day 50 after
//      acquisition, due on day 50 (R-DOC-5); after day 50, due at once (R-DOC-4).
// Ex officio reasons (3–5) wait while a current paper has more than the lead
// time left, and while a short-term certificate bridges a lost card.
#ifndef ONSHI_CORE_DOCUMENT_RULES_HPP_
#define ONSHI_CORE_DOCUMENT_RULES_HPP_

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/date.hpp"
#include "core/expected.hpp"

namespace onshi {

enum class DocumentKind {
  kQualificationNotice,   // 資格情報のお知らせ (R-DOC-1..3); no expiry, never returned
  kCertificate,           // 資格確認書 (R-DOC-4..10)
  kShortTermCertificate,  // 資格確認書 valid 2 months, bridging a lost card (R-DOC-5)
};

// A document already issued for the current membership.
struct ExistingDocument {
  int64_t id = 0;  // the insurer's own document number; echoed in return requests
  DocumentKind kind = DocumentKind::kQualificationNotice;
  Date issued;
  std::optional<Date> valid_until;          // certificates; nullopt for notices
  std::optional<Date> return_requested_on;  // R-DOC-10 request already sent
  std::optional<Date> returned_on;
};

// The member as known on the evaluation day. Booleans describe that day;
// dates are history.
struct MemberDocumentFacts {
  Date acquired;                        // 資格取得日
  std::optional<Date> membership_lost;  // 資格喪失日: the first day without membership

  // マイナ保険証 (R-CARD-1): a card that is not lost, suspended or revoked,
  // registered for insurance use, with its 利用者証明用電子証明書 (expiry
  // after any renewal; see CertificateExpiry in card_validity.hpp).
  bool has_card = false;
  bool insurance_use_registered = false;
  std::optional<Date> certificate_expiry;

  // Last usable day of an old 健康保険証 in hand (EvaluateLegacyCard's
  // last_usable_day); nullopt if the member has none.
  std::optional<Date> legacy_card_last_usable;

  bool certificate_requested = false;  // tick on 資格取得届 / 被扶養者異動届 (R-DOC-5)
  std::optional<Date> card_loss_applied_on;     // applied for a certificate after losing the card
  std::optional<Date> notice_loss_reported_on;  // 資格情報のお知らせ reported lost (R-DOC-1)

  std::vector<ExistingDocument> documents;
};

struct InsurerDocumentPolicy {
  // R-DOC-6: at most 5 years; the insurer may choose fewer. Values outside
  // 1..5 are clamped by PlanDocuments and reported by CheckDocumentPolicy.
  int certificate_validity_years = 5;
  // R-DOC-5: a member who ticked nothing and has no マイナ保険証 gets a
  // certificate from `no_myna_first_day` to `no_myna_last_day` days after
  // acquisition (the wait lets them register their card first).
  int no_myna_first_day = 30;
  int no_myna_last_day = 50;
  // R-DOC-8: false for insurers (e.g. KOA) that refuse a requested 資格確認書
  // to a member who holds マイナ保険証. Ex officio issuance is unaffected.
  bool holders_can_request_certificate = true;
  // R-DOC-4: how many days before the member's current document (old card or
  // 資格確認書) lapses the ex officio certificate is planned. Not fixed by
  // the seeds; 60 days leaves time for printing and mail.
  int ex_officio_lead_days = 60;
};

// nullopt if `policy` is within the rules, else an Error naming the field.
std::optional<Error> CheckDocumentPolicy(const InsurerDocumentPolicy& policy);

enum class ActionKind {
  kIssueNotice,
  kIssueCertificate,
  kIssueShortTermCertificate,
  kRequestReturn,  // ask for a still-valid 資格確認書 back (R-DOC-10)
};

enum class ActionReason {
  kNewMember,               // R-DOC-1: every member gets a notice, unasked
  kNoticeLost,              // R-DOC-1: reissue on loss
  kCannotUseMynaHokensho,   // R-DOC-4: no card or registration; current paper lapsing
  kRequestedOnForm,         // R-DOC-5: ticked on 資格取得届 / 被扶養者異動届
  kNoMynaAfterAcquisition,  // R-DOC-5: no tick, no マイナ保険証 on day 30–50
  kCardLost,                // R-DOC-5: short-term, on application after losing the card
  kCertificateExpired,      // R-DOC-5 with R-CARD-4: the electronic certificate expired
  kMembershipLost,          // R-DOC-10: a certificate valid on the loss day comes back
};

// The rule id an ActionReason implements, e.g. "R-DOC-5".
std::string_view RuleOf(ActionReason reason);

struct DocumentAction {
  ActionKind kind;
  ActionReason reason;
  Date due;  // deadline for the action
  // For certificates: the last valid day, assuming issue on the evaluation day.
  std::optional<Date> valid_until;
  // For kRequestReturn: ExistingDocument::id of the certificate to return.
  std::optional<int64_t> document_id;

  bool operator==(const DocumentAction&) const = default;
};

// The actions due for `facts` on `on`, in a stable order: notice, then
// certificate, then return requests by document order.
std::vector<DocumentAction> PlanDocuments(const MemberDocumentFacts& facts,
                                          const InsurerDocumentPolicy& policy, Date on);

}  // namespace onshi

#endif  // ONSHI_CORE_DOCUMENT_RULES_HPP_
