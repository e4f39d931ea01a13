// `onshi facility add`: registers a facility and issues its login files.
#include <ctime>
#include <iostream>

#include "app/cli.hpp"
#include "app/exit_codes.hpp"
#include "auth/facility_ca.hpp"
#include "core/medical_institution_code.hpp"
#include "service/clock.hpp"
#include "store/store.hpp"

namespace onshi::app {

constexpr std::time_t kBackdateSeconds = 24 * 3600;

int FacilityCommand(const Args& args) {
  if (args.positional().size() != 1 || args.positional()[0] != "add") {
    throw std::invalid_argument(
        "usage: onshi facility add --code <医療機関コード> --out DIR [--name NAME] [--smartphone] "
        "[--db PATH]\n"
        "       onshi facility revoke --serial HEX | --cert cert.pem");
  }
  if (!args.Has("code") || !args.Has("out")) {
    throw std::invalid_argument("facility add needs --code <医療機関コード> and --out DIR");
  }
  auto code = MedicalInstitutionCode::Parse(args.Get("code"));
  if (!code.ok()) throw BadInput("--code: " + code.error().ToString());
  const std::string kinds[] = {"", "医科", "", "歯科", "薬局", "", "訪問看護"};
  const int type = static_cast<int>(code->facility_type());
  const std::string kind = args.Get("kind", type >= 0 && type <= 6 ? kinds[type] : "医科");
  const std::string name = args.Get("name", "医療機関 " + std::string(code->digits()));

  const long long days = args.GetInt("days", auth::FacilityCa::kFacilityValidityDays);
  if (days < 1 || days > auth::FacilityCa::kCaValidityDays) {
    throw std::invalid_argument("--days must be 1.." +
                                std::to_string(auth::FacilityCa::kCaValidityDays));
  }
  const std::time_t now = NowFrom(args);
  const std::string db = DatabaseLocation(args);
  const std::string key_file = KeyFileFor(args, db);
  const std::string ca_dir = CaDirFor(args, db);
  auto store = store::OpenStore(db, key_file);
  auto ca = auth::FacilityCa::LoadOrCreate(ca_dir, now, std::time(nullptr));
  if (!ca.ok()) throw std::runtime_error(ca.error().ToString());
  auto issued = ca->IssueFacility(*code, name, args.Get("out"), now, static_cast<int>(days));
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
