// The clinical sub-store (store/clinical_store.hpp, issue 18) on both
// backends: consents in force, visits written whole or not at all, the
// 3-year medicine read, insurers' data and the masters.
#include "store/clinical_store.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "pg_cluster.hpp"
#include "store/store.hpp"

namespace onshi::store {
namespace {

namespace fs = std::filesystem;

Date D(int y, int m, int d) {
  return Date::FromYmd(y, m, d);
}

class ClinicalStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("onshi-clinical-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    const std::string location = GetParam() == "sqlite" ? (dir_ / "onshi.db").string()
                                                        : pg_test::PgCluster::Get().NewDatabase();
    store_ = OpenStore(location, (dir_ / "onshi.keys").string());
    PersonRecord p;
    p.name = "試験　花子";
    p.name_kana = "シケン　ハナコ";
    p.birth_date = D(1980, 5, 15);
    p.sex = Sex::kFemale;
    p.postcode = "100-0001";
    p.address = "東京都千代田区千代田１－１";
    person_ = store_->AddPerson(p, MyNumber::Parse("621498320257").value());
    store_->PutFacility({"1310000011", "試験クリニック", "医科"});
    store_->PutFacility({"1340000019", "試験薬局", "薬局"});
    store_->PutInsurer({"06139992", "試験健康保険組合", "組合健保", 2, true, 5});
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  VisitRecord Visit(const char* facility, Date on) {
    VisitRecord v;
    v.person_id = person_;
    v.facility_code = facility;
    v.date = on;
    v.total_cost_yen = 12000;
    v.paid_yen = 3600;
    v.recorded_at = "2026-12-03T01:00:00Z";
    MedicineRecord m;
    m.yj_code = "2149039F1030";
    m.quantity = "1";
    m.unit = "錠";
    m.days = 28;
    m.start = on;
    v.medicines.push_back(m);
    return v;
  }

  ClinicalStore& clinical() { return store_->Clinical(); }

  static inline int counter_ = 0;
  fs::path dir_;
  std::unique_ptr<Store> store_;
  int64_t person_ = 0;
};

TEST_P(ClinicalStoreTest, ConsentIsInForceOnlyAtItsFacilityUntilItsAvailableTime_RFac4) {
  ConsentRecord c;
  c.person_id = person_;
  c.facility_code = "1310000011";
  c.kind = ConsentKind::kPharmacists;
  c.flag = "1";
  c.given_at = "2026-12-03T01:00:00Z";
  c.available_until = "2026-12-04T01:00:00Z";
  clinical().AddConsent(c);
  auto in_force = clinical().ConsentInForce(person_, "1310000011", ConsentKind::kPharmacists,
                                            "2026-12-03T05:00:00Z");
  ASSERT_TRUE(in_force.has_value());
  EXPECT_EQ(in_force->available_until, "2026-12-04T01:00:00Z");
  // Another facility, another kind, after AvailableTime, before it was given: none.
  EXPECT_FALSE(clinical().ConsentInForce(person_, "1340000019", ConsentKind::kPharmacists,
                                         "2026-12-03T05:00:00Z"));
  EXPECT_FALSE(clinical().ConsentInForce(person_, "1310000011", ConsentKind::kOperation,
                                         "2026-12-03T05:00:00Z"));
  EXPECT_FALSE(clinical().ConsentInForce(person_, "1310000011", ConsentKind::kPharmacists,
                                         "2026-12-04T01:00:00Z"));
  EXPECT_FALSE(clinical().ConsentInForce(person_, "1310000011", ConsentKind::kPharmacists,
                                         "2026-12-03T00:59:59Z"));
  // A refusal ("0") given later is stored, never in force, and withdraws the
  // consent from then on: the person's latest choice decides (R-FAC-4). The
  // old query kept the earlier consent in force until its AvailableTime.
  c.flag = "0";
  c.given_at = "2026-12-03T02:00:00Z";
  clinical().AddConsent(c);
  EXPECT_EQ(clinical().ConsentsOfPerson(person_).size(), 2u);
  EXPECT_TRUE(clinical().ConsentInForce(person_, "1310000011", ConsentKind::kPharmacists,
                                        "2026-12-03T01:30:00Z"));
  EXPECT_FALSE(clinical().ConsentInForce(person_, "1310000011", ConsentKind::kPharmacists,
                                         "2026-12-03T05:00:00Z"));
  // Consenting again opens it again.
  c.flag = "1";
  c.given_at = "2026-12-03T03:00:00Z";
  c.available_until = "2026-12-04T03:00:00Z";
  clinical().AddConsent(c);
  in_force = clinical().ConsentInForce(person_, "1310000011", ConsentKind::kPharmacists,
                                       "2026-12-03T05:00:00Z");
  ASSERT_TRUE(in_force.has_value());
  EXPECT_EQ(in_force->available_until, "2026-12-04T03:00:00Z");
  // A refusal at another facility withdraws nothing here.
  c.facility_code = "1340000019";
  c.flag = "0";
  c.given_at = "2026-12-03T04:00:00Z";
  clinical().AddConsent(c);
  EXPECT_TRUE(clinical().ConsentInForce(person_, "1310000011", ConsentKind::kPharmacists,
                                        "2026-12-03T05:00:00Z"));
  // An unknown facility is refused.
  c.facility_code = "9999999999";
  EXPECT_THROW(clinical().AddConsent(c), StoreError);
}

TEST_P(ClinicalStoreTest, AVisitIsStoredWholeWithItsChildren) {
  VisitRecord v = Visit("1310000011", D(2026, 11, 20));
  v.procedures.push_back({0, 0, 0, "", "150000110", D(2026, 11, 20), 1});
  v.diagnoses.push_back({0, 0, 0, "", "8833421", D(2026, 11, 1), true});
  const int64_t id = clinical().AddVisit(v);
  EXPECT_GT(id, 0);
  EXPECT_GT(v.medicines[0].medicine_id, 0);
  const auto meds = clinical().MedicinesOfPerson(person_, D(2026, 1, 1));
  ASSERT_EQ(meds.size(), 1u);
  EXPECT_EQ(meds[0].yj_code, "2149039F1030");
  EXPECT_EQ(meds[0].facility_code, "1310000011");
  EXPECT_EQ(meds[0].visit_date, D(2026, 11, 20));
  EXPECT_EQ(meds[0].days, 28);
  EXPECT_EQ(meds[0].quantity, "1");
  const auto procs = clinical().ProceduresOfPerson(person_, D(2026, 1, 1));
  ASSERT_EQ(procs.size(), 1u);
  EXPECT_EQ(procs[0].code, "150000110");
  const auto dx = clinical().DiagnosesOfPerson(person_, D(2026, 1, 1));
  ASSERT_EQ(dx.size(), 1u);
  EXPECT_TRUE(dx[0].suspected);
  const auto visits =
      clinical().VisitsOfPerson(person_, "1310000011", D(2026, 11, 1), D(2026, 11, 30));
  ASSERT_EQ(visits.size(), 1u);
  EXPECT_EQ(visits[0].paid_yen, 3600);
  EXPECT_TRUE(
      clinical().VisitsOfPerson(person_, "1340000019", D(2026, 11, 1), D(2026, 11, 30)).empty());
}

TEST_P(ClinicalStoreTest, ABadChildRecordLeavesNoPartOfTheVisit) {
  VisitRecord v = Visit("1310000011", D(2026, 11, 20));
  MedicineRecord bad = v.medicines[0];
  bad.days = 0;  // refused by the schema's CHECK
  v.medicines.push_back(bad);
  EXPECT_THROW(clinical().AddVisit(v), StoreError);
  EXPECT_TRUE(clinical().MedicinesOfPerson(person_, D(2000, 1, 1)).empty());
  EXPECT_TRUE(clinical().VisitsOfPerson(person_, "", D(2000, 1, 1), D(2100, 1, 1)).empty());
}

TEST_P(ClinicalStoreTest, MedicinesAreReadFromACourseStillRunningOnTheDay) {
  VisitRecord old = Visit("1310000011", D(2023, 1, 10));
  VisitRecord recent = Visit("1340000019", D(2026, 10, 1));
  clinical().AddVisit(old);
  clinical().AddVisit(recent);
  // The 2023-01-10 course (28 days) ends 2023-02-06.
  EXPECT_EQ(clinical().MedicinesOfPerson(person_, D(2023, 2, 6)).size(), 2u);
  const auto later = clinical().MedicinesOfPerson(person_, D(2023, 2, 7));
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(later[0].facility_code, "1340000019");
}

TEST_P(ClinicalStoreTest, InsurersCheckupsAndClaimTotals) {
  clinical().AddCheckup({0, person_, "06139992", D(2026, 6, 1), "3D046000001906202", "5.6", "%"});
  const auto c = clinical().CheckupsOfPerson(person_);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].value, "5.6");
  ClaimTotalRecord claim{
      0,       person_, "06139992", "1310000011", D(2026, 10, 1), CareSetting::kInpatient,
      1000000, 87430};
  clinical().AddClaimTotal(claim);
  EXPECT_THROW(clinical().AddClaimTotal(claim), StoreError);  // the same month filed twice
  const auto claims = clinical().ClaimTotalsOfPerson(person_);
  ASSERT_EQ(claims.size(), 1u);
  EXPECT_EQ(claims[0].setting, CareSetting::kInpatient);
  EXPECT_EQ(claims[0].self_pay_yen, 87430);
}

TEST_P(ClinicalStoreTest, MastersAreReplacedWholeOrNotAtAll) {
  clinical().ReplaceDrugMaster({{"2149039F1030", "薬A", "錠"}, {"1124017F1010", "薬B", "錠"}});
  EXPECT_EQ(clinical().CountMasters().drugs, 2);
  // A file naming a code twice changes nothing.
  EXPECT_THROW(
      clinical().ReplaceDrugMaster({{"3999999F1010", "薬C", "錠"}, {"3999999F1010", "薬C", "錠"}}),
      StoreError);
  EXPECT_EQ(clinical().CountMasters().drugs, 2);
  EXPECT_EQ(clinical().GetDrug("1124017F1010")->name, "薬B");
  EXPECT_FALSE(clinical().GetDrug("3999999F1010"));
  clinical().ReplaceProcedureMaster({{"150000110", "手術", "K"}});
  EXPECT_EQ(clinical().GetProcedure("150000110")->section, "K");
  clinical().ReplaceDiseaseMaster({{"8833421", "病名"}});
  EXPECT_EQ(clinical().GetDisease("8833421")->name, "病名");
  clinical().ReplaceInteractions(
      {{"6152005", "2189016", InteractionSeverity::kContraindicated, "理由"}});
  const InteractionTable t = clinical().Interactions();
  ASSERT_NE(t.Find("2189016", "6152005"), nullptr);
  EXPECT_EQ(t.Find("2189016", "6152005")->severity, InteractionSeverity::kContraindicated);
}

std::string BackendName(const ::testing::TestParamInfo<std::string>& info) {
  return info.param;
}

INSTANTIATE_TEST_SUITE_P(Backends, ClinicalStoreTest, ::testing::Values("sqlite", "postgresql"),
                         BackendName);

}  // namespace
}  // namespace onshi::store
