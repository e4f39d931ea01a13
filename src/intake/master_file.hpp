// Master files an operator loads (`onshi masters load`, issue 18): the drug
// (薬価基準収載医薬品), 診療行為 and 傷病名 masters and the interaction table,
// each a CSV file with a header line naming its columns:
//
//   drugs         yj_code,name,unit
//                 yj_code: 12 characters, 7 digits, a capital letter, 4 digits
//                 or capitals (core/medicine_check.hpp IsYjCodeShape)
//   procedures    code,name,section
//                 code: 9 digits (診療行為コード); section: the 点数表 part
//                 letter A–N ("K" 手術 — what the operation consent covers)
//   diseases      code,name
//                 code: 7 digits (傷病名コード)
//   interactions  ingredient_a,ingredient_b,severity,message
//                 ingredients: 7 digits (the first seven of a YJ code);
//                 severity: contraindicated|caution (or 併用禁忌|併用注意)
//
// In UTF-8 (a BOM is allowed) or Shift_JIS (CP932), told apart by whether the
// file is valid UTF-8. Blank lines are skipped. Every problem is reported
// with its physical line number; a file with any problem loads nothing (the
// caller stores all of a file or none of it).
#ifndef ONSHI_INTAKE_MASTER_FILE_HPP_
#define ONSHI_INTAKE_MASTER_FILE_HPP_

#include <string_view>
#include <vector>

#include "core/field_error.hpp"
#include "core/medicine_check.hpp"
#include "store/clinical_store.hpp"

namespace onshi::intake {

enum class MasterKind { kDrugs, kProcedures, kDiseases, kInteractions };

struct MasterFile {
  std::vector<store::DrugMasterRow> drugs;
  std::vector<store::ProcedureMasterRow> procedures;
  std::vector<store::DiseaseMasterRow> diseases;
  std::vector<Interaction> interactions;
  std::vector<FieldError> errors;  // empty: the rows may be stored
  size_t rows() const {
    return drugs.size() + procedures.size() + diseases.size() + interactions.size();
  }
};

MasterFile ParseMasterFile(MasterKind kind, std::string_view bytes);

}  // namespace onshi::intake

#endif  // ONSHI_INTAKE_MASTER_FILE_HPP_
