// CardOffice: the municipal window (市区町村窓口) together with J-LIS, as far
// as the 利用者証明用 side of a My Number card goes — issuing cards and
// smartphone credentials, renewing, suspending, resuming, reissuing, and
// resetting the PIN.
//
// Three things must agree about every credential: the store's CardRecord,
// the card file the holder carries (card/card_file.hpp), and the JPKI CA's
// issued/revoked lists. They cannot share one transaction, so every
// operation runs its steps in an order in which an interruption at any point
// leaves the credential *less* usable than intended, never more, and a
// repeat of the operation finishes the job:
//
//   1. Revoke at the CA first (suspension, renewal, reissue, revocation). A
//      crash after it leaves a card that fails verification until the
//      operation is repeated; never a live certificate the store forgot.
//   2. Then write the card file (new certificate, PIN reset).
//   3. Last, one store transaction updates the CardRecord and appends the
//      audit entry; a domain refusal or store failure rolls it back.
//
// A crash between 2 and 3 leaves the card ahead of the store. Every
// operation on an existing card therefore starts by reconciling: if the card
// file holds a certificate the CA issued and has not revoked but the store
// has another serial, the store adopts the card's certificate; and the
// store's PIN failure count is set to the card's (the card is the authority
// on its own counter, R-CARD-5). The reconciliation is audited.
//
// New cards get their card_id from the store before the file is made (the
// file is named after it, card_files.hpp), inside the issuing transaction. A
// crash before commit leaves an orphan file under an id that was never
// committed; the next issue that draws the same id (SQLite reuses it)
// revokes the orphan's certificate and deletes the file. (PostgreSQL never
// reuses an id: there the orphan stays, unusable without a store record.)
//
// Rule decisions (domain-rules.md, card-and-identifiers.md §3):
//  - Renewal (更新) certifies the card's existing key again. J-LIS has a new
//    key generated on the chip; the emulated CardFile has no operation to
//    replace its key in place, and one card file must keep its PIN and
//    serial. The old certificate is revoked as superseded. Renewal opens 3
//    months before the certificate expires (R-CARD-4, RenewalOpensOn).
//  - 利用登録 survives a renewal made before the R-CARD-4 grace ends; a
//    renewal after it starts over ("Not renewed by then → 利用登録 is
//    cancelled; re-registration needed after renewal", §3).
//  - Suspension (一時利用停止, R-CARD-6) revokes the certificate
//    (certificateHold) at once; §3 "stopping revokes the card's
//    e-certificates; un-stop only in person". Resume (一時停止解除) therefore
//    issues a new certificate; the registration is kept (it is the same
//    card, and R-CARD-6 asks for registration again only for a new card),
//    unless the grace of the old certificate had ended as for renewal.
//  - Reissue (再交付) revokes the old card and its certificate (reason: lost)
//    and issues a new card whose registration is empty (R-CARD-6: "A new
//    card must be registered again for insurance use").
//  - 顔認証マイナンバーカード (§3): no PIN is set. The emulated card file needs
//    one, so it gets 4 random digits that nobody is told: the card can never
//    pass VERIFY, exactly like a card without a PIN. ResetPin refuses it.
//  - Smartphone credential (R-CARD-8): its own key, certificate and PIN in a
//    card file of its own, revocable alone. It needs an active card of the
//    same person and takes that card's validity basis (application and issue
//    dates), so it never outlives the card. It inherits the card's 利用登録
//    ("usable wherever the card is"). Reissuing the card (it was lost or
//    returned) revokes it: the credential is the card's function on the
//    phone and dies with the card. Suspending the card does not touch it.
//    Facilities accept it only from 2025-09 and only where flagged
//    (FacilityRecord::smartphone_supported; service/card_check.cpp).
//
// Actors in the audit log: the window's "municipal:<code>" for everything,
// except Suspend, which is the 24h hotline ("hotline"). An office without a
// code is J-LIS's own operator ("jlis").
//
// A window acts only on its own residents (residency.hpp, issue 15): every
// operation first checks the person's 地方公共団体コード against the
// office's, and refuses (field "municipality", audited) otherwise.
//
// Not thread-safe: JpkiCa needs external synchronisation, and so does this.
// The RSA key generation and PIN hashing run inside the issuing transaction,
// holding the store's write lock for a fraction of a second per card.
#ifndef ONSHI_MUNICIPAL_CARD_OFFICE_HPP_
#define ONSHI_MUNICIPAL_CARD_OFFICE_HPP_

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

#include "card/card_file.hpp"
#include "card/issuer_key.hpp"
#include "core/date.hpp"
#include "core/expected.hpp"
#include "core/my_number.hpp"
#include "jpki/certificate_status.hpp"
#include "jpki/jpki_ca.hpp"
#include "store/records.hpp"
#include "store/store.hpp"

namespace onshi::municipal {

// A card or smartphone credential as the holder receives it.
struct IssuedCard {
  int64_t card_id = 0;
  int64_t person_id = 0;
  std::string card_path;           // the card file (CardFilePath)
  std::string cert_serial;         // uppercase hex
  Date card_expires_on;            // R-CARD-2
  Date cert_expires_on;            // R-CARD-3
  bool registration_kept = false;  // 利用登録 carried over (renewal, resume, smartphone)
  // 照合番号B as printed on a new card's face (card/card_file.hpp); "" for a
  // smartphone or when the card was not newly made.
  std::string collation_number_b;
};

struct IssueRequest {
  // Exactly one of the two: the registry person, or their My Number (looked
  // up and forgotten; it is never written anywhere by the office).
  int64_t person_id = 0;
  std::optional<MyNumber> my_number;
  Date application_date;  // 申請受付日 at J-LIS: picks 18 or 20 (R-CARD-2)
  // 4 ASCII digits (R-CARD-5); nullopt for a 顔認証マイナンバーカード.
  std::optional<std::string> pin;
  // The holder's face photo (JPEG) for the card's 券面事項確認AP, read by a
  // 顔認証付きカードリーダー after 照合番号B (card/card_face_ap.hpp); empty: none.
  std::vector<uint8_t> photo;
};

class CardOffice {
 public:
  // `cards_dir` is created (0700) if missing. `municipality` is the window's
  // 地方公共団体コード: the audit actor "municipal:<code>", and the only
  // residents it acts on; "" is J-LIS's operator, who acts on anyone.
  // `options` sets the card files' PIN hash cost (tests lower it).
  CardOffice(store::Store& store, jpki::JpkiCa& ca, const card::IssuerKey& issuer_key,
             std::string cards_dir, std::string municipality, card::CardFileOptions options = {});

  const std::string& cards_dir() const { return cards_dir_; }
  std::string actor() const {
    return municipality_.empty() ? "jlis" : "municipal:" + municipality_;
  }

  // 交付: a new card, valid per CardExpiry (application date, age at issue)
  // with a certificate per CertificateExpiry. Refused while the person holds
  // a card that is not revoked (that is a reissue).
  Expected<IssuedCard> Issue(const IssueRequest& request, std::time_t now);

  // 電子証明書の更新: from RenewalOpensOn(cert expiry) while the card is valid
  // and active. See the header comment for the key and 利用登録.
  Expected<IssuedCard> RenewCertificate(int64_t card_id, std::time_t now);

  // 一時利用停止 by the 24h hotline (R-CARD-6): revokes the certificate at
  // once and marks the credential suspended. Repeating it is harmless.
  Expected<store::CardRecord> Suspend(int64_t card_id, std::time_t now);

  // 一時停止解除, in person at the window: a new certificate on the same card.
  Expected<IssuedCard> Resume(int64_t card_id, std::time_t now);

  // 再交付 after loss or damage: the old card is revoked for good, a new card
  // and certificate are issued (application date = today) with no 利用登録,
  // the old card's face photo and a new 照合番号B.
  Expected<IssuedCard> Reissue(int64_t card_id, std::optional<std::string> new_pin,
                               std::time_t now);

  // 暗証番号の初期化 (R-CARD-5): sets `new_pin`, clears the lock. Any card not
  // revoked and not face-only; smartphone credentials too.
  Expected<store::CardRecord> ResetPin(int64_t card_id, std::string_view new_pin, std::time_t now);

  // Pins the certificate of a credential issued before certificates were
  // pinned (schema 5): the fingerprint of the certificate its card file
  // holds, if the CA vouches for it (issue 15; a card check refuses an
  // unpinned card). Every operation does this on the way; this does only it.
  Expected<store::CardRecord> PinCertificate(int64_t card_id, std::time_t now);

  // スマホ用電子証明書 (R-CARD-8) with its own PIN.
  Expected<IssuedCard> AddSmartphone(int64_t person_id, std::string_view pin, std::time_t now);
  // Revokes one smartphone credential alone; the card is untouched.
  Expected<store::CardRecord> RevokeSmartphone(int64_t card_id, std::time_t now);

 private:
  struct Loaded;
  Expected<Loaded> Load(int64_t card_id, std::time_t now);
  Expected<IssuedCard> NewCredential(const store::PersonRecord& person, store::CredentialKind kind,
                                     Date application_date, Date issued_on,
                                     std::optional<std::string> pin, std::time_t now,
                                     const std::string& action, const std::string& detail,
                                     const store::CardRecord* inherit_registration,
                                     const store::CardRecord* revoke_in_same_transaction,
                                     const std::vector<uint8_t>& photo = {});
  Expected<jpki::IssuedUserCertificate> Recertify(card::CardFile& file, Date last_valid_day,
                                                  std::time_t now);
  void Reconcile(Loaded& loaded, std::time_t now);
  Expected<std::string> RevokeAtCa(const std::string& serial, jpki::RevocationReason reason,
                                   std::time_t now);
  void DiscardOrphan(const std::string& path, std::time_t now);
  void Audit(const std::string& actor, const std::string& action, int64_t person_id,
             const std::string& detail, std::time_t now);

  store::Store& store_;
  jpki::JpkiCa& ca_;
  card::IssuerKey issuer_key_;
  std::string cards_dir_;
  std::string municipality_;
  card::CardFileOptions options_;
};

}  // namespace onshi::municipal

#endif  // ONSHI_MUNICIPAL_CARD_OFFICE_HPP_
