// 一部負担金割合 (the patient's copay ratio) and the 高齢受給者 status, as the
// law sets them when the insurer files nothing (R-FAC-9: with a マイナ保険証
// the facility learns both online, with no 高齢受給者証 shown).
//
//   - 未就学 (preschool, preschool.hpp): 2割 until the first 31 March on or
//     after the day the child reaches 6, 3割 from the next day
//     (健康保険法 §74①一). PreschoolClassification and the ratio always agree
//     because both come from LastPreschoolDay.
//   - 高齢受給者 (ages 70–74): 2割 from the first day of the month after the
//     70th birthday — the birthday's own month for someone born on the 1st,
//     who reaches 70 on the last day of the month before (年齢計算ニ関スル法律)
//     — until the day before the 75th birthday, when 後期高齢者医療 takes over
//     (健康保険法 §74①二, 高齢者の医療の確保に関する法律 §50). A 3割 (現役並み
//     所得) certificate must be filed by the insurer.
//   - 後期高齢者医療 (insurer 法別番号 39): 1割 unless the 広域連合 filed 2割 or
//     3割 (高齢者の医療の確保に関する法律 §67).
//   - everyone else: 3割.
//
// A ratio the insurer filed (Qualification::copay_filed) always wins; a
// 高齢受給者証 the insurer filed wins over the derived one, and its ratio is
// the member's ratio while it is in force.
#ifndef ONSHI_CORE_COPAY_HPP_
#define ONSHI_CORE_COPAY_HPP_

#include <optional>
#include <string_view>

#include "core/date.hpp"
#include "core/membership.hpp"

namespace onshi {

// True for a 後期高齢者医療広域連合's number (8 digits, 法別番号 39).
bool IsLateStageElderlyInsurer(std::string_view insurer_number);

// First and last day of 高齢受給者 status for someone born on `birth`.
Date ElderlyRecipientFrom(Date birth);
Date ElderlyRecipientUntil(Date birth);  // the day before the 75th birthday

// The ratio by law on `on`, in percent (10, 20 or 30).
int StatutoryCopayPercent(Date birth, Date on, bool late_stage_elderly);

// The ratio in force for `q` on `on`: the filed one, else the ratio of a
// 高齢受給者証 the insurer filed that is in force then, else the statutory one.
int CopayPercentOn(const Qualification& q, Date on);

// The 高齢受給者証 in force for `q` on `on`: the insurer's if filed and in
// force; otherwise, for a member aged 70–74 who is not in 後期高齢者医療, the
// statutory one (2割, valid ElderlyRecipientFrom..Until, certificate dated
// its first day, or the qualification's start if later). nullopt otherwise.
std::optional<ElderlyRecipient> ElderlyRecipientOn(const Qualification& q, Date on);

}  // namespace onshi

#endif  // ONSHI_CORE_COPAY_HPP_
