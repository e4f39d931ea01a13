#include "service/portal_medical.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <optional>
#include <set>
#include <tuple>

#include "core/checkup_items.hpp"
#include "core/html_escape.hpp"
#include "core/medical_institution_code.hpp"
#include "core/wareki.hpp"
#include "service/clock.hpp"
#include "store/clinical_store.hpp"

namespace onshi::service {
namespace {

// As far back as the pages show medicines and treatment: the three years a
// facility may read too (issue 18).
constexpr int kHistoryYears = 3;

std::string Jp(Date d) {
  auto w = FormatWareki(d);
  return w.ok() ? *w : d.ToIso();
}

std::string YearMonth(Date d) {
  return std::to_string(d.year()) + "年" + std::to_string(d.month()) + "月";
}

// 12,345 円.
std::string Yen(int64_t v) {
  std::string digits = std::to_string(v < 0 ? -v : v), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (v < 0 ? "-" : "") + out + "円";
}

std::string Td(std::string_view label, std::string_view html, std::string_view cls = "") {
  std::string out = "<td data-label=\"" + std::string(label) + "\"";
  if (!cls.empty()) out += " class=\"" + std::string(cls) + "\"";
  return out + "><div>" + std::string(html) + "</div></td>";
}

std::string Table(std::string_view id, std::string_view caption,
                  std::initializer_list<const char*> heads, const std::string& rows) {
  std::string out = "<div class=\"scroll\"><table id=\"" + std::string(id) + "\"><caption>" +
                    std::string(caption) + "</caption><thead><tr>";
  for (const char* h : heads)
    out += "<th scope=\"col\">" + std::string(h) + "</th>";
  return out + "</tr></thead><tbody>\n" + rows + "</tbody></table></div>\n";
}

// 区分 of a visit as the 医療費通知 names it, from the 点数表 of the
// facility's code and the setting.
std::pair<std::string, std::string> CategoryOf(const store::VisitRecord& v) {
  const auto code = MedicalInstitutionCode::Parse(v.facility_code);
  const FacilityType type = code.ok() ? code->facility_type() : FacilityType::kMedical;
  if (type == FacilityType::kPharmacy) return {"調剤", "医薬品購入"};
  if (type == FacilityType::kDental) return {"歯科", "診療・治療"};
  return {v.setting == CareSetting::kInpatient ? "入院" : "外来", "診療・治療"};
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  std::string s = buf;
  if (s.size() > 2 && s.substr(s.size() - 2) == ".0") s.resize(s.size() - 2);
  return s;
}

std::map<std::string, std::string> FacilityNames(store::Store& store,
                                                 const std::set<std::string>& codes) {
  std::map<std::string, std::string> out;
  for (const std::string& c : codes) {
    const auto f = store.GetFacility(c);
    out[c] = f && !f->name.empty() ? f->name : c;
  }
  return out;
}

std::string FacilityHtml(const std::map<std::string, std::string>& names, const std::string& code) {
  auto it = names.find(code);
  return HtmlEscape(it == names.end() ? code : it->second) + "<br><small>" + HtmlEscape(code) +
         "</small>";
}

}  // namespace

std::vector<ExpenseLine> ExpenseLines(const std::vector<store::VisitRecord>& visits,
                                      const std::map<std::string, std::string>& names) {
  std::map<std::tuple<Date, std::string, std::string>, ExpenseLine> lines;
  for (const store::VisitRecord& v : visits) {
    const Date month = Date::FromYmd(v.date.year(), v.date.month(), 1);
    const auto [category, kind] = CategoryOf(v);
    ExpenseLine& l = lines[{month, v.facility_code, category}];
    if (l.days == 0) {
      l.month = month;
      l.facility_code = v.facility_code;
      auto n = names.find(v.facility_code);
      l.facility_name = n == names.end() ? v.facility_code : n->second;
      l.category = category;
      l.deduction_kind = kind;
    }
    ++l.days;
    l.total_cost_yen += v.total_cost_yen;
    l.paid_yen += v.paid_yen;
  }
  std::vector<ExpenseLine> out;
  for (auto& [key, line] : lines)
    out.push_back(std::move(line));
  return out;
}

std::string ExpenseCsv(const std::vector<ExpenseLine>& lines, const std::string& person_name) {
  std::string out = "\xEF\xBB\xBF";
  out +=
      "医療を受けた方の氏名,受診年月,医療機関等名,医療機関等コード,区分,医療費の区分,日数,"
      "医療費の総額,支払った医療費の額,補填される金額\r\n";
  for (const ExpenseLine& l : lines) {
    out += CsvField(person_name) + "," + YearMonth(l.month) + "," + CsvField(l.facility_name) +
           "," + l.facility_code + "," + l.category + "," + l.deduction_kind + "," +
           std::to_string(l.days) + "," + std::to_string(l.total_cost_yen) + "," +
           std::to_string(l.paid_yen) + ",\r\n";
  }
  return out;
}

std::string CheckupChartSvg(const std::string& id, const std::string& title,
                            const std::string& unit, const std::vector<CheckupPoint>& points,
                            double guidance) {
  // A 320×180 canvas: plot area x 40..300, y 20..140; years below.
  constexpr double kLeft = 40, kRight = 300, kTop = 20, kBottom = 140;
  double lo = points.empty() ? 0 : points.front().value, hi = lo;
  for (const CheckupPoint& p : points) {
    lo = std::min(lo, p.value);
    hi = std::max(hi, p.value);
  }
  if (guidance > 0) {
    lo = std::min(lo, guidance);
    hi = std::max(hi, guidance);
  }
  const double pad = hi > lo ? (hi - lo) * 0.15 : std::max(1.0, std::fabs(hi) * 0.1);
  lo -= pad;
  hi += pad;
  auto y = [&](double v) { return kBottom - (v - lo) / (hi - lo) * (kBottom - kTop); };
  auto x = [&](size_t i) {
    return points.size() == 1 ? (kLeft + kRight) / 2
                              : kLeft + (kRight - kLeft) * static_cast<double>(i) /
                                            static_cast<double>(points.size() - 1);
  };
  auto f = [](double v) { return Number(std::round(v * 10) / 10); };
  std::string desc;
  for (const CheckupPoint& p : points) {
    if (!desc.empty()) desc += "、";
    desc += std::to_string(p.on.year()) + "年" + std::to_string(p.on.month()) + "月 " +
            Number(p.value) + unit;
  }
  std::string out = "<svg id=\"" + id +
                    "\" class=\"chart\" viewBox=\"0 0 320 180\" width=\"100%\" role=\"img\" "
                    "aria-labelledby=\"" +
                    id + "-t " + id + "-d\" xmlns=\"http://www.w3.org/2000/svg\">";
  out += "<title id=\"" + id + "-t\">" + HtmlEscape(title) + "の推移（" + HtmlEscape(unit) +
         "）</title><desc id=\"" + id + "-d\">" + HtmlEscape(desc) + "</desc>";
  out += "<rect x=\"0\" y=\"0\" width=\"320\" height=\"180\" fill=\"#ffffff\"/>";
  out += "<line x1=\"40\" y1=\"140\" x2=\"300\" y2=\"140\" stroke=\"#4a4a4a\" stroke-width=\"1\"/>";
  if (guidance > 0) {
    out += "<line class=\"guidance\" x1=\"40\" y1=\"" + f(y(guidance)) + "\" x2=\"300\" y2=\"" +
           f(y(guidance)) + "\" stroke=\"#8a1c1c\" stroke-width=\"1\" stroke-dasharray=\"4 3\"/>";
    out += "<text x=\"300\" y=\"" + f(y(guidance) - 3) +
           "\" text-anchor=\"end\" font-size=\"10\" fill=\"#8a1c1c\">保健指導判定値 " +
           Number(guidance) + "</text>";
  }
  std::string path;
  for (size_t i = 0; i < points.size(); ++i)
    path += (i == 0 ? "" : " ") + f(x(i)) + "," + f(y(points[i].value));
  if (points.size() > 1) {
    out +=
        "<polyline points=\"" + path + "\" fill=\"none\" stroke=\"#0a4a9e\" stroke-width=\"2\"/>";
  }
  for (size_t i = 0; i < points.size(); ++i) {
    out += "<circle class=\"point\" cx=\"" + f(x(i)) + "\" cy=\"" + f(y(points[i].value)) +
           "\" r=\"4\" fill=\"#0a4a9e\" data-value=\"" + Number(points[i].value) + "\"/>";
    out += "<text x=\"" + f(x(i)) + "\" y=\"" + f(y(points[i].value) - 8) +
           "\" text-anchor=\"middle\" font-size=\"11\" fill=\"#1b1b1b\">" +
           Number(points[i].value) + "</text>";
    out += "<text x=\"" + f(x(i)) +
           "\" y=\"160\" text-anchor=\"middle\" font-size=\"11\" fill=\"#1b1b1b\">" +
           std::to_string(points[i].on.year()) + "年</text>";
  }
  return out + "</svg>";
}

std::string MedicalMain(store::Store& store, int64_t person_id, Date today, std::string& audit) {
  store::ClinicalStore& clinical = store.Clinical();
  const Date since = today.AddYears(-kHistoryYears);
  const auto meds = clinical.MedicinesOfPerson(person_id, since);
  const auto procs = clinical.ProceduresOfPerson(person_id, since);
  const auto dx = clinical.DiagnosesOfPerson(person_id, since);
  std::set<std::string> codes;
  for (const auto& m : meds)
    codes.insert(m.facility_code);
  for (const auto& p : procs)
    codes.insert(p.facility_code);
  for (const auto& d : dx)
    codes.insert(d.facility_code);
  const auto names = FacilityNames(store, codes);
  audit = "medicines=" + std::to_string(meds.size()) +
          " procedures=" + std::to_string(procs.size()) +
          " diagnoses=" + std::to_string(dx.size()) + " since=" + since.ToIso();

  std::string main = "<h1>診療・お薬の情報</h1>\n";
  main += "<p>医療機関・薬局から届いた、過去3年分（" + Jp(since) +
          "以降）のお薬と診療の情報です。マイナ保険証で受診した医療機関でも、あなたが同意した"
          "場合に限り閲覧されます。</p>\n";
  main += "<section aria-labelledby=\"h-meds\"><h2 id=\"h-meds\">お薬の情報</h2>\n";
  if (meds.empty()) {
    main += "<p class=\"note\">お薬の情報はありません。</p>\n";
  } else {
    std::string rows;
    for (const store::MedicineRecord& m : meds) {
      const auto drug = clinical.GetDrug(m.yj_code);
      rows += "<tr>" + Td("日付", Jp(m.visit_date)) +
              Td("区分", m.kind == store::MedicineKind::kDispensed ? "調剤" : "処方") +
              Td("医療機関・薬局", FacilityHtml(names, m.facility_code)) +
              Td("お薬", (drug ? HtmlEscape(drug->name) + "<br>" : std::string()) + "<small>" +
                             HtmlEscape(m.yj_code) + "</small>") +
              Td("数量", HtmlEscape(m.quantity) + HtmlEscape(m.unit)) +
              Td("日数", std::to_string(m.days) + "日分（" + Jp(m.start) + "から）") + "</tr>\n";
    }
    main += Table("medicines", "お薬（新しい順）",
                  {"日付", "区分", "医療機関・薬局", "お薬", "数量", "日数"}, rows);
  }
  main +=
      "</section>\n<section aria-labelledby=\"h-procs\"><h2 id=\"h-procs\">診療・手術の情報</h2>\n";
  if (procs.empty()) {
    main += "<p class=\"note\">診療・手術の情報はありません。</p>\n";
  } else {
    std::string rows;
    for (const store::ProcedureRecord& p : procs) {
      const auto m = clinical.GetProcedure(p.code);
      const bool operation = m && m->section == "K";
      rows += "<tr>" + Td("日付", Jp(p.performed_on)) +
              Td("医療機関", FacilityHtml(names, p.facility_code)) +
              Td("診療行為", (m ? HtmlEscape(m->name) + "<br>" : std::string()) + "<small>" +
                                 HtmlEscape(p.code) + "</small>") +
              Td("種別", operation ? "手術" : "診療") + Td("回数", std::to_string(p.count)) +
              "</tr>\n";
    }
    main += Table("procedures", "診療・手術（新しい順）",
                  {"日付", "医療機関", "診療行為", "種別", "回数"}, rows);
  }
  main += "</section>\n<section aria-labelledby=\"h-dx\"><h2 id=\"h-dx\">傷病名</h2>\n";
  if (dx.empty()) {
    main += "<p class=\"note\">傷病名の情報はありません。</p>\n";
  } else {
    std::string rows;
    for (const store::DiagnosisRecord& d : dx) {
      const auto m = clinical.GetDisease(d.code);
      rows += "<tr>" + Td("診療開始日", Jp(d.start)) +
              Td("医療機関", FacilityHtml(names, d.facility_code)) +
              Td("傷病名",
                 (m ? HtmlEscape(m->name) : HtmlEscape(d.code)) + (d.suspected ? "（疑い）" : "")) +
              "</tr>\n";
    }
    main += Table("diagnoses", "傷病名", {"診療開始日", "医療機関", "傷病名"}, rows);
  }
  return main + "</section>\n";
}

std::vector<ExpenseLine> ExpenseLinesOfYear(store::Store& store, int64_t person_id, int year) {
  const auto visits = store.Clinical().VisitsOfPerson(person_id, "", Date::FromYmd(year, 1, 1),
                                                      Date::FromYmd(year, 12, 31));
  std::set<std::string> codes;
  for (const auto& v : visits)
    codes.insert(v.facility_code);
  return ExpenseLines(visits, FacilityNames(store, codes));
}

std::string ExpensesMain(store::Store& store, int64_t person_id, Date today, int year,
                         std::string& audit) {
  // Every year with visits, for the yearly table and the year links (5 years).
  const int first = today.year() - 4;
  const auto all = store.Clinical().VisitsOfPerson(person_id, "", Date::FromYmd(first, 1, 1),
                                                   Date::FromYmd(today.year(), 12, 31));
  std::map<int, std::pair<int64_t, int64_t>> by_year;  // year → (total, paid)
  for (const auto& v : all) {
    by_year[v.date.year()].first += v.total_cost_yen;
    by_year[v.date.year()].second += v.paid_yen;
  }
  const std::vector<ExpenseLine> lines = ExpenseLinesOfYear(store, person_id, year);
  audit = "year=" + std::to_string(year) + " lines=" + std::to_string(lines.size());

  std::string main = "<h1>医療費</h1>\n";
  main +=
      "<p>医療機関・薬局の窓口で支払った医療費です。確定申告の医療費控除には、年ごとのファイル"
      "（CSV）をダウンロードして「医療費控除の明細書」に使えます。</p>\n";
  main += "<div class=\"years\" role=\"group\" aria-label=\"年の選択\"><ul>";
  for (int y = today.year(); y >= first; --y) {
    main += "<li><a href=\"/portal/expenses?year=" + std::to_string(y) + "\"" +
            (y == year ? " aria-current=\"page\"" : "") + ">" + std::to_string(y) + "年</a></li>";
  }
  main += "</ul></div>\n";
  main += "<section aria-labelledby=\"h-month\"><h2 id=\"h-month\">" + std::to_string(year) +
          "年の医療費（月別）</h2>\n";
  int64_t total = 0, paid = 0;
  if (lines.empty()) {
    main += "<p class=\"note\">" + std::to_string(year) + "年の医療費の情報はありません。</p>\n";
  } else {
    std::string rows;
    for (const ExpenseLine& l : lines) {
      rows +=
          "<tr>" + Td("受診年月", YearMonth(l.month)) +
          Td("医療機関等", FacilityHtml({{l.facility_code, l.facility_name}}, l.facility_code)) +
          Td("区分", l.category) + Td("日数", std::to_string(l.days) + "日") +
          Td("医療費の総額", Yen(l.total_cost_yen), "yen") +
          Td("支払った額", Yen(l.paid_yen), "yen paid") + "</tr>\n";
      total += l.total_cost_yen;
      paid += l.paid_yen;
    }
    main += Table("expenses", std::to_string(year) + "年の医療費（受診年月・医療機関等・区分ごと）",
                  {"受診年月", "医療機関等", "区分", "日数", "医療費の総額", "支払った額"}, rows);
    main += "<p id=\"year-total\" data-paid=\"" + std::to_string(paid) + "\">" +
            std::to_string(year) + "年の合計：医療費の総額 " + Yen(total) +
            "、支払った額 <strong>" + Yen(paid) + "</strong></p>\n";
    main += "<p><a class=\"button\" id=\"csv\" href=\"/portal/expenses.csv?year=" +
            std::to_string(year) +
            "\" download>医療費控除用のファイル（CSV）をダウンロード</a></p>\n";
    main +=
        "<p class=\"note\">CSV は UTF-8（BOM付き）です。Excel でそのまま開けます。"
        "生命保険などで補填される金額は、ご自身で記入してください。</p>\n";
  }
  main += "</section>\n<section aria-labelledby=\"h-year\"><h2 id=\"h-year\">年別の医療費</h2>\n";
  if (by_year.empty()) {
    main += "<p class=\"note\">医療費の情報はありません。</p>\n";
  } else {
    std::string rows;
    for (auto it = by_year.rbegin(); it != by_year.rend(); ++it) {
      rows += "<tr>" + Td("年", std::to_string(it->first) + "年") +
              Td("医療費の総額", Yen(it->second.first), "yen") +
              Td("支払った額", Yen(it->second.second), "yen") + "</tr>\n";
    }
    main += Table("expenses-by-year", "年別の医療費", {"年", "医療費の総額", "支払った額"}, rows);
  }
  return main + "</section>\n";
}

std::string CheckupsMain(store::Store& store, int64_t person_id, std::string& audit) {
  const auto rows = store.Clinical().CheckupsOfPerson(person_id);
  audit = "checkups=" + std::to_string(rows.size());
  std::string main = "<h1>特定健診</h1>\n";
  main +=
      "<p>40歳から74歳の方が受ける特定健康診査の結果です。保険者から届いた結果を、年ごとの推移と"
      "あわせて表示します。</p>\n";
  if (rows.empty()) return main + "<p class=\"note\">特定健診の結果はありません。</p>\n";
  // Charts: each known item with a number, oldest first.
  std::map<std::string, std::vector<CheckupPoint>> series;
  std::map<Date, std::vector<const store::CheckupRecord*>, std::greater<>> by_day;
  for (const store::CheckupRecord& c : rows) {
    by_day[c.examined_on].push_back(&c);
    char* end = nullptr;
    const double v = std::strtod(c.value.c_str(), &end);
    if (!c.value.empty() && end != nullptr && *end == '\0')
      series[c.item_code].push_back({c.examined_on, v});
  }
  main += "<section aria-labelledby=\"h-chart\"><h2 id=\"h-chart\">経年の推移</h2>\n";
  int charts = 0;
  for (const CheckupItem& item : KnownCheckupItems()) {
    auto it = series.find(std::string(item.code));
    if (it == series.end()) continue;
    auto& points = it->second;
    std::sort(points.begin(), points.end(),
              [](const CheckupPoint& a, const CheckupPoint& b) { return a.on < b.on; });
    main += "<figure class=\"chart-box\">" +
            CheckupChartSvg("chart-" + std::string(item.code), std::string(item.name),
                            std::string(item.unit), points, item.guidance_from) +
            "<figcaption>" + HtmlEscape(item.name) + "（" + HtmlEscape(item.unit) +
            "）</figcaption></figure>\n";
    ++charts;
  }
  if (charts == 0) main += "<p class=\"note\">グラフにできる項目はありません。</p>\n";
  main += "</section>\n";
  for (const auto& [day, items] : by_day) {
    std::string body;
    for (const store::CheckupRecord* c : items) {
      const auto item = CheckupItemOf(c->item_code);
      body += "<tr>" +
              Td("項目", item ? HtmlEscape(item->name)
                              : "<small>" + HtmlEscape(c->item_code) + "</small>") +
              Td("結果", HtmlEscape(c->value) + " " + HtmlEscape(c->unit)) + "</tr>\n";
    }
    const std::string id = "checkup-" + day.ToCompact();
    main += "<section aria-labelledby=\"h-" + id + "\"><h2 id=\"h-" + id + "\">" + Jp(day) +
            "の結果</h2>\n" + Table(id, Jp(day) + "の特定健診の結果", {"項目", "結果"}, body) +
            "</section>\n";
  }
  return main;
}

std::string OwnReadsSection(store::Store& store, int64_t person_id) {
  static const std::map<std::string, std::string> kPages = {
      {"portal.medical", "診療・お薬の情報"},
      {"portal.expenses", "医療費"},
      {"portal.expenses.csv", "医療費（CSVのダウンロード）"},
      {"portal.checkups", "特定健診"}};
  std::string rows;
  int count = 0;
  const auto entries = store.AuditOfPerson(person_id);
  for (auto it = entries.rbegin(); it != entries.rend() && count < 50; ++it) {
    if (it->actor != "person") continue;
    auto page = kPages.find(it->action);
    if (page == kPages.end()) continue;
    ++count;
    std::time_t t = 0;
    std::string when = it->at;
    if (ParseTime(it->at, &t)) {
      const std::string c = JstCompactTime(t);
      when = Jp(JstDate(t)) + " " + c.substr(8, 2) + "時" + c.substr(10, 2) + "分";
    }
    rows += "<tr>" + Td("日時", when) + Td("閲覧したページ", page->second) +
            Td("記録番号", "No." + std::to_string(it->seq)) + "</tr>\n";
  }
  std::string out =
      "<section aria-labelledby=\"h-own\"><h2 "
      "id=\"h-own\">あなた自身の閲覧（マイナポータル）</h2>\n"
      "<p>このポータルで、あなたが診療・お薬、医療費、特定健診の情報を見た記録です（新しい50件）。"
      "</p>\n";
  if (rows.empty()) return out + "<p class=\"note\">記録はありません。</p>\n</section>\n";
  return out +
         Table("own-reads", "あなた自身の閲覧（新しい順）", {"日時", "閲覧したページ", "記録番号"},
               rows) +
         "</section>\n";
}

std::optional<int> YearOfQuery(const std::string& target, int fallback) {
  const size_t q = target.find('?');
  if (q == std::string::npos) return fallback;
  const size_t at = target.find("year=", q);
  if (at == std::string::npos) return fallback;
  const std::string v = target.substr(at + 5, 4);
  if (v.size() != 4 || !std::all_of(v.begin(), v.end(), ::isdigit)) return std::nullopt;
  if (at + 9 < target.size() && target[at + 9] != '&') return std::nullopt;
  const int y = std::stoi(v);
  if (y < 2000 || y > fallback) return std::nullopt;
  return y;
}

}  // namespace onshi::service
