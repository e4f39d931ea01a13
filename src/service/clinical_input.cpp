#include "service/clinical_input.hpp"

#include "core/medicine_check.hpp"

namespace onshi::service {
namespace json = boost::json;
namespace {

// Reads the members of one record, collecting what is wrong with them.
class Fields {
 public:
  Fields(const json::object& o, std::string record, int index, std::vector<RecordError>& errors)
      : o_(o), record_(std::move(record)), index_(index), errors_(errors) {}

  void Fail(const std::string& field, const std::string& reason) {
    errors_.push_back({record_, index_, field, reason});
    ok_ = false;
  }
  bool ok() const { return ok_; }

  // A string member; `required` and empty is an error.
  std::string Text(const char* key, bool required = true) {
    const json::value* v = o_.if_contains(key);
    if (v == nullptr || v->is_null()) {
      if (required) Fail(key, "必須です");
      return "";
    }
    if (!v->is_string()) {
      Fail(key, "文字列で指定してください");
      return "";
    }
    std::string s(v->as_string());
    if (required && s.empty()) Fail(key, "必須です");
    return s;
  }

  std::optional<Date> Day(const char* key, std::optional<Date> not_after = std::nullopt) {
    const std::string s = Text(key);
    if (s.empty()) return std::nullopt;
    auto d = Date::ParseIso(s);
    if (!d) {
      Fail(key, "YYYY-MM-DD の日付ではありません: " + s);
      return std::nullopt;
    }
    if (not_after && *d > *not_after) {
      Fail(key, "未来の日付です: " + s);
      return std::nullopt;
    }
    return d;
  }

  // A whole number in [min, max]; absent gives `fallback` unless required.
  std::optional<int64_t> Int(const char* key, int64_t min, int64_t max, bool required = true,
                             int64_t fallback = 0) {
    const json::value* v = o_.if_contains(key);
    if (v == nullptr || v->is_null()) {
      if (required) {
        Fail(key, "必須です");
        return std::nullopt;
      }
      return fallback;
    }
    if (!v->is_int64() && !v->is_uint64()) {
      Fail(key, "整数で指定してください");
      return std::nullopt;
    }
    const int64_t n = v->is_int64() ? v->as_int64() : static_cast<int64_t>(v->as_uint64());
    if (v->is_uint64() && v->as_uint64() > static_cast<uint64_t>(INT64_MAX)) {
      Fail(key, "範囲外です");
      return std::nullopt;
    }
    if (n < min || n > max) {
      Fail(key, std::to_string(min) + "〜" + std::to_string(max) + " の範囲で指定してください");
      return std::nullopt;
    }
    return n;
  }

  bool Bool(const char* key) {
    const json::value* v = o_.if_contains(key);
    if (v == nullptr || v->is_null()) return false;
    if (!v->is_bool()) {
      Fail(key, "true か false で指定してください");
      return false;
    }
    return v->as_bool();
  }

 private:
  const json::object& o_;
  std::string record_;
  int index_;
  std::vector<RecordError>& errors_;
  bool ok_ = true;
};

bool Digits(const std::string& s, size_t min, size_t max) {
  if (s.size() < min || s.size() > max) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// "1", "1.5", "0.25": up to 7 digits, up to 3 decimals, more than zero.
bool IsQuantity(const std::string& s) {
  const size_t dot = s.find('.');
  const std::string whole = s.substr(0, dot);
  const std::string frac = dot == std::string::npos ? "" : s.substr(dot + 1);
  if (!Digits(whole, 1, 7)) return false;
  if (dot != std::string::npos && !Digits(frac, 1, 3)) return false;
  return s.find_first_not_of("0.") != std::string::npos;
}

// The list member `key` as objects; a member that is not a list of objects
// is one error.
std::vector<const json::object*> List(const json::object& body, const char* key,
                                      std::vector<RecordError>& errors, bool required = false) {
  std::vector<const json::object*> out;
  const json::value* v = body.if_contains(key);
  if (v == nullptr || v->is_null()) {
    if (required) errors.push_back({"", -1, key, "必須です"});
    return out;
  }
  if (!v->is_array()) {
    errors.push_back({"", -1, key, "配列で指定してください"});
    return out;
  }
  int i = 0;
  for (const json::value& item : v->as_array()) {
    if (!item.is_object()) {
      errors.push_back({std::string(key) + "[" + std::to_string(i) + "]", i, "",
                        "オブジェクトで指定してください"});
      out.push_back(nullptr);
    } else {
      out.push_back(&item.as_object());
    }
    ++i;
  }
  return out;
}

std::optional<CareSetting> Setting(Fields& f, bool required = true) {
  const std::string s = f.Text("setting", required);
  if (s.empty() && !required) return CareSetting::kOutpatient;
  if (s == "outpatient") return CareSetting::kOutpatient;
  if (s == "inpatient") return CareSetting::kInpatient;
  if (!s.empty()) f.Fail("setting", "outpatient(外来)か inpatient(入院)で指定してください");
  return std::nullopt;
}

}  // namespace

std::string RecordErrorsProblem(const std::vector<RecordError>& errors, const std::string& detail) {
  json::array list;
  for (const RecordError& e : errors) {
    json::object o{{"record", e.record}, {"field", e.field}, {"reason", e.reason}};
    if (e.index >= 0) o["index"] = e.index;
    list.push_back(std::move(o));
  }
  return json::serialize(json::object{{"type", "about:blank"},
                                      {"title", "invalid records"},
                                      {"status", 422},
                                      {"detail", detail},
                                      {"errors", std::move(list)}});
}

std::optional<PatientKeys> ReadPatientKeys(const json::object& o, const std::string& record,
                                           int index, const std::string& fixed_insurer,
                                           std::vector<RecordError>& errors) {
  Fields f(o, record, index, errors);
  PatientKeys k;
  k.insurer_number = fixed_insurer.empty() ? f.Text("insurerNumber") : fixed_insurer;
  if (fixed_insurer.empty() && !k.insurer_number.empty() &&
      !(Digits(k.insurer_number, 6, 6) || Digits(k.insurer_number, 8, 8))) {
    f.Fail("insurerNumber", "保険者番号は6桁または8桁の数字です");
  }
  k.symbol = f.Text("symbol", /*required=*/false);
  k.number = f.Text("number");
  k.branch = f.Text("branch");
  const auto birth = f.Day("birthDate");
  if (!f.ok() || !birth) return std::nullopt;
  k.birth_date = *birth;
  return k;
}

std::optional<int64_t> FindPatient(store::Store& store, const PatientKeys& k,
                                   const std::string& record, int index,
                                   std::vector<RecordError>& errors) {
  const auto member = store.FindMemberId(k.insurer_number, k.symbol, k.number, k.branch);
  const auto q = member ? store.GetQualification(*member) : std::nullopt;
  if (!q || q->birth_date != k.birth_date) {
    errors.push_back({record, index, "",
                      "この保険者番号・記号・番号・枝番・生年月日の被保険者は見つかりません"});
    return std::nullopt;
  }
  return q->person_id;
}

std::optional<int64_t> PatientOfBody(store::Store& store, const json::object& body,
                                     std::vector<RecordError>& errors) {
  const json::value* p = body.if_contains("patient");
  if (p == nullptr || !p->is_object()) {
    errors.push_back(
        {"patient", -1, "", "patient(保険者番号・記号・番号・枝番・生年月日)が必要です"});
    return std::nullopt;
  }
  const auto keys = ReadPatientKeys(p->as_object(), "patient", -1, "", errors);
  if (!keys) return std::nullopt;
  return FindPatient(store, *keys, "patient", -1, errors);
}

store::VisitRecord ReadVisit(const json::object& body, store::ClinicalStore& masters, Date today,
                             std::vector<RecordError>& errors) {
  store::VisitRecord v;
  Fields f(body, "", -1, errors);
  if (auto d = f.Day("date", today)) v.date = *d;
  if (auto s = Setting(f)) v.setting = *s;
  const auto total = f.Int("totalCost", 0, 1'000'000'000);
  const auto paid = f.Int("paid", 0, 1'000'000'000);
  if (total && paid) {
    v.total_cost_yen = *total;
    v.paid_yen = *paid;
    if (*paid > *total) f.Fail("paid", "窓口負担額が総医療費を超えています");
  }
  int i = 0;
  for (const json::object* o : List(body, "medicines", errors)) {
    const int index = i++;
    if (o == nullptr) continue;
    Fields m(*o, "medicines[" + std::to_string(index) + "]", index, errors);
    store::MedicineRecord r;
    const std::string kind = m.Text("kind");
    if (kind == "prescribed") {
      r.kind = store::MedicineKind::kPrescribed;
    } else if (kind == "dispensed") {
      r.kind = store::MedicineKind::kDispensed;
    } else if (!kind.empty()) {
      m.Fail("kind", "prescribed(処方)か dispensed(調剤)で指定してください");
    }
    r.yj_code = m.Text("yjCode");
    if (!r.yj_code.empty()) {
      if (!IsYjCodeShape(r.yj_code)) {
        m.Fail("yjCode", "YJコード(12桁)の形ではありません: " + r.yj_code);
      } else if (!masters.GetDrug(r.yj_code)) {
        m.Fail("yjCode", "医薬品マスタにないYJコードです: " + r.yj_code);
      }
    }
    r.quantity = m.Text("quantity");
    if (!r.quantity.empty() && !IsQuantity(r.quantity)) {
      m.Fail("quantity", "数量は正の数(小数3桁まで)を文字列で指定してください");
    }
    r.unit = m.Text("unit");
    if (auto days = m.Int("days", 1, 365)) r.days = static_cast<int>(*days);
    if (auto start = m.Day("start")) r.start = *start;
    v.medicines.push_back(std::move(r));
  }
  i = 0;
  for (const json::object* o : List(body, "procedures", errors)) {
    const int index = i++;
    if (o == nullptr) continue;
    Fields p(*o, "procedures[" + std::to_string(index) + "]", index, errors);
    store::ProcedureRecord r;
    r.code = p.Text("code");
    if (!r.code.empty()) {
      if (!Digits(r.code, 9, 9)) {
        p.Fail("code", "診療行為コード(9桁)ではありません: " + r.code);
      } else if (!masters.GetProcedure(r.code)) {
        p.Fail("code", "診療行為マスタにないコードです: " + r.code);
      }
    }
    if (auto d = p.Day("date", today)) r.performed_on = *d;
    if (auto n = p.Int("count", 1, 999, /*required=*/false, 1)) r.count = static_cast<int>(*n);
    v.procedures.push_back(std::move(r));
  }
  i = 0;
  for (const json::object* o : List(body, "diagnoses", errors)) {
    const int index = i++;
    if (o == nullptr) continue;
    Fields d(*o, "diagnoses[" + std::to_string(index) + "]", index, errors);
    store::DiagnosisRecord r;
    r.code = d.Text("code");
    if (!r.code.empty()) {
      if (!Digits(r.code, 7, 7)) {
        d.Fail("code", "傷病名コード(7桁)ではありません: " + r.code);
      } else if (!masters.GetDisease(r.code)) {
        d.Fail("code", "傷病名マスタにないコードです: " + r.code);
      }
    }
    if (auto s = d.Day("start", today)) r.start = *s;
    r.suspected = d.Bool("suspected");
    v.diagnoses.push_back(std::move(r));
  }
  return v;
}

std::vector<MedicineCourse> ReadPrescription(const json::object& body,
                                             std::vector<RecordError>& errors) {
  std::vector<MedicineCourse> out;
  int i = 0;
  for (const json::object* o : List(body, "medicines", errors, /*required=*/true)) {
    const int index = i++;
    if (o == nullptr) continue;
    Fields m(*o, "medicines[" + std::to_string(index) + "]", index, errors);
    MedicineCourse c;
    c.yj_code = m.Text("yjCode");
    if (!c.yj_code.empty() && !IsYjCodeShape(c.yj_code)) {
      m.Fail("yjCode", "YJコード(12桁)の形ではありません: " + c.yj_code);
    }
    if (auto days = m.Int("days", 1, 365)) c.days = static_cast<int>(*days);
    if (auto start = m.Day("start")) c.start = *start;
    if (m.ok()) out.push_back(std::move(c));
  }
  return out;
}

std::vector<store::CheckupRecord> ReadCheckups(store::Store& store, const json::object& body,
                                               const std::string& insurer, Date today,
                                               std::vector<RecordError>& errors) {
  std::vector<store::CheckupRecord> out;
  int i = 0;
  for (const json::object* o : List(body, "records", errors, /*required=*/true)) {
    const int index = i++;
    if (o == nullptr) continue;
    const std::string name = "records[" + std::to_string(index) + "]";
    const size_t before = errors.size();
    const auto keys = ReadPatientKeys(*o, name, index, insurer, errors);
    Fields f(*o, name, index, errors);
    store::CheckupRecord r;
    r.insurer_number = insurer;
    if (auto d = f.Day("examinedOn", today)) r.examined_on = *d;
    r.item_code = f.Text("itemCode");
    // The 特定健診 XML's item codes are 17 characters (JLAC10-based).
    if (!r.item_code.empty() && r.item_code.size() != 17) {
      f.Fail("itemCode", "特定健診の項目コードは17桁です: " + r.item_code);
    }
    r.value = f.Text("value");
    r.unit = f.Text("unit", /*required=*/false);
    if (keys) {
      if (auto person = FindPatient(store, *keys, name, index, errors)) r.person_id = *person;
    }
    if (errors.size() == before) out.push_back(std::move(r));
  }
  return out;
}

std::vector<store::ClaimTotalRecord> ReadClaims(store::Store& store, const json::object& body,
                                                const std::string& insurer, Date today,
                                                std::vector<RecordError>& errors) {
  std::vector<store::ClaimTotalRecord> out;
  int i = 0;
  for (const json::object* o : List(body, "records", errors, /*required=*/true)) {
    const int index = i++;
    if (o == nullptr) continue;
    const std::string name = "records[" + std::to_string(index) + "]";
    const size_t before = errors.size();
    const auto keys = ReadPatientKeys(*o, name, index, insurer, errors);
    Fields f(*o, name, index, errors);
    store::ClaimTotalRecord r;
    r.insurer_number = insurer;
    const std::string month = f.Text("month");
    if (!month.empty()) {
      auto d = Date::ParseIso(month + "-01");
      if (!d || month.size() != 7) {
        f.Fail("month", "YYYY-MM で指定してください: " + month);
      } else if (*d > today) {
        f.Fail("month", "未来の月です: " + month);
      } else {
        r.month = *d;
      }
    }
    r.facility_code = f.Text("facility");
    if (!r.facility_code.empty() && !Digits(r.facility_code, 10, 10)) {
      f.Fail("facility", "医療機関コードは10桁の数字です");
    }
    if (auto s = Setting(f)) r.setting = *s;
    const auto total = f.Int("totalCost", 0, 1'000'000'000);
    const auto self = f.Int("selfPay", 0, 1'000'000'000);
    if (total && self) {
      r.total_cost_yen = *total;
      r.self_pay_yen = *self;
      if (*self > *total) f.Fail("selfPay", "自己負担額が総医療費を超えています");
    }
    if (keys) {
      if (auto person = FindPatient(store, *keys, name, index, errors)) r.person_id = *person;
    }
    if (errors.size() == before) out.push_back(std::move(r));
  }
  return out;
}

}  // namespace onshi::service
