// KioskSession: the card reader's side of a visit (issue 16) — what the
// kiosk page (src/web/kiosk) asks the terminal to do with the card in the
// reader, one step at a time, and what the terminal tells the central
// service.
//
// A visit:
//   1. Card()      the patient puts the card on the reader (R-FAC-1). The
//                  terminal reads the 利用者証明用 certificate (no PIN), the
//                  PIN's tries left, and from the certificate's expiry the
//                  renewal notice to show (R-CARD-4: from 3 months before
//                  expiry; during the 3-month grace; beyond it).
//   2. identity    Pin(pin): VERIFY on the card; a wrong PIN shows the tries
//                  left, the third locks the card and the page sends the
//                  patient to the municipal window (R-CARD-5).
//                  FacePhoto(): the card's photo, read from the 券面事項確認AP
//                  after the 照合番号B the reader's camera reads from the card
//                  face (--card-surface); the page matches a camera frame
//                  against it and reports FaceResult(distance) (R-FAC-2).
//                  Visual(reason): staff compared the card's photo by eye
//                  (目視, R-FAC-3); the reason is recorded.
//   3. check       the central card check: a fresh challenge; in PIN mode the
//                  card signs it (docs/card-protocol.md §2); in every mode the
//                  reader signs challenge, certificate hash, mode and
//                  facility with its key (auth/reader_key.hpp).
//                  A card without 利用登録 goes to Register() (R-REG-3): PIN
//                  mode by the card's signature, face and 目視 by the reader's
//                  (mode register-face); then the check runs again.
//   4. Consent()   the patient's choices (R-FAC-4): 診療・薬剤情報, 特定健診,
//                  手術情報, 限度額. The check runs once more with them, so the
//                  service answers with exactly what was consented to, and
//                  that answer becomes the Face file (kiosk_face_file.hpp).
// A session that ends before that (Cancel(), a locked PIN, no qualification)
// writes no Face file. Every ending is kept for the staff screen (Today()):
// 有効 / 無効 / 資格情報なし with the reason and what to tell the patient
// (R-FAC-6), the mode, the 目視 reason, and the consents given.
//
// Thread-safe (one mutex): the page's requests arrive on the HTTP server's
// threads, and there is one card reader.
#ifndef ONSHI_TERMINAL_KIOSK_SESSION_HPP_
#define ONSHI_TERMINAL_KIOSK_SESSION_HPP_

#include <boost/json/object.hpp>
#include <ctime>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "auth/reader_key.hpp"
#include "core/date.hpp"
#include "reader/pcsc_reader.hpp"
#include "terminal/central.hpp"
#include "terminal/encrypt_config.hpp"
#include "terminal/kiosk_face_file.hpp"
#include "terminal/kiosk_lookup.hpp"
#include "terminal/publisher.hpp"

namespace onshi::terminal {

struct KioskOptions {
  std::string facility;      // 医療機関コード (10 digits)
  std::string reader;        // PC/SC reader name; "" for the first one
  std::string card_surface;  // where the reader's camera puts 照合番号B
  std::string face_dir;      // Face/
  FaceFileOptions face_file;
  // Largest descriptor distance accepted as the same person (face-api's
  // 128-d Euclidean distance; docs/kiosk-face-match.md for the measurement).
  double face_threshold = 0.4;
  // encrypt_face.conf (terminal-protocol.md §4.3); null: plain Face files.
  const EncryptSettings* crypt = nullptr;
};

// The four consent screens (R-FAC-4), each yes or no.
struct KioskConsents {
  bool medical = false;    // 診療・薬剤情報: PharmacistsInfo and DiagnosisInfo
  bool checkups = false;   // 特定健診: SpecificHealthCheckupsInfo
  bool operation = false;  // 手術情報: OperationInfo
  bool limit = false;      // 限度額: LimitApplication and SpecificDiseases certificates
};

// One visit as the staff screen lists it.
struct KioskVisit {
  std::string time;  // yyyyMMddHHmmss, JST
  // "pin", "face", "visual", "document" (staff looked up a 資格確認書 by its
  // number, R-DOC-9), or "" (never identified)
  std::string mode;
  std::string visual_reason;
  std::string outcome;  // "有効", "無効", "資格情報なし", or "未完了"
  std::string reason;   // why (the service's explanation, or the kiosk's)
  std::string tell;     // what to tell the patient (R-FAC-6)
  std::string name, name_kana;
  std::optional<KioskConsents> consents;  // when the patient got that far
  std::string face_file;                  // the Face file's name, or ""
};

class KioskSession {
 public:
  KioskSession(KioskOptions options, CentralClient& central, Publisher& publisher,
               auth::ReaderKey reader_key);
  ~KioskSession();

  // Each returns the JSON the page reads; "step" says where the visit is:
  // "waiting" (no card yet), "identify", "pin-locked", "registration",
  // "consent", "done", "ended"; "error" with "message" on a failure the page
  // shows as it is.
  boost::json::object Card(std::time_t now);
  boost::json::object Pin(const std::string& pin, std::time_t now);
  // The photo's JPEG bytes, or an Error (field "collation", "photo", "card",
  // "session").
  Expected<std::string> FacePhoto();
  boost::json::object FaceResult(double distance, std::time_t now);
  boost::json::object Visual(const std::string& reason, std::time_t now);
  boost::json::object Register(std::time_t now);
  boost::json::object Consent(const KioskConsents& consents, std::time_t now);
  boost::json::object Cancel(std::time_t now);

  // The staff screen's look-up of a 資格確認書 by its number (R-DOC-9,
  // kiosk_lookup.hpp); kept in Today() with mode "document". Independent of
  // the visit at the reader.
  boost::json::object LookUp(const InsuranceLookup& query, std::time_t now);

  double face_threshold() const { return options_.face_threshold; }

  // Today's visits (JST), oldest first.
  std::vector<KioskVisit> Today(std::time_t now) const;

 private:
  struct Visit;
  boost::json::object CheckAndRoute(std::time_t now);
  Expected<std::string> CentralCheck(const std::optional<KioskConsents>& consents, std::time_t now);
  boost::json::object End(KioskVisit visit, std::time_t now);

  KioskOptions options_;
  CentralClient& central_;
  Publisher& publisher_;
  auth::ReaderKey reader_key_;
  mutable std::mutex mu_;
  std::unique_ptr<Visit> visit_;
  std::vector<KioskVisit> history_;
};

// The renewal notice for a certificate expiring at the end of `expiry`, as
// of `today` (R-CARD-4); "" when there is nothing to say.
std::string RenewalNotice(Date expiry, Date today);

}  // namespace onshi::terminal

#endif  // ONSHI_TERMINAL_KIOSK_SESSION_HPP_
