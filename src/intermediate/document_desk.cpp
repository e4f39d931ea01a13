#include "intermediate/document_desk.hpp"

#include <algorithm>

#include "intermediate/documents.hpp"

namespace onshi::intermediate {

std::optional<store::ApplicationKind> ParseApplicationKind(std::string_view text) {
  std::string name(text);
  std::replace(name.begin(), name.end(), '-', '_');
  return store::ParseApplicationKindName(name);
}

Expected<int64_t> ApplyForDocument(store::Store& store, const store::InsurerRecord& insurer,
                                   const DocumentApplication& a) {
  const auto member_id = store.FindMemberId(insurer.insurer_number, a.symbol, a.number, a.branch);
  if (!member_id) {
    return MakeError("member", "この保険者に、記号・番号・枝番が一致する加入者はいません");
  }
  const auto q = store.GetQualification(*member_id);
  if (!q || !q->Covers(a.on)) {
    return MakeError("member", "申請日に資格のない加入者です（資格喪失後は交付しません）");
  }
  const MemberDocumentFacts facts = DocumentFactsOf(store, *q, a.on);
  const InsurerDocumentPolicy policy = PolicyOf(insurer);
  bool smartphone = false;
  for (const store::CardRecord& c : store.CardsOfPerson(q->person_id)) {
    smartphone |= c.kind == store::CredentialKind::kSmartphone &&
                  c.status == store::CardState::kActive && c.issued_on <= a.on;
  }
  const bool myna = facts.has_card && facts.insurance_use_registered;
  store::DocumentApplicationRecord r{0, *member_id, a.kind, a.on};
  switch (a.kind) {
    case store::ApplicationKind::kCertificate:
      if (myna && !policy.holders_can_request_certificate) {
        return MakeError("kind",
                         "この保険者では、マイナ保険証をお持ちの方には資格確認書を交付しません"
                         "（R-DOC-8）");
      }
      break;
    case store::ApplicationKind::kCardLost:
      if (facts.has_card) {
        return MakeError("kind",
                         "マイナンバーカードの一時利用停止（紛失の届出）が確認できません。"
                         "先にマイナンバー総合フリーダイヤルへ連絡してください（R-CARD-6）");
      }
      break;
    case store::ApplicationKind::kNoticeLost:
      if (std::none_of(facts.documents.begin(), facts.documents.end(), [](const auto& d) {
            return d.kind == DocumentKind::kQualificationNotice;
          })) {
        return MakeError("kind", "資格情報のお知らせはまだ交付されていません（R-DOC-1）");
      }
      break;
    case store::ApplicationKind::kLegacyCardLost:
      if (!LegacyCardLastUsable(facts) || *LegacyCardLastUsable(facts) < a.on) {
        return MakeError("kind", "使用できる健康保険証をお持ちではありません（R-OLD-2、R-OLD-3）");
      }
      break;
    case store::ApplicationKind::kForm: {
      if (!a.form) return MakeError("form", "様式（postcard または electronic）を指定してください");
      const bool email = a.email.find('@') != std::string::npos;
      if (auto e = CheckFormApplication(*a.form, policy, smartphone, email)) return *e;
      r.form = a.form;
      if (*a.form == CertificateForm::kElectronic) r.email = a.email;
      break;
    }
  }
  int64_t id = 0;
  store.InTransaction([&] { id = store.AddDocumentApplication(r); });
  return id;
}

Expected<store::DocumentRecord> RecordReturn(store::Store& store,
                                             const store::InsurerRecord& insurer,
                                             int64_t document_id, Date on) {
  auto d = store.GetDocument(document_id);
  const auto q = d ? store.GetQualification(d->member_id) : std::nullopt;
  if (!d || !q || q->insurer_number != insurer.insurer_number) {
    return MakeError("document", "この保険者の交付番号ではありません");
  }
  if (d->kind != DocumentKind::kCertificate && d->kind != DocumentKind::kShortTermCertificate &&
      d->kind != DocumentKind::kLegacyCard) {
    return MakeError("document", "返還を受けるのは資格確認書と健康保険証です（R-DOC-10、R-OLD-4）");
  }
  if (d->returned_on) {
    return MakeError("document", "返還済みです（" + d->returned_on->ToIso() + "）");
  }
  if (on < d->issued_on) return MakeError("on", "交付日より前の日付です");
  store.InTransaction([&] { store.MarkDocumentReturned(document_id, on); });
  d->returned_on = on;
  return *d;
}

}  // namespace onshi::intermediate
