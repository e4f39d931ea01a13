// The insurer's window for documents: each application and return is
// checked before anything is stored, with the reason in Japanese
// (R-DOC-1, R-DOC-5, R-DOC-7, R-DOC-8, R-DOC-10, R-OLD-3, R-CARD-6).
#include "intermediate/document_desk.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "intermediate/documents.hpp"
#include "store/store.hpp"

namespace onshi::intermediate {
namespace {

namespace fs = std::filesystem;
using AK = store::ApplicationKind;

Date D(const char* iso) {
  return *Date::ParseIso(iso);
}

class DocumentDeskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("document-desk-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    store_ = store::OpenStore((dir_ / "t.db").string(), (dir_ / "t.keys").string());
    koa_.insurer_number = "06139992";
    koa_.name = "オンシ健康保険組合";
    koa_.category = "組合健保";
    koa_.holders_may_get_certificate = false;  // R-DOC-8, as KOA
    store_->PutInsurer(koa_);
    other_ = koa_;
    other_.insurer_number = "06130033";
    other_.name = "べつの健康保険組合";
    store_->PutInsurer(other_);
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  // A member of `insurer` under 10・number・00; with a マイナ保険証 if asked.
  int64_t Member(const store::InsurerRecord& insurer, const char* number, const char* acquired,
                 bool myna) {
    store::PersonRecord p;
    p.name = "試験\u3000一郎";
    p.name_kana = "シケン\u3000イチロウ";
    p.birth_date = D("1980-05-05");
    p.sex = Sex::kMale;
    p.postcode = "100-0013";
    p.address = "東京都千代田区霞が関一丁目２番３号";
    p.person_id = store_->AddPerson(p, MyNumber::FromBase(66'000'000'000ULL + ++people_));
    Qualification q;
    q.person_id = p.person_id;
    q.insurer_number = insurer.insurer_number;
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
    RecordLegacyCardIfHeld(*store_, q);
    if (myna) {
      store::CardRecord c;
      c.person_id = p.person_id;
      c.application_date = D("2022-01-01");
      c.issued_on = D("2022-02-01");
      c.card_expires_on = D("2032-05-05");
      c.cert_serial = "s" + std::to_string(people_);
      c.cert_issued_on = c.issued_on;
      c.cert_expires_on = D("2027-05-05");
      c.insurance_registered_on = D("2022-02-10");
      card_ = store_->AddCard(c);
    }
    return q.member_id;
  }

  Expected<int64_t> Apply(const char* number, AK kind, const char* on,
                          std::optional<CertificateForm> form = std::nullopt,
                          std::string email = "") {
    DocumentApplication a;
    a.symbol = "10";
    a.number = number;
    a.branch = "00";
    a.kind = kind;
    a.form = form;
    a.email = std::move(email);
    a.on = D(on);
    return ApplyForDocument(*store_, koa_, a);
  }

  fs::path dir_;
  std::unique_ptr<store::Store> store_;
  store::InsurerRecord koa_, other_;
  uint64_t people_ = 0;
  int64_t card_ = 0;
};

TEST_F(DocumentDeskTest, ApplicationsAreCheckedBeforeTheyAreStored) {
  const int64_t holder = Member(koa_, "1001", "2015-04-01", true);
  const int64_t paper = Member(koa_, "1002", "2025-02-01", false);

  // R-DOC-8: this insurer gives no 資格確認書 to a マイナ保険証 holder.
  auto refused = Apply("1001", AK::kCertificate, "2025-10-01");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("R-DOC-8"), std::string::npos);
  EXPECT_TRUE(Apply("1002", AK::kCertificate, "2025-10-01").ok());

  // R-CARD-6 then R-DOC-5: the lost card must be suspended first.
  auto early = Apply("1001", AK::kCardLost, "2025-10-01");
  ASSERT_FALSE(early.ok());
  EXPECT_NE(early.error().message.find("一時利用停止"), std::string::npos);
  store::CardRecord c = *store_->GetCard(card_);
  c.status = store::CardState::kSuspended;
  store_->UpdateCard(c);
  EXPECT_TRUE(Apply("1001", AK::kCardLost, "2025-10-02").ok());

  // R-DOC-1: only a notice that was issued can be lost.
  EXPECT_FALSE(Apply("1002", AK::kNoticeLost, "2025-10-02").ok());
  store_->AddDocument({0, paper, DocumentKind::kQualificationNotice, "R-DOC-1", D("2025-02-01"),
                       std::nullopt, std::nullopt});
  EXPECT_TRUE(Apply("1002", AK::kNoticeLost, "2025-10-02").ok());

  // R-OLD-3: only a usable old card can be lost (1002 joined after 2024-12-01).
  EXPECT_FALSE(Apply("1002", AK::kLegacyCardLost, "2025-10-02").ok());
  EXPECT_TRUE(Apply("1001", AK::kLegacyCardLost, "2025-10-02").ok());
  EXPECT_FALSE(Apply("1001", AK::kLegacyCardLost, "2025-12-02").ok());  // R-OLD-2: ended

  // R-DOC-7: a form must be named; electronic needs a smartphone and e-mail;
  // the other paper form is not this insurer's.
  EXPECT_EQ(Apply("1002", AK::kForm, "2025-10-02").error().field, "form");
  EXPECT_EQ(Apply("1002", AK::kForm, "2025-10-02", CertificateForm::kElectronic, "a@example.jp")
                .error()
                .field,
            "form");
  EXPECT_EQ(Apply("1002", AK::kForm, "2025-10-02", CertificateForm::kPlasticCard).error().field,
            "form");
  EXPECT_TRUE(Apply("1002", AK::kForm, "2025-10-02", CertificateForm::kPostcard).ok());

  // Unknown keys, or a member no longer covered.
  EXPECT_EQ(Apply("9999", AK::kCertificate, "2025-10-02").error().field, "member");
  Qualification q = *store_->GetQualification(paper);
  q.lost = D("2025-11-01");
  store_->UpdateQualification(q);
  EXPECT_EQ(Apply("1002", AK::kCertificate, "2025-11-01").error().field, "member");

  // What was refused left nothing behind.
  EXPECT_EQ(store_->DocumentApplicationsOfMember(holder).size(), 2u);
  EXPECT_EQ(store_->DocumentApplicationsOfMember(paper).size(), 3u);
}

TEST_F(DocumentDeskTest, ReturnsAreRecordedOnceForTheInsurersCertificatesAndOldCards_RDoc10) {
  const int64_t m = Member(koa_, "1001", "2015-04-01", false);
  const int64_t elsewhere = Member(other_, "2001", "2015-04-01", false);
  const int64_t cert = store_->AddDocument({0, m, DocumentKind::kCertificate, "R-DOC-4",
                                            D("2025-10-02"), D("2030-10-01"), std::nullopt});
  const int64_t notice = store_->AddDocument({0, m, DocumentKind::kQualificationNotice, "R-DOC-1",
                                              D("2024-09-15"), std::nullopt, std::nullopt});
  const int64_t theirs = store_->AddDocument({0, elsewhere, DocumentKind::kCertificate, "R-DOC-4",
                                              D("2025-10-02"), D("2030-10-01"), std::nullopt});
  EXPECT_EQ(RecordReturn(*store_, koa_, theirs, D("2025-11-20")).error().field, "document");
  EXPECT_EQ(RecordReturn(*store_, koa_, notice, D("2025-11-20")).error().field, "document");
  EXPECT_EQ(RecordReturn(*store_, koa_, cert, D("2025-10-01")).error().field, "on");
  auto back = RecordReturn(*store_, koa_, cert, D("2025-11-20"));
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(store_->GetDocument(cert)->returned_on, D("2025-11-20"));
  EXPECT_NE(RecordReturn(*store_, koa_, cert, D("2025-11-21")).error().message.find("返還済み"),
            std::string::npos);
  // The old card of a member who joined before 2024-12-02 comes back too (R-OLD-4).
  for (const store::DocumentRecord& d : store_->DocumentsOfMember(m)) {
    if (d.kind == DocumentKind::kLegacyCard) {
      EXPECT_TRUE(RecordReturn(*store_, koa_, d.document_id, D("2025-11-20")).ok());
    }
  }
  EXPECT_FALSE(store_->GetDocument(theirs)->returned_on.has_value());
}

}  // namespace
}  // namespace onshi::intermediate
