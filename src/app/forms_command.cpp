// `onshi forms`: residents for the registry plus the acquisition forms an
// insurer would import for them (tests, demo, the import benchmark).
#include <fstream>
#include <iostream>

#include "app/cli.hpp"
#include "app/exit_codes.hpp"
#include "core/insurer_number.hpp"
#include "populate/forms.hpp"
#include "store/store.hpp"

namespace onshi::app {

int FormsCommand(const Args& args) {
  if (!args.Has("persons") || !args.Has("out")) {
    throw std::invalid_argument(
        "usage: onshi forms --persons N --out FILE.csv [--seed 0-9] [--bad-per-mille X] "
        "[--today YYYY-MM-DD] [--insurer N]");
  }
  populate::FormsOptions o;
  o.persons = args.GetInt("persons", 0);
  if (o.persons < 1) throw std::invalid_argument("--persons must be at least 1");
  o.seed = static_cast<uint64_t>(args.GetInt("seed", 1));
  if (o.seed > 9) throw std::invalid_argument("--seed must be 0..9 (each has its own numbers)");
  o.bad_per_mille = static_cast<int>(args.GetInt("bad-per-mille", 0));
  if (o.bad_per_mille < 0 || o.bad_per_mille > 1000) {
    throw std::invalid_argument("--bad-per-mille must be 0..1000");
  }
  if (args.Has("today")) {
    auto d = Date::ParseIso(args.Get("today"));
    if (!d) throw std::invalid_argument("--today must be YYYY-MM-DD");
    o.received_on = *d;
  }
  if (args.Has("insurer")) {
    auto n = InsurerNumber::Parse(args.Get("insurer"));
    if (!n.ok()) throw BadInput("--insurer: " + n.error().ToString());
    o.insurer_number = std::string(n->digits());
  }
  const std::string db = DatabaseLocation(args);
  auto store = store::OpenStore(db, KeyFileFor(args, db));
  std::ofstream out = OpenPrivateOutput(args.Get("out"));
  const populate::FormsReport r = populate::GenerateForms(*store, o, out);
  out.close();
  if (!out) throw std::runtime_error("cannot write " + args.Get("out"));
  std::cout << "onshi forms: " << r.persons << " residents added, " << r.lines << " lines ("
            << r.bad_lines << " with an error) in " << args.Get("out") << "\n";
  return 0;
}

}  // namespace onshi::app
