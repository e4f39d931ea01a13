#include "core/eligibility.hpp"

#include <algorithm>

namespace onshi {
namespace {

bool MatchesKeys(const InsuranceCardQuery& q, const Qualification& r) {
  return r.insurer_number == q.insurer_number && r.number == q.number &&
         r.birth_date == q.birth_date && (q.symbol.empty() || r.symbol == q.symbol) &&
         (q.branch.empty() || r.branch == q.branch);
}

// R-LINK-4: within 3 months of joining, an unlinked record is most likely
// still in the normal time lag.
bool WithinThreeMonthsOfJoining(const Qualification& r, Date today) {
  return today < r.acquired.AddMonths(3);
}

EligibilityDecision Make(QualificationValidity v, EligibilityReason why) {
  EligibilityDecision d;
  d.validity = v;
  d.reason = why;
  return d;
}

// The decision when none of `unlinked` (all matching, none visible) can be
// shown: a registration error outranks a pending linkage because it needs
// action, whereas waiting fixes the other.
EligibilityDecision Unlinked(QualificationValidity v,
                             const std::vector<const Qualification*>& unlinked, Date today) {
  const bool any_error = std::any_of(unlinked.begin(), unlinked.end(), [](const Qualification* r) {
    return r->linkage == LinkageState::kRegistrationError;
  });
  EligibilityDecision d = Make(v, any_error ? EligibilityReason::kInsurerRegistrationError
                                            : EligibilityReason::kLinkagePending);
  d.likely_time_lag =
      !any_error && std::any_of(unlinked.begin(), unlinked.end(), [&](const Qualification* r) {
        return WithinThreeMonthsOfJoining(*r, today);
      });
  return d;
}

// The qualification that ended most recently among `lost`.
const Qualification* LatestLost(const std::vector<const Qualification*>& lost) {
  return *std::max_element(
      lost.begin(), lost.end(),
      [](const Qualification* a, const Qualification* b) { return *a->lost < *b->lost; });
}

}  // namespace

std::string_view EligibilityReasonCode(EligibilityReason r) {
  switch (r) {
    case EligibilityReason::kValid:
      return "valid";
    case EligibilityReason::kNoRecord:
      return "no_record";
    case EligibilityReason::kLinkagePending:
      return "linkage_pending";
    case EligibilityReason::kInsurerRegistrationError:
      return "insurer_registration_error";
    case EligibilityReason::kNotYetAcquired:
      return "not_yet_acquired";
    case EligibilityReason::kLost:
      return "lost";
    case EligibilityReason::kNewQualificationExists:
      return "new_qualification_exists";
    case EligibilityReason::kMultipleMatches:
      return "multiple_matches";
    case EligibilityReason::kCertificateExpiredBeyondGrace:
      return "certificate_expired_beyond_grace";
    case EligibilityReason::kCardExpired:
      return "card_expired";
    case EligibilityReason::kCardSuspended:
      return "card_suspended";
    case EligibilityReason::kCardRevoked:
      return "card_revoked";
    case EligibilityReason::kPinLocked:
      return "pin_locked";
    case EligibilityReason::kNotRegisteredForInsuranceUse:
      return "not_registered_for_insurance_use";
    case EligibilityReason::kSmartphoneNotAccepted:
      return "smartphone_not_accepted";
  }
  return "unknown";
}

std::string EligibilityDecision::Explanation() const {
  switch (reason) {
    case EligibilityReason::kValid:
      if (results.size() > 1) {
        return "資格(有効)。有効な資格が複数あります。今回使用する保険を患者に確認してください。";
      }
      return card_in_grace ? "資格(有効)"
                             "。電子証明書の有効期限切れ後の猶予期間中のため、薬剤・診療情報は閲覧"
                             "できません。更新を案内してください。"
                           : "資格(有効)";
    case EligibilityReason::kNoRecord:
      return "資格情報なし。保険者に登録がありません。資格情報のお知らせ・資格確認書を確認するか、"
             "被保険者資格申立書で受け付けてください。";
    case EligibilityReason::kLinkagePending:
      return likely_time_lag ? "資格情報なし(データ連携中)"
                               "。加入から3か月以内のためタイムラグと考えられます。資格情報のお知ら"
                               "せ等で受け付けてください。"
                             : "資格情報なし(データ連携中)"
                               "。加入から3か月を過ぎているため、保険者の登録誤りの可能性があります"
                               "。勤務先・保険者への確認を案内してください。";
    case EligibilityReason::kInsurerRegistrationError:
      return "資格情報なし(登録エラー)"
             "。保険者の登録に誤りがあります。勤務先・保険者への確認を案内してください。";
    case EligibilityReason::kNotYetAcquired:
      return "資格(無効)。資格確認日は資格取得日より前です。";
    case EligibilityReason::kLost:
      return "資格(無効)。資格確認日に資格は喪失しています。新しい保険証等を確認してください。";
    case EligibilityReason::kNewQualificationExists:
      return "資格(無効)"
             "。新しい資格があります。マイナ保険証または新しい資格確認書で確認してください。";
    case EligibilityReason::kMultipleMatches:
      return "複数該当。枝番を指定して再照会してください。";
    case EligibilityReason::kCertificateExpiredBeyondGrace:
      return "電子証明書の有効期限切れ(猶予期間経過)"
             "。市区町村で更新が必要です。資格確認書等で受け付けてください。";
    case EligibilityReason::kCardExpired:
      return "マイナンバーカードの有効期限切れ。市区町村で更新が必要です。";
    case EligibilityReason::kCardSuspended:
      return "マイナンバーカードは一時利用停止中です。";
    case EligibilityReason::kCardRevoked:
      return "このマイナンバーカードは失効しています。";
    case EligibilityReason::kPinLocked:
      return "暗証番号がロックされています。顔認証または目視で確認してください。解除は市区町村窓口"
             "です。";
    case EligibilityReason::kNotRegisteredForInsuranceUse:
      return "健康保険証利用登録がされていません。カードリーダーで利用登録ができます。";
    case EligibilityReason::kSmartphoneNotAccepted:
      return "この医療機関ではスマートフォンのマイナ保険証は利用できません。"
             "マイナンバーカードまたは資格確認書で確認してください。";
  }
  return "";
}

EligibilityDecision DecideByInsuranceCard(const InsuranceCardQuery& query,
                                          std::span<const Qualification> records,
                                          Date confirmation_date, Date today) {
  std::vector<const Qualification*> visible, unlinked;
  for (const Qualification& r : records) {
    if (!MatchesKeys(query, r)) continue;
    (r.VisibleOn(today) ? visible : unlinked).push_back(&r);
  }
  if (visible.empty() && unlinked.empty()) {
    return Make(QualificationValidity::kNotFound, EligibilityReason::kNoRecord);
  }
  // R-LINK-2: nothing a facility can see yet.
  if (visible.empty()) return Unlinked(QualificationValidity::kNotFound, unlinked, today);

  std::vector<const Qualification*> covering, lost;
  for (const Qualification* r : visible) {
    if (r->Covers(confirmation_date)) {
      covering.push_back(r);
    } else if (r->lost.has_value() && *r->lost <= confirmation_date) {
      lost.push_back(r);
    }
  }
  if (covering.size() == 1) {
    EligibilityDecision d = Make(QualificationValidity::kValid, EligibilityReason::kValid);
    d.results = covering;
    return d;
  }
  if (covering.size() > 1) {
    EligibilityDecision d =
        Make(QualificationValidity::kMultipleMatches, EligibilityReason::kMultipleMatches);
    d.results = covering;
    return d;
  }
  if (lost.empty()) {
    return Make(QualificationValidity::kNotFound, EligibilityReason::kNotYetAcquired);
  }

  // The card's qualification has ended. Does the same person have a newer one?
  const Qualification* ended = LatestLost(lost);
  bool newer_visible = false;
  const Qualification* newer_unlinked = nullptr;
  for (const Qualification& r : records) {
    if (r.person_id != ended->person_id || &r == ended || !r.Covers(confirmation_date)) continue;
    if (r.VisibleOn(today)) {
      newer_visible = true;
    } else {
      newer_unlinked = &r;
    }
  }
  EligibilityDecision d;
  if (newer_visible) {
    d = Make(QualificationValidity::kInvalidNewQualification,
             EligibilityReason::kNewQualificationExists);
  } else if (newer_unlinked) {
    // R-LINK-4: changed insurer, new data not linked yet: 資格(無効).
    d = Unlinked(QualificationValidity::kInvalid, {newer_unlinked}, today);
  } else {
    d = Make(QualificationValidity::kInvalid, EligibilityReason::kLost);
  }
  d.results = {ended};
  return d;
}

CardIdentity ToCardIdentity(const CardUsability& u, bool insurance_registered) {
  CardIdentity id;
  switch (u.status) {
    case CardStatus::kUsable:
    case CardStatus::kExpiringSoon:
      break;
    case CardStatus::kUsableInGrace:
      id.in_grace = true;
      break;
    case CardStatus::kCertificateExpired:
      id.blocked = EligibilityReason::kCertificateExpiredBeyondGrace;
      break;
    case CardStatus::kCardExpired:
      id.blocked = EligibilityReason::kCardExpired;
      break;
    case CardStatus::kSuspended:
      id.blocked = EligibilityReason::kCardSuspended;
      break;
    case CardStatus::kRevoked:
    case CardStatus::kNotYetIssued:
      id.blocked = EligibilityReason::kCardRevoked;
      break;
    case CardStatus::kPinLocked:
      // Only PIN mode is locked; the caller may re-evaluate with face or 目視.
      id.blocked = EligibilityReason::kPinLocked;
      break;
  }
  if (!id.blocked && !insurance_registered) {
    id.blocked = EligibilityReason::kNotRegisteredForInsuranceUse;  // R-REG-3
  }
  return id;
}

Date SmartphoneUseFrom() {
  return Date::FromYmd(2025, 9, 1);
}

bool SmartphoneAccepted(Date today, bool facility_supports) {
  return facility_supports && today >= SmartphoneUseFrom();
}

EligibilityDecision DecideByPerson(const CardIdentity& card, std::span<const Qualification> records,
                                   Date confirmation_date, Date today, bool failed_filing) {
  if (card.blocked.has_value()) {
    return Make(QualificationValidity::kNotFound, *card.blocked);
  }
  std::vector<const Qualification*> covering, lost, unlinked;
  for (const Qualification& r : records) {
    if (!r.VisibleOn(today)) {
      unlinked.push_back(&r);
    } else if (r.Covers(confirmation_date)) {
      covering.push_back(&r);
    } else if (r.lost.has_value() && *r.lost <= confirmation_date) {
      lost.push_back(&r);
    }
  }
  EligibilityDecision d;
  if (!covering.empty()) {
    // The card identifies the person: every current qualification is theirs
    // and each is answered as its own valid result. "Specify the 枝番" (複数該当)
    // is advice for keys typed from a card, not for a card holder.
    d = Make(QualificationValidity::kValid, EligibilityReason::kValid);
    d.results = covering;
  } else if (!unlinked.empty()) {
    // A registration exists but is not visible: 資格(無効) if the person had
    // an earlier qualification, 資格情報なし otherwise (R-LINK-4, R-FAC-5).
    d = Unlinked(lost.empty() ? QualificationValidity::kNotFound : QualificationValidity::kInvalid,
                 unlinked, today);
    if (!lost.empty()) d.results = {LatestLost(lost)};
  } else if (!lost.empty()) {
    d = Make(QualificationValidity::kInvalid, EligibilityReason::kLost);
    d.results = {LatestLost(lost)};
  } else if (!records.empty()) {
    d = Make(QualificationValidity::kNotFound, EligibilityReason::kNotYetAcquired);
  } else if (failed_filing) {
    d = Make(QualificationValidity::kNotFound, EligibilityReason::kInsurerRegistrationError);
  } else {
    d = Make(QualificationValidity::kNotFound, EligibilityReason::kNoRecord);
  }
  d.card_in_grace = card.in_grace && d.validity == QualificationValidity::kValid;
  return d;
}

}  // namespace onshi
