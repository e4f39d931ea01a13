// The JSON of a check by My Number card (card_check.hpp): the reader's
// request and the service's answer.
//
//   request  {"certificate": base64url DER, "identityCheck": "pin"|"face"|"visual",
//             "challenge": base64url,                  (every mode)
//             "signature": base64url,                  (PIN mode: the card's)
//             "reader": id, "readerSignature": base64url
//                      (face and 目視: required; PIN: optional, verified if sent;
//                       auth/reader_key.hpp)
//             "qualificationConfirmationDate": "YYYYMMDD"}
//   answer   {"ReferenceClassification": "1", "QualificationValidity": "1".."5",
//             "reason": "valid"|…, "explanation": "…",
//             "card": {"status": "usable"|…, "inGrace": bool, "graceEnd": "YYYYMMDD"?,
//                      "informationSharing": bool},
//             "results": [{InsurerNumber, InsurerName, InsuredCardSymbol?,
//                          InsuredIdentificationNumber, InsuredBranchNumber?,
//                          PersonalFamilyClassification, Name, NameKana, Birthdate, Sex1,
//                          QualificationDate, DisqualificationDate?,
//                          InsuredPartialContributionRatio}]}
// Scalars are strings, as on the OQS wire. No My Number, no certificate
// serial (the reader has the certificate; the answer need not echo it).
#ifndef ONSHI_SERVICE_CARD_ANSWER_HPP_
#define ONSHI_SERVICE_CARD_ANSWER_HPP_

#include <string>
#include <string_view>

#include "service/card_check.hpp"

namespace onshi::service {

// Reads the request body; the facility comes from the token. Errors name the
// JSON member.
Expected<CardCheckRequest> ParseCardRequest(std::string_view body, std::string facility);

std::string RenderCardAnswer(const CardCheckResult& result, Date confirmation_date);

}  // namespace onshi::service

#endif  // ONSHI_SERVICE_CARD_ANSWER_HPP_
