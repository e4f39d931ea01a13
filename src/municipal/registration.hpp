// 健康保険証利用登録: linking a credential's 利用者証明用電子証明書 to the
// person's insurance use (R-CARD-1, R-REG-1..5), and what マイナポータル shows
// about it.
//
// Registration belongs to one credential of one person (R-REG-1: each person
// registers individually; a dependent's card is registered on its own). It
// is stored on the CardRecord, so it follows the card across a renewal and is
// absent on a reissued card (card_office.hpp has those decisions).
//
// Channels (R-REG-2) and how the holder is authenticated on each:
//   portal  マイナポータル: its login already asked the PIN; face-only cards
//           cannot log in, so they are refused here.
//   reader  the facility's card reader (R-REG-3): it checked the holder by
//           PIN or face before switching to the registration screen.
//   window  the municipal window: the terminal asks the card for the PIN
//           (VERIFY through the emulator; a wrong PIN counts, R-CARD-5). A
//           face-only card has no PIN; staff check the person instead.
//   atm     the Seven Bank ATM: like the portal, its own PIN entry; refused
//           for face-only cards.
//
// A card is refused while suspended or revoked, before it is issued, and when
// its certificate or the card has expired beyond the R-CARD-4 grace; during
// the grace it can still register. Registering a registered card is not an
// error and changes nothing (the first day and channel stay).
#ifndef ONSHI_MUNICIPAL_REGISTRATION_HPP_
#define ONSHI_MUNICIPAL_REGISTRATION_HPP_

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "card/issuer_key.hpp"
#include "core/card_validity.hpp"
#include "core/date.hpp"
#include "core/expected.hpp"
#include "core/portal_status.hpp"
#include "store/records.hpp"
#include "store/store.hpp"

namespace onshi::municipal {

enum class RegistrationChannel { kPortal, kReader, kWindow, kAtm };
// "portal", "reader", "window", "atm": the words stored in CardRecord.
std::string_view ChannelName(RegistrationChannel c);
std::optional<RegistrationChannel> ParseChannel(std::string_view name);

// card-and-identifiers §3: a certificate not renewed by the end of the
// R-CARD-4 grace loses its 利用登録 ("re-registration needed after
// renewal"). Before the grace rule existed (InsuranceGraceEnd is nullopt) it
// lapsed with the expiry. True when that has happened by `today`.
bool RegistrationLapsed(Date cert_expires_on, Date today);

struct RegistrationRequest {
  // Exactly one: the card, or the certificate serial it presented.
  int64_t card_id = 0;
  std::string cert_serial;
  RegistrationChannel channel = RegistrationChannel::kPortal;
  std::string pin;    // window only; never stored or logged
  std::string actor;  // audit actor; defaults to the channel's name
  // Window only: its 地方公共団体コード, which may register its own residents
  // only (residency.hpp); "" for J-LIS's operator.
  std::string municipality;
};

struct RegistrationResult {
  int64_t card_id = 0;
  int64_t person_id = 0;
  Date registered_on;
  std::string channel;  // of the first registration
  bool newly_registered = false;
};

// One credential as the portal lists it.
struct CredentialStatus {
  int64_t card_id = 0;
  store::CredentialKind kind = store::CredentialKind::kCard;
  store::CardState state = store::CardState::kActive;
  CardUsability usability;  // face/visual check: the PIN lock is shown apart
  bool pin_locked = false;
  bool face_only = false;
  std::optional<Date> registered_on;  // nullopt when never done or lapsed
  std::string channel;
  bool registration_lapsed = false;  // was registered; cancelled (RegistrationLapsed)
};

// One insurer's registration of the person as the portal words it (R-LINK-2,
// R-LINK-4, R-LINK-7): the same PortalStatus the insurer's report shows.
struct InsurerRegistration {
  std::string insurer_name;
  Date since;  // the 資格取得年月日 filed
  LinkageState state = LinkageState::kSubmitted;
  PortalStatus status;  // "データ連携中" during the lag, "登録済み", "登録エラー: 勤務先に確認"
  bool in_force = false;  // linked and covering today: the current insurer
};

// What マイナポータル's top page shows after login (R-REG-4).
struct RegistrationOverview {
  int64_t person_id = 0;
  // The registry's record of the person now (住民基本台帳, after every
  // 住民異動 recorded: resident_registry.hpp).
  std::string name;
  std::string name_kana;
  std::string postcode;
  std::string address;
  std::optional<Date> died_on;
  std::vector<CredentialStatus> credentials;  // revoked ones too, last
  // R-REG-5: an insurer has registered the person and the record is linked
  // and covers today; without it registration alone does nothing.
  bool has_current_insurer = false;
  std::string insurer_name;  // of the current qualification, if any
  // Some credential is registered and usable today, and an insurer is there.
  bool usable_as_insurance_card = false;
  // Every registration of the person by an insurer that is not over: linked
  // and covering today or later, waiting for the insurer's lag (データ連携中),
  // or refused (登録エラー), in order of the 資格取得年月日.
  std::vector<InsurerRegistration> registrations;
};

class Registrar {
 public:
  // The card files are looked up in `cards_dir` (card_files.hpp) for the
  // window's PIN check.
  Registrar(store::Store& store, const card::IssuerKey& issuer_key, std::string cards_dir);

  Expected<RegistrationResult> Register(const RegistrationRequest& request, std::time_t now);

  // Throws std::invalid_argument for a person not in the registry.
  RegistrationOverview Status(int64_t person_id, Date today);

 private:
  std::string InsurerName(const Qualification& q);
  std::vector<InsurerRegistration> Registrations(const std::vector<Qualification>& quals,
                                                 const std::vector<store::SubmissionRecord>& forms,
                                                 Date today);

  store::Store& store_;
  card::IssuerKey issuer_key_;
  std::string cards_dir_;
};

// The portal's words for a registration channel (マイナポータル, セブン銀行ATM, …)
// and for what a credential can do today (利用可, 一時利用停止中, …).
std::string_view ChannelWords(std::string_view channel);
std::string_view UsabilityWords(const CredentialStatus& status);

// The overview as the portal words it, one line per credential, in
// Japanese; no My Number, no certificate serial.
std::string FormatRegistrationStatus(const RegistrationOverview& overview);

}  // namespace onshi::municipal

#endif  // ONSHI_MUNICIPAL_REGISTRATION_HPP_
