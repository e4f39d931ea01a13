// Synthetic population: a deterministic, realistic-looking set of insured
// people for demos, tests and benchmarks.
//
// The same (members, seed, today) always yields the same database contents:
// the generator uses its own SplitMix64 stream rather than <random>
// distributions, whose output differs between standard libraries.
//
// What it makes: insurers of every kind (協会けんぽ branches, 組合健保, 共済,
// 市町村国保, 後期高齢者医療広域連合) with valid check digits; households with
// an insured person and dependents (本人/家族) for employee insurance, or
// members of one 世帯 for 国保; people over 75 in 後期高齢者医療 with 1-3割
// copay; 70-74 year olds with a 高齢受給者証; pre-school children at 2割;
// some 限度額適用認定証 and 特定疾病 certificates; job changes (lost + new
// qualification), deaths, pending and failed linkages; My Number cards in
// every state (valid, expiring, in grace, expired, suspended, PIN-locked,
// face-only, not registered); and the 資格情報のお知らせ / 資格確認書 records
// the document rules require.
#ifndef ONSHI_POPULATE_POPULATION_HPP_
#define ONSHI_POPULATE_POPULATION_HPP_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/date.hpp"
#include "store/store.hpp"

namespace onshi::populate {

struct PopulationOptions {
  int64_t members = 1000;  // qualifications to create (households are cut to fit)
  uint64_t seed = 1;
  Date today = Date::FromYmd(2025, 6, 2);  // "now" for ages, linkage and card states
  // Adds the hand-made demo scenarios (one person per interesting outcome).
  bool scenarios = false;
  int64_t batch = 20000;  // rows per transaction
};

// A person placed on purpose in one interesting state, with the keys a
// facility would type to query them.
struct Scenario {
  std::string title;   // e.g. "有効 (valid)"
  std::string expect;  // e.g. "QualificationValidity=1"
  std::string insurer_number;
  std::string symbol;
  std::string number;
  std::string branch;       // may be empty: "query without 枝番"
  std::string birth_date;   // YYYYMMDD
  std::string card_serial;  // certificate serial when the scenario is about the card
};

struct PopulationReport {
  int64_t persons = 0;
  int64_t members = 0;
  int64_t insurers = 0;
  int64_t cards = 0;
  int64_t documents = 0;
  int64_t facilities = 0;
  std::vector<Scenario> scenarios;
};

// Writes the population into `store` (which should be empty). `progress`, if
// set, is called after each committed batch with the members written so far.
PopulationReport Populate(store::Store& store, const PopulationOptions& options,
                          const std::function<void(int64_t)>& progress = {});

}  // namespace onshi::populate

#endif  // ONSHI_POPULATE_POPULATION_HPP_
