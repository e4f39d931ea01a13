// The messages of 一括照会 (bulk check, OQS-IF-005–008) and 照会番号 registration
// (OQS-IF-003/004 single, 009–012 bulk), terminal-protocol.md §4.2, §6.4, §6.5:
//
//   OQSmuquc01req  MessageHeader (QualificationConfirmationDate: the day to
//                  check against, e.g. tomorrow's appointments; Medical-
//                  InstitutionCode; ArbitraryFileIdentifier) + repeated
//                  MessageBody/QualificationConfirmSearchInfo, each with its
//                  own ArbitraryIdentifier
//   OQSmuquc01res  ReceptionNumber + ReceptionDateTime (accepted)
//   OQSmuquc02req  MedicalInstitutionCode + ReceptionNumber
//   OQSmuquc02res  SegmentOfResult 2 (処理中) while processing; when done
//                  SegmentOfResult 1, NumberOf… counts and one BulkConfirmUnit
//                  per person in request order: the search echo (with its
//                  ArbitraryIdentifier), ProcessingResultStatus/Code/Message,
//                  QualificationValidity, ResultOfQualificationConfirmation,
//                  ReferenceNumber
//   OQSsiimm01req  MedicalInstitutionCode, ArbitraryFileIdentifier +
//                  ReferenceNumberRegistrationInfo {ReferenceNumber,
//                  InsurerNumber, InsuredCardSymbol, InsuredIdentification-
//                  Number, InsuredBranchNumber}; OQSmuimm01req repeats it
//   OQSsiimm01res  SegmentOfResult, ProcessingResultStatus/Code/Message,
//                  ReferenceNumber; OQSmuimm02res one ReferenceNumber-
//                  RegistrationUnit per item (the echo + ProcessingResult*)
//
// Every item is read with the single request's rules (request.hpp), so a
// bulk item is checked exactly as the same person checked alone, and a bad
// item is that person's error (ProcessingResultStatus 2), not the batch's.
// Writers produce UTF-8 or Shift_JIS XML like response.hpp; no clock here.
#ifndef ONSHI_OQS_BULK_HPP_
#define ONSHI_OQS_BULK_HPP_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/eligibility.hpp"
#include "oqs/error.hpp"
#include "oqs/request.hpp"
#include "oqs/response.hpp"
#include "oqs/validate.hpp"

namespace onshi::oqs {

// The repeated element group of a message.
inline constexpr const char* kSearchInfoGroup = "QualificationConfirmSearchInfo";
inline constexpr const char* kRegistrationGroup = "ReferenceNumberRegistrationInfo";

// Our limit for a 照会番号 (MynaReception's builder allows 50).
inline constexpr std::size_t kMaxReferenceNumberBytes = 50;

struct BulkItem {
  // The message header's values plus this item's elements, as a single
  // request would carry them.
  QualificationRequest request;
  std::optional<std::string> reference_number;  // registration items only
  std::optional<OqsError> error;                // the item's own syntax error
};

struct ParsedBulk {
  QualificationRequest header;                  // MessageHeader values; format and charset
  std::optional<std::string> reception_number;  // MessageHeader or MessageBody
  std::vector<BulkItem> items;                  // every `group` in MessageBody
  std::string utf8;               // the document in UTF-8 without its declaration (to keep)
  std::optional<OqsError> error;  // the message as a whole cannot be read
  bool ok() const { return !error.has_value(); }
};

// Reads a message whose MessageBody repeats `group` (kSearchInfoGroup,
// kRegistrationGroup), or holds none (`group` empty: a 02req). Decoding as
// ParseRequestXml (BOM, declaration, CP932). Errors of the whole message:
// encoding, not XML, wrong root, no MessageHeader/MessageBody; an item's
// repeated or non-text element is that item's error.
ParsedBulk ParseBulkXml(std::string_view bytes, const char* group);

// A registration item's keys and number, checked as ValidateRequest checks
// a query's (insurer number, 記号・番号・枝番); Birthdate is not part of it.
struct ValidatedRegistration {
  std::string reference_number;
  InsuranceCardQuery keys;  // birth_date unset
};
Result<ValidatedRegistration> ValidateRegistration(const BulkItem& item);

// MessageHeader checks shared by every bulk and registration message:
// MedicalInstitutionCode required and valid, ArbitraryFileIdentifier and
// CharacterCodeIdentifier as ValidateRequest checks them.
std::optional<OqsError> ValidateBulkHeader(const QualificationRequest& header);

// One person's line in a 02res.
struct BulkUnit {
  const BulkItem* item = nullptr;
  const ValidatedRequest* validated = nullptr;    // null on error
  const EligibilityDecision* decision = nullptr;  // null on error
  std::optional<OqsError> error;
  std::vector<std::string> reference_numbers;  // per decision result, "" none
  std::string registered;                      // registration: the number registered
};

// The BulkConfirmUnit (or ReferenceNumberRegistrationUnit) elements of a
// finished job, as a UTF-8 fragment that BulkResult embeds; `processed` is
// the consent time of the limit consent flags.
struct RenderedUnits {
  std::string xml;
  int normal = 0;
  int errors = 0;
};
RenderedUnits RenderQualificationUnits(const std::vector<BulkUnit>& units,
                                       const Timestamp& processed);
RenderedUnits RenderRegistrationUnits(const std::vector<BulkUnit>& units);

// 01res: the batch was accepted under `reception_number`.
std::string WriteBulkAccepted(const QualificationRequest& header, std::string_view reception_number,
                              const Timestamp& processed, Charset charset);
// 02res while processing (SegmentOfResult 2).
struct BulkResultHeader {
  const QualificationRequest* fetch = nullptr;   // the 02req's header
  const QualificationRequest* submit = nullptr;  // the 01req's header
  std::string reception_number;
};
std::string WriteBulkProcessing(const BulkResultHeader& h, const Timestamp& processed,
                                Charset charset);
// 02res when done: the counts and the units.
std::string WriteBulkResult(const BulkResultHeader& h, const RenderedUnits& units,
                            const Timestamp& processed, Charset charset);
// Any of the above refused as a whole (SegmentOfResult 9, and per message
// ProcessingResultStatus 2 with the code), echoing what could be read.
std::string WriteBulkError(const QualificationRequest& header,
                           std::optional<std::string_view> reception_number, const OqsError& error,
                           const Timestamp& processed, Charset charset);
// OQSsiimm01res: registered (ProcessingResultStatus 1 + ReferenceNumber) or
// not (status 2 with the code and message; SegmentOfResult stays 1 because
// the message itself was processed).
std::string WriteRegistrationResult(const BulkItem& item, const std::optional<OqsError>& error,
                                    const Timestamp& processed, Charset charset);

}  // namespace onshi::oqs

#endif  // ONSHI_OQS_BULK_HPP_
