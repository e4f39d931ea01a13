#include "core/document_rules.hpp"

#include <algorithm>

#include "core/card_validity.hpp"
#include "core/legacy_card.hpp"

namespace onshi {

std::string_view DocumentKindLabel(DocumentKind kind) {
  switch (kind) {
    case DocumentKind::kQualificationNotice:
      return "資格情報のお知らせ";
    case DocumentKind::kCertificate:
      return "資格確認書";
    case DocumentKind::kShortTermCertificate:
      return "資格確認書（短期）";
    case DocumentKind::kLegacyCard:
      return "健康保険証";
    case DocumentKind::kRenewalNotice:
      return "有効期限のお知らせ";
    case DocumentKind::kReturnRequest:
      return "返還のお願い";
  }
  return "";
}

std::string_view CertificateFormName(CertificateForm form) {
  switch (form) {
    case CertificateForm::kPlasticCard:
      return "plastic_card";
    case CertificateForm::kA4Paper:
      return "a4";
    case CertificateForm::kPostcard:
      return "postcard";
    case CertificateForm::kElectronic:
      return "electronic";
  }
  return "";
}

std::optional<CertificateForm> ParseCertificateFormName(std::string_view name) {
  for (CertificateForm f : {CertificateForm::kPlasticCard, CertificateForm::kA4Paper,
                            CertificateForm::kPostcard, CertificateForm::kElectronic}) {
    if (CertificateFormName(f) == name) return f;
  }
  return std::nullopt;
}

std::string_view CertificateFormLabel(CertificateForm form) {
  switch (form) {
    case CertificateForm::kPlasticCard:
      return "カード型";
    case CertificateForm::kA4Paper:
      return "A4判";
    case CertificateForm::kPostcard:
      return "はがき型";
    case CertificateForm::kElectronic:
      return "電子";
  }
  return "";
}

std::optional<Error> CheckDocumentPolicy(const InsurerDocumentPolicy& p) {
  if (p.certificate_validity_years < 1 || p.certificate_validity_years > 5) {
    return MakeError("certificate_validity_years", "must be 1 to 5 years (R-DOC-6)");
  }
  if (p.no_myna_first_day < 0 || p.no_myna_last_day < p.no_myna_first_day) {
    return MakeError("no_myna_first_day",
                     "must be 0 or more and not after no_myna_last_day (R-DOC-5)");
  }
  if (p.ex_officio_lead_days < 0) {
    return MakeError("ex_officio_lead_days", "must be 0 or more (R-DOC-4)");
  }
  if (p.default_form != CertificateForm::kPlasticCard &&
      p.default_form != CertificateForm::kA4Paper) {
    return MakeError("default_form",
                     "must be plastic_card or a4; postcard and electronic are given on "
                     "application (R-DOC-7)");
  }
  return std::nullopt;
}

std::optional<Error> CheckFormApplication(CertificateForm form, const InsurerDocumentPolicy& p,
                                          bool has_smartphone, bool has_email) {
  if (form == CertificateForm::kPostcard || form == p.default_form) return std::nullopt;
  if (form == CertificateForm::kElectronic) {
    if (!has_smartphone) {
      return MakeError("form",
                       "電子の資格確認書には、マイナンバーカード機能を搭載したスマートフォンの"
                       "利用登録が必要です（R-DOC-7）");
    }
    if (!has_email) {
      return MakeError("email", "電子の資格確認書には、本人のメールアドレスが必要です（R-DOC-7）");
    }
    return std::nullopt;
  }
  return MakeError("form", std::string("この保険者の資格確認書は") +
                               std::string(CertificateFormLabel(p.default_form)) +
                               "です。申請できるのは、はがき型と電子のみです（R-DOC-7）");
}

CertificateForm CertificateFormFor(const MemberDocumentFacts& f, const InsurerDocumentPolicy& p) {
  const CertificateForm own = p.default_form == CertificateForm::kPlasticCard
                                  ? CertificateForm::kPlasticCard
                                  : CertificateForm::kA4Paper;
  if (f.requested_form == CertificateForm::kPostcard) return CertificateForm::kPostcard;
  // A smartphone given up since the application: back to paper.
  if (f.requested_form == CertificateForm::kElectronic && f.can_receive_electronic) {
    return CertificateForm::kElectronic;
  }
  return own;
}

DocumentKind IssuedKind(ActionKind kind) {
  switch (kind) {
    case ActionKind::kIssueNotice:
      return DocumentKind::kQualificationNotice;
    case ActionKind::kIssueCertificate:
      return DocumentKind::kCertificate;
    case ActionKind::kIssueShortTermCertificate:
      return DocumentKind::kShortTermCertificate;
    case ActionKind::kIssueRenewalNotice:
      return DocumentKind::kRenewalNotice;
    case ActionKind::kRequestReturn:
      return DocumentKind::kReturnRequest;
  }
  return DocumentKind::kQualificationNotice;
}

std::string_view RuleOf(ActionReason reason) {
  switch (reason) {
    case ActionReason::kNewMember:
    case ActionReason::kNoticeLost:
      return "R-DOC-1";
    case ActionReason::kCannotUseMynaHokensho:
      return "R-DOC-4";
    case ActionReason::kRequestedOnForm:
    case ActionReason::kNoMynaAfterAcquisition:
    case ActionReason::kCardLost:
    case ActionReason::kCertificateExpired:
      return "R-DOC-5";
    case ActionReason::kFormRequested:
      return "R-DOC-7";
    case ActionReason::kCardExpiring:
      return "R-CARD-4";
    case ActionReason::kMembershipLost:
      return "R-DOC-10";
    case ActionReason::kLegacyCardOnLeaving:
      return "R-OLD-4";
  }
  return "";
}

namespace {

// Whether the member can use マイナ保険証 on a day, and how.
enum class MynaUse { kNone, kUsable, kInGrace };

MynaUse MynaUseOn(const MemberDocumentFacts& f, Date on) {
  if (!f.has_card || !f.insurance_use_registered || !f.certificate_expiry) return MynaUse::kNone;
  if (on <= *f.certificate_expiry) return MynaUse::kUsable;
  const std::optional<Date> grace_end = InsuranceGraceEnd(*f.certificate_expiry);  // R-CARD-4
  return grace_end && on <= *grace_end ? MynaUse::kInGrace : MynaUse::kNone;
}

bool IsCertificate(DocumentKind kind) {
  return kind == DocumentKind::kCertificate || kind == DocumentKind::kShortTermCertificate;
}

bool HasDocument(const MemberDocumentFacts& f, DocumentKind kind) {
  return std::any_of(f.documents.begin(), f.documents.end(),
                     [&](const ExistingDocument& d) { return d.kind == kind; });
}

bool AnyDocument(const MemberDocumentFacts& f, DocumentKind kind, Date issued_from) {
  return std::any_of(f.documents.begin(), f.documents.end(), [&](const ExistingDocument& d) {
    return d.kind == kind && d.issued >= issued_from;
  });
}

// A certificate given back (R-DOC-10) is no longer in the member's hands.
bool InHand(const ExistingDocument& d, Date on) {
  return !d.returned_on || *d.returned_on > on;
}

bool AnyValidOn(const MemberDocumentFacts& f, DocumentKind kind, Date on) {
  return std::any_of(f.documents.begin(), f.documents.end(), [&](const ExistingDocument& d) {
    return d.kind == kind && d.issued <= on && d.valid_until && on <= *d.valid_until &&
           InHand(d, on);
  });
}

bool ReturnRequested(const MemberDocumentFacts& f, int64_t id) {
  return std::any_of(f.documents.begin(), f.documents.end(), [&](const ExistingDocument& d) {
    return d.kind == DocumentKind::kReturnRequest && d.subject_id == id;
  });
}

const ExistingDocument* LatestLegacyCard(const MemberDocumentFacts& f) {
  const ExistingDocument* card = nullptr;
  for (const ExistingDocument& d : f.documents) {
    if (d.kind == DocumentKind::kLegacyCard && (!card || d.issued >= card->issued)) card = &d;
  }
  return card;
}

// The first change on or after `from`: earlier ones either predate the card
// or (before 2024-12-02) had the card replaced or amended.
std::optional<Date> FirstFrom(const std::vector<Date>& changes, Date from) {
  std::optional<Date> first;
  for (Date d : changes) {
    if (d >= from && (!first || d < *first)) first = d;
  }
  return first;
}

// The last day covered by the member's current paper: the old card or the
// latest 資格確認書 of either kind.
std::optional<Date> CoverageEnd(const MemberDocumentFacts& f, Date on) {
  std::optional<Date> end = LegacyCardLastUsable(f);
  for (const ExistingDocument& d : f.documents) {
    if (IsCertificate(d.kind) && d.valid_until && InHand(d, on) &&
        (!end || *d.valid_until > *end)) {
      end = d.valid_until;
    }
  }
  return end;
}

Date Later(Date a, std::optional<Date> b) {
  return b && *b > a ? *b : a;
}

std::optional<DocumentAction> PlanNotice(const MemberDocumentFacts& f, Date on) {
  const DocumentKind notice = DocumentKind::kQualificationNotice;
  // R-DOC-1: automatic, without application. Members who joined before the
  // notice existed got it in the 2024-09 / 2025-01 batches; one with no notice
  // on record is treated like a new member.
  if (!HasDocument(f, notice)) {
    return DocumentAction{ActionKind::kIssueNotice,
                          ActionReason::kNewMember,
                          f.acquired,
                          std::nullopt,
                          std::nullopt,
                          std::nullopt};
  }
  // R-DOC-1: reissue on loss, once per report.
  if (f.notice_loss_reported_on && *f.notice_loss_reported_on <= on &&
      !AnyDocument(f, notice, *f.notice_loss_reported_on)) {
    return DocumentAction{ActionKind::kIssueNotice,
                          ActionReason::kNoticeLost,
                          *f.notice_loss_reported_on,
                          std::nullopt,
                          std::nullopt,
                          std::nullopt};
  }
  return std::nullopt;
}

// R-DOC-7: a regular certificate valid on `on` in another form than the one
// applied for, issued before the application, and not yet replaced.
const ExistingDocument* CertificateInOtherForm(const MemberDocumentFacts& f, CertificateForm form,
                                               Date on) {
  if (!f.form_requested_on || *f.form_requested_on > on) return nullptr;
  if (AnyDocument(f, DocumentKind::kCertificate, *f.form_requested_on)) return nullptr;
  const ExistingDocument* current = nullptr;
  for (const ExistingDocument& d : f.documents) {
    if (d.kind == DocumentKind::kCertificate && d.issued <= on && d.valid_until &&
        on <= *d.valid_until && InHand(d, on) && (!current || d.issued >= current->issued)) {
      current = &d;
    }
  }
  return current && current->form && *current->form != form ? current : nullptr;
}

std::optional<DocumentAction> PlanCertificate(const MemberDocumentFacts& f,
                                              const InsurerDocumentPolicy& p, Date on) {
  // R-DOC-6: at most 5 years from issue, counted like 民法143条 (the day
  // before the anniversary of the issue day).
  const int years = std::clamp(p.certificate_validity_years, 1, 5);
  const Date regular_until = on.AddYears(years).AddDays(-1);
  const CertificateForm form = CertificateFormFor(f, p);
  auto regular = [&](ActionReason reason, Date due) {
    return DocumentAction{
        ActionKind::kIssueCertificate, reason, due, regular_until, std::nullopt, form};
  };
  const MynaUse myna = MynaUseOn(f, on);
  const bool holds_myna = myna != MynaUse::kNone;

  // R-DOC-5: a request (the tick dates from acquisition), satisfied by a
  // certificate issued since. R-DOC-8: some insurers refuse it to holders.
  if (f.certificate_requested_on && *f.certificate_requested_on <= on) {
    const Date since = Later(f.acquired, f.certificate_requested_on);
    if (!AnyDocument(f, DocumentKind::kCertificate, since) &&
        !(holds_myna && !p.holders_can_request_certificate)) {
      return regular(ActionReason::kRequestedOnForm, since);
    }
  }
  // R-DOC-7: the form applied for replaces the one in hand; the validity
  // does not grow by reissuing.
  if (const ExistingDocument* other = CertificateInOtherForm(f, form, on)) {
    return DocumentAction{ActionKind::kIssueCertificate,
                          ActionReason::kFormRequested,
                          *f.form_requested_on,
                          other->valid_until,
                          std::nullopt,
                          form};
  }
  if (myna == MynaUse::kUsable) return std::nullopt;

  // R-DOC-5: card lost → short-term certificate for 2 months, on application,
  // unless a regular one already covers the member.
  if (f.card_loss_applied_on && *f.card_loss_applied_on <= on && !holds_myna &&
      !AnyValidOn(f, DocumentKind::kCertificate, on) &&
      !AnyDocument(f, DocumentKind::kShortTermCertificate, *f.card_loss_applied_on)) {
    return DocumentAction{ActionKind::kIssueShortTermCertificate,
                          ActionReason::kCardLost,
                          *f.card_loss_applied_on,
                          on.AddMonths(2).AddDays(-1),
                          std::nullopt,
                          form};
  }
  // While a short-term certificate bridges a lost card, wait for the new card
  // (the lead time does not apply: the bridge is shorter than the lead). If
  // the card is still missing when it lapses, R-DOC-4 below takes over.
  if (AnyValidOn(f, DocumentKind::kShortTermCertificate, on)) return std::nullopt;

  // Nothing ex officio while the current paper has more than the lead time left.
  const std::optional<Date> coverage_end = CoverageEnd(f, on);
  if (coverage_end && on < coverage_end->AddDays(-p.ex_officio_lead_days)) return std::nullopt;

  // R-DOC-5 with R-CARD-4: the insurer is told the certificate expired and
  // issues ex officio, due when the member's last means of access lapses
  // (end of grace, or the old paper if that lasts longer).
  const bool certificate_expired = f.has_card && f.insurance_use_registered &&
                                   f.certificate_expiry && on > *f.certificate_expiry;
  if (certificate_expired) {
    const Date usable_until =
        InsuranceGraceEnd(*f.certificate_expiry).value_or(*f.certificate_expiry);
    return regular(ActionReason::kCertificateExpired, Later(usable_until, coverage_end));
  }
  // R-DOC-4: no マイナ保険証 and the old card or certificate is lapsing.
  if (coverage_end) return regular(ActionReason::kCannotUseMynaHokensho, *coverage_end);

  // Nothing to show at all. R-DOC-5: a new member first gets some days to
  // register their card; inside the window the certificate is due by its end.
  // Past the window it is the general R-DOC-4 case (e.g. a card lost without
  // applying for the short-term certificate), due at once.
  const Date window_opens = f.acquired.AddDays(p.no_myna_first_day);
  const Date window_closes = f.acquired.AddDays(p.no_myna_last_day);
  if (on < window_opens) return std::nullopt;
  if (on <= window_closes) return regular(ActionReason::kNoMynaAfterAcquisition, window_closes);
  return regular(ActionReason::kCannotUseMynaHokensho, on);
}

// R-CARD-4: a マイナ保険証 holder is told 2–3 months ahead that the card or
// its certificate expires, once per expiry. Planned from the first day of
// the period until the expiry itself (late rather than never); afterwards
// the grace and the ex officio certificate take over.
std::optional<DocumentAction> PlanRenewalNotice(const MemberDocumentFacts& f, Date on) {
  if (!f.has_card || !f.insurance_use_registered) return std::nullopt;
  std::vector<Date> expiries;
  if (f.certificate_expiry) expiries.push_back(*f.certificate_expiry);
  if (f.card_expiry) expiries.push_back(*f.card_expiry);
  std::sort(expiries.begin(), expiries.end());
  for (Date expiry : expiries) {
    const DateRange period = RenewalNoticePeriod(expiry);
    if (on < period.first || on > expiry) continue;
    const bool sent =
        std::any_of(f.documents.begin(), f.documents.end(), [&](const ExistingDocument& d) {
          return d.kind == DocumentKind::kRenewalNotice && d.valid_until == expiry;
        });
    if (sent) continue;
    return DocumentAction{ActionKind::kIssueRenewalNotice,
                          ActionReason::kCardExpiring,
                          period.last,
                          expiry,
                          std::nullopt,
                          std::nullopt};
  }
  return std::nullopt;
}

// R-DOC-10: certificates still valid on the loss day come back with the
// 資格喪失届; expired ones need not. An electronic one has nothing to send
// back (it ends with the membership). Notices are never returned (R-DOC-1).
// R-OLD-4: an old card still usable on the loss day comes back too, which
// can only happen by 2025-12-01; the 2024-12-02 start keeps older losses,
// handled under the old procedure, out.
void PlanReturns(const MemberDocumentFacts& f, Date lost, std::vector<DocumentAction>* out) {
  for (const ExistingDocument& d : f.documents) {
    if (d.returned_on || ReturnRequested(f, d.id)) continue;
    if (IsCertificate(d.kind)) {
      if (!d.valid_until || *d.valid_until < lost) continue;
      if (d.form == CertificateForm::kElectronic) continue;
      out->push_back(DocumentAction{ActionKind::kRequestReturn, ActionReason::kMembershipLost, lost,
                                    std::nullopt, d.id, std::nullopt});
    } else if (d.kind == DocumentKind::kLegacyCard && &d == LatestLegacyCard(f)) {
      const std::optional<Date> last = LegacyCardLastUsable(f);
      if (!last || *last < lost || lost < LegacyIssuanceEndDate()) continue;
      out->push_back(DocumentAction{ActionKind::kRequestReturn, ActionReason::kLegacyCardOnLeaving,
                                    lost, std::nullopt, d.id, std::nullopt});
    }
  }
}

}  // namespace

std::optional<Date> LegacyCardLastUsable(const MemberDocumentFacts& f) {
  const ExistingDocument* card = LatestLegacyCard(f);
  if (!card) return std::nullopt;
  LegacyCardFacts c;
  c.issued = card->issued;
  c.printed_expiry = card->valid_until;
  const Date from = std::max(card->issued, LegacyIssuanceEndDate());
  c.name_changed = FirstFrom(f.name_changes, from);
  c.address_changed = FirstFrom(f.address_changes, from);
  c.lost_or_damaged = f.legacy_card_lost_on;
  // The evaluation day does not matter: last_usable_day covers all events.
  return EvaluateLegacyCard(c, card->issued).last_usable_day;
}

std::vector<DocumentAction> PlanDocuments(const MemberDocumentFacts& facts,
                                          const InsurerDocumentPolicy& policy, Date on) {
  std::vector<DocumentAction> actions;
  if (on < facts.acquired) return actions;
  if (facts.membership_lost && on >= *facts.membership_lost) {
    // A former member is issued nothing more; only returns remain.
    PlanReturns(facts, *facts.membership_lost, &actions);
    return actions;
  }
  if (auto notice = PlanNotice(facts, on)) actions.push_back(*notice);
  if (auto certificate = PlanCertificate(facts, policy, on)) actions.push_back(*certificate);
  if (auto renewal = PlanRenewalNotice(facts, on)) actions.push_back(*renewal);
  return actions;
}

}  // namespace onshi
