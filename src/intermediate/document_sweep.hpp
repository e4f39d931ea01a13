// The insurer's document run over its whole membership: every member who is
// still a member, or left within the last year (their return requests), is
// planned with the core's PlanDocuments.
//
// This is the daily job (run by the linker, R-DOC-4: long-standing members
// without マイナ保険証 get their 資格確認書 before the old card ends, not
// only those who joined lately) and what `onshi documents due|issue` and the
// insurer API list and record. Planning reads one page of members at a time
// in a read snapshot, so a run over millions of members never holds the
// write lock for long; recording re-plans the members with something due
// inside the write transaction, so two runs at once (the server's linker and
// an `onshi documents issue`) record each document once.
#ifndef ONSHI_INTERMEDIATE_DOCUMENT_SWEEP_HPP_
#define ONSHI_INTERMEDIATE_DOCUMENT_SWEEP_HPP_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/document_rules.hpp"
#include "store/store.hpp"

namespace onshi::intermediate {

// One action due for one member, with what a clerk needs to find them.
struct PlannedDocument {
  int64_t member_id = 0;
  std::string symbol, number, branch;  // 記号・番号・枝番
  std::string name;                    // 氏名 on the evaluation day
  DocumentAction action;
};

// Members lost before `on` minus this many days are not visited: their
// return requests were due (and recorded) long ago.
constexpr int kReturnWindowDays = 366;

// What is due on `on` for `insurer`'s members, recording nothing.
std::vector<PlannedDocument> PlanInsurerDocuments(store::Store& store,
                                                  const store::InsurerRecord& insurer, Date on);

struct SweepReport {
  int64_t members = 0;   // visited
  int64_t recorded = 0;  // documents recorded (return requests included)
};

// Records everything due on `on` for `insurer`'s members. Idempotent: a
// second run on the same day records nothing. `progress`, if given, is called
// with the members visited so far after each page.
SweepReport RecordInsurerDocuments(store::Store& store, const store::InsurerRecord& insurer,
                                   Date on,
                                   const std::function<void(int64_t members)>& progress = {});

// The daily job: RecordInsurerDocuments for every insurer.
int64_t RecordAllDueDocuments(store::Store& store, Date on);

}  // namespace onshi::intermediate

#endif  // ONSHI_INTERMEDIATE_DOCUMENT_SWEEP_HPP_
