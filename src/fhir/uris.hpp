// The canonical URLs and identifier systems the FHIR view reads and writes.
//
// Everything that names a JP Core or HL7 artefact is spelled exactly as
// published (jp-core-v1x: JP_Coverage.fsh, aliases-jpcore.fsh; HL7 FHIR R4),
// because a client matches them byte for byte. The `urn:onshi:` names are
// ours: they carry what OQS answers and FHIR has no element for (the
// QualificationValidity code and the reason behind it); docs/fhir.md is their
// reader's reference and must be kept in step with this file.
#ifndef ONSHI_FHIR_URIS_HPP_
#define ONSHI_FHIR_URIS_HPP_

#include <string_view>

namespace onshi::fhir {

inline constexpr std::string_view kFhirVersion = "4.0.1";

// JP Core profiles.
inline constexpr std::string_view kJpCoverageProfile =
    "http://jpfhir.jp/fhir/core/StructureDefinition/JP_Coverage";
inline constexpr std::string_view kJpPatientProfile =
    "http://jpfhir.jp/fhir/core/StructureDefinition/JP_Patient";

// JP Core profiles of the clinical history (issue 18; aliases-jpcore.fsh).
inline constexpr std::string_view kJpMedicationDispenseProfile =
    "http://jpfhir.jp/fhir/core/StructureDefinition/JP_MedicationDispense";
inline constexpr std::string_view kJpMedicationStatementProfile =
    "http://jpfhir.jp/fhir/core/StructureDefinition/JP_MedicationStatement";
inline constexpr std::string_view kJpProcedureProfile =
    "http://jpfhir.jp/fhir/core/StructureDefinition/JP_Procedure";
inline constexpr std::string_view kJpObservationLabResultProfile =
    "http://jpfhir.jp/fhir/core/StructureDefinition/JP_Observation_LabResult";
// YJ code (薬価基準収載医薬品コード), as JP Core's $JP_MedicationCodeYJ_CS.
inline constexpr std::string_view kSystemYjCode = "urn:oid:1.2.392.100495.20.1.73";
// onshi's names for the 診療行為 and 傷病名 master codes and the 特定健診
// item codes: systems we are not sure JP Core publishes under one URL
// (docs/fhir.md).
inline constexpr std::string_view kSystemProcedureCode = "urn:onshi:fhir:CodeSystem:shinryo-koi";
inline constexpr std::string_view kSystemCheckupItemCode =
    "urn:onshi:fhir:CodeSystem:tokutei-kenshin-item";
inline constexpr std::string_view kCodeSystemObservationCategory =
    "http://terminology.hl7.org/CodeSystem/observation-category";

// JP Core Coverage extensions (valueString, context Coverage).
inline constexpr std::string_view kExtInsuredPersonSymbol =
    "http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonSymbol";
inline constexpr std::string_view kExtInsuredPersonNumber =
    "http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonNumber";
inline constexpr std::string_view kExtInsuredPersonSubNumber =
    "http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonSubNumber";

// JP Core Coverage.identifier slices.
// insuranceIdentifier: "保険者番号:記号:番号:枝番". Note "Idsystem" (lower-case s)
// and "clins" are as published.
inline constexpr std::string_view kSystemInsuranceMemberId =
    "http://jpfhir.jp/fhir/clins/Idsystem/JP_Insurance_memberID";
// insuranceCsvIdentifier: "\"保険者番号\",\"記号\",\"番号\",\"枝番\"".
inline constexpr std::string_view kSystemCoverageCsvId =
    "http://jpfhir.jp/fhir/core/IdSystem/JP_Coverage_id";

// 保険者番号 (Organization.identifier[insurerNumber]); both spellings name the
// same system, and JP Core documents use both.
inline constexpr std::string_view kSystemInsurerNumber =
    "http://jpfhir.jp/fhir/core/mhlw/IdSystem/InsurerNumber";
inline constexpr std::string_view kSystemInsurerNumberOid = "urn:oid:1.2.392.100495.20.3.61";
// 医療機関コード (10 digits).
inline constexpr std::string_view kSystemMedicalInstitutionCode = "urn:oid:1.2.392.100495.20.3.23";

// Coverage.relationship: 1 被保険者, 2 被扶養者.
inline constexpr std::string_view kCodeSystemInsuredPersonCategory =
    "http://jpfhir.jp/fhir/core/mhlw/CodeSystem/InsuredPersonCategory";

// HL7 terminology.
inline constexpr std::string_view kCodeSystemCopayType =
    "http://terminology.hl7.org/CodeSystem/coverage-copay-type";
inline constexpr std::string_view kUcum = "http://unitsofmeasure.org";
inline constexpr std::string_view kExtNameRepresentation =
    "http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation";
inline constexpr std::string_view kSubmitOperationDefinition =
    "http://hl7.org/fhir/OperationDefinition/CoverageEligibilityRequest-submit";

// onshi extensions on CoverageEligibilityResponse (see docs/fhir.md).
// valueCoding from kCodeSystemQualificationValidity: the OQS code 1..5.
inline constexpr std::string_view kExtQualificationValidity =
    "urn:onshi:fhir:StructureDefinition:qualification-validity";
// valueCoding from kCodeSystemEligibilityReason: EligibilityReasonCode().
inline constexpr std::string_view kExtEligibilityReason =
    "urn:onshi:fhir:StructureDefinition:eligibility-reason";
// valueBoolean, only with reason linkage_pending (R-LINK-4).
inline constexpr std::string_view kExtLikelyTimeLag =
    "urn:onshi:fhir:StructureDefinition:likely-time-lag";
// valueBoolean, only when true (R-CARD-4).
inline constexpr std::string_view kExtCardInGrace =
    "urn:onshi:fhir:StructureDefinition:card-in-grace";

inline constexpr std::string_view kCodeSystemQualificationValidity =
    "urn:onshi:fhir:CodeSystem:qualification-validity";
inline constexpr std::string_view kCodeSystemEligibilityReason =
    "urn:onshi:fhir:CodeSystem:eligibility-reason";

}  // namespace onshi::fhir

#endif  // ONSHI_FHIR_URIS_HPP_
