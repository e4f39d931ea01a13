// 資格確認 by My Number card (照会区分 1) with the real card emulator: the
// card signs the service's challenge after VERIFY; the service checks the
// certificate (chain, revocation, grace) and the signature, refuses replays,
// and finds the person only by the certificate serial.
// Rules: R-CARD-3, R-CARD-4, R-CARD-6, R-FAC-2, R-REG-1.
#include "service/card_check.hpp"

#include <gtest/gtest.h>
#include <openssl/sha.h>
#include <unistd.h>

#include <filesystem>

#include "card/card.hpp"
#include "card/personalise.hpp"
#include "core/card_validity.hpp"

namespace onshi::service {
namespace {

namespace fs = std::filesystem;

Date D(int y, int m, int d) {
  return Date::FromYmd(y, m, d);
}

constexpr const char* kFacility = "1310000011";

// 2026-11-23 10:00 JST.
constexpr std::time_t kNow = 1795395600;

std::vector<uint8_t> Apdu(std::initializer_list<uint8_t> head, const std::vector<uint8_t>& data,
                          bool le = false) {
  std::vector<uint8_t> a(head);
  if (!data.empty()) {
    a.push_back(static_cast<uint8_t>(data.size()));
    a.insert(a.end(), data.begin(), data.end());
  }
  if (le) a.push_back(0x00);
  return a;
}

class CardCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("onshi-cardcheck-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    store_ = store::OpenStore((dir_ / "t.db").string(), (dir_ / "t.keys").string());
    auto ca = jpki::JpkiCa::Create((dir_ / "jpki").string(), kNow - 86400 * 400);
    ASSERT_TRUE(ca.ok()) << ca.error().ToString();
    ca_.emplace(std::move(ca).value());
    auto key = card::IssuerKey::LoadOrCreate((dir_ / "issuer.key").string());
    ASSERT_TRUE(key.ok());
    key_.emplace(std::move(key).value());

    store_->PutInsurer({"06139992", "オンシ健康保険組合", "組合健保", 2, true, 5});
    store::PersonRecord p{
        0,          "山田\u3000太郎", "ヤマダ\u3000タロウ", D(1980, 5, 15), Sex::kMale,
        "100-0001", "東京都"};
    person_ = store_->AddPerson(p, MyNumber::FromBase(12345678901ULL));
    Qualification q;
    q.person_id = person_;
    q.insurer_number = "06139992";
    q.symbol = "1";
    q.number = "1001";
    q.branch = "00";
    q.birth_date = D(1980, 5, 15);
    q.sex = Sex::kMale;
    q.acquired = D(2020, 4, 1);
    q.linkage = LinkageState::kLinked;
    q.submitted_on = D(2020, 4, 1);
    q.linked_on = D(2020, 4, 3);
    q.attributes.push_back({D(2020, 4, 1), "山田\u3000太郎", "ヤマダ\u3000タロウ", "山田\u3000太郎",
                            "100-0001", "東京都"});
    store_->AddQualification(q);
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  // Issues a card (certificate valid until `cert_last_day`), registers it
  // for insurance use, and returns it with its certificate.
  std::pair<card::Card, std::vector<uint8_t>> Issue(Date issued, Date cert_last_day,
                                                    bool registered = true) {
    card::CardFileOptions fast;
    fast.pin_hash_log2_n = 10;
    auto made =
        card::PersonaliseCard(*ca_, (dir_ / "card.bin").string(), *key_, "1234",
                              jpki::JpkiCa::EndOfDayJst(issued) - 86399, cert_last_day, fast);
    EXPECT_TRUE(made.ok()) << (made.ok() ? "" : made.error().ToString());
    store::CardRecord c;
    c.person_id = person_;
    c.application_date = issued.AddDays(-30);
    c.issued_on = issued;
    c.card_expires_on = issued.AddYears(10);
    c.cert_serial = made->certificate.serial_hex;
    c.cert_issued_on = issued;
    c.cert_expires_on = cert_last_day;
    if (registered) c.insurance_registered_on = issued;
    c.registration_channel = registered ? "reader" : "";
    card_id_ = store_->AddCard(c);
    serial_ = c.cert_serial;
    std::vector<uint8_t> der(made->certificate.der.begin(), made->certificate.der.end());
    return {card::Card(std::move(made->file)), der};
  }

  // What a reader does in PIN mode: select, VERIFY, sign the challenge.
  std::vector<uint8_t> Sign(card::Card& card, const std::vector<uint8_t>& challenge,
                            const std::string& pin = "1234") {
    card.Transmit(Apdu({0x00, 0xA4, 0x04, 0x0C},
                       {0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01}));
    card.Transmit(Apdu({0x00, 0xA4, 0x02, 0x0C}, {0x00, 0x18}));
    auto v =
        card.Transmit(Apdu({0x00, 0x20, 0x00, 0x80}, std::vector<uint8_t>(pin.begin(), pin.end())));
    if (v.size() != 2 || v[0] != 0x90) return {};
    card.Transmit(Apdu({0x00, 0xA4, 0x02, 0x0C}, {0x00, 0x17}));
    const std::vector<uint8_t> m = SignedMessage(kFacility, challenge);
    uint8_t hash[SHA256_DIGEST_LENGTH];
    SHA256(m.data(), m.size(), hash);
    std::vector<uint8_t> info = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};
    info.insert(info.end(), hash, hash + sizeof hash);
    auto sig = card.Transmit(Apdu({0x80, 0x2A, 0x00, 0x80}, info, true));
    if (sig.size() < 2 || sig[sig.size() - 2] != 0x90) return {};
    sig.resize(sig.size() - 2);
    return sig;
  }

  Expected<CardCheckResult> Check(const std::vector<uint8_t>& der, const std::vector<uint8_t>& ch,
                                  const std::vector<uint8_t>& sig, std::time_t now = kNow,
                                  IdentityCheck method = IdentityCheck::kPin) {
    CardCheckRequest r;
    r.facility = kFacility;
    r.certificate_der = der;
    r.method = method;
    r.challenge = ch;
    r.signature = sig;
    r.confirmation_date = D(2026, 11, 23);
    return CheckCard(*store_, *ca_, book_, r, now, D(2026, 11, 23));
  }

  fs::path dir_;
  std::unique_ptr<store::Store> store_;
  std::optional<jpki::JpkiCa> ca_;
  std::optional<card::IssuerKey> key_;
  ChallengeBook book_;
  int64_t person_ = 0;
  int64_t card_id_ = 0;
  std::string serial_;
};

TEST_F(CardCheckTest, PinModeSignatureOverChallengeIdentifiesThePersonByCertificate) {
  auto [card, der] = Issue(D(2024, 1, 10), D(2029, 5, 15));
  const auto ch = book_.Issue(kFacility, kNow);
  const auto sig = Sign(card, ch);
  ASSERT_EQ(sig.size(), 256u);
  auto r = Check(der, ch, sig);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->person_id, person_);
  EXPECT_EQ(r->cert_serial, serial_);
  EXPECT_EQ(r->decision.validity, QualificationValidity::kValid);
  ASSERT_EQ(r->decision.results.size(), 1u);
  EXPECT_EQ(r->decision.results[0]->number, "1001");
}

TEST_F(CardCheckTest, ReplayedOrForeignOrWrongSignatureIsRefused) {
  auto [card, der] = Issue(D(2024, 1, 10), D(2029, 5, 15));
  const auto ch = book_.Issue(kFacility, kNow);
  const auto sig = Sign(card, ch);
  ASSERT_TRUE(Check(der, ch, sig).ok());
  // The same challenge again: a replay.
  auto replay = Check(der, ch, sig);
  ASSERT_FALSE(replay.ok());
  EXPECT_EQ(replay.error().field, "challenge");
  // A challenge issued to another facility.
  const auto other = book_.Issue("2710000015", kNow);
  EXPECT_EQ(Check(der, other, Sign(card, other)).error().field, "challenge");
  // An expired challenge.
  const auto old = book_.Issue(kFacility, kNow);
  const auto old_sig = Sign(card, old);
  EXPECT_EQ(Check(der, old, old_sig, kNow + kChallengeSeconds + 1).error().field, "challenge");
  // A signature over another challenge.
  const auto c1 = book_.Issue(kFacility, kNow), c2 = book_.Issue(kFacility, kNow);
  EXPECT_EQ(Check(der, c2, Sign(card, c1)).error().field, "signature");
  // The wrong PIN: the card refuses to sign at all (R-CARD-5).
  EXPECT_TRUE(Sign(card, c1, "9999").empty());
}

// R-LINK-4 (issue 14): a form refused at reception leaves no qualification,
// only the submission under the person. By card the answer names the cause
// (insurer_registration_error), not "no record".
TEST_F(CardCheckTest, AFilingRefusedAtReceptionIsARegistrationErrorByCard_RLINK4) {
  store::PersonRecord p{
      0, "佐藤\u3000花子", "サトウ\u3000ハナコ", D(1990, 2, 3), Sex::kFemale, "100-0001", "東京都"};
  person_ = store_->AddPerson(p, MyNumber::FromBase(22345678901ULL));
  auto [card, der] = Issue(D(2024, 1, 10), D(2029, 2, 3));
  const auto ch = book_.Issue(kFacility, kNow);
  auto before = Check(der, ch, Sign(card, ch));
  ASSERT_TRUE(before.ok()) << before.error().ToString();
  EXPECT_EQ(before->decision.reason, EligibilityReason::kNoRecord);

  store::SubmissionRecord f;
  f.insurer_number = "06139992";
  f.submission_id = "S-1";
  f.form = FormKind::kAcquisition;
  f.state = LinkageState::kRegistrationError;
  f.received_on = D(2026, 11, 1);
  f.due_on = D(2026, 11, 5);
  f.number = "2002";
  f.branch = "00";
  f.name = "佐藤\u3000花子";
  f.name_kana = "サトウ\u3000ハナコ";
  f.birth_date = D(1990, 2, 3);
  f.sex = Sex::kFemale;
  f.address = "東京都港区";
  f.event_date = D(2026, 11, 1);
  f.person_id = person_;
  f.error_fields = "address";
  f.error = "address: does not match the resident registry";
  ASSERT_TRUE(store_->AddSubmission(f));
  const auto ch2 = book_.Issue(kFacility, kNow);
  auto after = Check(der, ch2, Sign(card, ch2));
  ASSERT_TRUE(after.ok()) << after.error().ToString();
  EXPECT_EQ(after->decision.validity, QualificationValidity::kNotFound);
  EXPECT_EQ(after->decision.reason, EligibilityReason::kInsurerRegistrationError);
}

// R-CARD-6: the hotline suspension revokes the certificate.
TEST_F(CardCheckTest, RevokedCertificateAnswersWithTheCardStateAndNoData_RCARD6) {
  // Issue 14: a suspended or lost card gets an answer the staff can act on
  // (資格情報なし with the card's state, R-FAC-6), never the person's data.
  auto [card, der] = Issue(D(2024, 1, 10), D(2029, 5, 15));
  ASSERT_TRUE(ca_->Revoke(serial_, jpki::RevocationReason::kSuspended, kNow - 60).ok());
  const auto ch = book_.Issue(kFacility, kNow);
  auto r = Check(der, ch, Sign(card, ch));
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->decision.validity, QualificationValidity::kNotFound);
  EXPECT_EQ(r->decision.reason, EligibilityReason::kCardRevoked);
  EXPECT_TRUE(r->decision.results.empty());
  EXPECT_FALSE(r->usability.usable());
  // The portal login still refuses it: a lost card logs in nowhere.
  const auto login = book_.Issue("portal", kNow);
  auto who = AuthenticateCard(*store_, *ca_, book_, der, login, Sign(card, login), "portal", kNow);
  ASSERT_FALSE(who.ok());
  EXPECT_EQ(who.error().field, "certificate");
}

// R-CARD-4: an expired certificate still works until the end of the third
// month after the expiry month; after that the card identifies no one.
TEST_F(CardCheckTest, ExpiredCertificateWorksInGraceThenNot_RCARD4) {
  // Issued 2021-10-01 to someone born on 15 May: the certificate ends on the
  // 5th birthday after issuance, 2026-05-15 (R-CARD-3); the grace runs to the
  // end of the third month after, 2026-08-31.
  auto [card, der] = Issue(D(2021, 10, 1), D(2026, 5, 15));
  const std::time_t july = jpki::JpkiCa::EndOfDayJst(D(2026, 7, 1)) - 12 * 3600;
  const auto ch = book_.Issue(kFacility, july);
  CardCheckRequest r;
  r.facility = kFacility;
  r.certificate_der = der;
  r.challenge = ch;
  r.signature = Sign(card, ch);
  r.confirmation_date = D(2026, 7, 1);
  auto in_grace = CheckCard(*store_, *ca_, book_, r, july, D(2026, 7, 1));
  ASSERT_TRUE(in_grace.ok()) << in_grace.error().ToString();
  EXPECT_EQ(in_grace->decision.validity, QualificationValidity::kValid);
  EXPECT_TRUE(in_grace->decision.card_in_grace);
  EXPECT_EQ(in_grace->usability.grace_end, D(2026, 8, 31));

  CardCheckRequest late;
  late.facility = kFacility;
  late.certificate_der = der;
  late.method = IdentityCheck::kVisual;  // 目視: no signature needed
  late.confirmation_date = D(2026, 9, 1);
  const std::time_t sept = jpki::JpkiCa::EndOfDayJst(D(2026, 9, 1)) - 12 * 3600;
  auto after = CheckCard(*store_, *ca_, book_, late, sept, D(2026, 9, 1));
  ASSERT_TRUE(after.ok()) << after.error().ToString();
  EXPECT_EQ(after->decision.validity, QualificationValidity::kNotFound);
  EXPECT_EQ(after->decision.reason, EligibilityReason::kCertificateExpiredBeyondGrace);
}

TEST_F(CardCheckTest, UnregisteredCardAndForeignCertificate_RREG1) {
  auto [card, der] = Issue(D(2024, 1, 10), D(2029, 5, 15), /*registered=*/false);
  auto r = Check(der, {}, {}, kNow, IdentityCheck::kFaceRecognition);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->decision.reason, EligibilityReason::kNotRegisteredForInsuranceUse);
  EXPECT_TRUE(r->decision.results.empty());

  // A certificate from another CA (a forged J-LIS) identifies nobody.
  auto other = jpki::JpkiCa::Create((dir_ / "other").string(), kNow - 86400);
  ASSERT_TRUE(other.ok());
  card::CardFileOptions fast;
  fast.pin_hash_log2_n = 10;
  auto forged = card::PersonaliseCard(*other, (dir_ / "forged.bin").string(), *key_, "1234",
                                      kNow - 3600, D(2029, 5, 15), fast);
  ASSERT_TRUE(forged.ok());
  std::vector<uint8_t> fder(forged->certificate.der.begin(), forged->certificate.der.end());
  auto f = Check(fder, {}, {}, kNow, IdentityCheck::kFaceRecognition);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().field, "certificate");
}

}  // namespace
}  // namespace onshi::service
