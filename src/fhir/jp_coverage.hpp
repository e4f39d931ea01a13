// One qualification (資格) as a JP Core Coverage (internal to src/fhir).
//
// JP_Coverage (jp-core-v1x JP_Coverage.fsh) as filled here:
//   meta.profile       JP_Coverage
//   extension          InsuredPersonSymbol (if any), InsuredPersonNumber,
//                      InsuredPersonSubNumber (if any); 記号・番号 full-width
//   identifier         insuranceIdentifier "保険者番号:記号:番号:枝番" and
//                      insuranceCsvIdentifier "\"保険者番号\",\"記号\",\"番号\",\"枝番\""
//   status             cancelled if lost on or before `on`, else active
//   type.text          the insurer's category (協会けんぽ, 国民健康保険, …)
//   subscriber.display 被保険者氏名, for a 家族 only
//   subscriberId       "記号:番号"; beneficiary: `beneficiary`; dependent: 枝番
//   relationship       InsuredPersonCategory 1 被保険者 / 2 被扶養者
//   period             acquired .. the day before lost
//   payor              `payor`
//   costToBeneficiary  copaypct: the 一部負担金割合 on `on` (the 高齢受給者証's
//                      ratio when one is in force, filed or by law; else the
//                      filed ratio or the law's, core/copay.hpp), in %
#ifndef ONSHI_FHIR_JP_COVERAGE_HPP_
#define ONSHI_FHIR_JP_COVERAGE_HPP_

#include <boost/json.hpp>

#include <string_view>

#include "core/date.hpp"
#include "core/membership.hpp"

namespace onshi::fhir {

// FHIR Period of a qualification: {start, end} with end the last covered day.
boost::json::object QualificationPeriod(const Qualification& q);

boost::json::object JpCoverage(const Qualification& q, Date on, std::string_view id,
                               std::string_view beneficiary, std::string_view payor);

}  // namespace onshi::fhir

#endif  // ONSHI_FHIR_JP_COVERAGE_HPP_
