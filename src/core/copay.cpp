#include "core/copay.hpp"

#include <algorithm>

#include "core/preschool.hpp"

namespace onshi {

bool IsLateStageElderlyInsurer(std::string_view insurer_number) {
  return insurer_number.size() == 8 && insurer_number.starts_with("39");
}

Date ElderlyRecipientFrom(Date birth) {
  const Date seventieth = birth.AddYears(70);
  // Born on the 1st: 70 is reached on the last day of the month before, so
  // the "next month" is the birthday's own month.
  if (birth.day() == 1) return Date::FromYmd(seventieth.year(), seventieth.month(), 1);
  return seventieth.LastDayOfMonth().AddDays(1);
}

Date ElderlyRecipientUntil(Date birth) {
  return birth.AddYears(75).AddDays(-1);
}

int StatutoryCopayPercent(Date birth, Date on, bool late_stage_elderly) {
  if (late_stage_elderly) return 10;
  if (IsPreschool(birth, on)) return 20;
  if (ElderlyRecipientFrom(birth) <= on && on <= ElderlyRecipientUntil(birth)) return 20;
  return 30;
}

int CopayPercentOn(const Qualification& q, Date on) {
  if (q.copay_filed) return q.copay_percent;
  // Aged 70-74 the ratio is the one on the 高齢受給者証 (健康保険法 §74①二,
  // 三): a 3割 certificate the insurer filed for 現役並み所得 sets it.
  if (const ElderlyRecipient* filed = q.ElderlyOn(on)) return filed->copay_percent;
  return StatutoryCopayPercent(q.birth_date, on, IsLateStageElderlyInsurer(q.insurer_number));
}

std::optional<ElderlyRecipient> ElderlyRecipientOn(const Qualification& q, Date on) {
  if (const ElderlyRecipient* filed = q.ElderlyOn(on)) return *filed;
  if (IsLateStageElderlyInsurer(q.insurer_number)) return std::nullopt;
  const Date from = ElderlyRecipientFrom(q.birth_date);
  const Date until = ElderlyRecipientUntil(q.birth_date);
  if (on < from || on > until) return std::nullopt;
  ElderlyRecipient e;
  e.valid_from = from;
  e.valid_until = until;
  e.certificate_date = std::max(from, q.acquired);
  // A ratio the insurer filed for the member (e.g. 3割 for 現役並み所得)
  // is the certificate's ratio too.
  e.copay_percent = q.copay_filed ? q.copay_percent : 20;
  return e;
}

}  // namespace onshi
