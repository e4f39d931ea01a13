// Reconciliation after an outage (R-FAC-7): every visit the terminal handled
// without the central service (outage_store.hpp queue) is confirmed with it
// once it answers again, as of the visit's day, and what differs from what
// reception assumed is written into a report staff read (Japanese).
//
// What counts as a difference:
//   - a revisit answered from the cache: the qualification is no longer 有効
//     on the visit day, or its 保険者番号 or 氏名 changed since it was cached;
//   - a first visit (the clinic's 記号・番号, or staff's entry of the お知らせ
//     or 申立書): anything but 有効 on the visit day, or a 氏名 that does not
//     match the one entered;
//   - a check the central service refuses (its error is quoted).
// Pure text work; the terminal does the I/O (request_folder.cpp).
#ifndef ONSHI_TERMINAL_RECONCILE_HPP_
#define ONSHI_TERMINAL_RECONCILE_HPP_

#include <ctime>
#include <string>
#include <vector>

#include "terminal/outage_answer.hpp"
#include "terminal/outage_store.hpp"

namespace onshi::terminal {

// The OQSsiquc01req (UTF-8) that confirms `visit` as of its visit day.
std::string CheckRequestFor(const QueuedVisit& visit);

struct Reconciled {
  std::string text;  // the visit's paragraph of the report
  bool differs = false;
};
Reconciled Reconcile(const QueuedVisit& visit, const AnswerSummary& answer);

// The whole report: a title, the counts, then each paragraph (CRLF lines,
// for the Windows PCs at reception).
std::string RenderReport(const std::vector<Reconciled>& visits, std::time_t now);

}  // namespace onshi::terminal

#endif  // ONSHI_TERMINAL_RECONCILE_HPP_
