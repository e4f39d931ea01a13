// The intermediate server end to end over a real SQLite store: reception
// (validation, the registry check, 枝番 uniqueness), the lag in business
// days, the linker's forms, documents, idempotent re-runs.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <sstream>
#include <thread>

#include "core/copay.hpp"
#include "core/eligibility.hpp"
#include "core/portal_status.hpp"
#include "intake/submission_reader.hpp"
#include "intermediate/document_sweep.hpp"
#include "intermediate/error_report.hpp"
#include "intermediate/importer.hpp"
#include "intermediate/linker.hpp"
#include "municipal/resident_registry.hpp"
#include "store/store.hpp"

namespace onshi::intermediate {
namespace {

namespace fs = std::filesystem;

constexpr const char* kInsurer = "06139992";
constexpr const char* kHeader =
    "submission_id,form,my_number,name,name_kana,birth_date,sex,postcode,address,symbol,number,"
    "branch,event_date,loss_reason,certificate_wanted\n";

Date D(int y, int m, int d) {
  return Date::FromYmd(y, m, d);
}

struct Resident {
  MyNumber my_number;
  store::PersonRecord person;
};

class IntermediateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("intermediate-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = (dir_ / "t.db").string();
    store_ = store::OpenStore(db_, (dir_ / "t.keys").string());
    store::InsurerRecord ins;
    ins.insurer_number = kInsurer;
    ins.name = "オンシ健康保険組合";
    ins.category = "組合健保";
    ins.link_lag_business_days = 2;
    store_->PutInsurer(ins);
    taro_ = AddResident("山田\u3000太郎", "ヤマダ\u3000タロウ", D(1980, 5, 5), Sex::kMale,
                        "東京都千代田区霞が関一丁目２番３号", 1);
    hanako_ = AddResident("山田\u3000花子", "ヤマダ\u3000ハナコ", D(1982, 7, 7), Sex::kFemale,
                          "東京都千代田区霞が関一丁目２番３号", 2);
    jiro_ = AddResident("髙橋\u3000次郎", "タカハシ\u3000ジロウ", D(1990, 1, 20), Sex::kMale,
                        "大阪府大阪市北区梅田３－１－１", 3);
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  Resident AddResident(std::string name, std::string kana, Date birth, Sex sex, std::string address,
                       uint64_t base) {
    store::PersonRecord p;
    p.name = std::move(name);
    p.name_kana = std::move(kana);
    p.birth_date = birth;
    p.sex = sex;
    p.postcode = "100-0013";
    p.address = std::move(address);
    const MyNumber n = MyNumber::FromBase(77'000'000'000ULL + base);
    p.person_id = store_->AddPerson(p, n);
    return {n, p};
  }

  static std::string Digits(const Resident& r) {
    return std::string(r.my_number.digits_for_hashing());
  }

  // One CSV line; fields in kHeader order.
  static std::string Line(const std::string& id, const std::string& form, const std::string& mn,
                          const std::string& name, const std::string& kana,
                          const std::string& birth, const std::string& sex,
                          const std::string& address, const std::string& branch,
                          const std::string& event, const std::string& reason = "",
                          const std::string& tick = "0", const std::string& number = "1234") {
    return id + "," + form + "," + mn + "," + name + "," + kana + "," + birth + "," + sex +
           ",100-0013," + address + ",10," + number + "," + branch + "," + event + "," + reason +
           "," + tick + "\n";
  }

  std::string TaroLine(const std::string& id = "S1", const std::string& tick = "0") {
    return Line(id, "acquisition", Digits(taro_), "山田　太郎", "ヤマダ　タロウ", "19800505", "1",
                "東京都千代田区霞が関1-2-3", "00", "20250401", "", tick);
  }
  std::string HanakoLine(const std::string& id = "S2") {
    return Line(id, "dependent_add", Digits(hanako_), "山田　花子", "ﾔﾏﾀﾞ ﾊﾅｺ", "19820707", "2",
                "東京都千代田区霞ヶ関一丁目2番3号", "01", "20250401");
  }

  // The sender and the time of receipt; no read-ahead connection.
  static ImportOptions Options(Date received = D(2025, 4, 25)) {
    ImportOptions o;
    o.insurer_number = kInsurer;
    o.received_on = received;
    o.at = "2025-04-25T01:00:00Z";
    o.actor = std::string("insurer:") + kInsurer;
    return o;
  }

  ImportReport Import(const std::string& body, Date received = D(2025, 4, 25)) {
    auto reader = intake::SubmissionReader::FromString(body, intake::Format::kCsv);
    EXPECT_TRUE(reader.ok()) << (reader.ok() ? "" : reader.error().ToString());
    ImportOptions o = Options(received);
    o.batch_size = 3;  // several batches even in small tests
    // As `onshi import` runs: the registry is asked ahead on a second
    // connection while the previous batch is written.
    o.open_reader = [this] { return store::OpenStore(db_, (dir_ / "t.keys").string()); };
    return ImportSubmissions(*store_, *reader, o);
  }

  LinkReport Link(Date today) {
    LinkOptions o;
    o.today = today;
    o.at = today.ToIso() + "T00:00:00Z";
    return RunLinker(*store_, o);
  }

  // A 住民異動 recorded at the municipal window (municipal/resident_registry).
  Expected<municipal::RegistryEventResult> Record(RegistryEventKind kind, const Resident& who,
                                                  Date effective, const std::string& address,
                                                  const std::string& name = "",
                                                  const std::string& kana = "",
                                                  Date today = D(2025, 6, 30)) {
    municipal::RegistryEventRequest r;
    r.person_id = who.person.person_id;
    r.kind = kind;
    r.effective_on = effective;
    r.address = address;
    r.name = name;
    r.name_kana = kana;
    r.municipality = "131016";
    return municipal::RecordRegistryEvent(*store_, r, today, "municipal:131016",
                                          today.ToIso() + "T00:00:00Z");
  }

  // Makes the database refuse, as a full disk would, every submission row
  // for which `condition` (SQL on NEW) holds: a trigger behind the store.
  void RefuseSubmissionsWhere(const std::string& condition) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(db_.c_str(), &db), SQLITE_OK);
    const std::string sql = "CREATE TRIGGER refuse BEFORE INSERT ON submissions WHEN " + condition +
                            " BEGIN SELECT RAISE(ABORT, 'disk full'); END";
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }

  EligibilityDecision Check(const std::string& branch, Date on, Date today) {
    InsuranceCardQuery q;
    q.insurer_number = kInsurer;
    q.symbol = "10";
    q.number = "1234";
    q.branch = branch;
    q.birth_date = branch == "01" ? D(1982, 7, 7) : D(1980, 5, 5);
    const auto records = store::LoadForCardQuery(*store_, q);
    return DecideByInsuranceCard(q, records, on, today);
  }

  fs::path dir_;
  std::string db_;
  std::unique_ptr<store::Store> store_;
  Resident taro_{MyNumber::FromBase(0), {}}, hanako_{MyNumber::FromBase(0), {}},
      jiro_{MyNumber::FromBase(0), {}};
};

// R-LINK-3: received Friday 2025-04-25 with a lag of 2 business days: Monday
// 28th is one, Tuesday 29th is 昭和の日, so the record links on Wednesday 30th.
// R-LINK-2: until then facilities see no qualification, flagged as the lag.
TEST_F(IntermediateTest, AcquisitionLinksAfterLagInBusinessDaysOverWeekendAndHoliday_RLINK3) {
  const ImportReport r = Import(std::string(kHeader) + TaroLine());
  EXPECT_EQ(r.queued, 1);
  EXPECT_EQ(r.rejected, 0);
  auto sub = store_->GetSubmission(kInsurer, "S1");
  ASSERT_TRUE(sub);
  EXPECT_EQ(sub->state, LinkageState::kSubmitted);
  EXPECT_EQ(sub->due_on, D(2025, 4, 30));
  EXPECT_EQ(PortalStatusOf(sub->state, sub->due_on, D(2025, 4, 28)).label, "データ連携中");

  auto before = Check("00", D(2025, 4, 28), D(2025, 4, 28));
  EXPECT_EQ(before.validity, QualificationValidity::kNotFound);
  EXPECT_EQ(before.reason, EligibilityReason::kLinkagePending);
  EXPECT_TRUE(before.likely_time_lag);  // R-LINK-4: within 3 months of joining

  for (Date d : {D(2025, 4, 26), D(2025, 4, 27), D(2025, 4, 28), D(2025, 4, 29)}) {
    EXPECT_EQ(Link(d).linked, 0) << d.ToIso();
  }
  EXPECT_EQ(store_->GetSubmission(kInsurer, "S1")->state, LinkageState::kSubmitted);
  EXPECT_EQ(Link(D(2025, 4, 30)).linked, 1);
  sub = store_->GetSubmission(kInsurer, "S1");
  EXPECT_EQ(sub->state, LinkageState::kLinked);
  EXPECT_EQ(sub->linked_on, D(2025, 4, 30));
  EXPECT_EQ(PortalStatusOf(sub->state, sub->due_on, D(2025, 4, 30)).label, "登録済み");

  auto after = Check("00", D(2025, 4, 30), D(2025, 4, 30));
  EXPECT_EQ(after.validity, QualificationValidity::kValid);
  // Answers as of a past date use the acquisition date, not the link date.
  EXPECT_EQ(Check("00", D(2025, 4, 1), D(2025, 4, 30)).validity, QualificationValidity::kValid);
  EXPECT_EQ(Check("00", D(2025, 3, 31), D(2025, 4, 30)).validity, QualificationValidity::kNotFound);
  // Running the linker again changes nothing.
  EXPECT_EQ(Link(D(2025, 5, 1)).linked, 0);
}

TEST_F(IntermediateTest, ZeroLagLinksOnTheDayOfReceiptIfItIsABusinessDay_RLINK3) {
  auto ins = *store_->GetInsurer(kInsurer);
  ins.link_lag_business_days = 0;
  store_->PutInsurer(ins);
  Import(std::string(kHeader) + TaroLine(), D(2025, 5, 3));  // Saturday of Golden Week
  EXPECT_EQ(store_->GetSubmission(kInsurer, "S1")->due_on, D(2025, 5, 7));
}

// R-DOC-1: a notice for every new member; R-DOC-5: a 資格確認書 when ticked.
TEST_F(IntermediateTest, NewMembersGetNoticeAndTickedCertificate_RDOC1_RDOC5) {
  const ImportReport r = Import(std::string(kHeader) + TaroLine("S1", "1") + HanakoLine());
  EXPECT_EQ(r.queued, 2);
  auto taro = store_->FindMemberId(kInsurer, "10", "1234", "00");
  auto hanako = store_->FindMemberId(kInsurer, "10", "1234", "01");
  ASSERT_TRUE(taro && hanako);
  const auto td = store_->DocumentsOfMember(*taro);
  ASSERT_EQ(td.size(), 2u);
  EXPECT_EQ(td[0].kind, DocumentKind::kQualificationNotice);
  EXPECT_EQ(td[0].reason, "R-DOC-1");
  EXPECT_EQ(td[1].kind, DocumentKind::kCertificate);
  EXPECT_EQ(td[1].reason, "R-DOC-5");
  const auto hd = store_->DocumentsOfMember(*hanako);
  ASSERT_EQ(hd.size(), 1u);
  EXPECT_EQ(hd[0].kind, DocumentKind::kQualificationNotice);

  // R-DOC-5: no tick and no マイナ保険証 → a certificate 30–50 days after
  // acquisition, issued by the daily job, once.
  Link(D(2025, 4, 30));
  EXPECT_EQ(RecordAllDueDocuments(*store_, D(2025, 5, 20)), 1);  // day 49 after 4/1: due
  EXPECT_EQ(store_->DocumentsOfMember(*hanako).size(), 2u);
  EXPECT_EQ(RecordAllDueDocuments(*store_, D(2025, 5, 21)), 0);
  EXPECT_EQ(store_->DocumentsOfMember(*hanako).size(), 2u);
  EXPECT_EQ(store_->DocumentsOfMember(*taro).size(), 2u);  // already has one
}

TEST_F(IntermediateTest, DependentNeedsInsuredAndCarriesInsuredName) {
  // A dependent with no insured person under the 記号・番号 is refused.
  ImportReport r = Import(std::string(kHeader) + HanakoLine("D0"));
  ASSERT_EQ(r.rejected, 1);
  EXPECT_EQ(r.errors[0].line, 2);
  EXPECT_EQ(r.errors[0].field, "number");
  r = Import(std::string(kHeader) + TaroLine() + HanakoLine());
  EXPECT_EQ(r.queued, 2);
  auto hanako = store_->GetQualification(*store_->FindMemberId(kInsurer, "10", "1234", "01"));
  EXPECT_EQ(hanako->personal_family, PersonalFamily::kDependent);
  EXPECT_EQ(hanako->attributes[0].insured_name, "山田\u3000太郎");
  EXPECT_EQ(hanako->attributes[0].name_kana, "ヤマダ\u3000ハナコ");  // widened from half-width
  EXPECT_EQ(hanako->copay_percent, 30);
}

// 枝番 must be unique within 記号・番号: in the store and within one file.
TEST_F(IntermediateTest, BranchNumberMustBeUniqueWithinSymbolAndNumber) {
  const std::string dup =
      Line("S9", "dependent_add", Digits(jiro_), "髙橋　次郎", "タカハシ　ジロウ", "19900120", "1",
           "大阪府大阪市北区梅田3-1-1", "00", "20250401");
  ImportReport r = Import(std::string(kHeader) + TaroLine() + dup);
  EXPECT_EQ(r.queued, 1);
  ASSERT_EQ(r.rejected, 1);
  EXPECT_EQ(r.errors[0].line, 3);
  EXPECT_EQ(r.errors[0].field, "branch");
  EXPECT_NE(r.errors[0].reason.find("unique"), std::string::npos);
}

// R-LINK-4 and the 紐付け誤り incidents: a form whose basic information does
// not match the registry for its My Number is a registration error naming the
// fields, and no member record is created for anybody.
TEST_F(IntermediateTest, RegistryMismatchIsRegistrationErrorNamingFieldsAndLinksNobody_RLINK4) {
  struct Case {
    std::string id, name, kana, birth, sex, address, field;
  };
  const std::vector<Case> cases = {
      {"M1", "山田　太朗", "ヤマダ　タロウ", "19800505", "1", "東京都千代田区霞が関1-2-3", "name"},
      {"M2", "山田　太郎", "ヤマダ　タロ", "19800505", "1", "東京都千代田区霞が関1-2-3",
       "name_kana"},
      {"M3", "山田　太郎", "ヤマダ　タロウ", "19800506", "1", "東京都千代田区霞が関1-2-3",
       "birth_date"},
      {"M4", "山田　太郎", "ヤマダ　タロウ", "19800505", "2", "東京都千代田区霞が関1-2-3", "sex"},
      {"M5", "山田　太郎", "ヤマダ　タロウ", "19800505", "1", "東京都千代田区霞が関1-2-4",
       "address"},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    const std::string line =
        Line(c.id, "acquisition", Digits(taro_), c.name, c.kana, c.birth, c.sex, c.address, "00",
             "20250401", "", "0", std::to_string(5000 + i));
    const ImportReport r = Import(std::string(kHeader) + line);
    EXPECT_EQ(r.registration_errors, 1) << c.id;
    ASSERT_EQ(r.registration_problems.size(), 1u) << c.id;
    EXPECT_EQ(r.registration_problems[0].field, c.field) << c.id;
    EXPECT_EQ(r.registration_problems[0].line, 2) << c.id;
    auto sub = store_->GetSubmission(kInsurer, c.id);
    ASSERT_TRUE(sub);
    EXPECT_EQ(sub->state, LinkageState::kRegistrationError);
    EXPECT_EQ(sub->error_fields, c.field);
    EXPECT_EQ(sub->member_id, 0);
    EXPECT_FALSE(store_->FindMemberId(kInsurer, "10", std::to_string(5000 + i), "00"));
  }
  EXPECT_TRUE(store_->QualificationsOfPerson(taro_.person.person_id).empty());
  // The person the number names sees on the portal the errors that are
  // theirs (a stale reading or address: M2, M5); forms whose name, birth date
  // or sex differ may carry someone else's data and are filed under nobody.
  const auto mine = store_->SubmissionsOfPerson(taro_.person.person_id);
  ASSERT_EQ(mine.size(), 2u);
  EXPECT_EQ(mine[0].submission_id, "M2");
  EXPECT_EQ(mine[1].submission_id, "M5");
  EXPECT_EQ(store_->GetSubmission(kInsurer, "M1")->person_id, 0);
  EXPECT_EQ(PortalStatusOf(mine[0].state, mine[0].due_on, D(2025, 5, 1)).label,
            "登録エラー: 勤務先に確認");
  // The linker never links them.
  EXPECT_EQ(Link(D(2025, 6, 1)).linked, 0);
}

TEST_F(IntermediateTest, UnknownMyNumberOrSomeoneElsesIsRegistrationError_RLINK4) {
  // A valid check digit that nobody holds.
  const std::string unknown = Line(
      "U1", "acquisition", std::string(MyNumber::FromBase(123).digits_for_hashing()), "山田　太郎",
      "ヤマダ　タロウ", "19800505", "1", "東京都千代田区霞が関1-2-3", "00", "20250401");
  // Taro's data with Jiro's number: the 2023 incident pattern.
  const std::string swapped =
      Line("U2", "acquisition", Digits(jiro_), "山田　太郎", "ヤマダ　タロウ", "19800505", "1",
           "東京都千代田区霞が関1-2-3", "00", "20250401", "", "0", "777");
  const ImportReport r = Import(std::string(kHeader) + unknown + swapped);
  EXPECT_EQ(r.registration_errors, 2);
  EXPECT_EQ(store_->GetSubmission(kInsurer, "U1")->error_fields, "my_number");
  EXPECT_EQ(store_->GetSubmission(kInsurer, "U2")->error_fields,
            "name,name_kana,birth_date,address");
  EXPECT_TRUE(store_->QualificationsOfPerson(jiro_.person.person_id).empty());
  // Nor is Taro's data filed under Jiro, or in Jiro's audit trail.
  EXPECT_TRUE(store_->SubmissionsOfPerson(jiro_.person.person_id).empty());
  EXPECT_TRUE(store_->AuditOfPerson(jiro_.person.person_id).empty());
}

// Variants the registry check must accept (R-LINK-4 is about inaccurate data,
// not about how it is written): 髙/高, half-width kana, address forms.
TEST_F(IntermediateTest, NormalisedVariantsMatchTheRegistry) {
  const std::string line =
      Line("N1", "acquisition", Digits(jiro_), "高橋 次郎", "ﾀｶﾊｼ ｼﾞﾛｳ", "1990-01-20", "男",
           "大阪府大阪市北区梅田三丁目1番1号", "00", "R7.4.1", "", "0", "900");
  const ImportReport r = Import(std::string(kHeader) + line);
  EXPECT_EQ(r.queued, 1) << (r.registration_problems.empty() ? ""
                                                             : r.registration_problems[0].field);
}

// Every validation error names its line and field; good lines still land.
TEST_F(IntermediateTest, EachValidationErrorHasLineAndFieldAndGoodLinesLand) {
  std::string bad_digit = Digits(jiro_);
  bad_digit[11] = static_cast<char>('0' + (bad_digit[11] - '0' + 1) % 10);
  struct Bad {
    std::string line, field;
  };
  const std::vector<Bad> bads = {
      {Line("B1", "acquisition", bad_digit, "髙橋　次郎", "タカハシ　ジロウ", "19900120", "1",
            "大阪", "00", "20250401"),
       "my_number"},
      {Line("B2", "acquisition", Digits(jiro_), "髙橋　次郎", "タカハシ　ジロウ", "19901320", "1",
            "大阪", "00", "20250401"),
       "birth_date"},
      {Line("B3", "acquisition", Digits(jiro_), "", "タカハシ　ジロウ", "19900120", "1", "大阪",
            "00", "20250401"),
       "name"},
      {Line("B4", "acquisition", Digits(jiro_), "髙橋　次郎", "", "19900120", "1", "大阪", "00",
            "20250401"),
       "name_kana"},
      {Line("B5", "acquisition", Digits(jiro_), "髙橋　次郎", "高橋", "19900120", "1", "大阪", "00",
            "20250401"),
       "name_kana"},
      {Line("B6", "acquisition", Digits(jiro_), "髙橋　次郎", "タカハシ　ジロウ", "19900120", "3",
            "大阪", "00", "20250401"),
       "sex"},
      {Line("B7", "acquisition", Digits(jiro_), "髙橋　次郎", "タカハシ　ジロウ", "19900120", "1",
            "", "00", "20250401"),
       "address"},
      {Line("B8", "acquisition", Digits(jiro_), "髙橋　次郎", "タカハシ　ジロウ", "19900120", "1",
            "大阪", "", "20250401"),
       "branch"},
      {Line("B9", "acquisition", Digits(jiro_), "髙橋　次郎", "タカハシ　ジロウ", "19900120", "1",
            "大阪", "00", "19800101"),
       "event_date"},
      {Line("B10", "nyusha", Digits(jiro_), "髙橋　次郎", "タカハシ　ジロウ", "19900120", "1",
            "大阪", "00", "20250401"),
       "form"},
      {Line("B11", "loss", Digits(jiro_), "髙橋　次郎", "タカハシ　ジロウ", "19900120", "1", "",
            "00", "20250401"),
       "loss_reason"},
      {Line("B12", "acquisition", Digits(jiro_), "髙橋　次郎", "タカハシ　ジロウ", "19900120", "1",
            "大阪", "00", "20250401", "", "maybe"),
       "certificate_wanted"},
      {Line("B13", "loss", Digits(jiro_), "髙橋　次郎", "タカハシ　ジロウ", "19900120", "1", "",
            "00", "20250401", "99", "0", "404"),
       "branch"},  // no such member
      {Line("S1", "acquisition", Digits(hanako_), "山田　花子", "ヤマダ　ハナコ", "19820707", "2",
            "東京都千代田区霞が関1-2-3", "05", "20250401", "", "0", "555"),
       "submission_id"},            // id again
      {"B15,acquisition,1\n", ""},  // wrong number of fields
  };
  std::string body = std::string(kHeader) + TaroLine();
  for (const Bad& b : bads)
    body += b.line;
  const ImportReport r = Import(body);
  EXPECT_EQ(r.queued, 1);
  EXPECT_EQ(r.rejected, static_cast<int64_t>(bads.size()));
  EXPECT_EQ(r.records, static_cast<int64_t>(bads.size()) + 1);
  for (size_t i = 0; i < bads.size(); ++i) {
    const int64_t line = static_cast<int64_t>(i) + 3;
    bool found = false;
    for (const FieldError& e : r.errors) {
      if (e.line == line && e.field == bads[i].field) found = true;
    }
    EXPECT_TRUE(found) << "line " << line << " should have an error on \"" << bads[i].field << "\"";
  }
  EXPECT_TRUE(store_->GetSubmission(kInsurer, "S1"));
  EXPECT_EQ(store_->Counts().members, 1);
}

// The same forms as JSON lines: keys are the field names, values strings or
// numbers; errors keep their line numbers.
TEST_F(IntermediateTest, JsonLinesFormsAreReceivedLikeCsv) {
  const std::string body =
      "{\"submission_id\":\"J1\",\"form\":\"acquisition\",\"my_number\":\"" + Digits(taro_) +
      "\",\"name\":\"山田　太郎\",\"name_kana\":\"ヤマダ　タロウ\",\"birth_date\":\"1980-05-05\","
      "\"sex\":1,\"postcode\":\"100-0013\",\"address\":\"東京都千代田区霞が関1-2-3\",\"symbol\":"
      "\"10\","
      "\"number\":\"1234\",\"branch\":\"00\",\"event_date\":\"20250401\",\"certificate_wanted\":"
      "true}\n"
      "{\"submission_id\":\"J2\",\"form\":\"acquisition\",\"my_number\":\"12\"}\n"
      "not json\n";
  auto reader = intake::SubmissionReader::FromString(body, intake::Format::kJsonLines);
  ASSERT_TRUE(reader.ok());
  ImportOptions o = Options();
  const ImportReport r = ImportSubmissions(*store_, *reader, o);
  EXPECT_EQ(r.records, 3);
  EXPECT_EQ(r.queued, 1);
  EXPECT_EQ(r.rejected, 2);
  ASSERT_FALSE(r.errors.empty());
  EXPECT_EQ(r.errors.front().line, 2);
  EXPECT_EQ(r.errors.back().line, 3);
  auto id = store_->FindMemberId(kInsurer, "10", "1234", "00");
  ASSERT_TRUE(id);
  EXPECT_EQ(store_->DocumentsOfMember(*id).size(), 2u);  // notice + the ticked 資格確認書
}

// The read-ahead thread's registry answer is the one reception judges by:
// pointed at another registry that knows 太郎's number under another name,
// the same line becomes a registration error; without a read-ahead
// connection the writer asks its own database and the line is queued.
TEST_F(IntermediateTest, ReadAheadRegistryAnswerIsTheOneReceptionUses_RLINK4) {
  const fs::path other_db = dir_ / "other.db";
  {
    auto other = store::OpenStore(other_db.string(), (dir_ / "other.keys").string());
    store::PersonRecord p = taro_.person;
    p.name = "山田\u3000一郎";
    other->AddPerson(p, taro_.my_number);
  }
  auto run = [&](const std::string& id, bool other_registry) {
    auto reader = intake::SubmissionReader::FromString(std::string(kHeader) + TaroLine(id),
                                                       intake::Format::kCsv);
    EXPECT_TRUE(reader.ok());
    ImportOptions o = Options();
    if (other_registry) {
      o.open_reader = [&] {
        return store::OpenStore(other_db.string(), (dir_ / "other.keys").string());
      };
    }
    return ImportSubmissions(*store_, *reader, o);
  };
  const ImportReport mismatched = run("R1", true);
  EXPECT_EQ(mismatched.registration_errors, 1);
  EXPECT_EQ(mismatched.queued, 0);
  ASSERT_EQ(mismatched.registration_problems.size(), 1u);
  EXPECT_EQ(mismatched.registration_problems[0].field, "name");
  EXPECT_FALSE(store_->FindMemberId(kInsurer, "10", "1234", "00"));

  const ImportReport own = run("R2", false);
  EXPECT_EQ(own.queued, 1);
  EXPECT_EQ(own.registration_errors, 0);
}

// The read-ahead connection is only a speed-up: when it cannot be opened the
// import runs as before, asking the registry at reception.
TEST_F(IntermediateTest, ImportWithoutItsReadAheadConnectionStillReceivesEverything) {
  auto reader = intake::SubmissionReader::FromString(
      std::string(kHeader) + TaroLine("U1") + HanakoLine("U2"), intake::Format::kCsv);
  ASSERT_TRUE(reader.ok());
  ImportOptions o = Options();
  o.batch_size = 1;
  o.open_reader = []() -> std::unique_ptr<store::Store> {
    throw store::StoreUnavailable("too many connections");
  };
  const ImportReport r = ImportSubmissions(*store_, *reader, o);
  EXPECT_EQ(r.records, 2);
  EXPECT_EQ(r.queued, 2);
  EXPECT_EQ(r.registration_errors, 0);
}

// Re-sending a file is harmless: every id is already received, nothing changes.
TEST_F(IntermediateTest, RerunIsIdempotentBySubmissionId) {
  const std::string body = std::string(kHeader) + TaroLine() + HanakoLine();
  EXPECT_EQ(Import(body).queued, 2);
  const auto before = store_->Counts();
  const ImportReport again = Import(body, D(2025, 4, 28));
  EXPECT_EQ(again.already_received, 2);
  EXPECT_EQ(again.queued, 0);
  const auto after = store_->Counts();
  EXPECT_EQ(after.members, before.members);
  EXPECT_EQ(after.documents, before.documents);
  EXPECT_EQ(after.submissions, before.submissions);
  // The original receipt date (and so the due date) stands.
  EXPECT_EQ(store_->GetSubmission(kInsurer, "S1")->received_on, D(2025, 4, 25));
}

// Issue 15: a 受付番号 received again with other content was counted as
// "already received" and dropped (26 people's forms in the field). Now it is
// a conflict reported on its line, nothing stored changes, and the same
// content stays idempotent.
TEST_F(IntermediateTest, AReceivedIdWithOtherContentIsAConflictOnItsLine) {
  ASSERT_EQ(Import(std::string(kHeader) + TaroLine("S1") + HanakoLine("S2")).queued, 2);
  const auto before = store_->Counts();
  const std::string jiro =
      Line("S2", "acquisition", Digits(jiro_), "髙橋　次郎", "タカハシ　ジロウ", "19900120", "1",
           "大阪府大阪市北区梅田3-1-1", "00", "20250401", "", "0", "5678");
  std::string jiro_new_id = jiro;
  jiro_new_id.replace(0, 2, "S3");
  const ImportReport r =
      Import(std::string(kHeader) + TaroLine("S1") + jiro + jiro_new_id, D(2025, 4, 28));
  EXPECT_EQ(r.already_received, 1);  // line 2: the same form again
  EXPECT_EQ(r.conflicts, 1);         // line 3: another person's form under S2
  EXPECT_EQ(r.rejected, 1);
  EXPECT_EQ(r.queued, 1);  // line 4: the same form under a new id
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].line, 3);
  EXPECT_EQ(r.errors[0].field, "submission_id");
  EXPECT_NE(r.errors[0].reason.find("S2"), std::string::npos) << r.errors[0].reason;
  EXPECT_NE(r.errors[0].reason.find("2025-04-25"), std::string::npos) << r.errors[0].reason;
  EXPECT_NE(r.errors[0].reason.find("name"), std::string::npos) << r.errors[0].reason;
  EXPECT_NE(r.errors[0].reason.find("新しい受付番号"), std::string::npos) << r.errors[0].reason;
  // In the error CSV with its line number.
  const std::string csv = ImportErrorsCsv(r);
  EXPECT_NE(csv.find("3,rejected,submission_id,"), std::string::npos) << csv;
  // S2 is still 花子's form; 次郎 joined only through S3.
  const auto s2 = store_->GetSubmission(kInsurer, "S2");
  ASSERT_TRUE(s2);
  EXPECT_EQ(s2->name, "山田\u3000花子");
  EXPECT_EQ(s2->form, FormKind::kDependentAdd);
  EXPECT_EQ(store_->GetSubmission(kInsurer, "S3")->name, "髙橋\u3000次郎");
  EXPECT_EQ(store_->Counts().members, before.members + 1);
  EXPECT_EQ(store_->Counts().submissions, before.submissions + 1);
}

TEST_F(IntermediateTest, AReceivedIdWithAnotherMyNumberOnlyIsAConflictToo) {
  ASSERT_EQ(Import(std::string(kHeader) + TaroLine("S1")).queued, 1);
  // Every stored field the same; only the (unstored) My Number differs.
  std::string other = TaroLine("S1");
  other.replace(other.find(Digits(taro_)), 12, Digits(jiro_));
  const ImportReport r = Import(std::string(kHeader) + other, D(2025, 4, 28));
  EXPECT_EQ(r.conflicts, 1);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].reason.find("my_number"), std::string::npos) << r.errors[0].reason;
  EXPECT_EQ(r.errors[0].reason.find(Digits(jiro_)), std::string::npos);  // never the number
  // Written the other way (full-width, 和暦, half-width kana), the same form
  // is the same form.
  const std::string same_read_differently =
      Line("S1", "資格取得届", Digits(taro_), "山田 太郎", "ﾔﾏﾀﾞ ﾀﾛｳ", "S55.5.5", "男",
           "東京都千代田区霞が関1-2-3", "0", "R7.4.1");
  const ImportReport again = Import(std::string(kHeader) + same_read_differently, D(2025, 4, 28));
  EXPECT_EQ(again.conflicts, 0) << (again.errors.empty() ? "" : again.errors[0].reason);
  EXPECT_EQ(again.already_received, 1);
}

TEST_F(IntermediateTest, FormsReceivedBeforeDigestsAreComparedOnTheirStoredFields) {
  ASSERT_EQ(Import(std::string(kHeader) + TaroLine("S1")).queued, 1);
  store_.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(
      sqlite3_exec(db, "UPDATE submissions SET content_digest = ''", nullptr, nullptr, nullptr),
      SQLITE_OK);
  sqlite3_close(db);
  store_ = store::OpenStore(db_, (dir_ / "t.keys").string());
  EXPECT_EQ(Import(std::string(kHeader) + TaroLine("S1"), D(2025, 4, 28)).already_received, 1);
  std::string renamed = TaroLine("S1");
  renamed.replace(renamed.find("山田　太郎"), std::string("山田　太郎").size(), "山田　一郎");
  const ImportReport r = Import(std::string(kHeader) + renamed, D(2025, 4, 28));
  EXPECT_EQ(r.conflicts, 1);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].reason.find("name"), std::string::npos) << r.errors[0].reason;
}

// 資格喪失届: the insured person's loss ends the dependents' too, when linked.
TEST_F(IntermediateTest, LossOfInsuredEndsDependentsWhenLinked) {
  Import(std::string(kHeader) + TaroLine() + HanakoLine());
  Link(D(2025, 4, 30));
  const std::string loss = Line("L1", "loss", Digits(taro_), "山田　太郎", "", "19800505", "1", "",
                                "00", "20250601", "03");
  const ImportReport r = Import(std::string(kHeader) + loss, D(2025, 6, 2));
  ASSERT_EQ(r.queued, 1) << (r.errors.empty() ? "" : r.errors[0].reason);
  // Not yet linked: facilities still see the member as insured (data lag).
  EXPECT_EQ(Check("00", D(2025, 6, 2), D(2025, 6, 2)).validity, QualificationValidity::kValid);
  Link(D(2025, 6, 4));
  EXPECT_EQ(Check("00", D(2025, 6, 4), D(2025, 6, 4)).validity, QualificationValidity::kInvalid);
  EXPECT_EQ(Check("01", D(2025, 6, 4), D(2025, 6, 4)).validity, QualificationValidity::kInvalid);
  EXPECT_EQ(Check("00", D(2025, 5, 31), D(2025, 6, 4)).validity, QualificationValidity::kValid);
  auto taro = store_->GetQualification(*store_->FindMemberId(kInsurer, "10", "1234", "00"));
  EXPECT_EQ(taro->loss_reason, LossReason::kOtherInsurance);
  auto hanako = store_->GetQualification(*store_->FindMemberId(kInsurer, "10", "1234", "01"));
  EXPECT_EQ(hanako->lost, D(2025, 6, 1));
  EXPECT_EQ(hanako->loss_reason, LossReason::kOther);
  // A second loss for the same member is refused at the door.
  const std::string again = Line("L2", "loss", Digits(taro_), "山田　太郎", "", "19800505", "1", "",
                                 "00", "20250601", "03");
  EXPECT_EQ(Import(std::string(kHeader) + again, D(2025, 6, 5)).rejected, 1);
}

TEST_F(IntermediateTest, DependentRemovalEndsOnlyThatDependentAndFormMustFitRelation) {
  Import(std::string(kHeader) + TaroLine() + HanakoLine());
  Link(D(2025, 4, 30));
  // 資格喪失届 for a dependent is the wrong form.
  const std::string wrong = Line("R0", "loss", Digits(hanako_), "山田　花子", "", "19820707", "2",
                                 "", "01", "20250601", "99");
  ImportReport r = Import(std::string(kHeader) + wrong, D(2025, 6, 2));
  ASSERT_EQ(r.rejected, 1);
  EXPECT_EQ(r.errors[0].field, "form");
  const std::string remove = Line("R1", "dependent_remove", Digits(hanako_), "山田　花子", "",
                                  "19820707", "2", "", "01", "20250601", "99");
  r = Import(std::string(kHeader) + remove, D(2025, 6, 2));
  ASSERT_EQ(r.queued, 1);
  Link(D(2025, 6, 4));
  EXPECT_EQ(Check("01", D(2025, 6, 4), D(2025, 6, 4)).validity, QualificationValidity::kInvalid);
  EXPECT_EQ(Check("00", D(2025, 6, 4), D(2025, 6, 4)).validity, QualificationValidity::kValid);
}

// A loss or change must carry the member's own My Number.
TEST_F(IntermediateTest, LossWithAnotherPersonsMyNumberIsNeverApplied) {
  Import(std::string(kHeader) + TaroLine());
  Link(D(2025, 4, 30));
  const std::string loss = Line("X1", "loss", Digits(jiro_), "髙橋　次郎", "", "19900120", "1", "",
                                "00", "20250601", "03");
  const ImportReport r = Import(std::string(kHeader) + loss, D(2025, 6, 2));
  EXPECT_EQ(r.registration_errors, 1);
  EXPECT_EQ(r.registration_problems[0].field, "my_number");
  Link(D(2025, 6, 10));
  EXPECT_EQ(Check("00", D(2025, 6, 10), D(2025, 6, 10)).validity, QualificationValidity::kValid);
}

// 変更届: new name and address from the filed date; earlier dates keep the
// old ones; the dependents' 被保険者氏名 follows.
TEST_F(IntermediateTest, ChangeAppliesFromItsDateAndUpdatesDependentsInsuredName) {
  Import(std::string(kHeader) + TaroLine() + HanakoLine());
  Link(D(2025, 4, 30));
  // The registry already has the new name (the municipality recorded the
  // 氏名変更 first, R-LINK-4).
  ASSERT_TRUE(Record(RegistryEventKind::kRenamed, taro_, D(2025, 5, 20), "", "佐藤　太郎",
                     "サトウ　タロウ", D(2025, 5, 21))
                  .ok());
  const std::string change = Line("C1", "change", Digits(taro_), "佐藤　太郎", "サトウ　タロウ",
                                  "19800505", "1", "東京都千代田区霞が関1-2-3", "00", "20250520");
  ImportReport r = Import(std::string(kHeader) + change, D(2025, 5, 21));
  ASSERT_EQ(r.queued, 1) << (r.registration_problems.empty() ? ""
                                                             : r.registration_problems[0].field);
  Link(D(2025, 5, 23));
  auto taro = store_->GetQualification(*store_->FindMemberId(kInsurer, "10", "1234", "00"));
  EXPECT_EQ(taro->AttributesOn(D(2025, 5, 19)).name, "山田\u3000太郎");
  EXPECT_EQ(taro->AttributesOn(D(2025, 5, 20)).name, "佐藤\u3000太郎");
  auto hanako = store_->GetQualification(*store_->FindMemberId(kInsurer, "10", "1234", "01"));
  EXPECT_EQ(hanako->AttributesOn(D(2025, 5, 20)).insured_name, "佐藤\u3000太郎");
  EXPECT_EQ(hanako->AttributesOn(D(2025, 5, 19)).insured_name, "山田\u3000太郎");
}

// Two linkers on one database (the server's thread and `onshi link`) apply
// each form exactly once.
TEST_F(IntermediateTest, ConcurrentLinkersApplyEachFormOnce) {
  std::string body = kHeader;
  for (int i = 0; i < 120; ++i) {
    const Resident r = AddResident("試験\u3000" + std::to_string(i), "シケン", D(1990, 1, 1),
                                   Sex::kMale, "東京都", 1000 + static_cast<uint64_t>(i));
    body += Line("C" + std::to_string(i), "acquisition", Digits(r), "試験　" + std::to_string(i),
                 "シケン", "19900101", "1", "東京都", "00", "20250401", "", "0",
                 std::to_string(7000 + i));
  }
  ASSERT_EQ(Import(body).queued, 120);
  auto run = [&] {
    auto own = store::OpenStore(db_, (dir_ / "t.keys").string());
    LinkOptions o;
    o.today = D(2025, 4, 30);
    o.at = "2025-04-30T00:00:00Z";
    o.batch_size = 7;
    RunLinker(*own, o);
  };
  std::thread a(run), b(run);
  a.join();
  b.join();
  int linked_entries = 0;
  for (const store::AuditEntry& e : store_->ReadAudit(0, 100000)) {
    linked_entries += e.action == "submission.linked";
    EXPECT_NE(e.action, "submission.failed");
  }
  EXPECT_EQ(linked_entries, 120);
  store::SubmissionFilter f;
  f.insurer_number = kInsurer;
  f.state = LinkageState::kLinked;
  EXPECT_EQ(store_->ListSubmissions(f).size(), 120u);
  EXPECT_FALSE(store::VerifyAuditChain(*store_).has_value());
}

// A database failure while linking is not the form's fault: the round fails,
// the form stays waiting, and the next round links it.
TEST_F(IntermediateTest, StoreFailureWhileLinkingLeavesTheFormWaiting) {
  Import(std::string(kHeader) + TaroLine());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "CREATE TRIGGER jam BEFORE UPDATE OF linked_on ON members WHEN "
                         "NEW.linked_on IS NOT NULL BEGIN SELECT RAISE(ABORT, 'disk full'); END",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  EXPECT_THROW(Link(D(2025, 4, 30)), store::StoreError);
  EXPECT_EQ(store_->GetSubmission(kInsurer, "S1")->state, LinkageState::kProcessing);
  ASSERT_EQ(sqlite3_exec(db, "DROP TRIGGER jam", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  EXPECT_EQ(Link(D(2025, 4, 30)).linked, 1);
  EXPECT_EQ(store_->GetSubmission(kInsurer, "S1")->state, LinkageState::kLinked);
}

// A 受付番号 is taken by the first line that carries it and is stored. When
// that line fails in the store (the batch is then redone form by form and
// the line is named "not stored"), the id is free again: the next line with
// it is received, and a third is the duplicate of that second one.
TEST_F(IntermediateTest, AnIdWhoseFirstLineWasNotStoredGoesToItsNextLine) {
  RefuseSubmissionsWhere("NEW.name = '山田　太郎'");
  const std::string jiro =
      Line("S9", "acquisition", Digits(jiro_), "髙橋　次郎", "タカハシ　ジロウ", "19900120", "1",
           "大阪府大阪市北区梅田３－１－１", "00", "20250401", "", "0", "5678");
  // Lines 2–4 are one batch (Import: 3 a batch), line 5 the next one.
  const ImportReport r =
      Import(std::string(kHeader) + TaroLine("S9") + jiro + jiro + TaroLine("S9") + jiro);
  EXPECT_EQ(r.records, 5);
  EXPECT_EQ(r.queued, 1);
  ASSERT_EQ(r.errors.size(), 4u);
  EXPECT_EQ(r.errors[0].line, 2);
  EXPECT_NE(r.errors[0].reason.find("not stored"), std::string::npos) << r.errors[0].reason;
  EXPECT_EQ(r.errors[1].line, 4);
  EXPECT_EQ(r.errors[1].reason, "受付番号 S9 is also on line 3");
  EXPECT_EQ(r.errors[2].line, 5);
  EXPECT_EQ(r.errors[2].reason, "受付番号 S9 is also on line 3");
  EXPECT_EQ(r.errors[3].line, 6);
  EXPECT_EQ(r.errors[3].reason, "受付番号 S9 is also on line 3");
  EXPECT_EQ(store_->GetSubmission(kInsurer, "S9")->name, "髙橋　次郎");
}

// A member whose form failed at link time does not block the corrected form:
// it takes the same 記号・番号・枝番 and the same member record.
TEST_F(IntermediateTest, CorrectedFormReplacesOneThatFailedAtLinkTime) {
  Import(std::string(kHeader) + TaroLine());
  const int64_t id = *store_->FindMemberId(kInsurer, "10", "1234", "00");
  store_->SetLinkage(id, LinkageState::kRegistrationError, std::nullopt, "failed at link time");
  const ImportReport r = Import(std::string(kHeader) + TaroLine("S1b"), D(2025, 5, 7));
  ASSERT_EQ(r.queued, 1) << (r.errors.empty() ? "" : r.errors[0].reason);
  EXPECT_EQ(*store_->FindMemberId(kInsurer, "10", "1234", "00"), id);
  EXPECT_EQ(store_->GetQualification(id)->linkage, LinkageState::kSubmitted);
  int notices = 0;
  for (const store::DocumentRecord& d : store_->DocumentsOfMember(id)) {
    notices += d.kind == DocumentKind::kQualificationNotice;
  }
  EXPECT_EQ(notices, 1);  // the notice is not issued twice
}

// A dependent whose first day is on or after the insured person's loss was
// never covered: the cascade ends the period where it began.
TEST_F(IntermediateTest, DependentJoiningOnOrAfterInsuredsLossIsNeverCovered) {
  Import(std::string(kHeader) + TaroLine());
  Link(D(2025, 4, 30));
  const std::string loss = Line("L1", "loss", Digits(taro_), "山田　太郎", "", "19800505", "1", "",
                                "00", "20250601", "03");
  const std::string late =
      Line("D9", "dependent_add", Digits(hanako_), "山田　花子", "ヤマダ　ハナコ", "19820707", "2",
           "東京都千代田区霞が関1-2-3", "01", "20250610");
  const ImportReport r = Import(std::string(kHeader) + loss + late, D(2025, 6, 2));
  ASSERT_EQ(r.queued, 2);
  Link(D(2025, 6, 4));
  auto hanako = store_->GetQualification(*store_->FindMemberId(kInsurer, "10", "1234", "01"));
  EXPECT_EQ(hanako->lost, D(2025, 6, 10));
  EXPECT_FALSE(hanako->Covers(D(2025, 6, 10)));
  EXPECT_EQ(Check("01", D(2025, 6, 10), D(2025, 6, 10)).validity, QualificationValidity::kInvalid);
}

// R-DOC-5 follow-up for a form filed months ahead: the window counts from
// the acquisition date, not the day of receipt.
TEST_F(IntermediateTest, FollowUpCertificateForFormFiledAheadCountsFromAcquisition_RDOC5) {
  const std::string ahead = Line("A1", "acquisition", Digits(taro_), "山田　太郎", "ヤマダ　タロウ",
                                 "19800505", "1", "東京都千代田区霞が関1-2-3", "00", "20250701");
  Import(std::string(kHeader) + ahead, D(2025, 4, 1));
  Link(D(2025, 4, 3));
  const int64_t id = *store_->FindMemberId(kInsurer, "10", "1234", "00");
  // Nothing before membership starts; the notice on the first day (R-DOC-1),
  // the 資格確認書 from day 30 (R-DOC-5), each once.
  EXPECT_TRUE(store_->DocumentsOfMember(id).empty());
  EXPECT_EQ(RecordAllDueDocuments(*store_, D(2025, 7, 1)), 1);
  EXPECT_EQ(RecordAllDueDocuments(*store_, D(2025, 7, 2)), 0);
  EXPECT_EQ(RecordAllDueDocuments(*store_, D(2025, 7, 31)), 1);
  EXPECT_EQ(RecordAllDueDocuments(*store_, D(2025, 8, 1)), 0);
  EXPECT_EQ(store_->DocumentsOfMember(id).size(), 2u);
}

// Error messages never repeat a My Number typed into another column.
TEST(ReadSubmissionTest, ErrorsNeverRepeatALongNumber) {
  RawSubmission raw;
  raw.submission_id = "X";
  raw.form = "acquisition";
  raw.birth_date = "123456789018";
  raw.event_date = "123456789018";
  auto r = ReadSubmission(raw, D(2025, 4, 1));
  ASSERT_FALSE(r.ok());
  for (const FieldError& e : r.error()) {
    EXPECT_EQ(e.reason.find("123456789018"), std::string::npos) << e.field << ": " << e.reason;
  }
}

// A store failure inside a batch rolls the batch back and redoes it record by
// record: only the failing record is refused (here a trigger makes one fail).
TEST_F(IntermediateTest, StoreFailureInsideBatchRefusesOnlyThatRecord) {
  RefuseSubmissionsWhere("NEW.submission_id = 'S2'");
  const ImportReport r = Import(std::string(kHeader) + TaroLine() + HanakoLine());
  EXPECT_EQ(r.queued, 1);
  ASSERT_EQ(r.rejected, 1);
  EXPECT_EQ(r.errors[0].line, 3);
  EXPECT_NE(r.errors[0].reason.find("disk full"), std::string::npos);
  // Nothing of the failed record is left behind: no member, no documents.
  EXPECT_FALSE(store_->FindMemberId(kInsurer, "10", "1234", "01"));
  EXPECT_EQ(store_->Counts().members, 1);
  EXPECT_EQ(store_->Counts().documents, 1);
  EXPECT_FALSE(store::VerifyAuditChain(*store_).has_value());
}

TEST_F(IntermediateTest, ErrorReportCsvNamesFieldsButNotRegistryValues) {
  const std::string swapped =
      Line("U2", "acquisition", Digits(jiro_), "山田　太郎", "ヤマダ　タロウ", "19800505", "1",
           "東京都千代田区霞が関1-2-3", "00", "20250401");
  Import(std::string(kHeader) + swapped + TaroLine("S1"));
  store::SubmissionFilter f;
  f.insurer_number = kInsurer;
  f.state = LinkageState::kRegistrationError;
  const std::string csv = SubmissionsCsv(*store_, f, D(2025, 4, 28), false);
  EXPECT_EQ(csv.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_NE(csv.find("U2"), std::string::npos);
  EXPECT_EQ(csv.find("S1"), std::string::npos);  // filtered out
  EXPECT_NE(csv.find("登録エラー: 勤務先に確認"), std::string::npos);
  EXPECT_NE(csv.find("\"name,name_kana,birth_date,address\""), std::string::npos);
  EXPECT_EQ(csv.find("髙橋"), std::string::npos);  // the registry's holder is never named
  const std::string html = SubmissionsHtml(*store_, f, D(2025, 4, 28), "オンシ<健保>");
  EXPECT_NE(html.find("オンシ&lt;健保&gt;"), std::string::npos);
  EXPECT_EQ(html.find("髙橋"), std::string::npos);
}

// Issue 19: the report's reasons are Japanese with their codes, a window
// of rows (the page's CSV) holds exactly that page, and the Shift_JIS CSV is
// CP932 — 髙 is FB FC, which strict Shift_JIS (JIS X 0208) has not, hence
// the Windows-31J label the service gives it.
TEST_F(IntermediateTest, ErrorReportIsJapanesePagedAndCp932) {
  const std::string wrong_birth =
      Line("U1", "acquisition", Digits(jiro_), "髙橋　次郎", "タカハシ　ジロウ", "19900121", "1",
           "大阪府大阪市北区梅田３－１－１", "00", "20250401");
  Import(std::string(kHeader) + wrong_birth + TaroLine("S1") + HanakoLine());
  store::SubmissionFilter f;
  f.insurer_number = kInsurer;
  f.state = LinkageState::kRegistrationError;
  const std::string csv = SubmissionsCsv(*store_, f, D(2025, 4, 28), false);
  EXPECT_NE(csv.find("生年月日が住民基本台帳（この個人番号の方の登録内容）と一致しません"),
            std::string::npos)
      << csv;
  EXPECT_NE(csv.find(",registry_mismatch,"), std::string::npos) << csv;
  EXPECT_EQ(csv.find("does not match"), std::string::npos);
  const std::string sjis = SubmissionsCsv(*store_, f, D(2025, 4, 28), true);
  EXPECT_NE(sjis.find("\xFB\xFC"), std::string::npos);  // 髙 in CP932 (IBM extension)

  f.state.reset();  // every submission, one a page
  const auto ids_of = [](const std::string& text) {
    std::vector<std::string> ids;
    size_t at = text.find("\r\n");
    while (at != std::string::npos && at + 2 < text.size()) {
      const size_t comma = text.find(',', at + 2);
      ids.push_back(text.substr(at + 2, comma - at - 2));
      at = text.find("\r\n", at + 2);
    }
    return ids;
  };
  const auto all = ids_of(SubmissionsCsv(*store_, f, D(2025, 4, 28), false));
  ASSERT_EQ(all.size(), 3u);
  for (int64_t page = 1; page <= 3; ++page) {
    const auto one = ids_of(SubmissionsCsv(*store_, f, D(2025, 4, 28), false, {page, 1}));
    ASSERT_EQ(one.size(), 1u) << page;
    EXPECT_EQ(one[0], all[static_cast<size_t>(page - 1)]);
  }
  const std::string html = SubmissionsHtml(*store_, f, D(2025, 4, 28), "健保", {2, 1});
  EXPECT_NE(html.find("<span id=\"total\">3</span>"), std::string::npos);
  EXPECT_NE(html.find("id=\"prev\""), std::string::npos);
  EXPECT_NE(html.find("id=\"next\""), std::string::npos);
  EXPECT_NE(html.find("errors.csv?state=all&amp;page=2&amp;per_page=1"), std::string::npos);
}

// --- the resident registry changes too (issue 14, R-LINK-4) -------------------

// A 変更届 with the new address fails the basic-4 check while the registry
// still has the old one; once the municipality has recorded the 転居, the
// same change filed again links, and the member's address changes from the
// date of the move.
TEST_F(IntermediateTest, ChangeOfAddressLinksOnceTheRegistryHasTheMove_RLINK4) {
  Import(std::string(kHeader) + TaroLine());
  Link(D(2025, 4, 30));
  const std::string kNew = "東京都新宿区西新宿二丁目８番１号";
  ImportReport r =
      Import(std::string(kHeader) + Line("C1", "change", Digits(taro_), "山田　太郎",
                                         "ヤマダ　タロウ", "19800505", "1", kNew, "00", "20250520"),
             D(2025, 5, 21));
  ASSERT_EQ(r.registration_errors, 1);
  EXPECT_EQ(r.registration_problems[0].field, "address");

  ASSERT_TRUE(Record(RegistryEventKind::kMoved, taro_, D(2025, 5, 20), kNew).ok());
  r = Import(
      std::string(kHeader) + Line("C2", "change", Digits(taro_), "山田　太郎", "ヤマダ　タロウ",
                                  "19800505", "1", "東京都新宿区西新宿2-8-1", "00", "20250520"),
      D(2025, 5, 22));
  ASSERT_EQ(r.queued, 1) << (r.registration_problems.empty() ? ""
                                                             : r.registration_problems[0].field);
  Link(D(2025, 5, 26));
  auto taro = store_->GetQualification(*store_->FindMemberId(kInsurer, "10", "1234", "00"));
  EXPECT_EQ(taro->AttributesOn(D(2025, 5, 19)).address, "東京都千代田区霞が関1-2-3");
  EXPECT_EQ(taro->AttributesOn(D(2025, 5, 20)).address, "東京都新宿区西新宿2-8-1");
  EXPECT_EQ(store_->GetSubmission(kInsurer, "C2")->state, LinkageState::kLinked);
}

// A form dated before a change is checked against what the registry said on
// its date; a form dated after it, against the change.
TEST_F(IntermediateTest, FormDatedBeforeAChangeChecksAgainstTheRegistryThen_RLINK4) {
  Import(std::string(kHeader) + TaroLine());
  Link(D(2025, 4, 30));
  ASSERT_TRUE(
      Record(RegistryEventKind::kMovedIn, hanako_, D(2025, 5, 1), "大阪府大阪市北区梅田３－１－１")
          .ok());
  ASSERT_TRUE(Record(RegistryEventKind::kRenamed, hanako_, D(2025, 5, 10), "", "佐藤　花子",
                     "サトウ　ハナコ")
                  .ok());
  // 被扶養者異動届 dated 04-01, filed late with the data of 04-01: queued.
  ImportReport r = Import(std::string(kHeader) + HanakoLine("S2"), D(2025, 6, 2));
  EXPECT_EQ(r.queued, 1) << (r.registration_problems.empty() ? ""
                                                             : r.registration_problems[0].field);
  // The same data on a form dated after both changes: both fields differ.
  r = Import(std::string(kHeader) + Line("S3", "dependent_add", Digits(hanako_), "山田　花子",
                                         "ヤマダ　ハナコ", "19820707", "2",
                                         "東京都千代田区霞が関1-2-3", "02", "20250601"),
             D(2025, 6, 2));
  ASSERT_EQ(r.registration_errors, 1);
  std::vector<std::string> fields;
  for (const FieldError& e : r.registration_problems)
    fields.push_back(e.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"name", "name_kana", "address"}));
  // With the data after the changes it matches the registry as it is now.
  r = Import(std::string(kHeader) + Line("S4", "dependent_add", Digits(hanako_), "佐藤　花子",
                                         "サトウ　ハナコ", "19820707", "2",
                                         "大阪府大阪市北区梅田3-1-1", "03", "20250601"),
             D(2025, 6, 2));
  EXPECT_EQ(r.queued, 0);  // refused: she is already a member from 04-01
  EXPECT_EQ(r.rejected, 1);
  EXPECT_EQ(r.errors[0].field, "my_number");
}

// Nobody joins after their death as the registry records it; the loss the
// insurer files (the day after) is received.
TEST_F(IntermediateTest, NoFormAfterTheRegistrysDeathButTheLoss_RLINK4) {
  Import(std::string(kHeader) + TaroLine());
  Link(D(2025, 4, 30));
  ASSERT_TRUE(Record(RegistryEventKind::kDied, jiro_, D(2025, 5, 9), "").ok());
  ASSERT_TRUE(Record(RegistryEventKind::kDied, taro_, D(2025, 5, 9), "").ok());
  ImportReport r = Import(
      std::string(kHeader) + Line("J1", "acquisition", Digits(jiro_), "髙橋　次郎",
                                  "タカハシ　ジロウ", "19900120", "1", "大阪府大阪市北区梅田3-1-1",
                                  "00", "20250510", "", "0", "5678"),
      D(2025, 5, 12));
  ASSERT_EQ(r.registration_errors, 1);
  EXPECT_EQ(r.registration_problems[0].field, "event_date");
  r = Import(std::string(kHeader) + Line("L1", "loss", Digits(taro_), "山田　太郎", "", "19800505",
                                         "1", "", "00", "20250510", "01"),
             D(2025, 5, 12));
  EXPECT_EQ(r.queued, 1) << (r.registration_problems.empty() ? ""
                                                             : r.registration_problems[0].field);
}

// --- benefits data (issue 14, R-FAC-9) ---------------------------------------

class BenefitsTest : public IntermediateTest {
 protected:
  void SetUp() override {
    IntermediateTest::SetUp();
    // A resident aged 70 in 2025, registered under a 通称 at the city hall.
    senior_ = AddResident("李\u3000明", "リ\u3000メイ", D(1955, 6, 15), Sex::kMale,
                          "東京都千代田区霞が関一丁目２番３号", 4);
  }

  std::string SeniorLine(const std::string& id = "S3") {
    return Line(id, "acquisition", Digits(senior_), "李　明", "リ　メイ", "19550615", "1",
                "東京都千代田区霞が関1-2-3", "00", "20250401", "", "0", "2000");
  }

  // The three members the example files are about, linked on 2025-04-30.
  void JoinTheExampleMembers() {
    const std::string header =
        std::string(kHeader).insert(std::string(kHeader).size() - 1, ",copay_percent");
    auto with_ratio = [](std::string line, const std::string& ratio) {
      return line.insert(line.size() - 1, "," + ratio);
    };
    const ImportReport r = Import(header + with_ratio(TaroLine(), "") +
                                  with_ratio(HanakoLine(), "") + with_ratio(SeniorLine(), ""));
    ASSERT_EQ(r.queued, 3) << (r.errors.empty() ? "" : r.errors[0].field + r.errors[0].reason);
    Link(D(2025, 4, 30));
  }

  Qualification Member(const char* number, const char* branch) {
    return *store_->GetQualification(*store_->FindMemberId(kInsurer, "10", number, branch));
  }

  ImportReport ImportFile(const std::string& path, intake::Format format, Date received) {
    auto reader = intake::SubmissionReader::OpenFile(path, format);
    EXPECT_TRUE(reader.ok()) << (reader.ok() ? "" : reader.error().ToString());
    return ImportSubmissions(*store_, *reader, Options(received));
  }

  void ExpectTheExampleApplied() {
    const Qualification taro = Member("1234", "00");
    ASSERT_NE(taro.LimitOn(D(2025, 6, 1)), nullptr);
    EXPECT_EQ(taro.LimitOn(D(2025, 6, 1))->category_flag, "A03");
    EXPECT_EQ(taro.card_issued_on, D(2025, 4, 1));
    EXPECT_EQ(taro.card_classification, CardClassification::kGeneral);
    const Qualification hanako = Member("1234", "01");
    ASSERT_EQ(hanako.DiseasesOn(D(2025, 6, 1)).size(), 1u);
    EXPECT_EQ(hanako.DiseasesOn(D(2025, 6, 1))[0]->self_pay_yen, 10000);
    const Qualification senior = Member("2000", "00");
    // 2割 by law from 2025-07-01 (the month after the 70th birthday); the
    // filed 3割 certificate (現役並み所得) from 2025-08-01.
    EXPECT_EQ(CopayPercentOn(senior, D(2025, 7, 15)), 20);
    EXPECT_EQ(CopayPercentOn(senior, D(2025, 8, 1)), 30);
    EXPECT_EQ(ElderlyRecipientOn(senior, D(2025, 8, 1))->copay_percent, 30);
    EXPECT_EQ(senior.LimitOn(D(2025, 8, 1))->category_flag, "B01");
    EXPECT_EQ(senior.LimitOn(D(2025, 8, 1))->long_term_date, D(2025, 4, 10));
    EXPECT_EQ(senior.AttributesOn(D(2025, 7, 31)).name_of_other, "");
    EXPECT_EQ(senior.AttributesOn(D(2025, 8, 1)).name_of_other, "木村\u3000明");
    EXPECT_EQ(senior.AttributesOn(D(2025, 8, 1)).name_of_other_kana, "キムラ\u3000アキラ");
  }

  Resident senior_{MyNumber::FromBase(0), {}};
};

// The example files shipped in docs/examples (README, "Benefits data") are
// received, wait out the insurer's lag like every form (R-LINK-3), and are
// then applied to the members under their 記号・番号・枝番.
TEST_F(BenefitsTest, ExampleCsvIsAppliedWhenLinked_RFAC9) {
  JoinTheExampleMembers();
  const ImportReport r = ImportFile(std::string(ONSHI_SOURCE_DIR) + "/docs/examples/benefits.csv",
                                    intake::Format::kCsv, D(2025, 6, 2));
  EXPECT_EQ(r.records, 3);
  ASSERT_EQ(r.queued, 3) << (r.errors.empty() ? "" : r.errors[0].field + ": " + r.errors[0].reason);
  EXPECT_TRUE(r.unknown_columns.empty());
  EXPECT_EQ(store_->GetSubmission(kInsurer, "B0003")->benefits.elderly->copay_percent, 30);
  EXPECT_TRUE(Member("1234", "00").limits.empty());  // not before the lag
  Link(D(2025, 6, 4));
  ExpectTheExampleApplied();
  EXPECT_EQ(store_->GetSubmission(kInsurer, "B0001")->state, LinkageState::kLinked);
}

TEST_F(BenefitsTest, ExampleJsonLinesIsAppliedWhenLinked_RFAC9) {
  JoinTheExampleMembers();
  const ImportReport r = ImportFile(std::string(ONSHI_SOURCE_DIR) + "/docs/examples/benefits.jsonl",
                                    intake::Format::kJsonLines, D(2025, 6, 2));
  ASSERT_EQ(r.queued, 3) << (r.errors.empty() ? "" : r.errors[0].field + ": " + r.errors[0].reason);
  Link(D(2025, 6, 4));
  ExpectTheExampleApplied();
}

// Each bad value is refused with its line, field and reason, and nothing of
// that line is stored; the good line lands.
TEST_F(BenefitsTest, BadLinesAreRefusedWithLineFieldAndReason) {
  JoinTheExampleMembers();
  const std::string body =
      "submission_id,form,symbol,number,branch,birth_date,event_date,elderly_certificate_date,"
      "elderly_valid_from,elderly_valid_until,elderly_copay_percent,limit_classification,"
      "limit_category,limit_certificate_date,limit_valid_from,limit_valid_until\n"
      // 2: nobody under these keys
      "X1,benefits,10,9999,00,19800505,20250601,,,,,01,A03,20250525,20250601,20260731\n"
      // 3: the keys are 太郎's, the birth date is not
      "X2,benefits,10,1234,00,19810505,20250601,,,,,01,A03,20250525,20250601,20260731\n"
      // 4: a 高齢受給者証 for a 45-year-old
      "X3,benefits,10,1234,00,19800505,20250601,20250520,20250601,20260531,20,,,,,\n"
      // 5: no such 適用区分
      "X4,benefits,10,1234,00,19800505,20250601,,,,,01,Z99,20250525,20250601,20260731\n"
      // 6: an A category for a 70-year-old
      "X5,benefits,10,2000,00,19550615,20250801,,,,,01,A01,20250720,20250801,20260731\n"
      // 7: fine
      "X6,benefits,10,2000,00,19550615,20250801,,,,,01,B04,20250720,20250801,20260731\n";
  const ImportReport r = Import(body, D(2025, 6, 2));
  EXPECT_EQ(r.queued, 1);
  EXPECT_EQ(r.rejected, 5);
  std::vector<std::pair<int64_t, std::string>> got;
  for (const FieldError& e : r.errors)
    got.emplace_back(e.line, e.field);
  const std::vector<std::pair<int64_t, std::string>> want = {{2, "branch"},
                                                             {3, "birth_date"},
                                                             {4, "elderly_valid_from"},
                                                             {5, "limit_category"},
                                                             {6, "limit_category"}};
  EXPECT_EQ(got, want);
  for (const char* id : {"X1", "X2", "X3", "X4", "X5"}) {
    EXPECT_FALSE(store_->GetSubmission(kInsurer, id)) << id;
  }
  ASSERT_TRUE(store_->GetSubmission(kInsurer, "X6"));
  Link(D(2025, 6, 4));
  EXPECT_EQ(Member("2000", "00").LimitOn(D(2025, 8, 1))->category_flag, "B04");
  EXPECT_TRUE(Member("1234", "00").limits.empty());
}

// Issue 15 with issue 14: the 受付番号 check compares the filed benefits too.
// A 給付情報届 sent again with another 適用区分 under the same id is a
// conflict on its line; the same line again stays idempotent.
TEST_F(BenefitsTest, AResentBenefitsFormWithOtherCertificateIsAConflict) {
  JoinTheExampleMembers();
  const std::string header =
      "submission_id,form,symbol,number,branch,birth_date,event_date,limit_classification,"
      "limit_category,limit_certificate_date,limit_valid_from,limit_valid_until\n";
  const std::string line =
      "Y1,benefits,10,2000,00,19550615,20250801,01,B04,20250720,20250801,20260731\n";
  ASSERT_EQ(Import(header + line, D(2025, 6, 2)).queued, 1);
  const ImportReport same = Import(header + line, D(2025, 6, 3));
  EXPECT_EQ(same.already_received, 1);
  EXPECT_EQ(same.conflicts, 0);
  std::string other = line;
  other.replace(other.find("B04"), 3, "B05");
  const ImportReport changed = Import(header + other, D(2025, 6, 3));
  EXPECT_EQ(changed.conflicts, 1);
  ASSERT_EQ(changed.errors.size(), 1u);
  EXPECT_EQ(changed.errors[0].line, 2);
  EXPECT_NE(changed.errors[0].reason.find("benefits"), std::string::npos)
      << changed.errors[0].reason;
  EXPECT_EQ(store_->GetSubmission(kInsurer, "Y1")->benefits.limit->category_flag, "B04");
}

// A ratio the joining form files is kept as filed; without one the law
// decides day by day (core/copay.hpp). Reception used to freeze its own
// guess at acquisition and store no mark of which was which.
TEST_F(BenefitsTest, JoiningFormsKeepAFiledRatioAndLeaveTheRestToTheLaw) {
  const std::string header =
      std::string(kHeader).insert(std::string(kHeader).size() - 1, ",copay_percent");
  auto with_ratio = [](std::string line, const std::string& ratio) {
    return line.insert(line.size() - 1, "," + ratio);
  };
  // 10% is 後期高齢者医療's alone (this insurer is a 健保組合).
  ImportReport r = Import(header + with_ratio(SeniorLine("S9"), "10"));
  ASSERT_EQ(r.rejected, 1);
  EXPECT_EQ(r.errors[0].field, "copay_percent");
  r = Import(header + with_ratio(TaroLine(), "") + with_ratio(SeniorLine(), "30"));
  ASSERT_EQ(r.queued, 2);
  Link(D(2025, 4, 30));
  const Qualification senior = Member("2000", "00");
  EXPECT_TRUE(senior.copay_filed);
  EXPECT_EQ(CopayPercentOn(senior, D(2025, 8, 1)), 30);  // 現役並み所得, as filed
  const Qualification taro = Member("1234", "00");
  EXPECT_FALSE(taro.copay_filed);
  EXPECT_EQ(CopayPercentOn(taro, D(2025, 8, 1)), 30);
}

}  // namespace
}  // namespace onshi::intermediate
