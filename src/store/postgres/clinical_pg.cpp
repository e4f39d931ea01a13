#include "store/postgres/clinical_pg.hpp"

#include <string>

namespace onshi::store::postgres {
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
    "SELECT consent_id, person_id, facility_code, kind, flag, given_at, available_until";

class PgClinicalStore final : public ClinicalStore {
 public:
  PgClinicalStore(Conn& conn, Store& owner) : conn_(conn), owner_(owner) {}

  int64_t AddConsent(const ConsentRecord& c) override {
    int64_t id = 0;
    owner_.InTransaction([&] {
      id = Write("add_consent",
                 "INSERT INTO consents (person_id, facility_code, kind, flag, given_at, "
                 "available_until) VALUES ($1,$2,$3,$4,$5,$6) RETURNING consent_id",
                 Params()
                     .Add(c.person_id)
                     .Add(c.facility_code)
                     .Add(ConsentKindName(c.kind))
                     .Add(c.flag)
                     .Add(c.given_at)
                     .Add(c.available_until),
                 "consent rejected (unknown person or facility, or a bad flag)")
               .Int(0, 0);
    });
    return id;
  }

  std::optional<ConsentRecord> ConsentInForce(int64_t person_id, std::string_view facility,
                                              ConsentKind kind, std::string_view now) override {
    // The person's latest choice of this kind at this facility decides: a
    // refusal given after a consent withdraws it (R-FAC-4).
    auto rows = ReadConsents(conn_.Run(
        "consent_in_force",
        std::string(kConsentColumns) +
            " FROM consents WHERE person_id = $1 AND facility_code = $2 AND kind = $3 AND "
            "given_at <= $4 ORDER BY given_at DESC, consent_id DESC LIMIT 1",
        Params().Add(person_id).Add(facility).Add(ConsentKindName(kind)).Add(now)));
    if (rows.empty() || rows.front().flag != "1" || rows.front().available_until <= now)
      return std::nullopt;
    return rows.front();
  }

  std::vector<ConsentRecord> ConsentsOfPerson(int64_t person_id) override {
    return ReadConsents(
        conn_.Run("consents_of_person",
                  std::string(kConsentColumns) +
                      " FROM consents WHERE person_id = $1 ORDER BY given_at, consent_id",
                  Params().Add(person_id)));
  }

  int64_t AddVisit(VisitRecord& v) override {
    owner_.InTransaction([&] {
      v.visit_id = Write("add_visit",
                         "INSERT INTO visits (person_id, facility_code, visit_date, setting, "
                         "total_cost_yen, paid_yen, recorded_at) VALUES ($1,$2,$3,$4,$5,$6,$7) "
                         "RETURNING visit_id",
                         Params()
                             .Add(v.person_id)
                             .Add(v.facility_code)
                             .Add(v.date)
                             .Add(SettingName(v.setting))
                             .Add(v.total_cost_yen)
                             .Add(v.paid_yen)
                             .Add(v.recorded_at),
                         "visit rejected (unknown person or facility, or a negative amount)")
                       .Int(0, 0);
      for (MedicineRecord& m : v.medicines) {
        m.medicine_id = Write("add_medicine",
                              "INSERT INTO visit_medicines (visit_id, person_id, facility_code, "
                              "kind, yj_code, quantity, unit, days, start_on, last_on) "
                              "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) RETURNING medicine_id",
                              Params()
                                  .Add(v.visit_id)
                                  .Add(v.person_id)
                                  .Add(v.facility_code)
                                  .Add(MedicineKindName(m.kind))
                                  .Add(m.yj_code)
                                  .Add(m.quantity)
                                  .Add(m.unit)
                                  .Add(m.days)
                                  .Add(m.start)
                                  .Add(m.start.AddDays(m.days - 1)),
                              "medicine rejected")
                            .Int(0, 0);
        m.visit_id = v.visit_id;
        m.person_id = v.person_id;
        m.facility_code = v.facility_code;
        m.visit_date = v.date;
      }
      for (ProcedureRecord& p : v.procedures) {
        p.procedure_id = Write("add_procedure",
                               "INSERT INTO visit_procedures (visit_id, person_id, "
                               "facility_code, code, performed_on, count) "
                               "VALUES ($1,$2,$3,$4,$5,$6) RETURNING procedure_id",
                               Params()
                                   .Add(v.visit_id)
                                   .Add(v.person_id)
                                   .Add(v.facility_code)
                                   .Add(p.code)
                                   .Add(p.performed_on)
                                   .Add(p.count),
                               "procedure rejected")
                             .Int(0, 0);
        p.visit_id = v.visit_id;
        p.person_id = v.person_id;
        p.facility_code = v.facility_code;
      }
      for (DiagnosisRecord& d : v.diagnoses) {
        d.diagnosis_id = Write("add_diagnosis",
                               "INSERT INTO visit_diagnoses (visit_id, person_id, facility_code, "
                               "code, start_on, suspected) VALUES ($1,$2,$3,$4,$5,$6) "
                               "RETURNING diagnosis_id",
                               Params()
                                   .Add(v.visit_id)
                                   .Add(v.person_id)
                                   .Add(v.facility_code)
                                   .Add(d.code)
                                   .Add(d.start)
                                   .AddBool(d.suspected),
                               "diagnosis rejected")
                             .Int(0, 0);
        d.visit_id = v.visit_id;
        d.person_id = v.person_id;
        d.facility_code = v.facility_code;
      }
    });
    return v.visit_id;
  }

  std::vector<VisitRecord> VisitsOfPerson(int64_t person_id, std::string_view facility, Date from,
                                          Date to) override {
    Result r = conn_.Run("visits_of_person",
                         "SELECT visit_id, person_id, facility_code, visit_date, setting, "
                         "total_cost_yen, paid_yen, recorded_at FROM visits WHERE person_id = $1 "
                         "AND ($2 = '' OR facility_code = $2) AND visit_date BETWEEN $3 AND $4 "
                         "ORDER BY visit_date, visit_id",
                         Params().Add(person_id).Add(facility).Add(from).Add(to));
    std::vector<VisitRecord> out;
    for (int i = 0; i < r.rows(); ++i) {
      Row s(r, i);
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
    return out;
  }

  std::vector<MedicineRecord> MedicinesOfPerson(int64_t person_id, Date since) override {
    Result r = conn_.Run(
        "medicines_of_person",
        "SELECT m.medicine_id, m.visit_id, m.person_id, m.facility_code, v.visit_date, m.kind, "
        "m.yj_code, m.quantity, m.unit, m.days, m.start_on FROM visit_medicines m "
        "JOIN visits v ON v.visit_id = m.visit_id WHERE m.person_id = $1 AND m.last_on >= $2 "
        "ORDER BY m.start_on DESC, m.medicine_id DESC",
        Params().Add(person_id).Add(since));
    std::vector<MedicineRecord> out;
    for (int i = 0; i < r.rows(); ++i) {
      Row s(r, i);
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
    return out;
  }

  std::vector<ProcedureRecord> ProceduresOfPerson(int64_t person_id, Date since) override {
    Result r = conn_.Run("procedures_of_person",
                         "SELECT procedure_id, visit_id, person_id, facility_code, code, "
                         "performed_on, count FROM visit_procedures WHERE person_id = $1 AND "
                         "performed_on >= $2 ORDER BY performed_on DESC, procedure_id DESC",
                         Params().Add(person_id).Add(since));
    std::vector<ProcedureRecord> out;
    for (int i = 0; i < r.rows(); ++i) {
      Row s(r, i);
      out.push_back({s.Int(0), s.Int(1), s.Int(2), s.Text(3), s.Text(4), s.DateAt(5),
                     static_cast<int>(s.Int(6))});
    }
    return out;
  }

  std::vector<DiagnosisRecord> DiagnosesOfPerson(int64_t person_id, Date since) override {
    Result r = conn_.Run("diagnoses_of_person",
                         "SELECT diagnosis_id, visit_id, person_id, facility_code, code, "
                         "start_on, suspected FROM visit_diagnoses WHERE person_id = $1 AND "
                         "start_on >= $2 ORDER BY start_on DESC, diagnosis_id DESC",
                         Params().Add(person_id).Add(since));
    std::vector<DiagnosisRecord> out;
    for (int i = 0; i < r.rows(); ++i) {
      Row s(r, i);
      out.push_back({s.Int(0), s.Int(1), s.Int(2), s.Text(3), s.Text(4), s.DateAt(5), s.Bool(6)});
    }
    return out;
  }

  int64_t AddCheckup(const CheckupRecord& c) override {
    int64_t id = 0;
    owner_.InTransaction([&] {
      id = Write("add_checkup",
                 "INSERT INTO checkups (person_id, insurer_number, examined_on, item_code, value, "
                 "unit) VALUES ($1,$2,$3,$4,$5,$6) RETURNING checkup_id",
                 Params()
                     .Add(c.person_id)
                     .Add(c.insurer_number)
                     .Add(c.examined_on)
                     .Add(c.item_code)
                     .Add(c.value)
                     .Add(c.unit),
                 "checkup rejected (unknown person or insurer)")
               .Int(0, 0);
    });
    return id;
  }

  std::vector<CheckupRecord> CheckupsOfPerson(int64_t person_id) override {
    Result r = conn_.Run("checkups_of_person",
                         "SELECT checkup_id, person_id, insurer_number, examined_on, item_code, "
                         "value, unit FROM checkups WHERE person_id = $1 "
                         "ORDER BY examined_on DESC, checkup_id",
                         Params().Add(person_id));
    std::vector<CheckupRecord> out;
    for (int i = 0; i < r.rows(); ++i) {
      Row s(r, i);
      out.push_back({s.Int(0), s.Int(1), s.Text(2), s.DateAt(3), s.Text(4), s.Text(5), s.Text(6)});
    }
    return out;
  }

  int64_t AddClaimTotal(const ClaimTotalRecord& c) override {
    int64_t id = 0;
    owner_.InTransaction([&] {
      id = Write("add_claim",
                 "INSERT INTO claim_totals (person_id, insurer_number, facility_code, month, "
                 "setting, total_cost_yen, self_pay_yen) VALUES ($1,$2,$3,$4,$5,$6,$7) "
                 "RETURNING claim_id",
                 Params()
                     .Add(c.person_id)
                     .Add(c.insurer_number)
                     .Add(c.facility_code)
                     .Add(c.month)
                     .Add(SettingName(c.setting))
                     .Add(c.total_cost_yen)
                     .Add(c.self_pay_yen),
                 "claim total rejected (already filed for that month, or unknown person)")
               .Int(0, 0);
    });
    return id;
  }

  std::vector<ClaimTotalRecord> ClaimTotalsOfPerson(int64_t person_id) override {
    Result r = conn_.Run("claims_of_person",
                         "SELECT claim_id, person_id, insurer_number, facility_code, month, "
                         "setting, total_cost_yen, self_pay_yen FROM claim_totals "
                         "WHERE person_id = $1 ORDER BY month, claim_id",
                         Params().Add(person_id));
    std::vector<ClaimTotalRecord> out;
    for (int i = 0; i < r.rows(); ++i) {
      Row s(r, i);
      out.push_back({s.Int(0), s.Int(1), s.Text(2), s.Text(3), s.DateAt(4), ParseSetting(s.Text(5)),
                     s.Int(6), s.Int(7)});
    }
    return out;
  }

  void ReplaceDrugMaster(const std::vector<DrugMasterRow>& rows) override {
    owner_.InTransaction([&] {
      conn_.Run("clear_drugs", "DELETE FROM drug_master");
      for (const DrugMasterRow& r : rows) {
        Write("add_drug", "INSERT INTO drug_master (yj_code, name, unit) VALUES ($1,$2,$3)",
              Params().Add(r.yj_code).Add(r.name).Add(r.unit),
              "drug master row " + r.yj_code + " rejected (a code given twice?)");
      }
    });
  }

  void ReplaceProcedureMaster(const std::vector<ProcedureMasterRow>& rows) override {
    owner_.InTransaction([&] {
      conn_.Run("clear_procedures", "DELETE FROM procedure_master");
      for (const ProcedureMasterRow& r : rows) {
        Write("add_procedure_master",
              "INSERT INTO procedure_master (code, name, section) VALUES ($1,$2,$3)",
              Params().Add(r.code).Add(r.name).Add(r.section),
              "procedure master row " + r.code + " rejected (a code given twice?)");
      }
    });
  }

  void ReplaceDiseaseMaster(const std::vector<DiseaseMasterRow>& rows) override {
    owner_.InTransaction([&] {
      conn_.Run("clear_diseases", "DELETE FROM disease_master");
      for (const DiseaseMasterRow& r : rows) {
        Write("add_disease_master", "INSERT INTO disease_master (code, name) VALUES ($1,$2)",
              Params().Add(r.code).Add(r.name),
              "disease master row " + r.code + " rejected (a code given twice?)");
      }
    });
  }

  void ReplaceInteractions(const std::vector<Interaction>& rows) override {
    owner_.InTransaction([&] {
      conn_.Run("clear_interactions", "DELETE FROM interaction_master");
      for (const Interaction& r : rows) {
        const bool swap = r.ingredient_b < r.ingredient_a;  // stored with a < b
        Write("add_interaction",
              "INSERT INTO interaction_master (ingredient_a, ingredient_b, severity, message) "
              "VALUES ($1,$2,$3,$4)",
              Params()
                  .Add(swap ? r.ingredient_b : r.ingredient_a)
                  .Add(swap ? r.ingredient_a : r.ingredient_b)
                  .Add(std::string_view(r.severity == InteractionSeverity::kContraindicated
                                            ? "contraindicated"
                                            : "caution"))
                  .Add(r.message),
              "interaction " + r.ingredient_a + "/" + r.ingredient_b +
                  " rejected (a pair given twice?)");
      }
    });
  }

  std::optional<DrugMasterRow> GetDrug(std::string_view code) override {
    Result r =
        conn_.Run("get_drug", "SELECT yj_code, name, unit FROM drug_master WHERE yj_code = $1",
                  Params().Add(code));
    if (r.rows() == 0) return std::nullopt;
    return DrugMasterRow{r.Text(0, 0), r.Text(0, 1), r.Text(0, 2)};
  }

  std::optional<ProcedureMasterRow> GetProcedure(std::string_view code) override {
    Result r = conn_.Run("get_procedure",
                         "SELECT code, name, section FROM procedure_master WHERE code = $1",
                         Params().Add(code));
    if (r.rows() == 0) return std::nullopt;
    return ProcedureMasterRow{r.Text(0, 0), r.Text(0, 1), r.Text(0, 2)};
  }

  std::optional<DiseaseMasterRow> GetDisease(std::string_view code) override {
    Result r = conn_.Run("get_disease", "SELECT code, name FROM disease_master WHERE code = $1",
                         Params().Add(code));
    if (r.rows() == 0) return std::nullopt;
    return DiseaseMasterRow{r.Text(0, 0), r.Text(0, 1)};
  }

  InteractionTable Interactions() override {
    Result r = conn_.Run("interactions",
                         "SELECT ingredient_a, ingredient_b, severity, message "
                         "FROM interaction_master");
    InteractionTable t;
    for (int i = 0; i < r.rows(); ++i) {
      t.Add({r.Text(i, 0), r.Text(i, 1),
             r.Text(i, 2) == "contraindicated" ? InteractionSeverity::kContraindicated
                                               : InteractionSeverity::kCaution,
             r.Text(i, 3)});
    }
    return t;
  }

  MasterCounts CountMasters() override {
    Result r = conn_.Run("count_masters",
                         "SELECT (SELECT COUNT(*) FROM drug_master), "
                         "(SELECT COUNT(*) FROM procedure_master), "
                         "(SELECT COUNT(*) FROM disease_master), "
                         "(SELECT COUNT(*) FROM interaction_master)");
    return {r.Int(0, 0), r.Int(0, 1), r.Int(0, 2), r.Int(0, 3)};
  }

 private:
  Result Write(const std::string& name, const std::string& sql, const Params& params,
               const std::string& what) {
    try {
      return conn_.Run(name, sql, params);
    } catch (const StoreUnavailable& e) {
      throw StoreUnavailable(what + " (" + e.what() + ")");
    } catch (const StoreError& e) {
      throw StoreError(what + " (" + e.what() + ")");
    }
  }

  static std::vector<ConsentRecord> ReadConsents(const Result& r) {
    std::vector<ConsentRecord> out;
    for (int i = 0; i < r.rows(); ++i) {
      Row s(r, i);
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
    return out;
  }

  Conn& conn_;
  Store& owner_;
};

}  // namespace

std::unique_ptr<ClinicalStore> MakePgClinicalStore(Conn& conn, Store& owner) {
  return std::make_unique<PgClinicalStore>(conn, owner);
}

}  // namespace onshi::store::postgres
