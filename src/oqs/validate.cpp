#include "oqs/validate.hpp"

#include <string>

#include "core/insured_card_id.hpp"
#include "core/insurer_number.hpp"

namespace onshi::oqs {
namespace {

std::string HeaderPath(std::string_view name) {
  return std::string(kHeaderPath) + "/" + std::string(name);
}

std::string InfoPath(std::string_view name) {
  return std::string(kSearchInfoPath) + "/" + std::string(name);
}

// A value for messages: quoted, and cut short so that a megabyte of garbage
// is not copied into the answer.
std::string Quote(std::string_view value) {
  constexpr std::size_t kMax = 40;
  std::string out = "\"";
  out += value.substr(0, kMax);
  if (value.size() > kMax) out += "...";
  out += '"';
  return out;
}

bool IsBlank(const std::optional<std::string>& v) {
  return !v.has_value() || v->empty();
}

bool IsDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::optional<OqsError> CheckFreeText(const std::optional<std::string>& value, ErrorCode code,
                                      std::string path) {
  if (!value) return std::nullopt;
  if (value->size() > kMaxArbitraryIdentifierBytes) {
    return MakeOqsError(code, std::move(path),
                        "longer than " + std::to_string(kMaxArbitraryIdentifierBytes) + " bytes");
  }
  for (unsigned char c : *value) {
    // Control characters cannot be carried by XML 1.0 and would corrupt the
    // echo, so they are refused here rather than dropped there.
    if (c < 0x20 || c == 0x7F) {
      return MakeOqsError(code, std::move(path), "contains a control character");
    }
  }
  return std::nullopt;
}

Result<Date> CheckDate(const std::optional<std::string>& value, ErrorCode missing,
                       ErrorCode invalid, const std::string& path) {
  if (IsBlank(value)) return MakeOqsError(missing, path, "element is missing or empty");
  std::optional<Date> date = Date::ParseCompact(*value);
  if (!date) {
    return MakeOqsError(invalid, path, Quote(*value) + " is not a valid date YYYYMMDD");
  }
  return *date;
}

// The insurer number with the error split three ways (format, 検証番号, the
// rest), so clinic software can tell a typo from an unknown insurer.
Result<InsurerNumber> CheckInsurerNumber(const std::optional<std::string>& value) {
  const std::string path = InfoPath("InsurerNumber");
  if (IsBlank(value)) {
    return MakeOqsError(ErrorCode::kInsurerNumberMissing, path, "element is missing or empty");
  }
  std::string_view digits = *value;
  if (digits.size() == 8 && digits.starts_with("  ")) digits.remove_prefix(2);
  if ((digits.size() != 8 && digits.size() != 6) || !IsDigits(digits)) {
    return MakeOqsError(ErrorCode::kInsurerNumberFormat, path,
                        Quote(*value) +
                            " must be 8 digits, or 6 digits for 国保 (optionally padded to 8 "
                            "with \"00\" or two spaces)");
  }
  if (digits.size() == 8 && digits.starts_with("00")) digits.remove_prefix(2);
  const int expected = LuhnCheckDigit(digits.substr(0, digits.size() - 1));
  const int actual = digits.back() - '0';
  if (actual != expected) {
    return MakeOqsError(ErrorCode::kInsurerNumberCheckDigit, path,
                        Quote(*value) + ": check digit (検証番号) is " + std::to_string(actual) +
                            ", expected " + std::to_string(expected));
  }
  Expected<InsurerNumber> parsed = InsurerNumber::Parse(*value);
  if (!parsed) {
    return MakeOqsError(ErrorCode::kInsurerNumberUnknown, path,
                        Quote(*value) + ": " + parsed.error().message);
  }
  return std::move(parsed).value();
}

OqsError CardIdError(const Error& e) {
  if (e.field == InsuredCardId::kSymbolField) {
    return MakeOqsError(ErrorCode::kSymbolInvalid, InfoPath("InsuredCardSymbol"), e.message);
  }
  if (e.field == InsuredCardId::kBranchField) {
    return MakeOqsError(ErrorCode::kBranchInvalid, InfoPath("InsuredBranchNumber"), e.message);
  }
  return MakeOqsError(ErrorCode::kNumberInvalid, InfoPath("InsuredIdentificationNumber"),
                      e.message);
}

}  // namespace

Result<ValidatedRequest> ValidateRequest(const QualificationRequest& r) {
  // MessageHeader
  Result<Date> confirmation =
      CheckDate(r.qualification_confirmation_date, ErrorCode::kConfirmationDateMissing,
                ErrorCode::kConfirmationDateInvalid, HeaderPath("QualificationConfirmationDate"));
  if (!confirmation) return confirmation.error();

  if (IsBlank(r.medical_institution_code)) {
    return MakeOqsError(ErrorCode::kInstitutionCodeMissing, HeaderPath("MedicalInstitutionCode"),
                        "element is missing or empty");
  }
  Expected<MedicalInstitutionCode> institution =
      MedicalInstitutionCode::Parse(*r.medical_institution_code);
  if (!institution) {
    return MakeOqsError(ErrorCode::kInstitutionCodeInvalid, HeaderPath("MedicalInstitutionCode"),
                        Quote(*r.medical_institution_code) + ": " + institution.error().message);
  }

  if (auto e =
          CheckFreeText(r.arbitrary_file_identifier, ErrorCode::kArbitraryFileIdentifierInvalid,
                        HeaderPath("ArbitraryFileIdentifier"))) {
    return *std::move(e);
  }
  if (!IsBlank(r.character_code_identifier) && *r.character_code_identifier != "0" &&
      *r.character_code_identifier != "1") {
    return MakeOqsError(
        ErrorCode::kCharacterCodeInvalid, HeaderPath("CharacterCodeIdentifier"),
        Quote(*r.character_code_identifier) + " must be \"0\" (UTF-8) or \"1\" (Shift_JIS)");
  }

  // MessageBody/QualificationConfirmSearchInfo
  Result<InsurerNumber> insurer = CheckInsurerNumber(r.insurer_number);
  if (!insurer) return insurer.error();

  const std::string number = r.insured_identification_number.value_or("");
  if (InsuredCardId::Normalize(number).empty()) {
    return MakeOqsError(ErrorCode::kNumberMissing, InfoPath("InsuredIdentificationNumber"),
                        "element is missing or empty");
  }
  Expected<InsuredCardId> card_id = InsuredCardId::Parse(r.insured_card_symbol.value_or(""), number,
                                                         r.insured_branch_number.value_or(""));
  if (!card_id) return CardIdError(card_id.error());

  Result<Date> birth = CheckDate(r.birthdate, ErrorCode::kBirthdateMissing,
                                 ErrorCode::kBirthdateInvalid, InfoPath("Birthdate"));
  if (!birth) return birth.error();
  if (*birth > *confirmation) {
    return MakeOqsError(ErrorCode::kBirthdateAfterConfirmation, InfoPath("Birthdate"),
                        Quote(*r.birthdate) + " is after QualificationConfirmationDate " +
                            Quote(*r.qualification_confirmation_date));
  }

  const std::string flag_path = InfoPath("LimitApplicationCertificateRelatedConsFlg");
  const auto& flag = r.limit_application_certificate_related_cons_flg;
  if (IsBlank(flag)) {
    return MakeOqsError(ErrorCode::kConsentFlagMissing, flag_path, "element is missing or empty");
  }
  if (*flag != "0" && *flag != "1") {
    return MakeOqsError(ErrorCode::kConsentFlagInvalid, flag_path,
                        Quote(*flag) + " must be \"0\" (未同意) or \"1\" (同意)");
  }

  if (auto e = CheckFreeText(r.arbitrary_identifier, ErrorCode::kArbitraryIdentifierInvalid,
                             InfoPath("ArbitraryIdentifier"))) {
    return *std::move(e);
  }

  InsuranceCardQuery query{
      .insurer_number = std::string(insurer->digits()),
      .symbol = card_id->symbol().value_or(""),
      .number = card_id->number(),
      .branch = card_id->branch().value_or(""),
      .birth_date = *birth,
  };
  return ValidatedRequest{
      .query = std::move(query),
      .confirmation_date = *confirmation,
      .institution = *institution,
      .limit_consent = *flag == "1",
  };
}

Result<InsuranceCardQuery> ValidateCardKeys(const QualificationRequest& r) {
  Result<InsurerNumber> insurer = CheckInsurerNumber(r.insurer_number);
  if (!insurer) return insurer.error();
  const std::string number = r.insured_identification_number.value_or("");
  if (InsuredCardId::Normalize(number).empty()) {
    return MakeOqsError(ErrorCode::kNumberMissing, InfoPath("InsuredIdentificationNumber"),
                        "element is missing or empty");
  }
  Expected<InsuredCardId> card_id = InsuredCardId::Parse(r.insured_card_symbol.value_or(""), number,
                                                         r.insured_branch_number.value_or(""));
  if (!card_id) return CardIdError(card_id.error());
  return InsuranceCardQuery{
      .insurer_number = std::string(insurer->digits()),
      .symbol = card_id->symbol().value_or(""),
      .number = card_id->number(),
      .branch = card_id->branch().value_or(""),
      .birth_date = {},
  };
}

}  // namespace onshi::oqs
