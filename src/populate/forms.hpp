// Synthetic submission files: residents for the registry stand-in plus the
// 資格取得届 an insurer would send for them, for tests, the demo and the
// import benchmark.
//
// GenerateForms adds `persons` residents (persons table only: nobody is a
// member yet) and writes one acquisition line per resident as CSV with the
// header row of intake's English names. The file is written the way real
// ones arrive: readings sometimes in half-width kana, addresses sometimes in
// ASCII digits with hyphens where the registry has full-width ones, a few
// 資格確認書 ticks. With bad_per_mille > 0 that share of lines carries one
// error, cycling through: a wrong check digit, an impossible date, a name
// that differs from the registry (a registration error, R-LINK-4), a
// missing reading, and a date of birth that differs from the registry.
//
// Running it again against the same database never reuses what an earlier
// run made: residents, 受付番号 and 記号・番号 are numbered on from the
// number of residents already in the database (each run adds that many, so
// the ranges of two runs never meet), and each seed has its own range of My
// Numbers. With `insurer_number` set, 受付番号 and 記号・番号 that insurer
// already holds (from any source) are skipped as well.
#ifndef ONSHI_POPULATE_FORMS_HPP_
#define ONSHI_POPULATE_FORMS_HPP_

#include <cstdint>
#include <ostream>
#include <string>

#include "core/date.hpp"
#include "store/store.hpp"

namespace onshi::populate {

struct FormsOptions {
  int64_t persons = 1000;
  uint64_t seed = 1;           // 0..9: each seed has its own range of My Numbers
  std::string insurer_number;  // canonical; if set, its used ids are skipped
  Date received_on = Date::FromYmd(2025, 6, 2);
  int bad_per_mille = 0;
  int64_t batch = 20000;  // residents per transaction
};

struct FormsReport {
  int64_t persons = 0;
  int64_t lines = 0;
  int64_t bad_lines = 0;
};

FormsReport GenerateForms(store::Store& store, const FormsOptions& options, std::ostream& csv);

}  // namespace onshi::populate

#endif  // ONSHI_POPULATE_FORMS_HPP_
