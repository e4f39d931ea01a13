// CardOffice and Registrar over a temporary SQLite store, a real JPKI CA and
// emulated card files.
#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "card/card.hpp"
#include "card/card_file.hpp"
#include "card/issuer_key.hpp"
#include "card/jpki_card.hpp"
#include "jpki/certificate_fingerprint.hpp"
#include "jpki/jpki_ca.hpp"
#include "municipal/card_files.hpp"
#include "municipal/card_office.hpp"
#include "municipal/registration.hpp"
#include "municipal/resident_registry.hpp"
#include "store/store.hpp"

namespace onshi::municipal {
namespace {

using store::CardRecord;
using store::CardState;
using store::CredentialKind;

constexpr std::time_t kNow = 1743465600;  // 2025-04-01T00:00:00Z = 09:00 JST
constexpr std::time_t kDay = 24 * 3600;
const Date kToday = Date::FromYmd(2025, 4, 1);

class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "onshi-municipal-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

class MunicipalTest : public ::testing::Test {
 protected:
  MunicipalTest()
      : store_(store::OpenStore(dir_ / "onshi.db", dir_ / "onshi.keys")),
        ca_(jpki::JpkiCa::Create(dir_ / "jpki", kNow - 400 * kDay).value()),
        key_(card::IssuerKey::LoadOrCreate(dir_ / "issuer.key").value()),
        office_(*store_, ca_, key_, dir_ / "cards", "131016", card::CardFileOptions{10}),
        registrar_(*store_, key_, dir_ / "cards") {}

  // A resident of 千代田区 (131016, the office's own) unless told otherwise.
  int64_t AddPerson(const char* name, Date birth, uint64_t base,
                    const char* municipality = "131016") {
    store::PersonRecord p;
    p.name = name;
    p.name_kana = "シケン　タロウ";
    p.birth_date = birth;
    p.sex = Sex::kMale;
    p.postcode = "100-0001";
    p.address = "東京都千代田区千代田１－１";
    p.municipality = municipality;
    return store_->AddPerson(p, MyNumber::FromBase(base));
  }

  void AddInsurance(int64_t person, Date birth, const char* branch) {
    store_->PutInsurer({"06139992", "オンシ健康保険組合", "組合健保", 2, true, 5});
    Qualification q;
    q.person_id = person;
    q.insurer_number = "06139992";
    q.insurer_name = "オンシ健康保険組合";
    q.symbol = "12";
    q.number = "345";
    q.branch = branch;
    q.birth_date = birth;
    q.sex = Sex::kMale;
    q.acquired = Date::FromYmd(2020, 4, 1);
    q.linkage = LinkageState::kLinked;
    q.submitted_on = q.acquired;
    q.linked_on = q.acquired.AddDays(2);
    q.attributes.push_back(
        {q.acquired, "試験　太郎", "シケン　タロウ", "試験　太郎", "100-0001", "東京都"});
    store_->AddQualification(q);
  }

  IssuedCard IssueFor(int64_t person, std::optional<std::string> pin = "1234",
                      std::time_t now = kNow) {
    IssueRequest r;
    r.person_id = person;
    r.application_date = JstDayOf(now).AddDays(-30);
    r.pin = std::move(pin);
    auto issued = office_.Issue(r, now);
    EXPECT_TRUE(issued.ok()) << (issued.ok() ? "" : issued.error().ToString());
    return issued.value();
  }

  static Date JstDayOf(std::time_t t) { return Date::FromDaysSinceEpoch((t + 9 * 3600) / kDay); }

  std::vector<uint8_t> CertOnCard(const std::string& path) {
    auto file = card::CardFile::Open(path, key_);
    EXPECT_TRUE(file.ok());
    return file->auth_certificate();
  }

  jpki::CertificateState CaState(const std::string& serial, std::time_t at) {
    return ca_.Status(serial, at).state;
  }

  Expected<RegistrationResult> Register(int64_t card_id, RegistrationChannel channel,
                                        std::string pin = "", std::time_t now = kNow) {
    RegistrationRequest r;
    r.card_id = card_id;
    r.channel = channel;
    r.pin = std::move(pin);
    return registrar_.Register(r, now);
  }

  int AuditCount(const std::string& action) {
    int n = 0;
    for (const auto& e : store_->ReadAudit(0, 10000))
      n += e.action == action;
    return n;
  }

  TempDir dir_;
  std::unique_ptr<store::Store> store_;
  jpki::JpkiCa ca_;
  card::IssuerKey key_;
  CardOffice office_;
  Registrar registrar_;
};

const Date kAdultBirth = Date::FromYmd(1980, 5, 15);
const Date kChildBirth = Date::FromYmd(2015, 8, 20);

TEST_F(MunicipalTest, IssueRCard2AdultTenthBirthdayAndRCard3FifthBirthday) {
  const int64_t person = AddPerson("試験　太郎", kAdultBirth, 1);
  const IssuedCard card = IssueFor(person);
  EXPECT_EQ(card.card_expires_on, Date::FromYmd(2034, 5, 15));  // 1st: 2025-05-15
  EXPECT_EQ(card.cert_expires_on, Date::FromYmd(2029, 5, 15));
  EXPECT_EQ(CaState(card.cert_serial, kNow), jpki::CertificateState::kGood);
  auto rec = store_->GetCard(card.card_id);
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->cert_serial, card.cert_serial);
  EXPECT_EQ(rec->status, CardState::kActive);
  EXPECT_FALSE(rec->insurance_registered_on);
  // The card holds the certificate the store names.
  auto verified = ca_.Verify(CertOnCard(card.card_path), kNow);
  ASSERT_TRUE(verified.ok());
  EXPECT_EQ(verified->serial_hex, card.cert_serial);
  EXPECT_EQ(AuditCount("card.issue"), 1);
  for (const auto& e : store_->ReadAudit(0, 100)) {
    if (e.action == "card.issue") {
      EXPECT_EQ(e.actor, "municipal:131016");
    }
  }
}

TEST_F(MunicipalTest, IssueRCard2ChildFifthBirthday) {
  const int64_t person = AddPerson("試験　次郎", kChildBirth, 2);
  const IssuedCard card = IssueFor(person);
  EXPECT_EQ(card.card_expires_on, Date::FromYmd(2029, 8, 20));  // under 18: 5th
  EXPECT_EQ(card.cert_expires_on, Date::FromYmd(2029, 8, 20));
}

TEST_F(MunicipalTest, IssueByMyNumberAndRefusesASecondCard) {
  const int64_t person = AddPerson("試験　太郎", kAdultBirth, 3);
  IssueRequest r;
  r.my_number = MyNumber::FromBase(3);
  r.application_date = kToday.AddDays(-10);
  r.pin = "1234";
  auto issued = office_.Issue(r, kNow);
  ASSERT_TRUE(issued.ok()) << issued.error().ToString();
  EXPECT_EQ(issued->person_id, person);
  auto again = office_.Issue(r, kNow);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().message.find("reissue"), std::string::npos);
  // My Number never reaches the audit log.
  for (const auto& e : store_->ReadAudit(0, 100)) {
    EXPECT_EQ(e.detail.find(std::string(MyNumber::FromBase(3).digits_for_hashing())),
              std::string::npos);
  }
}

TEST_F(MunicipalTest, IssueRefusesBadPin) {
  const int64_t person = AddPerson("試験　太郎", kAdultBirth, 4);
  IssueRequest r;
  r.person_id = person;
  r.application_date = kToday;
  r.pin = "12a4";
  EXPECT_FALSE(office_.Issue(r, kNow).ok());
  EXPECT_TRUE(store_->CardsOfPerson(person).empty());
}

TEST_F(MunicipalTest, PinLockRCard5ThenResetPinThenVerifyWorks) {
  const int64_t person = AddPerson("試験　太郎", kAdultBirth, 5);
  const IssuedCard issued = IssueFor(person);
  {
    auto card = card::Card::Open(issued.card_path, key_);
    ASSERT_TRUE(card.ok());
    for (int i = 0; i < 3; ++i) {
      auto check = AskCardForPin(*card, "9999");
      ASSERT_TRUE(check.ok());
      EXPECT_EQ(check->answer, i < 2 ? PinAnswer::kWrong : PinAnswer::kLocked);
    }
    // Locked: even the right PIN is not tried.
    auto right = AskCardForPin(*card, "1234");
    ASSERT_TRUE(right.ok());
    EXPECT_EQ(right->answer, PinAnswer::kLocked);
  }
  // The window refuses registration on a locked card.
  auto refused = Register(issued.card_id, RegistrationChannel::kWindow, "1234");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("locked"), std::string::npos);
  EXPECT_EQ(store_->GetCard(issued.card_id)->pin_failures, 3);

  auto reset = office_.ResetPin(issued.card_id, "4321", kNow + 3600);
  ASSERT_TRUE(reset.ok()) << reset.error().ToString();
  EXPECT_EQ(reset->pin_failures, 0);
  EXPECT_EQ(store_->GetCard(issued.card_id)->pin_failures, 0);
  auto card = card::Card::Open(issued.card_path, key_);
  ASSERT_TRUE(card.ok());
  auto check = AskCardForPin(*card, "4321");
  ASSERT_TRUE(check.ok());
  EXPECT_EQ(check->answer, PinAnswer::kAccepted);
  EXPECT_EQ(AuditCount("card.pin_reset"), 1);
}

TEST_F(MunicipalTest, SuspendRCard6RevokesCertificateAndRefusesRegistration) {
  const int64_t person = AddPerson("試験　太郎", kAdultBirth, 6);
  const IssuedCard issued = IssueFor(person);
  auto suspended = office_.Suspend(issued.card_id, kNow + 60);
  ASSERT_TRUE(suspended.ok()) << suspended.error().ToString();
  EXPECT_EQ(suspended->status, CardState::kSuspended);
  const auto status = ca_.Status(issued.cert_serial, kNow + 60);
  EXPECT_EQ(status.state, jpki::CertificateState::kRevoked);
  EXPECT_EQ(status.reason, jpki::RevocationReason::kSuspended);
  for (auto channel : {RegistrationChannel::kPortal, RegistrationChannel::kReader,
                       RegistrationChannel::kWindow, RegistrationChannel::kAtm}) {
    auto r = Register(issued.card_id, channel, "1234", kNow + 120);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("suspended"), std::string::npos);
  }
  // By the hotline, and repeatable.
  bool hotline = false;
  for (const auto& e : store_->ReadAudit(0, 100))
    hotline |= e.actor == "hotline";
  EXPECT_TRUE(hotline);
  EXPECT_TRUE(office_.Suspend(issued.card_id, kNow + 180).ok());
  EXPECT_EQ(AuditCount("card.suspend"), 1);
}

TEST_F(MunicipalTest, ResumeRCard6IssuesNewCertificateAndKeepsRegistration) {
  const int64_t person = AddPerson("試験　太郎", kAdultBirth, 7);
  const IssuedCard issued = IssueFor(person);
  ASSERT_TRUE(Register(issued.card_id, RegistrationChannel::kPortal).ok());
  ASSERT_TRUE(office_.Suspend(issued.card_id, kNow + 60).ok());
  auto resumed = office_.Resume(issued.card_id, kNow + 2 * kDay);
  ASSERT_TRUE(resumed.ok()) << resumed.error().ToString();
  EXPECT_NE(resumed->cert_serial, issued.cert_serial);
  EXPECT_TRUE(resumed->registration_kept);
  EXPECT_EQ(CaState(issued.cert_serial, kNow + 2 * kDay), jpki::CertificateState::kRevoked);
  EXPECT_EQ(CaState(resumed->cert_serial, kNow + 2 * kDay), jpki::CertificateState::kGood);
  auto rec = store_->GetCard(issued.card_id);
  EXPECT_EQ(rec->status, CardState::kActive);
  EXPECT_EQ(rec->cert_serial, resumed->cert_serial);
  EXPECT_TRUE(rec->insurance_registered_on);
  auto verified = ca_.Verify(CertOnCard(issued.card_path), kNow + 2 * kDay);
  ASSERT_TRUE(verified.ok());
  EXPECT_EQ(verified->serial_hex, resumed->cert_serial);
  // Not suspended any more: resume is refused.
  EXPECT_FALSE(office_.Resume(issued.card_id, kNow + 3 * kDay).ok());
}

TEST_F(MunicipalTest, ReissueRCard6RevokesOldCardAndClearsRegistration) {
  const int64_t person = AddPerson("試験　太郎", kAdultBirth, 8);
  const IssuedCard old = IssueFor(person);
  ASSERT_TRUE(Register(old.card_id, RegistrationChannel::kWindow, "1234").ok());
  ASSERT_TRUE(office_.Suspend(old.card_id, kNow + 60).ok());
  const std::time_t later = kNow + 10 * kDay;
  auto fresh = office_.Reissue(old.card_id, std::string("5678"), later);
  ASSERT_TRUE(fresh.ok()) << fresh.error().ToString();
  EXPECT_NE(fresh->card_id, old.card_id);
  EXPECT_FALSE(fresh->registration_kept);
  EXPECT_EQ(store_->GetCard(old.card_id)->status, CardState::kRevoked);
  EXPECT_EQ(CaState(old.cert_serial, later), jpki::CertificateState::kRevoked);
  EXPECT_EQ(CaState(fresh->cert_serial, later), jpki::CertificateState::kGood);
  auto rec = store_->GetCard(fresh->card_id);
  EXPECT_FALSE(rec->insurance_registered_on);
  EXPECT_EQ(rec->issued_on, JstDayOf(later));
  // The old card cannot register; the new one must, again.
  EXPECT_FALSE(Register(old.card_id, RegistrationChannel::kPortal, "", later).ok());
  auto reg = Register(fresh->card_id, RegistrationChannel::kWindow, "5678", later);
  ASSERT_TRUE(reg.ok()) << reg.error().ToString();
  EXPECT_TRUE(reg->newly_registered);
  EXPECT_FALSE(office_.Reissue(old.card_id, std::string("5678"), later).ok());
}

// Issue 16: a reissued card used to come without the photo behind 照合番号B,
// so the holder could no longer use face recognition at the reader (R-FAC-2).
TEST_F(MunicipalTest, ReissueKeepsTheFacePhotoBehindANewCollationNumberB) {
  const int64_t person = AddPerson("試験　太郎", kAdultBirth, 31);
  std::vector<uint8_t> photo(2000, 0x42);
  photo[0] = 0xFF, photo[1] = 0xD8, photo[1998] = 0xFF, photo[1999] = 0xD9;  // SOI … EOI
  IssueRequest r;
  r.person_id = person;
  r.application_date = kToday.AddDays(-30);
  r.pin = "1234";
  r.photo = photo;
  auto old = office_.Issue(r, kNow);
  ASSERT_TRUE(old.ok()) << old.error().ToString();
  // After the holder's birthday: the new card's expiry, and so its 照合番号B
  // (birth date, expiry, security code), differ from the old one's.
  const std::time_t later = kNow + 60 * kDay;
  auto fresh = office_.Reissue(old->card_id, std::string("5678"), later);
  ASSERT_TRUE(fresh.ok()) << fresh.error().ToString();
  ASSERT_NE(fresh->card_expires_on, old->card_expires_on);
  auto file = card::CardFile::Open(fresh->card_path, key_);
  ASSERT_TRUE(file.ok()) << file.error().ToString();
  EXPECT_EQ(file->face_photo(), photo);
  EXPECT_EQ(file->collation_number_b(), fresh->collation_number_b);
  EXPECT_EQ(fresh->collation_number_b.size(), 14u);
  EXPECT_TRUE(file->MatchesCollationNumberB(fresh->collation_number_b));
  EXPECT_FALSE(file->MatchesCollationNumberB(old->collation_number_b));
}

// A card issued without a photo is reissued without one (and still works).
TEST_F(MunicipalTest, ReissueOfACardWithoutPhotoHasNoPhoto) {
  const int64_t person = AddPerson("試験　太郎", kAdultBirth, 32);
  const IssuedCard old = IssueFor(person);
  auto fresh = office_.Reissue(old.card_id, std::string("5678"), kNow + kDay);
  ASSERT_TRUE(fresh.ok()) << fresh.error().ToString();
  auto file = card::CardFile::Open(fresh->card_path, key_);
  ASSERT_TRUE(file.ok());
  EXPECT_TRUE(file->face_photo().empty());
}

TEST_F(MunicipalTest, RenewalRCard4OpensThreeMonthsBeforeExpiryAndKeepsRegistration) {
  const int64_t person = AddPerson("試験　太郎", kAdultBirth, 9);
  const IssuedCard issued = IssueFor(person);  // certificate to 2029-05-15
  ASSERT_TRUE(Register(issued.card_id, RegistrationChannel::kReader).ok());
  auto early = office_.RenewCertificate(issued.card_id, kNow);
  ASSERT_FALSE(early.ok());
  EXPECT_NE(early.error().message.find("2029-02-15"), std::string::npos);

  std::time_t t = 0;
  const Date opens = Date::FromYmd(2029, 2, 15);
  t = kNow + static_cast<std::time_t>(opens.days_since_epoch() - kToday.days_since_epoch()) * kDay;
  auto renewed = office_.RenewCertificate(issued.card_id, t);
  ASSERT_TRUE(renewed.ok()) << renewed.error().ToString();
  EXPECT_NE(renewed->cert_serial, issued.cert_serial);
  EXPECT_TRUE(renewed->registration_kept);
  // 5th birthday after 2029-02-15 is 2033-05-15, before the card's expiry.
  EXPECT_EQ(renewed->cert_expires_on, Date::FromYmd(2033, 5, 15));
  const auto old_status = ca_.Status(issued.cert_serial, t);
  EXPECT_EQ(old_status.state, jpki::CertificateState::kRevoked);
  EXPECT_EQ(old_status.reason, jpki::RevocationReason::kSuperseded);
  // Same key, new certificate on the card.
  auto verified = ca_.Verify(CertOnCard(issued.card_path), t);
  ASSERT_TRUE(verified.ok());
  EXPECT_EQ(verified->serial_hex, renewed->cert_serial);
  EXPECT_TRUE(store_->FindCardByCertSerial(renewed->cert_serial));
}

TEST_F(MunicipalTest, RenewalAfterGraceCancelsRegistration) {
  const int64_t person = AddPerson("試験　太郎", kAdultBirth, 10);
  const IssuedCard issued = IssueFor(person);  // certificate to 2029-05-15
  ASSERT_TRUE(Register(issued.card_id, RegistrationChannel::kPortal).ok());
  // Grace ends 2029-08-31 (R-CARD-4); in grace the card can still register
  // and renewal keeps it; after it, registration is cancelled (§3).
  const Date after = Date::FromYmd(2029, 9, 1);
  const std::time_t t =
      kNow + static_cast<std::time_t>(after.days_since_epoch() - kToday.days_since_epoch()) * kDay;
  auto refused = Register(issued.card_id, RegistrationChannel::kPortal, "", t);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("renew"), std::string::npos);
  const std::string text = FormatRegistrationStatus(registrar_.Status(person, after));
  EXPECT_NE(text.find("登録取消"), std::string::npos) << text;
  auto renewed = office_.RenewCertificate(issued.card_id, t);
  ASSERT_TRUE(renewed.ok()) << renewed.error().ToString();
  EXPECT_FALSE(renewed->registration_kept);
  EXPECT_FALSE(store_->GetCard(issued.card_id)->insurance_registered_on);
  EXPECT_TRUE(Register(issued.card_id, RegistrationChannel::kPortal, "", t)->newly_registered);
}

TEST_F(MunicipalTest, RegistrationRefusedBeyondGraceAllowedInGrace) {
  const int64_t a = AddPerson("試験　太郎", kAdultBirth, 11);
  const int64_t b = AddPerson("試験　花子", kAdultBirth, 12);
  const IssuedCard ca = IssueFor(a);
  const IssuedCard cb = IssueFor(b);
  const auto at = [](Date d) {
    return kNow + static_cast<std::time_t>(d.days_since_epoch() - kToday.days_since_epoch()) * kDay;
  };
  auto in_grace =
      Register(ca.card_id, RegistrationChannel::kReader, "", at(Date::FromYmd(2029, 8, 31)));
  EXPECT_TRUE(in_grace.ok());
  auto beyond =
      Register(cb.card_id, RegistrationChannel::kReader, "", at(Date::FromYmd(2029, 9, 1)));
  ASSERT_FALSE(beyond.ok());
  EXPECT_NE(beyond.error().message.find("grace"), std::string::npos);
}

TEST_F(MunicipalTest, WindowRegistrationRReg2NeedsThePinAndCountsWrongOnes) {
  const int64_t person = AddPerson("試験　太郎", kAdultBirth, 13);
  const IssuedCard issued = IssueFor(person);
  auto wrong = Register(issued.card_id, RegistrationChannel::kWindow, "0000");
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.error().message.find("2 tries left"), std::string::npos);
  EXPECT_EQ(store_->GetCard(issued.card_id)->pin_failures, 1);
  EXPECT_FALSE(store_->GetCard(issued.card_id)->insurance_registered_on);
  auto right = Register(issued.card_id, RegistrationChannel::kWindow, "1234");
  ASSERT_TRUE(right.ok()) << right.error().ToString();
  EXPECT_TRUE(right->newly_registered);
  EXPECT_EQ(right->channel, "window");
  EXPECT_EQ(store_->GetCard(issued.card_id)->pin_failures, 0);
}

TEST_F(MunicipalTest, RegistrationIsIdempotentAndByCertSerial) {
  const int64_t person = AddPerson("試験　太郎", kAdultBirth, 14);
  const IssuedCard issued = IssueFor(person);
  RegistrationRequest r;
  r.cert_serial = issued.cert_serial;
  r.channel = RegistrationChannel::kReader;
  r.actor = "facility:1312345678";
  auto first = registrar_.Register(r, kNow);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_TRUE(first->newly_registered);
  r.channel = RegistrationChannel::kAtm;
  auto second = registrar_.Register(r, kNow + kDay);
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second->newly_registered);
  EXPECT_EQ(second->channel, "reader");
  EXPECT_EQ(second->registered_on, kToday);
  EXPECT_EQ(AuditCount("card.insurance_registration"), 1);
}

TEST_F(MunicipalTest, RegistrationRReg1EachPersonSeparately) {
  const int64_t insured = AddPerson("試験　太郎", kAdultBirth, 15);
  const int64_t dependent = AddPerson("試験　次郎", kChildBirth, 16);
  AddInsurance(insured, kAdultBirth, "00");
  AddInsurance(dependent, kChildBirth, "01");
  const IssuedCard parent = IssueFor(insured);
  const IssuedCard child = IssueFor(dependent);
  ASSERT_TRUE(Register(parent.card_id, RegistrationChannel::kPortal).ok());
  EXPECT_FALSE(store_->GetCard(child.card_id)->insurance_registered_on);
  auto child_status = registrar_.Status(dependent, kToday);
  EXPECT_FALSE(child_status.usable_as_insurance_card);
  ASSERT_TRUE(Register(child.card_id, RegistrationChannel::kPortal).ok());
  EXPECT_TRUE(registrar_.Status(dependent, kToday).usable_as_insurance_card);
}

TEST_F(MunicipalTest, StatusRReg4AndRReg5NoInsurerMeansNotUsable) {
  const int64_t person = AddPerson("試験　太郎", kAdultBirth, 17);
  const IssuedCard issued = IssueFor(person);
  ASSERT_TRUE(Register(issued.card_id, RegistrationChannel::kAtm).ok());
  auto status = registrar_.Status(person, kToday);
  ASSERT_EQ(status.credentials.size(), 1u);
  EXPECT_TRUE(status.credentials[0].registered_on);
  EXPECT_FALSE(status.has_current_insurer);
  EXPECT_FALSE(status.usable_as_insurance_card);
  std::string text = FormatRegistrationStatus(status);
  EXPECT_NE(text.find("登録済み (2025-04-01, セブン銀行ATM)"), std::string::npos) << text;
  EXPECT_NE(text.find("保険者: なし"), std::string::npos) << text;
  EXPECT_NE(text.find("利用できません"), std::string::npos) << text;
  EXPECT_EQ(text.find(issued.cert_serial), std::string::npos);

  AddInsurance(person, kAdultBirth, "00");
  status = registrar_.Status(person, kToday);
  EXPECT_TRUE(status.has_current_insurer);
  EXPECT_TRUE(status.usable_as_insurance_card);
  text = FormatRegistrationStatus(status);
  EXPECT_NE(text.find("保険者: オンシ健康保険組合"), std::string::npos) << text;
  EXPECT_NE(text.find("利用できます"), std::string::npos) << text;
}

TEST_F(MunicipalTest, SmartphoneRCard8OwnCertificateInheritsRegistrationRevokedAlone) {
  const int64_t person = AddPerson("試験　太郎", kAdultBirth, 18);
  const IssuedCard card = IssueFor(person);
  ASSERT_TRUE(Register(card.card_id, RegistrationChannel::kPortal).ok());
  auto phone = office_.AddSmartphone(person, "2468", kNow + kDay);
  ASSERT_TRUE(phone.ok()) << phone.error().ToString();
  EXPECT_NE(phone->cert_serial, card.cert_serial);
  EXPECT_TRUE(phone->registration_kept);
  EXPECT_EQ(phone->card_expires_on, card.card_expires_on);
  auto rec = store_->GetCard(phone->card_id);
  EXPECT_EQ(rec->kind, CredentialKind::kSmartphone);
  EXPECT_FALSE(office_.AddSmartphone(person, "2468", kNow + kDay).ok());  // one at a time

  auto revoked = office_.RevokeSmartphone(phone->card_id, kNow + 2 * kDay);
  ASSERT_TRUE(revoked.ok()) << revoked.error().ToString();
  EXPECT_EQ(CaState(phone->cert_serial, kNow + 2 * kDay), jpki::CertificateState::kRevoked);
  EXPECT_EQ(CaState(card.cert_serial, kNow + 2 * kDay), jpki::CertificateState::kGood);
  EXPECT_EQ(store_->GetCard(card.card_id)->status, CardState::kActive);
  EXPECT_FALSE(office_.RevokeSmartphone(card.card_id, kNow + 2 * kDay).ok());  // not a phone
  // Suspending the card leaves a new phone credential alone.
  auto phone2 = office_.AddSmartphone(person, "1357", kNow + 3 * kDay);
  ASSERT_TRUE(phone2.ok());
  ASSERT_TRUE(office_.Suspend(card.card_id, kNow + 4 * kDay).ok());
  EXPECT_EQ(CaState(phone2->cert_serial, kNow + 4 * kDay), jpki::CertificateState::kGood);
}

TEST_F(MunicipalTest, SmartphoneNeedsAnActiveCard) {
  const int64_t person = AddPerson("試験　太郎", kAdultBirth, 19);
  EXPECT_FALSE(office_.AddSmartphone(person, "2468", kNow).ok());
}

TEST_F(MunicipalTest, FaceOnlyCardHasNoPin) {
  const int64_t person = AddPerson("試験　太郎", kAdultBirth, 20);
  const IssuedCard issued = IssueFor(person, std::nullopt);
  EXPECT_TRUE(store_->GetCard(issued.card_id)->face_only);
  EXPECT_FALSE(office_.ResetPin(issued.card_id, "1234", kNow).ok());
  EXPECT_FALSE(Register(issued.card_id, RegistrationChannel::kPortal).ok());
  EXPECT_FALSE(Register(issued.card_id, RegistrationChannel::kAtm).ok());
  auto window = Register(issued.card_id, RegistrationChannel::kWindow);
  ASSERT_TRUE(window.ok()) << window.error().ToString();
  const std::string text = FormatRegistrationStatus(registrar_.Status(person, kToday));
  EXPECT_NE(text.find("顔認証"), std::string::npos) << text;
}

TEST_F(MunicipalTest, ReconcileAdoptsTheCardsCertificateAfterACrash) {
  const int64_t person = AddPerson("試験　太郎", kAdultBirth, 21);
  const IssuedCard issued = IssueFor(person);
  // Simulate a renewal interrupted after the card was written: a new
  // certificate on the card, the store still naming the old one.
  auto file = card::CardFile::Open(issued.card_path, key_);
  ASSERT_TRUE(file.ok());
  auto cert = ca_.IssueUserAuthentication(file->PublicKeyDer(), kNow + 60, issued.cert_expires_on);
  ASSERT_TRUE(cert.ok());
  ASSERT_FALSE(file->InstallCertificates(cert->der, ca_.CertificateDer()));
  auto suspended = office_.Suspend(issued.card_id, kNow + 120);
  ASSERT_TRUE(suspended.ok());
  EXPECT_EQ(suspended->cert_serial, cert->serial_hex);
  EXPECT_EQ(CaState(cert->serial_hex, kNow + 120), jpki::CertificateState::kRevoked);
  EXPECT_EQ(AuditCount("card.reconcile"), 1);
}

TEST_F(MunicipalTest, OrphanCardFileFromACrashedIssueIsDiscarded) {
  const int64_t person = AddPerson("試験　太郎", kAdultBirth, 22);
  // The id the next card will get (SQLite: max + 1) already has a file.
  const std::string orphan_path = CardFilePath(office_.cards_dir(), 1);
  auto orphan = card::CardFile::Create(orphan_path, key_, "1111", card::CardFileOptions{10});
  ASSERT_TRUE(orphan.ok());
  auto cert = ca_.IssueUserAuthentication(orphan->PublicKeyDer(), kNow, Date::FromYmd(2030, 1, 1));
  ASSERT_TRUE(cert.ok());
  ASSERT_FALSE(orphan->InstallCertificates(cert->der, ca_.CertificateDer()));
  const IssuedCard issued = IssueFor(person);
  EXPECT_EQ(issued.card_id, 1);
  EXPECT_EQ(CaState(cert->serial_hex, kNow), jpki::CertificateState::kRevoked);
  EXPECT_EQ(CaState(issued.cert_serial, kNow), jpki::CertificateState::kGood);
}

}  // namespace
}  // namespace onshi::municipal

namespace onshi::municipal {
namespace {

TEST_F(MunicipalTest, SuspendRCard6StopsACardThisCaNeverIssued) {
  // Synthetic populations store cards without card files or CA entries; the
  // hotline must still stop them.
  const int64_t person = AddPerson("試験　太郎", kAdultBirth, 23);
  store::CardRecord rec;
  rec.person_id = person;
  rec.application_date = kToday.AddDays(-60);
  rec.issued_on = kToday.AddDays(-30);
  rec.card_expires_on = Date::FromYmd(2034, 5, 15);
  rec.cert_serial = "0123456789ABCDEF";
  rec.cert_issued_on = rec.issued_on;
  rec.cert_expires_on = Date::FromYmd(2029, 5, 15);
  rec.card_id = store_->AddCard(rec);
  auto suspended = office_.Suspend(rec.card_id, kNow);
  ASSERT_TRUE(suspended.ok()) << suspended.error().ToString();
  EXPECT_EQ(store_->GetCard(rec.card_id)->status, CardState::kSuspended);
  EXPECT_FALSE(office_.Resume(rec.card_id, kNow + kDay).ok());  // no card file to certify
}

// Issue 14, "Status texts": during the insurer's normal lag every
// person-facing status says 「データ連携中」 (as the portal API does), not
// 「なし (登録がまだです)」; a refused registration says 登録エラー.
TEST_F(MunicipalTest, StatusSaysDataLinkageDuringTheLagAndShowsTheRegistrysData) {
  const int64_t person = AddPerson("試験　太郎", kAdultBirth, 18);
  store_->PutInsurer({"06139992", "オンシ健康保険組合", "組合健保", 2, true, 5});
  Qualification q;
  q.person_id = person;
  q.insurer_number = "06139992";
  q.symbol = "12";
  q.number = "345";
  q.branch = "00";
  q.birth_date = kAdultBirth;
  q.sex = Sex::kMale;
  q.acquired = kToday;  // joined today; filed yesterday, due in 2 business days
  q.linkage = LinkageState::kSubmitted;
  q.submitted_on = kToday.AddDays(-1);
  q.attributes.push_back(
      {q.acquired, "試験　太郎", "シケン　タロウ", "試験　太郎", "100-0001", "東京都"});
  const int64_t member = store_->AddQualification(q);

  auto status = registrar_.Status(person, kToday);
  EXPECT_FALSE(status.has_current_insurer);
  ASSERT_EQ(status.registrations.size(), 1u);
  EXPECT_EQ(status.registrations[0].status.label, "データ連携中");
  std::string text = FormatRegistrationStatus(status);
  EXPECT_NE(text.find("保険者: データ連携中 (オンシ健康保険組合, 2025-04-01 から)"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("保険者: なし"), std::string::npos) << text;
  // The registry's data of the person.
  EXPECT_NE(text.find("氏名: 試験　太郎 (シケン　タロウ)"), std::string::npos) << text;
  EXPECT_NE(text.find("住所: 〒100-0001 東京都千代田区千代田１－１"), std::string::npos) << text;

  // Refused at link time: 登録エラー, with what to do.
  store_->SetLinkage(member, LinkageState::kRegistrationError, std::nullopt, "氏名");
  text = FormatRegistrationStatus(registrar_.Status(person, kToday));
  EXPECT_NE(text.find("保険者: 登録エラー: 勤務先に確認"), std::string::npos) << text;
  // Linked: the insurer's name, and nothing pending.
  store_->SetLinkage(member, LinkageState::kLinked, kToday, "");
  text = FormatRegistrationStatus(registrar_.Status(person, kToday));
  EXPECT_NE(text.find("保険者: オンシ健康保険組合\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("データ連携中"), std::string::npos) << text;
}

// 住民異動 at the window (R-LINK-4): each changes the registry from its date
// and keeps what it replaced; bad requests change nothing.
TEST_F(MunicipalTest, RegistryEventsChangeTheRegistryInOrder_RLINK4) {
  const int64_t person = AddPerson("試験　太郎", kAdultBirth, 19);
  auto record = [&](RegistryEventKind kind, Date on, std::string address = "",
                    std::string name = "", std::string municipality = "131016") {
    RegistryEventRequest r;
    r.person_id = person;
    r.kind = kind;
    r.effective_on = on;
    r.address = std::move(address);
    r.name = std::move(name);
    r.municipality = std::move(municipality);
    return RecordRegistryEvent(*store_, r, kToday, "municipal:" + r.municipality,
                               "2025-04-01T00:00:00Z");
  };
  auto moved = record(RegistryEventKind::kMoved, Date::FromYmd(2025, 3, 1),
                      "東京都千代田区霞が関一丁目２番３号");
  ASSERT_TRUE(moved.ok()) << moved.error().ToString();
  EXPECT_EQ(store_->GetPerson(person)->address, "東京都千代田区霞が関一丁目２番３号");
  EXPECT_EQ(store_->GetPerson(person)->postcode, "");  // the old one was not this address's
  EXPECT_EQ(moved->event.address_before, "東京都千代田区千代田１－１");

  // Refused, each naming its field, and nothing written.
  EXPECT_EQ(record(RegistryEventKind::kMoved, kToday.AddDays(1), "大阪府").error().field, "date");
  EXPECT_EQ(record(RegistryEventKind::kMoved, Date::FromYmd(2025, 2, 1), "大阪府").error().field,
            "date");  // before the 転居 already recorded
  EXPECT_EQ(record(RegistryEventKind::kMoved, kToday, "東京都千代田区霞ヶ関1-2-3").error().field,
            "address");  // the same address, written otherwise
  EXPECT_EQ(record(RegistryEventKind::kMoved, kToday, "大阪府", "別名　太郎").error().field,
            "name");
  EXPECT_EQ(record(RegistryEventKind::kRenamed, kToday, "", "").error().field, "name");
  EXPECT_EQ(record(RegistryEventKind::kMovedIn, kToday, "大阪府", "", "27").error().field,
            "municipality");
  EXPECT_EQ(store_->RegistryEventsOf(person).size(), 1u);

  auto renamed = record(RegistryEventKind::kRenamed, Date::FromYmd(2025, 3, 15), "", "佐藤　太郎");
  ASSERT_TRUE(renamed.ok()) << renamed.error().ToString();
  auto moved_in = record(RegistryEventKind::kMovedIn, Date::FromYmd(2025, 3, 20),
                         "大阪府大阪市北区梅田３－１－１", "", "271004");
  ASSERT_TRUE(moved_in.ok()) << moved_in.error().ToString();
  EXPECT_EQ(moved_in->event.municipality, "271004");
  // The new municipality's window is now the person's (issue 15 residency).
  EXPECT_EQ(store_->GetPerson(person)->municipality, "271004");
  auto died = record(RegistryEventKind::kDied, Date::FromYmd(2025, 3, 31));
  ASSERT_TRUE(died.ok()) << died.error().ToString();
  EXPECT_EQ(record(RegistryEventKind::kMoved, kToday, "京都府").error().field, "person_id");

  const store::PersonRecord now = *store_->GetPerson(person);
  EXPECT_EQ(now.name, "佐藤\u3000太郎");
  EXPECT_EQ(now.address, "大阪府大阪市北区梅田３－１－１");
  EXPECT_EQ(now.died_on, Date::FromYmd(2025, 3, 31));
  EXPECT_EQ(AuditCount("registry.moved"), 1);
  EXPECT_EQ(AuditCount("registry.moved_in"), 1);
  EXPECT_EQ(AuditCount("registry.died"), 1);
  // The portal's and the window's status show the registry as it is now.
  const std::string text = FormatRegistrationStatus(registrar_.Status(person, kToday));
  EXPECT_NE(text.find("氏名: 佐藤　太郎"), std::string::npos) << text;
  EXPECT_NE(text.find("住所: 大阪府大阪市北区梅田３－１－１"), std::string::npos) << text;
  EXPECT_NE(text.find("死亡: 2025-03-31"), std::string::npos) << text;
  // No name or address in the audit log.
  for (const auto& e : store_->ReadAudit(0, 1000)) {
    EXPECT_EQ(e.detail.find("梅田"), std::string::npos) << e.detail;
    EXPECT_EQ(e.detail.find("佐藤"), std::string::npos) << e.detail;
  }
}

// Issue 15: a municipal window acts only on its own residents. 千代田区's
// office (131016) cannot reset the PIN of a 港区 (131032) resident's card,
// nor issue, suspend, resume, renew, reissue it, add a smartphone
// credential, or register it; each refusal is audited. 港区's own window
// can, and so can J-LIS's operator (no code).
TEST_F(MunicipalTest, AWindowActsOnlyOnItsOwnResidents) {
  const int64_t minato = AddPerson("港　太郎", kAdultBirth, 31, "131032");
  CardOffice minato_office(*store_, ca_, key_, dir_ / "cards", "131032", card::CardFileOptions{10});
  IssueRequest r;
  r.person_id = minato;
  r.application_date = kToday.AddDays(-30);
  r.pin = "1234";
  auto refused_issue = office_.Issue(r, kNow);
  ASSERT_FALSE(refused_issue.ok());
  EXPECT_EQ(refused_issue.error().field, "municipality");
  EXPECT_EQ(refused_issue.error().message.find("131032"), std::string::npos)
      << "the refusal must not say where the person lives";
  auto issued = minato_office.Issue(r, kNow);
  ASSERT_TRUE(issued.ok()) << issued.error().ToString();
  const int64_t card = issued->card_id;

  auto reset = office_.ResetPin(card, "4321", kNow + 60);
  ASSERT_FALSE(reset.ok());
  EXPECT_EQ(reset.error().field, "municipality");
  EXPECT_EQ(office_.Suspend(card, kNow + 60).error().field, "municipality");
  EXPECT_EQ(office_.RenewCertificate(card, kNow + 60).error().field, "municipality");
  EXPECT_EQ(office_.Resume(card, kNow + 60).error().field, "municipality");
  EXPECT_EQ(office_.Reissue(card, "5555", kNow + 60).error().field, "municipality");
  EXPECT_EQ(office_.AddSmartphone(minato, "5555", kNow + 60).error().field, "municipality");
  RegistrationRequest window;
  window.card_id = card;
  window.channel = RegistrationChannel::kWindow;
  window.pin = "1234";
  window.actor = office_.actor();
  window.municipality = "131016";
  EXPECT_EQ(registrar_.Register(window, kNow + 60).error().field, "municipality");
  // Nothing changed; every refusal is in the audit log under the person.
  EXPECT_EQ(store_->GetCard(card)->status, CardState::kActive);
  EXPECT_FALSE(store_->GetCard(card)->insurance_registered_on.has_value());
  int refusals = 0;
  for (const auto& e : store_->AuditOfPerson(minato)) {
    if (e.action == "municipal.refused") {
      ++refusals;
      EXPECT_EQ(e.actor, "municipal:131016");
    }
  }
  EXPECT_EQ(refusals, 8);

  // Their own ward's window, and J-LIS's operator, may.
  ASSERT_TRUE(minato_office.ResetPin(card, "4321", kNow + 120).ok());
  window.municipality = "131032";
  window.actor = minato_office.actor();
  window.pin = "4321";
  ASSERT_TRUE(registrar_.Register(window, kNow + 120).ok());
  CardOffice jlis(*store_, ca_, key_, dir_ / "cards", "", card::CardFileOptions{10});
  EXPECT_EQ(jlis.actor(), "jlis");
  EXPECT_TRUE(jlis.Suspend(card, kNow + 180).ok());
  // A person whose municipality was never recorded is no window's resident.
  const int64_t unknown = AddPerson("不明　太郎", kAdultBirth, 32, "");
  r.person_id = unknown;
  EXPECT_EQ(office_.Issue(r, kNow).error().field, "municipality");
  EXPECT_TRUE(jlis.Issue(r, kNow).ok());
}

// Issue 15: every certificate the window hands out is pinned in the store by
// its SHA-256 — at issue, renewal and resumption, and for a card issued
// before pinning existed, on the window's next touch (onshi card
// pin-certificates).
TEST_F(MunicipalTest, EveryIssuedCertificateIsPinned) {
  const int64_t person = AddPerson("試験　太郎", kAdultBirth, 33);
  const IssuedCard issued = IssueFor(person);
  auto fingerprint = [&](const std::string& path) {
    return jpki::CertificateFingerprint(CertOnCard(path));
  };
  EXPECT_EQ(store_->GetCard(issued.card_id)->cert_fingerprint, fingerprint(issued.card_path));
  ASSERT_TRUE(office_.Suspend(issued.card_id, kNow + 60).ok());
  auto resumed = office_.Resume(issued.card_id, kNow + 120);
  ASSERT_TRUE(resumed.ok()) << resumed.error().ToString();
  EXPECT_NE(resumed->cert_serial, issued.cert_serial);
  EXPECT_EQ(store_->GetCard(issued.card_id)->cert_fingerprint, fingerprint(issued.card_path));
  // Renewal opens three months before the certificate's expiry (R-CARD-4).
  const std::time_t late = jpki::JpkiCa::EndOfDayJst(resumed->cert_expires_on.AddMonths(-2));
  auto renewed = office_.RenewCertificate(issued.card_id, late);
  ASSERT_TRUE(renewed.ok()) << renewed.error().ToString();
  EXPECT_EQ(store_->GetCard(issued.card_id)->cert_fingerprint, fingerprint(issued.card_path));
  auto reissued = office_.Reissue(issued.card_id, "5555", late + 60);
  ASSERT_TRUE(reissued.ok()) << reissued.error().ToString();
  EXPECT_EQ(store_->GetCard(reissued->card_id)->cert_fingerprint, fingerprint(reissued->card_path));

  // Issued before schema 5: no fingerprint; pinning reads the card file.
  store::CardRecord old = *store_->GetCard(reissued->card_id);
  old.cert_fingerprint.clear();
  store_->UpdateCard(old);
  auto pinned = office_.PinCertificate(reissued->card_id, late + 120);
  ASSERT_TRUE(pinned.ok()) << pinned.error().ToString();
  EXPECT_EQ(store_->GetCard(reissued->card_id)->cert_fingerprint, fingerprint(reissued->card_path));
}

}  // namespace
}  // namespace onshi::municipal
