#include "core/document_rules.hpp"

#include <algorithm>

#include "core/card_validity.hpp"

namespace onshi {

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
  return std::nullopt;
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
    case ActionReason::kMembershipLost:
      return "R-DOC-10";
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

bool HasDocument(const MemberDocumentFacts& f, DocumentKind kind) {
  return std::any_of(f.documents.begin(), f.documents.end(),
                     [&](const ExistingDocument& d) { return d.kind == kind; });
}

bool AnyDocument(const MemberDocumentFacts& f, DocumentKind kind, Date issued_from) {
  return std::any_of(f.documents.begin(), f.documents.end(), [&](const ExistingDocument& d) {
    return d.kind == kind && d.issued >= issued_from;
  });
}

bool AnyValidOn(const MemberDocumentFacts& f, DocumentKind kind, Date on) {
  return std::any_of(f.documents.begin(), f.documents.end(), [&](const ExistingDocument& d) {
    return d.kind == kind && d.issued <= on && d.valid_until && on <= *d.valid_until;
  });
}

// The last day covered by the member's current paper: the old card or the
// latest 資格確認書 of either kind.
std::optional<Date> CoverageEnd(const MemberDocumentFacts& f) {
  std::optional<Date> end = f.legacy_card_last_usable;
  for (const ExistingDocument& d : f.documents) {
    if (d.kind != DocumentKind::kQualificationNotice && d.valid_until &&
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
    return DocumentAction{ActionKind::kIssueNotice, ActionReason::kNewMember, f.acquired,
                          std::nullopt, std::nullopt};
  }
  // R-DOC-1: reissue on loss, once per report.
  if (f.notice_loss_reported_on && *f.notice_loss_reported_on <= on &&
      !AnyDocument(f, notice, *f.notice_loss_reported_on)) {
    return DocumentAction{ActionKind::kIssueNotice, ActionReason::kNoticeLost,
                          *f.notice_loss_reported_on, std::nullopt, std::nullopt};
  }
  return std::nullopt;
}

std::optional<DocumentAction> PlanCertificate(const MemberDocumentFacts& f,
                                              const InsurerDocumentPolicy& p, Date on) {
  // R-DOC-6: at most 5 years from issue, counted like 民法143条 (the day
  // before the anniversary of the issue day).
  const int years = std::clamp(p.certificate_validity_years, 1, 5);
  const Date regular_until = on.AddYears(years).AddDays(-1);
  auto regular = [&](ActionReason reason, Date due) {
    return DocumentAction{ActionKind::kIssueCertificate, reason, due, regular_until, std::nullopt};
  };
  const MynaUse myna = MynaUseOn(f, on);
  const bool holds_myna = myna != MynaUse::kNone;

  // R-DOC-5: the request tick, satisfied by the first certificate issued in
  // this membership. R-DOC-8: some insurers refuse it to holders.
  if (f.certificate_requested && !AnyDocument(f, DocumentKind::kCertificate, f.acquired) &&
      !(holds_myna && !p.holders_can_request_certificate)) {
    return regular(ActionReason::kRequestedOnForm, f.acquired);
  }
  if (myna == MynaUse::kUsable) return std::nullopt;

  // R-DOC-5: card lost → short-term certificate for 2 months, on application,
  // unless a regular one already covers the member.
  if (f.card_loss_applied_on && *f.card_loss_applied_on <= on && !holds_myna &&
      !AnyValidOn(f, DocumentKind::kCertificate, on) &&
      !AnyDocument(f, DocumentKind::kShortTermCertificate, *f.card_loss_applied_on)) {
    return DocumentAction{ActionKind::kIssueShortTermCertificate, ActionReason::kCardLost,
                          *f.card_loss_applied_on, on.AddMonths(2).AddDays(-1), std::nullopt};
  }
  // While a short-term certificate bridges a lost card, wait for the new card
  // (the lead time does not apply: the bridge is shorter than the lead). If
  // the card is still missing when it lapses, R-DOC-4 below takes over.
  if (AnyValidOn(f, DocumentKind::kShortTermCertificate, on)) return std::nullopt;

  // Nothing ex officio while the current paper has more than the lead time left.
  const std::optional<Date> coverage_end = CoverageEnd(f);
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

// R-DOC-10: certificates still valid on the loss day come back with the
// 資格喪失届; expired ones need not. Notices are never returned (R-DOC-1).
void PlanReturns(const MemberDocumentFacts& f, Date lost, std::vector<DocumentAction>* out) {
  for (const ExistingDocument& d : f.documents) {
    if (d.kind == DocumentKind::kQualificationNotice) continue;
    if (!d.valid_until || *d.valid_until < lost) continue;
    if (d.return_requested_on || d.returned_on) continue;
    out->push_back(DocumentAction{ActionKind::kRequestReturn, ActionReason::kMembershipLost, lost,
                                  std::nullopt, d.id});
  }
}

}  // namespace

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
  return actions;
}

}  // namespace onshi
