// The terminal's answers while the central service cannot be reached
// (R-FAC-7, seed 000), and its reading of the central service's answers.
//
// A revisit is answered from the last confirmed answer for the same card
// keys, re-addressed to the new request: its MessageHeader is the new
// request's (ArbitraryFileIdentifier byte for byte, the confirmation date,
// the processing time), the search echo is the new request's, and the
// results are those confirmed before. How it is marked as cached — within
// what the protocol and its strict clients allow (terminal-protocol.md §8,
// §10): SegmentOfResult stays 1 and ProcessingResultStatus 1 (clients drop
// or refuse anything else), and the answer carries
//   - ProcessingResultCode ONS-I0301 with ProcessingResultMessage saying, in
//     Japanese, that this is the qualification confirmed on <date> because
//     the online system cannot be reached (a code may come with status 1 as
//     information, and clients show the message as it is, §8), and
//   - the extension element MessageBody/OnshiCachedResult {Source "cache",
//     ConfirmedAt yyyyMMddHHmmss} for software that wants to tell (every
//     client tolerates unknown elements, §10).
// A first visit with nothing cached is not guessed at: the answer is the
// error ONS-E0910 (SegmentOfResult 9) whose message tells staff to accept
// マイナンバーカード + 資格情報のお知らせ or a 被保険者資格申立書 and that the
// visit is recorded for confirmation.
#ifndef ONSHI_TERMINAL_OUTAGE_ANSWER_HPP_
#define ONSHI_TERMINAL_OUTAGE_ANSWER_HPP_

#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "oqs/request.hpp"
#include "terminal/jst_stamp.hpp"
#include "terminal/outage_store.hpp"

namespace onshi::terminal {

inline constexpr std::string_view kCachedCode = "ONS-I0301";

// UTF-8 XML answering `request` from `cached` at `now`.
std::string AnswerFromCache(const CachedAnswer& cached, const oqs::QualificationRequest& request,
                            std::time_t now);

// UTF-8 XML: ONS-E0910 for a request that nothing cached can answer.
std::string OutageRefusal(const oqs::QualificationRequest& request, std::time_t now);

// A finished 一括照会 result (02res) as single answers, one per person: the
// query each unit echoes (with the batch's date and facility) and an
// OQSsiquc01res-shaped answer (UTF-8) holding that unit's results — so a
// batch checked the evening before fills the outage cache for the next
// day's patients.
struct UnitAnswer {
  oqs::QualificationRequest request;
  std::string xml;
};
std::vector<UnitAnswer> SplitBulkResult(std::string_view xml);

// What the terminal reads from an answer (UTF-8 or Shift_JIS XML).
struct AnswerSummary {
  bool parsed = false;
  std::string segment;  // SegmentOfResult
  std::string error_code, error_message;
  std::string validity;  // QualificationValidity
  // The first result's:
  std::string name, insurer_number, insurer_name, symbol, number, branch;
  std::string disqualification_date;  // DisqualificationDate, when lost
};
AnswerSummary Summarize(std::string_view xml);

// 有効 / 無効 / … for a QualificationValidity code.
std::string ValidityText(std::string_view code);

}  // namespace onshi::terminal

#endif  // ONSHI_TERMINAL_OUTAGE_ANSWER_HPP_
