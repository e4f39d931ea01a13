#include "app/cli.hpp"

#include "service/check_log.hpp"
#include "service/clock.hpp"
#include "service/store_pool.hpp"

#include <cstdlib>
#include <iostream>
#include <stdexcept>

#include "app/card_command.hpp"
#include "app/card_emulate_command.hpp"
#include "store/audit_anchor.hpp"
#include "store/store.hpp"

namespace onshi::app {
namespace {

constexpr const char* kUsage =
    "onshi — the online eligibility verification system (オンライン資格確認等システム)\n"
    "\n"
    "usage: onshi <command> [options]\n"
    "\n"
    "commands:\n"
    "  init                    create a new database (and its key file)\n"
    "  migrate                 apply database schema migrations\n"
    "  populate --members N    create a deterministic synthetic population\n"
    "           [--seed S] [--today YYYY-MM-DD] [--scenarios] [--quiet]\n"
    "  serve                   run the eligibility service (HTTPS, OQS web API, FHIR)\n"
    "           [--create]  (make the database if there is none; otherwise refused)\n"
    "           [--listen ADDR:PORT] [--threads N] [--no-tls] [--now T] [--ca-dir DIR]\n"
    "           [--link-every SECONDS]  (the linker's round; 0 = off; default 60)\n"
    "           [--replica URI]  (a streaming replica of --db for eligibility reads)\n"
    "           [--audit-spool DIR] [--probe-every-ms MS]  (read-only mode, see README)\n"
    "           [--audit-commit-ms MS]  (audit group commit interval; default 100)\n"
    "           [--max-connections N] [--max-connections-per-address N]\n"
    "           [--tls-handshake-timeout SECONDS]  (connection limits; see README)\n"
    "           [--reader-agent http://127.0.0.1:PORT]  (the portal's reader agent)\n"
    "           [--portal-idle-seconds S] [--portal-session-seconds S]  (portal sessions)\n"
    "           [--access-log FILE|-]  (one JSON line per request; - is stderr)\n"
    "           [--eligibility-from memory|store] [--index-poll-ms MS]  (checks from the\n"
    "           in-memory index, kept current from the change feed; default memory, 10)\n"
    "           [--proof-test-gather N]  (tests only: the first proof batch waits for N)\n"
    "           [--check-log DIR]  (checks audited in their own log, not the database)\n"
    "  facility add --code C --out DIR [--name N] [--smartphone]\n"
    "                          register a facility and write its cert.pem, key.pem, body.json\n"
    "  facility|insurer|municipal|admin revoke --serial HEX | --cert cert.pem\n"
    "                          revoke a client certificate; running servers refuse it at once\n"
    "  reader add --facility C --out DIR [--name N] | revoke --id ID | list --facility C\n"
    "                          a facility's card readers: each signs its face/目視 checks\n"
    "  insurer add --number N --name NAME [--lag DAYS] [--out DIR]\n"
    "                          register an insurer (and write its client certificate)\n"
    "  import FILE --insurer N submit an insurer's forms (CSV UTF-8/Shift_JIS, JSON lines)\n"
    "           [--format csv|jsonl] [--encoding utf-8|shift_jis] [--errors OUT.csv] [--now T]\n"
    "           exit 0: all queued; 3: some lines rejected or registration errors\n"
    "  link [--now T]          link the forms whose lag has passed and record the documents\n"
    "                          due (the daily job)\n"
    "  forms --persons N --out FILE [--seed S] [--bad-per-mille X] [--today D]\n"
    "                          add residents and write their 資格取得届 as CSV (synthetic)\n"
    "  submissions --insurer N [--state S] [--encoding E]\n"
    "                          an insurer's submissions and errors as CSV\n"
    "  documents due --insurer N [--as-of D]\n"
    "                          what the insurer must print and post (資格確認書, お知らせ, …)\n"
    "  documents issue --insurer N [--as-of D] --out DIR\n"
    "                          record and print it: one PDF each, a print file, the register\n"
    "  documents apply|returned|form …\n"
    "                          applications (lost card, form), returns, blank forms\n"
    "  card issue|renew|suspend|resume|reissue|pin-reset|register|status|pin-certificates|\n"
    "       smartphone …\n"
    "                          the My Number card at the municipal window (JPKI, 利用登録)\n"
    "  municipal add --code C --out DIR [--name N]\n"
    "                          a municipal window's client certificate (/municipal/ API)\n"
    "  registry event --person-id N --kind moved|renamed|moved-in|died --date D\n"
    "           --municipality C [--address A] [--postcode P] [--name N] [--name-kana K]\n"
    "                          record a 住民異動 in the resident registry (R-LINK-4)\n"
    "  masters load [--drugs F] [--procedures F] [--diseases F] [--interactions F]\n"
    "                          load the drug, 診療行為 and 傷病名 masters and the interaction\n"
    "                          table (CSV, UTF-8 or Shift_JIS; all or nothing per file)\n"
    "  admin add --name N --out DIR  an operator's certificate (/metrics, /admin/)\n"
    "  reader-agent --origin https://HOST:PORT [--listen 127.0.0.1:47215] [--reader NAME]\n"
    "                          the portal's card reader software on loopback: the login page\n"
    "                          has the card sign through pcsc-lite (only for that origin)\n"
    "  card emulate --card F --issuer-key K [--vpcd HOST:PORT] [--surface FILE]\n"
    "                          serve a card file to pcscd through vsmartcard's vpcd\n"
    "  audit verify [--ca-dir DIR] [--check-log DIR]\n"
    "                          check the audit log's hash chain against its anchors\n"
    "  audit anchor [--ca-dir DIR]\n"
    "                          verify, then anchor the newest entry (after batch jobs)\n"
    "  proof verify --body FILE --proof FILE --key FILE\n"
    "                          check an answer's X-OQS-Proof offline (exit 0 valid, 1 not)\n"
    "  terminal --central URL --cert C --key K --body B --ca CA [--dir D] [--charset E] [--once]\n"
    "                          the facility's 資格確認端末: answers Req/OQSsiquc01req_*.xml in "
    "Res\n"
    "  backup DIR              the database (online) and its keys, CAs and card files\n"
    "  restore DIR             all of it back, into an empty place only\n"
    "  version                 print the version\n"
    "\n"
    "common options:\n"
    "  --db PATH               database (default $ONSHI_DB or ./onshi.db)\n"
    "  --key-file PATH         My Number key file (default <db>.keys)\n"
    "  --state-dir DIR         keys, CAs and card files (default beside a SQLite --db;\n"
    "                          required, or $ONSHI_STATE_DIR, with a postgresql:// --db)\n";

}  // namespace

Args::Args(const std::vector<std::string>& argv, const std::map<std::string, bool>& known) {
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a.rfind("--", 0) != 0) {
      positional_.push_back(a);
      continue;
    }
    std::string name = a.substr(2), value;
    const size_t eq = name.find('=');
    const bool inline_value = eq != std::string::npos;
    if (inline_value) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    auto it = known.find(name);
    if (it == known.end()) throw std::invalid_argument("unknown option --" + name);
    if (it->second && !inline_value) {
      if (i + 1 >= argv.size()) throw std::invalid_argument("option --" + name + " needs a value");
      value = argv[++i];
    }
    values_[name] = value;
  }
}

std::string Args::Get(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second;
}

long long Args::GetInt(const std::string& name, long long fallback) const {
  auto it = values_.find(name);
  if (it == values_.end()) return fallback;
  size_t used = 0;
  long long v = 0;
  try {
    v = std::stoll(it->second, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != it->second.size()) {
    throw std::invalid_argument("option --" + name + " must be a whole number, got \"" +
                                it->second + "\"");
  }
  return v;
}

std::string DatabaseLocation(const Args& args) {
  if (args.Has("db")) return args.Get("db");
  if (const char* env = std::getenv("ONSHI_DB"); env && *env) return env;
  return "onshi.db";
}

std::time_t NowFrom(const Args& args) {
  std::time_t now = std::time(nullptr);
  if (args.Has("now") && !service::ParseTime(args.Get("now"), &now)) {
    throw std::invalid_argument("--now must be YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS(Z|+09:00)");
  }
  return now;
}

int InitCommand(const std::vector<std::string>& argv) {
  Args args(argv, {{"db", true}, {"key-file", true}, {"state-dir", true}});
  if (!args.positional().empty()) throw std::invalid_argument("usage: onshi init [--db PATH]");
  const std::string db = DatabaseLocation(args);
  const std::string key_file = KeyFileFor(args, db);
  const bool existed = store::DatabaseExists(db);
  auto store = store::OpenStore(db, key_file);
  std::cout << "onshi: " << service::RedactLocation(db)
            << (existed ? " already exists" : " created") << ", schema version "
            << store->SchemaVersion() << "; its keys are in " << key_file << "\n";
  return 0;
}

int MigrateCommand(const std::vector<std::string>& argv) {
  Args args(argv, {{"db", true}, {"key-file", true}, {"state-dir", true}});
  const std::string db = DatabaseLocation(args);
  auto store = store::OpenStore(db, KeyFileFor(args, db));
  std::cout << "onshi: " << db << " is at schema version " << store->SchemaVersion() << "\n";
  return 0;
}

int AuditCommand(const std::vector<std::string>& argv) {
  Args args(argv, {{"db", true},
                   {"key-file", true},
                   {"state-dir", true},
                   {"ca-dir", true},
                   {"check-log", true}});
  const bool anchor = args.positional().size() == 1 && args.positional()[0] == "anchor";
  if (args.positional().size() != 1 || (args.positional()[0] != "verify" && !anchor)) {
    throw std::invalid_argument("usage: onshi audit verify|anchor [--db PATH] [--ca-dir DIR]");
  }
  const std::string db = DatabaseLocation(args);
  // The anchors live with the server's state (the CA directory), never in
  // the database: see store/audit_anchor.hpp.
  const std::string state_dir = CaDirFor(args, db);
  auto store = store::OpenStore(db, KeyFileFor(args, db));
  std::unique_ptr<store::AuditAnchors> anchors = anchor
                                                     ? store::AuditAnchors::OpenOrCreate(state_dir)
                                                     : store::AuditAnchors::OpenExisting(state_dir);
  const store::AuditVerification v = anchor
                                         ? store::VerifyAndAnchorHead(*store, *anchors)
                                         : store::VerifyAuditChainAnchored(*store, anchors.get());
  if (!v.intact) {
    std::cout << "onshi: audit log BROKEN at entry " << v.first_bad_seq.value_or(0) << " ("
              << v.entries << " entries read): " << v.problem << "\n";
    return 1;
  }
  if (args.Has("check-log")) {
    // The checks' own log (service/check_log.hpp), against its anchors.
    const std::unique_ptr<store::AuditAnchors> check_anchors =
        store::AuditAnchors::OpenExisting(state_dir + "/check-anchors");
    const store::AuditVerification a =
        service::VerifyCheckLog(args.Get("check-log"), check_anchors.get());
    if (!a.intact) {
      std::cout << "onshi: check log BROKEN at record " << a.first_bad_seq.value_or(0) << " ("
                << a.entries << " records read): " << a.problem << "\n";
      return 1;
    }
    std::cout << "onshi: check log intact (" << a.entries << " records"
              << (a.anchored ? "; anchored through record " + std::to_string(a.anchored_through)
                             : std::string("; no anchors"))
              << ")\n";
  }
  std::cout << "onshi: audit log intact (" << v.entries << " entries";
  if (v.anchored) {
    std::cout << "; anchored through entry " << v.anchored_through;
    if (v.entries > v.anchored_through) {
      std::cout << ", " << (v.entries - v.anchored_through) << " newer not yet anchored";
    }
  }
  std::cout << ")\n";
  if (!v.anchored) {
    std::cerr << "onshi: no audit anchors in " << state_dir
              << ": the chain agrees with itself, but a rewrite of the whole chain or the loss "
                 "of its newest entries could not be seen (onshi serve anchors as it writes; "
                 "onshi audit anchor anchors the head now)\n";
  }
  return 0;
}

int Main(int argc, char** argv) {
  std::vector<std::string> words(argv + 1, argv + argc);
  if (words.empty() || words[0] == "help" || words[0] == "--help" || words[0] == "-h") {
    std::cout << kUsage;
    return words.empty() ? 2 : 0;
  }
  const std::string command = words[0];
  const std::vector<std::string> rest(words.begin() + 1, words.end());
  try {
    if (command == "version" || command == "--version") {
      std::cout << "onshi 0.1.0\n";
      return 0;
    }
    if (command == "init") return InitCommand(rest);
    if (command == "migrate") return MigrateCommand(rest);
    if (command == "populate") return PopulateCommand(rest);
    if (command == "serve") return ServeCommand(rest);
    if (command == "audit") return AuditCommand(rest);
    if (command == "facility") return FacilityCommand(rest);
    if (command == "insurer") return InsurerCommand(rest);
    if (command == "import") return ImportCommand(rest);
    if (command == "link") return LinkCommand(rest);
    if (command == "forms") return FormsCommand(rest);
    if (command == "municipal") return MunicipalCommand(rest);
    if (command == "admin") return AdminCommand(rest);
    if (command == "terminal") return TerminalCommand(rest);
    if (command == "registry") return RegistryCommand(rest);
    if (command == "masters") return MastersCommand(rest);
    if (command == "reader") return ReaderCommand(rest);
    if (command == "card") {
      if (!rest.empty() && rest[0] == "emulate") {
        return CardEmulateCommand(std::vector<std::string>(rest.begin() + 1, rest.end()));
      }
      return CardCommand(rest);
    }
    if (command == "submissions") return SubmissionsCommand(rest);
    if (command == "documents") return DocumentsCommand(rest);
    if (command == "reader-agent") return ReaderAgentCommand(rest);
    if (command == "backup") return BackupCommand(rest);
    if (command == "restore") return RestoreCommand(rest);
    if (command == "proof") return ProofCommand(rest);
    std::cerr << "onshi: unknown command \"" << command << "\"\n\n" << kUsage;
    return 2;
  } catch (const std::invalid_argument& e) {
    std::cerr << "onshi " << command << ": " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "onshi " << command << ": " << e.what() << "\n";
    return 1;
  }
}

}  // namespace onshi::app
