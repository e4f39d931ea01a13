#include "municipal/card_office.hpp"

#include <openssl/rand.h>
#include <sys/stat.h>

#include <filesystem>
#include <functional>
#include <utility>

#include "card/personalise.hpp"
#include "core/card_validity.hpp"
#include "jpki/certificate_fingerprint.hpp"
#include "municipal/card_files.hpp"
#include "municipal/registration.hpp"
#include "municipal/residency.hpp"
#include "municipal/time_util.hpp"

namespace onshi::municipal {

namespace {

// What the window hands back about a card it just wrote.
IssuedCard IssuedCardOf(const store::CardRecord& rec, std::string card_path) {
  return IssuedCard{rec.card_id,
                    rec.person_id,
                    std::move(card_path),
                    rec.cert_serial,
                    rec.card_expires_on,
                    rec.cert_expires_on,
                    rec.insurance_registered_on.has_value(),
                    ""};
}

using store::CardRecord;
using store::CardState;
using store::CredentialKind;

// Thrown inside a store transaction to roll it back on a domain refusal.
struct Rollback {};

// Runs `fn` in one store transaction; an Error it returns rolls the
// transaction back and is handed to the caller. Store failures propagate.
std::optional<Error> Transact(store::Store& store,
                              const std::function<std::optional<Error>()>& fn) {
  std::optional<Error> failure;
  try {
    store.InTransaction([&] {
      failure = fn();
      if (failure) throw Rollback{};
    });
  } catch (const Rollback&) {
  }
  return failure;
}

std::string RandomPin() {
  unsigned char bytes[4];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("RAND_bytes failed");
  std::string pin;
  for (unsigned char b : bytes)
    pin += static_cast<char>('0' + b % 10);
  return pin;
}

void ClearRegistration(CardRecord& rec) {
  rec.insurance_registered_on.reset();
  rec.registration_channel.clear();
}

std::string Id(int64_t id) {
  return std::to_string(id);
}

}  // namespace

struct CardOffice::Loaded {
  CardRecord rec;
  store::PersonRecord person;
  std::optional<card::CardFile> file;  // absent only where the card is not needed
};

CardOffice::CardOffice(store::Store& store, jpki::JpkiCa& ca, const card::IssuerKey& issuer_key,
                       std::string cards_dir, std::string municipality,
                       card::CardFileOptions options)
    : store_(store),
      ca_(ca),
      issuer_key_(issuer_key),
      cards_dir_(std::move(cards_dir)),
      municipality_(std::move(municipality)),
      options_(options) {
  std::filesystem::create_directories(cards_dir_);
  ::chmod(cards_dir_.c_str(), 0700);
}

void CardOffice::Audit(const std::string& actor, const std::string& action, int64_t person_id,
                       const std::string& detail, std::time_t now) {
  store::AuditEntry e;
  e.at = UtcIso(now);
  e.actor = actor;
  e.action = action;
  e.person_id = person_id;
  e.detail = detail;
  store_.AppendAudit(e);
}

Expected<CardOffice::Loaded> CardOffice::Load(int64_t card_id, std::time_t now) {
  auto rec = store_.GetCard(card_id);
  if (!rec) return MakeError("card_id", "no card " + Id(card_id));
  auto person = store_.GetPerson(rec->person_id);
  if (!person) return MakeError("card_id", "card " + Id(card_id) + " names no registry person");
  if (auto refused =
          GuardResident(store_, *person, municipality_, actor(), "card " + Id(card_id), now)) {
    return *refused;
  }
  Loaded loaded{*rec, *person, std::nullopt};
  auto file = card::CardFile::Open(CardFilePath(cards_dir_, card_id), issuer_key_);
  if (file.ok()) {
    loaded.file.emplace(std::move(file).value());
    Reconcile(loaded, now);
  }
  return loaded;
}

// The card is ahead of the store after a crash between writing the card and
// committing the record (see the header): the store adopts what the card
// holds, if the CA vouches for it.
void CardOffice::Reconcile(Loaded& loaded, std::time_t now) {
  CardRecord& rec = loaded.rec;
  const card::CardFile& file = *loaded.file;
  std::string detail;
  if (!file.auth_certificate().empty()) {
    auto verified = ca_.Verify(file.auth_certificate(), now);
    std::optional<jpki::VerifiedUserCertificate> cert;
    if (verified.ok()) {
      cert = *verified;
    } else if (verified.error().failure == jpki::VerifyFailure::kExpired) {
      cert = verified.error().expired;
    }
    if (cert && cert->serial_hex != rec.cert_serial) {
      detail += "store cert " + rec.cert_serial + " -> card's " + cert->serial_hex + "; ";
      rec.cert_serial = cert->serial_hex;
      rec.cert_issued_on = JstDay(cert->not_before);
      rec.cert_expires_on = JstDay(cert->not_after);
      rec.cert_fingerprint = jpki::CertificateFingerprint(file.auth_certificate());
    } else if (cert && rec.cert_fingerprint.empty()) {
      // Issued before certificates were pinned (schema 5): the card file,
      // sealed under the issuer key, says which certificate was issued.
      rec.cert_fingerprint = jpki::CertificateFingerprint(file.auth_certificate());
      detail += "certificate " + rec.cert_serial + " pinned; ";
    }
  }
  const int failures = file.pin_counter().consecutive_failures();
  if (failures != rec.pin_failures) {
    detail += "pin failures " + Id(rec.pin_failures) + " -> card's " + Id(failures);
    rec.pin_failures = failures;
  }
  if (detail.empty()) return;
  store_.InTransaction([&] {
    store_.UpdateCard(rec);
    Audit(actor(), "card.reconcile", rec.person_id, "card " + Id(rec.card_id) + ": " + detail, now);
  });
}

// Revocation that must not be blocked by the CA's ignorance: a credential
// whose certificate this CA never issued (synthetic populations, imported
// data) is still stopped in the store. Returns a note for the audit entry.
Expected<std::string> CardOffice::RevokeAtCa(const std::string& serial,
                                             jpki::RevocationReason reason, std::time_t now) {
  if (ca_.Status(serial, now).state == jpki::CertificateState::kUnknown) {
    return std::string("; cert not issued by this CA, nothing to revoke there");
  }
  auto r = ca_.Revoke(serial, reason, now);
  if (!r.ok()) return r.error();
  return std::string();
}

Expected<jpki::IssuedUserCertificate> CardOffice::Recertify(card::CardFile& file,
                                                            Date last_valid_day, std::time_t now) {
  auto cert = ca_.IssueUserAuthentication(file.PublicKeyDer(), now, last_valid_day);
  if (!cert.ok()) return cert.error();
  if (auto bad = file.InstallCertificates(cert->der, ca_.CertificateDer())) {
    // Never leave a good certificate that no card holds.
    (void)ca_.Revoke(cert->serial_hex, jpki::RevocationReason::kSuperseded, now);
    return *bad;
  }
  return cert;
}

void CardOffice::DiscardOrphan(const std::string& path, std::time_t now) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return;
  // Left by an issue whose transaction never committed: no record names it.
  if (auto file = card::CardFile::Open(path, issuer_key_); file.ok()) {
    auto verified = ca_.Verify(file->auth_certificate(), now);
    std::string serial;
    if (verified.ok()) serial = verified->serial_hex;
    if (!verified.ok() && verified.error().expired) serial = verified.error().expired->serial_hex;
    if (!serial.empty()) (void)ca_.Revoke(serial, jpki::RevocationReason::kCardReturned, now);
  }
  std::filesystem::remove(path, ec);
}

Expected<IssuedCard> CardOffice::NewCredential(
    const store::PersonRecord& person, CredentialKind kind, Date application_date, Date issued_on,
    std::optional<std::string> pin, std::time_t now, const std::string& action,
    const std::string& detail, const CardRecord* inherit_registration,
    const CardRecord* revoke_in_same_transaction, const std::vector<uint8_t>& photo) {
  const Date today = JstDay(now);
  if (pin) {
    if (auto bad = CheckAuthPinFormat(*pin)) return *bad;
  }
  const Date card_expires = CardExpiry({person.birth_date, application_date, issued_on, {}});
  if (card_expires < today) {
    return MakeError("application_date", "a card applied for on " + application_date.ToIso() +
                                             " would already have expired on " +
                                             card_expires.ToIso());
  }
  const Date cert_expires = CertificateExpiry(person.birth_date, today, card_expires);

  CardRecord rec;
  rec.person_id = person.person_id;
  rec.kind = kind;
  rec.application_date = application_date;
  rec.issued_on = issued_on;
  rec.card_expires_on = card_expires;
  rec.cert_serial = "pending";  // replaced before commit; transactions are serial
  rec.cert_issued_on = today;
  rec.cert_expires_on = cert_expires;
  rec.face_only = !pin.has_value();
  if (inherit_registration && inherit_registration->insurance_registered_on) {
    rec.insurance_registered_on = inherit_registration->insurance_registered_on;
    rec.registration_channel = inherit_registration->registration_channel;
  }
  const std::string card_pin = pin ? *pin : RandomPin();

  std::string created_path;
  std::string serial;
  std::string collation_b;
  try {
    auto failure = Transact(store_, [&]() -> std::optional<Error> {
      if (revoke_in_same_transaction) {
        CardRecord old = *revoke_in_same_transaction;
        old.status = CardState::kRevoked;
        store_.UpdateCard(old);
        Audit(actor(), "card.revoke", old.person_id,
              "card " + Id(old.card_id) + " cert " + old.cert_serial + " revoked for reissue", now);
      }
      rec.card_id = store_.AddCard(rec);
      const std::string path = CardFilePath(cards_dir_, rec.card_id);
      DiscardOrphan(path, now);
      created_path = path;
      auto made =
          card::PersonaliseCard(ca_, path, issuer_key_, card_pin, now, cert_expires, options_);
      if (!made.ok()) return made.error();
      serial = made->certificate.serial_hex;
      if (kind == CredentialKind::kCard) {
        // The 券面事項確認AP: 照合番号B (printed on the face) and the photo.
        const std::string code = card::RandomSecurityCode();
        if (code.empty()) return MakeError("card", "the random generator failed");
        collation_b = card::CollationNumberB(person.birth_date, card_expires, code);
        if (auto e = made->file.InstallCardFace(photo, collation_b)) return *e;
      }
      rec.cert_serial = serial;
      rec.cert_fingerprint = jpki::CertificateFingerprint(made->certificate.der);
      store_.UpdateCard(rec);
      Audit(actor(), action, rec.person_id,
            "card " + Id(rec.card_id) + " cert " + serial + " valid to " + cert_expires.ToIso() +
                (rec.face_only ? " face-only" : "") + (detail.empty() ? "" : "; " + detail),
            now);
      return std::nullopt;
    });
    if (failure) {
      std::error_code ec;
      if (!created_path.empty()) std::filesystem::remove(created_path, ec);
      return *failure;
    }
  } catch (...) {
    // The store refused the commit: take back the card and its certificate.
    std::error_code ec;
    if (!serial.empty()) (void)ca_.Revoke(serial, jpki::RevocationReason::kCardReturned, now);
    if (!created_path.empty()) std::filesystem::remove(created_path, ec);
    throw;
  }
  IssuedCard issued = IssuedCardOf(rec, created_path);
  issued.collation_number_b = collation_b;
  return issued;
}

Expected<IssuedCard> CardOffice::Issue(const IssueRequest& request, std::time_t now) {
  if ((request.person_id != 0) == request.my_number.has_value()) {
    return MakeError("person", "give either a person id or a My Number");
  }
  auto person = request.my_number ? store_.FindPersonByMyNumber(*request.my_number)
                                  : store_.GetPerson(request.person_id);
  if (!person) return MakeError("person", "not in the resident registry");
  if (auto refused = GuardResident(store_, *person, municipality_, actor(), "card issue", now)) {
    return *refused;
  }
  const Date today = JstDay(now);
  if (request.application_date > today) {
    return MakeError("application_date", "is after the issue day " + today.ToIso());
  }
  for (const CardRecord& c : store_.CardsOfPerson(person->person_id)) {
    if (c.kind == CredentialKind::kCard && c.status != CardState::kRevoked) {
      return MakeError("person", "already holds card " + Id(c.card_id) +
                                     " (not revoked): a replacement is a reissue (再交付)");
    }
  }
  return NewCredential(*person, CredentialKind::kCard, request.application_date, today, request.pin,
                       now, "card.issue", "R-CARD-2", nullptr, nullptr, request.photo);
}

Expected<IssuedCard> CardOffice::RenewCertificate(int64_t card_id, std::time_t now) {
  auto loaded = Load(card_id, now);
  if (!loaded.ok()) return loaded.error();
  CardRecord& rec = loaded->rec;
  const Date today = JstDay(now);
  if (rec.status == CardState::kSuspended) {
    return MakeError("card_id", "card " + Id(card_id) + " is suspended: resume it instead");
  }
  if (rec.status == CardState::kRevoked) {
    return MakeError("card_id", "card " + Id(card_id) + " is revoked");
  }
  if (!loaded->file) return MakeError("card_id", "the card file cannot be opened");
  if (rec.card_expires_on < today) {
    return MakeError("card_id", "the card expired on " + rec.card_expires_on.ToIso() +
                                    ": a new card is needed, not a renewal");
  }
  const Date opens = RenewalOpensOn(rec.cert_expires_on);
  if (today < opens) {
    return MakeError("card_id", "renewal opens on " + opens.ToIso() + " (R-CARD-4)");
  }
  const bool lapsed = RegistrationLapsed(rec.cert_expires_on, today);
  const std::string old_serial = rec.cert_serial;
  if (auto r = ca_.Revoke(old_serial, jpki::RevocationReason::kSuperseded, now); !r.ok()) {
    return r.error();
  }
  const Date cert_expires =
      CertificateExpiry(loaded->person.birth_date, today, rec.card_expires_on);
  auto cert = Recertify(*loaded->file, cert_expires, now);
  if (!cert.ok()) return cert.error();
  rec.cert_serial = cert->serial_hex;
  rec.cert_fingerprint = jpki::CertificateFingerprint(cert->der);
  rec.cert_issued_on = today;
  rec.cert_expires_on = cert_expires;
  if (lapsed) ClearRegistration(rec);
  store_.InTransaction([&] {
    store_.UpdateCard(rec);
    Audit(actor(), "card.renew", rec.person_id,
          "card " + Id(card_id) + " cert " + old_serial + " -> " + rec.cert_serial +
              (lapsed ? "; 利用登録 cancelled: renewed after the R-CARD-4 grace" : ""),
          now);
  });
  return IssuedCardOf(rec, loaded->file->path());
}

Expected<CardRecord> CardOffice::Suspend(int64_t card_id, std::time_t now) {
  auto loaded = Load(card_id, now);
  if (!loaded.ok()) return loaded.error();
  CardRecord& rec = loaded->rec;
  if (rec.status == CardState::kRevoked) {
    return MakeError("card_id", "card " + Id(card_id) + " is already revoked");
  }
  // R-CARD-6 "at once": the CA first, so no interruption leaves it good.
  auto note = RevokeAtCa(rec.cert_serial, jpki::RevocationReason::kSuspended, now);
  if (!note.ok()) return note.error();
  if (rec.status == CardState::kSuspended) return rec;
  rec.status = CardState::kSuspended;
  store_.InTransaction([&] {
    store_.UpdateCard(rec);
    Audit("hotline", "card.suspend", rec.person_id,
          "card " + Id(card_id) + " cert " + rec.cert_serial + " revoked (certificateHold)" + *note,
          now);
  });
  return rec;
}

Expected<IssuedCard> CardOffice::Resume(int64_t card_id, std::time_t now) {
  auto loaded = Load(card_id, now);
  if (!loaded.ok()) return loaded.error();
  CardRecord& rec = loaded->rec;
  const Date today = JstDay(now);
  if (rec.status != CardState::kSuspended) {
    return MakeError("card_id", "card " + Id(card_id) + " is " +
                                    std::string(store::CardStateName(rec.status)) +
                                    ", not suspended");
  }
  if (!loaded->file) return MakeError("card_id", "the card file cannot be opened");
  if (rec.card_expires_on < today) {
    return MakeError(
        "card_id", "the card expired on " + rec.card_expires_on.ToIso() + ": a new card is needed");
  }
  const bool lapsed = RegistrationLapsed(rec.cert_expires_on, today);
  const std::string old_serial = rec.cert_serial;
  // The suspension revoked the certificate; a good one here can only be from
  // an interrupted resume that Reconcile adopted.
  if (ca_.Status(rec.cert_serial, now).state != jpki::CertificateState::kGood) {
    const Date cert_expires =
        CertificateExpiry(loaded->person.birth_date, today, rec.card_expires_on);
    auto cert = Recertify(*loaded->file, cert_expires, now);
    if (!cert.ok()) return cert.error();
    rec.cert_serial = cert->serial_hex;
    rec.cert_fingerprint = jpki::CertificateFingerprint(cert->der);
    rec.cert_issued_on = today;
    rec.cert_expires_on = cert_expires;
  }
  rec.status = CardState::kActive;
  if (lapsed) ClearRegistration(rec);
  store_.InTransaction([&] {
    store_.UpdateCard(rec);
    Audit(actor(), "card.resume", rec.person_id,
          "card " + Id(card_id) + " cert " + old_serial + " -> " + rec.cert_serial +
              (lapsed ? "; 利用登録 cancelled: the old certificate's grace had ended" : ""),
          now);
  });
  return IssuedCardOf(rec, loaded->file->path());
}

Expected<IssuedCard> CardOffice::Reissue(int64_t card_id, std::optional<std::string> new_pin,
                                         std::time_t now) {
  auto loaded = Load(card_id, now);
  if (!loaded.ok()) return loaded.error();
  const CardRecord& old = loaded->rec;
  if (old.kind != CredentialKind::kCard) {
    return MakeError("card_id", "card " + Id(card_id) +
                                    " is a smartphone credential: revoke it and add a new one");
  }
  if (old.status == CardState::kRevoked) {
    return MakeError("card_id", "card " + Id(card_id) + " is already revoked");
  }
  if (new_pin) {
    if (auto bad = CheckAuthPinFormat(*new_pin)) return *bad;
  }
  if (auto note = RevokeAtCa(old.cert_serial, jpki::RevocationReason::kLost, now); !note.ok()) {
    return note.error();
  }
  // R-CARD-8: a smartphone credential is the card's function on the phone,
  // so it dies with the card it came from.
  for (const CardRecord& c : store_.CardsOfPerson(old.person_id)) {
    if (c.kind != CredentialKind::kSmartphone || c.status == CardState::kRevoked) continue;
    if (auto gone = RevokeSmartphone(c.card_id, now); !gone.ok()) return gone.error();
  }
  const Date today = JstDay(now);
  // The new card is made from the application's photo, as the lost one was:
  // without it the 券面事項確認AP behind 照合番号B would be empty and face
  // recognition at the reader (R-FAC-2) impossible with the new card.
  const std::vector<uint8_t> photo =
      loaded->file ? loaded->file->face_photo() : std::vector<uint8_t>{};
  // R-CARD-6: the new card starts without 利用登録 (no inheritance).
  return NewCredential(loaded->person, CredentialKind::kCard, today, today, std::move(new_pin), now,
                       "card.reissue", "replaces card " + Id(card_id) + "; R-CARD-6", nullptr, &old,
                       photo);
}

Expected<CardRecord> CardOffice::ResetPin(int64_t card_id, std::string_view new_pin,
                                          std::time_t now) {
  auto loaded = Load(card_id, now);
  if (!loaded.ok()) return loaded.error();
  CardRecord& rec = loaded->rec;
  if (rec.status == CardState::kRevoked) {
    return MakeError("card_id", "card " + Id(card_id) + " is revoked");
  }
  if (rec.face_only) {
    return MakeError("card_id",
                     "card " + Id(card_id) + " is a 顔認証マイナンバーカード: it has no PIN");
  }
  if (auto bad = CheckAuthPinFormat(new_pin)) return *bad;
  if (!loaded->file) return MakeError("card_id", "the card file cannot be opened");
  if (auto bad = loaded->file->ResetPinByMunicipality(new_pin)) return *bad;
  const int before = rec.pin_failures;
  rec.pin_failures = 0;
  store_.InTransaction([&] {
    store_.UpdateCard(rec);
    Audit(actor(), "card.pin_reset", rec.person_id,
          "card " + Id(card_id) + " PIN reset, failures " + Id(before) + " -> 0 (R-CARD-5)", now);
  });
  return rec;
}

Expected<CardRecord> CardOffice::PinCertificate(int64_t card_id, std::time_t now) {
  auto loaded = Load(card_id, now);
  if (!loaded.ok()) return loaded.error();
  if (!loaded->file) return MakeError("card_id", "the card file cannot be opened");
  if (loaded->rec.cert_fingerprint.empty()) {
    return MakeError("card_id", "card " + Id(card_id) +
                                    ": its certificate is not one the CA vouches for "
                                    "(revoked or never issued here)");
  }
  return loaded->rec;
}

Expected<IssuedCard> CardOffice::AddSmartphone(int64_t person_id, std::string_view pin,
                                               std::time_t now) {
  auto person = store_.GetPerson(person_id);
  if (!person) return MakeError("person_id", "not in the resident registry");
  if (auto refused =
          GuardResident(store_, *person, municipality_, actor(), "smartphone credential", now)) {
    return *refused;
  }
  if (auto bad = CheckAuthPinFormat(pin)) return *bad;
  const Date today = JstDay(now);
  std::optional<CardRecord> card;
  for (const CardRecord& c : store_.CardsOfPerson(person_id)) {
    if (c.kind == CredentialKind::kSmartphone && c.status != CardState::kRevoked) {
      return MakeError("person_id",
                       "already has smartphone credential " + Id(c.card_id) + ": revoke it first");
    }
    if (c.kind == CredentialKind::kCard && c.status == CardState::kActive &&
        c.card_expires_on >= today && c.cert_expires_on >= today) {
      card = c;
    }
  }
  if (!card) {
    return MakeError("person_id",
                     "a smartphone credential needs an active card with a valid certificate");
  }
  return NewCredential(*person, CredentialKind::kSmartphone, card->application_date,
                       card->issued_on, std::string(pin), now, "smartphone.add",
                       "from card " + Id(card->card_id) + "; R-CARD-8", &*card, nullptr);
}

Expected<CardRecord> CardOffice::RevokeSmartphone(int64_t card_id, std::time_t now) {
  auto loaded = Load(card_id, now);
  if (!loaded.ok()) return loaded.error();
  CardRecord& rec = loaded->rec;
  if (rec.kind != CredentialKind::kSmartphone) {
    return MakeError("card_id", "card " + Id(card_id) + " is a card, not a smartphone credential");
  }
  if (rec.status == CardState::kRevoked) return rec;
  auto note = RevokeAtCa(rec.cert_serial, jpki::RevocationReason::kCardReturned, now);
  if (!note.ok()) return note.error();
  rec.status = CardState::kRevoked;
  store_.InTransaction([&] {
    store_.UpdateCard(rec);
    Audit(actor(), "smartphone.revoke", rec.person_id,
          "smartphone credential " + Id(card_id) + " cert " + rec.cert_serial +
              " revoked (R-CARD-8)" + *note,
          now);
  });
  return rec;
}

}  // namespace onshi::municipal
