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
// as of the confirmation date (result.hpp has the rules). The answer to a My
// Number card check (WriteCardResponse) is the same XmlMsg with
// ReferenceClassification "1", as the terminal's result and Face files are.
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
//   - An error answer (SegmentOfResult "9", ErrorCode, ErrorMessage) keeps
//     MessageHeader complete as far as the request could be read, echoing
//     QualificationConfirmationDate (the processing day when the request
//     had none), MedicalInstitutionCode and ArbitraryFileIdentifier as sent,
//     and says the same per person in
//     MessageBody: ProcessingResultStatus "2", ProcessingResultCode and
//     ProcessingResultMessage, plus the search echo when there was one. A
//     strict client (myclinic) requires ProcessingResultStatus and shows
//     the message instead of throwing.
//   - There is no clock here: the processing time is an argument.
#ifndef ONSHI_OQS_RESPONSE_HPP_
#define ONSHI_OQS_RESPONSE_HPP_

#include <string>
#include <vector>

#include "core/date.hpp"
#include "core/eligibility.hpp"
#include "oqs/charset.hpp"
#include "oqs/error.hpp"
#include "oqs/request.hpp"
#include "oqs/result.hpp"
#include "oqs/validate.hpp"

namespace onshi::oqs {

// A local (JST) date and time of day, for ProcessExecutionTime.
struct Timestamp {
  Date date;
  int hour = 0;    // 0..23
  int minute = 0;  // 0..59
  int second = 0;  // 0..59

  std::string ToCompact() const;  // YYYYMMDDHHmmss
  Timestamp AddHours(int hours) const;
};

struct ResponseEncoding {
  WireFormat format = WireFormat::kJson;
  Charset charset = Charset::kUtf8;
};

// How to answer `request` (see the decisions above). Usable on a request that
// failed to parse: it falls back to the format and charset that were seen.
ResponseEncoding AnswerEncoding(const QualificationRequest& request);

// The normal answer (SegmentOfResult "1"): one result per qualification in
// decision.results, as of validated.confirmation_date (result.hpp). The
// query's LimitApplicationCertificateRelatedConsFlg is the consent for both
// certificates a facility may be shown (限度額 and 特定疾病): with "1" both
// consent flags are "1" with ConsTime = the processing time.
// `reference_numbers`, when given, holds the facility's 照会番号 for each of
// decision.results ("" for none), sent as the result's ReferenceNumber.
std::string WriteQualificationResponse(const QualificationRequest& request,
                                       const ValidatedRequest& validated,
                                       const EligibilityDecision& decision,
                                       const Timestamp& processed, ResponseEncoding encoding,
                                       const std::vector<std::string>* reference_numbers = nullptr);

// The answer to a check by My Number card (照会区分 1).
struct CardAnswer {
  std::string institution;      // 医療機関コード, from the token
  Date confirmation_date;       // the check's date
  std::string file_identifier;  // ArbitraryFileIdentifier: a fresh token per answer
  const EligibilityDecision* decision = nullptr;
  ResultConsents consents;  // what the patient chose at the reader
  // ProcessingResultCode/Message with status "1": what staff must tell the
  // patient (card state, R-FAC-6); empty when there is nothing to say.
  std::string notice_code, notice_message;
  // onshi's own extension element OnshiCardCheck.
  std::string card_status;  // "usable", "suspended", …
  std::string grace_end;    // YYYYMMDD, when the certificate is in its grace
  bool information_sharing = false;
  // The facility's 照会番号 for each of decision->results ("" for none).
  std::vector<std::string> reference_numbers;
};
std::string WriteCardResponse(const CardAnswer& answer, const Timestamp& processed,
                              ResponseEncoding encoding);

// The error answer (SegmentOfResult "9", ErrorCode = error.Id(), ErrorMessage
// = error.Message()). `request` is whatever was read, possibly nothing.
std::string WriteErrorResponse(const QualificationRequest& request, const OqsError& error,
                               const Timestamp& processed, ResponseEncoding encoding);

}  // namespace onshi::oqs

#endif  // ONSHI_OQS_RESPONSE_HPP_
