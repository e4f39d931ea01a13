// `onshi card …`: see card_command.hpp.
#include "app/card_command.hpp"

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <stdexcept>

#include "app/cli.hpp"
#include "app/exit_codes.hpp"
#include "card/card_file.hpp"
#include "card/issuer_key.hpp"
#include "core/my_number.hpp"
#include "jpki/jpki_ca.hpp"
#include "municipal/card_office.hpp"
#include "municipal/registration.hpp"
#include "service/clock.hpp"
#include "store/store.hpp"

namespace onshi::app {

namespace {

constexpr const char* kUsage =
    "usage: onshi card "
    "issue|renew|suspend|resume|reissue|pin-reset|register|status|pin-certificates|"
    "smartphone add|smartphone revoke [options] (see `onshi help`)";

// The card office's answer, or its refusal (exit 4): the card's state or a
// rule forbids the step.
template <class T>
T OrFail(Expected<T> e) {
  if (!e.ok()) throw Refused(e.error().ToString());
  return std::move(e).value();
}

// A key or CA this command needs could not be loaded (exit 1).
template <class T>
T Loaded(Expected<T> e) {
  if (!e.ok()) throw std::runtime_error(e.error().ToString());
  return std::move(e).value();
}

int64_t RequiredId(const Args& args, const std::string& name) {
  if (!args.Has(name)) throw std::invalid_argument("this needs --" + name + " N");
  const long long id = args.GetInt(name, 0);
  if (id <= 0) throw std::invalid_argument("--" + name + " must be a positive number");
  return id;
}

// --pin P or --face-only (exactly one); nullopt means face-only.
std::optional<std::string> PinChoice(const Args& args) {
  if (args.Has("pin") == args.Has("face-only")) {
    throw std::invalid_argument("give --pin NNNN or --face-only (顔認証マイナンバーカード)");
  }
  if (args.Has("face-only")) return std::nullopt;
  return args.Get("pin");
}

MyNumber ReadMyNumberFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw BadInput("--my-number-file: cannot read " + path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
    text.pop_back();
  auto n = MyNumber::ParseLenient(text);
  // The error names positions, never the digits.
  if (!n.ok()) throw BadInput("--my-number-file: " + n.error().message);
  return *n;
}

void PrintCard(const char* what, const municipal::IssuedCard& c) {
  std::cout << "onshi: " << what << " card " << c.card_id << " (person " << c.person_id
            << ")\n  card file    " << c.card_path << "\n  certificate  " << c.cert_serial
            << "\n  card valid to " << c.card_expires_on.ToIso() << " (R-CARD-2)"
            << "\n  cert valid to " << c.cert_expires_on.ToIso() << " (R-CARD-3)"
            << "\n  利用登録      " << (c.registration_kept ? "kept" : "not registered") << "\n";
}

void PrintRecord(const char* what, const store::CardRecord& r) {
  std::cout << "onshi: card " << r.card_id << " " << what << " (now "
            << store::CardStateName(r.status) << ", certificate " << r.cert_serial << ")\n";
}

// Checks the options `sub` needs before anything is opened: a command that
// fails its argument check creates no database, key or card file.
void CheckOptions(const std::string& sub, const Args& args) {
  if (sub == "status") {
    RequiredId(args, "person-id");
  } else if (sub == "register") {
    if (!municipal::ParseChannel(args.Get("channel"))) {
      throw std::invalid_argument("--channel must be window, portal, reader or atm");
    }
    RequiredId(args, "card");
  } else if (sub == "issue") {
    if (args.Has("person-id") == args.Has("my-number-file")) {
      throw std::invalid_argument("card issue needs --person-id N or --my-number-file F");
    }
    if (args.Has("person-id")) RequiredId(args, "person-id");
    if (args.Has("my-number-file")) ReadMyNumberFile(args.Get("my-number-file"));
    if (args.Has("application-date") && !Date::ParseIso(args.Get("application-date"))) {
      throw std::invalid_argument("--application-date must be YYYY-MM-DD");
    }
    PinChoice(args);
  } else if (sub == "renew" || sub == "suspend" || sub == "resume" || sub == "smartphone revoke") {
    RequiredId(args, "card");
  } else if (sub == "reissue") {
    RequiredId(args, "card");
    PinChoice(args);
  } else if (sub == "pin-reset") {
    if (!args.Has("pin")) throw std::invalid_argument("card pin-reset needs --pin NNNN");
    RequiredId(args, "card");
  } else if (sub == "smartphone add") {
    if (!args.Has("pin")) throw std::invalid_argument("card smartphone add needs --pin NNNN");
    RequiredId(args, "person-id");
  } else {
    throw std::invalid_argument(kUsage);
  }
}

}  // namespace

int CardCommand(const Args& args) {
  const auto& pos = args.positional();
  if (pos.empty() || pos.size() > 2 || (pos.size() == 2 && pos[0] != "smartphone")) {
    throw std::invalid_argument(kUsage);
  }
  const std::string sub = pos.size() == 2 ? pos[0] + " " + pos[1] : pos[0];

  CheckOptions(sub, args);
  const std::time_t now = NowFrom(args);
  const Date today = service::JstDate(now);
  const std::string db = DatabaseLocation(args);
  const std::string key_file = KeyFileFor(args, db);
  const std::string cards_dir = CardsDirFor(args, db);
  const std::string issuer_key_file = CardIssuerKeyFor(args, db);
  const std::string jpki_dir = JpkiDirFor(args, db);
  auto store = store::OpenStore(db, key_file);
  const auto issuer_key = Loaded(card::IssuerKey::LoadOrCreate(issuer_key_file));

  if (sub == "status") {
    municipal::Registrar registrar(*store, issuer_key, cards_dir);
    std::cout << municipal::FormatRegistrationStatus(
        registrar.Status(RequiredId(args, "person-id"), today));
    return 0;
  }
  if (sub == "register") {
    const auto channel = municipal::ParseChannel(args.Get("channel"));
    if (!channel) throw std::invalid_argument("--channel must be window, portal, reader or atm");
    municipal::Registrar registrar(*store, issuer_key, cards_dir);
    municipal::RegistrationRequest r;
    r.card_id = RequiredId(args, "card");
    r.channel = *channel;
    r.pin = args.Get("pin");
    if (*channel == municipal::RegistrationChannel::kWindow) {
      r.municipality = args.Get("municipality", "");
      r.actor = r.municipality.empty() ? "jlis" : "municipal:" + r.municipality;
    }
    const auto result = OrFail(registrar.Register(r, now));
    std::cout << "onshi: card " << result.card_id
              << (result.newly_registered ? " registered" : " was already registered")
              << " for insurance use on " << result.registered_on.ToIso() << " via "
              << result.channel << "\n";
    return 0;
  }

  auto ca = Loaded(jpki::JpkiCa::LoadOrCreate(jpki_dir, now, std::time(nullptr)));
  municipal::CardOffice office(*store, ca, issuer_key, cards_dir, args.Get("municipality", ""));
  if (sub == "issue") {
    municipal::IssueRequest r;
    if (args.Has("person-id") == args.Has("my-number-file")) {
      throw std::invalid_argument("card issue needs --person-id N or --my-number-file F");
    }
    if (args.Has("person-id")) r.person_id = RequiredId(args, "person-id");
    if (args.Has("my-number-file")) r.my_number = ReadMyNumberFile(args.Get("my-number-file"));
    r.application_date = today;
    if (args.Has("application-date")) {
      auto d = Date::ParseIso(args.Get("application-date"));
      if (!d) throw std::invalid_argument("--application-date must be YYYY-MM-DD");
      r.application_date = *d;
    }
    r.pin = PinChoice(args);
    if (args.Has("photo")) {
      // The face photo on the card's 券面事項確認AP (card/card_face_ap.hpp).
      std::ifstream in(args.Get("photo"), std::ios::binary);
      if (!in) throw BadInput("--photo: cannot read " + args.Get("photo"));
      r.photo.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    const auto issued = OrFail(office.Issue(r, now));
    PrintCard("issued", issued);
    // What is printed on the card face, which the reader's camera reads.
    std::cout << "  照合番号B     " << issued.collation_number_b
              << (r.photo.empty() ? " (no photo on the chip)" : " (unlocks the chip's photo)")
              << "\n";
    if (args.Has("out")) {
      const std::filesystem::path out = args.Get("out");
      std::filesystem::create_directories(out);
      const auto link = out / std::filesystem::path(issued.card_path).filename();
      std::filesystem::create_symlink(std::filesystem::absolute(issued.card_path), link);
      std::cout << "  link         " << link.string() << "\n";
    }
    return 0;
  }
  if (sub == "renew") {
    PrintCard("renewed the certificate of",
              OrFail(office.RenewCertificate(RequiredId(args, "card"), now)));
    return 0;
  }
  if (sub == "suspend") {
    PrintRecord("suspended by the hotline; its certificate is revoked",
                OrFail(office.Suspend(RequiredId(args, "card"), now)));
    return 0;
  }
  if (sub == "resume") {
    PrintCard("resumed (new certificate)", OrFail(office.Resume(RequiredId(args, "card"), now)));
    return 0;
  }
  if (sub == "reissue") {
    const int64_t old = RequiredId(args, "card");
    const auto issued = OrFail(office.Reissue(old, PinChoice(args), now));
    std::cout << "onshi: card " << old << " revoked\n";
    PrintCard("reissued as", issued);
    return 0;
  }
  if (sub == "pin-reset") {
    if (!args.Has("pin")) throw std::invalid_argument("card pin-reset needs --pin NNNN");
    PrintRecord("PIN reset and unlocked",
                OrFail(office.ResetPin(RequiredId(args, "card"), args.Get("pin"), now)));
    return 0;
  }
  if (sub == "pin-certificates") {
    // Cards issued before certificates were pinned (schema 5): one, or every
    // card file in the cards directory.
    std::vector<int64_t> ids;
    if (args.Has("card")) {
      ids.push_back(RequiredId(args, "card"));
    } else {
      std::error_code ec;
      for (const auto& entry : std::filesystem::directory_iterator(cards_dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.rfind("card-", 0) != 0 || entry.path().extension() != ".card") continue;
        const std::string digits = name.substr(5, name.size() - 5 - 5);
        if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) {
          continue;
        }
        ids.push_back(std::stoll(digits));
      }
      std::sort(ids.begin(), ids.end());
    }
    int pinned = 0, refused = 0;
    for (int64_t id : ids) {
      auto r = office.PinCertificate(id, now);
      if (r.ok()) {
        ++pinned;
      } else {
        ++refused;
        std::cerr << "onshi: card " << id << ": " << r.error().ToString() << "\n";
      }
    }
    std::cout << "onshi: " << pinned << " card certificate(s) pinned, " << refused
              << " not (see above)\n";
    return refused == 0 ? kExitOk : kExitRefused;
  }
  if (sub == "smartphone add") {
    if (!args.Has("pin")) throw std::invalid_argument("card smartphone add needs --pin NNNN");
    PrintCard("added smartphone credential as",
              OrFail(office.AddSmartphone(RequiredId(args, "person-id"), args.Get("pin"), now)));
    return 0;
  }
  if (sub == "smartphone revoke") {
    PrintRecord("(smartphone credential) revoked",
                OrFail(office.RevokeSmartphone(RequiredId(args, "card"), now)));
    return 0;
  }
  throw std::invalid_argument(kUsage);
}

}  // namespace onshi::app
