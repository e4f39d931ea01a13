// Which documents an insurer issues or claims back (R-DOC-1, R-DOC-4..6,
// R-DOC-8, R-DOC-10), and that planning is idempotent.
#include "core/document_rules.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace onshi {
namespace {

Date D(const char* iso) {
  return *Date::ParseIso(iso);
}
std::string Iso(Date d) {
  return d.ToIso();
}

// A member without any マイナ保険証 and without documents.
MemberDocumentFacts Member(const char* acquired) {
  MemberDocumentFacts f;
  f.acquired = D(acquired);
  return f;
}

// A member whose マイナ保険証 works until the certificate expires.
MemberDocumentFacts Holder(const char* acquired, const char* certificate_expiry = "2029-10-10") {
  MemberDocumentFacts f = Member(acquired);
  f.has_card = true;
  f.insurance_use_registered = true;
  f.certificate_expiry = D(certificate_expiry);
  return f;
}

void AddDocument(MemberDocumentFacts* f, DocumentKind kind, const char* issued,
                 std::optional<const char*> valid_until = std::nullopt) {
  ExistingDocument d;
  d.id = static_cast<int64_t>(f->documents.size()) + 1;
  d.kind = kind;
  d.issued = D(issued);
  if (valid_until) d.valid_until = D(*valid_until);
  f->documents.push_back(d);
}

void AddNotice(MemberDocumentFacts* f, const char* issued) {
  AddDocument(f, DocumentKind::kQualificationNotice, issued);
}

// Carries out `actions` on `on` as the insurer would, recording the result.
void Apply(MemberDocumentFacts* f, const std::vector<DocumentAction>& actions, Date on) {
  for (const DocumentAction& a : actions) {
    ExistingDocument d;
    d.id = static_cast<int64_t>(f->documents.size()) + 1;
    d.issued = on;
    d.valid_until = a.valid_until;
    switch (a.kind) {
      case ActionKind::kIssueNotice:
        d.kind = DocumentKind::kQualificationNotice;
        break;
      case ActionKind::kIssueCertificate:
        d.kind = DocumentKind::kCertificate;
        break;
      case ActionKind::kIssueShortTermCertificate:
        d.kind = DocumentKind::kShortTermCertificate;
        break;
      case ActionKind::kRequestReturn:
        for (ExistingDocument& e : f->documents) {
          if (e.id == *a.document_id) e.return_requested_on = on;
        }
        continue;
    }
    f->documents.push_back(d);
  }
}

std::vector<DocumentAction> Plan(const MemberDocumentFacts& f, const char* on,
                                 const InsurerDocumentPolicy& policy = {}) {
  return PlanDocuments(f, policy, D(on));
}

// The single certificate action in `actions`, or a failure.
DocumentAction OnlyCertificate(const std::vector<DocumentAction>& actions) {
  EXPECT_EQ(actions.size(), 1u);
  if (actions.empty()) return DocumentAction{};
  EXPECT_NE(actions[0].kind, ActionKind::kIssueNotice);
  return actions[0];
}

// ------------------------------------------------------------- R-DOC-1

TEST(DocumentRules, RDoc1_EveryNewMemberGetsNoticeAutomatically) {
  const std::vector<DocumentAction> a = Plan(Holder("2026-04-01"), "2026-04-01");
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].kind, ActionKind::kIssueNotice);
  EXPECT_EQ(a[0].reason, ActionReason::kNewMember);
  EXPECT_EQ(Iso(a[0].due), "2026-04-01");
  EXPECT_FALSE(a[0].valid_until.has_value());  // a notice has no expiry
}

TEST(DocumentRules, RDoc1_NoticeIsNotIssuedTwice) {
  MemberDocumentFacts f = Holder("2026-04-01");
  Apply(&f, Plan(f, "2026-04-03"), D("2026-04-03"));
  EXPECT_TRUE(Plan(f, "2026-04-03").empty());
  EXPECT_TRUE(Plan(f, "2027-01-01").empty());
}

TEST(DocumentRules, RDoc1_NoticeReissuedOnLossOncePerReport) {
  MemberDocumentFacts f = Holder("2026-04-01");
  AddNotice(&f, "2026-04-02");
  f.notice_loss_reported_on = D("2026-06-10");
  EXPECT_TRUE(Plan(f, "2026-06-09").empty());
  const std::vector<DocumentAction> a = Plan(f, "2026-06-12");
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].kind, ActionKind::kIssueNotice);
  EXPECT_EQ(a[0].reason, ActionReason::kNoticeLost);
  EXPECT_EQ(Iso(a[0].due), "2026-06-10");
  Apply(&f, a, D("2026-06-12"));
  EXPECT_TRUE(Plan(f, "2026-06-12").empty());
}

// ------------------------------------------------------------- R-DOC-4

TEST(DocumentRules, RDoc4_ExOfficioBeforeOldCardExpires) {
  MemberDocumentFacts f = Member("2015-04-01");
  AddNotice(&f, "2024-09-15");
  f.legacy_card_last_usable = D("2025-12-01");
  // 60 days of lead (the default): nothing on 2025-10-01, planned from 2025-10-02.
  EXPECT_TRUE(Plan(f, "2025-10-01").empty());
  const DocumentAction a = OnlyCertificate(Plan(f, "2025-10-02"));
  EXPECT_EQ(a.kind, ActionKind::kIssueCertificate);
  EXPECT_EQ(a.reason, ActionReason::kCannotUseMynaHokensho);
  EXPECT_EQ(Iso(a.due), "2025-12-01");
  EXPECT_EQ(Iso(*a.valid_until), "2030-10-01");
}

TEST(DocumentRules, RDoc4_CardWithoutInsuranceRegistrationCounts) {
  MemberDocumentFacts f = Holder("2015-04-01");
  f.insurance_use_registered = false;
  AddNotice(&f, "2024-09-15");
  f.legacy_card_last_usable = D("2025-12-01");
  EXPECT_EQ(OnlyCertificate(Plan(f, "2025-11-01")).reason, ActionReason::kCannotUseMynaHokensho);
  f.insurance_use_registered = true;
  EXPECT_TRUE(Plan(f, "2025-11-01").empty());  // マイナ保険証 holder: nothing
}

TEST(DocumentRules, RDoc4_CertificateRenewedBeforeItLapses) {
  MemberDocumentFacts f = Member("2020-04-01");
  AddNotice(&f, "2024-09-15");
  AddDocument(&f, DocumentKind::kCertificate, "2025-10-01", "2030-09-30");
  EXPECT_TRUE(Plan(f, "2030-07-31").empty());
  const DocumentAction a = OnlyCertificate(Plan(f, "2030-08-01"));
  EXPECT_EQ(a.reason, ActionReason::kCannotUseMynaHokensho);
  EXPECT_EQ(Iso(a.due), "2030-09-30");
}

// ------------------------------------------------------------- R-DOC-5

TEST(DocumentRules, RDoc5_RequestTickIssuesAtOnce) {
  MemberDocumentFacts f = Member("2026-04-01");
  f.certificate_requested = true;
  AddNotice(&f, "2026-04-01");
  const DocumentAction a = OnlyCertificate(Plan(f, "2026-04-02"));
  EXPECT_EQ(a.kind, ActionKind::kIssueCertificate);
  EXPECT_EQ(a.reason, ActionReason::kRequestedOnForm);
  EXPECT_EQ(Iso(a.due), "2026-04-01");
  Apply(&f, {a}, D("2026-04-02"));
  EXPECT_TRUE(Plan(f, "2026-04-02").empty());
}

TEST(DocumentRules, RDoc5_NoTickNoMynaWaitsThirtyToFiftyDays) {
  MemberDocumentFacts f = Member("2026-04-01");
  AddNotice(&f, "2026-04-01");
  EXPECT_TRUE(Plan(f, "2026-04-30").empty());                       // day 29
  const DocumentAction a = OnlyCertificate(Plan(f, "2026-05-01"));  // day 30
  EXPECT_EQ(a.reason, ActionReason::kNoMynaAfterAcquisition);
  EXPECT_EQ(Iso(a.due), "2026-05-21");  // day 50
  EXPECT_EQ(OnlyCertificate(Plan(f, "2026-05-21")).reason, ActionReason::kNoMynaAfterAcquisition);
  // Missed the window: now the general R-DOC-4 case, due at once.
  const DocumentAction late = OnlyCertificate(Plan(f, "2026-05-22"));
  EXPECT_EQ(late.reason, ActionReason::kCannotUseMynaHokensho);
  EXPECT_EQ(Iso(late.due), "2026-05-22");
}

TEST(DocumentRules, RDoc5_WindowIsAnInsurerSetting) {
  MemberDocumentFacts f = Member("2026-04-01");
  AddNotice(&f, "2026-04-01");
  InsurerDocumentPolicy p;
  p.no_myna_first_day = 20;
  p.no_myna_last_day = 40;
  EXPECT_TRUE(Plan(f, "2026-04-20", p).empty());
  EXPECT_EQ(Iso(OnlyCertificate(Plan(f, "2026-04-21", p)).due), "2026-05-11");
}

TEST(DocumentRules, RDoc5_MemberWhoRegisteredMeanwhileGetsNothing) {
  MemberDocumentFacts f = Holder("2026-04-01");
  AddNotice(&f, "2026-04-01");
  EXPECT_TRUE(Plan(f, "2026-05-10").empty());
}

TEST(DocumentRules, RDoc5_CardLostShortTermCertificateForTwoMonths) {
  MemberDocumentFacts f = Holder("2020-04-01");
  AddNotice(&f, "2024-09-15");
  f.has_card = false;  // suspended by the hotline
  f.card_loss_applied_on = D("2026-06-10");
  const DocumentAction a = OnlyCertificate(Plan(f, "2026-06-10"));
  EXPECT_EQ(a.kind, ActionKind::kIssueShortTermCertificate);
  EXPECT_EQ(a.reason, ActionReason::kCardLost);
  EXPECT_EQ(Iso(a.due), "2026-06-10");
  EXPECT_EQ(Iso(*a.valid_until), "2026-08-09");
  Apply(&f, {a}, D("2026-06-10"));
  EXPECT_TRUE(Plan(f, "2026-06-10").empty());
  EXPECT_TRUE(Plan(f, "2026-08-09").empty());  // the bridge still holds
  // Still no new card when the bridge lapses: the ex officio certificate.
  const DocumentAction after = OnlyCertificate(Plan(f, "2026-08-10"));
  EXPECT_EQ(after.kind, ActionKind::kIssueCertificate);
  EXPECT_EQ(after.reason, ActionReason::kCannotUseMynaHokensho);
  EXPECT_EQ(Iso(after.due), "2026-08-09");
}

TEST(DocumentRules, RDoc5_NoShortTermWhenARegularCertificateIsValid) {
  MemberDocumentFacts f = Member("2020-04-01");
  AddNotice(&f, "2024-09-15");
  AddDocument(&f, DocumentKind::kCertificate, "2025-10-01", "2030-09-30");
  f.card_loss_applied_on = D("2026-06-10");
  EXPECT_TRUE(Plan(f, "2026-06-10").empty());
}

TEST(DocumentRules, RDoc5_CertificateExpiredExOfficioDueAtGraceEnd) {
  MemberDocumentFacts f = Holder("2020-04-01", "2026-02-10");
  AddNotice(&f, "2024-09-15");
  EXPECT_TRUE(Plan(f, "2026-02-10").empty());
  const DocumentAction a = OnlyCertificate(Plan(f, "2026-02-11"));  // in grace (R-CARD-4)
  EXPECT_EQ(a.kind, ActionKind::kIssueCertificate);
  EXPECT_EQ(a.reason, ActionReason::kCertificateExpired);
  EXPECT_EQ(Iso(a.due), "2026-05-31");
  EXPECT_EQ(OnlyCertificate(Plan(f, "2026-07-01")).reason, ActionReason::kCertificateExpired);
  Apply(&f, {a}, D("2026-02-11"));
  EXPECT_TRUE(Plan(f, "2026-02-11").empty());
  EXPECT_TRUE(Plan(f, "2026-07-01").empty());
}

// ------------------------------------------------------------- R-DOC-6

TEST(DocumentRules, RDoc6_ValidityAtMostFiveYearsInsurerMayShorten) {
  MemberDocumentFacts f = Member("2026-04-01");
  f.certificate_requested = true;
  AddNotice(&f, "2026-04-01");
  EXPECT_EQ(Iso(*OnlyCertificate(Plan(f, "2026-04-02")).valid_until), "2031-04-01");
  InsurerDocumentPolicy three;
  three.certificate_validity_years = 3;
  EXPECT_EQ(Iso(*OnlyCertificate(Plan(f, "2026-04-02", three)).valid_until), "2029-04-01");
  InsurerDocumentPolicy too_long;
  too_long.certificate_validity_years = 9;
  EXPECT_EQ(Iso(*OnlyCertificate(Plan(f, "2026-04-02", too_long)).valid_until), "2031-04-01");
}

TEST(DocumentRules, RDoc6_PolicyCheckReportsTheField) {
  EXPECT_FALSE(CheckDocumentPolicy(InsurerDocumentPolicy{}).has_value());
  InsurerDocumentPolicy p;
  p.certificate_validity_years = 6;
  EXPECT_EQ(CheckDocumentPolicy(p)->field, "certificate_validity_years");
  p = {};
  p.certificate_validity_years = 0;
  EXPECT_EQ(CheckDocumentPolicy(p)->field, "certificate_validity_years");
  p = {};
  p.no_myna_first_day = 60;  // after the last day (50)
  EXPECT_EQ(CheckDocumentPolicy(p)->field, "no_myna_first_day");
  p = {};
  p.ex_officio_lead_days = -1;
  EXPECT_EQ(CheckDocumentPolicy(p)->field, "ex_officio_lead_days");
}

// ------------------------------------------------------------- R-DOC-8

TEST(DocumentRules, RDoc8_HolderRequestDependsOnInsurerSetting) {
  MemberDocumentFacts f = Holder("2026-04-01");
  f.certificate_requested = true;
  AddNotice(&f, "2026-04-01");
  EXPECT_EQ(OnlyCertificate(Plan(f, "2026-04-02")).reason, ActionReason::kRequestedOnForm);
  InsurerDocumentPolicy koa;
  koa.holders_can_request_certificate = false;
  EXPECT_TRUE(Plan(f, "2026-04-02", koa).empty());
  // A member without マイナ保険証 still gets it under the same setting.
  MemberDocumentFacts g = Member("2026-04-01");
  g.certificate_requested = true;
  AddNotice(&g, "2026-04-01");
  EXPECT_EQ(OnlyCertificate(Plan(g, "2026-04-02", koa)).reason, ActionReason::kRequestedOnForm);
}

// ------------------------------------------------------------- R-DOC-10

TEST(DocumentRules, RDoc10_ValidCertificateMustBeReturnedExpiredNeedNot) {
  MemberDocumentFacts f = Member("2020-04-01");
  AddNotice(&f, "2024-09-15");                                                       // id 1
  AddDocument(&f, DocumentKind::kShortTermCertificate, "2025-01-10", "2025-03-09");  // id 2
  AddDocument(&f, DocumentKind::kCertificate, "2025-10-01", "2030-09-30");           // id 3
  AddDocument(&f, DocumentKind::kShortTermCertificate, "2027-02-01", "2027-03-31");  // id 4
  AddDocument(&f, DocumentKind::kShortTermCertificate, "2027-02-02", "2027-04-01");  // id 5
  f.membership_lost = D("2027-04-01");
  EXPECT_TRUE(Plan(f, "2027-03-31").empty());
  const std::vector<DocumentAction> a = Plan(f, "2027-04-01");
  // id 4 lapsed the day before the loss day; id 5 is still valid on it.
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].kind, ActionKind::kRequestReturn);
  EXPECT_EQ(a[0].reason, ActionReason::kMembershipLost);
  EXPECT_EQ(*a[0].document_id, 3);
  EXPECT_EQ(Iso(a[0].due), "2027-04-01");
  EXPECT_EQ(*a[1].document_id, 5);
  Apply(&f, a, D("2027-04-02"));
  EXPECT_TRUE(Plan(f, "2027-04-02").empty());
}

TEST(DocumentRules, RDoc10_ReturnedCertificateAndFormerMemberGetNothingMore) {
  MemberDocumentFacts f = Member("2020-04-01");
  AddDocument(&f, DocumentKind::kCertificate, "2025-10-01", "2030-09-30");
  f.documents[0].returned_on = D("2027-03-20");
  f.membership_lost = D("2027-04-01");
  f.notice_loss_reported_on = D("2027-04-05");  // no notice and a lost one: still nothing
  EXPECT_TRUE(Plan(f, "2027-04-10").empty());
}

// ------------------------------------------------------------- general

TEST(DocumentRules, NothingBeforeAcquisition) {
  EXPECT_TRUE(Plan(Member("2026-04-01"), "2026-03-31").empty());
}

TEST(DocumentRules, ReasonsCiteTheirRule) {
  EXPECT_EQ(RuleOf(ActionReason::kNewMember), "R-DOC-1");
  EXPECT_EQ(RuleOf(ActionReason::kNoticeLost), "R-DOC-1");
  EXPECT_EQ(RuleOf(ActionReason::kCannotUseMynaHokensho), "R-DOC-4");
  EXPECT_EQ(RuleOf(ActionReason::kRequestedOnForm), "R-DOC-5");
  EXPECT_EQ(RuleOf(ActionReason::kNoMynaAfterAcquisition), "R-DOC-5");
  EXPECT_EQ(RuleOf(ActionReason::kCardLost), "R-DOC-5");
  EXPECT_EQ(RuleOf(ActionReason::kCertificateExpired), "R-DOC-5");
  EXPECT_EQ(RuleOf(ActionReason::kMembershipLost), "R-DOC-10");
}

TEST(DocumentRules, OneCertificateEvenWhenSeveralReasonsApply) {
  // Ticked, certificate expired and old card lapsing: one certificate.
  MemberDocumentFacts f = Holder("2025-11-01", "2026-02-10");
  f.certificate_requested = true;
  f.legacy_card_last_usable = D("2025-12-01");
  const std::vector<DocumentAction> a = Plan(f, "2026-02-20");
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].kind, ActionKind::kIssueNotice);
  EXPECT_EQ(a[1].reason, ActionReason::kRequestedOnForm);
}

// Idempotence: on every day of a member's life, carrying out the plan and
// planning again the same day yields nothing; over six years a member who
// never gets a card receives one notice, one first certificate and one renewal.
TEST(DocumentRules, PlanIsIdempotentDayByDay) {
  MemberDocumentFacts f = Member("2026-01-10");
  std::vector<DocumentAction> log;
  for (Date on = D("2026-01-10"); on <= D("2032-01-10"); on = on.AddDays(1)) {
    const std::vector<DocumentAction> a = PlanDocuments(f, {}, on);
    ASSERT_EQ(a, PlanDocuments(f, {}, on)) << on.ToIso();  // deterministic
    Apply(&f, a, on);
    ASSERT_TRUE(PlanDocuments(f, {}, on).empty()) << on.ToIso();
    log.insert(log.end(), a.begin(), a.end());
  }
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[0].reason, ActionReason::kNewMember);
  EXPECT_EQ(log[1].reason, ActionReason::kNoMynaAfterAcquisition);
  EXPECT_EQ(Iso(f.documents[1].issued), "2026-02-09");  // day 30
  EXPECT_EQ(Iso(*f.documents[1].valid_until), "2031-02-08");
  EXPECT_EQ(log[2].reason, ActionReason::kCannotUseMynaHokensho);
  EXPECT_EQ(Iso(f.documents[2].issued), "2030-12-10");  // 60 days before 2031-02-08
}

TEST(DocumentRules, PlanIsIdempotentAcrossScenarios) {
  std::vector<MemberDocumentFacts> scenarios;
  scenarios.push_back(Holder("2025-06-01", "2026-02-10"));
  MemberDocumentFacts lost = Holder("2025-06-01");
  lost.has_card = false;
  lost.card_loss_applied_on = D("2026-03-01");
  lost.notice_loss_reported_on = D("2026-03-01");
  scenarios.push_back(lost);
  MemberDocumentFacts legacy = Member("2019-06-01");
  legacy.legacy_card_last_usable = D("2025-12-01");
  legacy.certificate_requested = true;
  scenarios.push_back(legacy);
  MemberDocumentFacts leaver = Member("2025-06-01");
  leaver.membership_lost = D("2026-09-01");
  scenarios.push_back(leaver);
  for (MemberDocumentFacts& f : scenarios) {
    for (Date on = D("2025-06-01"); on <= D("2027-06-01"); on = on.AddDays(1)) {
      Apply(&f, PlanDocuments(f, {}, on), on);
      ASSERT_TRUE(PlanDocuments(f, {}, on).empty()) << on.ToIso();
    }
  }
  // The leaver got a certificate at day 30 and was asked to return it.
  const ExistingDocument& c = scenarios[3].documents[1];
  EXPECT_EQ(c.kind, DocumentKind::kCertificate);
  EXPECT_EQ(Iso(*c.return_requested_on), "2026-09-01");
}

}  // namespace
}  // namespace onshi
