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

// An old 健康保険証 issued on `issued`, with the expiry printed on it if any.
void AddLegacyCard(MemberDocumentFacts* f, const char* issued,
                   std::optional<const char*> printed_expiry = std::nullopt) {
  AddDocument(f, DocumentKind::kLegacyCard, issued, printed_expiry);
}

// Whether a return request for document `id` is on record, and its date.
std::optional<Date> ReturnRequestedOn(const MemberDocumentFacts& f, int64_t id) {
  for (const ExistingDocument& d : f.documents) {
    if (d.kind == DocumentKind::kReturnRequest && d.subject_id == id) return d.issued;
  }
  return std::nullopt;
}

// Carries out `actions` on `on` as the insurer would, recording the result.
void Apply(MemberDocumentFacts* f, const std::vector<DocumentAction>& actions, Date on) {
  for (const DocumentAction& a : actions) {
    ExistingDocument d;
    d.id = static_cast<int64_t>(f->documents.size()) + 1;
    d.issued = on;
    d.valid_until = a.valid_until;
    d.kind = IssuedKind(a.kind);
    d.form = a.form;
    d.subject_id = a.document_id;
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
  AddLegacyCard(&f, "2015-04-01");
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
  AddLegacyCard(&f, "2015-04-01");
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
  f.certificate_requested_on = f.acquired;
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
  AddDocument(&f, DocumentKind::kRenewalNotice, "2025-11-10", "2026-02-10");  // R-CARD-4, sent
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
  f.certificate_requested_on = f.acquired;
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
  f.certificate_requested_on = f.acquired;
  AddNotice(&f, "2026-04-01");
  EXPECT_EQ(OnlyCertificate(Plan(f, "2026-04-02")).reason, ActionReason::kRequestedOnForm);
  InsurerDocumentPolicy koa;
  koa.holders_can_request_certificate = false;
  EXPECT_TRUE(Plan(f, "2026-04-02", koa).empty());
  // A member without マイナ保険証 still gets it under the same setting.
  MemberDocumentFacts g = Member("2026-04-01");
  g.certificate_requested_on = g.acquired;
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
  EXPECT_EQ(RuleOf(ActionReason::kFormRequested), "R-DOC-7");
  EXPECT_EQ(RuleOf(ActionReason::kCardExpiring), "R-CARD-4");
  EXPECT_EQ(RuleOf(ActionReason::kLegacyCardOnLeaving), "R-OLD-4");
}

TEST(DocumentRules, OneCertificateEvenWhenSeveralReasonsApply) {
  // Ticked, certificate expired and old card lapsing: one certificate.
  MemberDocumentFacts f = Holder("2025-11-01", "2026-02-10");
  f.certificate_requested_on = f.acquired;
  AddLegacyCard(&f, "2015-04-01");
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
  AddLegacyCard(&legacy, "2019-06-01");
  legacy.certificate_requested_on = legacy.acquired;
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
  EXPECT_EQ(Iso(*ReturnRequestedOn(scenarios[3], c.id)), "2026-09-01");
}

// ------------------------------------------------------------- R-OLD-2, R-OLD-3 with R-DOC-4

// Long-standing members without マイナ保険証: the old card's own end decides
// when the ex officio 資格確認書 falls due. One row per member.
TEST(DocumentRules, ROld2_ROld3_OldCardEndDecidesTheExOfficioCertificate) {
  struct Row {
    const char* who;
    std::optional<const char*> printed_expiry;
    std::optional<const char*> name_changed;
    std::optional<const char*> address_changed;
    std::optional<const char*> card_lost;
    const char* quiet_until;  // nothing planned on this day
    const char* planned_on;   // the certificate is planned from this day
    const char* due;          // … due on this day
  };
  const Row rows[] = {
      // R-OLD-2: no printed expiry (健保組合): the 2025-12-01 cap, 60 days lead.
      {"no printed expiry", {}, {}, {}, {}, "2025-10-01", "2025-10-02", "2025-12-01"},
      // R-OLD-2: 国保 cards expire on 7/31: the card's own, earlier end.
      {"printed 2025-07-31", "2025-07-31", {}, {}, {}, "2025-05-31", "2025-06-01", "2025-07-31"},
      // A printed expiry after the cap changes nothing.
      {"printed 2026-03-31", "2026-03-31", {}, {}, {}, "2025-10-01", "2025-10-02", "2025-12-01"},
      // R-OLD-3: a name change ends the card at once: due the day before it.
      {"renamed 2025-03-01", {}, "2025-03-01", {}, {}, "2025-02-28", "2025-03-01", "2025-02-28"},
      // R-OLD-3: an address change counts from 2024-12-02 only.
      {"moved 2024-06-01", {}, {}, "2024-06-01", {}, "2025-10-01", "2025-10-02", "2025-12-01"},
      {"moved 2025-05-10", {}, {}, "2025-05-10", {}, "2025-05-09", "2025-05-10", "2025-05-09"},
      // R-OLD-3: a lost old card is not reissued.
      {"card lost 2025-08-20", {}, {}, {}, "2025-08-20", "2025-08-19", "2025-08-20", "2025-08-19"},
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(r.who);
    // The facts as the insurer knows them on a day: an event is on record
    // from its own day (a form filed ahead would make it known earlier).
    auto known_on = [&](const char* day) {
      MemberDocumentFacts f = Member("2015-04-01");
      AddNotice(&f, "2024-09-15");
      AddLegacyCard(&f, "2015-04-01", r.printed_expiry);
      auto happened = [&](std::optional<const char*> event) {
        return event && D(*event) <= D(day);
      };
      if (happened(r.name_changed)) f.name_changes.push_back(D(*r.name_changed));
      if (happened(r.address_changed)) f.address_changes.push_back(D(*r.address_changed));
      if (happened(r.card_lost)) f.legacy_card_lost_on = D(*r.card_lost);
      return f;
    };
    EXPECT_TRUE(Plan(known_on(r.quiet_until), r.quiet_until).empty());
    const DocumentAction a = OnlyCertificate(Plan(known_on(r.planned_on), r.planned_on));
    EXPECT_EQ(a.reason, ActionReason::kCannotUseMynaHokensho);
    EXPECT_EQ(Iso(a.due), r.due);
  }
}

TEST(DocumentRules, ROld3_NoOldCardNoCoverageFromIt) {
  // A member who joined after 2024-12-01 holds no old card: the R-DOC-5
  // window applies, not the 2025-12-01 cap.
  MemberDocumentFacts f = Member("2025-02-01");
  AddNotice(&f, "2025-02-01");
  EXPECT_FALSE(LegacyCardLastUsable(f).has_value());
  EXPECT_EQ(OnlyCertificate(Plan(f, "2025-03-03")).reason, ActionReason::kNoMynaAfterAcquisition);
}

// ------------------------------------------------------------- R-CARD-4 renewal notice

TEST(DocumentRules, RCard4_RenewalNoticeTwoToThreeMonthsBeforeExpiry) {
  MemberDocumentFacts f = Holder("2020-04-01", "2026-08-20");
  AddNotice(&f, "2024-09-15");
  EXPECT_TRUE(Plan(f, "2026-05-19").empty());
  const std::vector<DocumentAction> a = Plan(f, "2026-05-20");
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].kind, ActionKind::kIssueRenewalNotice);
  EXPECT_EQ(a[0].reason, ActionReason::kCardExpiring);
  EXPECT_EQ(Iso(a[0].due), "2026-06-20");
  EXPECT_EQ(Iso(*a[0].valid_until), "2026-08-20");  // the expiry it announces
  Apply(&f, a, D("2026-05-20"));
  EXPECT_TRUE(Plan(f, "2026-05-21").empty());  // once per expiry
  EXPECT_TRUE(Plan(f, "2026-08-20").empty());
  // A batch that missed the period still sends it before the expiry, not after.
  MemberDocumentFacts late = Holder("2020-04-01", "2026-08-20");
  AddNotice(&late, "2024-09-15");
  EXPECT_EQ(Plan(late, "2026-08-01").size(), 1u);
  EXPECT_EQ(Plan(late, "2026-08-21").size(), 1u);  // ex officio certificate instead
  EXPECT_EQ(Plan(late, "2026-08-21")[0].reason, ActionReason::kCertificateExpired);
}

TEST(DocumentRules, RCard4_CardExpiryGetsItsOwnNoticeOnlyForHolders) {
  MemberDocumentFacts f = Holder("2020-04-01", "2026-08-20");
  f.card_expiry = D("2031-08-20");
  AddNotice(&f, "2024-09-15");
  AddDocument(&f, DocumentKind::kRenewalNotice, "2026-05-20", "2026-08-20");
  f.certificate_expiry = D("2031-08-20");  // renewed at the window with the card
  const std::vector<DocumentAction> a = Plan(f, "2031-05-20");
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(Iso(*a[0].valid_until), "2031-08-20");
  f.insurance_use_registered = false;  // not a マイナ保険証: no notice from the insurer
  for (const DocumentAction& x : Plan(f, "2031-05-20")) {
    EXPECT_NE(x.kind, ActionKind::kIssueRenewalNotice);
  }
}

// ------------------------------------------------------------- R-DOC-7 forms

TEST(DocumentRules, RDoc7_FormIsTheInsurersUnlessAppliedFor) {
  struct Row {
    const char* who;
    CertificateForm insurer;
    std::optional<CertificateForm> applied;
    bool smartphone_and_mail;
    CertificateForm expected;
  };
  using F = CertificateForm;
  const Row rows[] = {
      {"KOA, nothing applied", F::kA4Paper, {}, false, F::kA4Paper},
      {"協会けんぽ, nothing applied", F::kPlasticCard, {}, false, F::kPlasticCard},
      {"postcard for a carer's help", F::kPlasticCard, F::kPostcard, false, F::kPostcard},
      {"electronic with smartphone", F::kA4Paper, F::kElectronic, true, F::kElectronic},
      {"electronic, smartphone gone", F::kA4Paper, F::kElectronic, false, F::kA4Paper},
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(r.who);
    MemberDocumentFacts f = Member("2026-04-01");
    AddNotice(&f, "2026-04-01");
    f.certificate_requested_on = f.acquired;
    f.requested_form = r.applied;
    if (r.applied) f.form_requested_on = D("2026-03-20");
    f.can_receive_electronic = r.smartphone_and_mail;
    InsurerDocumentPolicy p;
    p.default_form = r.insurer;
    EXPECT_EQ(CertificateFormFor(f, p), r.expected);
    EXPECT_EQ(*OnlyCertificate(Plan(f, "2026-04-01", p)).form, r.expected);
  }
}

TEST(DocumentRules, RDoc7_ApplicationsAreCheckedAgainstTheInsurersForm) {
  InsurerDocumentPolicy koa;  // A4
  EXPECT_FALSE(CheckFormApplication(CertificateForm::kPostcard, koa, false, false));
  EXPECT_FALSE(CheckFormApplication(CertificateForm::kA4Paper, koa, false, false));
  EXPECT_EQ(CheckFormApplication(CertificateForm::kPlasticCard, koa, false, false)->field, "form");
  EXPECT_EQ(CheckFormApplication(CertificateForm::kElectronic, koa, false, true)->field, "form");
  EXPECT_EQ(CheckFormApplication(CertificateForm::kElectronic, koa, true, false)->field, "email");
  EXPECT_FALSE(CheckFormApplication(CertificateForm::kElectronic, koa, true, true));
  InsurerDocumentPolicy bad;
  bad.default_form = CertificateForm::kPostcard;
  EXPECT_EQ(CheckDocumentPolicy(bad)->field, "default_form");
  for (CertificateForm f : {CertificateForm::kPlasticCard, CertificateForm::kA4Paper,
                            CertificateForm::kPostcard, CertificateForm::kElectronic}) {
    EXPECT_EQ(ParseCertificateFormName(CertificateFormName(f)), f);
  }
  EXPECT_FALSE(ParseCertificateFormName("a3").has_value());
}

TEST(DocumentRules, RDoc7_CertificateInHandReissuedInTheFormAppliedForSameEnd) {
  MemberDocumentFacts f = Member("2020-04-01");
  AddNotice(&f, "2024-09-15");
  AddDocument(&f, DocumentKind::kCertificate, "2025-10-01", "2030-09-30");
  f.documents.back().form = CertificateForm::kA4Paper;
  EXPECT_TRUE(Plan(f, "2026-06-01").empty());
  f.requested_form = CertificateForm::kPostcard;
  f.form_requested_on = D("2026-06-01");
  const DocumentAction a = OnlyCertificate(Plan(f, "2026-06-02"));
  EXPECT_EQ(a.reason, ActionReason::kFormRequested);
  EXPECT_EQ(*a.form, CertificateForm::kPostcard);
  EXPECT_EQ(Iso(*a.valid_until), "2030-09-30");  // reissuing does not extend it
  EXPECT_EQ(Iso(a.due), "2026-06-01");
  Apply(&f, {a}, D("2026-06-02"));
  EXPECT_TRUE(Plan(f, "2026-06-02").empty());
  EXPECT_TRUE(Plan(f, "2027-06-02").empty());
}

// Issue 21 (mutation run): an application is honoured on the day it is made.
TEST(DocumentRules, RDoc7_FormAppliedForIsReissuedOnTheDayOfTheApplication) {
  MemberDocumentFacts f = Member("2020-04-01");
  AddNotice(&f, "2024-09-15");
  AddDocument(&f, DocumentKind::kCertificate, "2025-10-01", "2030-09-30");
  f.documents.back().form = CertificateForm::kA4Paper;
  f.requested_form = CertificateForm::kPostcard;
  f.form_requested_on = D("2026-06-01");
  EXPECT_TRUE(Plan(f, "2026-05-31").empty());
  EXPECT_EQ(OnlyCertificate(Plan(f, "2026-06-01")).reason, ActionReason::kFormRequested);
}

// Issue 21 (mutation run): R-CARD-4's grace counts as holding マイナ保険証
// through its last day (for R-DOC-8's refusal), and not a day longer.
TEST(DocumentRules, RDoc8_HolderThroughTheLastDayOfTheGraceOnly) {
  // Certificate expired 2026-02-10: usable through 2026-05-31 (R-CARD-4).
  MemberDocumentFacts f = Holder("2020-04-01", "2026-02-10");
  AddNotice(&f, "2024-09-15");
  AddDocument(&f, DocumentKind::kRenewalNotice, "2025-11-10", "2026-02-10");
  f.certificate_requested_on = D("2026-02-11");
  InsurerDocumentPolicy koa;
  koa.holders_can_request_certificate = false;
  // In the grace the request is refused (a holder); the certificate comes ex
  // officio for the expiry instead.
  EXPECT_EQ(OnlyCertificate(Plan(f, "2026-05-31", koa)).reason, ActionReason::kCertificateExpired);
  // After it, the member holds no usable card: the request is granted.
  EXPECT_EQ(OnlyCertificate(Plan(f, "2026-06-01", koa)).reason, ActionReason::kRequestedOnForm);
}

// Issue 21 (mutation run): R-DOC-5's wait may start on the acquisition day.
TEST(DocumentRules, RDoc5_NoMynaWaitMayStartOnDayZero) {
  InsurerDocumentPolicy p;
  p.no_myna_first_day = 0;
  p.no_myna_last_day = 0;
  EXPECT_FALSE(CheckDocumentPolicy(p).has_value());
  p.no_myna_first_day = -1;
  EXPECT_EQ(CheckDocumentPolicy(p)->field, "no_myna_first_day");
}

// A later application (not the tick): satisfied by a certificate issued since.
TEST(DocumentRules, RDoc5_LaterApplicationIssuesOnce) {
  MemberDocumentFacts f = Holder("2020-04-01");
  AddNotice(&f, "2024-09-15");
  f.certificate_requested_on = D("2026-03-03");
  EXPECT_TRUE(Plan(f, "2026-03-02").empty());
  const DocumentAction a = OnlyCertificate(Plan(f, "2026-03-04"));
  EXPECT_EQ(a.reason, ActionReason::kRequestedOnForm);
  EXPECT_EQ(Iso(a.due), "2026-03-03");
  Apply(&f, {a}, D("2026-03-04"));
  EXPECT_TRUE(Plan(f, "2026-03-04").empty());
}

// ------------------------------------------------------------- R-DOC-10 and R-OLD-4 on leaving

TEST(DocumentRules, RDoc10_ROld4_WhatComesBackOnLeaving) {
  struct Row {
    const char* who;
    const char* lost;
    bool old_card_lost_before;
    bool electronic_certificate;
    std::vector<int64_t> asked_back;  // document ids
  };
  // Documents: 1 notice, 2 old card (no printed expiry), 3 certificate to 2030-09-30.
  const Row rows[] = {
      {"left 2025-10-15: old card and certificate", "2025-10-15", false, false, {2, 3}},
      {"left 2025-12-01: the old card's last day", "2025-12-01", false, false, {2, 3}},
      {"left 2025-12-02: old card already ended (R-OLD-4)", "2025-12-02", false, false, {3}},
      {"old card lost before leaving", "2025-10-15", true, false, {3}},
      {"electronic certificate: nothing to post back", "2025-10-15", false, true, {2}},
      {"left before the transition: old procedure", "2024-11-30", false, false, {3}},
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(r.who);
    MemberDocumentFacts f = Member("2015-04-01");
    AddNotice(&f, "2024-09-15");
    AddLegacyCard(&f, "2015-04-01");
    AddDocument(&f, DocumentKind::kCertificate, "2024-10-01", "2030-09-30");
    if (r.electronic_certificate) f.documents.back().form = CertificateForm::kElectronic;
    if (r.old_card_lost_before) f.legacy_card_lost_on = D("2025-06-01");
    f.membership_lost = D(r.lost);
    const std::vector<DocumentAction> a = Plan(f, r.lost);
    std::vector<int64_t> ids;
    for (const DocumentAction& x : a) {
      EXPECT_EQ(x.kind, ActionKind::kRequestReturn);
      EXPECT_EQ(Iso(x.due), r.lost);
      EXPECT_EQ(x.reason, *x.document_id == 2 ? ActionReason::kLegacyCardOnLeaving
                                              : ActionReason::kMembershipLost);
      ids.push_back(*x.document_id);
    }
    EXPECT_EQ(ids, r.asked_back);
    Apply(&f, a, D(r.lost));
    EXPECT_TRUE(Plan(f, r.lost).empty());  // asked once
  }
}

// A certificate given back while still a member is no longer coverage: the
// member without マイナ保険証 needs another (R-DOC-4).
TEST(DocumentRules, RDoc4_ReturnedCertificateNoLongerCovers) {
  MemberDocumentFacts f = Member("2020-04-01");
  AddNotice(&f, "2024-09-15");
  AddDocument(&f, DocumentKind::kCertificate, "2025-10-01", "2030-09-30");
  EXPECT_TRUE(Plan(f, "2026-06-01").empty());
  f.documents.back().returned_on = D("2026-06-01");
  EXPECT_TRUE(Plan(f, "2026-05-31").empty());
  const DocumentAction a = OnlyCertificate(Plan(f, "2026-06-01"));
  EXPECT_EQ(a.reason, ActionReason::kCannotUseMynaHokensho);
}

TEST(DocumentRules, ReturnedOldCardIsNotAskedFor) {
  MemberDocumentFacts f = Member("2015-04-01");
  AddLegacyCard(&f, "2015-04-01");
  f.documents.back().returned_on = D("2025-09-30");
  f.membership_lost = D("2025-10-01");
  EXPECT_TRUE(Plan(f, "2025-10-01").empty());
}

}  // namespace
}  // namespace onshi
