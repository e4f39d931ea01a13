#include "pdf/form_parts.hpp"

#include <algorithm>
#include <cstdio>

#include "core/wareki.hpp"

namespace onshi::pdf {

std::string Wareki(Date date) {
  auto w = FormatWareki(date);
  return w.ok() ? *w : date.ToIso();
}

std::string_view SexLabel(Sex sex) {
  switch (sex) {
    case Sex::kMale:
      return "男";
    case Sex::kFemale:
      return "女";
    case Sex::kUnset:
      break;
  }
  return "";
}

std::string Yen(int64_t yen) {
  const std::string digits = std::to_string(yen < 0 ? -yen : yen);
  std::string out = yen < 0 ? "-" : "";
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out + "円";
}

std::string CardKeys(const MemberFields& m) {
  std::string s;
  if (!m.symbol.empty()) s = m.symbol + "・";
  return s + m.number + "（枝番 " + m.branch + "）";
}

void AddressBlock(Canvas& c, double x, double y, double width, const MemberFields& m,
                  double size_pt) {
  const double line = size_pt * 0.45;  // mm per line, roughly 1.3 × the font
  c.Text("郵便番号", {x, y, width, line}, "〒" + m.postcode, {Font::kMincho, size_pt});
  c.Text("住所", {x, y + line * 1.2, width, line * 2.4}, m.address,
         {Font::kMincho, size_pt, Align::kLeft, /*multiline=*/true, /*vertical_center=*/false});
  c.Text("宛名", {x, y + line * 4.0, width, line * 1.5}, m.name + "　様",
         {Font::kMincho, size_pt * 1.3});
}

void Sender(Canvas& c, double right, double y, const MemberFields& m) {
  c.Text("保険者名称", {right - 80, y, 80, 5}, m.insurer_name, {Font::kGothic, 10, Align::kRight});
  c.Text("保険者番号", {right - 80, y + 5, 80, 4}, "保険者番号 " + m.insurer_number,
         {Font::kMincho, 8, Align::kRight});
}

void Field(Canvas& c, std::string_view label, const Box& label_box, std::string_view value,
           const Box& value_box, double label_pt, double value_pt, bool multiline) {
  c.FillRect(label_box, 0.9);
  c.Rect(label_box, 0.2);
  c.Rect(value_box, 0.2);
  const double pad = std::min(1.0, label_box.w * 0.05);
  c.Text(std::string(label) + "（見出し）",
         {label_box.x + pad, label_box.y, label_box.w - 2 * pad, label_box.h}, label,
         {Font::kGothic, label_pt, Align::kCenter});
  c.Text(label, {value_box.x + pad, value_box.y, value_box.w - 2 * pad, value_box.h}, value,
         {Font::kMincho, value_pt, Align::kLeft, multiline});
}

void DocumentNumber(Canvas& c, double right, double y, int64_t id, double size_pt) {
  if (id <= 0) return;
  char buf[32];
  std::snprintf(buf, sizeof buf, "No.%08lld", static_cast<long long>(id));
  c.Text("交付番号", {right - 30, y, 30, size_pt * 0.5}, buf,
         {Font::kGothic, size_pt, Align::kRight});
}

}  // namespace onshi::pdf
