// One ResultOfQualificationConfirmation: what a Qualification shows a
// facility on a date, in the element names of oqs-interface.md §3.3. Shared by
// the answer to a 記号・番号 query (response.hpp, 照会区分 2) and by the answer
// to a My Number card check (照会区分 1), so both carry the same elements.
//
// Rules (each is what a strict clinic client needs; terminal-protocol.md §10):
//   - InsuredCardClassification from the whole OQSCD010 table (01–07).
//   - InsuredCardValidDate always: the qualification's start is the card's
//     valid-from date, and myclinic cannot register a 保険 without it.
//     InsuredCertificateIssuanceDate / InsuredCardExpirationDate when the
//     insurer gave them.
//   - NameOfOther / NameOfOtherKana (通称) and Sex2 only when the person has them.
//   - InsuredPartialContributionRatio only for 後期高齢者医療 (法別番号 39), as the
//     element is defined; everyone else's ratio travels as
//     PreschoolClassification "1" (2割) or ElderlyRecipientCertificateInfo
//     (copay.hpp decides both, so they never disagree).
//   - 限度額適用認定証 and 特定疾病療養受療証 information only with the matching
//     consent ("1"); the consent flag is sent whenever the consent was asked,
//     its time only when given.
//   - SpecificDiseasesCertificateList repeats, one element per certificate
//     with the fields as direct children (JSON: an array of objects).
//   - The 閲覧同意 (viewing consents of the card reader, §7) with ConsFlg,
//     ConsTime and AvailableTime; a flag other than "1" has no times.
#ifndef ONSHI_OQS_RESULT_HPP_
#define ONSHI_OQS_RESULT_HPP_

#include <optional>
#include <string>

#include "core/date.hpp"
#include "core/membership.hpp"
#include "oqs/element_sink.hpp"

namespace onshi::oqs {

// One consent as the result reports it.
struct Consent {
  std::string flag = "0";  // OQSCD001 (限度額) or OQSCD016: "0" none, "1" given, "2", "3"
  std::string time;        // yyyyMMddHHmmss, when given
  std::string available;   // AvailableTime (viewing consents only), when given
};

// Which consents were asked (nullopt: the element is absent).
struct ResultConsents {
  std::optional<Consent> limit;              // LimitApplicationCertificateRelated*
  std::optional<Consent> specific_diseases;  // SpecificDiseasesCertificateRelated*
  std::optional<Consent> checkups;           // SpecificHealthCheckupsInfo* (特定健診)
  std::optional<Consent> pharmacists;        // PharmacistsInfo* (薬剤)
  std::optional<Consent> diagnosis;          // DiagnosisInfo* (診療)
  std::optional<Consent> operation;          // OperationInfo* (手術)
};

struct ResultContext {
  Date on;  // the confirmation date
  ResultConsents consents;
  // 国保 numbers are sent space-padded ("  138057") instead of zero-padded,
  // for a client that used that convention in its query.
  bool space_pad_kokuho = false;
  std::string reference_number;  // 照会番号 registered by the facility, if any
};

// Emits BeginItem("ResultOfQualificationConfirmation") … EndItem.
void EmitQualificationResult(ElementSink& sink, const Qualification& q, const ResultContext& c);

}  // namespace onshi::oqs

#endif  // ONSHI_OQS_RESULT_HPP_
