#include "service/clinical_files.hpp"

#include <pugixml.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <set>
#include <tuple>
#include <utility>
#include <vector>

#include "core/checkup_items.hpp"
#include "core/medicine_check.hpp"
#include "oqs/charset.hpp"
#include "oqs/kana.hpp"
#include "oqs/xml_writer.hpp"
#include "pdf/clinical_history.hpp"
#include "pdf/form_parts.hpp"
#include "service/clock.hpp"
#include "store/clinical_store.hpp"

namespace onshi::service {
namespace {

// What a facility may read goes back three years (issue 18), as over the API.
constexpr int kHistoryYears = 3;

bool DeclaresShiftJis(std::string_view xml) {
  std::string head(xml.substr(0, std::min<size_t>(xml.size(), 200)));
  for (char& c : head)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::string_view name : {"shift_jis", "shift-jis", "sjis", "windows-31j", "cp932"}) {
    if (head.find(name) != std::string::npos) return true;
  }
  return false;
}

std::string Text(pugi::xml_node parent, const char* name) {
  std::string s = parent.child(name).text().get();
  // Surrounding blanks are the writer's indentation, except the insurer
  // number's left padding, which is trimmed here and compared canonically.
  const size_t a = s.find_first_not_of(" \t\r\n");
  if (a == std::string::npos) return "";
  return s.substr(a, s.find_last_not_of(" \t\r\n") - a + 1);
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<Date> ParseYearMonth(std::string_view s) {
  if (s.size() != 6 || !AllDigits(s)) return std::nullopt;
  return Date::FromYmdChecked(std::stoi(std::string(s.substr(0, 4))),
                              std::stoi(std::string(s.substr(4, 2))), 1);
}

std::string Compact(Date d) {
  return d.ToCompact();
}

// The header every answer starts with.
void Header(oqs::XmlWriter& w, const ClinicalFileRequest& r, std::time_t now,
            std::string_view result_code, std::string_view message) {
  w.Scalar("ProcessExecutionTime", JstCompactTime(now));
  w.Scalar("MedicalInstitutionCode", r.institution);
  w.Scalar("ArbitraryFileIdentifier", r.file_identifier);
  w.Scalar("CharacterCodeIdentifier", r.shift_jis ? "1" : "0");
  w.Scalar("ResultCode", result_code);
  if (!message.empty()) w.Scalar("MessageContents", message);
}

http::Response XmlAnswer(std::string body) {
  return {200, "application/xml", {}, std::move(body)};
}

// An answer without data: ResultCode 2 and the reason.
http::Response Refusal(const ClinicalFileRequest& r, std::time_t now, std::string_view why) {
  oqs::XmlWriter w;
  w.BeginGroup("XmlMsg");
  w.BeginGroup("MessageHeader");
  Header(w, r, now, "2", why);
  w.EndGroup();
  w.BeginGroup("MessageBody");
  w.EndGroup();
  w.EndGroup();
  return XmlAnswer(
      std::move(w).Finish(r.shift_jis ? oqs::Charset::kShiftJis : oqs::Charset::kUtf8));
}

std::string SexCode(const Qualification& q) {
  return std::to_string(static_cast<int>(q.sex));
}

// One group of 処方 (ShPr) or 調剤 (CzDi) courses, by month, then by day and
// facility.
void MedicineBlock(oqs::XmlWriter& w, const std::string& prefix,
                   const std::vector<const store::MedicineRecord*>& list, store::Store& store,
                   store::ClinicalStore& clinical,
                   std::map<std::string, std::string>& facility_names) {
  if (list.empty()) return;
  // month → (date, facility) → courses
  std::map<std::string,
           std::map<std::pair<Date, std::string>, std::vector<const store::MedicineRecord*>>>
      months;
  for (const store::MedicineRecord* m : list) {
    months[Compact(m->visit_date).substr(0, 6)][{m->visit_date, m->facility_code}].push_back(m);
  }
  const std::string inf = prefix + "Inf", month_inf = prefix + "MonthInf",
                    month_tag = prefix + "Month", date_infs = prefix + "DateInfs",
                    date_inf = prefix + "DateInf", date_tag = prefix + "Date",
                    drug_infs = prefix + "DrugInfs", drug_inf = prefix + "DrugInf";
  w.BeginGroup(inf.c_str());
  for (const auto& [month, days] : months) {
    w.BeginGroup(month_inf.c_str());
    w.Scalar(month_tag.c_str(), month);
    w.BeginGroup(date_infs.c_str());
    for (const auto& [key, courses] : days) {
      w.BeginGroup(date_inf.c_str());
      w.Scalar(date_tag.c_str(), Compact(key.first));
      w.Scalar("MedicalInstitutionCode", key.second);
      auto name = facility_names.find(key.second);
      if (name == facility_names.end()) {
        const auto f = store.GetFacility(key.second);
        name = facility_names.emplace(key.second, f ? f->name : "").first;
      }
      w.Scalar("MedicalInstitutionName", name->second);
      w.BeginGroup(drug_infs.c_str());
      for (const store::MedicineRecord* m : courses) {
        w.BeginGroup(drug_inf.c_str());
        w.Scalar("DrugC", m->yj_code);
        const auto d = clinical.GetDrug(m->yj_code);
        w.Scalar("DrugN", d ? d->name : "");
        w.Scalar("Qua1", m->quantity);
        w.Scalar("Unit", m->unit);
        w.Scalar("Times", std::to_string(m->days));
        w.Scalar("StartDate", Compact(m->start));
        w.EndGroup();
      }
      w.EndGroup();
      w.EndGroup();
    }
    w.EndGroup();
    w.EndGroup();
  }
  w.EndGroup();
}

struct Alert {
  std::string classification;  // 1 重複投薬, 2 併用禁忌, 3 併用注意
  const store::MedicineRecord* a;
  const store::MedicineRecord* b;
  int overlap_days;
  std::string message;
};

// At most this many alerts in one answer. Real histories have a handful;
// the bound keeps an answer (and the server's memory) finite when the
// stored courses are pathological — thousands of same-day courses of one
// ingredient at two facilities pair up by the million.
constexpr size_t kMaxAlerts = 100;

// The 重複投薬 and interactions between the courses answered (`meds`
// oldest first), each pair once, the newer course first, the newest
// courses' alerts first; `*truncated` when kMaxAlerts cut the list.
std::vector<Alert> AlertsAmong(const std::vector<store::MedicineRecord>& meds,
                               const InteractionTable& table, bool* truncated) {
  *truncated = false;
  std::vector<MedicineCourse> courses;
  std::map<int64_t, const store::MedicineRecord*> by_id;
  for (const store::MedicineRecord& m : meds) {
    courses.push_back(m.Course());
    by_id[m.medicine_id] = &m;
  }
  std::set<std::pair<int64_t, int64_t>> seen;
  std::vector<Alert> out;
  auto pair_of = [](int64_t x, int64_t y) {
    return std::make_pair(std::min(x, y), std::max(x, y));
  };
  auto full = [&] {
    if (out.size() < kMaxAlerts) return false;
    *truncated = true;
    return true;
  };
  for (auto it = courses.rbegin(); it != courses.rend(); ++it) {
    const MedicineCourse& c = *it;
    for (const DuplicateFinding& d : FindDuplicates(c, courses)) {
      if (!seen.insert(pair_of(c.id, d.other.id)).second) continue;
      if (full()) return out;
      out.push_back({"1", by_id.at(c.id), by_id.at(d.other.id), d.overlap_days,
                     "同一成分の薬が複数の医療機関から処方・調剤されており、服用期間が重なります"});
    }
    for (const InteractionFinding& f : FindInteractions(c, courses, table)) {
      if (!seen.insert(pair_of(c.id, f.other.id)).second) continue;
      if (full()) return out;
      const bool banned = f.interaction->severity == InteractionSeverity::kContraindicated;
      out.push_back({banned ? "2" : "3", by_id.at(c.id), by_id.at(f.other.id),
                     OverlapDays(c, f.other), f.interaction->message});
    }
  }
  return out;
}

// A numeric result ("5.9"), or nullopt for a text one ("陰性").
std::optional<double> NumberOf(const std::string& value) {
  if (value.empty()) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(value.c_str(), &end);
  if (end == nullptr || *end != '\0') return std::nullopt;
  return v;
}

std::string FacilityName(const std::string& code, store::Store& store,
                         std::map<std::string, std::string>& names) {
  auto name = names.find(code);
  if (name == names.end()) {
    const auto f = store.GetFacility(code);
    name = names.emplace(code, f ? f->name : "").first;
  }
  return name->second;
}

// Who the PDF is about, as the XML answer's QuaInf names them.
struct PdfPerson {
  std::string name, name_kana;
  Date birth_date;
  Sex sex;
};

pdf::HistoryHeader PdfHeader(const PdfPerson& p, const std::string& facility, std::time_t now,
                             store::Store& store, std::map<std::string, std::string>& names) {
  pdf::HistoryHeader h;
  h.name = p.name;
  h.name_kana = p.name_kana;
  h.birth_date = p.birth_date;
  h.sex = p.sex;
  const std::string t = JstCompactTime(now);  // yyyyMMddHHmmss
  h.issued_at = pdf::Wareki(JstDate(now)) + " " + t.substr(8, 2) + "時" + t.substr(10, 2) + "分";
  const std::string name = FacilityName(facility, store, names);
  h.facility = (name.empty() ? std::string() : name + "（") + facility + (name.empty() ? "" : "）");
  return h;
}

std::string Render(const std::vector<pdf::Page>& pages, int* count) {
  pdf::PdfWriter writer;
  for (const pdf::Page& page : pages)
    writer.Add(page);
  *count = writer.pages();
  return writer.Finish();
}

pdf::MedicineLine LineOf(const store::MedicineRecord& m, store::Store& store,
                         store::ClinicalStore& clinical,
                         std::map<std::string, std::string>& names) {
  pdf::MedicineLine l;
  l.date = m.visit_date;
  l.kind = m.kind == store::MedicineKind::kDispensed ? "調剤" : "処方";
  l.facility = FacilityName(m.facility_code, store, names);
  l.facility_code = m.facility_code;
  if (const auto d = clinical.GetDrug(m.yj_code)) l.drug_name = d->name;
  l.yj_code = m.yj_code;
  l.quantity = m.quantity;
  l.unit = m.unit;
  l.days = m.days;
  return l;
}

// The 薬剤情報 PDF: the courses newest first, the alerts in a box above.
std::string DrugHistoryPdf(const PdfPerson& who, const std::string& facility, std::time_t now,
                           Date since, Date until, const std::vector<store::MedicineRecord>& meds,
                           const std::vector<Alert>& alerts, bool alerts_truncated,
                           store::Store& store, std::map<std::string, std::string>& names,
                           int* pages) {
  store::ClinicalStore& clinical = store.Clinical();
  pdf::DrugHistoryFields f;
  f.header = PdfHeader(who, facility, now, store, names);
  f.header.period = pdf::SlashDate(since) + " 〜 " + pdf::SlashDate(until);
  f.alerts_truncated = alerts_truncated;
  for (auto m = meds.rbegin(); m != meds.rend(); ++m)  // meds are oldest first
    f.lines.push_back(LineOf(*m, store, clinical, names));
  for (const Alert& a : alerts) {
    pdf::DrugAlertLine l;
    l.label = a.classification == "1"   ? "重複投薬"
              : a.classification == "2" ? "併用禁忌"
                                        : "併用注意";
    // The newer course first; "相手" is the other, earlier prescription.
    const bool a_newer =
        std::tie(a.a->visit_date, a.a->medicine_id) > std::tie(a.b->visit_date, a.b->medicine_id);
    l.course = LineOf(a_newer ? *a.a : *a.b, store, clinical, names);
    l.other = LineOf(a_newer ? *a.b : *a.a, store, clinical, names);
    l.overlap_days = a.overlap_days;
    l.message = a.message;
    f.alerts.push_back(std::move(l));
  }
  return Render(pdf::DrugHistory(f), pages);
}

// The 特定健診情報 PDF: each examination, newest first, with its items and
// their 保健指導判定値.
std::string CheckupHistoryPdf(const PdfPerson& who, const std::string& facility, std::time_t now,
                              const std::vector<store::CheckupRecord>& rows, store::Store& store,
                              std::map<std::string, std::string>& names, int* pages) {
  pdf::CheckupHistoryFields f;
  f.header = PdfHeader(who, facility, now, store, names);
  std::map<Date, std::vector<const store::CheckupRecord*>, std::greater<>> by_day;
  for (const store::CheckupRecord& c : rows)
    by_day[c.examined_on].push_back(&c);
  for (const auto& [day, items] : by_day) {
    pdf::CheckupExam e;
    e.examined_on = day;
    for (const store::CheckupRecord* c : items) {
      pdf::CheckupLine l;
      l.code = c->item_code;
      l.value = c->value;
      l.unit = c->unit;
      const auto item = CheckupItemOf(c->item_code);
      l.name = item ? std::string(item->name) : c->item_code;
      if (item && item->guidance_from > 0) {
        char bound[32];
        std::snprintf(bound, sizeof bound, "%g", item->guidance_from);
        l.reference = std::string(bound) + (item->low_is_finding ? " 未満" : " 以上");
        if (const auto v = NumberOf(c->value)) {
          l.finding = item->low_is_finding ? *v < item->guidance_from : *v >= item->guidance_from;
        }
      }
      e.items.push_back(std::move(l));
    }
    f.exams.push_back(std::move(e));
  }
  return Render(pdf::CheckupHistory(f), pages);
}

}  // namespace

Expected<ClinicalFileRequest> ParseClinicalFileRequest(std::string_view bytes,
                                                       ClinicalFileKind kind) {
  ClinicalFileRequest r;
  r.kind = kind;
  r.shift_jis = DeclaresShiftJis(bytes);
  std::string text;
  if (r.shift_jis) {
    auto utf8 = oqs::Cp932ToUtf8(bytes);
    if (!utf8) return Error{"encoding", "Shift_JIS として読めない文字があります"};
    text = std::move(*utf8);
  } else {
    text = std::string(bytes);
    if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
  }
  pugi::xml_document doc;
  // The encoding is settled above; pugixml reads the UTF-8 text as it is.
  if (!doc.load_buffer(text.data(), text.size(), pugi::parse_default, pugi::encoding_utf8)) {
    return Error{"xml", "要求ファイルを XML として読めません"};
  }
  const pugi::xml_node msg = doc.child("XmlMsg");
  const pugi::xml_node header = msg.child("MessageHeader");
  const pugi::xml_node body = msg.child("MessageBody");
  if (!msg || !header || !body) {
    return Error{"xml", "XmlMsg／MessageHeader／MessageBody がありません"};
  }
  r.institution = Text(header, "MedicalInstitutionCode");
  r.insurer_number = Text(header, "InsurerNumber");
  r.symbol = Text(header, "InsuranceCardSymbol");
  r.number = Text(header, "InsuredPersonIdentificationNumber");
  r.branch = Text(header, "BranchNumber");
  r.file_identifier = Text(header, "ArbitraryFileIdentifier");
  r.file_category = Text(body, "FileCategory");
  r.treatment_flag = Text(body, "MedicalTreatmentFlag");
  if (r.institution.size() != 10 || !AllDigits(r.institution))
    return Error{"MedicalInstitutionCode", "医療機関コード（10桁）が正しくありません"};
  if (!AllDigits(r.insurer_number) ||
      (r.insurer_number.size() != 6 && r.insurer_number.size() != 8))
    return Error{"InsurerNumber", "保険者番号（6桁または8桁）が正しくありません"};
  if (r.number.empty() || r.number.size() > 20)
    return Error{"InsuredPersonIdentificationNumber", "被保険者番号（20文字以内）が必要です"};
  if (r.symbol.size() > 20 * 3)  // 20 characters of up to 3 UTF-8 bytes
    return Error{"InsuranceCardSymbol", "記号は20文字以内です"};
  if (!r.branch.empty() && (r.branch.size() != 2 || !AllDigits(r.branch)))
    return Error{"BranchNumber", "枝番は2桁の数字です"};
  if (r.file_identifier.size() > 50)
    return Error{"ArbitraryFileIdentifier", "ArbitraryFileIdentifier は50文字以内です"};
  if (r.file_category != "1" && r.file_category != "2")
    return Error{"FileCategory", "FileCategory は 1（PDF）か 2（XML）です"};
  if (!r.treatment_flag.empty() && r.treatment_flag != "1" && r.treatment_flag != "2" &&
      r.treatment_flag != "3")
    return Error{"MedicalTreatmentFlag", "MedicalTreatmentFlag は 1・2・3 のいずれかです"};
  if (kind == ClinicalFileKind::kDrugs) {
    const std::string start = Text(body, "StartDate"), end = Text(body, "EndDate");
    r.start_month = ParseYearMonth(start);
    r.end_month = ParseYearMonth(end);
    if (!r.start_month || !r.end_month)
      return Error{"StartDate", "StartDate・EndDate は yyyyMM で指定してください"};
    if (*r.end_month < *r.start_month) return Error{"EndDate", "EndDate が StartDate より前です"};
  }
  return r;
}

http::Response AnswerClinicalFile(ClinicalFileKind kind, std::string_view body,
                                  const std::string& facility, std::time_t now, store::Store& store,
                                  AuditWriter& audit) {
  const std::string now_iso = UtcIsoTime(now);
  const Date today = JstDate(now);
  const char* what = kind == ClinicalFileKind::kDrugs ? "drugfile" : "checkupfile";
  auto log = [&](const std::string& action, int64_t person, std::string detail) {
    audit.Append({0, now_iso, "facility:" + facility,
                  std::string("clinical.") + what + "." + action, person, std::move(detail), "",
                  ""});
  };
  auto parsed = ParseClinicalFileRequest(body, kind);
  if (!parsed.ok()) {
    // Not even the identifiers to echo may be readable: echo what there is.
    ClinicalFileRequest blank;
    blank.kind = kind;
    blank.shift_jis = DeclaresShiftJis(body);
    blank.institution = facility;
    log("refused", 0, "bad request " + parsed.error().field);
    return Refusal(blank, now, "要求ファイルに誤りがあります：" + parsed.error().message);
  }
  const ClinicalFileRequest& r = *parsed;
  if (r.institution != facility) {
    log("refused", 0, "institution " + r.institution + " is not the caller");
    return Refusal(r, now, "MedicalInstitutionCode が、この端末の医療機関コードと一致しません");
  }
  const auto member =
      store.FindMemberId(r.insurer_number, r.symbol, r.number, r.branch.empty() ? "00" : r.branch);
  auto q = member ? store.GetQualification(*member) : std::nullopt;
  if (!q || !q->VisibleOn(today)) {
    log("refused", 0, "no such member");
    return Refusal(r, now, "この保険者番号・記号・番号・枝番の被保険者は見つかりません");
  }
  const int64_t person = q->person_id;
  store::ClinicalStore& clinical = store.Clinical();
  const store::ConsentKind needed = kind == ClinicalFileKind::kDrugs
                                        ? store::ConsentKind::kPharmacists
                                        : store::ConsentKind::kCheckups;
  const auto consent = clinical.ConsentInForce(person, facility, needed, now_iso);
  if (!consent) {
    log("refused", person,
        "no consent " + std::string(store::ConsentKindName(needed)) + " in force");
    return Refusal(r, now,
                   std::string("この患者の") +
                       (kind == ClinicalFileKind::kDrugs ? "薬剤情報" : "特定健診情報") +
                       "を閲覧する同意がないか、同意の有効期限が切れています。"
                       "カードリーダーで患者本人の同意を得てください。");
  }
  const std::string relied = "consent=" + std::to_string(consent->consent_id) +
                             " kind=" + std::string(store::ConsentKindName(needed)) +
                             " until=" + consent->available_until + " via=terminal-file";
  const MemberAttributes& who = q->AttributesOn(today);
  // The data, the same whatever the format asked.
  std::vector<store::MedicineRecord> meds;
  std::vector<Alert> alerts;
  bool alerts_truncated = false;
  std::vector<store::CheckupRecord> rows;
  std::string detail = relied;
  Date since, until;
  if (kind == ClinicalFileKind::kDrugs) {
    // The months asked, within the three years a facility may read.
    since = std::max(*r.start_month, today.AddYears(-kHistoryYears));
    until = r.end_month->LastDayOfMonth();
    for (store::MedicineRecord& m : clinical.MedicinesOfPerson(person, since)) {
      if (m.start <= until) meds.push_back(std::move(m));
    }
    std::sort(meds.begin(), meds.end(), [](const auto& a, const auto& b) {
      return std::tie(a.visit_date, a.medicine_id) < std::tie(b.visit_date, b.medicine_id);
    });
    alerts = AlertsAmong(meds, clinical.Interactions(), &alerts_truncated);
    detail += " since=" + since.ToIso() + " until=" + until.ToIso() +
              " count=" + std::to_string(meds.size()) + " alerts=" + std::to_string(alerts.size()) +
              (alerts_truncated ? "+" : "");
  } else {
    rows = clinical.CheckupsOfPerson(person);
    detail += " count=" + std::to_string(rows.size());
  }
  std::map<std::string, std::string> names;  // facility code → name

  if (r.file_category == "1") {
    // PDF (§6.6: "the result is a .pdf"): the same data, laid out for
    // printing; the terminal publishes it as `…res_….pdf`.
    const PdfPerson person_fields{who.name, who.name_kana, q->birth_date, q->sex};
    std::string pdf;
    int pages = 0;
    if (kind == ClinicalFileKind::kDrugs) {
      pdf = DrugHistoryPdf(person_fields, facility, now, since, until, meds, alerts,
                           alerts_truncated, store, names, &pages);
    } else {
      pdf = CheckupHistoryPdf(person_fields, facility, now, rows, store, names, &pages);
    }
    log("read", person, detail + " format=pdf pages=" + std::to_string(pages));
    return {200, "application/pdf", {}, std::move(pdf)};
  }

  oqs::XmlWriter w;
  w.BeginGroup("XmlMsg");
  w.BeginGroup("MessageHeader");
  Header(w, r, now, "1", "");
  if (kind == ClinicalFileKind::kDrugs) {
    w.BeginGroup("QuaInf");
    w.Scalar("Name", who.name);
    w.Scalar("KanaName", oqs::ToHalfWidthKana(who.name_kana));
    w.Scalar("Birth", q->birth_date.ToCompact());
    w.Scalar("AdmGendCode", SexCode(*q));
    w.EndGroup();
  } else {
    w.BeginGroup("QualificationsInfo");
    w.Scalar("Name", who.name);
    w.Scalar("KanasName", oqs::ToHalfWidthKana(who.name_kana));
    w.Scalar("Birthday", q->birth_date.ToCompact());
    w.Scalar("AdministrativeGenderCode", SexCode(*q));
    w.EndGroup();
  }
  w.EndGroup();
  w.BeginGroup("MessageBody");
  if (kind == ClinicalFileKind::kDrugs) {
    std::vector<const store::MedicineRecord*> prescribed, dispensed;
    for (const store::MedicineRecord& m : meds) {
      (m.kind == store::MedicineKind::kDispensed ? dispensed : prescribed).push_back(&m);
    }
    MedicineBlock(w, "ShPr", prescribed, store, clinical, names);
    MedicineBlock(w, "CzDi", dispensed, store, clinical, names);
    if (!alerts.empty()) {
      w.BeginGroup("DrugAlertInfs");
      for (const Alert& a : alerts) {
        w.BeginGroup("DrugAlertInf");
        w.Scalar("AlertClassification", a.classification);
        w.Scalar("DrugC", a.a->yj_code);
        const auto da = clinical.GetDrug(a.a->yj_code);
        w.Scalar("DrugN", da ? da->name : "");
        w.Scalar("MedicalInstitutionCode", a.a->facility_code);
        w.Scalar("OtherDrugC", a.b->yj_code);
        const auto db = clinical.GetDrug(a.b->yj_code);
        w.Scalar("OtherDrugN", db ? db->name : "");
        w.Scalar("OtherMedicalInstitutionCode", a.b->facility_code);
        w.Scalar("OverlapDays", std::to_string(a.overlap_days));
        w.Scalar("AlertMessage", a.message);
        w.EndGroup();
      }
      w.EndGroup();
    }
  } else {
    std::map<Date, std::vector<const store::CheckupRecord*>> by_day;
    for (const store::CheckupRecord& c : rows)
      by_day[c.examined_on].push_back(&c);
    for (const auto& [day, items] : by_day) {
      w.BeginGroup("SpecificHealthCheckupInfo");
      w.Scalar("EffectiveTime", day.ToCompact());
      w.BeginGroup("HealthCheckupResultAndQuestionInfos");
      for (const store::CheckupRecord* c : items) {
        w.BeginGroup("HealthCheckupResultAndQuestionInfo");
        w.Scalar("ItemCode", c->item_code);
        const auto item = CheckupItemOf(c->item_code);
        w.Scalar("ItemName", item ? item->name : "");
        const std::optional<double> number = NumberOf(c->value);
        w.Scalar("DataType", number ? "PQ" : "ST");
        w.Scalar("DataValue", number ? c->value : "");
        w.Scalar("DataValueName", number ? "" : c->value);
        w.Scalar("Unit", c->unit);
        // The code system of the item codes (the MHLW standard form's).
        w.Scalar("Oid", "1.2.392.200119.6.1005");
        w.EndGroup();
      }
      w.EndGroup();
      w.EndGroup();
    }
  }
  w.EndGroup();
  w.EndGroup();
  log("read", person, detail);
  return XmlAnswer(
      std::move(w).Finish(r.shift_jis ? oqs::Charset::kShiftJis : oqs::Charset::kUtf8));
}

}  // namespace onshi::service
