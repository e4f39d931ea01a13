// 薬剤情報 and 特定健診情報 as the PDF a facility's terminal publishes for a
// `YZKsiquc01req_` / `TKKsiquc01req_` request with FileCategory 1
// (terminal-protocol.md §6.6; issue 18): A4, Japanese, the patient's name,
// kana, birth date and sex at the top of every page with the issue time and
// the facility it was made for, then the data as a table whose column
// headers repeat on every page, and "n / m" at the foot.
//
// What it holds is what the XML answer holds (service/clinical_files.hpp),
// no more: no My Number (R-CARD-7) and no insurance keys — the XML answer
// carries neither, and the facility already has the keys it asked with.
// The caller orders the lines (newest first); the layout only paginates.
#ifndef ONSHI_PDF_CLINICAL_HISTORY_HPP_
#define ONSHI_PDF_CLINICAL_HISTORY_HPP_

#include <string>
#include <vector>

#include "core/date.hpp"
#include "core/membership.hpp"
#include "pdf/page.hpp"

namespace onshi::pdf {

// The top of every page.
struct HistoryHeader {
  std::string name, name_kana;  // as in QuaInf / QualificationsInfo
  Date birth_date;
  Sex sex = Sex::kUnset;
  std::string issued_at;  // 令和8年11月23日 10時00分 (JST)
  std::string facility;   // the facility it was made for: name and code
  std::string period;     // 対象期間, "" for none (YZK: the months asked)
};

// One course: a 処方 (prescription) or 調剤 (dispensing).
struct MedicineLine {
  Date date;                  // 処方日 / 調剤日 (the visit)
  std::string kind;           // 処方, 調剤
  std::string facility;       // 医療機関・薬局の名称
  std::string facility_code;  // 10 digits
  std::string drug_name;      // "" when the master does not know the code
  std::string yj_code;        // 薬価基準収載医薬品コード
  std::string quantity, unit;
  int days = 0;  // 投与日数
};

// A 重複投薬 or 併用禁忌/注意 between two courses of the history, both named:
// the PDF is made only under the patient's consent at the facility, which is
// what naming the other prescription needs (R-FAC-4).
struct DrugAlertLine {
  std::string label;    // 重複投薬, 併用禁忌, 併用注意
  MedicineLine course;  // the newer course
  MedicineLine other;   // the other prescription or dispensing
  int overlap_days = 0;
  std::string message;
};

struct DrugHistoryFields {
  HistoryHeader header;
  std::vector<DrugAlertLine> alerts;  // in a box above the table, newest first
  bool alerts_truncated = false;      // more exist than `alerts` holds
  std::vector<MedicineLine> lines;    // newest first
};
std::vector<Page> DrugHistory(const DrugHistoryFields& fields);

// One 特定健診 item as examined.
struct CheckupLine {
  std::string name;   // ItemName, or the code when unknown
  std::string code;   // 17 characters
  std::string value;  // as reported ("5.9", "陰性")
  std::string unit;
  std::string reference;  // 保健指導判定値 ("5.6 以上", "40 未満"), "" for none
  bool finding = false;   // the value is at or beyond the 判定値 (marked ＊)
};
struct CheckupExam {
  Date examined_on;
  std::vector<CheckupLine> items;
};
struct CheckupHistoryFields {
  HistoryHeader header;
  std::vector<CheckupExam> exams;  // newest first
};
std::vector<Page> CheckupHistory(const CheckupHistoryFields& fields);

// 2026/11/23, as the tables print dates.
std::string SlashDate(Date date);

}  // namespace onshi::pdf

#endif  // ONSHI_PDF_CLINICAL_HISTORY_HPP_
