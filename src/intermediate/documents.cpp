#include "intermediate/documents.hpp"

#include "core/legacy_card.hpp"

namespace onshi::intermediate {

InsurerDocumentPolicy PolicyOf(const store::InsurerRecord& insurer) {
  InsurerDocumentPolicy p;
  p.certificate_validity_years = insurer.certificate_validity_years;
  p.holders_can_request_certificate = insurer.holders_may_get_certificate;
  return p;
}

MemberDocumentFacts DocumentFactsOf(store::Store& store, const Qualification& member,
                                    bool certificate_requested, Date on, MemberAge age) {
  MemberDocumentFacts f;
  f.acquired = member.acquired;
  f.membership_lost = member.lost;
  f.certificate_requested = certificate_requested;
  // R-OLD-1: only a member who joined before old cards stopped can hold one.
  if (member.acquired < LegacyIssuanceEndDate()) f.legacy_card_last_usable = LegacyCardFinalDay();
  for (const store::CardRecord& c : store.CardsOfPerson(member.person_id)) {
    if (c.kind != store::CredentialKind::kCard || c.status != store::CardState::kActive ||
        c.issued_on > on) {
      continue;
    }
    f.has_card = true;
    f.certificate_expiry = c.cert_expires_on;
    if (c.insurance_registered_on && *c.insurance_registered_on <= on) {
      f.insurance_use_registered = true;
    }
  }
  if (age == MemberAge::kJustStored) return f;
  for (const store::DocumentRecord& d : store.DocumentsOfMember(member.member_id)) {
    f.documents.push_back(
        {d.document_id, d.kind, d.issued_on, d.valid_until, std::nullopt, d.returned_on});
  }
  return f;
}

int IssueDueDocuments(store::Store& store, const Qualification& member,
                      const store::InsurerRecord& insurer, bool certificate_requested, Date on,
                      MemberAge age) {
  const MemberDocumentFacts facts = DocumentFactsOf(store, member, certificate_requested, on, age);
  int issued = 0;
  for (const DocumentAction& a : PlanDocuments(facts, PolicyOf(insurer), on)) {
    if (a.kind == ActionKind::kRequestReturn) continue;
    const DocumentKind kind =
        a.kind == ActionKind::kIssueNotice        ? DocumentKind::kQualificationNotice
        : a.kind == ActionKind::kIssueCertificate ? DocumentKind::kCertificate
                                                  : DocumentKind::kShortTermCertificate;
    store.AddDocument({0, member.member_id, kind, std::string(RuleOf(a.reason)), on, a.valid_until,
                       std::nullopt});
    ++issued;
  }
  return issued;
}

}  // namespace onshi::intermediate
