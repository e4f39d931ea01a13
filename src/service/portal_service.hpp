// PortalService: the person's own pages (マイナポータル's health insurance
// part), served by `onshi serve` under /portal/ — Japanese, phone-sized
// first, and usable with a screen reader (labels, landmarks, contrast).
//
// Login is by the My Number card, never a password: the login page asks the
// reader agent on the person's own machine (`onshi reader-agent`, loopback
// only, reader_agent.hpp) to have the card sign the server's challenge
// (POST /portal/card/challenge) after the PIN, as the real portal's reader
// software does, and posts the proof here; a session cookie (HttpOnly,
// Secure, SameSite=Strict; portal_sessions.hpp) follows. Every login,
// refused or not, is audited ("portal.login").
//
//   GET  /portal/                  top: 健康保険証利用登録 status (R-REG-4, R-PORT-2)
//   GET  /portal/login             the card login page
//   POST /portal/session           {"certificate","challenge","signature"} → 204 + cookie
//   POST /portal/logout            ends the session → 303 /portal/login
//   GET  /portal/registration      利用登録 status and the one-step form (R-REG-2)
//   POST /portal/registration      registers the card that logged in → 303
//   GET  /portal/qualification     資格情報 with the linkage state (R-LINK-4, R-LINK-7)
//   GET  /portal/qualification.pdf the same as a PDF to keep on the phone (R-PORT-3)
//   GET  /portal/medical, /portal/expenses[.csv], /portal/checkups
//                                  診療・お薬, 医療費 (CSV for the 医療費控除) and
//                                  特定健診 with a chart (portal_medical.hpp)
//   GET  /portal/documents         documents issued to me, with their validity
//   GET  /portal/consents          the consents I gave at facilities' readers
//   GET  /portal/access-log        who looked at my data, when, how, under which
//                                  consent, with the audit chain's verification
//   GET  /portal/assets/{name}     the page's style sheet and script
// Pages without a live session redirect to the login page (303); the JSON
// login answers problem details. Forms are refused when the browser says
// they come from another site (Origin, Sec-Fetch-Site), on top of
// SameSite=Strict.
//
// Pages carry their own Content-Security-Policy: scripts and styles from
// this origin only, and connections to this origin and the reader agent.
#ifndef ONSHI_SERVICE_PORTAL_SERVICE_HPP_
#define ONSHI_SERVICE_PORTAL_SERVICE_HPP_

#include <ctime>
#include <optional>
#include <string>
#include <string_view>

#include "card/issuer_key.hpp"
#include "http/server.hpp"
#include "service/audit_writer.hpp"
#include "service/challenge_book.hpp"
#include "service/clock.hpp"
#include "service/jpki_trust.hpp"
#include "service/portal_sessions.hpp"
#include "service/store_pool.hpp"

namespace onshi::service {

class CheckLog;  // check_log.hpp

inline constexpr const char* kPortalCookie = "onshi_portal";
// Where the portal page looks for the reader agent by default (`onshi
// reader-agent --listen`).
inline constexpr const char* kDefaultReaderAgent = "http://127.0.0.1:47215";

struct PortalOptions {
  // The reader agent's origin, as the page's script reaches it and the
  // Content-Security-Policy allows it.
  std::string reader_agent = kDefaultReaderAgent;
  PortalSessionOptions sessions;
  // The server's log of look-ups when it has one (check_log.hpp): the
  // access log and 同意の記録 read it besides the database. May be null.
  const CheckLog* check_log = nullptr;
};

class PortalService {
 public:
  // All references must outlive the service. `challenges` is the book of
  // POST /portal/card/challenge (the eligibility service's).
  PortalService(StorePool& stores, const Clock& clock, AuditWriter& audit, JpkiTrust& jpki,
                const card::IssuerKey& issuer_key, std::string cards_dir, ChallengeBook& challenges,
                PortalOptions options = {});

  http::Response Handle(const http::Request& request);

  PortalSessions& sessions() { return sessions_; }

 private:
  struct Who;
  std::optional<Who> SessionOf(const http::Request& request, std::time_t now);
  http::Response Login(const http::Request& request, std::time_t now);
  http::Response Logout(const http::Request& request);
  http::Response Top(const Who& who, std::time_t now);
  http::Response Registration(const Who& who, std::time_t now, std::string_view notice);
  http::Response Register(const Who& who, std::time_t now);
  http::Response Qualification(const Who& who, std::time_t now);
  http::Response QualificationPdf(const Who& who, std::time_t now);
  // page: 0 診療・お薬, 1 医療費, 2 医療費 CSV, 3 特定健診 (portal_medical.hpp).
  http::Response Medical(const Who& who, std::time_t now, int page, const std::string& target);
  http::Response Documents(const Who& who, std::time_t now);
  http::Response Consents(const Who& who, std::time_t now);
  http::Response AccessLog(const Who& who, std::time_t now);
  http::Response Page(std::string body) const;
  void Audit(std::time_t now, const std::string& action, int64_t person_id, std::string detail);

  StorePool& stores_;
  const Clock& clock_;
  AuditWriter& audit_;
  JpkiTrust& jpki_;
  const card::IssuerKey& issuer_key_;
  std::string cards_dir_;
  ChallengeBook& challenges_;
  PortalOptions options_;
  PortalSessions sessions_;
};

}  // namespace onshi::service

#endif  // ONSHI_SERVICE_PORTAL_SERVICE_HPP_
