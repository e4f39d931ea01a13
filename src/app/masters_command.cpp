// `onshi masters load`: the operator loads the drug, 診療行為 and 傷病名
// masters and the interaction table (issue 18) from CSV files in the formats
// intake/master_file.hpp documents.
//
//   onshi masters load [--drugs F] [--procedures F] [--diseases F] [--interactions F]
//                      [--db PATH] [--key-file K] [--now T]
//   onshi masters show [--db PATH]
//
// Each file replaces its whole master, or — with any bad line — changes
// nothing and is reported line by line; the other files given are still
// loaded (all or nothing per file). Exit status 3 (bad input) if any file
// was refused.
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "app/cli.hpp"
#include "app/exit_codes.hpp"
#include "intake/master_file.hpp"
#include "service/clock.hpp"
#include "store/store.hpp"

namespace onshi::app {
namespace {

std::string ReadWhole(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw BadInput("cannot read " + path);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

}  // namespace

int MastersCommand(const Args& args) {
  constexpr const char* kUsage =
      "usage: onshi masters load [--drugs F] [--procedures F] [--diseases F] "
      "[--interactions F] | onshi masters show";
  if (args.positional().size() != 1) throw std::invalid_argument(kUsage);
  const std::string db = DatabaseLocation(args);
  const std::string verb = args.positional()[0];
  if (verb == "show") {
    auto store = store::OpenStore(db, KeyFileFor(args, db));
    const store::MasterCounts c = store->Clinical().CountMasters();
    std::cout << "drugs " << c.drugs << "\nprocedures " << c.procedures << "\ndiseases "
              << c.diseases << "\ninteractions " << c.interactions << "\n";
    return 0;
  }
  if (verb != "load") throw std::invalid_argument(kUsage);
  struct File {
    const char* option;
    intake::MasterKind kind;
  };
  const File files[] = {{"drugs", intake::MasterKind::kDrugs},
                        {"procedures", intake::MasterKind::kProcedures},
                        {"diseases", intake::MasterKind::kDiseases},
                        {"interactions", intake::MasterKind::kInteractions}};
  bool any = false;
  for (const File& f : files)
    any = any || args.Has(f.option);
  if (!any) throw std::invalid_argument(kUsage);
  const std::time_t now = NowFrom(args);
  auto store = store::OpenStore(db, KeyFileFor(args, db));
  int refused = 0;
  for (const File& f : files) {
    if (!args.Has(f.option)) continue;
    const std::string path = args.Get(f.option);
    const intake::MasterFile parsed = intake::ParseMasterFile(f.kind, ReadWhole(path));
    if (!parsed.errors.empty()) {
      ++refused;
      std::cerr << "onshi: " << path << ": not loaded (" << parsed.errors.size()
                << " problem(s); the " << f.option << " master is unchanged)\n";
      for (const FieldError& e : parsed.errors) {
        std::cerr << "  line " << e.line << (e.field.empty() ? "" : " " + e.field) << ": "
                  << e.reason << "\n";
      }
      continue;
    }
    store->InTransaction([&] {
      store::ClinicalStore& c = store->Clinical();
      switch (f.kind) {
        case intake::MasterKind::kDrugs:
          c.ReplaceDrugMaster(parsed.drugs);
          break;
        case intake::MasterKind::kProcedures:
          c.ReplaceProcedureMaster(parsed.procedures);
          break;
        case intake::MasterKind::kDiseases:
          c.ReplaceDiseaseMaster(parsed.diseases);
          break;
        case intake::MasterKind::kInteractions:
          c.ReplaceInteractions(parsed.interactions);
          break;
      }
      store->AppendAudit({0, service::UtcIsoTime(now), "operator", "masters.load", 0,
                          std::string(f.option) + " rows=" + std::to_string(parsed.rows()), "",
                          ""});
    });
    std::cout << "onshi: " << f.option << " master loaded: " << parsed.rows() << " rows from "
              << path << "\n";
  }
  return refused == 0 ? kExitOk : kExitBadInput;
}

}  // namespace onshi::app
