// The eligibility decision: every QualificationValidity (OQSCD006) and every
// reason, as a facility would meet them. Rules: R-LINK-2, R-LINK-4, R-FAC-5,
// R-FAC-6, R-REG-5, R-CARD-4.
#include "core/eligibility.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace onshi {
namespace {

Date D(int y, int m, int d) {
  return Date::FromYmd(y, m, d);
}

Qualification Linked(int64_t person, std::string insurer, std::string number, std::string branch,
                     Date acquired) {
  Qualification q;
  q.person_id = person;
  q.insurer_number = std::move(insurer);
  q.symbol = "12-34";
  q.number = std::move(number);
  q.branch = std::move(branch);
  q.birth_date = D(1980, 5, 15);
  q.acquired = acquired;
  q.linkage = LinkageState::kLinked;
  q.submitted_on = acquired;
  q.linked_on = acquired.AddDays(3);
  q.attributes.push_back(
      {acquired, "試験　花子", "シケン　ハナコ", "試験　一郎", "100-0001", "東京都千代田区"});
  return q;
}

InsuranceCardQuery Query(std::string insurer, std::string number, std::string branch = "") {
  return {std::move(insurer), "12-34", std::move(number), std::move(branch), D(1980, 5, 15)};
}

const Date kToday = D(2025, 6, 1);

TEST(Eligibility, Valid_OneCoveringLinkedQualification) {
  std::vector<Qualification> r = {Linked(1, "06139992", "567", "02", D(2020, 4, 1))};
  auto d = DecideByInsuranceCard(Query("06139992", "567"), r, D(2025, 4, 1), kToday);
  EXPECT_EQ(d.validity, QualificationValidity::kValid);
  EXPECT_EQ(d.reason, EligibilityReason::kValid);
  ASSERT_EQ(d.results.size(), 1u);
  EXPECT_EQ(d.results[0]->branch, "02");
}

TEST(Eligibility, NotFound_WrongBirthDateIsNoRecord) {
  std::vector<Qualification> r = {Linked(1, "06139992", "567", "02", D(2020, 4, 1))};
  InsuranceCardQuery q = Query("06139992", "567");
  q.birth_date = D(1980, 5, 16);
  auto d = DecideByInsuranceCard(q, r, D(2025, 4, 1), kToday);
  EXPECT_EQ(d.validity, QualificationValidity::kNotFound);
  EXPECT_EQ(d.reason, EligibilityReason::kNoRecord);
  EXPECT_TRUE(d.results.empty());
}

TEST(Eligibility, SymbolAndBranchMustMatchWhenGiven) {
  std::vector<Qualification> r = {Linked(1, "06139992", "567", "02", D(2020, 4, 1))};
  EXPECT_EQ(
      DecideByInsuranceCard(Query("06139992", "567", "01"), r, D(2025, 4, 1), kToday).validity,
      QualificationValidity::kNotFound);
  InsuranceCardQuery wrong_symbol = Query("06139992", "567");
  wrong_symbol.symbol = "99";
  EXPECT_EQ(DecideByInsuranceCard(wrong_symbol, r, D(2025, 4, 1), kToday).validity,
            QualificationValidity::kNotFound);
  InsuranceCardQuery no_symbol = Query("06139992", "567");
  no_symbol.symbol = "";
  EXPECT_EQ(DecideByInsuranceCard(no_symbol, r, D(2025, 4, 1), kToday).validity,
            QualificationValidity::kValid);
}

TEST(Eligibility, Invalid_LostBeforeTheDateAndNothingNewer) {
  std::vector<Qualification> r = {Linked(1, "06139992", "567", "02", D(2020, 4, 1))};
  r[0].lost = D(2025, 3, 1);
  r[0].loss_reason = LossReason::kOther;
  // The loss date is the first day without cover: the day before is valid.
  EXPECT_EQ(DecideByInsuranceCard(Query("06139992", "567"), r, D(2025, 2, 28), kToday).validity,
            QualificationValidity::kValid);
  auto d = DecideByInsuranceCard(Query("06139992", "567"), r, D(2025, 3, 1), kToday);
  EXPECT_EQ(d.validity, QualificationValidity::kInvalid);
  EXPECT_EQ(d.reason, EligibilityReason::kLost);
  ASSERT_EQ(d.results.size(), 1u);
  EXPECT_EQ(*d.results[0]->loss_reason, LossReason::kOther);
}

TEST(Eligibility, InvalidNewQualification_OldCardAfterChangingInsurer) {
  std::vector<Qualification> r = {Linked(1, "06139992", "567", "02", D(2020, 4, 1)),
                                  Linked(1, "01130012", "8888", "00", D(2025, 3, 1))};
  r[0].lost = D(2025, 3, 1);
  r[0].loss_reason = LossReason::kOtherInsurance;
  auto d = DecideByInsuranceCard(Query("06139992", "567"), r, D(2025, 4, 1), kToday);
  EXPECT_EQ(d.validity, QualificationValidity::kInvalidNewQualification);
  EXPECT_EQ(d.reason, EligibilityReason::kNewQualificationExists);
  // The facility is shown the qualification of the card it asked about.
  ASSERT_EQ(d.results.size(), 1u);
  EXPECT_EQ(d.results[0]->insurer_number, "06139992");
}

TEST(Eligibility, RLink4_OldCardWhileNewInsurerNotLinkedIsInvalidWithTimeLag) {
  std::vector<Qualification> r = {Linked(1, "06139992", "567", "02", D(2020, 4, 1)),
                                  Linked(1, "01130012", "8888", "00", D(2025, 5, 1))};
  r[0].lost = D(2025, 5, 1);
  r[1].linkage = LinkageState::kSubmitted;
  r[1].linked_on.reset();
  auto d = DecideByInsuranceCard(Query("06139992", "567"), r, D(2025, 5, 20), kToday);
  EXPECT_EQ(d.validity, QualificationValidity::kInvalid);
  EXPECT_EQ(d.reason, EligibilityReason::kLinkagePending);
  EXPECT_TRUE(d.likely_time_lag);
}

TEST(Eligibility, MultipleMatches_TwinsWithBranchOmitted) {
  std::vector<Qualification> r = {Linked(1, "06139992", "567", "02", D(2020, 4, 1)),
                                  Linked(2, "06139992", "567", "03", D(2020, 4, 1))};
  auto d = DecideByInsuranceCard(Query("06139992", "567"), r, D(2025, 4, 1), kToday);
  EXPECT_EQ(d.validity, QualificationValidity::kMultipleMatches);
  EXPECT_EQ(d.results.size(), 2u);
  // Giving the branch number resolves it.
  EXPECT_EQ(
      DecideByInsuranceCard(Query("06139992", "567", "03"), r, D(2025, 4, 1), kToday).validity,
      QualificationValidity::kValid);
}

TEST(Eligibility, RLink2_SubmittedButNotLinkedIsNotFoundWithinLag) {
  std::vector<Qualification> r = {Linked(1, "06139992", "567", "02", D(2025, 5, 20))};
  r[0].linked_on = D(2025, 6, 3);  // scheduled after today
  auto d = DecideByInsuranceCard(Query("06139992", "567"), r, D(2025, 5, 25), kToday);
  EXPECT_EQ(d.validity, QualificationValidity::kNotFound);
  EXPECT_EQ(d.reason, EligibilityReason::kLinkagePending);
  EXPECT_TRUE(d.likely_time_lag);
  // Once the link date is reached the same query is valid.
  EXPECT_EQ(
      DecideByInsuranceCard(Query("06139992", "567"), r, D(2025, 5, 25), D(2025, 6, 3)).validity,
      QualificationValidity::kValid);
}

TEST(Eligibility, RLink4_PendingBeyondThreeMonthsIsProbablyAnError) {
  std::vector<Qualification> r = {Linked(1, "06139992", "567", "02", D(2025, 1, 10))};
  r[0].linkage = LinkageState::kProcessing;
  r[0].linked_on.reset();
  auto d = DecideByInsuranceCard(Query("06139992", "567"), r, D(2025, 5, 25), kToday);
  EXPECT_EQ(d.reason, EligibilityReason::kLinkagePending);
  EXPECT_FALSE(d.likely_time_lag);
  EXPECT_NE(d.Explanation().find("登録誤り"), std::string::npos);
}

TEST(Eligibility, RLink4_RegistrationErrorIsNotFoundAndNamesTheInsurer) {
  std::vector<Qualification> r = {Linked(1, "06139992", "567", "02", D(2025, 5, 1))};
  r[0].linkage = LinkageState::kRegistrationError;
  r[0].linked_on.reset();
  r[0].registration_error = "birth_date differs from resident registry";
  auto d = DecideByInsuranceCard(Query("06139992", "567"), r, D(2025, 5, 25), kToday);
  EXPECT_EQ(d.validity, QualificationValidity::kNotFound);
  EXPECT_EQ(d.reason, EligibilityReason::kInsurerRegistrationError);
  EXPECT_FALSE(d.likely_time_lag);
  EXPECT_EQ(EligibilityReasonCode(d.reason), "insurer_registration_error");
}

TEST(Eligibility, NotYetAcquiredOnAPastDate) {
  std::vector<Qualification> r = {Linked(1, "06139992", "567", "02", D(2024, 4, 1))};
  auto d = DecideByInsuranceCard(Query("06139992", "567"), r, D(2024, 3, 31), kToday);
  EXPECT_EQ(d.validity, QualificationValidity::kNotFound);
  EXPECT_EQ(d.reason, EligibilityReason::kNotYetAcquired);
}

TEST(Eligibility, PastDateAnswersAsOfThatDate) {
  // Valid in 2023, lost in 2024: a query for 2023 is valid even today.
  std::vector<Qualification> r = {Linked(1, "06139992", "567", "02", D(2020, 4, 1))};
  r[0].lost = D(2024, 1, 1);
  EXPECT_EQ(DecideByInsuranceCard(Query("06139992", "567"), r, D(2023, 6, 1), kToday).validity,
            QualificationValidity::kValid);
}

TEST(EligibilityByPerson, ValidPicksTheCoveringQualification) {
  std::vector<Qualification> r = {Linked(1, "06139992", "567", "02", D(2020, 4, 1)),
                                  Linked(1, "01130012", "8888", "00", D(2025, 3, 1))};
  r[0].lost = D(2025, 3, 1);
  auto d = DecideByPerson({}, r, D(2025, 4, 1), kToday);
  EXPECT_EQ(d.validity, QualificationValidity::kValid);
  ASSERT_EQ(d.results.size(), 1u);
  EXPECT_EQ(d.results[0]->insurer_number, "01130012");
}

TEST(EligibilityByPerson, RReg5_NoInsurerRegisteredIsNoRecord) {
  auto d = DecideByPerson({}, {}, D(2025, 4, 1), kToday);
  EXPECT_EQ(d.validity, QualificationValidity::kNotFound);
  EXPECT_EQ(d.reason, EligibilityReason::kNoRecord);
}

TEST(EligibilityByPerson, RLink4_JoinedButNotLinkedIsNotFoundThenInvalidAfterAJob) {
  std::vector<Qualification> fresh = {Linked(1, "06139992", "567", "02", D(2025, 5, 10))};
  fresh[0].linkage = LinkageState::kSubmitted;
  fresh[0].linked_on.reset();
  auto d = DecideByPerson({}, fresh, D(2025, 5, 20), kToday);
  EXPECT_EQ(d.validity, QualificationValidity::kNotFound);  // 資格情報なし
  EXPECT_EQ(d.reason, EligibilityReason::kLinkagePending);

  std::vector<Qualification> changed = {Linked(1, "01130012", "8888", "00", D(2020, 4, 1)),
                                        fresh[0]};
  changed[0].lost = D(2025, 5, 10);
  d = DecideByPerson({}, changed, D(2025, 5, 20), kToday);
  EXPECT_EQ(d.validity, QualificationValidity::kInvalid);  // 資格(無効)
  EXPECT_EQ(d.reason, EligibilityReason::kLinkagePending);
  ASSERT_EQ(d.results.size(), 1u);
  EXPECT_EQ(d.results[0]->insurer_number, "01130012");
}

TEST(EligibilityByPerson, LostWithNothingNewIsInvalid) {
  std::vector<Qualification> r = {Linked(1, "06139992", "567", "02", D(2020, 4, 1))};
  r[0].lost = D(2025, 1, 1);
  r[0].loss_reason = LossReason::kDeath;
  auto d = DecideByPerson({}, r, D(2025, 4, 1), kToday);
  EXPECT_EQ(d.validity, QualificationValidity::kInvalid);
  EXPECT_EQ(d.reason, EligibilityReason::kLost);
}

TEST(EligibilityByPerson, SeveralCurrentQualificationsAreEachValid) {
  // Issue 14: a card identifies the person, so every current qualification is
  // answered, each as its own result; 複数該当 ("specify the 枝番") is advice a
  // card holder cannot follow.
  std::vector<Qualification> r = {Linked(1, "06139992", "567", "02", D(2020, 4, 1)),
                                  Linked(1, "01130012", "8888", "00", D(2025, 3, 1))};
  auto d = DecideByPerson({}, r, D(2025, 4, 1), kToday);
  EXPECT_EQ(d.validity, QualificationValidity::kValid);
  EXPECT_EQ(d.reason, EligibilityReason::kValid);
  EXPECT_EQ(d.results.size(), 2u);
  EXPECT_NE(d.Explanation().find("複数"), std::string::npos);
}

// The card's state, evaluated from its facts (R-CARD-2/3/4/6, R-REG-1), gives
// the reason of the answer. Issue 21: the test passed the reason in and
// checked that it came back; now the reason comes from the card's facts
// through ToCardIdentity.
TEST(EligibilityByPerson, RCard4_BlockedCardGivesTheCardReason) {
  std::vector<Qualification> r = {Linked(1, "06139992", "567", "02", D(2020, 4, 1))};
  // Issued 2021-02-01 to someone born 1980-05-15: certificate to 2025-05-15,
  // its grace to 2025-08-31, the card to 2030-05-15.
  CardFacts base;
  base.card = {D(1980, 5, 15), D(2021, 1, 10), D(2021, 2, 1), std::nullopt};
  struct Case {
    const char* what;
    CardFacts facts;
    Date on;
    bool registered;
    EligibilityReason expected;
  };
  std::vector<Case> cases;
  cases.push_back({"certificate beyond grace", base, D(2025, 9, 1), true,
                   EligibilityReason::kCertificateExpiredBeyondGrace});
  CardFacts suspended = base;
  suspended.suspended_on = D(2025, 3, 1);
  cases.push_back({"suspended", suspended, D(2025, 3, 2), true, EligibilityReason::kCardSuspended});
  CardFacts capped = base;  // a residence period ends the card 2025-01-31
  capped.card.residence_period_end = D(2025, 1, 31);
  cases.push_back({"card expired", capped, D(2025, 5, 1), true, EligibilityReason::kCardExpired});
  CardFacts revoked = base;
  revoked.revoked_on = D(2025, 3, 1);
  cases.push_back({"revoked", revoked, D(2025, 3, 1), true, EligibilityReason::kCardRevoked});
  cases.push_back({"not registered", base, D(2025, 3, 1), false,
                   EligibilityReason::kNotRegisteredForInsuranceUse});
  for (const Case& c : cases) {
    const CardIdentity card =
        ToCardIdentity(EvaluateCardForInsurance(c.facts, c.on, IdentityCheck::kPin), c.registered);
    ASSERT_TRUE(card.blocked.has_value()) << c.what;
    auto d = DecideByPerson(card, r, c.on, c.on);
    EXPECT_EQ(d.validity, QualificationValidity::kNotFound) << c.what;
    EXPECT_EQ(d.reason, c.expected) << c.what << ": " << EligibilityReasonCode(d.reason);
    EXPECT_TRUE(d.results.empty()) << c.what;
    EXPECT_FALSE(d.Explanation().empty()) << c.what;
  }
  // The same card on a day it is usable is not blocked, and the check is valid.
  const CardIdentity usable =
      ToCardIdentity(EvaluateCardForInsurance(base, D(2025, 3, 1), IdentityCheck::kPin), true);
  EXPECT_FALSE(usable.blocked.has_value());
  EXPECT_EQ(DecideByPerson(usable, r, D(2025, 3, 1), D(2025, 3, 1)).validity,
            QualificationValidity::kValid);
}

TEST(EligibilityByPerson, RCard4_GraceIsValidButFlagsClinicalSharingOff) {
  std::vector<Qualification> r = {Linked(1, "06139992", "567", "02", D(2020, 4, 1))};
  auto d = DecideByPerson({std::nullopt, true}, r, D(2025, 4, 1), kToday);
  EXPECT_EQ(d.validity, QualificationValidity::kValid);
  EXPECT_TRUE(d.card_in_grace);
  EXPECT_NE(d.Explanation().find("猶予"), std::string::npos);
}

TEST(Membership, AttributesAreEffectiveDated) {
  Qualification q = Linked(1, "06139992", "567", "02", D(2020, 4, 1));
  q.attributes.push_back(
      {D(2024, 6, 1), "新姓　花子", "シンセイ　ハナコ", "試験　一郎", "100-0002", "東京都港区"});
  EXPECT_EQ(q.AttributesOn(D(2024, 5, 31)).name, "試験　花子");
  EXPECT_EQ(q.AttributesOn(D(2024, 6, 1)).name, "新姓　花子");
  EXPECT_EQ(q.AttributesOn(D(2019, 1, 1)).name, "試験　花子");
}

TEST(Membership, CertificatesInForceOnADate) {
  Qualification q = Linked(1, "06139992", "567", "02", D(2020, 4, 1));
  q.elderly = ElderlyRecipient{D(2024, 7, 20), D(2024, 8, 1), D(2025, 7, 31), 20};
  q.limits.push_back({1, "A03", D(2025, 3, 20), D(2025, 4, 1), D(2026, 3, 31), std::nullopt});
  q.diseases.push_back({1, D(2025, 1, 5), D(2025, 1, 1), D(2025, 12, 31), 10000});
  EXPECT_NE(q.ElderlyOn(D(2025, 7, 31)), nullptr);
  EXPECT_EQ(q.ElderlyOn(D(2025, 8, 1)), nullptr);
  EXPECT_EQ(q.LimitOn(D(2025, 3, 31)), nullptr);
  ASSERT_NE(q.LimitOn(D(2025, 4, 1)), nullptr);
  EXPECT_EQ(q.LimitOn(D(2025, 4, 1))->category_flag, "A03");
  EXPECT_EQ(q.DiseasesOn(D(2025, 6, 1)).size(), 1u);
  EXPECT_TRUE(q.DiseasesOn(D(2026, 1, 1)).empty());
}

TEST(Membership, LossReasonWireCodesRoundTrip) {
  for (LossReason r : {LossReason::kDeath, LossReason::kPublicAssistance,
                       LossReason::kOtherInsurance, LossReason::kOther}) {
    EXPECT_EQ(ParseLossReasonCode(LossReasonCode(r)), r);
  }
  EXPECT_EQ(LossReasonCode(LossReason::kOtherInsurance), "03");
  EXPECT_FALSE(ParseLossReasonCode("04").has_value());
}

}  // namespace
}  // namespace onshi

namespace onshi {
namespace {

// R-CARD-4..6, R-REG-3: what each card status means for a check.
TEST(EligibilityByPerson, CardStatusMapsToIdentity) {
  auto with = [](CardStatus s) {
    CardUsability u{};
    u.status = s;
    return u;
  };
  EXPECT_FALSE(ToCardIdentity(with(CardStatus::kUsable), true).blocked.has_value());
  EXPECT_FALSE(ToCardIdentity(with(CardStatus::kExpiringSoon), true).blocked.has_value());
  EXPECT_TRUE(ToCardIdentity(with(CardStatus::kUsableInGrace), true).in_grace);
  EXPECT_EQ(ToCardIdentity(with(CardStatus::kCertificateExpired), true).blocked,
            EligibilityReason::kCertificateExpiredBeyondGrace);
  EXPECT_EQ(ToCardIdentity(with(CardStatus::kCardExpired), true).blocked,
            EligibilityReason::kCardExpired);
  EXPECT_EQ(ToCardIdentity(with(CardStatus::kSuspended), true).blocked,
            EligibilityReason::kCardSuspended);
  EXPECT_EQ(ToCardIdentity(with(CardStatus::kRevoked), true).blocked,
            EligibilityReason::kCardRevoked);
  EXPECT_EQ(ToCardIdentity(with(CardStatus::kPinLocked), true).blocked,
            EligibilityReason::kPinLocked);
  // A usable card without 利用登録 sends the reader to registration.
  EXPECT_EQ(ToCardIdentity(with(CardStatus::kUsable), false).blocked,
            EligibilityReason::kNotRegisteredForInsuranceUse);
  // A card problem outranks the missing registration.
  EXPECT_EQ(ToCardIdentity(with(CardStatus::kSuspended), false).blocked,
            EligibilityReason::kCardSuspended);
}

}  // namespace
}  // namespace onshi

namespace onshi {
namespace {

TEST(EligibilityByPerson, RLink4_AFilingRefusedAtReceptionIsARegistrationError) {
  // Issue 14: by card as by number — no qualification, but the insurer's form
  // about this person was refused: 資格情報なし (登録エラー), not "no record".
  const Date today = Date::FromYmd(2026, 12, 3);
  auto d = DecideByPerson({}, {}, today, today, /*failed_filing=*/true);
  EXPECT_EQ(d.validity, QualificationValidity::kNotFound);
  EXPECT_EQ(d.reason, EligibilityReason::kInsurerRegistrationError);
  EXPECT_EQ(DecideByPerson({}, {}, today, today).reason, EligibilityReason::kNoRecord);
}

TEST(SmartphoneRule, RCard8_FromSeptember2025AndOnlyWhereSupported) {
  EXPECT_FALSE(SmartphoneAccepted(Date::FromYmd(2025, 8, 31), true));
  EXPECT_TRUE(SmartphoneAccepted(Date::FromYmd(2025, 9, 1), true));
  EXPECT_FALSE(SmartphoneAccepted(Date::FromYmd(2026, 12, 3), false));
  CardIdentity blocked;
  blocked.blocked = EligibilityReason::kSmartphoneNotAccepted;
  const auto d =
      DecideByPerson(blocked, {}, Date::FromYmd(2026, 12, 3), Date::FromYmd(2026, 12, 3));
  EXPECT_EQ(d.validity, QualificationValidity::kNotFound);
  EXPECT_EQ(EligibilityReasonCode(d.reason), "smartphone_not_accepted");
}

}  // namespace
}  // namespace onshi
