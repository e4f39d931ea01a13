// `onshi municipal add`: a municipality's window terminal certificate, for
// the /municipal/ API (card lifecycle at the window, the hotline).
#include <ctime>
#include <iostream>

#include "app/cli.hpp"
#include "auth/facility_ca.hpp"
#include "service/clock.hpp"

namespace onshi::app {

int MunicipalCommand(const std::vector<std::string>& argv) {
  Args args(argv, {{"db", true},
                   {"key-file", true},
                   {"ca-dir", true},
                   {"code", true},
                   {"name", true},
                   {"now", true},
                   {"out", true}});
  if (args.positional().size() != 1 || args.positional()[0] != "add" || !args.Has("code") ||
      !args.Has("out")) {
    throw std::invalid_argument(
        "usage: onshi municipal add --code <地方公共団体コード, 6 digits> --out DIR [--name NAME]");
  }
  std::time_t now = std::time(nullptr);
  if (args.Has("now") && !service::ParseTime(args.Get("now"), &now)) {
    throw std::invalid_argument("--now must be YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS(Z|+09:00)");
  }
  const std::string db = DatabaseLocation(args);
  auto ca = auth::FacilityCa::LoadOrCreate(CaDirFor(args, db), now);
  if (!ca.ok()) throw std::runtime_error(ca.error().ToString());
  const std::string name = args.Get("name", "市区町村 " + args.Get("code"));
  auto issued = ca->IssueMunicipal(args.Get("code"), name, args.Get("out"), now);
  if (!issued.ok()) throw std::invalid_argument(issued.error().ToString());
  std::cout << "onshi: municipal window " << args.Get("code") << " (" << name << ")\n  certificate "
            << issued->cert_path << " (serial " << issued->serial_hex << ")\n  key         "
            << issued->key_path << "\n  server CA   " << issued->ca_path << "\n";
  return 0;
}

}  // namespace onshi::app
