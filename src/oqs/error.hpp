// OQS-style errors: the codes this server answers with, and Result<T>.
//
// The real OQS 処理結果コード (別紙6-1) are not public, so onshi defines its own
// stable scheme "ONS-Ennnn" (docs/oqs-error-codes.md is the reader's table and
// must be kept in step with error.cpp):
//
//   ONS-E01nn  the message as a whole: not JSON/XML, encoding, structure, types
//   ONS-E02nn  MessageHeader elements
//   ONS-E03nn  MessageBody/QualificationConfirmSearchInfo elements
//   ONS-E09nn  raised by the server, not the codec: facility, token, load, bugs
//
// A code, once published, keeps its meaning: clinic software may switch on it.
// An error goes on the wire as MessageHeader/SegmentOfResult "9" with ErrorCode
// = Id() and ErrorMessage = Message() (see response.hpp).
#ifndef ONSHI_OQS_ERROR_HPP_
#define ONSHI_OQS_ERROR_HPP_

#include <string>
#include <string_view>
#include <utility>

#include "core/expected.hpp"

namespace onshi::oqs {

enum class ErrorCode {
  // Message level.
  kNotJson,           // ONS-E0101
  kNotXml,            // ONS-E0102
  kBadEncoding,       // ONS-E0103 unsupported charset or invalid byte sequence
  kWrongRoot,         // ONS-E0104 root is not {"XmlMsg":{…}} / <XmlMsg>
  kMissingGroup,      // ONS-E0105 MessageHeader, MessageBody or …SearchInfo absent
  kNotAString,        // ONS-E0106 JSON value not a string; XML element not text
  kDuplicateElement,  // ONS-E0107 XML element repeated
  kUnsupportedKind,   // ONS-E0108 a file kind the terminal does not answer (yet)
  // MessageHeader.
  kConfirmationDateMissing,         // ONS-E0201
  kConfirmationDateInvalid,         // ONS-E0202
  kInstitutionCodeMissing,          // ONS-E0203
  kInstitutionCodeInvalid,          // ONS-E0204
  kArbitraryFileIdentifierInvalid,  // ONS-E0205
  kCharacterCodeInvalid,            // ONS-E0206
  // MessageBody/QualificationConfirmSearchInfo.
  kInsurerNumberMissing,        // ONS-E0301
  kInsurerNumberFormat,         // ONS-E0302 length / characters
  kInsurerNumberCheckDigit,     // ONS-E0303 検証番号
  kInsurerNumberUnknown,        // ONS-E0304 法別番号 or 都道府県番号
  kSymbolInvalid,               // ONS-E0305
  kNumberMissing,               // ONS-E0306
  kNumberInvalid,               // ONS-E0307
  kBranchInvalid,               // ONS-E0308
  kBirthdateMissing,            // ONS-E0309
  kBirthdateInvalid,            // ONS-E0310
  kBirthdateAfterConfirmation,  // ONS-E0311
  kConsentFlagMissing,          // ONS-E0312
  kConsentFlagInvalid,          // ONS-E0313
  kArbitraryIdentifierInvalid,  // ONS-E0314
  // Server (never produced by src/oqs).
  kUnknownFacility,       // ONS-E0901
  kUnauthenticated,       // ONS-E0902 token missing, expired or invalid
  kFacilityMismatch,      // ONS-E0903 token belongs to another facility
  kRequestTooLarge,       // ONS-E0904
  kUnsupportedMediaType,  // ONS-E0905
  kServerBusy,            // ONS-E0906
  kInternalError,         // ONS-E0907
  kDatabaseUnavailable,   // ONS-E0908 neither the primary nor a replica answers
  // Bulk requests and 照会番号 (issue 16), numbered in their groups above.
  kBulkTooLarge,            // ONS-E0109 more persons in one batch than allowed
  kBulkEmpty,               // ONS-E0110 a batch with nobody in it
  kReceptionNumberMissing,  // ONS-E0207 02req without ReceptionNumber
  kReceptionNumberUnknown,  // ONS-E0208 no such batch for this facility
  kReferenceNumberInvalid,  // ONS-E0315 照会番号 missing, too long, spaces
  kBulkBacklog,             // ONS-E0909 too many of the facility's batches unfinished
  kCentralUnreachable,      // ONS-E0910 the terminal cannot reach the central service
};

// The published row for a code.
struct ErrorCodeInfo {
  ErrorCode code;
  std::string_view id;       // "ONS-E0101"
  int http_status;           // what the web API answers with (the body is the envelope)
  std::string_view title;    // Japanese, for reception staff
  std::string_view english;  // English, for developers
};

const ErrorCodeInfo& DescribeErrorCode(ErrorCode code);

struct OqsError {
  ErrorCode code = ErrorCode::kInternalError;
  // Path of the offending element below XmlMsg, e.g.
  // "MessageHeader/QualificationConfirmationDate"; empty for whole-message errors.
  std::string element;
  // What is wrong, in English, naming the value where that helps.
  std::string detail;

  std::string_view Id() const { return DescribeErrorCode(code).id; }
  int HttpStatus() const { return DescribeErrorCode(code).http_status; }
  // The ErrorMessage text: "<title> (<element>: <detail>)".
  std::string Message() const;
};

inline OqsError MakeOqsError(ErrorCode code, std::string element, std::string detail) {
  return OqsError{code, std::move(element), std::move(detail)};
}

// A value or an OqsError.
template <class T>
using Result = Expected<T, OqsError>;

}  // namespace onshi::oqs

#endif  // ONSHI_OQS_ERROR_HPP_
