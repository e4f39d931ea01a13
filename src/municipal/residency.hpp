// 住民: a municipal window acts only on its own residents (issue 15).
//
// Each person carries the 地方公共団体コード of the municipality they are
// registered in (PersonRecord::municipality); a window's certificate names
// its own (CN=<code>, auth/facility_ca.hpp). Before this, 千代田区's window
// could reset the PIN of a 港区 resident's card. Every municipal operation —
// card issue, renewal, suspension, resumption, reissue, PIN reset,
// smartphone credentials, 利用登録 at the window and the registration view —
// now checks the person first, and a refusal is audited.
//
// The code "" stands for J-LIS's own operator (the `onshi card` command run
// with the database's keys and no --municipality), who acts for every
// municipality. A person whose municipality is not recorded ("", rows from
// before schema 5) is nobody's resident: only that operator acts on them.
#ifndef ONSHI_MUNICIPAL_RESIDENCY_HPP_
#define ONSHI_MUNICIPAL_RESIDENCY_HPP_

#include <ctime>
#include <optional>
#include <string>
#include <string_view>

#include "core/expected.hpp"
#include "store/records.hpp"
#include "store/store.hpp"

namespace onshi::municipal {

// nullopt if `window` ("" for J-LIS) may act on `person`; otherwise an
// Error on field "municipality" that does not say where the person lives.
std::optional<Error> CheckResident(const store::PersonRecord& person, std::string_view window);

// CheckResident, and on a refusal an audit entry "municipal.refused" by
// `actor` naming the person and `what` was asked.
std::optional<Error> GuardResident(store::Store& store, const store::PersonRecord& person,
                                   std::string_view window, const std::string& actor,
                                   const std::string& what, std::time_t now);

}  // namespace onshi::municipal

#endif  // ONSHI_MUNICIPAL_RESIDENCY_HPP_
