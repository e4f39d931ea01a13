// What マイナポータル shows a person about an insurer's registration of them
// (R-LINK-2, R-LINK-4, R-LINK-7, R-REG-5). Pure wording: the portal, the
// insurer's report and the CLI all show the same words for the same state.
#ifndef ONSHI_CORE_PORTAL_STATUS_HPP_
#define ONSHI_CORE_PORTAL_STATUS_HPP_

#include <string_view>

#include "core/date.hpp"
#include "core/membership.hpp"

namespace onshi {

struct PortalStatus {
  std::string_view label;  // the short status: "データ連携中", "登録エラー: 勤務先に確認", …
  std::string_view advice;  // one sentence on what to do
};

// The status of a registration in `state`, received on `received_on` and due
// to link on `due_on`, as seen on `today`. A registration still waiting more
// than five business days after its due day is past the normal lag
// (R-LINK-3: "contact if over a week"), so the advice changes.
PortalStatus PortalStatusOf(LinkageState state, Date due_on, Date today);

// The day a registration received on `received` links, with the insurer's
// lag in business days (R-LINK-3): `lag` business days later; with no lag,
// the day itself if it is a business day, else the next one.
Date LinkDueOn(Date received, int lag_business_days);

}  // namespace onshi

#endif  // ONSHI_CORE_PORTAL_STATUS_HPP_
