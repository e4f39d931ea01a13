// The JSON of a check by My Number card (card_check.hpp): the reader's
// request and the service's answer.
//
//   request  {"certificate": base64url DER, "identityCheck": "pin"|"face"|"visual",
//             "challenge": base64url,                  (every mode)
//             "signature": base64url,                  (PIN mode: the card's)
//             "reader": id, "readerSignature": base64url
//                      (face and 目視: required; PIN: optional, verified if sent;
//                       auth/reader_key.hpp)
//             "qualificationConfirmationDate": "YYYYMMDD",
//             "consents": {"limit": "0"|"1", "specificDiseases": "0".."3",
//                          "specificHealthCheckups", "pharmacists", "diagnosis",
//                          "operation": "0".."3"}}          (optional, §7)
//   answer   the OQS XmlMsg with ReferenceClassification "1" (oqs/response.hpp
//            WriteCardResponse): every current qualification as its own
//            ResultOfQualificationConfirmation with the same elements as a
//            記号・番号 answer, the consent elements the patient chose (ConsTime
//            = now, AvailableTime = now + 24 h), ProcessingResultCode/Message
//            for what staff must tell the patient, and onshi's OnshiCardCheck
//            element (Reason, Explanation, CardStatus, CertificateInGrace,
//            CertificateGraceEnd, InformationSharing).
// Scalars are strings, as on the OQS wire. No My Number, no certificate
// serial (the reader has the certificate; the answer need not echo it).
#ifndef ONSHI_SERVICE_CARD_ANSWER_HPP_
#define ONSHI_SERVICE_CARD_ANSWER_HPP_

#include <string>
#include <string_view>
#include <vector>

#include "oqs/response.hpp"
#include "service/card_check.hpp"

namespace onshi::service {

// Reads the request body; the facility comes from the token. Errors name the
// JSON member.
Expected<CardCheckRequest> ParseCardRequest(std::string_view body, std::string facility);

// The consents the patient chose at the reader, as the answer reports them;
// a kind not asked about is absent. Errors name the JSON member.
Expected<oqs::ResultConsents> ParseCardConsents(std::string_view body, const oqs::Timestamp& now);

// ProcessingResultCode and the message staff read (R-FAC-6), for a card
// check whose card or data needs something done; empty code otherwise.
struct CardNotice {
  std::string code, message;
};
CardNotice NoticeFor(const CardCheckResult& result);

std::string RenderCardAnswer(const CardCheckResult& result, const CardCheckRequest& request,
                             const oqs::ResultConsents& consents, const oqs::Timestamp& now,
                             std::string file_identifier,
                             std::vector<std::string> reference_numbers = {});

}  // namespace onshi::service

#endif  // ONSHI_SERVICE_CARD_ANSWER_HPP_
