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

#include "auth/base64url.hpp"
#include "auth/reader_key.hpp"
#include "card/card.hpp"
#include "card/personalise.hpp"
#include "core/card_validity.hpp"
#include "jpki/certificate_fingerprint.hpp"
#include "mint_with_ca_key.hpp"
#include "service/rate_limiter.hpp"
#include "service/reader_registry.hpp"

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
    // The facility's card reader, registered to it (issue 15).
    store_->PutFacility({kFacility, "試験クリニック", "医科"});
    auto added =
        RegisterReader(*store_, reader_.public_key(), kFacility, "受付1", kNow - 86400, "test");
    ASSERT_TRUE(added.ok()) << added.error().ToString();
    store::PersonRecord p{
        0,        "山田\u3000太郎", "ヤマダ\u3000タロウ", D(1980, 5, 15), Sex::kMale, "100-0001",
        "東京都", "131016"};
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
    c.cert_fingerprint = jpki::CertificateFingerprint(made->certificate.der);
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
    return SignFor(card, kFacility, challenge, pin);
  }
  std::vector<uint8_t> SignFor(card::Card& card, std::string_view audience,
                               const std::vector<uint8_t>& challenge,
                               const std::string& pin = "1234") {
    card.Transmit(Apdu({0x00, 0xA4, 0x04, 0x0C},
                       {0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01}));
    card.Transmit(Apdu({0x00, 0xA4, 0x02, 0x0C}, {0x00, 0x18}));
    auto v =
        card.Transmit(Apdu({0x00, 0x20, 0x00, 0x80}, std::vector<uint8_t>(pin.begin(), pin.end())));
    if (v.size() != 2 || v[0] != 0x90) return {};
    card.Transmit(Apdu({0x00, 0xA4, 0x02, 0x0C}, {0x00, 0x17}));
    const std::vector<uint8_t> m = SignedMessage(audience, challenge);
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

  // The reader's proof (auth/reader_key.hpp) as raw signature bytes.
  static std::vector<uint8_t> ReaderSign(const auth::ReaderKey& reader, IdentityCheck method,
                                         const std::vector<uint8_t>& challenge,
                                         const std::vector<uint8_t>& der,
                                         std::string_view facility = kFacility) {
    auto b64 = reader.Sign(
        facility, IdentityCheckName(method),
        std::string_view(reinterpret_cast<const char*>(challenge.data()), challenge.size()),
        std::string_view(reinterpret_cast<const char*>(der.data()), der.size()));
    EXPECT_TRUE(b64.ok());
    const std::string raw = auth::Base64UrlDecode(*b64).value_or("");
    return std::vector<uint8_t>(raw.begin(), raw.end());
  }

  // A check; in face and 目視 mode signed by the facility's reader.
  Expected<CardCheckResult> Check(const std::vector<uint8_t>& der, const std::vector<uint8_t>& ch,
                                  const std::vector<uint8_t>& sig, std::time_t now = kNow,
                                  IdentityCheck method = IdentityCheck::kPin) {
    CardCheckRequest r;
    r.facility = kFacility;
    r.certificate_der = der;
    r.method = method;
    r.challenge = ch;
    r.signature = sig;
    if (method != IdentityCheck::kPin) {
      r.reader_id = reader_.id();
      r.reader_signature = ReaderSign(reader_, method, ch, der);
    }
    r.confirmation_date = D(2026, 11, 23);
    return CheckCard(*store_, *ca_, book_, r, now, D(2026, 11, 23));
  }

  fs::path dir_;
  std::unique_ptr<store::Store> store_;
  std::optional<jpki::JpkiCa> ca_;
  std::optional<card::IssuerKey> key_;
  ChallengeBook book_;
  auth::ReaderKey reader_ = auth::ReaderKey::FromKey(auth::Es256SigningKey::Generate().value());
  int64_t person_ = 0;
  int64_t card_id_ = 0;
  std::string serial_;
};

TEST_F(CardCheckTest, PinModeSignatureOverChallengeIdentifiesThePersonByCertificate) {
  auto [card, der] = Issue(D(2024, 1, 10), D(2029, 5, 15));
  const auto ch = book_.Issue(kFacility, kNow).value();
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
  const auto ch = book_.Issue(kFacility, kNow).value();
  const auto sig = Sign(card, ch);
  ASSERT_TRUE(Check(der, ch, sig).ok());
  // The same challenge again: a replay.
  auto replay = Check(der, ch, sig);
  ASSERT_FALSE(replay.ok());
  EXPECT_EQ(replay.error().field, "challenge");
  // A challenge issued to another facility.
  const auto other = book_.Issue("2710000015", kNow).value();
  EXPECT_EQ(Check(der, other, Sign(card, other)).error().field, "challenge");
  // An expired challenge.
  const auto old = book_.Issue(kFacility, kNow).value();
  const auto old_sig = Sign(card, old);
  EXPECT_EQ(Check(der, old, old_sig, kNow + kChallengeSeconds + 1).error().field, "challenge");
  // A signature over another challenge.
  const auto c1 = book_.Issue(kFacility, kNow).value(), c2 = book_.Issue(kFacility, kNow).value();
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
  const auto ch = book_.Issue(kFacility, kNow).value();
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
  const auto ch2 = book_.Issue(kFacility, kNow).value();
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
  const auto ch = book_.Issue(kFacility, kNow).value();
  auto r = Check(der, ch, Sign(card, ch));
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->decision.validity, QualificationValidity::kNotFound);
  EXPECT_EQ(r->decision.reason, EligibilityReason::kCardRevoked);
  EXPECT_TRUE(r->decision.results.empty());
  EXPECT_FALSE(r->usability.usable());
  // The portal login still refuses it: a lost card logs in nowhere.
  const auto login = book_.Issue("portal", kNow).value();
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
  const auto ch = book_.Issue(kFacility, july).value();
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
  late.method = IdentityCheck::kVisual;  // 目視: the reader signs, not the card
  late.confirmation_date = D(2026, 9, 1);
  const std::time_t sept = jpki::JpkiCa::EndOfDayJst(D(2026, 9, 1)) - 12 * 3600;
  late.challenge = book_.Issue(kFacility, sept).value();
  late.reader_id = reader_.id();
  late.reader_signature = ReaderSign(reader_, IdentityCheck::kVisual, late.challenge, der);
  auto after = CheckCard(*store_, *ca_, book_, late, sept, D(2026, 9, 1));
  ASSERT_TRUE(after.ok()) << after.error().ToString();
  EXPECT_EQ(after->decision.validity, QualificationValidity::kNotFound);
  EXPECT_EQ(after->decision.reason, EligibilityReason::kCertificateExpiredBeyondGrace);
}

TEST_F(CardCheckTest, UnregisteredCardAndForeignCertificate_RREG1) {
  auto [card, der] = Issue(D(2024, 1, 10), D(2029, 5, 15), /*registered=*/false);
  auto r =
      Check(der, book_.Issue(kFacility, kNow).value(), {}, kNow, IdentityCheck::kFaceRecognition);
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
  auto f =
      Check(fder, book_.Issue(kFacility, kNow).value(), {}, kNow, IdentityCheck::kFaceRecognition);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().field, "certificate");
}

// Issue 15 (R-SEC-1): the CA's private key leaks (it was once committed).
// With it, an attacker mints a certificate carrying a victim card's serial
// and the attacker's own key, and signs the challenge with that key: the
// certificate chains, is not revoked, and names the victim by its serial.
// The pinned fingerprint of the certificate the window issued refuses it,
// in PIN mode and at the portal login.
TEST_F(CardCheckTest, CertificateMintedWithTheCaKeyUnderAVictimsSerialIsRefused_RSEC1) {
  auto [card, der] = Issue(D(2024, 1, 10), D(2029, 5, 15));
  const testing::Minted forged =
      testing::MintWithCaKey((dir_ / "jpki").string(), serial_, kNow - 3600, D(2029, 5, 15));
  ASSERT_FALSE(forged.der.empty());
  ASSERT_NE(forged.der, der);
  // The CA itself vouches for it: this is what the attack relies on.
  auto verified = ca_->Verify(forged.der, kNow);
  ASSERT_TRUE(verified.ok()) << verified.error().error.ToString();
  EXPECT_EQ(verified->serial_hex, serial_);

  const auto ch = book_.Issue(kFacility, kNow).value();
  auto pin_mode = Check(forged.der, ch, forged.Sign(SignedMessage(kFacility, ch)));
  ASSERT_FALSE(pin_mode.ok()) << "a forged certificate identified person " << pin_mode->person_id;
  EXPECT_EQ(pin_mode.error().field, "certificate");
  EXPECT_NE(pin_mode.error().message.find("not the certificate issued"), std::string::npos);

  const auto portal = book_.Issue("portal", kNow).value();
  auto login = AuthenticateCard(*store_, *ca_, book_, forged.der, portal,
                                forged.Sign(SignedMessage("portal", portal)), "portal", kNow);
  ASSERT_FALSE(login.ok()) << "a forged certificate logged in as person "
                           << login->person.person_id;
  EXPECT_EQ(login.error().field, "certificate");

  // The genuine card still works, and a card issued before pinning (no
  // fingerprint) is refused until the window pins it.
  const auto ok = book_.Issue(kFacility, kNow).value();
  EXPECT_TRUE(Check(der, ok, Sign(card, ok)).ok());
  store::CardRecord unpinned = *store_->GetCard(card_id_);
  unpinned.cert_fingerprint.clear();
  store_->UpdateCard(unpinned);
  const auto again = book_.Issue(kFacility, kNow).value();
  auto refused = Check(der, again, Sign(card, again));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("pin"), std::string::npos);
}

// Issue 15: a face or 目視 check needs only the card's certificate, which
// anyone reads from the card without a PIN; so it must be proven by the
// facility's own card reader, registered to that facility and not revoked,
// signing the challenge, the certificate's hash, the mode and the facility.
TEST_F(CardCheckTest, FaceAndVisualChecksMustBeSignedByTheFacilitysOwnReader_RFAC2) {
  auto [card, der] = Issue(D(2024, 1, 10), D(2029, 5, 15));
  auto request = [&](IdentityCheck method) {
    CardCheckRequest r;
    r.facility = kFacility;
    r.certificate_der = der;
    r.method = method;
    r.challenge = book_.Issue(kFacility, kNow).value();
    r.confirmation_date = D(2026, 11, 23);
    return r;
  };
  auto check = [&](const CardCheckRequest& r) {
    return CheckCard(*store_, *ca_, book_, r, kNow, D(2026, 11, 23));
  };
  // The attack: certificate only, any facility's token.
  for (IdentityCheck m : {IdentityCheck::kFaceRecognition, IdentityCheck::kVisual}) {
    auto bare = check(request(m));
    ASSERT_FALSE(bare.ok()) << "a " << IdentityCheckName(m) << " check without the reader";
    EXPECT_EQ(bare.error().field, "reader");
  }
  // The facility's reader signs: accepted, and the result names the reader.
  CardCheckRequest face = request(IdentityCheck::kFaceRecognition);
  face.reader_id = reader_.id();
  face.reader_signature = ReaderSign(reader_, face.method, face.challenge, der);
  auto ok = check(face);
  ASSERT_TRUE(ok.ok()) << ok.error().ToString();
  EXPECT_EQ(ok->reader_id, reader_.id());
  EXPECT_EQ(ok->decision.validity, QualificationValidity::kValid);

  auto signed_as = [&](const auth::ReaderKey& reader, IdentityCheck sign_mode,
                       IdentityCheck send_mode, std::string_view sign_facility = kFacility,
                       const std::vector<uint8_t>* sign_der = nullptr) {
    CardCheckRequest r = request(send_mode);
    r.reader_id = reader.id();
    r.reader_signature =
        ReaderSign(reader, sign_mode, r.challenge, sign_der ? *sign_der : der, sign_facility);
    return check(r);
  };
  // Signed for face, sent as 目視; signed for another facility; over another
  // certificate: the signature does not verify.
  EXPECT_EQ(
      signed_as(reader_, IdentityCheck::kFaceRecognition, IdentityCheck::kVisual).error().field,
      "readerSignature");
  EXPECT_EQ(signed_as(reader_, IdentityCheck::kVisual, IdentityCheck::kVisual, "2710000015")
                .error()
                .field,
            "readerSignature");
  const std::vector<uint8_t> other_der(der.begin(), der.end() - 1);
  EXPECT_EQ(
      signed_as(reader_, IdentityCheck::kVisual, IdentityCheck::kVisual, kFacility, &other_der)
          .error()
          .field,
      "readerSignature");
  // A key nobody registered, and another facility's reader.
  const auth::ReaderKey stranger =
      auth::ReaderKey::FromKey(auth::Es256SigningKey::Generate().value());
  auto unknown = signed_as(stranger, IdentityCheck::kVisual, IdentityCheck::kVisual);
  EXPECT_EQ(unknown.error().field, "reader");
  store_->PutFacility({"2710000015", "大阪の薬局", "薬局"});
  ASSERT_TRUE(
      RegisterReader(*store_, stranger.public_key(), "2710000015", "大阪", kNow, "test").ok());
  auto foreign = signed_as(stranger, IdentityCheck::kVisual, IdentityCheck::kVisual);
  ASSERT_FALSE(foreign.ok());
  EXPECT_NE(foreign.error().message.find("another facility"), std::string::npos);
  // A reader in PIN mode is verified when sent: a bad one fails the check.
  const auto pin_ch = book_.Issue(kFacility, kNow).value();
  CardCheckRequest pin = request(IdentityCheck::kPin);
  pin.challenge = pin_ch;
  pin.signature = Sign(card, pin_ch);
  pin.reader_id = reader_.id();
  pin.reader_signature = ReaderSign(reader_, IdentityCheck::kFaceRecognition, pin_ch, der);
  EXPECT_EQ(check(pin).error().field, "readerSignature");
  // Revoked: no check it signs is accepted afterwards.
  ASSERT_TRUE(RevokeReader(*store_, reader_.id(), kNow, "test").ok());
  auto revoked =
      signed_as(reader_, IdentityCheck::kFaceRecognition, IdentityCheck::kFaceRecognition);
  ASSERT_FALSE(revoked.ok());
  EXPECT_NE(revoked.error().message.find("revoked"), std::string::npos);
}

// Issue 15: the challenge book is bounded in all and per audience, frees
// room as challenges expire (in order of expiry), and says when to retry.
TEST(ChallengeBookTest, BoundedPerAudienceAndInAllAndExpiresInOrder) {
  ChallengeBook book({/*capacity=*/4, /*per_audience=*/3, /*lifetime_seconds=*/120});
  const std::time_t t = kNow;
  std::vector<std::vector<uint8_t>> mine;
  for (int i = 0; i < 3; ++i)
    mine.push_back(book.Issue("A", t + i).value());
  auto per_audience = book.Issue("A", t + 3);
  ASSERT_FALSE(per_audience.ok());
  EXPECT_GE(per_audience.error().retry_after_seconds, 1);
  ASSERT_TRUE(book.Issue("B", t + 3).ok());  // another audience still gets one
  auto full = book.Issue("C", t + 4);
  ASSERT_FALSE(full.ok());
  // The oldest (issued at t) expires after t + 120: room in 117 s.
  EXPECT_EQ(full.error().retry_after_seconds, 117);
  EXPECT_EQ(book.outstanding(), 4u);
  // Redeeming frees room at once; expiry frees the oldest first.
  EXPECT_TRUE(book.Redeem(mine[1], "A", t + 5));
  EXPECT_FALSE(book.Redeem(mine[1], "A", t + 5));  // single use
  ASSERT_TRUE(book.Issue("C", t + 5).ok());
  EXPECT_TRUE(book.Issue("D", t + 121).ok());  // mine[0] expired at t + 120
  EXPECT_FALSE(book.Redeem(mine[0], "A", t + 121));
  EXPECT_TRUE(book.Redeem(mine[2], "A", t + 121));  // issued at t + 2: still good
  EXPECT_EQ(book.outstanding(), 3u);                // B, C, D
  EXPECT_FALSE(book.Redeem(mine[2], "B", t + 121));
}

TEST(SlidingWindowLimiterTest, AtMostLimitPerWindowPerKey) {
  SlidingWindowLimiter limiter({3, 600}, /*max_keys=*/2);
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(limiter.Hit("clinic card", kNow + i), 0);
  EXPECT_EQ(limiter.Hit("clinic card", kNow + 10), 590);  // the first leaves at kNow + 600
  EXPECT_EQ(limiter.Hit("other card", kNow + 10), 0);
  EXPECT_EQ(limiter.Hit("clinic card", kNow + 600), 0);
  EXPECT_GT(limiter.Hit("clinic card", kNow + 600), 0);
}

// Issue 15 (R-CARD-4): a card beyond its certificate's 3-month grace logs
// in nowhere — not at the portal, not at a facility's registration — while
// a card in its grace still does.
TEST_F(CardCheckTest, PortalLoginBeyondTheGraceIsRefused_RCARD4) {
  // The certificate ends on 2026-05-15; the grace runs to 2026-08-31.
  auto [card, der] = Issue(D(2021, 10, 1), D(2026, 5, 15));
  auto login = [&](Date day) {
    const std::time_t at = jpki::JpkiCa::EndOfDayJst(day) - 12 * 3600;
    const auto ch = book_.Issue("portal", at).value();
    std::vector<uint8_t> sig;
    {
      card::Card& c = card;
      sig = SignFor(c, "portal", ch);
    }
    return AuthenticateCard(*store_, *ca_, book_, der, ch, sig, "portal", at);
  };
  auto in_grace = login(D(2026, 8, 31));
  EXPECT_TRUE(in_grace.ok()) << in_grace.error().ToString();
  auto beyond = login(D(2026, 9, 1));
  ASSERT_FALSE(beyond.ok()) << "logged in beyond the grace";
  EXPECT_EQ(beyond.error().field, "certificate");
  EXPECT_NE(beyond.error().message.find("2026-08-31"), std::string::npos);
  EXPECT_NE(beyond.error().message.find("renew"), std::string::npos);
}

// R-REG-3 with issue 15's reader keys: a card that cannot sign (a
// 顔認証マイナンバーカード) registers at the facility's reader on the reader's
// signature with the registration mode — not with a proof made for a check,
// and not with another facility's reader.
TEST_F(CardCheckTest, FaceOnlyCardAuthenticatesForRegistrationByTheFacilitysReader_RREG3) {
  auto [card, der] = Issue(D(2024, 1, 10), D(2029, 5, 15), /*registered=*/false);
  auto by_reader = [&](std::string_view mode) {
    const auto ch = book_.Issue(kFacility, kNow).value();
    const std::string sig =
        auth::Base64UrlDecode(
            reader_
                .Sign(kFacility, mode,
                      std::string_view(reinterpret_cast<const char*>(ch.data()), ch.size()),
                      std::string_view(reinterpret_cast<const char*>(der.data()), der.size()))
                .value())
            .value();
    return AuthenticateCardByReader(*store_, *ca_, book_, der, ch, kFacility, reader_.id(),
                                    std::vector<uint8_t>(sig.begin(), sig.end()), kNow);
  };
  auto ok = by_reader(kReaderRegistrationMode);
  ASSERT_TRUE(ok.ok()) << ok.error().ToString();
  EXPECT_EQ(ok->person.person_id, person_);
  // A proof made for a face check does not register anybody.
  auto check_proof = by_reader("face");
  ASSERT_FALSE(check_proof.ok());
  EXPECT_EQ(check_proof.error().field, "readerSignature");
}

}  // namespace
}  // namespace onshi::service
