// The Face file (terminal-protocol.md §3.3, §6.3, §11.2): what the terminal
// writes into Face/ after a completed card-reader session, built from the
// central service's answer to the session's last card check (the one that
// carried the patient's consents, service/card_answer.hpp).
//
// The answer comes as the OQS JSON form of XmlMsg; the Face file is the same
// message as XML (element_sink.hpp's mapping run backwards: an object is an
// element, an array of one-member objects is a list of items, an array of
// flat objects a repeated element), with the rules every real client needs:
//   - ReferenceClassification 1, SegmentOfResult 1, ProcessingResultStatus 1
//     (ReceptionAgent drops anything else; an error Face file helps nobody,
//     so a refused or failed check makes no file at all, §8);
//   - exactly one ResultOfQualificationConfirmation (myclinic and
//     ReceptionAgent refuse two): the first, the one the service decided on;
//   - SpecificDiseasesCertificateList only when switched on (§11.2):
//     myclinic reads the element only when it repeats, and fast-xml-parser
//     hands a single one over as an object, not a list (§10);
//   - the name OQSsiquc01res_face_<医療機関コード><20 hex>_<yyyyMMddHHmmss>.xml
//     with today's stamp in JST (ReceptionAgent imports only today's files);
//   - no BOM, the declaration and CharacterCodeIdentifier of the configured
//     encoding (UTF-8 0, Shift_JIS 1).
// The consent elements (§7) are the answer's: the terminal sent the
// patient's choices with the check, and the service wrote them with
// ConsTime = the check's time and AvailableTime = ConsTime + 24 h.
#ifndef ONSHI_TERMINAL_KIOSK_FACE_FILE_HPP_
#define ONSHI_TERMINAL_KIOSK_FACE_FILE_HPP_

#include <ctime>
#include <string>
#include <string_view>

#include "core/expected.hpp"
#include "oqs/charset.hpp"
#include "terminal/jst_stamp.hpp"

namespace onshi::terminal {

struct FaceFileOptions {
  oqs::Charset charset = oqs::Charset::kUtf8;
  bool specific_diseases = false;  // keep SpecificDiseasesCertificateList
};

struct FaceFile {
  std::string name;
  std::string bytes;
};

// `hex20` is 20 lowercase hex digits (random per file). Fails with
// Error{"answer", …} when the answer is not a normal answer with a result.
Expected<FaceFile> MakeFaceFile(std::string_view answer_json, const FaceFileOptions& options,
                                std::time_t now, std::string_view hex20);

// The XML form of an OQS JSON message (mapping above), UTF-8, with the
// declaration. Exposed for tests.
Expected<std::string> XmlFromOqsJson(std::string_view json);

}  // namespace onshi::terminal

#endif  // ONSHI_TERMINAL_KIOSK_FACE_FILE_HPP_
