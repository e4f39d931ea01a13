// The whole `onshi` command line in one place (CLI11, header-only, included
// here only): every command and subcommand, each option with one line of
// help and the environment variable it falls back to, the config file, the
// exit codes. The commands get the parsed words as Args (cli.hpp).
//
// The options every command may need (--db, --key-file, --state-dir, the CA
// directories, --now, --log-level) belong to the top level and fall through
// from any subcommand, so `onshi serve --db X` and `onshi --db X serve` are
// the same and a config file sets them once, above its [sections]. Each
// command's help lists the ones it reads.
//
// Precedence (CLI11's own): the command line, then the config file (--config
// FILE or $ONSHI_CONFIG; TOML or INI, `[command]` / `[command.sub]` sections
// for a command's options), then the environment, then the defaults.
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "app/card_command.hpp"
#include "app/card_emulate_command.hpp"
#include "app/cli.hpp"
#include "app/exit_codes.hpp"
#include "app/log.hpp"
#include "store/store.hpp"

namespace onshi::app {
namespace {

// One option: "--name", the value's placeholder (nullptr for a flag that
// takes none), one line of help, the environment variable it falls back to.
struct Opt {
  const char* name;
  const char* value;
  const char* help;
  const char* env = nullptr;
};

// The top-level options, shared by every command (fallthrough).
const std::vector<Opt>& CommonOptions() {
  static const std::vector<Opt> options = {
      {"db", "PATH|URI", "database: a SQLite file or postgresql://… (default ./onshi.db)",
       "ONSHI_DB"},
      {"key-file", "FILE", "My Number key file (default <db>.keys, or DIR/onshi.keys)",
       "ONSHI_KEY_FILE"},
      {"state-dir", "DIR",
       "keys, CAs and card files (default beside a SQLite --db; required with PostgreSQL)",
       "ONSHI_STATE_DIR"},
      {"ca-dir", "DIR", "facility CA: client certificates, CRL, audit anchors (default <base>.ca)",
       "ONSHI_CA_DIR"},
      {"jpki-dir", "DIR", "JPKI CA, the J-LIS stand-in (default <base>.jpki)", "ONSHI_JPKI_DIR"},
      {"card-issuer-key", "FILE", "key that seals the card files (default <base>.card-issuer.key)"},
      {"cards-dir", "DIR", "the emulated My Number card files (default <base>.cards)"},
      {"now", "T", "pretend it is T (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS(Z|+09:00)); tests, demo"},
      {"log-level", "LEVEL", "error, warn, info (default) or debug: messages on stderr",
       "ONSHI_LOG_LEVEL"},
  };
  return options;
}

const Opt* FindCommon(const std::string& name) {
  for (const Opt& o : CommonOptions())
    if (name == o.name) return &o;
  return nullptr;
}

using Handler = std::function<int(const Args&)>;

struct Entry {
  Handler run;
  size_t strip_words = 0;  // subcommand words not passed on as positional
};

class Parser {
 public:
  Parser()
      : app_("onshi — the online eligibility verification system (オンライン資格確認等システム)",
             "onshi") {
    app_.require_subcommand(1);
    app_.set_version_flag("--version", "onshi 0.1.0", "print the version and exit");
    app_.set_help_flag("-h,--help", "print this help and exit");
    app_.get_formatter()->column_width(36);
    // $ONSHI_CONFIG names the file when --config does not; a named file that
    // is missing is an error either way.
    const char* env = std::getenv("ONSHI_CONFIG");
    const bool from_env = env != nullptr && *env != '\0';
    config_ = app_.set_config("--config", from_env ? env : "",
                              "a TOML/INI file setting any option (the command line wins; see "
                              "packaging/onshi.toml.example)",
                              from_env);
    config_->type_name("FILE")->envname("ONSHI_CONFIG");
    app_.allow_config_extras(CLI::config_extras_mode::error);
    for (const Opt& o : CommonOptions())
      AddOption(app_, o);
    app_.footer(RootFooter());
    Build();
  }

  int Run(std::vector<std::string> words);

 private:
  CLI::Option* AddOption(CLI::App& app, const Opt& o) {
    CLI::Option* opt = nullptr;
    if (o.value == nullptr) {
      opt = app.add_flag(std::string("--") + o.name)->description(o.help);
    } else {
      opt = app.add_option(std::string("--") + o.name)
                ->description(o.help)
                ->type_name(o.value)
                ->take_last();
    }
    if (o.env != nullptr) opt->envname(o.env);
    return opt;
  }

  // A (sub)command with its own options; `common` names the top-level options
  // it reads, listed in its help.
  CLI::App* Command(CLI::App& parent, const std::string& name, const std::string& help,
                    const std::vector<Opt>& options, const std::vector<const char*>& common,
                    Handler run = nullptr, size_t strip_words = 0) {
    CLI::App* app = parent.add_subcommand(name, help);
    app->fallthrough();
    app->set_help_flag("-h,--help", "print this help and exit");
    for (const Opt& o : options)
      AddOption(*app, o);
    if (!common.empty()) {
      std::ostringstream f;
      f << "Common options (also before the command; see `onshi --help`):\n";
      for (const char* c : common) {
        const Opt* o = FindCommon(c);
        if (o == nullptr) continue;
        std::string head = std::string("  --") + o->name + " " + o->value;
        if (head.size() < 36) head.resize(36, ' ');
        f << head << o->help;
        if (o->env != nullptr) f << " [env " << o->env << "]";
        f << "\n";
      }
      app->footer(f.str());
    }
    if (run) entries_[app] = Entry{std::move(run), strip_words};
    return app;
  }

  static void Positional(CLI::App* app, const std::string& name, const std::string& help,
                         bool required = true) {
    CLI::Option* o = app->add_option(name, help);
    if (required) o->required();
  }

  static std::string RootFooter();
  void Build();
  Args ArgsOf(const std::vector<CLI::App*>& chain, size_t strip_words) const;

  CLI::App app_;
  CLI::Option* config_ = nullptr;
  std::map<const CLI::App*, Entry> entries_;
  std::vector<std::string> rebuild_dirs_;  // `credentials rebuild-index DIR…`
};

std::string Parser::RootFooter() {
  std::ostringstream f;
  f << "Run `onshi <command> --help` (and `onshi <command> <sub> --help`) for a command's "
       "options.\n\n"
       "Environment (each is the fallback of the option named):\n"
       "  ONSHI_DB ONSHI_KEY_FILE ONSHI_STATE_DIR ONSHI_CA_DIR ONSHI_JPKI_DIR ONSHI_LOG_LEVEL\n"
       "  ONSHI_CONFIG              the config file (--config)\n"
       "  ONSHI_SQLITE_BUSY_MS      how long a SQLite write waits for the lock (default 5000)\n\n"
       "A value is taken from the command line, else the config file, else the environment,\n"
       "else the default. Config file: top-level keys are the common options above; a\n"
       "command's options go in its [section] ([serve], [card.issue], …).\n\n"
    << kExitCodeTable;
  return f.str();
}

void Parser::Build() {
  const std::vector<const char*> store = {"db", "key-file", "state-dir"};
  const std::vector<const char*> store_now = {"db", "key-file", "state-dir", "now"};
  const std::vector<const char*> ca = {"db", "key-file", "state-dir", "ca-dir", "now"};
  const std::vector<const char*> all_state = {"db",       "key-file",        "state-dir", "ca-dir",
                                              "jpki-dir", "card-issuer-key", "cards-dir"};

  Command(app_, "init", "create a new database (and its key file)", {}, store, InitCommand);
  Command(app_, "migrate", "apply database schema migrations", {}, store, MigrateCommand);
  Command(app_, "populate", "create a deterministic synthetic population (demo, tests)",
          {{"members", "N", "how many insurance members (default 1000)"},
           {"seed", "S", "the generator's seed (default 1)"},
           {"today", "YYYY-MM-DD", "the population's today (default: today)"},
           {"scenarios", nullptr, "add the demo scenarios and print them"},
           {"quiet", nullptr, "no progress bar"}},
          store, PopulateCommand);

  Command(
      app_, "serve", "run the eligibility service (HTTPS: OQS web API, FHIR, portal, admin)",
      {{"listen", "HOST:PORT",
        "address to listen on: 127.0.0.1:8443 (default), localhost:PORT, [::1]:PORT, "
        "0.0.0.0:PORT"},
       {"threads", "N",
        "connection threads, each owning its connections; as many again answer what may wait "
        "(0 = one per core; default 0)"},
       {"no-tls", nullptr, "plain HTTP (behind a TLS proxy only; /metrics is then open)"},
       {"create", nullptr, "make the database if there is none (otherwise refused)"},
       {"link-every", "SECONDS", "the linker's round; 0 = off (default 60)"},
       {"replica", "URI", "a streaming replica of --db for eligibility reads"},
       {"audit-spool", "DIR",
        "audit entries while the database is read-only (default CA/audit-spool)"},
       {"probe-every-ms", "MS", "database health probe interval (default 500)"},
       {"audit-commit-ms", "MS", "audit group commit interval (default 100)"},
       {"max-connections", "N", "connection cap (default from the file limit)"},
       {"max-connections-per-address", "N", "per client address; 0 = no cap (default 256)"},
       {"tls-handshake-timeout", "SECONDS", "1..300 (default 10)"},
       {"card-lookup-limit", "N", "look-ups per card per window"},
       {"card-lookup-window", "SECONDS", "the window of --card-lookup-limit"},
       {"portal-challenge-limit", "N", "portal card challenges per client address"},
       {"portal-challenge-capacity", "N", "portal challenges held at once"},
       {"facility-challenge-capacity", "N", "facility card challenges held at once"},
       {"reader-agent", "URL", "the portal's reader agent origin (http://127.0.0.1:47215)"},
       {"portal-idle-seconds", "S", "portal session idle timeout (1..86400)"},
       {"portal-session-seconds", "S", "portal session lifetime (1..86400)"},
       {"bulk-max-items", "N", "一括照会: items per batch (1..100000)"},
       {"bulk-max-pending", "N", "一括照会: pending batches per facility (1..10000)"},
       {"bulk-hold-seconds", "S", "一括照会: hold answers this long (0..86400; default 0)"},
       {"access-log", "FILE|-", "one JSON line per request to FILE (- = stderr)"},
       {"eligibility-from", "memory|store",
        "answer checks from the in-memory index (default) or "
        "the database"},
       {"index-poll-ms", "MS", "how often the index follows the change feed (default 10)"},
       {"check-log", "DIR", "audit checks in their own hash-chained log in DIR, not the database"},
       {"check-log-syncs", "N",
        "at most N syncs of the check log a second; more records share one (default 2000, 0 = "
        "no limit)"},
       {"proof-signatures", "N",
        "at most N proof signatures a second; more answers share a batch (default 2000, 0 = no "
        "limit)"},
       {"proof-test-gather", "N", "tests only: the first proof batch waits for N answers"}},
      {"db", "key-file", "state-dir", "ca-dir", "jpki-dir", "card-issuer-key", "cards-dir", "now",
       "log-level"},
      ServeCommand);

  {
    CLI::App* facility =
        Command(app_, "facility", "a facility's (医療機関・薬局) login files", {}, {});
    facility->require_subcommand(1);
    Command(*facility, "add", "register a facility and write its cert.pem, key.pem, body.json",
            {{"code", "CODE", "the 10-digit 医療機関コード (check digit checked)"},
             {"out", "DIR", "where to write the files"},
             {"name", "NAME", "the facility's name (default 医療機関 <code>)"},
             {"kind", "KIND", "医科, 歯科, 薬局 or 訪問看護 (default from the code)"},
             {"smartphone", nullptr, "accepts スマホ用電子証明書"},
             {"days", "N", "certificate validity in days"}},
            ca, FacilityCommand);
  }
  // `<role> revoke` for every role with client certificates.
  auto revoke = [&](CLI::App& parent, const std::string& role) {
    Command(
        parent, "revoke",
        "revoke a " + role + " client certificate; running servers refuse it at once",
        {{"serial", "HEX", "the certificate's serial"},
         {"cert", "FILE", "or the certificate file (its role is checked)"}},
        ca, [role](const Args& a) { return RevokeCommand(a, role); }, 1);
  };
  revoke(*app_.get_subcommand("facility"), "facility");

  {
    CLI::App* insurer =
        Command(app_, "insurer", "an insurer (保険者) and its client certificate", {}, {});
    insurer->require_subcommand(1);
    Command(*insurer, "add", "register an insurer (and write its client certificate with --out)",
            {{"number", "N", "保険者番号 (6 or 8 digits, check digit checked)"},
             {"name", "NAME", "the insurer's name"},
             {"category", "C", "its category (default from the number)"},
             {"lag", "DAYS", "business days before a form is linked, 0..60 (default 2)"},
             {"certificate-years", "N", "資格確認書 validity, 1..5 years (default 5, R-DOC-6)"},
             {"no-certificate-for-holders", nullptr, "no 資格確認書 for card holders"},
             {"out", "DIR", "write its client certificate here"}},
            ca, InsurerCommand);
    revoke(*insurer, "insurer");
  }
  {
    CLI::App* municipal =
        Command(app_, "municipal", "a municipal window's client certificate", {}, {});
    municipal->require_subcommand(1);
    Command(*municipal, "add", "a municipal window's client certificate (/municipal/ API)",
            {{"code", "CODE", "the 6-digit 地方公共団体コード"},
             {"out", "DIR", "where to write the files"},
             {"name", "NAME", "the window's name (default 市区町村 <code>)"}},
            ca, MunicipalCommand);
    revoke(*municipal, "municipal");
  }
  {
    CLI::App* admin =
        Command(app_, "admin", "an operator's client certificate (/metrics, /admin/)", {}, {});
    admin->require_subcommand(1);
    Command(*admin, "add", "an operator's client certificate",
            {{"name", "NAME", "the operator's name (1-64 bytes)"},
             {"out", "DIR", "where to write the files"},
             {"organisation", "ORG", "the O of the certificate (default onshi operations)"}},
            ca, AdminCommand);
    revoke(*admin, "admin");
  }
  {
    CLI::App* credentials =
        Command(app_, "credentials",
                "the certificates the CAs issued, per role (the facility CA's index.txt; the "
                "JPKI CA's issued.txt for card certificates)",
                {}, {});
    credentials->require_subcommand(1);
    Command(*credentials, "list",
            "every certificate issued: role, subject, validity, revoked or not, its file",
            {{"role", "ROLE", "only facility, insurer, municipal, admin, server or card"},
             {"json", nullptr, "one JSON document instead of the table"}},
            ca, CredentialsCommand);
    CLI::App* rebuild = Command(
        *credentials, "rebuild-index",
        "for a CA made before onshi kept an index: find the certificates it signed in the *.pem "
        "files under DIR… (default: the directory holding the CA directory) and write the index",
        {}, ca, CredentialsCommand);
    // Bound to a vector so that CLI11 takes any number of them; ArgsOf
    // reads them back from the option's results like any positional.
    rebuild->add_option("dirs", rebuild_dirs_, "directories to search, recursively");
  }
  {
    CLI::App* reader =
        Command(app_, "reader", "a facility's card readers (顔認証付きカードリーダー)", {}, {});
    reader->require_subcommand(1);
    Command(*reader, "add", "make a reader's key and register it to a facility",
            {{"facility", "CODE", "the facility's 医療機関コード"},
             {"out", "DIR", "where to write reader-key.pem and reader-id"},
             {"name", "NAME", "the reader's name (default カードリーダー)"}},
            store_now, ReaderCommand);
    Command(*reader, "revoke", "no check the reader signs is accepted afterwards",
            {{"id", "ID", "the reader's id"}}, store_now, ReaderCommand);
    Command(*reader, "list", "a facility's readers",
            {{"facility", "CODE", "the facility's 医療機関コード"}}, store_now, ReaderCommand);
  }

  {
    CLI::App* import =
        Command(app_, "import", "submit an insurer's forms (CSV UTF-8/Shift_JIS, JSON lines)",
                {{"insurer", "N", "the 保険者番号 submitting"},
                 {"format", "F", "auto (default), csv or jsonl"},
                 {"encoding", "E", "auto (default), utf-8 or shift_jis"},
                 {"errors", "OUT.csv", "write the rejected lines and why here"},
                 {"batch", "N", "lines per transaction, 1..1000000 (default 2000)"},
                 {"quiet", nullptr, "no progress bar"}},
                store_now, ImportCommand);
    Positional(import, "file", "the file to import");
  }
  Command(app_, "link",
          "link the forms whose lag has passed and record the documents due (the daily job)", {},
          store_now, LinkCommand);
  Command(app_, "submissions", "an insurer's submissions and errors as CSV on stdout",
          {{"insurer", "N", "the 保険者番号"},
           {"state", "S", "submitted, processing, linked or registration_error"},
           {"encoding", "E", "utf-8 (default) or shift_jis"}},
          store_now, SubmissionsCommand);
  Command(app_, "forms", "add residents and write their 資格取得届 as CSV (synthetic)",
          {{"persons", "N", "how many residents"},
           {"out", "FILE", "the CSV to write (mode 0600)"},
           {"seed", "S", "0..9 (default 1)"},
           {"bad-per-mille", "X", "lines with a deliberate error, 0..1000 (default 0)"},
           {"today", "YYYY-MM-DD", "the forms' received date"},
           {"insurer", "N", "the 保険者番号 they are for"}},
          store, FormsCommand);

  {
    CLI::App* documents = Command(app_, "documents", "the insurer's documents on paper", {}, {});
    documents->require_subcommand(1);
    const Opt insurer{"insurer", "N", "the 保険者番号"};
    Command(*documents, "due", "what the insurer must print and post (資格確認書, お知らせ, …)",
            {insurer, {"as-of", "YYYY-MM-DD", "as of this day (default today)"}}, store_now,
            DocumentsCommand);
    Command(*documents, "issue", "record and print them: one PDF each, a print file, the register",
            {insurer,
             {"as-of", "YYYY-MM-DD", "as of this day (default today)"},
             {"out", "DIR", "where to write the PDFs"},
             {"quiet", nullptr, "no progress bar"}},
            store_now, DocumentsCommand);
    Command(*documents, "apply", "record an application (lost card, a certificate, a form)",
            {insurer,
             {"symbol", "S", "記号"},
             {"number", "N", "番号"},
             {"branch", "B", "枝番"},
             {"kind", "K", "certificate, card-lost, notice-lost, legacy-card-lost or form"},
             {"form", "F", "postcard, electronic, a4 or plastic_card"},
             {"email", "E", "for an electronic form"},
             {"on", "YYYY-MM-DD", "the application date (default today)"}},
            store_now, DocumentsCommand);
    Command(*documents, "returned", "a posted document came back undelivered",
            {insurer,
             {"document", "ID", "the document's id"},
             {"on", "YYYY-MM-DD", "the day it came back (default today)"}},
            store_now, DocumentsCommand);
    CLI::App* form =
        Command(*documents, "form", "a blank or pre-filled form as PDF: declaration or refund",
                {{"out", "FILE", "the PDF to write"},
                 insurer,
                 {"symbol", "S", "記号 (pre-fill from the member)"},
                 {"number", "N", "番号"},
                 {"branch", "B", "枝番"},
                 {"paid", "YEN", "the amount paid (refund)"},
                 {"facility", "NAME", "the facility's name (refund)"},
                 {"from", "YYYY-MM-DD", "treatment from"},
                 {"to", "YYYY-MM-DD", "treatment to"},
                 {"on", "YYYY-MM-DD", "application date"}},
                store_now, DocumentsCommand);
    Positional(form, "which", "declaration or refund");
  }

  {
    CLI::App* card = Command(app_, "card",
                             "the My Number card at the municipal window (JPKI, 利用登録)", {}, {});
    card->require_subcommand(1);
    const std::vector<const char*> common = {
        "db", "key-file", "state-dir", "jpki-dir", "card-issuer-key", "cards-dir", "now"};
    const Opt municipality{"municipality", "CODE", "the window's 地方公共団体コード"};
    const Opt card_id{"card", "ID", "the card's id"};
    const Opt pin{"pin", "NNNN", "the card's 4-digit PIN"};
    const Opt face_only{"face-only", nullptr, "no PIN: 顔認証マイナンバーカード"};
    Command(*card, "issue", "issue a card (and its JPKI certificate) to a person",
            {{"person-id", "N", "the person's id"},
             {"my-number-file", "FILE", "or a file holding the person's My Number"},
             {"application-date", "YYYY-MM-DD", "the application date (default today)"},
             pin,
             face_only,
             {"photo", "FILE", "the face photo for the chip"},
             {"out", "DIR", "link the card file here"},
             municipality},
            common, CardCommand);
    Command(*card, "renew", "renew the card's certificate", {card_id, municipality}, common,
            CardCommand);
    Command(*card, "suspend", "suspend (the hotline); its certificate is revoked",
            {card_id, municipality}, common, CardCommand);
    Command(*card, "resume", "resume a suspended card (new certificate)", {card_id, municipality},
            common, CardCommand);
    Command(*card, "reissue", "revoke the card and issue a new one",
            {card_id, pin, face_only, municipality}, common, CardCommand);
    Command(*card, "pin-reset", "set a new PIN and unlock", {card_id, pin, municipality}, common,
            CardCommand);
    Command(*card, "register", "利用登録: register the card for insurance use",
            {card_id, {"channel", "C", "window, portal, reader or atm"}, pin, municipality}, common,
            CardCommand);
    Command(*card, "status", "a person's cards and registration",
            {{"person-id", "N", "the person's id"}, municipality}, common, CardCommand);
    Command(*card, "pin-certificates", "pin the certificates of cards issued before schema 5",
            {{"card", "ID", "one card (default every card file)"}, municipality}, common,
            CardCommand);
    CLI::App* phone = Command(*card, "smartphone", "スマホ用電子証明書", {}, {});
    phone->require_subcommand(1);
    Command(*phone, "add", "add a smartphone credential",
            {{"person-id", "N", "the person's id"}, pin, municipality}, common, CardCommand);
    Command(*phone, "revoke", "revoke a smartphone credential", {card_id, municipality}, common,
            CardCommand);
    Command(
        *card, "sign",
        "do what a reader does: PIN, then sign a service challenge (try the protocol with curl)",
        {{"card", "FILE", "the card file"},
         {"issuer-key", "FILE", "the card-issuer key"},
         pin,
         {"audience", "CODE|portal", "the facility's 医療機関コード, or portal"},
         {"challenge", "B64URL", "the challenge the service gave"}},
        {}, CardSignCommand, 1);
    Command(*card, "emulate", "serve a card file to pcscd through vsmartcard's vpcd",
            {{"card", "FILE", "the card file"},
             {"issuer-key", "FILE", "the card-issuer key"},
             {"vpcd", "HOST:PORT", "vpcd's address (default localhost:35963)"},
             {"surface", "FILE", "write the card face's 照合番号B here while it is in"}},
            {}, CardEmulateCommand, 1);
  }

  {
    CLI::App* registry = Command(app_, "registry", "the resident registry (住民基本台帳)", {}, {});
    registry->require_subcommand(1);
    Command(*registry, "event", "record a 住民異動 (R-LINK-4)",
            {{"person-id", "N", "the person's id"},
             {"kind", "K", "moved, renamed, moved-in or died"},
             {"date", "YYYY-MM-DD", "the 異動日"},
             {"municipality", "CODE", "the recording window's 地方公共団体コード"},
             {"address", "A", "the new address"},
             {"postcode", "P", "the new postcode"},
             {"name", "N", "the new name"},
             {"name-kana", "K", "the new name in kana"}},
            store_now, RegistryCommand);
  }
  {
    CLI::App* masters = Command(app_, "masters", "the drug, 診療行為 and 傷病名 masters", {}, {});
    masters->require_subcommand(1);
    Command(*masters, "load",
            "load masters and the interaction table (CSV, UTF-8 or Shift_JIS; all or nothing per "
            "file)",
            {{"drugs", "FILE", "the drug master"},
             {"procedures", "FILE", "the 診療行為 master"},
             {"diseases", "FILE", "the 傷病名 master"},
             {"interactions", "FILE", "the interaction table"}},
            store_now, MastersCommand);
    Command(*masters, "show", "how many rows each master holds", {}, store, MastersCommand);
  }

  {
    CLI::App* audit = Command(app_, "audit", "the audit log (hash chain)", {}, {});
    audit->require_subcommand(1);
    const std::vector<const char*> common = {"db", "key-file", "state-dir", "ca-dir"};
    Command(*audit, "verify", "check the audit log's hash chain against its anchors",
            {{"check-log", "DIR", "also the check log in DIR (serve --check-log)"}}, common,
            AuditCommand);
    Command(*audit, "anchor", "verify, then anchor the newest entry (after batch jobs)", {}, common,
            AuditCommand);
    Command(*audit, "export",
            "the audit entries of a period as CSV or JSON lines on stdout (never a My Number)",
            {{"from", "YYYY-MM-DD", "first day (JST), inclusive"},
             {"to", "YYYY-MM-DD", "last day (JST), inclusive"},
             {"person", "ID", "only the entries about this person"},
             {"facility", "CODE", "only the entries of this facility (医療機関コード)"},
             {"format", "csv|jsonl", "csv (default) or jsonl"},
             {"check-log", "DIR", "also the checks in this log (serve --check-log), by time"}},
            {"db", "key-file", "state-dir"}, AuditExportCommand);
  }
  {
    const std::vector<Opt> kiosk = {
        {"kiosk-listen", "HOST:PORT",
         "serve the card reader's screen there, loopback only: 127.0.0.1:PORT, localhost:PORT, "
         "[::1]:PORT (port 0 = any)"},
        {"kiosk", "PORT", "the same on 127.0.0.1:PORT (older form of --kiosk-listen)"},
        {"facility", "CODE", "the 医療機関コード the reader signs for (with the kiosk)"},
        {"reader-key", "DIR", "the reader's key (onshi reader add --out DIR)"},
        {"reader", "NAME", "the PC/SC reader (default the first)"},
        {"card-surface", "FILE", "where the camera puts the card face's 照合番号B"},
        {"face", "DIR", "Face files (default DIR/Face)"},
        {"web-root", "DIR", "the kiosk pages (default the source tree's src/web/kiosk)"},
        {"face-threshold", "D", "largest face distance accepted (default 0.4)"},
        {"face-specific-diseases", nullptr, "keep SpecificDiseasesCertificateList in Face files"}};
    std::vector<Opt> options = {
        {"central", "URL", "the central service, https://HOST:PORT"},
        {"cert", "FILE", "the facility's client certificate"},
        {"key", "FILE", "its key"},
        {"body", "FILE", "its body.json (onshi facility add)"},
        {"ca", "FILE", "the server CA"},
        {"dir", "DIR", "the terminal's folder (default .)"},
        {"req", "DIR", "request folder (default DIR/Req)"},
        {"res", "DIR", "answer folder (default DIR/Res)"},
        {"charset", "C", "utf-8 or shift_jis answers (default as asked)"},
        {"poll-ms", "MS", "how often Req is read (default 200)"},
        {"settle-seconds", "S", "a request file must be this old (default 2)"},
        {"once", nullptr, "one pass, then exit"},
        {"encrypt-config", "DIR",
         "the folder of encrypt.conf, encrypt_face.conf and crypt.pass (暗号化モード, §4.3)"},
        {"cache", "FILE", "the outage cache (default DIR/.onshi-terminal.db)"},
        {"cache-key", "FILE", "its key (default DIR/.onshi-terminal.key)"},
        {"cache-days", "N", "keep confirmed qualifications N days, 1..3650 (default 180)"},
        {"no-outage", nullptr, "no outage answers (R-FAC-7)"},
        {"outage-after-seconds", "S", "answer from the cache after S s unreachable (default 10)"},
        {"reconcile-seconds", "S", "reconcile queued visits every S s (default 30)"},
        {"reports", "DIR", "reconciliation reports (default DIR/Reports)"}};
    options.insert(options.end(), kiosk.begin(), kiosk.end());
    CLI::App* terminal =
        Command(app_, "terminal", "the facility's 資格確認端末: answers Req/*.xml in Res", options,
                {"log-level"}, TerminalCommand);
    terminal->require_subcommand(0, 1);
    Command(*terminal, "record", "record a visit made while the central service is down (R-FAC-7)",
            {{"dir", "DIR", "the terminal's folder (default .)"},
             {"via", "V", "notice (資格情報のお知らせ) or statement (被保険者資格申立書)"},
             {"code", "CODE", "医療機関コード"},
             {"insurer", "N", "保険者番号"},
             {"symbol", "S", "記号"},
             {"number", "N", "番号"},
             {"branch", "B", "枝番"},
             {"birthdate", "YYYYMMDD", "生年月日"},
             {"name", "NAME", "氏名 (statement)"},
             {"kana", "KANA", "カナ氏名"},
             {"address", "A", "住所"},
             {"date", "YYYYMMDD", "the visit day (default today)"},
             {"cache", "FILE", "the outage cache"},
             {"cache-key", "FILE", "its key"},
             {"print", "FILE", "statement: write the pre-filled 申立書 PDF here"},
             {"facility-name", "NAME", "the facility's name on the 申立書"}},
            {"now"}, TerminalRecordCommand, 1);
  }
  {
    CLI::App* proof = Command(app_, "proof", "the proofs of check (X-OQS-Proof)", {}, {});
    proof->require_subcommand(1);
    Command(*proof, "verify",
            "check a kept answer's X-OQS-Proof offline (exit 0 valid, 1 not valid)",
            {{"body", "FILE", "the answer's body, byte for byte (curl -o FILE)"},
             {"proof", "FILE", "the X-OQS-Proof value, or the response headers (curl -D FILE)"},
             {"key", "FILE",
              "the proof key: the JWK Set of GET /oqs-api-pro/proof-key, a JWK or a PEM key"}},
            {}, ProofCommand);
  }
  Command(app_, "reader-agent",
          "the portal's card reader software on loopback (signs through pcsc-lite)",
          {{"origin", "URL", "the portal's origin, https://HOST:PORT (only it may call)"},
           {"listen", "HOST:PORT", "loopback address (default 127.0.0.1:47215; [::1]:PORT)"},
           {"reader", "NAME", "the PC/SC reader (default the first)"}},
          {"log-level"}, ReaderAgentCommand);
  {
    CLI::App* backup =
        Command(app_, "backup", "the database (online) and its keys, CAs and card files",
                {{"check-log", "DIR", "also the check log in DIR (serve --check-log), online"}},
                all_state, BackupCommand);
    Positional(backup, "dir", "a new directory for the backup");
    CLI::App* restore =
        Command(app_, "restore", "a backup back, into an empty place only",
                {{"check-log", "DIR", "also the backup's check log, into DIR (new or empty)"}},
                all_state, RestoreCommand);
    Positional(restore, "dir", "the backup directory");
  }
  Command(app_, "version", "print the version", {}, {}, [](const Args&) {
    std::cout << "onshi 0.1.0\n";
    return 0;
  });
}

Args Parser::ArgsOf(const std::vector<CLI::App*>& chain, size_t strip_words) const {
  std::map<std::string, std::string> values;
  std::vector<std::string> positional;
  for (size_t i = 2; i < chain.size(); ++i) {
    if (i - 2 >= strip_words) positional.push_back(chain[i]->get_name());
  }
  for (const CLI::App* app : chain) {
    for (const CLI::Option* o : app->get_options()) {
      if (o == config_ || o->count() == 0) continue;
      if (o->get_lnames().empty()) {
        if (o->get_positional()) {
          for (const std::string& r : o->results())
            positional.push_back(r);
        }
        continue;
      }
      const std::string& name = o->get_lnames().front();
      if (name == "help" || name == "version") continue;
      if (o->get_expected_min() == 0) {
        // A flag; a config file may say `flag = false`.
        if (o->as<bool>()) {
          values[name] = "";
        } else {
          values.erase(name);
        }
      } else {
        values[name] = o->as<std::string>();
      }
    }
  }
  return Args(std::move(values), std::move(positional));
}

// "The following argument was not expected: --colour blue" → "unknown
// option --colour" (the words a user looks for).
std::string UsageMessage(const CLI::ParseError& e) {
  if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) {
    const std::string what = e.what();
    const size_t colon = what.find(": ");
    std::istringstream words(colon == std::string::npos ? what : what.substr(colon + 2));
    std::string word, first;
    while (words >> word) {
      if (word.rfind("-", 0) == 0) return "unknown option " + word;
      if (first.empty()) first = word;
    }
    return "unexpected argument \"" + first + "\"";
  }
  return e.what();
}

int Parser::Run(std::vector<std::string> words) {
  // `onshi help [command …]` is `onshi [command …] --help`.
  if (!words.empty() && words[0] == "help") {
    words.erase(words.begin());
    words.push_back("--help");
  }
  if (words.empty()) {
    std::cout << app_.help();
    return kExitUsage;
  }
  // The command's name, for messages ("onshi import: …").
  std::string command = words[0];
  if (command.rfind("-", 0) != 0) {
    // Not a command and not an option: CLI11 would call it an extra argument.
    bool known = false;
    for (const CLI::App* s : app_.get_subcommands({}))
      known = known || s->get_name() == command;
    if (!known) {
      std::cerr << "onshi: unknown command \"" << command << "\" (see `onshi --help`)\n";
      return kExitUsage;
    }
  }
  std::vector<std::string> reversed(words.rbegin(), words.rend());
  try {
    app_.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    // The help of the deepest subcommand given, named in full.
    const CLI::App* leaf = &app_;
    std::string prefix;
    for (;;) {
      const auto subs = leaf->get_subcommands();
      if (subs.empty()) break;
      prefix += (prefix.empty() ? "" : " ") + leaf->get_name();
      leaf = subs.front();
    }
    std::cout << leaf->help(prefix);
    return kExitOk;
  } catch (const CLI::CallForVersion& e) {
    std::cout << e.what() << "\n";
    return kExitOk;
  } catch (const CLI::FileError& e) {
    std::cerr << "onshi: config file: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const CLI::ConfigError& e) {
    std::cerr << "onshi: config file: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const CLI::ParseError& e) {
    std::string path = "onshi";
    for (const CLI::App* a = &app_;;) {
      const auto subs = a->get_subcommands();
      if (subs.empty()) break;
      a = subs.front();
      path += " " + a->get_name();
    }
    std::cerr << path << ": " << UsageMessage(e) << "\n(see `" << path << " --help`)\n";
    return kExitUsage;
  }
  std::vector<CLI::App*> chain = {&app_};
  for (;;) {
    const auto subs = chain.back()->get_subcommands();
    if (subs.empty()) break;
    chain.push_back(subs.front());
  }
  command = chain.size() > 1 ? chain[1]->get_name() : "";
  auto it = entries_.find(chain.back());
  if (it == entries_.end()) {
    std::cerr << chain.back()->help();
    return kExitUsage;
  }
  const Args args = ArgsOf(chain, it->second.strip_words);
  try {
    SetLogLevel(args.Get("log-level", "info"));
    return it->second.run(args);
  } catch (const std::invalid_argument& e) {
    std::cerr << "onshi " << command << ": " << e.what() << "\n";
    return kExitUsage;
  } catch (const BadInput& e) {
    std::cerr << "onshi " << command << ": " << e.what() << "\n";
    return kExitBadInput;
  } catch (const Refused& e) {
    std::cerr << "onshi " << command << ": " << e.what() << "\n";
    return kExitRefused;
  } catch (const store::StoreUnavailable& e) {
    std::cerr << "onshi " << command << ": the database is unavailable: " << e.what() << "\n";
    return kExitUnavailable;
  } catch (const std::exception& e) {
    std::cerr << "onshi " << command << ": " << e.what() << "\n";
    return kExitInternal;
  }
}

}  // namespace

int Main(int argc, char** argv) {
  Parser parser;
  return parser.Run(std::vector<std::string>(argv + 1, argv + argc));
}

}  // namespace onshi::app
