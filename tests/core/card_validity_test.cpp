// My Number card and certificate validity, grace, PIN and suspension
// (R-CARD-2..6, R-FAC-2/3).
#include "core/card_validity.hpp"

#include <gtest/gtest.h>

#include <string>

namespace onshi {
namespace {

Date D(const char* iso) {
  return *Date::ParseIso(iso);
}
std::string Iso(Date d) {
  return d.ToIso();
}

CardIssuance Card(const char* birth, const char* applied, const char* issued) {
  return CardIssuance{D(birth), D(applied), D(issued), std::nullopt};
}

// ------------------------------------------------------------- R-CARD-2

TEST(CardValidity, RCard2_AdultGetsTenthBirthday) {
  EXPECT_EQ(Iso(CardExpiry(Card("1985-10-10", "2020-04-20", "2020-05-15"))), "2029-10-10");
}

TEST(CardValidity, RCard2_Under18AtIssuanceGetsFifthBirthday) {
  // 12 at issuance: 2023-06-01 (1st) … 2027-06-01 (5th).
  EXPECT_EQ(Iso(CardExpiry(Card("2010-06-01", "2023-01-10", "2023-02-01"))), "2027-06-01");
}

TEST(CardValidity, RCard2_EighteenthBirthdayOnIssueDayIsAdult) {
  // Aged 18 for the whole 18th birthday; that birthday itself is not counted.
  EXPECT_EQ(Iso(CardExpiry(Card("2005-02-01", "2023-01-05", "2023-02-01"))), "2033-02-01");
  // A day earlier the holder is still 17.
  EXPECT_EQ(Iso(CardExpiry(Card("2005-02-01", "2023-01-05", "2023-01-31"))), "2027-02-01");
}

// R-CARD-2: applications received before 2022-04-01 read "under 20".
TEST(CardValidity, RCard2_NineteenYearOldBeforeReformGetsFifthBirthday) {
  EXPECT_EQ(ShortValidityAgeLimit(D("2022-03-31")), 20);
  EXPECT_EQ(ShortValidityAgeLimit(D("2022-04-01")), 18);
  // Aged 19 at issuance (2022-04-20). Application received 2022-03-31: under 20 → 5th birthday.
  EXPECT_EQ(Iso(CardExpiry(Card("2002-08-01", "2022-03-31", "2022-04-20"))), "2026-08-01");
  // Received 2022-04-01: not under 18 → 10th birthday.
  EXPECT_EQ(Iso(CardExpiry(Card("2002-08-01", "2022-04-01", "2022-04-20"))), "2031-08-01");
}

TEST(CardValidity, RCard2_LeapDayHolderExpiresOnTwentyEighth) {
  EXPECT_EQ(Iso(CardExpiry(Card("1980-02-29", "2020-02-01", "2020-03-02"))), "2030-02-28");
}

TEST(CardValidity, RCard2_ForeignResidentCappedByResidencePeriod) {
  CardIssuance c = Card("1990-07-07", "2024-01-05", "2024-02-01");
  c.residence_period_end = D("2026-09-30");
  EXPECT_EQ(Iso(CardExpiry(c)), "2026-09-30");
  c.residence_period_end = D("2040-01-01");
  EXPECT_EQ(Iso(CardExpiry(c)), "2033-07-07");
}

// ------------------------------------------------------------- R-CARD-3

TEST(CardValidity, RCard3_CertificateFifthBirthdayWhateverTheAge) {
  EXPECT_EQ(Iso(CertificateExpiry(D("1985-10-10"), D("2020-05-15"), D("2029-10-10"))),
            "2024-10-10");
  // Renewed on 2024-09-01, inside the 3-month window but before the birthday:
  // 2024-10-10 is already the first of the five, so early renewal costs a year.
  EXPECT_EQ(Iso(CertificateExpiry(D("1985-10-10"), D("2024-09-01"), D("2029-10-10"))),
            "2028-10-10");
  // Renewed on the expiry day (a birthday, not counted): five full years.
  EXPECT_EQ(Iso(CertificateExpiry(D("1985-10-10"), D("2024-10-10"), D("2029-10-10"))),
            "2029-10-10");
}

TEST(CardValidity, RCard3_CertificateNeverOutlivesTheCard) {
  EXPECT_EQ(Iso(CertificateExpiry(D("1985-10-10"), D("2024-09-01"), D("2027-01-31"))),
            "2027-01-31");
}

// ------------------------------------------------------------- R-CARD-4

TEST(CardValidity, RCard4_GraceEndsAtEndOfThirdMonthAfterExpiryMonth) {
  EXPECT_EQ(Iso(*InsuranceGraceEnd(D("2025-02-10"))), "2025-05-31");  // Feb → end of May
  EXPECT_EQ(Iso(*InsuranceGraceEnd(D("2025-02-28"))), "2025-05-31");
  EXPECT_EQ(Iso(*InsuranceGraceEnd(D("2025-12-15"))), "2026-03-31");  // crosses the year
  EXPECT_EQ(Iso(*InsuranceGraceEnd(D("2025-01-31"))), "2025-04-30");  // month end → shorter month
  EXPECT_EQ(Iso(*InsuranceGraceEnd(D("2025-11-30"))), "2026-02-28");
  EXPECT_EQ(Iso(*InsuranceGraceEnd(D("2027-11-30"))), "2028-02-29");  // leap February
}

TEST(CardValidity, RCard4_NoGraceForExpiriesBeforeDecember2024) {
  EXPECT_FALSE(InsuranceGraceEnd(D("2024-12-01")).has_value());
  EXPECT_EQ(Iso(*InsuranceGraceEnd(D("2024-12-02"))), "2025-03-31");
}

TEST(CardValidity, RCard4_RenewalOpensThreeMonthsBefore) {
  EXPECT_EQ(Iso(RenewalOpensOn(D("2030-10-10"))), "2030-07-10");
  EXPECT_EQ(Iso(RenewalOpensOn(D("2030-05-31"))), "2030-02-28");
  const DateRange notice = RenewalNoticePeriod(D("2030-10-10"));
  EXPECT_EQ(Iso(notice.first), "2030-07-10");
  EXPECT_EQ(Iso(notice.last), "2030-08-10");
  EXPECT_TRUE(notice.Contains(D("2030-08-01")));
  EXPECT_FALSE(notice.Contains(D("2030-08-11")));
}

// ------------------------------------------------------------- R-CARD-5

TEST(CardValidity, RCard5_PinFormatExactlyFourAsciiDigits) {
  EXPECT_FALSE(CheckAuthPinFormat("0000").has_value());
  EXPECT_FALSE(CheckAuthPinFormat("9271").has_value());
  for (const char* bad : {"", "123", "12345", "12a4", "12 4", "-123", "１２３４"}) {
    const std::optional<Error> e = CheckAuthPinFormat(bad);
    ASSERT_TRUE(e.has_value()) << bad;
    EXPECT_EQ(e->field, "pin");
    EXPECT_FALSE(e->message.empty());
  }
  EXPECT_NE(CheckAuthPinFormat("１２３４")->message.find("half-width"), std::string::npos);
}

TEST(CardValidity, RCard5_PinErrorNeverEchoesThePin) {
  EXPECT_EQ(CheckAuthPinFormat("98765")->message.find("98765"), std::string::npos);
  EXPECT_EQ(CheckAuthPinFormat("98x6")->message.find("98x6"), std::string::npos);
}

TEST(CardValidity, RCard5_ThreeConsecutiveWrongPinsLock) {
  PinCounter pin;
  PinVerification v = pin.Verify(false);
  EXPECT_EQ(v.outcome, PinOutcome::kRejected);
  EXPECT_EQ(v.tries_left, 2);
  EXPECT_FALSE(v.locked);
  v = pin.Verify(false);
  EXPECT_EQ(v.tries_left, 1);
  v = pin.Verify(false);
  EXPECT_EQ(v.outcome, PinOutcome::kRejected);
  EXPECT_EQ(v.tries_left, 0);
  EXPECT_TRUE(v.locked);
  EXPECT_TRUE(pin.locked());
  // Locked: even the right PIN is not tried.
  v = pin.Verify(true);
  EXPECT_EQ(v.outcome, PinOutcome::kBlocked);
  EXPECT_TRUE(v.locked);
}

TEST(CardValidity, RCard5_CorrectPinResetsTheCount) {
  PinCounter pin;
  pin.Verify(false);
  pin.Verify(false);
  const PinVerification v = pin.Verify(true);
  EXPECT_EQ(v.outcome, PinOutcome::kAccepted);
  EXPECT_EQ(v.tries_left, 3);
  pin.Verify(false);
  pin.Verify(false);
  EXPECT_FALSE(pin.locked());  // not consecutive with the first two
}

TEST(CardValidity, RCard5_OnlyMunicipalityUnlocks) {
  PinCounter pin = PinCounter::FromFailures(3);
  ASSERT_TRUE(pin.locked());
  pin.ResetByMunicipality();
  EXPECT_FALSE(pin.locked());
  EXPECT_EQ(pin.tries_left(), 3);
  EXPECT_EQ(pin.Verify(true).outcome, PinOutcome::kAccepted);
  EXPECT_EQ(PinCounter::FromFailures(7).consecutive_failures(), 3);
  EXPECT_EQ(PinCounter::FromFailures(-1).consecutive_failures(), 0);
}

// ------------------------------------------------------------- decision

// Adult card issued 2021-05-15, birthday 10 Oct: certificate to 2025-10-10
// (grace to 2026-01-31), card to 2030-10-10.
CardFacts AdultCard() {
  CardFacts f;
  f.card = Card("1985-10-10", "2021-04-20", "2021-05-15");
  return f;
}

CardStatus StatusOn(const CardFacts& f, const char* on,
                    IdentityCheck method = IdentityCheck::kFaceRecognition) {
  return EvaluateCardForInsurance(f, D(on), method).status;
}

TEST(CardValidity, UsableCardSharesClinicalInfo) {
  const CardUsability u =
      EvaluateCardForInsurance(AdultCard(), D("2022-01-01"), IdentityCheck::kPin);
  EXPECT_EQ(u.status, CardStatus::kUsable);
  EXPECT_TRUE(u.usable());
  EXPECT_TRUE(u.clinical_info_sharing);
  EXPECT_EQ(Iso(u.card_expiry), "2030-10-10");
  EXPECT_EQ(Iso(u.certificate_expiry), "2025-10-10");
}

TEST(CardValidity, RCard4_ExpiringSoonWithinThreeMonths) {
  EXPECT_EQ(StatusOn(AdultCard(), "2025-07-09"), CardStatus::kUsable);
  EXPECT_EQ(StatusOn(AdultCard(), "2025-07-10"), CardStatus::kExpiringSoon);
  EXPECT_EQ(StatusOn(AdultCard(), "2025-10-10"), CardStatus::kExpiringSoon);  // last valid day
  EXPECT_TRUE(EvaluateCardForInsurance(AdultCard(), D("2025-10-10"), IdentityCheck::kPin)
                  .clinical_info_sharing);
}

TEST(CardValidity, RCard4_GraceKeepsEligibilityButStopsClinicalSharing) {
  const CardUsability u =
      EvaluateCardForInsurance(AdultCard(), D("2025-10-11"), IdentityCheck::kPin);
  EXPECT_EQ(u.status, CardStatus::kUsableInGrace);
  EXPECT_TRUE(u.usable());
  EXPECT_FALSE(u.clinical_info_sharing);
  ASSERT_TRUE(u.grace_end.has_value());
  EXPECT_EQ(Iso(*u.grace_end), "2026-01-31");
  EXPECT_EQ(StatusOn(AdultCard(), "2026-01-31"), CardStatus::kUsableInGrace);
}

TEST(CardValidity, RCard4_CertificateExpiredBeyondGrace) {
  const CardUsability u =
      EvaluateCardForInsurance(AdultCard(), D("2026-02-01"), IdentityCheck::kPin);
  EXPECT_EQ(u.status, CardStatus::kCertificateExpired);
  EXPECT_FALSE(u.usable());
  EXPECT_FALSE(u.clinical_info_sharing);
}

TEST(CardValidity, RCard4_ExpiryBeforeDecember2024HasNoGrace) {
  CardFacts f;
  f.card = Card("1985-10-10", "2020-04-20", "2020-05-15");  // certificate to 2024-10-10
  const CardUsability u = EvaluateCardForInsurance(f, D("2024-10-11"), IdentityCheck::kPin);
  EXPECT_EQ(u.status, CardStatus::kCertificateExpired);
  EXPECT_FALSE(u.grace_end.has_value());
}

TEST(CardValidity, RCard3_RenewedCertificateIsUsableAgain) {
  CardFacts f = AdultCard();
  f.certificate_issued = D("2026-03-01");
  EXPECT_EQ(StatusOn(f, "2026-03-01"), CardStatus::kUsable);
  EXPECT_EQ(
      Iso(EvaluateCardForInsurance(f, D("2026-03-01"), IdentityCheck::kPin).certificate_expiry),
      "2030-10-10");
}

TEST(CardValidity, RCard4_CardExpiryAlsoGetsGraceThenCardExpired) {
  CardFacts f = AdultCard();
  f.certificate_issued = D("2025-10-10");  // renewed on its expiry day: now ends with the card
  EXPECT_EQ(StatusOn(f, "2030-10-11"), CardStatus::kUsableInGrace);
  EXPECT_EQ(StatusOn(f, "2031-01-31"), CardStatus::kUsableInGrace);
  EXPECT_EQ(StatusOn(f, "2031-02-01"), CardStatus::kCardExpired);
}

TEST(CardValidity, RCard6_SuspendedAtOnceResumedOnlyAtWindow) {
  CardFacts f = AdultCard();
  f.suspended_on = D("2022-03-10");
  EXPECT_EQ(StatusOn(f, "2022-03-09"), CardStatus::kUsable);
  EXPECT_EQ(StatusOn(f, "2022-03-10"), CardStatus::kSuspended);  // the same day
  f.resumed_on = D("2022-03-20");
  EXPECT_EQ(StatusOn(f, "2022-03-19"), CardStatus::kSuspended);
  EXPECT_EQ(StatusOn(f, "2022-03-20"), CardStatus::kUsable);
  // A resumption older than the suspension does not lift it.
  f.suspended_on = D("2022-06-01");
  EXPECT_EQ(StatusOn(f, "2022-06-02"), CardStatus::kSuspended);
}

TEST(CardValidity, RCard6_RevokedCardNeverWorksAgain) {
  CardFacts f = AdultCard();
  f.suspended_on = D("2022-03-10");
  f.revoked_on = D("2022-03-15");
  f.resumed_on = D("2022-03-20");
  EXPECT_EQ(StatusOn(f, "2022-03-12"), CardStatus::kSuspended);
  EXPECT_EQ(StatusOn(f, "2022-03-15"), CardStatus::kRevoked);
  EXPECT_EQ(StatusOn(f, "2023-01-01"), CardStatus::kRevoked);
  f.certificate_issued = D("2022-04-01");  // a "renewal" cannot revive it either
  EXPECT_EQ(StatusOn(f, "2022-04-01"), CardStatus::kRevoked);
}

// R-CARD-5 with R-FAC-2/3: a locked PIN blocks only the PIN mode.
TEST(CardValidity, RCard5_PinLockBlocksPinModeOnly) {
  CardFacts f = AdultCard();
  f.auth_pin = PinCounter::FromFailures(3);
  EXPECT_EQ(StatusOn(f, "2022-01-01", IdentityCheck::kPin), CardStatus::kPinLocked);
  EXPECT_FALSE(EvaluateCardForInsurance(f, D("2022-01-01"), IdentityCheck::kPin).usable());
  EXPECT_EQ(StatusOn(f, "2022-01-01", IdentityCheck::kFaceRecognition), CardStatus::kUsable);
  EXPECT_EQ(StatusOn(f, "2022-01-01", IdentityCheck::kVisual), CardStatus::kUsable);
  EXPECT_EQ(StatusOn(f, "2025-10-11", IdentityCheck::kVisual), CardStatus::kUsableInGrace);
  // Harder failures take precedence over the lock.
  EXPECT_EQ(StatusOn(f, "2026-02-01", IdentityCheck::kPin), CardStatus::kCertificateExpired);
}

TEST(CardValidity, QueryBeforeIssueIsReported) {
  EXPECT_EQ(StatusOn(AdultCard(), "2021-05-14"), CardStatus::kNotYetIssued);
  EXPECT_EQ(StatusOn(AdultCard(), "2021-05-15"), CardStatus::kUsable);
}

}  // namespace
}  // namespace onshi
