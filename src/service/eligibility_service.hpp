// EligibilityService: the online eligibility verification system as facilities
// see it — the HTTP routes of `onshi serve`.
//
//   POST /oqs-api-pro/MSA12020/ILI12020SV01/auth    login with the facility's
//        client certificate + body.json → {status,msg,result:{accessToken,
//        idToken,linkSysCharCd}} (no refreshToken: auth/token.hpp)
//   POST /oqs-api-pro/MSA01030/ILI01030SV01/search  資格確認 by card keys; the
//        raw idToken in Authorization; XmlMsg as JSON or XML (UTF-8/Shift_JIS)
//   POST /fhir/CoverageEligibilityRequest/$submit   the same check in FHIR R4
//   GET  /fhir/metadata                             CapabilityStatement
//   GET  /oqs-api-pro/proof-key                     JWK Set to verify proofs (kid)
//   GET  /openapi.json                              this API, described (OpenAPI 3.1)
//   POST /oqs-api-pro/card/challenge                a single-use challenge for a
//        check by My Number card (card_check.hpp)
//   POST /oqs-api-pro/card/search                   資格確認 by My Number card
//        (照会区分 1): certificate + the card's signature over the challenge
//        (PIN), or the registered card reader's signature (face, 目視);
//        at most CardLimits::lookups_per_card per facility and card (429)
//   POST /oqs-api-pro/card/register                 利用登録 at the facility's
//        reader (R-REG-3): facility token + the card's signature
//   POST /portal/card/challenge, /portal/card/register, /portal/card/status
//        the person's own channels (マイナポータル, the ATM): the card's
//        signature after the PIN is the login; status per R-REG-4 and the
//        insurers' registrations (データ連携中 / 登録エラー, R-LINK-2/4)
//   /portal/...                                     the portal's pages and card
//        login session (portal_service.hpp), when a JPKI anchor and the card
//        world are given
//   /municipal/...                                  the municipal window
//        (municipal_service.hpp), when a MunicipalService is given
//   GET  /healthz                                   up or not, for anyone; the
//        database's location only with an operator certificate
//   GET  /admin/health                              the same for operators only
//   POST /admin/readers, GET /admin/readers?facility=C,
//   POST /admin/readers/{id}/revoke                 the facilities' card readers
//        (operators' certificates; service/reader_registry.hpp)
//   POST /oqs-api-pro/bulk/submit                   一括照会 / 照会番号一括登録: an
//        OQSmuquc01req or OQSmuimm01req (XML) → 01res with the 受付番号;
//        processed in the background (bulk_processor.hpp)
//   POST /oqs-api-pro/bulk/result                   the 02req → 02res: SegmentOfResult
//        2 while processing, then the counts and one unit per person
//   POST /oqs-api-pro/reference-number              照会番号 registration (OQSsiimm01req)
//        → OQSsiimm01res; later answers to that facility carry ReferenceNumber
//   GET  /metrics
//   /insurer/...                                    the insurer API and
//        reports (insurer_service.hpp), when an InsurerService is given
//   /clinical/...                                   visits, medicine history,
//        safety checks and the high-cost limit (clinical_service.hpp), when
//        set_clinical gave one
//
// Every answer to a check carries a proof over its exact bytes in the
// `X-OQS-Proof` header (a leaf of a Merkle tree whose root is signed once per
// batch of answers: proof_batcher.hpp, docs/proof-format.md), so a terminal
// can keep verifiable proof of each check (for billing disputes and its
// outage cache). Every check and login is
// audited (facility, time, method, result; insurance numbers masked, never a
// My Number): checks in the access log when one is given (access_log.hpp,
// never the database; the answer leaves only once its record is on disk),
// logins and writes in the database. Thread-safe: handlers run on the server's pool threads, each
// with its own store connection.
#ifndef ONSHI_SERVICE_ELIGIBILITY_SERVICE_HPP_
#define ONSHI_SERVICE_ELIGIBILITY_SERVICE_HPP_

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "auth/facility_ca.hpp"
#include "auth/token.hpp"
#include "card/issuer_key.hpp"
#include "http/metrics.hpp"
#include "http/server.hpp"
#include "service/audit_writer.hpp"
#include "service/bulk_processor.hpp"
#include "service/card_check.hpp"
#include "service/challenge_book.hpp"
#include "service/check_log.hpp"
#include "service/clinical_service.hpp"
#include "service/clock.hpp"
#include "service/database_monitor.hpp"
#include "service/insurer_service.hpp"
#include "service/jpki_trust.hpp"
#include "service/municipal_service.hpp"
#include "service/portal_service.hpp"
#include "service/proof_batcher.hpp"
#include "service/rate_limiter.hpp"
#include "service/store_pool.hpp"
#include "serving/eligibility_index.hpp"

namespace onshi::service {

inline constexpr const char* kAuthPath = "/oqs-api-pro/MSA12020/ILI12020SV01/auth";
inline constexpr const char* kSearchPath = "/oqs-api-pro/MSA01030/ILI01030SV01/search";
inline constexpr const char* kProofKeyPath = "/oqs-api-pro/proof-key";
inline constexpr const char* kFhirSubmitPath = "/fhir/CoverageEligibilityRequest/$submit";
inline constexpr const char* kProofHeader = "X-OQS-Proof";
inline constexpr const char* kCardChallengePath = "/oqs-api-pro/card/challenge";
inline constexpr const char* kCardSearchPath = "/oqs-api-pro/card/search";

// Bounds on what card checks and card logins may ask of the server (issue
// 15). The portal's anonymous challenges and the facilities' have separate
// books, so a flood of the one leaves the other untouched.
struct CardLimits {
  ChallengeBookOptions facility_challenges;
  ChallengeBookOptions portal_challenges{20000, 20000, kChallengeSeconds};
  // Anonymous POST /portal/card/challenge per client address: 429 beyond.
  RateLimit portal_challenges_per_address{30, 60};
  // Look-ups of one card (by its certificate) by one facility: 429 beyond,
  // audited. A patient's visit takes one, or a few after a wrong PIN.
  RateLimit lookups_per_card{20, 600};
};

// Where the municipal side keeps the cards: what 利用登録 at the window
// needs (the PIN is asked of the card file). Optional for the service.
struct CardWorld {
  card::IssuerKey issuer_key;
  std::string cards_dir;
};

class EligibilityService {
 public:
  // All references must outlive the service.
  EligibilityService(StorePool& stores, const auth::FacilityCa& ca,
                     const auth::TokenService& tokens, ProofBatcher& proofs, const Clock& clock,
                     http::Metrics& metrics, AuditWriter& audit, InsurerService* insurers = nullptr,
                     JpkiTrust* jpki = nullptr, const CardWorld* cards = nullptr,
                     MunicipalService* municipal = nullptr, DatabaseMonitor* monitor = nullptr,
                     CheckLog* check_log = nullptr);

  // The answer, with its proof signed (waits for its batch).
  http::Response Handle(const http::Request& request);
  // The same answer, except that an answer to be proven carries an empty
  // X-OQS-Proof header: Prove fills it. The server's path, so that no HTTP
  // thread waits for a signature (and anything wrapped around this, as the
  // access log, sees the answer before it is signed).
  http::Response HandleUnproven(const http::Request& request);
  // Calls `done` with `answer`, its empty proof header (if any) filled once
  // its batch is signed, from the signer's thread; at once if there is none.
  // A failed signature becomes a 500.
  void Prove(http::Response answer, std::function<void(http::Response)> done) const;
  // The server's path: `unproven` (HandleUnproven, or something wrapped
  // around it such as the access log) makes the answer on the calling
  // thread; `done` gets it once its proof is signed (Prove) and, with a
  // check log, once the records of the checks it answers are on disk —
  // both in parallel, neither on the calling thread. A record that cannot be
  // written turns the answer into a 500: an unaudited check is never
  // answered.
  void Answer(const http::Request& request,
              const std::function<http::Response(const http::Request&)>& unproven,
              std::function<void(http::Response)> done);
  // The answer to a request whose body is over the server's limit
  // (http::ServerOptions::too_large; the body was never read): to the OQS
  // search an OQS error answer ONS-E0904 in the request's format; nullopt
  // for any other route (the server's own problem document).
  std::optional<http::Response> BodyTooLarge(const http::Request& request) const;
  // True for the requests answered from memory alone, which never wait for
  // a lock, a disk or another server (http::ServerOptions::answers_inline):
  // the check by insurance card when the serving index answers it (a
  // person holding a 照会番号 adds one read by primary key) and the proof
  // key. Everything else may wait (a write behind the database's lock, an
  // upload, a PDF) and runs on the server's shared pool.
  bool AnswersFromMemory(const http::Request& request) const;
  // Its own routes, {method, pattern}, in the order they are tried; the
  // "/municipal/**" and "/insurer/**" subtrees are those services' RouteList.
  static std::vector<std::pair<std::string, std::string>> RouteList();

  // Whether /metrics is open to anyone (a server without TLS, behind a
  // proxy that must restrict it) or only to operator certificates (the
  // default).
  void set_metrics_open(bool open) { metrics_open_ = open; }
  // Replaces the default CardLimits; call before serving.
  void set_card_limits(const CardLimits& limits);
  // The portal's settings (the reader agent's origin, session lifetimes);
  // call before serving. Without a JPKI anchor and card world there is no
  // portal and this does nothing.
  void set_portal_options(const PortalOptions& options);
  // Turns on the bulk API (bulk_routes.cpp): batches are stored and
  // `processor` is nudged to work through them. Call before serving.
  void set_bulk(BulkProcessor* processor, const BulkLimits& limits) {
    bulk_ = processor;
    bulk_limits_ = limits;
  }
  // Answers checks by insurance card (OQS search, FHIR $submit) from this
  // in-memory index instead of a store read (issue 20); the answers are the
  // same (serving/eligibility_index.hpp). nullptr (the default): read the
  // store. Call before serving; the index must outlive the service.
  void set_index(const serving::EligibilityIndex* index) { index_ = index; }
  // Serves /clinical/ (issue 18); call before serving. Must outlive this.
  void set_clinical(ClinicalService* clinical) { clinical_ = clinical; }

 private:
  http::Response Login(const http::Request& request, std::time_t now);
  http::Response Search(const http::Request& request, std::time_t now);
  http::Response FhirSubmit(const http::Request& request, std::time_t now);
  // bulk_routes.cpp: the bulk API and 照会番号 registration.
  http::Response BulkSubmit(const http::Request& request, std::time_t now);
  http::Response BulkResult(const http::Request& request, std::time_t now);
  http::Response RegisterReferenceNumber(const http::Request& request, std::time_t now);
  // The facility's 照会番号 for each result ("" for none).
  std::vector<std::string> ReferenceNumbersFor(std::string_view facility,
                                               const EligibilityDecision& decision);
  http::Response CardChallenge(const http::Request& request, std::time_t now);
  http::Response CardSearch(const http::Request& request, std::time_t now);
  http::Response PortalChallenge(const http::Request& request, std::time_t now);
  // 利用登録 by the person (portal, ATM) or at the facility's reader (R-REG-3).
  http::Response CardRegister(const http::Request& request, std::time_t now, bool at_facility);
  http::Response PortalStatusPage(const http::Request& request, std::time_t now);
  // `for_operator` adds where the database is (and why it failed).
  http::Response Health(bool for_operator);
  // nullopt when the request carries a valid operator certificate (or
  // `required` is false); otherwise the 401/403 answer. Sets `actor`.
  std::optional<http::Response> AdminOnly(const http::Request& request, std::time_t now,
                                          bool required, std::string* actor = nullptr);
  http::Response VerifyAudit(const http::Request& request, std::time_t now);
  // /admin/readers…: register, list and revoke facilities' card readers.
  // `revoke_id`: the reader to revoke (POST …/{id}/revoke), else "" for the
  // list (GET) or a registration (POST).
  http::Response ReaderAdmin(const http::Request& request, const std::string& revoke_id,
                             std::time_t now);
  // Dispatches through the route table (router.hpp); `route` is set to the
  // route's metrics label. No route: 404, 405 with Allow, or 400.
  http::Response Route(const http::Request& request, const std::string& path, std::time_t now,
                       const char*& route);
  // The answer with an empty proof header, to be signed (see Prove).
  http::Response Signed(int status, std::string content_type, std::string body) const;
  // Fills the empty proof header of `r`, if any, waiting for the signature.
  http::Response ProvenNow(http::Response r) const;
  std::pair<http::Counter*, http::Histogram*> RequestSeries(const char* route, int status);
  // Checks (eligibility.*, portal.status) go to the access log when there is
  // one, durable before this returns (inside Answer: before the answer is
  // given); everything else to the database.
  void Audit(std::time_t now, const std::string& actor, const std::string& action,
             int64_t person_id, std::string detail);

  StorePool& stores_;
  const auth::FacilityCa& ca_;
  const auth::TokenService& tokens_;
  ProofBatcher& proofs_;  // signs answers in batches (proof_batcher.hpp)
  const Clock& clock_;
  http::Metrics& metrics_;
  AuditWriter& audit_;
  InsurerService* insurers_;           // routes under /insurer/; may be null
  JpkiTrust* jpki_;                    // trust anchor of My Number card checks; may be null
  ChallengeBook facility_challenges_;  // facilities' card checks and registrations
  ChallengeBook portal_challenges_;    // the person's own channels (anonymous)
  SlidingWindowLimiter portal_challenge_rate_;  // per client address
  SlidingWindowLimiter card_lookups_;           // per facility and card certificate
  const CardWorld* cards_;                      // for 利用登録; may be null
  MunicipalService* municipal_;                 // routes under /municipal/; may be null
  std::unique_ptr<PortalService> portal_;       // routes under /portal/; null without cards
  ClinicalService* clinical_ = nullptr;         // routes under /clinical/; may be null
  DatabaseMonitor* monitor_;
  BulkProcessor* bulk_ = nullptr;  // null: the bulk API answers 503
  BulkLimits bulk_limits_;
  const serving::EligibilityIndex* index_ = nullptr;  // may be null: read the store
  CheckLog* check_log_;        // the checks' own audit log; may be null (then the database)
  bool metrics_open_ = false;  // read-only mode; may be null (always writable)
  std::atomic<uint64_t> fhir_sequence_{1};  // makes response ids unique within a second
  const uint64_t generation_ = NextGeneration();
  static uint64_t NextGeneration() {
    static std::atomic<uint64_t> next{1};
    return next.fetch_add(1);
  }
};

}  // namespace onshi::service

#endif  // ONSHI_SERVICE_ELIGIBILITY_SERVICE_HPP_
