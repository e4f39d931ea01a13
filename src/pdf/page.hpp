// Page and PdfWriter: a page is laid out once (into a Cairo recording
// surface) and then written into any number of PDFs — its document's own
// file and the merged print file — without laying the text out again.
#ifndef ONSHI_PDF_PAGE_HPP_
#define ONSHI_PDF_PAGE_HPP_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "pdf/canvas.hpp"

typedef struct _cairo_surface cairo_surface_t;

namespace onshi::pdf {

class Page {
 public:
  // Lays the page out with `draw`. Throws std::runtime_error if Cairo fails.
  Page(PageSize size, const std::function<void(Canvas&)>& draw);
  ~Page();
  Page(Page&& other) noexcept;
  Page& operator=(Page&& other) noexcept;
  Page(const Page&) = delete;
  Page& operator=(const Page&) = delete;

  PageSize size() const { return size_; }
  // Values that did not fit their boxes on this page.
  const std::vector<Overflow>& overflows() const { return overflows_; }
  cairo_surface_t* recording() const { return recording_; }

 private:
  PageSize size_;
  cairo_surface_t* recording_ = nullptr;
  std::vector<Overflow> overflows_;
};

// A PDF written page by page, to a file or into memory. Pages may differ in
// size (a print run mixes A4 letters and postcards).
class PdfWriter {
 public:
  // Writes to `path` (created or replaced); throws std::runtime_error if it
  // cannot be opened.
  explicit PdfWriter(const std::string& path);
  // Writes into memory; Finish() returns the bytes.
  PdfWriter();
  ~PdfWriter();
  PdfWriter(const PdfWriter&) = delete;
  PdfWriter& operator=(const PdfWriter&) = delete;

  void Add(const Page& page);
  // Ends the PDF. Returns the bytes when writing into memory, else "".
  // Throws std::runtime_error if Cairo reports a failure (disk full).
  std::string Finish();
  int pages() const { return pages_; }

 private:
  void Open(const std::string* path);

  std::unique_ptr<std::string> memory_;
  cairo_surface_t* surface_ = nullptr;
  int pages_ = 0;
  bool finished_ = false;
};

}  // namespace onshi::pdf

#endif  // ONSHI_PDF_PAGE_HPP_
