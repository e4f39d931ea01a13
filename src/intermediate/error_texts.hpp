// Japanese texts for the reasons an insurer's form is refused or does not
// link (issue 19: the insurer's page showed `name: does not match the
// resident registry`). The reasons are made in English (or half English)
// where they are found — core/submission.cpp, core/benefits.cpp,
// intake/*, intermediate/reception.cpp, importer.cpp, linker.cpp — and kept
// that way in the store, the JSON API and the CLI, which are read by
// programs and developers. Staff pages translate them here, in this one
// table, each with a stable machine-readable code shown next to the text
// (data-code on the page, a column in the CSV) so that a clerk who phones
// the help desk and a program that reads the CSV name the same error.
//
// A reason that no row matches gets the code "other" and a Japanese sentence
// that quotes the original: nothing is ever hidden, and a test
// (tests/intermediate/error_texts_test.cpp) feeds every kind of bad line the
// importer knows through it so that a new reason without a row is noticed.
#ifndef ONSHI_INTERMEDIATE_ERROR_TEXTS_HPP_
#define ONSHI_INTERMEDIATE_ERROR_TEXTS_HPP_

#include <string>
#include <string_view>
#include <vector>

namespace onshi::intermediate {

struct ErrorText {
  std::string code;      // e.g. "registry_mismatch"; "other" when no row matched
  std::string field;     // the RawSubmission member, e.g. "name"; "" = the whole line
  std::string label;     // the field in Japanese, e.g. 氏名; "" = the whole line
  std::string japanese;  // the sentence a clerk reads
};

// The Japanese label of a form field (RawSubmission member name): 氏名,
// 生年月日, …; the name itself when unknown, "" for "".
std::string FieldLabel(std::string_view field);

// One reason (FieldError::reason) about `field`.
ErrorText JapaneseErrorText(std::string_view field, std::string_view reason);

// A submission's stored error (SubmissionRecord::error): "field: reason"
// parts joined by "; " (reception.cpp), or one reason (linker.cpp).
std::vector<ErrorText> JapaneseErrorTexts(std::string_view stored);

}  // namespace onshi::intermediate

#endif  // ONSHI_INTERMEDIATE_ERROR_TEXTS_HPP_
