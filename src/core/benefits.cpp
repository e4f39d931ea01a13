#include "core/benefits.hpp"

#include <algorithm>

#include "core/copay.hpp"

namespace onshi {
namespace {

bool Digit(char c) {
  return c >= '0' && c <= '9';
}

// "2026-08-01" for messages: certificate dates are no personal secret to the
// insurer that filed them, and the clerk needs them to find the mistake.
std::string Iso(Date d) {
  return d.ToIso();
}

template <class Certificate>
void SortByFirstDay(std::vector<Certificate>& v) {
  std::stable_sort(v.begin(), v.end(), [](const Certificate& a, const Certificate& b) {
    return a.valid_from < b.valid_from;
  });
}

template <class Certificate>
bool Overlap(const Certificate& a, const Certificate& b) {
  return a.valid_from <= b.valid_until && b.valid_from <= a.valid_until;
}

}  // namespace

bool IsLimitCategoryFlag(std::string_view flag) {
  if (flag.size() != 3 || (flag[1] != '0' && flag[1] != '1') || !Digit(flag[2])) return false;
  const int n = (flag[1] - '0') * 10 + (flag[2] - '0');
  if (flag[0] == 'A') return n >= 1 && n <= 6;
  if (flag[0] == 'B') return n >= 1 && n <= 10;
  return false;
}

std::vector<FieldError> CheckBenefitsFor(const BenefitsFiling& b, std::optional<int> copay_percent,
                                         const BenefitsMember& m) {
  std::vector<FieldError> errors;
  auto fail = [&errors](std::string_view field, std::string reason) {
    errors.push_back(FieldError{0, std::string(field), std::move(reason)});
  };
  const bool late_stage = IsLateStageElderlyInsurer(m.insurer_number);
  const Date elderly_from = ElderlyRecipientFrom(m.birth_date);
  const Date elderly_until = ElderlyRecipientUntil(m.birth_date);
  // A certificate's first day inside the qualification [acquired, lost).
  auto within = [&](Date from, std::string_view field, std::string_view certificate) {
    if (from < m.acquired) {
      fail(field, "the " + std::string(certificate) +
                      " starts before the member's 資格取得年月日 " + Iso(m.acquired));
    } else if (m.lost && from >= *m.lost) {
      fail(field, "the " + std::string(certificate) + " starts after the member's qualification " +
                      "ended (資格喪失年月日 " + Iso(*m.lost) + ")");
    }
  };

  if (copay_percent == 10 && !late_stage) {
    fail("copay_percent",
         "一部負担金割合 10 is for 後期高齢者医療 only (under 75: 2割 or 3割, 健康保険法 §74)");
  }

  if (b.elderly) {
    const ElderlyRecipient& e = *b.elderly;
    if (late_stage) {
      fail("elderly_valid_from",
           "後期高齢者医療 issues no 高齢受給者証 (the ratio is the 一部負担金割合)");
    } else if (e.valid_from < elderly_from || e.valid_until > elderly_until) {
      fail(e.valid_from < elderly_from ? "elderly_valid_from" : "elderly_valid_until",
           "a 高齢受給者証 is valid only from the month after the 70th birthday to the day before "
           "the 75th (for this member " +
               Iso(elderly_from) + " to " + Iso(elderly_until) + ")");
    } else {
      within(e.valid_from, "elderly_valid_from", "高齢受給者証");
    }
  }

  if (b.limit) {
    const LimitCertificate& l = *b.limit;
    // ア〜オ (A) are the under-70 categories; from the 高齢受給者 month on,
    // and in 後期高齢者医療 at any age, the B categories apply.
    const bool wants_b = late_stage || l.valid_from >= elderly_from;
    if (!l.category_flag.empty() && (l.category_flag[0] == 'B') != wants_b) {
      fail("limit_category",
           wants_b ? "適用区分 must be a B category (70 and over, or 後期高齢者医療) on the "
                     "certificate's first day"
                   : "適用区分 must be an A category (under 70) on the certificate's first day");
    }
    if (l.long_term_date && l.classification == 1) {
      fail("limit_long_term_date",
           "長期入院該当年月日 belongs on a 減額認定証 (限度額適用認定証区分 02 or 03)");
    }
    within(l.valid_from, "limit_valid_from", "限度額適用認定証");
  }

  if (b.disease) {
    const SpecificDisease& d = *b.disease;
    if (d.self_pay_yen == 20000 &&
        (d.category != 1 || d.valid_from >= elderly_from || late_stage)) {
      fail("disease_self_pay",
           "20000 yen applies only to 人工透析 (特定疾病区分 1) of a member under 70; "
           "otherwise the cap is 10000 yen");
    }
    within(d.valid_from, "disease_valid_from", "特定疾病療養受療証");
  }
  return errors;
}

void ApplyBenefits(Qualification& q, const BenefitsFiling& b, std::optional<int> copay_percent,
                   Date effective) {
  if (copay_percent) {
    q.copay_percent = *copay_percent;
    q.copay_filed = true;
  }
  if (b.card_classification) q.card_classification = *b.card_classification;
  if (b.card_issued_on) q.card_issued_on = b.card_issued_on;
  if (b.card_valid_until) q.card_valid_until = b.card_valid_until;
  if (b.sex2) q.sex2 = b.sex2;

  if (!b.name_of_other.empty()) {
    // A set of attributes starting on `effective` (a copy of the one in
    // force then), and the 通称 on it and every later one: a later change of
    // address does not drop it.
    const bool starts_then =
        std::any_of(q.attributes.begin(), q.attributes.end(),
                    [&](const MemberAttributes& a) { return a.effective_from == effective; });
    if (!starts_then) {
      MemberAttributes a = q.AttributesOn(effective);
      a.effective_from = effective;
      q.attributes.push_back(std::move(a));
      std::sort(q.attributes.begin(), q.attributes.end(),
                [](const MemberAttributes& x, const MemberAttributes& y) {
                  return x.effective_from < y.effective_from;
                });
    }
    for (MemberAttributes& a : q.attributes) {
      if (a.effective_from < effective) continue;
      a.name_of_other = b.name_of_other;
      a.name_of_other_kana = b.name_of_other_kana;
    }
  }

  if (b.elderly) q.elderly = b.elderly;
  if (b.limit) {
    std::erase_if(q.limits, [&](const LimitCertificate& l) { return Overlap(l, *b.limit); });
    q.limits.push_back(*b.limit);
    SortByFirstDay(q.limits);
  }
  if (b.disease) {
    std::erase_if(q.diseases, [&](const SpecificDisease& d) {
      return d.category == b.disease->category && Overlap(d, *b.disease);
    });
    q.diseases.push_back(*b.disease);
    SortByFirstDay(q.diseases);
  }
}

}  // namespace onshi
