// `onshi municipal add|revoke` and `onshi admin add|revoke`: client certificates for the
// roles marked by OU — a municipality's window terminal (the /municipal/
// API: card lifecycle at the window, the hotline) and the system's
// operators (/metrics, /admin/).
#include <ctime>
#include <iostream>

#include "app/cli.hpp"
#include "auth/facility_ca.hpp"

namespace onshi::app {
namespace {

// Parses `<command> add` with `required` and the common options, checks
// them with `check` (which throws std::invalid_argument) before anything is
// written, loads the CA, and hands it to `issue`; prints what was written.
template <typename Check, typename Issue>
int AddRoleCertificate(const Args& args, const std::string& required, const std::string& usage,
                       const std::string& what, Check check, Issue issue) {
  if (args.positional().size() != 1 || args.positional()[0] != "add" || !args.Has(required) ||
      !args.Has("out")) {
    throw std::invalid_argument(usage);
  }
  const std::time_t now = NowFrom(args);
  check(args);
  const std::string db = DatabaseLocation(args);
  auto ca = auth::FacilityCa::LoadOrCreate(CaDirFor(args, db), now, std::time(nullptr));
  if (!ca.ok()) throw std::runtime_error(ca.error().ToString());
  const Expected<auth::IssuedCertificate> issued = issue(*ca, args, now);
  if (!issued.ok()) throw std::invalid_argument(issued.error().ToString());
  std::cout << "onshi: " << what << " " << args.Get(required) << "\n  certificate "
            << issued->cert_path << " (serial " << issued->serial_hex << ")\n  key         "
            << issued->key_path << "\n  server CA   " << issued->ca_path << "\n";
  return 0;
}

}  // namespace

int MunicipalCommand(const Args& args) {
  return AddRoleCertificate(
      args, "code",
      "usage: onshi municipal add --code <地方公共団体コード, 6 digits> --out DIR [--name NAME]\n"
      "       onshi municipal revoke --serial HEX | --cert cert.pem",
      "municipal window",
      [](const Args& a) {
        const std::string code = a.Get("code");
        if (code.size() != 6 || code.find_first_not_of("0123456789") != std::string::npos) {
          throw std::invalid_argument("--code must be the 6-digit 地方公共団体コード");
        }
      },
      [](const auth::FacilityCa& ca, const Args& a, std::time_t now) {
        return ca.IssueMunicipal(a.Get("code"), a.Get("name", "市区町村 " + a.Get("code")),
                                 a.Get("out"), now);
      });
}

int AdminCommand(const Args& args) {
  return AddRoleCertificate(
      args, "name",
      "usage: onshi admin add --name NAME --out DIR [--organisation ORG]\n"
      "       onshi admin revoke --serial HEX | --cert cert.pem",
      "operator",
      [](const Args& a) {
        const std::string name = a.Get("name");
        if (name.empty() || name.size() > 64) {
          throw std::invalid_argument("--name must be 1-64 bytes");
        }
      },
      [](const auth::FacilityCa& ca, const Args& a, std::time_t now) {
        return ca.IssueAdmin(a.Get("name"), a.Get("organisation", "onshi operations"), a.Get("out"),
                             now);
      });
}

}  // namespace onshi::app
