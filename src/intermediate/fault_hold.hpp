// A fault-injection point for the kill -9 tests (issue 21).
//
// A test that kills an import "in the middle" must know that at least one
// batch was acknowledged and that the import has not finished; polling the
// database and racing the importer could miss on a fast machine ("the import
// finished before the kill"). With the environment variable
// ONSHI_FAULT_HOLD_AFTER_BATCH set to a file path, an import that has just
// committed a batch creates that file and then holds its thread until the
// process is killed, so the test kills it at a moment it controls. Other
// threads (a server's checks, its audit writer) go on meanwhile. Unset, as
// it always is outside tests, the call does nothing.
#ifndef ONSHI_INTERMEDIATE_FAULT_HOLD_HPP_
#define ONSHI_INTERMEDIATE_FAULT_HOLD_HPP_

namespace onshi::intermediate {

inline constexpr const char* kFaultHoldAfterBatchVariable = "ONSHI_FAULT_HOLD_AFTER_BATCH";

// Called after each committed batch; holds forever when asked (see above).
void HoldAfterCommittedBatchIfAsked();

}  // namespace onshi::intermediate

#endif  // ONSHI_INTERMEDIATE_FAULT_HOLD_HPP_
