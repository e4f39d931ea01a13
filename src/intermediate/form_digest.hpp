// What makes two filings of one 受付番号 (submission id) the same form.
//
// An insurer re-sends a file after a crash or a kill -9 (the importer's
// promise: re-running is safe), and the same 受付番号 with the same content
// is then "already received". The same 受付番号 with different content is
// another form filed under a used id: refusing it on its line is the only
// safe answer, because accepting it silently as "already received" dropped
// 26 people's forms in the field (issue 15), and applying it would overwrite
// the first form. "The same content" is decided on a canonical text of every
// filed field after reading (so "19800505" and "1980-05-05", or half- and
// full-width kana, are the same), kept only as a keyed digest because it
// holds the My Number (Store::KeyedDigest).
#ifndef ONSHI_INTERMEDIATE_FORM_DIGEST_HPP_
#define ONSHI_INTERMEDIATE_FORM_DIGEST_HPP_

#include <string>
#include <vector>

#include "core/submission.hpp"
#include "store/records.hpp"

namespace onshi::intermediate {

// Every field of `form` (submission id and My Number included), each
// length-prefixed so that no two different forms share a text. Versioned:
// a change of the text is a new version, never a silent change.
std::string CanonicalFormText(const Submission& form);

// The fields (RawSubmission member names: "name", "address", …) in which
// `form` differs from the stored `filed`, for the insurer's error report.
// The My Number is not stored, so it is never among them: a digest mismatch
// with no differing field means the My Number differs.
std::vector<std::string> DifferingFields(const store::SubmissionRecord& filed,
                                         const Submission& form);

}  // namespace onshi::intermediate

#endif  // ONSHI_INTERMEDIATE_FORM_DIGEST_HPP_
