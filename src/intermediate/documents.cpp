#include "intermediate/documents.hpp"

#include <algorithm>

#include "core/attribute_changes.hpp"
#include "core/legacy_card.hpp"

namespace onshi::intermediate {

InsurerDocumentPolicy PolicyOf(const store::InsurerRecord& insurer) {
  InsurerDocumentPolicy p;
  p.certificate_validity_years = insurer.certificate_validity_years;
  p.holders_can_request_certificate = insurer.holders_may_get_certificate;
  p.default_form = insurer.certificate_form;
  return p;
}

namespace {

// The latest of two optional dates.
void KeepLatest(std::optional<Date>* slot, Date d) {
  if (!*slot || d > **slot) *slot = d;
}

}  // namespace

namespace {

// The facts from `rows`: only their cards for a member just stored, which
// can have no applications or documents yet.
MemberDocumentFacts FactsFrom(const store::MemberDocumentRows& rows, const Qualification& member,
                              Date on, MemberAge age, std::optional<Date> requested_on_form) {
  MemberDocumentFacts f;
  f.acquired = member.acquired;
  f.membership_lost = member.lost;
  const AttributeChanges changes = ChangesOf(member.attributes);  // R-OLD-3
  for (Date d : changes.name) {
    if (d <= on) f.name_changes.push_back(d);
  }
  for (Date d : changes.address) {
    if (d <= on) f.address_changes.push_back(d);
  }
  bool smartphone = false;
  for (const store::CardRecord& c : rows.cards) {
    if (c.status != store::CardState::kActive || c.issued_on > on) continue;
    if (c.kind == store::CredentialKind::kSmartphone) {
      smartphone = true;  // R-CARD-8; what an electronic 資格確認書 needs (R-DOC-7)
      continue;
    }
    f.has_card = true;
    f.certificate_expiry = c.cert_expires_on;
    f.card_expiry = c.card_expires_on;
    if (c.insurance_registered_on && *c.insurance_registered_on <= on) {
      f.insurance_use_registered = true;
    }
  }
  if (age == MemberAge::kJustStored) {
    f.certificate_requested_on = requested_on_form;
    return f;
  }
  std::string email;
  for (const store::DocumentApplicationRecord& a : rows.applications) {
    if (a.applied_on > on) continue;
    switch (a.kind) {
      case store::ApplicationKind::kCertificate:
        KeepLatest(&f.certificate_requested_on, std::max(a.applied_on, member.acquired));
        break;
      case store::ApplicationKind::kCardLost:
        KeepLatest(&f.card_loss_applied_on, a.applied_on);
        break;
      case store::ApplicationKind::kNoticeLost:
        KeepLatest(&f.notice_loss_reported_on, a.applied_on);
        break;
      case store::ApplicationKind::kLegacyCardLost:
        KeepLatest(&f.legacy_card_lost_on, a.applied_on);
        break;
      case store::ApplicationKind::kForm:
        if (!f.form_requested_on || a.applied_on >= *f.form_requested_on) {
          f.form_requested_on = a.applied_on;
          f.requested_form = a.form;
          email = a.email;
        }
        break;
    }
  }
  f.can_receive_electronic = smartphone && !email.empty();
  for (const store::DocumentRecord& d : rows.documents) {
    if (d.issued_on > on) continue;  // as known on `on`
    f.documents.push_back({d.document_id, d.kind, d.issued_on, d.valid_until, d.form,
                           d.subject_document_id,
                           d.returned_on && *d.returned_on <= on ? d.returned_on : std::nullopt});
  }
  return f;
}

// The facts of a member stored in this same transaction: its person's
// cards are all there is to read.
MemberDocumentFacts FactsOfNew(std::vector<store::CardRecord> cards, const Qualification& member,
                               Date on, std::optional<Date> requested_on_form) {
  store::MemberDocumentRows rows;
  rows.cards = std::move(cards);
  return FactsFrom(rows, member, on, MemberAge::kJustStored, requested_on_form);
}

}  // namespace

MemberDocumentFacts DocumentFactsOf(store::Store& store, const Qualification& member, Date on,
                                    MemberAge age, std::optional<Date> requested_on_form) {
  if (age == MemberAge::kJustStored) {
    return FactsOfNew(store.CardsOfPerson(member.person_id), member, on, requested_on_form);
  }
  return FactsFrom(store.DocumentRowsOf({member}).front(), member, on, age, requested_on_form);
}

MemberDocumentFacts DocumentFactsFrom(const store::MemberDocumentRows& rows,
                                      const Qualification& member, Date on) {
  return FactsFrom(rows, member, on, MemberAge::kExisting, std::nullopt);
}

namespace {

store::DocumentRecord DocumentOf(const Qualification& member, const DocumentAction& a, Date on) {
  store::DocumentRecord d;
  d.member_id = member.member_id;
  d.kind = IssuedKind(a.kind);
  d.reason = std::string(RuleOf(a.reason));
  d.issued_on = on;
  d.valid_until = a.valid_until;
  d.form = a.form;
  d.subject_document_id = a.document_id;
  return d;
}

}  // namespace

std::vector<int64_t> RecordActions(store::Store& store, const Qualification& member,
                                   const std::vector<DocumentAction>& actions, Date on) {
  std::vector<int64_t> ids;
  for (const DocumentAction& a : actions)
    ids.push_back(store.AddDocument(DocumentOf(member, a, on)));
  return ids;
}

int IssueDueDocuments(store::Store& store, const Qualification& member,
                      const store::InsurerRecord& insurer, Date on, MemberAge age,
                      std::optional<Date> requested_on_form) {
  const MemberDocumentFacts facts = DocumentFactsOf(store, member, on, age, requested_on_form);
  return static_cast<int>(
      RecordActions(store, member, PlanDocuments(facts, PolicyOf(insurer), on), on).size());
}

namespace {

std::vector<store::DocumentRecord> DueFrom(const MemberDocumentFacts& facts,
                                           const Qualification& member,
                                           const store::InsurerRecord& insurer, Date on) {
  std::vector<store::DocumentRecord> docs;
  for (const DocumentAction& a : PlanDocuments(facts, PolicyOf(insurer), on))
    docs.push_back(DocumentOf(member, a, on));
  return docs;
}

}  // namespace

std::vector<store::DocumentRecord> DueDocuments(store::Store& store, const Qualification& member,
                                                const store::InsurerRecord& insurer, Date on,
                                                MemberAge age,
                                                std::optional<Date> requested_on_form) {
  return DueFrom(DocumentFactsOf(store, member, on, age, requested_on_form), member, insurer, on);
}

std::vector<store::DocumentRecord> DueDocumentsOfNew(std::vector<store::CardRecord> cards,
                                                     const Qualification& member,
                                                     const store::InsurerRecord& insurer, Date on,
                                                     std::optional<Date> requested_on_form) {
  return DueFrom(FactsOfNew(std::move(cards), member, on, requested_on_form), member, insurer, on);
}

void RecordLegacyCardIfHeld(store::Store& store, const Qualification& member, MemberAge age) {
  if (!MayIssueLegacyCard(member.acquired)) return;  // R-OLD-1
  if (age == MemberAge::kExisting) {
    for (const store::DocumentRecord& d : store.DocumentsOfMember(member.member_id)) {
      if (d.kind == DocumentKind::kLegacyCard) return;
    }
  }
  store::DocumentRecord d;
  d.member_id = member.member_id;
  d.kind = DocumentKind::kLegacyCard;
  d.reason = "R-OLD-1";
  d.issued_on = member.acquired;
  d.printed_on = member.acquired;  // posted when it was issued, long ago
  store.AddDocument(d);
}

}  // namespace onshi::intermediate
