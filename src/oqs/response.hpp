// The answer to a single qualification query (OQSsiquc01res), in JSON or XML.
//
// Layout (oqs-interface.md §3, element order of §4.3):
//
//   MessageHeader   ProcessExecutionTime, QualificationConfirmationDate,
//                   MedicalInstitutionCode, [ArbitraryFileIdentifier],
//                   ReferenceClassification "2" (被保険者証情報),
//                   SegmentOfResult "1" | "9", [ErrorCode, ErrorMessage],
//                   CharacterCodeIdentifier
//   MessageBody     ProcessingResultStatus "1", QualificationValidity,
//                   QualificationConfirmSearchInfo (the query, verbatim),
//                   ResultList › ResultOfQualificationConfirmation*
//                   (absent for QualificationValidity 4 該当資格なし)
//
// Each ResultOfQualificationConfirmation carries what a Qualification knows,
// as of the confirmation date; see WriteQualificationResponse for the rules.
//
// Decisions a reader must know:
//   - Every scalar is a string on both wires, including codes and amounts.
//   - JSON answers are UTF-8 and say CharacterCodeIdentifier "0". XML answers
//     use the request's CharacterCodeIdentifier when given, else the charset
//     the request arrived in (a client that writes Shift_JIS reads it).
//   - The result's InsurerNumber is the 8-character wire form: zero-padded for
//     国保 ("00138057", InsurerNumber::ToWire), except that when the request
//     used two-space padding the answer does too: such a client compares
//     strings in its own convention. The echo in QualificationConfirmSearchInfo
//     is always byte-for-byte what the client sent.
//   - An error answer (SegmentOfResult "9") keeps MessageHeader complete as far
//     as the request could be read, echoing QualificationConfirmationDate,
//     MedicalInstitutionCode and ArbitraryFileIdentifier as sent, and has an
//     empty MessageBody, so clients that navigate to MessageBody do not fault.
//   - There is no clock here: the processing time is an argument.
#ifndef ONSHI_OQS_RESPONSE_HPP_
#define ONSHI_OQS_RESPONSE_HPP_

#include <string>

#include "core/date.hpp"
#include "core/eligibility.hpp"
#include "oqs/charset.hpp"
#include "oqs/error.hpp"
#include "oqs/request.hpp"
#include "oqs/validate.hpp"

namespace onshi::oqs {

// A local (JST) date and time of day, for ProcessExecutionTime.
struct Timestamp {
  Date date;
  int hour = 0;    // 0..23
  int minute = 0;  // 0..59
  int second = 0;  // 0..59

  std::string ToCompact() const;  // YYYYMMDDHHmmss
};

struct ResponseEncoding {
  WireFormat format = WireFormat::kJson;
  Charset charset = Charset::kUtf8;
};

// How to answer `request` (see the decisions above). Usable on a request that
// failed to parse: it falls back to the format and charset that were seen.
ResponseEncoding AnswerEncoding(const QualificationRequest& request);

// The normal answer (SegmentOfResult "1"). For each qualification in
// decision.results, as of validated.confirmation_date:
//   - name, kana (half-width, kana.hpp), insured name, address and postcode
//     from Qualification::AttributesOn; omitted if the record has none;
//   - InsuredCardSymbol and InsuredBranchNumber omitted when empty;
//   - QualificationDate always; DisqualificationDate and ReasonOfLoss
//     (OQSCD008) whenever a loss date is registered;
//   - InsuredPartialContributionRatio from copay_percent, 3 digits ("030");
//   - PreschoolClassification "1" when IsPreschool(birth, date) (preschool.hpp),
//     omitted otherwise (clients reject any other value);
//   - ElderlyRecipientCertificateInfo when a 高齢受給者証 is in force;
//   - LimitApplicationCertificateRelatedConsFlg echoes the request; with "1"
//     also …ConsTime = the processing time (the consent is given at this
//     query) and, if a 限度額適用認定証 is in force, …RelatedInfo. Without
//     consent the certificate is never shown;
//   - SpecificDiseasesCertificateList › SpecificDiseasesCertificateInfo* for
//     the 特定疾病療養受療証 in force (JSON: array of wrappers, like ResultList).
std::string WriteQualificationResponse(const QualificationRequest& request,
                                       const ValidatedRequest& validated,
                                       const EligibilityDecision& decision,
                                       const Timestamp& processed, ResponseEncoding encoding);

// The error answer (SegmentOfResult "9", ErrorCode = error.Id(), ErrorMessage
// = error.Message()). `request` is whatever was read, possibly nothing.
std::string WriteErrorResponse(const QualificationRequest& request, const OqsError& error,
                               const Timestamp& processed, ResponseEncoding encoding);

}  // namespace onshi::oqs

#endif  // ONSHI_OQS_RESPONSE_HPP_
