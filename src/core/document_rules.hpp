// Which documents an insurer must issue to (or claim back from) one member on
// a given day: 資格情報のお知らせ, 資格確認書, the renewal notice and the
// return requests (R-DOC-*, R-OLD-2..4, R-CARD-4).
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
//   1. request: the tick on the form or a later application (R-DOC-5),
//      unless refused by R-DOC-8; due on the request (or acquisition);
//   2. a form applied for (postcard, electronic) while the member holds a
//      certificate in another form: reissued in that form, same end (R-DOC-7);
//   3. card loss, on application: short-term, 2 months (R-DOC-5);
//   4. certificate expired (R-DOC-5 with R-CARD-4): planned from the day
//      after expiry, due when the grace ends (or the old paper, if later);
//   5. no マイナ保険証 and the current paper (old card, 資格確認書, or a
//      lapsed short-term one) ends within ex_officio_lead_days: due on its
//      last day (R-DOC-4). The old card ends on 2025-12-01, on its printed
//      expiry if earlier (R-OLD-2), or at once on a name or address change
//      or its loss (R-OLD-3);
//   6. no マイナ保険証 and no paper ever: from day 30 to day 50 after
//      acquisition, due on day 50 (R-DOC-5); after day 50, due at once (R-DOC-4).
// Ex officio reasons (4–6) wait while a current paper has more than the lead
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
  // The old 健康保険証, issued before 2024-12-02 (R-OLD-1). Recorded so that
  // its end (R-OLD-2, R-OLD-3) and its return (R-OLD-4) can be planned;
  // valid_until is the 有効期限 printed on it, if any.
  kLegacyCard,
  // 有効期限のお知らせ: the マイナ保険証's card or electronic certificate
  // expires soon, renew it (R-CARD-4); valid_until is the expiry it announces.
  kRenewalNotice,
  // 返還のお願い: asks for a certificate or an old card back (R-DOC-10,
  // R-OLD-4); subject_id names it.
  kReturnRequest,
};

// The words a clerk reads on the due list and the register: 資格情報のお知らせ,
// 資格確認書, 資格確認書（短期）, 健康保険証, 有効期限のお知らせ, 返還のお願い.
std::string_view DocumentKindLabel(DocumentKind kind);

// R-DOC-7: the form of a 資格確認書, the insurer's choice (plastic card, A4
// paper), or on the member's application (postcard-type paper for members
// who need a carer's help; electronic for a smartphone user with an e-mail
// address).
enum class CertificateForm { kPlasticCard, kA4Paper, kPostcard, kElectronic };

// Storage and API names: "plastic_card", "a4", "postcard", "electronic".
std::string_view CertificateFormName(CertificateForm form);
std::optional<CertificateForm> ParseCertificateFormName(std::string_view name);
// The words on the register and the due list: カード型, A4判, はがき型, 電子.
std::string_view CertificateFormLabel(CertificateForm form);

// A document already issued for the current membership (or, for the old
// card, in the member's hands).
struct ExistingDocument {
  int64_t id = 0;  // the insurer's own document number; echoed in return requests
  DocumentKind kind = DocumentKind::kQualificationNotice;
  Date issued;
  std::optional<Date> valid_until;      // see DocumentKind for what it means per kind
  std::optional<CertificateForm> form;  // certificates
  std::optional<int64_t> subject_id;    // return requests: the document asked back
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
  std::optional<Date> card_expiry;  // R-CARD-2; for the renewal notice

  // Dates the member's name and address changed (attribute sets after the
  // first): each ends an old card at once from 2024-12-02 (R-OLD-3).
  std::vector<Date> name_changes;
  std::vector<Date> address_changes;
  std::optional<Date> legacy_card_lost_on;  // old card reported lost or damaged (R-OLD-3)

  // A 資格確認書 asked for: the tick on 資格取得届 / 被扶養者異動届 (dated the
  // acquisition) or a later application (R-DOC-5). The latest request counts.
  std::optional<Date> certificate_requested_on;
  std::optional<Date> card_loss_applied_on;     // applied for a certificate after losing the card
  std::optional<Date> notice_loss_reported_on;  // 資格情報のお知らせ reported lost (R-DOC-1)
  // R-DOC-7: the form the member applied for, and when. kPostcard needs no
  // more; kElectronic is honoured only while can_receive_electronic.
  std::optional<CertificateForm> requested_form;
  std::optional<Date> form_requested_on;
  bool can_receive_electronic = false;  // a smartphone credential in use and an e-mail address

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
  // R-DOC-7: the insurer's own form, kPlasticCard (協会けんぽ) or kA4Paper
  // (KOA). The other two are given on application only.
  CertificateForm default_form = CertificateForm::kA4Paper;
};

// nullopt if `policy` is within the rules, else an Error naming the field.
std::optional<Error> CheckDocumentPolicy(const InsurerDocumentPolicy& policy);

// R-DOC-7: whether an application for `form` can be accepted. The postcard
// form is given to anyone who applies (the seeds name members needing a
// carer's help; the insurer's window judges that, not the system); the
// electronic form needs a smartphone credential and an e-mail address; the
// insurer's own form is always acceptable (it withdraws an earlier
// application); the other paper form is not this insurer's.
std::optional<Error> CheckFormApplication(CertificateForm form, const InsurerDocumentPolicy& policy,
                                          bool has_smartphone, bool has_email);

// R-DOC-7: the form the member's next 資格確認書 takes.
CertificateForm CertificateFormFor(const MemberDocumentFacts& facts,
                                   const InsurerDocumentPolicy& policy);

enum class ActionKind {
  kIssueNotice,
  kIssueCertificate,
  kIssueShortTermCertificate,
  kIssueRenewalNotice,  // R-CARD-4
  kRequestReturn,  // ask for a still-valid 資格確認書 or old card back (R-DOC-10, R-OLD-4)
};

// The kind of document an action issues (a return request is a letter too).
DocumentKind IssuedKind(ActionKind kind);

enum class ActionReason {
  kNewMember,              // R-DOC-1: every member gets a notice, unasked
  kNoticeLost,             // R-DOC-1: reissue on loss
  kCannotUseMynaHokensho,  // R-DOC-4: no card or registration; current paper lapsing
  kRequestedOnForm,  // R-DOC-5: ticked on 資格取得届 / 被扶養者異動届, or applied later
  kNoMynaAfterAcquisition,  // R-DOC-5: no tick, no マイナ保険証 on day 30–50
  kCardLost,                // R-DOC-5: short-term, on application after losing the card
  kCertificateExpired,      // R-DOC-5 with R-CARD-4: the electronic certificate expired
  kFormRequested,           // R-DOC-7: reissued in the form applied for
  kCardExpiring,            // R-CARD-4: renewal notice 2–3 months before expiry
  kMembershipLost,          // R-DOC-10: a certificate valid on the loss day comes back
  kLegacyCardOnLeaving,     // R-OLD-4: an old card still usable on the loss day comes back
};

// The rule id an ActionReason implements, e.g. "R-DOC-5".
std::string_view RuleOf(ActionReason reason);

struct DocumentAction {
  ActionKind kind;
  ActionReason reason;
  Date due;  // deadline for the action
  // Certificates: the last valid day, assuming issue on the evaluation day.
  // Renewal notices: the expiry they announce.
  std::optional<Date> valid_until;
  // For kRequestReturn: ExistingDocument::id of the certificate or card to return.
  std::optional<int64_t> document_id;
  std::optional<CertificateForm> form;  // certificates (R-DOC-7)

  bool operator==(const DocumentAction&) const = default;
};

// The actions due for `facts` on `on`, in a stable order: notice, then
// certificate, then renewal notice; for a former member, return requests by
// document order.
std::vector<DocumentAction> PlanDocuments(const MemberDocumentFacts& facts,
                                          const InsurerDocumentPolicy& policy, Date on);

// The last day the member's old card (the latest kLegacyCard document) is
// usable on the facts, ignoring the loss of membership (R-OLD-2, R-OLD-3);
// nullopt if the member holds none or it never was usable.
std::optional<Date> LegacyCardLastUsable(const MemberDocumentFacts& facts);

}  // namespace onshi

#endif  // ONSHI_CORE_DOCUMENT_RULES_HPP_
