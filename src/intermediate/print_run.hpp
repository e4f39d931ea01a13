// The insurer's print run (`onshi documents issue`, POST
// /insurer/v1/documents/issue): record what is due today, lay out every
// recorded document not yet printed, write one PDF per document and one
// merged print file, mark them printed, and write the issuance register.
//
// Idempotent: a second run on the same day finds nothing due and nothing
// unprinted, and writes no document again (the register is rewritten with
// the same rows). Files are written before anything is marked printed, so a
// run killed half-way prints the same documents again next time, into the
// same file names, rather than losing them.
//
// Electronic 資格確認書 (R-DOC-7) are written to electronic/ for delivery to
// the member's smartphone and left out of the print file. When paper
// certificates were printed, leaflet-certificate.pdf (資格確認書の取扱いについて)
// is written once, to be enclosed with each.
#ifndef ONSHI_INTERMEDIATE_PRINT_RUN_HPP_
#define ONSHI_INTERMEDIATE_PRINT_RUN_HPP_

#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "intermediate/document_sweep.hpp"
#include "pdf/forms.hpp"
#include "pdf/page.hpp"
#include "store/store.hpp"

namespace onshi::intermediate {

// What the due list shows for one document: recorded (document_id set) and
// waiting to be printed, or planned and not yet recorded.
struct DueDocument {
  int64_t document_id = 0;  // 0: planned, recorded by the next issue run
  int64_t member_id = 0;
  std::string symbol, number, branch, name;
  DocumentKind kind = DocumentKind::kQualificationNotice;
  std::string rule;  // e.g. "R-DOC-4"
  std::optional<CertificateForm> form;
  std::optional<Date> due;  // planned only: the rule's deadline
  std::optional<Date> valid_until;
  std::optional<int64_t> subject_document_id;  // return requests
};

// Everything that must be printed and posted (or sent electronically) for
// `insurer` on `on`: recorded but unprinted documents, then the plan.
std::vector<DueDocument> DocumentsDue(store::Store& store, const store::InsurerRecord& insurer,
                                      Date on);

// The member as a document prints them on `on`.
pdf::MemberFields MemberFieldsOf(const Qualification& member, const store::InsurerRecord& insurer,
                                 Date on);

// Everything needed to lay out one recorded document, read from the store
// on the calling thread; laying it out (LayOut) needs nothing more, so it
// can run on a worker thread.
using DocumentSpec = std::variant<pdf::NoticeFields, pdf::CertificateFields,
                                  pdf::RenewalNoticeFields, pdf::ReturnRequestFields>;

// Throws store::StoreError for a kind that is never printed (the old card)
// or a return request without its subject.
DocumentSpec SpecOf(store::Store& store, const store::DocumentRecord& document,
                    const Qualification& member, const store::InsurerRecord& insurer);
std::vector<pdf::Page> LayOut(const DocumentSpec& spec);

// SpecOf then LayOut.
std::vector<pdf::Page> DocumentPages(store::Store& store, const store::DocumentRecord& document,
                                     const Qualification& member,
                                     const store::InsurerRecord& insurer);

struct PrintOptions {
  Date on;
  std::string out_dir;
  unsigned threads = 0;  // layout and writing threads; 0: one per core
  // Called after each document with (done, total).
  std::function<void(int64_t done, int64_t total)> progress;
};

struct PrintedDocument {
  store::DocumentRecord document;
  std::string file;
  std::vector<pdf::Overflow> overflows;  // values that did not fit (printed anyway)
};

struct PrintReport {
  SweepReport sweep;  // what this run recorded
  std::vector<PrintedDocument> printed;
  std::string print_file;  // merged PDF of the paper ones; "" if none
  // The leaflet enclosed with every paper 資格確認書 (its notes); "" if none printed.
  std::string leaflet_file;
  std::string register_file;
  int64_t overflows = 0;
};

// The run. Throws std::runtime_error if a file cannot be written (nothing
// is then marked printed).
PrintReport RunPrintRun(store::Store& store, const store::InsurerRecord& insurer,
                        const PrintOptions& options);

// The print run without files, for the insurer API: records what is due on
// `on` and marks every unprinted document (up to `on`) printed; the PDFs
// are then fetched one by one or as the day's print file.
struct IssueReport {
  SweepReport sweep;
  std::vector<store::DocumentRecord> issued;
};
IssueReport RecordAndMarkIssued(store::Store& store, const store::InsurerRecord& insurer, Date on);

// The merged print file of the documents printed on `day`, laid out again
// (the API serves it on demand instead of keeping files).
std::string PrintFileOf(store::Store& store, const store::InsurerRecord& insurer, Date day);

// One document's PDF.
std::string DocumentPdf(store::Store& store, const store::InsurerRecord& insurer,
                        const store::DocumentRecord& document);

// The issuance register (交付台帳) as CSV, UTF-8 with BOM for spreadsheet
// programs: who, what, when, valid until, printed, returned or not.
std::string RegisterCsv(store::Store& store, const store::InsurerRecord& insurer);

}  // namespace onshi::intermediate

#endif  // ONSHI_INTERMEDIATE_PRINT_RUN_HPP_
