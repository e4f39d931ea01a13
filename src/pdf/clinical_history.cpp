// The 薬剤情報 / 特定健診情報 PDFs (clinical_history.hpp). Both are a flow of
// items of known height — the alert box's title and alerts, section titles
// (an examination date), table rows, notes — placed top to bottom and cut
// into pages before anything is drawn, so that the page count is known when
// "n / m" is printed and the table's column headers can be repeated on each
// page that has rows. A section title is kept with its first row.
#include "pdf/clinical_history.hpp"

#include <cstdio>
#include <functional>
#include <string_view>

#include "pdf/form_parts.hpp"

namespace onshi::pdf {
namespace {

constexpr double kLeft = 15, kWidth = 180;
constexpr double kContentTop = 44;  // below the header every page repeats
constexpr double kContentBottom = 280;
constexpr double kTableHeaderHeight = 7;

enum class ItemKind { kAlertTitle, kAlert, kGap, kSection, kRow, kNote };

struct Item {
  ItemKind kind;
  double height;
  size_t index;  // into the document's own lists
};

bool InTable(ItemKind k) {
  return k == ItemKind::kSection || k == ItemKind::kRow;
}

struct Placed {
  const Item* item;
  double y;
};
struct PagePlan {
  std::vector<Placed> items;
  double table_header_y = -1;  // < 0: no table on this page
};

// Cuts `items` into pages: the table header goes above the first table item
// of a page; a section is moved to the next page when its first row would
// not fit after it.
std::vector<PagePlan> Paginate(const std::vector<Item>& items) {
  std::vector<PagePlan> pages(1);
  double y = kContentTop;
  for (size_t i = 0; i < items.size(); ++i) {
    const Item& it = items[i];
    auto needed = [&](const PagePlan& p) {
      double h = it.height;
      if (InTable(it.kind) && p.table_header_y < 0) h += kTableHeaderHeight;
      if (it.kind == ItemKind::kSection && i + 1 < items.size()) h += items[i + 1].height;
      return h;
    };
    const bool page_has_items = !pages.back().items.empty();
    if (page_has_items && y + needed(pages.back()) > kContentBottom) {
      pages.emplace_back();
      y = kContentTop;
    }
    if (it.kind == ItemKind::kGap && pages.back().items.empty()) continue;  // no gap at a top
    PagePlan& p = pages.back();
    if (InTable(it.kind) && p.table_header_y < 0) {
      p.table_header_y = y;
      y += kTableHeaderHeight;
    }
    p.items.push_back({&it, y});
    y += it.height;
  }
  return pages;
}

struct Column {
  const char* title;
  double width;
};

void TableHeader(Canvas& c, double y, const std::vector<Column>& columns) {
  double x = kLeft;
  c.FillRect({kLeft, y, kWidth, kTableHeaderHeight}, 0.85);
  c.Rect({kLeft, y, kWidth, kTableHeaderHeight}, 0.25);
  for (const Column& col : columns) {
    c.Text(std::string(col.title) + "（列見出し）",
           {x + 0.8, y, col.width - 1.6, kTableHeaderHeight}, col.title,
           {Font::kGothic, 8.5, Align::kCenter});
    x += col.width;
    if (x < kLeft + kWidth) c.Line(x, y, x, y + kTableHeaderHeight, 0.2);
  }
}

// The header repeated on every page, and the foot with "n / m".
void Frame(Canvas& c, std::string_view title, const HistoryHeader& h, size_t page, size_t pages) {
  c.Text("表題", {kLeft, 9, kWidth, 10}, title, {Font::kGothic, 16, Align::kCenter});
  c.Text("発行日時", {kLeft + 100, 9, 80, 4.5}, "発行日時　" + h.issued_at,
         {Font::kMincho, 8, Align::kRight});
  c.Text("氏名", {kLeft, 21, 105, 7}, h.name + "　様", {Font::kMincho, 13});
  c.Text("カナ氏名", {kLeft, 28, 105, 4.5}, h.name_kana, {Font::kMincho, 8});
  std::string birth = "生年月日　" + Wareki(h.birth_date) + "（" + SlashDate(h.birth_date) + "）";
  if (const std::string_view sex = SexLabel(h.sex); !sex.empty()) birth += "　" + std::string(sex);
  c.Text("生年月日", {kLeft + 95, 21, 85, 6}, birth, {Font::kMincho, 9.5, Align::kRight});
  c.Text("出力先", {kLeft + 75, 28, 105, 4.5}, "出力先　" + h.facility,
         {Font::kMincho, 8, Align::kRight});
  if (!h.period.empty()) {
    c.Text("対象期間", {kLeft, 34, kWidth, 4.5}, "対象期間　" + h.period, {Font::kMincho, 8.5});
  }
  c.Line(kLeft, 40, kLeft + kWidth, 40, 0.4);
  c.Line(kLeft, 282, kLeft + kWidth, 282, 0.2);
  c.Text("注記", {kLeft, 283.5, 140, 4},
         "患者本人の同意に基づき、オンライン資格確認等システムから出力しました。"
         "個人番号（マイナンバー）は記載していません。",
         {Font::kMincho, 6.5});
  c.Text("頁", {kLeft + 140, 283.5, 40, 4}, std::to_string(page) + " / " + std::to_string(pages),
         {Font::kMincho, 8, Align::kRight});
}

// Cells of a row: each column's first line and, under it, a smaller second.
void Row(Canvas& c, double y, double h, const std::vector<Column>& columns,
         const std::vector<std::pair<std::string, std::string>>& cells,
         const std::vector<Align>& aligns) {
  double x = kLeft;
  c.Line(kLeft, y + h, kLeft + kWidth, y + h, 0.15);
  c.Line(kLeft, y, kLeft, y + h, 0.2);
  c.Line(kLeft + kWidth, y, kLeft + kWidth, y + h, 0.2);
  for (size_t i = 0; i < columns.size(); ++i) {
    const Column& col = columns[i];
    const auto& [first, second] = cells[i];
    const Box inner{x + 1, y, col.width - 2, h};
    if (second.empty()) {
      c.Text(col.title, inner, first, {Font::kMincho, 8.5, aligns[i]});
    } else {
      c.Text(col.title, {inner.x, y + 0.6, inner.w, h * 0.55}, first,
             {Font::kMincho, 8.5, aligns[i]});
      c.Text(std::string(col.title) + "（2行目）", {inner.x, y + h * 0.55, inner.w, h * 0.4},
             second, {Font::kGothic, 6.5, aligns[i]});
    }
    x += col.width;
    if (i + 1 < columns.size()) c.Line(x, y, x, y + h, 0.15);
  }
}

// Draws every page of a plan.
std::vector<Page> Draw(std::string_view title, const HistoryHeader& header,
                       const std::vector<Column>& columns, const std::vector<Item>& items,
                       const std::function<void(Canvas&, const Item&, double y)>& draw_item) {
  const std::vector<PagePlan> plan = Paginate(items);
  std::vector<Page> pages;
  for (size_t p = 0; p < plan.size(); ++p) {
    pages.emplace_back(kA4, [&](Canvas& c) {
      Frame(c, title, header, p + 1, plan.size());
      if (plan[p].table_header_y >= 0) TableHeader(c, plan[p].table_header_y, columns);
      // The alert box: one frame around the alerts of this page.
      double box_top = -1, box_bottom = -1;
      for (const Placed& placed : plan[p].items) {
        const ItemKind k = placed.item->kind;
        if (k == ItemKind::kAlertTitle || k == ItemKind::kAlert) {
          if (box_top < 0) box_top = placed.y;
          box_bottom = placed.y + placed.item->height;
        }
        draw_item(c, *placed.item, placed.y);
      }
      if (box_top >= 0) c.Rect({kLeft, box_top, kWidth, box_bottom - box_top}, 0.6);
    });
  }
  return pages;
}

std::string FacilityOf(const MedicineLine& m) {
  return (m.facility.empty() ? std::string("（名称未登録）") : m.facility);
}

std::string DrugOf(const MedicineLine& m) {
  return m.drug_name.empty() ? "（マスタにない薬剤）" : m.drug_name;
}

// One course of an alert on one line: the drug on the left, where and when
// on the right.
void AlertCourse(Canvas& c, double y, std::string_view prefix, const MedicineLine& m) {
  c.Text(std::string(prefix) + "薬剤", {kLeft + 24, y, 64, 4.3},
         std::string(prefix) + DrugOf(m) + "（" + m.yj_code + "）", {Font::kMincho, 8.5});
  c.Text(std::string(prefix) + "医療機関", {kLeft + 90, y, 88, 4.3},
         FacilityOf(m) + "　" + SlashDate(m.date) + " " + m.kind + " " + std::to_string(m.days) +
             "日分",
         {Font::kMincho, 8.5, Align::kRight});
}

}  // namespace

std::string SlashDate(Date date) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d/%02d/%02d", date.year(), date.month(), date.day());
  return buf;
}

std::vector<Page> DrugHistory(const DrugHistoryFields& f) {
  const std::vector<Column> columns = {{"日付", 20},           {"区分", 11},
                                       {"医療機関・薬局", 57}, {"薬剤名（YJコード）", 67},
                                       {"数量", 14},           {"日数", 11}};
  const std::vector<Align> aligns = {Align::kCenter, Align::kCenter, Align::kLeft,
                                     Align::kLeft,   Align::kRight,  Align::kRight};
  constexpr double kRowHeight = 9, kAlertHeight = 13.5;
  std::vector<Item> items;
  if (!f.alerts.empty()) {
    items.push_back({ItemKind::kAlertTitle, 7, 0});
    for (size_t i = 0; i < f.alerts.size(); ++i)
      items.push_back({ItemKind::kAlert, kAlertHeight, i});
    items.push_back({ItemKind::kGap, 4, 0});
  }
  if (f.lines.empty()) items.push_back({ItemKind::kNote, 10, 0});
  for (size_t i = 0; i < f.lines.size(); ++i)
    items.push_back({ItemKind::kRow, kRowHeight, i});
  const std::string alert_title =
      "重複投薬・併用禁忌等の注意（" +
      (f.alerts_truncated ? "新しいもの" + std::to_string(f.alerts.size()) + "件。ほかにもあります"
                          : std::to_string(f.alerts.size()) + "件") +
      "）";
  return Draw("薬剤情報", f.header, columns, items, [&](Canvas& c, const Item& it, double y) {
    switch (it.kind) {
      case ItemKind::kAlertTitle:
        c.FillRect({kLeft, y, kWidth, it.height}, 0.8);
        c.Text("注意の見出し", {kLeft + 2, y, kWidth - 4, it.height}, alert_title,
               {Font::kGothic, 10.5});
        break;
      case ItemKind::kAlert: {
        const DrugAlertLine& a = f.alerts[it.index];
        c.Line(kLeft, y, kLeft + kWidth, y, 0.15);
        c.Text("注意の区分", {kLeft + 2, y + 0.7, 22, 4.3}, "【" + a.label + "】",
               {Font::kGothic, 9});
        AlertCourse(c, y + 0.7, "", a.course);
        AlertCourse(c, y + 4.9, "相手：", a.other);
        std::string note = a.message;
        if (a.overlap_days > 0)
          note = "服用期間の重なり " + std::to_string(a.overlap_days) + "日。" + note;
        c.Text("注意の内容", {kLeft + 24, y + 9.1, kWidth - 26, 4}, note, {Font::kMincho, 7.5});
        break;
      }
      case ItemKind::kNote:
        c.Text("該当なし", {kLeft, y, kWidth, it.height},
               "この期間に該当する薬剤情報はありません。", {Font::kMincho, 10});
        break;
      case ItemKind::kRow: {
        const MedicineLine& m = f.lines[it.index];
        Row(c, y, it.height, columns,
            {{SlashDate(m.date), ""},
             {m.kind, ""},
             {FacilityOf(m), m.facility_code},
             {DrugOf(m), m.yj_code},
             {m.quantity + m.unit, ""},
             {std::to_string(m.days) + "日", ""}},
            aligns);
        break;
      }
      case ItemKind::kGap:
      case ItemKind::kSection:
        break;
    }
  });
}

std::vector<Page> CheckupHistory(const CheckupHistoryFields& f) {
  const std::vector<Column> columns = {
      {"検査項目", 62}, {"結果", 28}, {"単位", 20}, {"保健指導判定値", 30}, {"項目コード", 40}};
  const std::vector<Align> aligns = {Align::kLeft, Align::kRight, Align::kLeft, Align::kCenter,
                                     Align::kLeft};
  constexpr double kRowHeight = 6.5;
  std::vector<Item> items;
  std::vector<std::pair<size_t, size_t>> rows;  // exam, item
  if (f.exams.empty()) items.push_back({ItemKind::kNote, 10, 0});
  for (size_t e = 0; e < f.exams.size(); ++e) {
    items.push_back({ItemKind::kSection, 7, e});
    for (size_t i = 0; i < f.exams[e].items.size(); ++i) {
      items.push_back({ItemKind::kRow, kRowHeight, rows.size()});
      rows.emplace_back(e, i);
    }
  }
  if (!f.exams.empty()) items.push_back({ItemKind::kNote, 8, 1});
  return Draw("特定健診情報", f.header, columns, items, [&](Canvas& c, const Item& it, double y) {
    switch (it.kind) {
      case ItemKind::kSection: {
        const CheckupExam& e = f.exams[it.index];
        c.FillRect({kLeft, y, kWidth, it.height}, 0.93);
        c.Rect({kLeft, y, kWidth, it.height}, 0.2);
        c.Text("受診日", {kLeft + 2, y, kWidth - 4, it.height},
               Wareki(e.examined_on) + "（" + SlashDate(e.examined_on) + "）受診　" +
                   std::to_string(e.items.size()) + "項目",
               {Font::kGothic, 9.5});
        break;
      }
      case ItemKind::kRow: {
        const auto [e, i] = rows[it.index];
        const CheckupLine& l = f.exams[e].items[i];
        Row(c, y, it.height, columns,
            {{l.name, ""},
             {(l.finding ? "＊" : "") + l.value, ""},
             {l.unit, ""},
             {l.reference.empty() ? "—" : l.reference, ""},
             {l.code, ""}},
            aligns);
        break;
      }
      case ItemKind::kNote:
        if (it.index == 0) {
          c.Text("該当なし", {kLeft, y, kWidth, it.height}, "特定健診の結果はありません。",
                 {Font::kMincho, 10});
        } else {
          c.Text("凡例", {kLeft, y + 1, kWidth, it.height - 1},
                 "＊ 保健指導判定値に該当する値（標準的な健診・保健指導プログラム）。"
                 "判定値は目安で、診断ではありません。",
                 {Font::kMincho, 7.5});
        }
        break;
      case ItemKind::kAlertTitle:
      case ItemKind::kAlert:
      case ItemKind::kGap:
        break;
    }
  });
}

}  // namespace onshi::pdf
