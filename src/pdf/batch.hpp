// BatchWriter: many documents laid out and written on several threads, each
// to its own PDF and, in order, into one merged print file.
//
// Why threads: writing a document's own PDF costs most of the time, and
// most of that is Cairo embedding the font subsets — cairo-ft looks each new
// glyph's character up by walking the font's whole character map, which for
// kanji in IPAex is thousands of steps per glyph, per file. Layout and that
// writing need nothing from the store, so they run on worker threads (Pango
// keeps a font map per thread; Cairo locks its shared font faces); the
// print file is appended to on the calling thread in document order.
#ifndef ONSHI_PDF_BATCH_HPP_
#define ONSHI_PDF_BATCH_HPP_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pdf/page.hpp"

namespace onshi::pdf {

struct PdfJob {
  // Runs on a worker thread: must not touch anything shared (no store).
  std::function<std::vector<Page>()> layout;
  std::string path;   // the document's own PDF
  bool merge = true;  // also into the print file
};

class BatchWriter {
 public:
  // `merged_path` empty: no print file. `threads` 0: one per core.
  explicit BatchWriter(std::string merged_path, unsigned threads = 0);
  ~BatchWriter();
  BatchWriter(const BatchWriter&) = delete;
  BatchWriter& operator=(const BatchWriter&) = delete;

  // Lays out and writes every job; returns each job's overflows, in order.
  // `done` (on the calling thread) gets the number of jobs finished so far.
  // Throws the first job's exception after all workers stopped (the files
  // of the other jobs may or may not exist; nothing is marked anywhere).
  std::vector<std::vector<Overflow>> Write(std::vector<PdfJob> jobs,
                                           const std::function<void(size_t)>& done = {});

  // Ends the print file. Returns false if no page went into it (no file).
  bool Finish();

 private:
  std::string merged_path_;
  unsigned threads_;
  std::unique_ptr<PdfWriter> merged_;
};

}  // namespace onshi::pdf

#endif  // ONSHI_PDF_BATCH_HPP_
