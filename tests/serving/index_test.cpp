// The serving index (issue 20, lever 1) against the store it is a read model
// of, on SQLite and PostgreSQL:
//   - every insurance-card check of a synthetic population with every demo
//     scenario gets the same qualifications, and the same answer bytes
//     (OQS JSON and Shift_JIS XML), from the index as from the store read;
//   - the change feed names the person of every kind of write, including
//     SQL run behind the store, and an index that applied the feed equals
//     one rebuilt from scratch and the store itself;
//   - a feed trimmed past an index makes it rebuild, and still equal.
// Each would fail on the code before: there was no index, no feed.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "core/eligibility.hpp"
#include "oqs/response.hpp"
#include "oqs/validate.hpp"
#include "populate/population.hpp"
#include "serving/eligibility_index.hpp"
#include "serving/index_follower.hpp"
#include "serving_test_util.hpp"

namespace onshi::serving {
namespace {

using testing::Describe;
using testing::ScratchDir;

class IndexTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    location_ = testing::NewLocation(GetParam(), dir_);
    store_ = store::OpenStore(location_, testing::KeyFile(dir_));
  }

  populate::PopulationReport Populate(int64_t members) {
    populate::PopulationOptions opt;
    opt.members = members;
    opt.seed = 20;
    opt.today = today_;
    opt.scenarios = true;
    return populate::Populate(*store_, opt);
  }

  // Every qualification in the store, person by person.
  std::vector<Qualification> Everything() {
    return store_->QualificationsOfPersons(0, store_->LastPersonId());
  }

  // The index holds exactly what the store holds, person by person.
  void ExpectIndexEqualsStore(const EligibilityIndex& index, const std::string& what) {
    const int64_t last = store_->LastPersonId();
    int64_t members = 0;
    for (int64_t p = 1; p <= last; ++p) {
      const std::vector<Qualification> stored = store_->QualificationsOfPersons(p - 1, p);
      members += static_cast<int64_t>(stored.size());
      ASSERT_EQ(Describe(index.QualificationsOfPerson(p)), Describe(stored))
          << what << ": person " << p;
    }
    EXPECT_EQ(index.Stats().members, members) << what;
  }

  static InsuranceCardQuery KeysOf(const Qualification& q) {
    return {q.insurer_number, q.symbol, q.number, q.branch, q.birth_date};
  }

  void ExpectLookupEqualsStore(const EligibilityIndex& index, const InsuranceCardQuery& query) {
    EXPECT_EQ(Describe(index.Lookup(query)), Describe(store::LoadForCardQuery(*store_, query)))
        << query.insurer_number << " " << query.number << " " << query.birth_date.ToIso();
  }

  Date today_ = Date::FromYmd(2026, 11, 23);
  ScratchDir dir_;
  std::string location_;
  std::unique_ptr<store::Store> store_;
};

// The answer a facility gets, from `records`, as bytes: JSON (web API) or
// Shift_JIS XML (terminal). nullopt when the request does not validate.
std::optional<std::string> Answer(const InsuranceCardQuery& q, Date confirmation, Date today,
                                  const std::vector<Qualification>& records, bool xml) {
  oqs::QualificationRequest r;
  r.format = xml ? oqs::WireFormat::kXml : oqs::WireFormat::kJson;
  r.charset = xml ? oqs::Charset::kShiftJis : oqs::Charset::kUtf8;
  r.qualification_confirmation_date = confirmation.ToCompact();
  r.medical_institution_code = "1310000011";
  r.insurer_number = q.insurer_number;
  if (!q.symbol.empty()) r.insured_card_symbol = q.symbol;
  r.insured_identification_number = q.number;
  if (!q.branch.empty()) r.insured_branch_number = q.branch;
  r.birthdate = q.birth_date.ToCompact();
  r.limit_application_certificate_related_cons_flg = "1";
  const oqs::Result<oqs::ValidatedRequest> v = oqs::ValidateRequest(r);
  if (!v.ok()) return std::nullopt;
  const EligibilityDecision d =
      DecideByInsuranceCard(v->query, records, v->confirmation_date, today);
  return oqs::WriteQualificationResponse(r, *v, d, {today, 10, 0, 0}, oqs::AnswerEncoding(r));
}

TEST_P(IndexTest, EveryCheckOfAPopulationAndItsScenariosGetsTheStoresAnswer) {
  const populate::PopulationReport report = Populate(GetParam() == "sqlite" ? 3000 : 1200);
  ASSERT_FALSE(report.scenarios.empty());
  EligibilityIndex index;
  index.Rebuild(*store_, 97);  // odd ranges: persons split across reads
  ExpectIndexEqualsStore(index, "built");

  // The queries: each member's own keys (全部, 枝番 omitted, 記号 omitted), a
  // birth date one day off, and every scenario's keys as printed.
  std::vector<InsuranceCardQuery> queries;
  for (const Qualification& q : Everything()) {
    InsuranceCardQuery k = KeysOf(q);
    queries.push_back(k);
    k.branch.clear();
    queries.push_back(k);
    k.symbol.clear();
    queries.push_back(k);
    k.birth_date = k.birth_date.AddDays(1);
    queries.push_back(k);
  }
  for (const populate::Scenario& s : report.scenarios) {
    const auto birth = Date::FromYmdChecked(std::stoi(s.birth_date.substr(0, 4)),
                                            std::stoi(s.birth_date.substr(4, 2)),
                                            std::stoi(s.birth_date.substr(6, 2)));
    ASSERT_TRUE(birth.has_value()) << s.title;
    queries.push_back({s.insurer_number, s.symbol, s.number, s.branch, *birth});
  }
  queries.push_back({"06139992", "", "no-such-number", "", Date::FromYmd(1980, 1, 1)});

  std::set<int> validities;
  int answers = 0;
  for (const InsuranceCardQuery& q : queries) {
    const std::vector<Qualification> from_store = store::LoadForCardQuery(*store_, q);
    const std::vector<Qualification> from_index = index.Lookup(q);
    ASSERT_EQ(Describe(from_index), Describe(from_store)) << q.insurer_number << " " << q.number;
    // Today, and the day before the first record's acquisition (past dates
    // are allowed), in both wire formats.
    std::vector<Date> dates = {today_};
    if (!from_store.empty()) dates.push_back(from_store.front().acquired.AddDays(-1));
    for (Date on : dates) {
      if (on < q.birth_date) continue;
      for (bool xml : {false, true}) {
        const auto a = Answer(q, on, today_, from_store, xml);
        const auto b = Answer(q, on, today_, from_index, xml);
        ASSERT_EQ(a.has_value(), b.has_value());
        if (!a) continue;
        ASSERT_EQ(*a, *b) << q.insurer_number << " " << q.number;
        ++answers;
        validities.insert(
            static_cast<int>(DecideByInsuranceCard(q, from_store, on, today_).validity));
      }
    }
  }
  EXPECT_GT(answers, 1000);
  // Every QualificationValidity (1..5) was among the answers compared.
  EXPECT_EQ(validities, (std::set<int>{1, 2, 3, 4, 5}));
}

// The person each change row names, after `after`.
std::set<int64_t> ChangedSince(store::Store& s, int64_t after) {
  std::set<int64_t> out;
  for (const store::ChangeRecord& c : s.ReadChanges(after, 100000).changes)
    out.insert(c.person_id);
  return out;
}

TEST_P(IndexTest, TheFeedNamesEveryWritesPersonAndTheFollowedIndexEqualsARebuild) {
  Populate(400);
  EligibilityIndex followed;
  followed.Rebuild(*store_);
  const int64_t built_at = followed.applied_seq();
  EXPECT_EQ(built_at, store_->ChangeFeedHead());
  std::vector<InsuranceCardQuery> old_keys;
  for (const Qualification& q : Everything())
    old_keys.push_back(KeysOf(q));

  std::vector<Qualification> all = Everything();
  ASSERT_GT(all.size(), 100u);
  // 1. A loss with a new limit certificate and a later change of address.
  int64_t head = store_->ChangeFeedHead();
  Qualification lost = all[10];
  lost.lost = today_.AddDays(-3);
  lost.loss_reason = LossReason::kOther;
  lost.limits.push_back({1, "A02", today_.AddDays(-30), today_.AddDays(-30), today_, std::nullopt});
  MemberAttributes moved = lost.attributes.back();
  moved.effective_from = today_.AddDays(-10);
  moved.address = "東京都千代田区霞が関１－２－２";
  moved.postcode = "100-8916";
  lost.attributes.push_back(moved);
  store_->UpdateQualification(lost);
  EXPECT_EQ(ChangedSince(*store_, head), std::set<int64_t>{lost.person_id});

  // 2. A new person with two qualifications (beyond every id built).
  head = store_->ChangeFeedHead();
  store::PersonRecord p;
  p.name = "新規　太郎";
  p.name_kana = "シンキ　タロウ";
  p.birth_date = Date::FromYmd(1990, 4, 2);
  p.sex = Sex::kMale;
  p.postcode = "160-0023";
  p.address = "東京都新宿区西新宿２－８－１";
  const int64_t newcomer = store_->AddPerson(p, MyNumber::FromBase(98765432101));
  Qualification fresh = all[0];
  fresh.member_id = 0;
  fresh.person_id = newcomer;
  fresh.number = "99001";
  fresh.branch = "00";
  fresh.birth_date = p.birth_date;
  fresh.acquired = today_.AddDays(-100);
  fresh.lost.reset();
  fresh.loss_reason.reset();
  fresh.diseases = {{1, today_.AddDays(-50), today_.AddDays(-50), today_.AddDays(300), 20000}};
  store_->AddQualification(fresh);
  Qualification older = fresh;
  older.number = "99002";
  older.acquired = today_.AddDays(-900);
  older.lost = today_.AddDays(-100);
  store_->AddQualification(older);
  EXPECT_EQ(ChangedSince(*store_, head), std::set<int64_t>{newcomer});

  // 3. The linker's write.
  head = store_->ChangeFeedHead();
  store_->SetLinkage(all[20].member_id, LinkageState::kRegistrationError, std::nullopt,
                     "個人番号不一致");
  EXPECT_EQ(ChangedSince(*store_, head), std::set<int64_t>{all[20].person_id});

  // 4. A qualification moved to another person: both change.
  head = store_->ChangeFeedHead();
  Qualification moved_member = all[30];
  moved_member.person_id = all[40].person_id;
  ASSERT_NE(all[30].person_id, all[40].person_id);
  store_->UpdateQualification(moved_member);
  EXPECT_EQ(ChangedSince(*store_, head), (std::set<int64_t>{all[30].person_id, all[40].person_id}));

  // 5. An insurer renamed: every person with a qualification under it.
  head = store_->ChangeFeedHead();
  store::InsurerRecord insurer = *store_->GetInsurer(all[50].insurer_number);
  insurer.name = "改称後の保険者";
  store_->PutInsurer(insurer);
  std::set<int64_t> under;
  for (const Qualification& q : Everything()) {
    if (q.insurer_number == insurer.insurer_number) under.insert(q.person_id);
  }
  EXPECT_EQ(ChangedSince(*store_, head), under);
  // The same name again changes nothing a check reads: no change.
  head = store_->ChangeFeedHead();
  store_->PutInsurer(insurer);
  EXPECT_TRUE(ChangedSince(*store_, head).empty());

  // 6. SQL behind the store (another program, an operator's fix).
  head = store_->ChangeFeedHead();
  ASSERT_EQ(testing::ExecBehindTheStore(location_,
                                        "UPDATE member_attributes SET address = '手で直した住所' "
                                        "WHERE member_id = " +
                                            std::to_string(all[60].member_id)),
            "");
  ASSERT_EQ(testing::ExecBehindTheStore(
                location_, "DELETE FROM member_diseases WHERE member_id = " +
                               std::to_string(all[70].member_id) +
                               "; INSERT INTO member_diseases (member_id, category, "
                               "certificate_date, valid_from, valid_until, self_pay_yen) VALUES (" +
                               std::to_string(all[70].member_id) +
                               ", 2, '2026-01-01', '2026-01-01', '2027-12-31', 10000)"),
            "");
  EXPECT_EQ(ChangedSince(*store_, head), (std::set<int64_t>{all[60].person_id, all[70].person_id}));
  // One statement over the rows of several persons names each of them
  // (PostgreSQL writes the feed once a statement, from its transition
  // tables): members updated, child rows inserted for two members at once.
  head = store_->ChangeFeedHead();
  const std::string two =
      std::to_string(all[80].member_id) + ", " + std::to_string(all[90].member_id);
  ASSERT_NE(all[80].person_id, all[90].person_id);
  ASSERT_EQ(testing::ExecBehindTheStore(
                location_, "UPDATE members SET copay_percent = 20 WHERE member_id IN (" + two +
                               "); INSERT INTO member_limits (member_id, classification, "
                               "category_flag, certificate_date, valid_from, valid_until) "
                               "SELECT member_id, 1, 'A03', '2026-01-01', '2026-01-01', "
                               "'2026-12-31' FROM members WHERE member_id IN (" +
                               two + ")"),
            "");
  EXPECT_EQ(ChangedSince(*store_, head), (std::set<int64_t>{all[80].person_id, all[90].person_id}));

  // Before the feed is applied the index still answers as built.
  EXPECT_EQ(Describe(followed.QualificationsOfPerson(newcomer)), "");
  FollowerOptions small;
  small.changes_per_read = 7;  // many pages
  small.persons_per_read = 3;
  EXPECT_GT(ApplyChanges(followed, *store_, small), 0);
  EXPECT_EQ(followed.applied_seq(), store_->ChangeFeedHead());
  EXPECT_EQ(ApplyChanges(followed, *store_, small), 0);  // nothing more

  EligibilityIndex rebuilt;
  rebuilt.Rebuild(*store_);
  ExpectIndexEqualsStore(followed, "followed");
  ExpectIndexEqualsStore(rebuilt, "rebuilt");
  for (const Qualification& q : Everything())
    old_keys.push_back(KeysOf(q));
  for (const InsuranceCardQuery& k : old_keys) {
    ExpectLookupEqualsStore(followed, k);
    EXPECT_EQ(Describe(followed.Lookup(k)), Describe(rebuilt.Lookup(k)));
  }
  // The moved member answers for its new person only.
  for (const Qualification& q : followed.Lookup(KeysOf(all[30]))) {
    if (q.member_id == all[30].member_id) {
      EXPECT_EQ(q.person_id, all[40].person_id);
    }
  }
}

TEST_P(IndexTest, AnIndexBehindATrimmedFeedRebuildsAndTheFeedStaysBounded) {
  Populate(300);
  EligibilityIndex behind;
  behind.Rebuild(*store_);
  std::vector<Qualification> all = Everything();
  for (int i = 0; i < 20; ++i) {
    Qualification q = all[static_cast<size_t>(i) * 5];
    q.copay_percent = 20;
    q.copay_filed = true;
    store_->UpdateQualification(q);
  }
  const int64_t head = store_->ChangeFeedHead();
  ASSERT_GT(head, behind.applied_seq());
  // Another server applied everything long ago and trimmed it.
  store_->TrimChanges(head);
  const store::ChangePage page = store_->ReadChanges(0, 1000);
  EXPECT_TRUE(page.changes.empty());
  EXPECT_EQ(page.trimmed_through, head);
  EXPECT_EQ(store_->ChangeFeedHead(), head);  // trimmed, not forgotten
  ApplyChanges(behind, *store_, {});
  EXPECT_EQ(behind.applied_seq(), head);
  ExpectIndexEqualsStore(behind, "after the rebuild");
  // Later changes follow on from the trimmed head.
  Qualification q = all[3];
  q.copay_percent = 10;
  store_->UpdateQualification(q);
  EXPECT_GT(store_->ChangeFeedHead(), head);
  ApplyChanges(behind, *store_, {});
  ExpectIndexEqualsStore(behind, "after the next change");
}

TEST_P(IndexTest, ManyReplacementsCompactTheIndexAndMergeItsKeys) {
  Populate(300);
  EligibilityIndex index;
  index.Rebuild(*store_);
  const size_t built_bytes = index.Stats().bytes;
  std::vector<Qualification> all = Everything();
  // Every person re-read 30 times over: the garbage is reclaimed and the
  // key delta merged, and nothing is lost on the way.
  std::vector<int64_t> persons;
  for (const Qualification& q : all)
    persons.push_back(q.person_id);
  for (int round = 0; round < 30; ++round)
    index.Replace(persons, all, index.applied_seq());
  ExpectIndexEqualsStore(index, "after the replacements");
  for (const Qualification& q : all)
    ExpectLookupEqualsStore(index, KeysOf(q));
  EXPECT_LT(index.Stats().bytes, built_bytes * 4);
}

INSTANTIATE_TEST_SUITE_P(Backends, IndexTest, ::testing::Values("sqlite", "postgresql"),
                         testing::BackendName);

}  // namespace
}  // namespace onshi::serving
