// `onshi facility add`: registers a facility and issues its login files.
#include <ctime>
#include <iostream>

#include "app/cli.hpp"
#include "auth/facility_ca.hpp"
#include "core/medical_institution_code.hpp"
#include "service/clock.hpp"
#include "store/store.hpp"

namespace onshi::app {

constexpr std::time_t kBackdateSeconds = 24 * 3600;

std::string StateBaseFor(const std::string& location) {
  // Beside the key file: "<db>.keys" → "<db>".
  std::string base = store::DefaultKeyFile(location);
  base.resize(base.size() - std::string_view(".keys").size());
  return base;
}

std::string CaDirFor(const Args& args, const std::string& location) {
  if (args.Has("ca-dir")) return args.Get("ca-dir");
  if (const char* env = std::getenv("ONSHI_CA_DIR"); env && *env) return env;
  return StateBaseFor(location) + ".ca";
}

std::string CardIssuerKeyFor(const Args& args, const std::string& location) {
  return args.Has("card-issuer-key") ? args.Get("card-issuer-key")
                                     : StateBaseFor(location) + ".card-issuer.key";
}

std::string CardsDirFor(const Args& args, const std::string& location) {
  return args.Has("cards-dir") ? args.Get("cards-dir") : StateBaseFor(location) + ".cards";
}

std::string JpkiDirFor(const Args& args, const std::string& location) {
  if (args.Has("jpki-dir")) return args.Get("jpki-dir");
  if (const char* env = std::getenv("ONSHI_JPKI_DIR"); env && *env) return env;
  return StateBaseFor(location) + ".jpki";
}

int FacilityCommand(const std::vector<std::string>& argv) {
  Args args(argv, {{"db", true},
                   {"key-file", true},
                   {"ca-dir", true},
                   {"code", true},
                   {"now", true},
                   {"name", true},
                   {"kind", true},
                   {"smartphone", false},
                   {"out", true},
                   {"days", true}});
  if (args.positional().size() != 1 || args.positional()[0] != "add") {
    throw std::invalid_argument(
        "usage: onshi facility add --code <医療機関コード> --out DIR [--name NAME] [--smartphone] "
        "[--db PATH]");
  }
  if (!args.Has("code") || !args.Has("out")) {
    throw std::invalid_argument("facility add needs --code <医療機関コード> and --out DIR");
  }
  auto code = MedicalInstitutionCode::Parse(args.Get("code"));
  if (!code.ok()) throw std::invalid_argument("--code: " + code.error().ToString());
  const std::string kinds[] = {"", "医科", "", "歯科", "薬局", "", "訪問看護"};
  const int type = static_cast<int>(code->facility_type());
  const std::string kind = args.Get("kind", type >= 0 && type <= 6 ? kinds[type] : "医科");
  const std::string name = args.Get("name", "医療機関 " + std::string(code->digits()));

  const std::string db = DatabaseLocation(args);
  auto store = store::OpenStore(db, KeyFileFor(args, db));
  const std::time_t now = NowFrom(args);
  auto ca = auth::FacilityCa::LoadOrCreate(CaDirFor(args, db), now);
  if (!ca.ok()) throw std::runtime_error(ca.error().ToString());
  auto issued = ca->IssueFacility(
      *code, name, args.Get("out"), now,
      static_cast<int>(args.GetInt("days", auth::FacilityCa::kFacilityValidityDays)));
  if (!issued.ok()) throw std::runtime_error(issued.error().ToString());
  // --smartphone: the facility's readers accept the smartphone's My Number
  // card function (R-CARD-8).
  store->PutFacility({std::string(code->digits()), name, kind, args.Has("smartphone")});
  std::cout << "onshi: facility " << code->digits() << " (" << name << ", " << kind
            << ") registered\n  certificate " << issued->cert_path << " (serial "
            << issued->serial_hex << ")\n  key         " << issued->key_path << "\n  login body  "
            << issued->body_path << "\n  server CA   " << issued->ca_path << "\n";
  return 0;
}

}  // namespace onshi::app
