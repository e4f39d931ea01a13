#include "core/portal_status.hpp"

#include "core/business_days.hpp"

namespace onshi {

PortalStatus PortalStatusOf(LinkageState state, Date due_on, Date today) {
  switch (state) {
    case LinkageState::kSubmitted:
    case LinkageState::kProcessing:
      if (today > AddBusinessDays(due_on, 5)) {
        return {"データ連携中",
                "通常より時間がかかっています。加入先の保険者にお問い合わせください。"};
      }
      return {"データ連携中",
              "保険者の登録が終わるまで、マイナ保険証ではこの保険の資格を確認できません。"};
    case LinkageState::kLinked:
      return {"登録済み", "資格情報の保険者をご確認のうえ、資格情報のPDFを保存してください。"};
    case LinkageState::kRegistrationError:
      return {"登録エラー: 勤務先に確認",
              "届出の氏名・生年月日・性別・住所または個人番号が住民票と一致しません。"
              "勤務先（事業主）にご確認ください。"};
  }
  return {"", ""};
}

Date LinkDueOn(Date received, int lag) {
  if (lag == 0 && !IsBusinessDay(received)) return AddBusinessDays(received, 1);
  return AddBusinessDays(received, lag);
}

}  // namespace onshi
