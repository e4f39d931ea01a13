#include "pdf/page.hpp"

#include <cairo-pdf.h>
#include <cairo.h>

#include <stdexcept>
#include <utility>

namespace onshi::pdf {
namespace {

void Check(cairo_status_t status, const char* what) {
  if (status != CAIRO_STATUS_SUCCESS) {
    throw std::runtime_error(std::string(what) + ": " + cairo_status_to_string(status));
  }
}

cairo_status_t Append(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

}  // namespace

Page::Page(PageSize size, const std::function<void(Canvas&)>& draw) : size_(size) {
  const cairo_rectangle_t extents{0, 0, size.width_mm * kPointsPerMm,
                                  size.height_mm * kPointsPerMm};
  recording_ = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &extents);
  cairo_t* cr = cairo_create(recording_);
  {
    Canvas canvas(cr);
    draw(canvas);
    overflows_ = canvas.overflows();
  }
  const cairo_status_t status = cairo_status(cr);
  cairo_destroy(cr);
  Check(status, "drawing a page");
}

Page::~Page() {
  if (recording_) cairo_surface_destroy(recording_);
}

Page::Page(Page&& other) noexcept
    : size_(other.size_),
      recording_(std::exchange(other.recording_, nullptr)),
      overflows_(std::move(other.overflows_)) {}

Page& Page::operator=(Page&& other) noexcept {
  if (this != &other) {
    if (recording_) cairo_surface_destroy(recording_);
    size_ = other.size_;
    recording_ = std::exchange(other.recording_, nullptr);
    overflows_ = std::move(other.overflows_);
  }
  return *this;
}

PdfWriter::PdfWriter(const std::string& path) {
  Open(&path);
}

PdfWriter::PdfWriter() : memory_(std::make_unique<std::string>()) {
  Open(nullptr);
}

void PdfWriter::Open(const std::string* path) {
  // The first page sets its own size (cairo_pdf_surface_set_size), so the
  // initial size does not matter.
  const double w = kA4.width_mm * kPointsPerMm, h = kA4.height_mm * kPointsPerMm;
  surface_ = path ? cairo_pdf_surface_create(path->c_str(), w, h)
                  : cairo_pdf_surface_create_for_stream(Append, memory_.get(), w, h);
  const cairo_status_t status = cairo_surface_status(surface_);
  if (status != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(surface_);
    surface_ = nullptr;
    Check(status, path ? ("cannot write " + *path).c_str() : "cannot start a PDF");
  }
  cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_CREATOR, "onshi");
}

PdfWriter::~PdfWriter() {
  if (surface_) cairo_surface_destroy(surface_);
}

void PdfWriter::Add(const Page& page) {
  cairo_pdf_surface_set_size(surface_, page.size().width_mm * kPointsPerMm,
                             page.size().height_mm * kPointsPerMm);
  cairo_t* cr = cairo_create(surface_);
  cairo_set_source_surface(cr, page.recording(), 0, 0);
  cairo_paint(cr);
  cairo_show_page(cr);
  const cairo_status_t status = cairo_status(cr);
  cairo_destroy(cr);
  Check(status, "writing a page");
  ++pages_;
}

std::string PdfWriter::Finish() {
  if (finished_) return memory_ ? *memory_ : "";
  finished_ = true;
  cairo_surface_finish(surface_);
  Check(cairo_surface_status(surface_), "finishing the PDF");
  return memory_ ? *memory_ : "";
}

}  // namespace onshi::pdf
