// `onshi registry event`: the municipal window records a 住民異動 in the
// resident registry (municipal/resident_registry.hpp, R-LINK-4).
//
//   onshi registry event --person-id N --kind moved|renamed|moved-in|died --date YYYY-MM-DD
//                        --municipality CODE [--address A] [--postcode P]
//                        [--name N] [--name-kana K] [--now T] [--db PATH]
//
// --municipality is the recording window's 地方公共団体コード (for moved-in,
// the municipality moved into). Prints the registry's record afterwards.
#include <iostream>
#include <stdexcept>

#include "app/cli.hpp"
#include "app/exit_codes.hpp"
#include "municipal/resident_registry.hpp"
#include "service/clock.hpp"
#include "store/store.hpp"

namespace onshi::app {

int RegistryCommand(const Args& args) {
  constexpr const char* kUsage =
      "usage: onshi registry event --person-id N --kind moved|renamed|moved-in|died "
      "--date YYYY-MM-DD --municipality CODE [--address A] [--postcode P] [--name N] "
      "[--name-kana K]";
  if (args.positional().size() != 1 || args.positional()[0] != "event" || !args.Has("person-id") ||
      !args.Has("kind") || !args.Has("date") || !args.Has("municipality")) {
    throw std::invalid_argument(kUsage);
  }
  municipal::RegistryEventRequest r;
  r.person_id = args.GetInt("person-id", 0);
  if (r.person_id <= 0) throw std::invalid_argument("--person-id must be a positive number");
  const auto kind = ParseRegistryEvent(args.Get("kind"));
  if (!kind) throw std::invalid_argument("--kind must be moved, renamed, moved-in or died");
  r.kind = *kind;
  const auto date = Date::ParseIso(args.Get("date"));
  if (!date) throw std::invalid_argument("--date must be YYYY-MM-DD (the 異動日)");
  r.effective_on = *date;
  r.municipality = args.Get("municipality");
  r.address = args.Get("address");
  r.postcode = args.Get("postcode");
  r.name = args.Get("name");
  r.name_kana = args.Get("name-kana");

  const std::time_t now = NowFrom(args);
  const std::string db = DatabaseLocation(args);
  auto store = store::OpenStore(db, KeyFileFor(args, db));
  const auto done = municipal::RecordRegistryEvent(
      *store, r, service::JstDate(now), "municipal:" + r.municipality, service::UtcIsoTime(now));
  if (!done.ok()) throw Refused(done.error().ToString());
  const store::PersonRecord& p = done->person;
  std::cout << "onshi: " << RegistryEventName(r.kind) << " of person " << p.person_id
            << " recorded, effective " << r.effective_on.ToIso() << "\n  氏名   " << p.name << " ("
            << p.name_kana << ")\n  住所   " << (p.postcode.empty() ? "" : "〒" + p.postcode + " ")
            << p.address << "\n";
  if (p.died_on) std::cout << "  死亡   " << p.died_on->ToIso() << "\n";
  return 0;
}

}  // namespace onshi::app
