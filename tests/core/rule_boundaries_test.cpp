// Every date boundary of the rule functions in src/core, each checked on the
// day before, the day itself and the day after (issue 21). A rule's boundary
// that is checked only far from its edge lets a changed comparison (`<` for
// `<=`) or constant (3 months for 4) pass; here each such change fails at
// least one of the three days. The expected days are written out, not
// computed with the code under test.
//
// Rules: R-LINK-4 (3-month split), R-LINK-2 (link day), R-LINK-3 (portal
// advice after the lag), R-CARD-2 (card expiry, minors, the 2022 reform),
// R-CARD-3 (certificate expiry), R-CARD-4 (grace, its start date, renewal
// window), R-CARD-8 (smartphone start), R-OLD-1/2/3 (legacy cards), and the
// preschool and 70-74 copay ages (copay.hpp, preschool.hpp).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/card_validity.hpp"
#include "core/copay.hpp"
#include "core/eligibility.hpp"
#include "core/legacy_card.hpp"
#include "core/portal_status.hpp"
#include "core/preschool.hpp"

namespace onshi {
namespace {

Date D(int y, int m, int d) {
  return Date::FromYmd(y, m, d);
}

// One linked qualification of a person born 1980-05-15.
Qualification Linked(Date acquired) {
  Qualification q;
  q.person_id = 1;
  q.insurer_number = "06139992";
  q.symbol = "12-34";
  q.number = "567";
  q.branch = "02";
  q.birth_date = D(1980, 5, 15);
  q.acquired = acquired;
  q.linkage = LinkageState::kLinked;
  q.submitted_on = acquired;
  q.linked_on = acquired;
  q.attributes.push_back(
      {acquired, "試験　花子", "シケン　ハナコ", "試験　一郎", "100-0001", "東京都千代田区"});
  return q;
}

EligibilityDecision Check(const std::vector<Qualification>& r, Date on) {
  return DecideByInsuranceCard({"06139992", "12-34", "567", "", D(1980, 5, 15)}, r, on, on);
}

// --- R-LINK-4: "within 3 months of joining" -----------------------------------

TEST(RuleBoundaries, RLink4_ThreeMonthsAfterJoiningEndsTheLikelyTimeLag) {
  // Joined 2025-01-10, not linked: 3 months later is 2025-04-10. The day
  // before, it is most likely the time lag; from that day on, most likely an
  // insurer registration error (eligibility.cpp WithinThreeMonthsOfJoining).
  std::vector<Qualification> r = {Linked(D(2025, 1, 10))};
  r[0].linkage = LinkageState::kProcessing;
  r[0].linked_on.reset();
  const struct {
    Date on;
    bool time_lag;
  } cases[] = {{D(2025, 4, 9), true}, {D(2025, 4, 10), false}, {D(2025, 4, 11), false}};
  for (const auto& c : cases) {
    const EligibilityDecision d = Check(r, c.on);
    EXPECT_EQ(d.reason, EligibilityReason::kLinkagePending) << c.on.ToIso();
    EXPECT_EQ(d.likely_time_lag, c.time_lag) << c.on.ToIso();
    // The words staff read change with it (R-FAC-6).
    EXPECT_EQ(d.Explanation().find("登録誤り") != std::string::npos, !c.time_lag)
        << c.on.ToIso() << ": " << d.Explanation();
  }
}

// --- R-LINK-2: the record is shown from its link day on ------------------------

TEST(RuleBoundaries, RLink2_ALinkedRecordIsShownFromItsLinkDay) {
  std::vector<Qualification> r = {Linked(D(2025, 5, 20))};
  r[0].linked_on = D(2025, 6, 3);
  const auto on = [&](Date today) {
    return DecideByInsuranceCard({"06139992", "12-34", "567", "", D(1980, 5, 15)}, r,
                                 D(2025, 5, 25), today);
  };
  EXPECT_EQ(on(D(2025, 6, 2)).validity, QualificationValidity::kNotFound);
  EXPECT_EQ(on(D(2025, 6, 2)).reason, EligibilityReason::kLinkagePending);
  EXPECT_EQ(on(D(2025, 6, 3)).validity, QualificationValidity::kValid);
  EXPECT_EQ(on(D(2025, 6, 4)).validity, QualificationValidity::kValid);
}

// --- 資格取得日 and 資格喪失日 -------------------------------------------------------

TEST(RuleBoundaries, CoveredFromTheAcquisitionDayUntilTheDayBeforeTheLossDay) {
  std::vector<Qualification> r = {Linked(D(2025, 4, 1))};
  r[0].submitted_on = D(2025, 3, 1);  // linked ahead of the day
  r[0].linked_on = D(2025, 3, 1);
  r[0].lost = D(2025, 9, 1);  // 資格喪失日: the first day not covered
  EXPECT_EQ(Check(r, D(2025, 3, 31)).reason, EligibilityReason::kNotYetAcquired);
  EXPECT_NE(Check(r, D(2025, 3, 31)).validity, QualificationValidity::kValid);
  EXPECT_EQ(Check(r, D(2025, 4, 1)).validity, QualificationValidity::kValid);
  EXPECT_EQ(Check(r, D(2025, 4, 2)).validity, QualificationValidity::kValid);
  EXPECT_EQ(Check(r, D(2025, 8, 31)).validity, QualificationValidity::kValid);
  EXPECT_EQ(Check(r, D(2025, 9, 1)).validity, QualificationValidity::kInvalid);
  EXPECT_EQ(Check(r, D(2025, 9, 1)).reason, EligibilityReason::kLost);
  EXPECT_EQ(Check(r, D(2025, 9, 2)).validity, QualificationValidity::kInvalid);
}

// --- R-LINK-3: the portal's advice after five business days past due ----------

TEST(RuleBoundaries, RLink3_PortalAdviceChangesAfterFiveBusinessDaysPastDue) {
  // Due Monday 2025-06-02; five business days later is Monday 2025-06-09.
  const std::string normal =
      std::string(PortalStatusOf(LinkageState::kProcessing, D(2025, 6, 2), D(2025, 6, 2)).advice);
  const auto advice = [](Date today) {
    return std::string(PortalStatusOf(LinkageState::kProcessing, D(2025, 6, 2), today).advice);
  };
  EXPECT_EQ(advice(D(2025, 6, 8)), normal);
  EXPECT_EQ(advice(D(2025, 6, 9)), normal);
  EXPECT_NE(advice(D(2025, 6, 10)), normal);
  EXPECT_NE(advice(D(2025, 6, 10)).find("お問い合わせ"), std::string::npos);
  // LinkDueOn: lag 0 on a Saturday is the next business day.
  EXPECT_EQ(LinkDueOn(D(2025, 6, 6), 0), D(2025, 6, 6));   // Friday
  EXPECT_EQ(LinkDueOn(D(2025, 6, 7), 0), D(2025, 6, 9));   // Saturday → Monday
  EXPECT_EQ(LinkDueOn(D(2025, 6, 6), 2), D(2025, 6, 10));  // Friday + 2 → Tuesday
}

// --- R-CARD-2: the 2022-04-01 reform, and who is a minor at issue --------------

TEST(RuleBoundaries, RCard2_AgeLimitChangesOnTheReformDay) {
  EXPECT_EQ(ShortValidityAgeLimit(D(2022, 3, 31)), 20);
  EXPECT_EQ(ShortValidityAgeLimit(D(2022, 4, 1)), 18);
  EXPECT_EQ(ShortValidityAgeLimit(D(2022, 4, 2)), 18);
}

TEST(RuleBoundaries, RCard2_AMinorAtIssueGetsFiveYearsAndAnAdultTen) {
  // Born 2005-06-10: 18 on 2023-06-10 (AgeOn: from the birthday on).
  CardIssuance card{D(2005, 6, 10), D(2023, 1, 10), D(2023, 6, 9), std::nullopt};
  EXPECT_EQ(CardExpiry(card), D(2027, 6, 10));  // 17 at issue: 5th birthday after
  card.issued = D(2023, 6, 10);
  EXPECT_EQ(CardExpiry(card), D(2033, 6, 10));  // 18: 10th birthday after the issue day
  card.issued = D(2023, 6, 11);
  EXPECT_EQ(CardExpiry(card), D(2033, 6, 10));
  // The residence period caps the card from the day it is earlier.
  card.residence_period_end = D(2033, 6, 9);
  EXPECT_EQ(CardExpiry(card), D(2033, 6, 9));
  card.residence_period_end = D(2033, 6, 10);
  EXPECT_EQ(CardExpiry(card), D(2033, 6, 10));
  card.residence_period_end = D(2033, 6, 11);
  EXPECT_EQ(CardExpiry(card), D(2033, 6, 10));
}

// --- R-CARD-3: the certificate never outlives the card -------------------------

TEST(RuleBoundaries, RCard3_CertificateEndsOnItsFifthBirthdayOrTheCardsExpiry) {
  // Issued 2021-02-01 to someone born 1980-05-15: the 5th birthday after
  // (2021-05-15 is the 1st) is 2025-05-15.
  EXPECT_EQ(CertificateExpiry(D(1980, 5, 15), D(2021, 2, 1), D(2025, 5, 14)), D(2025, 5, 14));
  EXPECT_EQ(CertificateExpiry(D(1980, 5, 15), D(2021, 2, 1), D(2025, 5, 15)), D(2025, 5, 15));
  EXPECT_EQ(CertificateExpiry(D(1980, 5, 15), D(2021, 2, 1), D(2025, 5, 16)), D(2025, 5, 15));
  // A certificate issued on the birthday itself counts from the next one.
  EXPECT_EQ(CertificateExpiry(D(1980, 5, 15), D(2020, 5, 14), D(2040, 1, 1)), D(2024, 5, 15));
  EXPECT_EQ(CertificateExpiry(D(1980, 5, 15), D(2020, 5, 15), D(2040, 1, 1)), D(2025, 5, 15));
  EXPECT_EQ(CertificateExpiry(D(1980, 5, 15), D(2020, 5, 16), D(2040, 1, 1)), D(2025, 5, 15));
}

// --- R-CARD-4: the grace, as domain-rules.md states it --------------------------

TEST(RuleBoundaries, RCard4_GraceEndsOnTheLastDayOfTheThirdMonthAfterTheExpiryMonth) {
  // The example of domain-rules.md: expired 2025-07-01 → usable through 2025-10-31.
  EXPECT_EQ(InsuranceGraceEnd(D(2025, 6, 30)), D(2025, 9, 30));
  EXPECT_EQ(InsuranceGraceEnd(D(2025, 7, 1)), D(2025, 10, 31));
  EXPECT_EQ(InsuranceGraceEnd(D(2025, 7, 31)), D(2025, 10, 31));
  EXPECT_EQ(InsuranceGraceEnd(D(2025, 8, 1)), D(2025, 11, 30));
  // A 31st whose third month has 30 days, and a February.
  EXPECT_EQ(InsuranceGraceEnd(D(2025, 5, 31)), D(2025, 8, 31));
  EXPECT_EQ(InsuranceGraceEnd(D(2025, 11, 30)), D(2026, 2, 28));
  // The grace exists from 2024-12-02 on.
  EXPECT_FALSE(InsuranceGraceEnd(D(2024, 12, 1)).has_value());
  EXPECT_EQ(InsuranceGraceEnd(D(2024, 12, 2)), D(2025, 3, 31));
  EXPECT_EQ(InsuranceGraceEnd(D(2024, 12, 3)), D(2025, 3, 31));
}

TEST(RuleBoundaries, RCard4_CardStatusAroundRenewalExpiryAndGraceEnd) {
  // Card issued 2021-02-01 to someone born 1980-05-15: the certificate ends
  // 2025-05-15, the card 2030-05-15. Renewal opens 3 months before the
  // expiry (2025-02-15); the grace runs to 2025-08-31.
  CardFacts facts;
  facts.card = {D(1980, 5, 15), D(2021, 1, 10), D(2021, 2, 1), std::nullopt};
  const struct {
    Date on;
    CardStatus status;
  } cases[] = {
      {D(2025, 2, 14), CardStatus::kUsable},
      {D(2025, 2, 15), CardStatus::kExpiringSoon},
      {D(2025, 2, 16), CardStatus::kExpiringSoon},
      {D(2025, 5, 14), CardStatus::kExpiringSoon},
      {D(2025, 5, 15), CardStatus::kExpiringSoon},
      {D(2025, 5, 16), CardStatus::kUsableInGrace},
      {D(2025, 8, 30), CardStatus::kUsableInGrace},
      {D(2025, 8, 31), CardStatus::kUsableInGrace},
      {D(2025, 9, 1), CardStatus::kCertificateExpired},
  };
  for (const auto& c : cases) {
    const CardUsability u = EvaluateCardForInsurance(facts, c.on, IdentityCheck::kPin);
    EXPECT_EQ(u.status, c.status) << c.on.ToIso();
    EXPECT_EQ(u.certificate_expiry, D(2025, 5, 15));
    // Clinical sharing stops with the grace (R-CARD-4).
    EXPECT_EQ(u.clinical_info_sharing,
              c.status == CardStatus::kUsable || c.status == CardStatus::kExpiringSoon)
        << c.on.ToIso();
  }
  // The card's own day of issue.
  EXPECT_EQ(EvaluateCardForInsurance(facts, D(2021, 1, 31), IdentityCheck::kPin).status,
            CardStatus::kNotYetIssued);
  EXPECT_EQ(EvaluateCardForInsurance(facts, D(2021, 2, 1), IdentityCheck::kPin).status,
            CardStatus::kUsable);
}

TEST(RuleBoundaries, RCard6_SuspensionAndRevocationTakeEffectOnTheirDay) {
  CardFacts facts;
  facts.card = {D(1980, 5, 15), D(2020, 1, 10), D(2020, 2, 1), std::nullopt};
  facts.suspended_on = D(2023, 3, 10);
  facts.resumed_on = D(2023, 3, 20);
  const auto at = [&](Date on) {
    return EvaluateCardForInsurance(facts, on, IdentityCheck::kPin).status;
  };
  EXPECT_EQ(at(D(2023, 3, 9)), CardStatus::kUsable);
  EXPECT_EQ(at(D(2023, 3, 10)), CardStatus::kSuspended);
  EXPECT_EQ(at(D(2023, 3, 19)), CardStatus::kSuspended);
  EXPECT_EQ(at(D(2023, 3, 20)), CardStatus::kUsable);
  facts.revoked_on = D(2023, 6, 1);
  EXPECT_EQ(at(D(2023, 5, 31)), CardStatus::kUsable);
  EXPECT_EQ(at(D(2023, 6, 1)), CardStatus::kRevoked);
  EXPECT_EQ(at(D(2023, 6, 2)), CardStatus::kRevoked);
}

// --- R-CARD-8: smartphones from 2025-09-01 -----------------------------------

TEST(RuleBoundaries, RCard8_SmartphonesFromTheirStartDay) {
  EXPECT_FALSE(SmartphoneAccepted(D(2025, 8, 31), true));
  EXPECT_TRUE(SmartphoneAccepted(D(2025, 9, 1), true));
  EXPECT_TRUE(SmartphoneAccepted(D(2025, 9, 2), true));
  EXPECT_FALSE(SmartphoneAccepted(D(2025, 9, 2), false));
}

// --- R-OLD-1/2/3: legacy insurance cards ----------------------------------------

TEST(RuleBoundaries, ROld1_NoLegacyCardIssuedFrom20241202) {
  EXPECT_TRUE(MayIssueLegacyCard(D(2024, 12, 1)));
  EXPECT_FALSE(MayIssueLegacyCard(D(2024, 12, 2)));
  EXPECT_FALSE(MayIssueLegacyCard(D(2024, 12, 3)));
}

TEST(RuleBoundaries, ROld2_LegacyCardUntilItsPrintedExpiryAndNeverAfter20251201) {
  LegacyCardFacts card;
  card.issued = D(2020, 4, 1);
  const auto at = [&](Date on) { return EvaluateLegacyCard(card, on).status; };
  EXPECT_EQ(at(D(2025, 11, 30)), LegacyCardStatus::kUsable);
  EXPECT_EQ(at(D(2025, 12, 1)), LegacyCardStatus::kUsable);
  EXPECT_EQ(at(D(2025, 12, 2)), LegacyCardStatus::kTransitionEnded);
  card.printed_expiry = D(2025, 7, 31);
  EXPECT_EQ(at(D(2025, 7, 30)), LegacyCardStatus::kUsable);
  EXPECT_EQ(at(D(2025, 7, 31)), LegacyCardStatus::kUsable);
  EXPECT_EQ(at(D(2025, 8, 1)), LegacyCardStatus::kPrintedExpiryPassed);
  EXPECT_EQ(at(D(2020, 3, 31)), LegacyCardStatus::kNotYetIssued);
  EXPECT_EQ(at(D(2020, 4, 1)), LegacyCardStatus::kUsable);
}

TEST(RuleBoundaries, ROld3_AChangeEndsTheLegacyCardOnItsDay) {
  LegacyCardFacts card;
  card.issued = D(2020, 4, 1);
  card.name_changed = D(2025, 3, 10);
  EXPECT_EQ(EvaluateLegacyCard(card, D(2025, 3, 9)).status, LegacyCardStatus::kUsable);
  EXPECT_EQ(EvaluateLegacyCard(card, D(2025, 3, 10)).status, LegacyCardStatus::kNameChanged);
  EXPECT_EQ(EvaluateLegacyCard(card, D(2025, 3, 10)).last_usable_day, D(2025, 3, 9));
  // An address change counts only from 2024-12-02 (before, the card was amended).
  card.name_changed.reset();
  card.address_changed = D(2024, 12, 1);
  EXPECT_EQ(EvaluateLegacyCard(card, D(2025, 1, 6)).status, LegacyCardStatus::kUsable);
  card.address_changed = D(2024, 12, 2);
  EXPECT_EQ(EvaluateLegacyCard(card, D(2024, 12, 1)).status, LegacyCardStatus::kUsable);
  EXPECT_EQ(EvaluateLegacyCard(card, D(2024, 12, 2)).status, LegacyCardStatus::kAddressChanged);
}

// --- 未就学児 (preschool.hpp) and 70-74 (copay.hpp) ---------------------------------

TEST(RuleBoundaries, PreschoolEndsOnTheFirstMarch31AfterReachingSix) {
  // Born 2019-04-02: six at the end of 2025-04-01 → preschool through 2026-03-31.
  EXPECT_EQ(LastPreschoolDay(D(2019, 4, 2)), D(2026, 3, 31));
  EXPECT_TRUE(IsPreschool(D(2019, 4, 2), D(2026, 3, 30)));
  EXPECT_TRUE(IsPreschool(D(2019, 4, 2), D(2026, 3, 31)));
  EXPECT_FALSE(IsPreschool(D(2019, 4, 2), D(2026, 4, 1)));
  // Born 2019-04-01: six at the end of 2025-03-31 → through 2025-03-31 (早生まれ).
  EXPECT_EQ(LastPreschoolDay(D(2019, 4, 1)), D(2025, 3, 31));
  EXPECT_TRUE(IsPreschool(D(2019, 4, 1), D(2025, 3, 31)));
  EXPECT_FALSE(IsPreschool(D(2019, 4, 1), D(2025, 4, 1)));
  // Not before birth.
  EXPECT_FALSE(IsPreschool(D(2019, 4, 2), D(2019, 4, 1)));
  EXPECT_TRUE(IsPreschool(D(2019, 4, 2), D(2019, 4, 2)));
  // The copay follows: 2割 while preschool, 3割 the day after.
  EXPECT_EQ(StatutoryCopayPercent(D(2019, 4, 2), D(2026, 3, 31), false), 20);
  EXPECT_EQ(StatutoryCopayPercent(D(2019, 4, 2), D(2026, 4, 1), false), 30);
}

TEST(RuleBoundaries, Copay70To74FromTheMonthAfterTurning70UntilTheDayBefore75) {
  // Born 1955-05-15: 70 in May 2025 → 2割 from 2025-06-01; 75 on 2030-05-15.
  const Date birth = D(1955, 5, 15);
  EXPECT_EQ(ElderlyRecipientFrom(birth), D(2025, 6, 1));
  EXPECT_EQ(StatutoryCopayPercent(birth, D(2025, 5, 31), false), 30);
  EXPECT_EQ(StatutoryCopayPercent(birth, D(2025, 6, 1), false), 20);
  EXPECT_EQ(StatutoryCopayPercent(birth, D(2025, 6, 2), false), 20);
  EXPECT_EQ(StatutoryCopayPercent(birth, D(2030, 5, 14), false), 20);
  EXPECT_EQ(StatutoryCopayPercent(birth, D(2030, 5, 15), false), 30);
  // Born on the 1st: 70 is reached the day before, so from the birthday's month.
  EXPECT_EQ(ElderlyRecipientFrom(D(1955, 6, 1)), D(2025, 6, 1));
  EXPECT_EQ(ElderlyRecipientFrom(D(1955, 6, 2)), D(2025, 7, 1));
  EXPECT_EQ(ElderlyRecipientFrom(D(1955, 5, 31)), D(2025, 6, 1));
  EXPECT_EQ(StatutoryCopayPercent(D(1955, 6, 1), D(2025, 5, 31), false), 30);
  EXPECT_EQ(StatutoryCopayPercent(D(1955, 6, 1), D(2025, 6, 1), false), 20);
  // 後期高齢者: 1割 whatever the date.
  EXPECT_EQ(StatutoryCopayPercent(birth, D(2030, 5, 15), true), 10);
}

}  // namespace
}  // namespace onshi
