// Pieces every form shares: 和暦 dates, the address block of a window
// envelope or postcard, the sender, a labelled field.
#ifndef ONSHI_PDF_FORM_PARTS_HPP_
#define ONSHI_PDF_FORM_PARTS_HPP_

#include <cstdint>
#include <string>
#include <string_view>

#include "core/date.hpp"
#include "core/membership.hpp"
#include "pdf/canvas.hpp"
#include "pdf/forms.hpp"

namespace onshi::pdf {

// 令和7年10月2日 (ISO if the date has no era).
std::string Wareki(Date date);
// 男, 女, or "" when not recorded.
std::string_view SexLabel(Sex sex);
// 12,345円
std::string Yen(int64_t yen);
// 記号・番号・枝番 as printed: "10・1001（枝番 00）".
std::string CardKeys(const MemberFields& m);

// 〒, address and name with 様, where a window envelope (長形3号) or a
// postcard shows them; `width` in mm.
void AddressBlock(Canvas& c, double x, double y, double width, const MemberFields& m,
                  double size_pt = 11);
// The insurer as sender, right-aligned ending at `right`.
void Sender(Canvas& c, double right, double y, const MemberFields& m);
// A label in a grey cell and its value in the box to its right, bordered.
// A multiline value wraps inside its box instead of shrinking.
void Field(Canvas& c, std::string_view label, const Box& label_box, std::string_view value,
           const Box& value_box, double label_pt, double value_pt, bool multiline = false);
// Document number, small, for matching paper with the register.
void DocumentNumber(Canvas& c, double right, double y, int64_t id, double size_pt = 6);

}  // namespace onshi::pdf

#endif  // ONSHI_PDF_FORM_PARTS_HPP_
