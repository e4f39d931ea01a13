// The person's medical pages on the portal (issue 18; R-PORT-1, R-PORT-4),
// under /portal/ with the other pages (portal_service.hpp):
//
//   GET /portal/medical              診療・お薬の情報: medicines (処方・調剤),
//                                    procedures and operations, diagnoses, 3 years
//   GET /portal/expenses?year=YYYY   医療費 by month of the year and by year
//   GET /portal/expenses.csv?year=YYYY  the year's lines for the 医療費控除
//   GET /portal/checkups             特定健診 results, with a chart over years
//
// Every read is audited (actor "person", actions "portal.medical",
// "portal.expenses", "portal.expenses.csv", "portal.checkups") and listed in
// the access log's section of the person's own reads (OwnReadsSection).
//
// The CSV for the 医療費控除: one line per month, facility and 区分 — the
// unit of the insurers' 医療費通知, which the tax return accepts in place of
// receipts — with the columns of the 医療費控除の明細書 (国税庁): 医療を受けた
// 方の氏名, 受診年月, 医療機関等名, 医療機関等コード, 区分 (入院・外来・歯科・
// 調剤), 医療費の区分 (診療・治療 / 医薬品購入), 日数, 医療費の総額, 支払った
// 医療費の額, 補填される金額 (left empty: the portal does not know what
// private insurance pays back). Encoding: UTF-8 with a BOM and CRLF lines —
// the BOM is what makes Excel (the usual tool for the 明細書, and the e-Tax
// 医療費集計フォーム is an Excel book) read UTF-8 rather than guess CP932;
// UTF-8 keeps every name (髙, 﨑, ㈱) that Shift_JIS would lose.
#ifndef ONSHI_SERVICE_PORTAL_MEDICAL_HPP_
#define ONSHI_SERVICE_PORTAL_MEDICAL_HPP_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/date.hpp"
#include "store/store.hpp"

namespace onshi::service {

// One line of the 医療費: a facility, a month and a 区分.
struct ExpenseLine {
  Date month;  // the first day
  std::string facility_code, facility_name;
  std::string category;        // 区分: 入院, 外来, 歯科, 調剤
  std::string deduction_kind;  // 医療費の区分: 診療・治療, 医薬品購入
  int days = 0;                // visit days (one per visit)
  int64_t total_cost_yen = 0;  // 医療費の総額 (10割)
  int64_t paid_yen = 0;        // 支払った医療費の額
};

// The lines of `visits`, by month, then facility code, then 区分. `names`
// gives facility names by code (a code missing keeps the code as its name).
std::vector<ExpenseLine> ExpenseLines(const std::vector<store::VisitRecord>& visits,
                                      const std::map<std::string, std::string>& names);

// The CSV (bytes, BOM first) of `lines` for `person_name`.
std::string ExpenseCsv(const std::vector<ExpenseLine>& lines, const std::string& person_name);

// One result of a checkup item on a day.
struct CheckupPoint {
  Date on;
  double value = 0;
};

// An inline SVG line chart of `points` (oldest first) for the item named
// `title` in `unit`, with the 保健指導判定値 line when `guidance` > 0; drawn
// with presentation attributes only (the pages' CSP allows no inline style),
// labelled for screen readers (role="img", <title>, <desc> listing values).
std::string CheckupChartSvg(const std::string& id, const std::string& title,
                            const std::string& unit, const std::vector<CheckupPoint>& points,
                            double guidance);

// The <main> content of each page; `audit` receives the read's audit detail.
std::string MedicalMain(store::Store& store, int64_t person_id, Date today, std::string& audit);
std::string ExpensesMain(store::Store& store, int64_t person_id, Date today, int year,
                         std::string& audit);
// The year's lines (all facilities), for the CSV.
std::vector<ExpenseLine> ExpenseLinesOfYear(store::Store& store, int64_t person_id, int year);
std::string CheckupsMain(store::Store& store, int64_t person_id, std::string& audit);

// The access log's section listing the person's own reads of these pages.
std::string OwnReadsSection(store::Store& store, int64_t person_id);

// "year=2025" in a target's query, else `fallback`; nullopt when present but
// not a year from 2000 to `fallback`.
std::optional<int> YearOfQuery(const std::string& target, int fallback);

}  // namespace onshi::service

#endif  // ONSHI_SERVICE_PORTAL_MEDICAL_HPP_
