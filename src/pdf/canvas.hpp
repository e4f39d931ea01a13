// Canvas: one page of a paper form, drawn with Cairo and laid out with Pango.
//
// Coordinates are millimetres from the top-left corner of the page, as on a
// printed form's specification; the canvas converts to PDF points. Text goes
// into named boxes: a single-line box shrinks its text down to kMinShrink of
// the requested size to fit (as printed forms do with long names), a
// multi-line box wraps. Whatever still does not fit is drawn anyway but
// recorded as an Overflow, so a test (or the print run) sees that a value
// ran out of its box instead of a clerk finding it on paper.
//
// Fonts are IPAex明朝 and IPAexゴシック (Debian fonts-ipaexfont), named
// explicitly so that the layout does not depend on fontconfig's fallback.
#ifndef ONSHI_PDF_CANVAS_HPP_
#define ONSHI_PDF_CANVAS_HPP_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

typedef struct _cairo cairo_t;
typedef struct _PangoLayout PangoLayout;
typedef struct _PangoContext PangoContext;

namespace onshi::pdf {

// Page sizes in millimetres.
struct PageSize {
  double width_mm;
  double height_mm;
};
constexpr PageSize kA4{210.0, 297.0};
constexpr PageSize kPostcard{100.0, 148.0};  // 通常はがき
constexpr PageSize kCard{85.6, 54.0};        // ISO/IEC 7810 ID-1, like the old 保険証

constexpr double kPointsPerMm = 72.0 / 25.4;

struct Box {
  double x, y, w, h;  // mm
};

enum class Font { kMincho, kGothic };
enum class Align { kLeft, kCenter, kRight };

struct TextStyle {
  Font font = Font::kMincho;
  double size_pt = 10;
  Align align = Align::kLeft;
  bool multiline = false;  // wrap inside the box instead of shrinking
  bool vertical_center = true;
};

// A value that did not fit its box.
struct Overflow {
  std::string box;   // the box's name, e.g. "氏名"
  std::string text;  // the text that did not fit
};

class Canvas {
 public:
  // Single-line text is shrunk down to this fraction of its size to fit.
  static constexpr double kMinShrink = 0.6;

  // Draws on `cr`, whose user space is PDF points with the origin at the
  // page's top-left corner. Does not take ownership.
  explicit Canvas(cairo_t* cr);
  ~Canvas();
  Canvas(const Canvas&) = delete;
  Canvas& operator=(const Canvas&) = delete;

  // Text in a box; `name` identifies the box in an Overflow.
  void Text(std::string_view name, const Box& box, std::string_view text,
            const TextStyle& style = {});
  // Text at a point (left-aligned, one line, no box: labels and notes that
  // the layout sizes by hand; never reported as overflowing).
  void Label(double x, double y, std::string_view text, double size_pt = 9,
             Font font = Font::kMincho);
  // Sets every text on this page in `font`, whatever its style asks: each
  // family on a page is one more font subset Cairo embeds in every PDF, a
  // cost per document that the print run feels (the certificate uses it).
  void UseOneFamily(Font font) { only_ = font; }

  void Rect(const Box& box, double line_width_mm = 0.3);
  void FillRect(const Box& box, double grey);  // 0 black .. 1 white
  void Line(double x1, double y1, double x2, double y2, double line_width_mm = 0.3,
            bool dashed = false);

  const std::vector<Overflow>& overflows() const { return overflows_; }

 private:
  PangoLayout* Layout(std::string_view text, Font font, double size_pt);

  cairo_t* cr_;
  PangoContext* context_;  // one per canvas: creating one per text is most of the cost
  std::optional<Font> only_;
  std::vector<Overflow> overflows_;
};

}  // namespace onshi::pdf

#endif  // ONSHI_PDF_CANVAS_HPP_
