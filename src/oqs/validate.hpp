// From a received query to the domain's terms: ValidateRequest checks every
// element of a QualificationRequest and produces the InsuranceCardQuery that
// core/eligibility.hpp decides on.
//
// Checks run in spec order (header, then QualificationConfirmSearchInfo) and
// stop at the first failure, which becomes one OqsError (error.hpp) naming the
// element path. An empty required element counts as missing; an empty
// optional one as absent, as InsuredCardId does.
#ifndef ONSHI_OQS_VALIDATE_HPP_
#define ONSHI_OQS_VALIDATE_HPP_

#include <cstddef>

#include "core/date.hpp"
#include "core/eligibility.hpp"
#include "core/medical_institution_code.hpp"
#include "oqs/error.hpp"
#include "oqs/request.hpp"

namespace onshi::oqs {

// Our limit for the free-text identifiers that are echoed back
// (ArbitraryFileIdentifier, ArbitraryIdentifier); the spec's is not public.
inline constexpr std::size_t kMaxArbitraryIdentifierBytes = 256;

struct ValidatedRequest {
  // Insurer number in canonical form (InsurerNumber::digits(): 8 digits, or 6
  // for 国保 however it was padded); 記号・番号・枝番 normalised by
  // InsuredCardId (empty = absent).
  InsuranceCardQuery query;
  Date confirmation_date;
  MedicalInstitutionCode institution;
  // LimitApplicationCertificateRelatedConsFlg == "1": the patient consented
  // to showing the 限度額適用認定証 information.
  bool limit_consent = false;
};

// Rules, each with its error code:
//   QualificationConfirmationDate  required, a real date YYYYMMDD      E0201/E0202
//   MedicalInstitutionCode         required, MedicalInstitutionCode    E0203/E0204
//   ArbitraryFileIdentifier        optional, ≤256 bytes, no controls   E0205
//   CharacterCodeIdentifier        optional, "0" or "1"                E0206
//   InsurerNumber                  required; 8 digits, or 6-digit 国保
//                                  bare, "00"- or two-space-padded     E0301/E0302
//                                  検証番号 (checked before 法別番号)     E0303
//                                  known 法別番号, prefecture 01–47     E0304
//   InsuredCardSymbol              optional, InsuredCardId rules       E0305
//   InsuredIdentificationNumber    required, InsuredCardId rules       E0306/E0307
//   InsuredBranchNumber            optional, exactly 2 digits          E0308
//   Birthdate                      required, a real date, not after
//                                  the confirmation date               E0309/E0310/E0311
//   LimitApplication…ConsFlg       required, "0" or "1"                E0312/E0313
//   ArbitraryIdentifier            optional, as ArbitraryFileIdentifier E0314
Result<ValidatedRequest> ValidateRequest(const QualificationRequest& request);

// Only the card keys (InsurerNumber, InsuredCardSymbol, InsuredIdentification-
// Number, InsuredBranchNumber) by the rules above, for messages that carry
// no Birthdate (照会番号 registration, oqs/bulk.hpp); birth_date is unset.
Result<InsuranceCardQuery> ValidateCardKeys(const QualificationRequest& request);

}  // namespace onshi::oqs

#endif  // ONSHI_OQS_VALIDATE_HPP_
