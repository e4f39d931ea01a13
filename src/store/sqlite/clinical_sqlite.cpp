#include "store/sqlite/clinical_sqlite.hpp"

#include <map>
#include <string>

namespace onshi::store::sqlite {
namespace {

std::string_view SettingName(CareSetting s) {
  return s == CareSetting::kInpatient ? "inpatient" : "outpatient";
}
CareSetting ParseSetting(const std::string& s) {
  return s == "inpatient" ? CareSetting::kInpatient : CareSetting::kOutpatient;
}
std::string_view MedicineKindName(MedicineKind k) {
  return k == MedicineKind::kDispensed ? "dispensed" : "prescribed";
}

constexpr const char* kConsentColumns =
    "consent_id, person_id, facility_code, kind, flag, given_at, available_until";
constexpr const char* kMedicineColumns =
    "m.medicine_id, m.visit_id, m.person_id, m.facility_code, v.visit_date, m.kind, m.yj_code, "
    "m.quantity, m.unit, m.days, m.start_on";

class SqliteClinicalStore final : public ClinicalStore {
 public:
  SqliteClinicalStore(Db& db, Store& owner) : db_(db), owner_(owner) {}

  int64_t AddConsent(const ConsentRecord& c) override {
    int64_t id = 0;
    owner_.InTransaction([&] {
      Statement& s = Stmt("add_consent",
                          "INSERT INTO consents (person_id, facility_code, kind, flag, given_at, "
                          "available_until) VALUES (?,?,?,?,?,?)");
      s.Bind(1, c.person_id).Bind(2, c.facility_code).Bind(3, ConsentKindName(c.kind));
      s.Bind(4, c.flag).Bind(5, c.given_at).Bind(6, c.available_until);
      Run(s, "consent rejected (unknown person or facility, or a bad flag)");
      id = db_.LastInsertId();
    });
    return id;
  }

  std::optional<ConsentRecord> ConsentInForce(int64_t person_id, std::string_view facility,
                                              ConsentKind kind, std::string_view now) override {
    // The person's latest choice of this kind at this facility decides: a
    // refusal given after a consent withdraws it (R-FAC-4).
    Statement& s = Stmt("consent_in_force", std::string("SELECT ") + kConsentColumns +
                                                " FROM consents WHERE person_id = ? AND "
                                                "facility_code = ? AND kind = ? AND given_at <= ? "
                                                "ORDER BY given_at DESC, consent_id DESC LIMIT 1");
    s.Bind(1, person_id).Bind(2, facility).Bind(3, ConsentKindName(kind)).Bind(4, now);
    auto rows = ReadConsents(s);
    if (rows.empty() || rows.front().flag != "1" || rows.front().available_until <= now)
      return std::nullopt;
    return rows.front();
  }

  std::vector<ConsentRecord> ConsentsOfPerson(int64_t person_id) override {
    Statement& s = Stmt("consents_of_person", std::string("SELECT ") + kConsentColumns +
                                                  " FROM consents WHERE person_id = ? "
                                                  "ORDER BY given_at, consent_id");
    s.Bind(1, person_id);
    return ReadConsents(s);
  }

  int64_t AddVisit(VisitRecord& v) override {
    owner_.InTransaction([&] {
      Statement& s = Stmt("add_visit",
                          "INSERT INTO visits (person_id, facility_code, visit_date, setting, "
                          "total_cost_yen, paid_yen, recorded_at) VALUES (?,?,?,?,?,?,?)");
      s.Bind(1, v.person_id)
          .Bind(2, v.facility_code)
          .Bind(3, v.date)
          .Bind(4, SettingName(v.setting));
      s.Bind(5, v.total_cost_yen).Bind(6, v.paid_yen).Bind(7, v.recorded_at);
      Run(s, "visit rejected (unknown person or facility, or a negative amount)");
      v.visit_id = db_.LastInsertId();
      for (MedicineRecord& m : v.medicines) {
        Statement& q = Stmt("add_medicine",
                            "INSERT INTO visit_medicines (visit_id, person_id, facility_code, "
                            "kind, yj_code, quantity, unit, days, start_on, last_on) "
                            "VALUES (?,?,?,?,?,?,?,?,?,?)");
        q.Bind(1, v.visit_id).Bind(2, v.person_id).Bind(3, v.facility_code);
        q.Bind(4, MedicineKindName(m.kind)).Bind(5, m.yj_code).Bind(6, m.quantity).Bind(7, m.unit);
        q.Bind(8, m.days).Bind(9, m.start).Bind(10, m.start.AddDays(m.days - 1));
        Run(q, "medicine rejected");
        m.medicine_id = db_.LastInsertId();
        m.visit_id = v.visit_id;
        m.person_id = v.person_id;
        m.facility_code = v.facility_code;
        m.visit_date = v.date;
      }
      for (ProcedureRecord& p : v.procedures) {
        Statement& q = Stmt("add_procedure",
                            "INSERT INTO visit_procedures (visit_id, person_id, facility_code, "
                            "code, performed_on, count) VALUES (?,?,?,?,?,?)");
        q.Bind(1, v.visit_id).Bind(2, v.person_id).Bind(3, v.facility_code).Bind(4, p.code);
        q.Bind(5, p.performed_on).Bind(6, p.count);
        Run(q, "procedure rejected");
        p.procedure_id = db_.LastInsertId();
        p.visit_id = v.visit_id;
        p.person_id = v.person_id;
        p.facility_code = v.facility_code;
      }
      for (DiagnosisRecord& d : v.diagnoses) {
        Statement& q = Stmt("add_diagnosis",
                            "INSERT INTO visit_diagnoses (visit_id, person_id, facility_code, "
                            "code, start_on, suspected) VALUES (?,?,?,?,?,?)");
        q.Bind(1, v.visit_id).Bind(2, v.person_id).Bind(3, v.facility_code).Bind(4, d.code);
        q.Bind(5, d.start).Bind(6, d.suspected ? 1 : 0);
        Run(q, "diagnosis rejected");
        d.diagnosis_id = db_.LastInsertId();
        d.visit_id = v.visit_id;
        d.person_id = v.person_id;
        d.facility_code = v.facility_code;
      }
    });
    return v.visit_id;
  }

  std::vector<VisitRecord> VisitsOfPerson(int64_t person_id, std::string_view facility, Date from,
                                          Date to) override {
    Statement& s = Stmt("visits_of_person",
                        "SELECT visit_id, person_id, facility_code, visit_date, setting, "
                        "total_cost_yen, paid_yen, recorded_at FROM visits WHERE person_id = ? "
                        "AND (? = '' OR facility_code = ?) AND visit_date BETWEEN ? AND ? "
                        "ORDER BY visit_date, visit_id");
    s.Bind(1, person_id).Bind(2, facility).Bind(3, facility).Bind(4, from).Bind(5, to);
    std::vector<VisitRecord> out;
    while (s.Step()) {
      VisitRecord v;
      v.visit_id = s.Int(0);
      v.person_id = s.Int(1);
      v.facility_code = s.Text(2);
      v.date = s.DateAt(3);
      v.setting = ParseSetting(s.Text(4));
      v.total_cost_yen = s.Int(5);
      v.paid_yen = s.Int(6);
      v.recorded_at = s.Text(7);
      out.push_back(std::move(v));
    }
    s.Reset();
    return out;
  }

  std::vector<MedicineRecord> MedicinesOfPerson(int64_t person_id, Date since) override {
    Statement& s = Stmt("medicines_of_person",
                        std::string("SELECT ") + kMedicineColumns +
                            " FROM visit_medicines m JOIN visits v ON v.visit_id = m.visit_id "
                            "WHERE m.person_id = ? AND m.last_on >= ? "
                            "ORDER BY m.start_on DESC, m.medicine_id DESC");
    s.Bind(1, person_id).Bind(2, since);
    std::vector<MedicineRecord> out;
    while (s.Step()) {
      MedicineRecord m;
      m.medicine_id = s.Int(0);
      m.visit_id = s.Int(1);
      m.person_id = s.Int(2);
      m.facility_code = s.Text(3);
      m.visit_date = s.DateAt(4);
      m.kind = s.Text(5) == "dispensed" ? MedicineKind::kDispensed : MedicineKind::kPrescribed;
      m.yj_code = s.Text(6);
      m.quantity = s.Text(7);
      m.unit = s.Text(8);
      m.days = static_cast<int>(s.Int(9));
      m.start = s.DateAt(10);
      out.push_back(std::move(m));
    }
    s.Reset();
    return out;
  }

  std::vector<ProcedureRecord> ProceduresOfPerson(int64_t person_id, Date since) override {
    Statement& s = Stmt("procedures_of_person",
                        "SELECT procedure_id, visit_id, person_id, facility_code, code, "
                        "performed_on, count FROM visit_procedures WHERE person_id = ? AND "
                        "performed_on >= ? ORDER BY performed_on DESC, procedure_id DESC");
    s.Bind(1, person_id).Bind(2, since);
    std::vector<ProcedureRecord> out;
    while (s.Step()) {
      out.push_back({s.Int(0), s.Int(1), s.Int(2), s.Text(3), s.Text(4), s.DateAt(5),
                     static_cast<int>(s.Int(6))});
    }
    s.Reset();
    return out;
  }

  std::vector<DiagnosisRecord> DiagnosesOfPerson(int64_t person_id, Date since) override {
    Statement& s = Stmt("diagnoses_of_person",
                        "SELECT diagnosis_id, visit_id, person_id, facility_code, code, start_on, "
                        "suspected FROM visit_diagnoses WHERE person_id = ? AND start_on >= ? "
                        "ORDER BY start_on DESC, diagnosis_id DESC");
    s.Bind(1, person_id).Bind(2, since);
    std::vector<DiagnosisRecord> out;
    while (s.Step()) {
      out.push_back(
          {s.Int(0), s.Int(1), s.Int(2), s.Text(3), s.Text(4), s.DateAt(5), s.Int(6) != 0});
    }
    s.Reset();
    return out;
  }

  int64_t AddCheckup(const CheckupRecord& c) override {
    int64_t id = 0;
    owner_.InTransaction([&] {
      Statement& s = Stmt("add_checkup",
                          "INSERT INTO checkups (person_id, insurer_number, examined_on, "
                          "item_code, value, unit) VALUES (?,?,?,?,?,?)");
      s.Bind(1, c.person_id).Bind(2, c.insurer_number).Bind(3, c.examined_on);
      s.Bind(4, c.item_code).Bind(5, c.value).Bind(6, c.unit);
      Run(s, "checkup rejected (unknown person or insurer)");
      id = db_.LastInsertId();
    });
    return id;
  }

  std::vector<CheckupRecord> CheckupsOfPerson(int64_t person_id) override {
    Statement& s = Stmt("checkups_of_person",
                        "SELECT checkup_id, person_id, insurer_number, examined_on, item_code, "
                        "value, unit FROM checkups WHERE person_id = ? "
                        "ORDER BY examined_on DESC, checkup_id");
    s.Bind(1, person_id);
    std::vector<CheckupRecord> out;
    while (s.Step()) {
      out.push_back({s.Int(0), s.Int(1), s.Text(2), s.DateAt(3), s.Text(4), s.Text(5), s.Text(6)});
    }
    s.Reset();
    return out;
  }

  int64_t AddClaimTotal(const ClaimTotalRecord& c) override {
    int64_t id = 0;
    owner_.InTransaction([&] {
      Statement& s = Stmt("add_claim",
                          "INSERT INTO claim_totals (person_id, insurer_number, facility_code, "
                          "month, setting, total_cost_yen, self_pay_yen) VALUES (?,?,?,?,?,?,?)");
      s.Bind(1, c.person_id).Bind(2, c.insurer_number).Bind(3, c.facility_code);
      s.Bind(4, c.month).Bind(5, SettingName(c.setting)).Bind(6, c.total_cost_yen);
      s.Bind(7, c.self_pay_yen);
      Run(s, "claim total rejected (already filed for that month, or unknown person)");
      id = db_.LastInsertId();
    });
    return id;
  }

  std::vector<ClaimTotalRecord> ClaimTotalsOfPerson(int64_t person_id) override {
    Statement& s = Stmt("claims_of_person",
                        "SELECT claim_id, person_id, insurer_number, facility_code, month, "
                        "setting, total_cost_yen, self_pay_yen FROM claim_totals "
                        "WHERE person_id = ? ORDER BY month, claim_id");
    s.Bind(1, person_id);
    std::vector<ClaimTotalRecord> out;
    while (s.Step()) {
      out.push_back({s.Int(0), s.Int(1), s.Text(2), s.Text(3), s.DateAt(4), ParseSetting(s.Text(5)),
                     s.Int(6), s.Int(7)});
    }
    s.Reset();
    return out;
  }

  void ReplaceDrugMaster(const std::vector<DrugMasterRow>& rows) override {
    owner_.InTransaction([&] {
      db_.Exec("DELETE FROM drug_master");
      for (const DrugMasterRow& r : rows) {
        Statement& s =
            Stmt("add_drug", "INSERT INTO drug_master (yj_code, name, unit) VALUES (?,?,?)");
        s.Bind(1, r.yj_code).Bind(2, r.name).Bind(3, r.unit);
        Run(s, "drug master row " + r.yj_code + " rejected (a code given twice?)");
      }
    });
  }

  void ReplaceProcedureMaster(const std::vector<ProcedureMasterRow>& rows) override {
    owner_.InTransaction([&] {
      db_.Exec("DELETE FROM procedure_master");
      for (const ProcedureMasterRow& r : rows) {
        Statement& s = Stmt("add_procedure_master",
                            "INSERT INTO procedure_master (code, name, section) VALUES (?,?,?)");
        s.Bind(1, r.code).Bind(2, r.name).Bind(3, r.section);
        Run(s, "procedure master row " + r.code + " rejected (a code given twice?)");
      }
    });
  }

  void ReplaceDiseaseMaster(const std::vector<DiseaseMasterRow>& rows) override {
    owner_.InTransaction([&] {
      db_.Exec("DELETE FROM disease_master");
      for (const DiseaseMasterRow& r : rows) {
        Statement& s =
            Stmt("add_disease_master", "INSERT INTO disease_master (code, name) VALUES (?,?)");
        s.Bind(1, r.code).Bind(2, r.name);
        Run(s, "disease master row " + r.code + " rejected (a code given twice?)");
      }
    });
  }

  void ReplaceInteractions(const std::vector<Interaction>& rows) override {
    owner_.InTransaction([&] {
      db_.Exec("DELETE FROM interaction_master");
      for (const Interaction& r : rows) {
        // Stored with a < b, so (a, b) and (b, a) are one row.
        const bool swap = r.ingredient_b < r.ingredient_a;
        Statement& s = Stmt("add_interaction",
                            "INSERT INTO interaction_master (ingredient_a, ingredient_b, "
                            "severity, message) VALUES (?,?,?,?)");
        s.Bind(1, swap ? r.ingredient_b : r.ingredient_a);
        s.Bind(2, swap ? r.ingredient_a : r.ingredient_b);
        s.Bind(3,
               r.severity == InteractionSeverity::kContraindicated ? "contraindicated" : "caution");
        s.Bind(4, r.message);
        Run(s, "interaction " + r.ingredient_a + "/" + r.ingredient_b +
                   " rejected (a pair given twice?)");
      }
    });
  }

  std::optional<DrugMasterRow> GetDrug(std::string_view code) override {
    Statement& s =
        Stmt("get_drug", "SELECT yj_code, name, unit FROM drug_master WHERE yj_code = ?");
    s.Bind(1, code);
    std::optional<DrugMasterRow> out;
    if (s.Step()) out = DrugMasterRow{s.Text(0), s.Text(1), s.Text(2)};
    s.Reset();
    return out;
  }

  std::optional<ProcedureMasterRow> GetProcedure(std::string_view code) override {
    Statement& s =
        Stmt("get_procedure", "SELECT code, name, section FROM procedure_master WHERE code = ?");
    s.Bind(1, code);
    std::optional<ProcedureMasterRow> out;
    if (s.Step()) out = ProcedureMasterRow{s.Text(0), s.Text(1), s.Text(2)};
    s.Reset();
    return out;
  }

  std::optional<DiseaseMasterRow> GetDisease(std::string_view code) override {
    Statement& s = Stmt("get_disease", "SELECT code, name FROM disease_master WHERE code = ?");
    s.Bind(1, code);
    std::optional<DiseaseMasterRow> out;
    if (s.Step()) out = DiseaseMasterRow{s.Text(0), s.Text(1)};
    s.Reset();
    return out;
  }

  InteractionTable Interactions() override {
    Statement& s = Stmt("interactions",
                        "SELECT ingredient_a, ingredient_b, severity, message "
                        "FROM interaction_master");
    InteractionTable t;
    while (s.Step()) {
      t.Add({s.Text(0), s.Text(1),
             s.Text(2) == "contraindicated" ? InteractionSeverity::kContraindicated
                                            : InteractionSeverity::kCaution,
             s.Text(3)});
    }
    s.Reset();
    return t;
  }

  MasterCounts CountMasters() override {
    auto count = [&](const char* table) {
      Statement s(db_.handle(), std::string("SELECT COUNT(*) FROM ") + table);
      return s.Step() ? s.Int(0) : 0;
    };
    return {count("drug_master"), count("procedure_master"), count("disease_master"),
            count("interaction_master")};
  }

 private:
  Statement& Stmt(std::string_view name, std::string_view sql) {
    auto it = stmts_.find(name);
    if (it == stmts_.end()) {
      it = stmts_.emplace(std::string(name), std::make_unique<Statement>(db_.handle(), sql)).first;
    }
    it->second->Reset();
    return *it->second;
  }

  // Runs an INSERT, naming what was refused on a constraint failure.
  static void Run(Statement& s, const std::string& what) {
    try {
      s.Run();
    } catch (const StoreUnavailable& e) {
      s.Reset();
      throw StoreUnavailable(what + " (" + e.what() + ")");
    } catch (const StoreError& e) {
      s.Reset();
      throw StoreError(what + " (" + e.what() + ")");
    }
  }

  static std::vector<ConsentRecord> ReadConsents(Statement& s) {
    std::vector<ConsentRecord> out;
    while (s.Step()) {
      ConsentRecord c;
      c.consent_id = s.Int(0);
      c.person_id = s.Int(1);
      c.facility_code = s.Text(2);
      c.kind = ParseConsentKind(s.Text(3)).value_or(ConsentKind::kPharmacists);
      c.flag = s.Text(4);
      c.given_at = s.Text(5);
      c.available_until = s.Text(6);
      out.push_back(std::move(c));
    }
    s.Reset();
    return out;
  }

  Db& db_;
  Store& owner_;
  std::map<std::string, std::unique_ptr<Statement>, std::less<>> stmts_;
};

}  // namespace

std::unique_ptr<ClinicalStore> MakeSqliteClinicalStore(Db& db, Store& owner) {
  return std::make_unique<SqliteClinicalStore>(db, owner);
}

}  // namespace onshi::store::sqlite
