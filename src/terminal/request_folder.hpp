// RequestFolder: the Req → Res half of the terminal (terminal-protocol.md
// §4.1). One Poll() looks at every file in Req once:
//
//   - names that are not requests (file_names.hpp) are left alone: a
//     client's temporary file becomes a request only when renamed in;
//   - a request that does not parse yet is given `settle` from its last
//     write to become complete (a client writing in place); after that it is
//     broken and gets the error pair: `<name>.err` (the reason, in Japanese,
//     in the output encoding) is published first, then the request-named
//     copy, so the .err is there when a watcher wakes on the copy;
//   - a 資格確認 request is answered by the central service and the answer
//     published as `req_` → `res_`; ArbitraryFileIdentifier comes back as
//     the service echoes it, unchanged;
//   - 照会番号 registration (OQSsiimm01req) and the bulk pairs (OQSmuquc /
//     OQSmuimm 01req → 01res with the 受付番号, 02req → 02res) go to the
//     central service's routes for them (central.hpp) and their answers are
//     published the same way; a 02res may say 処理中 (SegmentOfResult 2),
//     and the client sends another 02req later;
//   - 薬剤情報 / 特定健診 (YZK/TKK) go to the central service as written
//     (clinical_request.hpp); an XML answer is published as any other, a
//     PDF one (FileCategory 1) as `…res_….pdf`, byte for byte;
//   - the request is removed from Req once its answer is published. If the
//     central service cannot be reached the request stays and is tried again
//     at the next poll — for `outage_after` seconds; after that a 資格確認
//     is answered in outage mode (R-FAC-7, outage_answer.hpp): a revisit
//     from the cache of confirmed answers, a first visit with ONS-E0910,
//     both queued; bulk and registration requests keep waiting.
//   - while an outage store is configured every confirmed 資格確認 answer is
//     cached, and queued visits are confirmed (reconcile.hpp) as soon as the
//     central service answers again; the report goes to `reports_dir`.
// The answer's encoding is the configured one (CharacterCodeIdentifier 0/1),
// or the request's own when none is configured.
// In encrypted mode (encrypt_config.hpp) a request may come as `.zip`, read
// with the password; an answer whose kind the switch encrypts is published
// as `<res name>.zip` holding `<res name>.xml` (zip_container.hpp); an archive
// that cannot be opened once settled gets the error pair.
#ifndef ONSHI_TERMINAL_REQUEST_FOLDER_HPP_
#define ONSHI_TERMINAL_REQUEST_FOLDER_HPP_

#include <ctime>
#include <optional>
#include <string>

#include "oqs/charset.hpp"
#include "terminal/central.hpp"
#include "terminal/encrypt_config.hpp"
#include "terminal/outage_store.hpp"
#include "terminal/publisher.hpp"

namespace onshi::terminal {

struct FolderOptions {
  std::string req_dir;
  std::string res_dir;
  std::optional<oqs::Charset> output;  // nullopt: answer in the request's encoding
  int settle_seconds = 2;
  // R-FAC-7; null: no outage mode (requests wait for the central service).
  OutageStore* outage = nullptr;
  int outage_after_seconds = 10;
  int reconcile_every_seconds = 30;
  std::string reports_dir;
  // Encrypted mode (terminal-protocol.md §4.3); null: plain.
  const EncryptSettings* crypt = nullptr;
};

struct PollReport {
  int answered = 0;    // res_ files published
  int broken = 0;      // error pairs published
  int waiting = 0;     // incomplete requests, or the central service unreachable
  int from_cache = 0;  // answered from the outage cache
  int refused = 0;     // first visits answered with ONS-E0910
  int reconciled = 0;  // queued visits confirmed this poll
  std::string report;  // the reconciliation report written this poll, if any
  std::string last_problem;
};

class RequestFolder {
 public:
  RequestFolder(FolderOptions options, CentralClient& central, Publisher& publisher);

  PollReport Poll(std::time_t now);

 private:
  // Confirms queued visits with the central service; writes the report.
  void ReconcileQueue(std::time_t now, PollReport& report);

  FolderOptions options_;
  std::time_t last_reconcile_ = 0;
  std::time_t last_purge_ = 0;
  CentralClient& central_;
  Publisher& publisher_;
};

// `xml` (an OQS answer this terminal or the service wrote) in `to`: its
// bytes, its declaration and its CharacterCodeIdentifier. Exposed for tests.
std::string Reencode(std::string xml, oqs::Charset to);

}  // namespace onshi::terminal

#endif  // ONSHI_TERMINAL_REQUEST_FOLDER_HPP_
