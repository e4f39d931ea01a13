// Freshness of the serving index (issue 20): a change committed by another
// process — the `onshi` CLI importing forms and linking them, on the same
// SQLite file or the same PostgreSQL database — becomes visible to the
// index a server keeps current with its IndexFollower. And two followers on
// their own connections (two servers) both see a write made through a third.
//
// No timing is asserted: each test waits for the condition (the index equals
// the store, person by person) with a generous deadline, and prints how long
// it took (the figure the README reports comes from bench/serving_bench.cpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "../app/process_util.hpp"
#include "serving/eligibility_index.hpp"
#include "serving/index_follower.hpp"
#include "serving_test_util.hpp"

namespace onshi::serving {
namespace {

using testing::Describe;
using testing::ScratchDir;

const std::string kBin = ONSHI_BINARY;

class FreshnessTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    // A PostgreSQL location keeps the CLI's key file and CAs in a state
    // directory; SQLite keeps them beside the file.
    ::setenv("ONSHI_STATE_DIR", (dir_.path() / "state").c_str(), 1);
    location_ = testing::NewLocation(GetParam(), dir_);
  }
  void TearDown() override { ::unsetenv("ONSHI_STATE_DIR"); }

  void Onshi(const std::string& args) {
    int rc = 0;
    const std::string out =
        onshi::testing::Sh("cd " + dir_.path().string() + " && " + kBin + " " + args + " --db '" +
                               location_ + "' 2>>" + (dir_.path() / "err.txt").string(),
                           &rc);
    ASSERT_EQ(rc, 0) << args << "\n" << out;
  }

  std::unique_ptr<store::Store> OpenStore() {
    return store::OpenStore(location_, GetParam() == "sqlite"
                                           ? store::DefaultKeyFile(location_)
                                           : (dir_.path() / "reader.keys").string());
  }

  // True when the index holds exactly the store's qualifications for every
  // person (no gtest assertion: polled until it holds).
  static bool Matches(const EligibilityIndex& index, store::Store& s, int64_t* members = nullptr) {
    const int64_t last = s.LastPersonId();
    int64_t n = 0;
    for (int64_t p = 1; p <= last; ++p) {
      const std::vector<Qualification> stored = s.QualificationsOfPersons(p - 1, p);
      n += static_cast<int64_t>(stored.size());
      if (Describe(index.QualificationsOfPerson(p)) != Describe(stored)) return false;
    }
    if (members) *members = n;
    return index.Stats().members == n;
  }

  // Polls until the index matches the store; the time it took, or -1.
  static double WaitForMatch(const EligibilityIndex& index, store::Store& s,
                             std::chrono::steady_clock::time_point since) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      if (Matches(index, s)) {
        return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - since)
            .count();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return -1;
  }

  ScratchDir dir_;
  std::string location_;
};

TEST_P(FreshnessTest, ImportsAndLinksByAnotherProcessReachTheFollowedIndex) {
  Onshi("populate --quiet --members 150 --scenarios --today 2026-11-16");
  Onshi("insurer add --number 06139992 --name オンシ健康保険組合 --lag 2 --now 2026-11-16");
  auto store = OpenStore();
  EligibilityIndex index;
  index.Rebuild(*store);
  const int64_t before = index.Stats().members;
  IndexFollower follower(index, [this] { return OpenStore(); });
  follower.Start();

  int64_t last_member = 0;
  for (const Qualification& q : store->QualificationsOfPersons(0, store->LastPersonId()))
    last_member = std::max(last_member, q.member_id);
  // Another process: 20 new residents' 資格取得届, imported (members made,
  // waiting for the lag).
  Onshi("forms --persons 20 --bad-per-mille 0 --today 2026-11-16 --out forms.csv");
  Onshi("import forms.csv --insurer 06139992 --quiet --now 2026-11-16T10:00:00+09:00");
  auto imported = std::chrono::steady_clock::now();
  double ms = WaitForMatch(index, *store, imported);
  ASSERT_GE(ms, 0) << "the import never reached the index";
  EXPECT_EQ(index.Stats().members, before + 20);
  std::cout << "[ freshness ] " << GetParam() << ": import seen " << ms
            << " ms after the importing process ended" << std::endl;

  // The same process links them after the lag: linkage changes.
  Onshi("link --now 2026-11-20T10:00:00+09:00");
  const auto linked = std::chrono::steady_clock::now();
  ms = WaitForMatch(index, *store, linked);
  ASSERT_GE(ms, 0) << "the linkage never reached the index";
  std::cout << "[ freshness ] " << GetParam() << ": linkage seen " << ms
            << " ms after the linking process ended" << std::endl;
  // A new member now answers as linked, through the index.
  const std::vector<Qualification> all = store->QualificationsOfPersons(0, store->LastPersonId());
  int linked_members = 0;
  for (const Qualification& q : all) {
    if (q.member_id <= last_member || q.linkage != LinkageState::kLinked) continue;
    const auto found = index.Lookup({q.insurer_number, q.symbol, q.number, q.branch, q.birth_date});
    ASSERT_FALSE(found.empty());
    ++linked_members;
  }
  EXPECT_EQ(linked_members, 20);
  follower.Stop();
  EXPECT_EQ(follower.failures(), 0);
}

// 照会番号 (migration 17): the index keeps one bit a person for "some
// facility holds a reference number", so that a check of anyone else reads
// no database for one. A number registered through another connection (a
// second server) sets the bit through the change feed; a rebuilt index
// reads it from the table. Before: every check read the database for it.
TEST_P(FreshnessTest, AReferenceNumberRegisteredElsewhereReachesTheIndexsBit) {
  Onshi("populate --quiet --members 40 --today 2026-11-16");
  auto store = OpenStore();
  store->PutFacility({"1310000011", "オンシ診療所", "医科", false});
  const std::vector<Qualification> all = store->QualificationsOfPersons(0, store->LastPersonId());
  ASSERT_GE(all.size(), 2u);
  const Qualification& q = all.back();
  EligibilityIndex index;
  index.Rebuild(*store);
  EXPECT_FALSE(index.HasReferenceNumbers(q.person_id));
  IndexFollower follower(index, [this] { return OpenStore(); });
  follower.Start();

  auto writer = OpenStore();
  writer->PutReferenceNumber({"1310000011", "P-0001", q.insurer_number, q.symbol, q.number,
                              q.branch, q.person_id, "2026-11-16T01:00:00Z"});
  const auto written = std::chrono::steady_clock::now();
  const auto deadline = written + std::chrono::seconds(60);
  while (!index.HasReferenceNumbers(q.person_id) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  ASSERT_TRUE(index.HasReferenceNumbers(q.person_id)) << "the registration never reached the index";
  std::cout << "[ freshness ] " << GetParam() << ": 照会番号 seen "
            << std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - written)
                   .count()
            << " ms after it was committed" << std::endl;
  // Nobody else gained a bit; a rebuilt index agrees.
  EXPECT_FALSE(index.HasReferenceNumbers(all.front().person_id));
  follower.Stop();
  EligibilityIndex rebuilt;
  rebuilt.Rebuild(*store);
  EXPECT_TRUE(rebuilt.HasReferenceNumbers(q.person_id));
  EXPECT_FALSE(rebuilt.HasReferenceNumbers(all.front().person_id));
  EXPECT_EQ(store->PersonsWithReferenceNumbers(0, store->LastPersonId()),
            std::vector<int64_t>{q.person_id});
}

TEST_P(FreshnessTest, TwoServersFollowingOneDatabaseBothSeeAWriteMadeThroughAThird) {
  Onshi("populate --quiet --members 120 --today 2026-11-16");
  auto writer = OpenStore();
  EligibilityIndex a, b;
  a.Rebuild(*writer);
  b.Rebuild(*writer);
  IndexFollower fa(a, [this] { return OpenStore(); });
  IndexFollower fb(b, [this] { return OpenStore(); });
  fa.Start();
  fb.Start();
  std::vector<Qualification> all = writer->QualificationsOfPersons(0, writer->LastPersonId());
  ASSERT_GT(all.size(), 50u);
  for (size_t i = 0; i < all.size(); i += 9) {
    Qualification q = all[i];
    q.lost = Date::FromYmd(2026, 11, 1);
    q.loss_reason = LossReason::kOtherInsurance;
    writer->UpdateQualification(q);
  }
  const auto wrote = std::chrono::steady_clock::now();
  auto reader = OpenStore();
  const double ms_a = WaitForMatch(a, *reader, wrote);
  const double ms_b = WaitForMatch(b, *reader, wrote);
  ASSERT_GE(ms_a, 0);
  ASSERT_GE(ms_b, 0);
  std::cout << "[ freshness ] " << GetParam() << ": two followers caught up after " << ms_a
            << " and " << ms_b << " ms" << std::endl;
  const InsuranceCardQuery k{all[0].insurer_number, all[0].symbol, all[0].number, all[0].branch,
                             all[0].birth_date};
  EXPECT_EQ(Describe(a.Lookup(k)), Describe(store::LoadForCardQuery(*reader, k)));
  EXPECT_EQ(Describe(b.Lookup(k)), Describe(store::LoadForCardQuery(*reader, k)));
}

TEST_P(FreshnessTest, AFollowerTrimsTheChangesItAppliedLongerAgoThanTheRetention) {
  Onshi("populate --quiet --members 60 --today 2026-11-16");
  auto writer = OpenStore();
  EligibilityIndex index;
  index.Rebuild(*writer);
  FollowerOptions options;
  options.retention = std::chrono::seconds(1);
  IndexFollower follower(
      index, [this] { return OpenStore(); }, options);
  follower.Start();
  Qualification q = writer->QualificationsOfPersons(0, writer->LastPersonId()).front();
  q.copay_percent = q.copay_percent == 30 ? 20 : 30;
  writer->UpdateQualification(q);
  const int64_t head = writer->ChangeFeedHead();
  // The feed keeps nothing the follower applied more than a second ago.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  store::ChangePage page = writer->ReadChanges(0, 100000);
  while (std::chrono::steady_clock::now() < deadline && page.trimmed_through < head) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    page = writer->ReadChanges(0, 100000);
  }
  EXPECT_GE(page.trimmed_through, head);
  for (const store::ChangeRecord& c : page.changes)
    EXPECT_GT(c.seq, page.trimmed_through);
  follower.Stop();
  EXPECT_TRUE(Matches(index, *writer));
}

INSTANTIATE_TEST_SUITE_P(Backends, FreshnessTest, ::testing::Values("sqlite", "postgresql"),
                         testing::BackendName);

}  // namespace
}  // namespace onshi::serving
