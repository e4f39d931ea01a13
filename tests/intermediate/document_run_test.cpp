// A scripted population run day by day, as an insurer runs its daily
// document job (RecordAllDueDocuments, what `onshi link` and the server's
// linker do): members, cards and events on set days, and a table of who got
// what and why. Each day's job is also run twice, and the second run must
// record nothing (idempotence).
//
// Before this job swept the whole membership, the daily run looked only at
// members who joined in the last 60 days: every row below for a member who
// joined in 2015 (R-DOC-4, R-OLD-2/3, R-CARD-4, R-DOC-10, R-OLD-4) was
// missing.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <map>
#include <sstream>

#include "intermediate/document_sweep.hpp"
#include "intermediate/documents.hpp"
#include "store/store.hpp"

namespace onshi::intermediate {
namespace {

namespace fs = std::filesystem;

constexpr const char* kInsurer = "06139992";

Date D(const char* iso) {
  return *Date::ParseIso(iso);
}

// One line of the table: on `day`, `who` got `what` for `why`.
struct Issued {
  std::string day;
  std::string who;
  std::string what;  // kind, with the form of a certificate
  std::string why;   // rule id
  std::string valid_until;

  bool operator==(const Issued&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Issued& i) {
  return os << "{\"" << i.day << "\", \"" << i.who << "\", \"" << i.what << "\", \"" << i.why
            << "\", \"" << i.valid_until << "\"}";
}

std::string What(const store::DocumentRecord& d) {
  std::string s(store::DocumentKindName(d.kind));
  if (d.form) s += "/" + std::string(CertificateFormName(*d.form));
  return s;
}

class DocumentRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("document-run-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    store_ = store::OpenStore((dir_ / "t.db").string(), (dir_ / "t.keys").string());
    store::InsurerRecord ins;
    ins.insurer_number = kInsurer;
    ins.name = "オンシ健康保険組合";
    ins.category = "組合健保";
    store_->PutInsurer(ins);
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  // A linked member who joined on `acquired`; an old card if before 2024-12-02.
  int64_t Join(const std::string& family, const char* acquired, const char* number,
               std::optional<const char*> printed_expiry = std::nullopt) {
    store::PersonRecord p;
    p.name = family + "\u3000一郎";
    p.name_kana = "テスト\u3000イチロウ";
    p.birth_date = D("1980-05-05");
    p.sex = Sex::kMale;
    p.postcode = "100-0013";
    p.address = "東京都千代田区霞が関一丁目２番３号";
    p.person_id = store_->AddPerson(p, MyNumber::FromBase(55'000'000'000ULL + ++people_));
    Qualification q;
    q.person_id = p.person_id;
    q.insurer_number = kInsurer;
    q.symbol = "10";
    q.number = number;
    q.branch = "00";
    q.birth_date = p.birth_date;
    q.sex = p.sex;
    q.acquired = D(acquired);
    q.attributes.push_back({q.acquired, p.name, p.name_kana, p.name, p.postcode, p.address});
    q.linkage = LinkageState::kLinked;
    q.submitted_on = q.acquired;
    q.linked_on = q.acquired;
    q.member_id = store_->AddQualification(q);
    if (q.acquired < D("2024-12-02")) {
      // Members of 2015 hold the old card (R-OLD-1) and the notice of the
      // 2024-09 batch (R-DOC-1).
      store_->AddDocument({0, q.member_id, DocumentKind::kLegacyCard, "R-OLD-1", q.acquired,
                           printed_expiry ? std::optional<Date>(D(*printed_expiry)) : std::nullopt,
                           std::nullopt, std::nullopt, std::nullopt, q.acquired});
      store_->AddDocument({0, q.member_id, DocumentKind::kQualificationNotice, "R-DOC-1",
                           D("2024-09-15"), std::nullopt, std::nullopt, std::nullopt, std::nullopt,
                           D("2024-09-15")});
    }
    names_[q.member_id] = family;
    return q.member_id;
  }

  // The person's My Number card, registered for insurance use (マイナ保険証).
  int64_t Card(int64_t member_id, const char* issued, const char* cert_expires,
               store::CredentialKind kind = store::CredentialKind::kCard) {
    const Qualification q = *store_->GetQualification(member_id);
    store::CardRecord c;
    c.person_id = q.person_id;
    c.kind = kind;
    c.application_date = D(issued).AddDays(-30);
    c.issued_on = D(issued);
    c.card_expires_on = D(cert_expires).AddYears(5);
    c.cert_serial = "serial-" + std::to_string(++cards_);
    c.cert_issued_on = D(issued);
    c.cert_expires_on = D(cert_expires);
    c.insurance_registered_on = D(issued);
    return store_->AddCard(c);
  }

  void Apply(int64_t member_id, store::ApplicationKind kind, const char* on,
             std::optional<CertificateForm> form = std::nullopt) {
    store_->AddDocumentApplication({0, member_id, kind, D(on), form, ""});
  }

  // Runs the daily job from `first` to `last`; returns every document
  // recorded, in order, as table rows.
  std::vector<Issued> Run(const char* first, const char* last,
                          const std::map<std::string, std::function<void()>>& events) {
    std::vector<Issued> log;
    int64_t seen = 0;
    for (Date day = D(first); day <= D(last); day = day.AddDays(1)) {
      if (auto it = events.find(day.ToIso()); it != events.end()) it->second();
      RecordAllDueDocuments(*store_, day);
      EXPECT_EQ(RecordAllDueDocuments(*store_, day), 0) << "second run on " << day.ToIso();
      for (const store::DocumentRecord& d : store_->DocumentsOfInsurer(kInsurer, true, seen, 100)) {
        seen = d.document_id;
        log.push_back({day.ToIso(), names_.at(d.member_id), What(d), d.reason,
                       d.valid_until ? d.valid_until->ToIso() : ""});
        EXPECT_EQ(d.issued_on, day);
        store_->MarkDocumentPrinted(d.document_id, day);  // printed and posted that day
      }
    }
    return log;
  }

  fs::path dir_;
  std::unique_ptr<store::Store> store_;
  std::map<int64_t, std::string> names_;
  uint64_t people_ = 0;
  int cards_ = 0;
};

TEST_F(DocumentRunTest, DayByDayEachMemberGetsWhatTheRulesSay) {
  using AK = store::ApplicationKind;
  Join("青木", "2015-04-01", "1001");                            // no card
  const int64_t inoue = Join("井上", "2015-04-01", "1002");      // holder
  Join("上田", "2015-04-01", "1003", "2025-09-30");              // printed expiry
  const int64_t eto = Join("江藤", "2015-04-01", "1004");        // renamed
  const int64_t ono = Join("大野", "2015-04-01", "1005");        // loses the card
  const int64_t kimura = Join("木村", "2015-04-01", "1006");     // leaves
  const int64_t kudo = Join("工藤", "2015-04-01", "1007");       // postcard
  const int64_t kobayashi = Join("小林", "2015-04-01", "1008");  // holder, quiet
  Card(inoue, "2021-01-15", "2026-01-15");
  const int64_t ono_card = Card(ono, "2022-03-01", "2029-03-01");
  Card(kobayashi, "2020-06-01", "2030-06-01");

  const std::map<std::string, std::function<void()>> events = {
      // R-OLD-3: a name change ends the old card at once.
      {"2025-09-10",
       [&] {
         Qualification q = *store_->GetQualification(eto);
         MemberAttributes a = q.attributes.back();
         a.effective_from = D("2025-09-10");
         a.name = "佐藤\u3000一郎";
         q.attributes.push_back(a);
         store_->UpdateQualification(q);
       }},
      // R-DOC-7: the postcard form, for a member who needs a carer's help.
      {"2025-09-20", [&] { Apply(kudo, AK::kForm, "2025-09-20", CertificateForm::kPostcard); }},
      // A new member with no card and no tick (R-DOC-1, then R-DOC-5 day 30).
      {"2025-09-01", [&] { Join("加藤", "2025-09-01", "1009"); }},
      // The card is lost: the hotline suspends it; the member applies for the
      // short-term certificate and reports the notice lost too.
      {"2025-11-05",
       [&] {
         store::CardRecord c = *store_->GetCard(ono_card);
         c.status = store::CardState::kSuspended;
         store_->UpdateCard(c);
         Apply(ono, AK::kCardLost, "2025-11-05");
         Apply(ono, AK::kNoticeLost, "2025-11-05");
       }},
      // The reissued card, registered again, before the bridge lapses.
      {"2025-12-20", [&] { Card(ono, "2025-12-20", "2030-12-20"); }},
      // 資格喪失: the loss form linked on the loss day.
      {"2025-11-15",
       [&] {
         Qualification q = *store_->GetQualification(kimura);
         q.lost = D("2025-11-15");
         q.loss_reason = LossReason::kOther;
         store_->UpdateQualification(q);
       }},
  };

  const std::vector<Issued> log = Run("2025-08-01", "2026-03-31", events);
  const std::vector<Issued> expected = {
      // R-OLD-2: the printed expiry 9/30 comes first; 60 days of lead (R-DOC-4).
      {"2025-08-01", "上田", "certificate/a4", "R-DOC-4", "2030-07-31"},
      {"2025-09-01", "加藤", "notice", "R-DOC-1", ""},
      // R-OLD-3: renamed on 9/10, the old card ended the day before.
      {"2025-09-10", "江藤", "certificate/a4", "R-DOC-4", "2030-09-09"},
      // R-DOC-5: no tick, no マイナ保険証, day 30 after joining.
      {"2025-10-01", "加藤", "certificate/a4", "R-DOC-5", "2030-09-30"},
      // R-DOC-4 with R-OLD-2: 60 days before the old cards end on 2025-12-01.
      {"2025-10-02", "青木", "certificate/a4", "R-DOC-4", "2030-10-01"},
      {"2025-10-02", "木村", "certificate/a4", "R-DOC-4", "2030-10-01"},
      // R-DOC-7: in the form applied for.
      {"2025-10-02", "工藤", "certificate/postcard", "R-DOC-4", "2030-10-01"},
      // R-CARD-4: 3 months before the certificate expires on 2026-01-15.
      {"2025-10-15", "井上", "renewal_notice", "R-CARD-4", "2026-01-15"},
      // R-DOC-1: the lost notice again; R-DOC-5: 2 months of short-term.
      {"2025-11-05", "大野", "notice", "R-DOC-1", ""},
      {"2025-11-05", "大野", "short_term_certificate/a4", "R-DOC-5", "2026-01-04"},
      // R-DOC-10 and R-OLD-4 on leaving: the valid certificate and old card.
      {"2025-11-15", "木村", "return_request", "R-OLD-4", ""},
      {"2025-11-15", "木村", "return_request", "R-DOC-10", ""},
      // R-CARD-4 with R-DOC-5: certificate expired, ex officio the next day.
      {"2026-01-16", "井上", "certificate/a4", "R-DOC-5", "2031-01-15"},
      // Nothing for 小林 (マイナ保険証 throughout), nor for 大野 once the new card came.
  };
  EXPECT_EQ(log, expected);
}

}  // namespace
}  // namespace onshi::intermediate
