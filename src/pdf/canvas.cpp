#include "pdf/canvas.hpp"

#include <cairo.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <memory>

namespace onshi::pdf {
namespace {

double Pt(double mm) {
  return mm * kPointsPerMm;
}

const char* Family(Font font) {
  return font == Font::kGothic ? "IPAexGothic" : "IPAexMincho";
}

struct LayoutDeleter {
  void operator()(PangoLayout* l) const { g_object_unref(l); }
};

}  // namespace

Canvas::Canvas(cairo_t* cr) : cr_(cr), context_(pango_cairo_create_context(cr)) {
  // 72 dpi: a font size in points is the same number of user-space units.
  pango_cairo_context_set_resolution(context_, 72.0);
  // No hinting and unrounded metrics: the layout is the same whatever the
  // output device (a PDF has no pixels to snap to).
  cairo_font_options_t* options = cairo_font_options_create();
  cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
  pango_cairo_context_set_font_options(context_, options);
  cairo_font_options_destroy(options);
  pango_context_set_round_glyph_positions(context_, FALSE);
}

Canvas::~Canvas() {
  g_object_unref(context_);
}

PangoLayout* Canvas::Layout(std::string_view text, Font font, double size_pt) {
  PangoLayout* layout = pango_layout_new(context_);
  PangoFontDescription* desc = pango_font_description_new();
  pango_font_description_set_family_static(desc, Family(only_.value_or(font)));
  pango_font_description_set_absolute_size(desc, size_pt * PANGO_SCALE);
  pango_layout_set_font_description(layout, desc);
  pango_font_description_free(desc);
  pango_layout_set_text(layout, text.data(), static_cast<int>(text.size()));
  return layout;
}

void Canvas::Text(std::string_view name, const Box& box, std::string_view text,
                  const TextStyle& style) {
  if (text.empty()) return;
  const double width = Pt(box.w), height = Pt(box.h);
  double size = style.size_pt;
  std::unique_ptr<PangoLayout, LayoutDeleter> layout(Layout(text, style.font, size));
  PangoRectangle ink, logical;
  bool fits = false;
  if (style.multiline) {
    pango_layout_set_width(layout.get(), static_cast<int>(width * PANGO_SCALE));
    pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(layout.get(), style.align == Align::kCenter  ? PANGO_ALIGN_CENTER
                                             : style.align == Align::kRight ? PANGO_ALIGN_RIGHT
                                                                            : PANGO_ALIGN_LEFT);
    pango_layout_get_extents(layout.get(), &ink, &logical);
    fits = logical.height <= height * PANGO_SCALE;
  } else {
    // Shrink in 5 % steps until the line fits, as far as kMinShrink.
    for (;;) {
      pango_layout_get_extents(layout.get(), &ink, &logical);
      fits = logical.width <= width * PANGO_SCALE && logical.height <= height * PANGO_SCALE;
      if (fits || size <= style.size_pt * kMinShrink + 1e-9) break;
      size = std::max(style.size_pt * kMinShrink, size * 0.95);
      layout.reset(Layout(text, style.font, size));
    }
  }
  if (!fits) overflows_.push_back({std::string(name), std::string(text)});

  const double text_w = static_cast<double>(logical.width) / PANGO_SCALE;
  const double text_h = static_cast<double>(logical.height) / PANGO_SCALE;
  double x = Pt(box.x);
  if (!style.multiline) {
    if (style.align == Align::kCenter) x += (width - text_w) / 2;
    if (style.align == Align::kRight) x += width - text_w;
  }
  double y = Pt(box.y);
  if (style.vertical_center && text_h < height) y += (height - text_h) / 2;
  cairo_set_source_rgb(cr_, 0, 0, 0);
  cairo_move_to(cr_, x, y);
  pango_cairo_show_layout(cr_, layout.get());
}

void Canvas::Label(double x, double y, std::string_view text, double size_pt, Font font) {
  std::unique_ptr<PangoLayout, LayoutDeleter> layout(Layout(text, font, size_pt));
  cairo_set_source_rgb(cr_, 0, 0, 0);
  cairo_move_to(cr_, Pt(x), Pt(y));
  pango_cairo_show_layout(cr_, layout.get());
}

void Canvas::Rect(const Box& box, double line_width_mm) {
  cairo_set_source_rgb(cr_, 0, 0, 0);
  cairo_set_line_width(cr_, Pt(line_width_mm));
  cairo_set_dash(cr_, nullptr, 0, 0);
  cairo_rectangle(cr_, Pt(box.x), Pt(box.y), Pt(box.w), Pt(box.h));
  cairo_stroke(cr_);
}

void Canvas::FillRect(const Box& box, double grey) {
  cairo_set_source_rgb(cr_, grey, grey, grey);
  cairo_rectangle(cr_, Pt(box.x), Pt(box.y), Pt(box.w), Pt(box.h));
  cairo_fill(cr_);
}

void Canvas::Line(double x1, double y1, double x2, double y2, double line_width_mm, bool dashed) {
  cairo_set_source_rgb(cr_, 0, 0, 0);
  cairo_set_line_width(cr_, Pt(line_width_mm));
  const double dash[] = {Pt(2.0), Pt(1.5)};
  cairo_set_dash(cr_, dashed ? dash : nullptr, dashed ? 2 : 0, 0);
  cairo_move_to(cr_, Pt(x1), Pt(y1));
  cairo_line_to(cr_, Pt(x2), Pt(y2));
  cairo_stroke(cr_);
  cairo_set_dash(cr_, nullptr, 0, 0);
}

}  // namespace onshi::pdf
