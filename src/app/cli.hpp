// The `onshi` command line: one binary, one subcommand per job.
//
//   onshi init      [--db PATH] [--state-dir DIR]
//   onshi migrate   [--db PATH]
//   onshi populate  --members N [--seed S] [--today YYYY-MM-DD] [--scenarios] [--db PATH]
//   onshi serve     [--db PATH] [--listen ADDR:PORT] [--threads N] [--no-tls] [--now T]
//                   [--create]
//   onshi facility add --code <医療機関コード> --out DIR [--name N]
//   onshi reader add|revoke|list   a facility's card readers and their keys
//   onshi insurer add --number <保険者番号> --name N [--lag D] [--out DIR]
//   onshi import FILE --insurer <保険者番号> [--format F] [--encoding E] [--errors OUT]
//   onshi forms --persons N --out FILE [--seed S] [--bad-per-mille X]
//   onshi link [--now T]
//   onshi submissions --insurer <保険者番号> [--state S] [--encoding E]
//   onshi audit verify|anchor [--db PATH] [--ca-dir DIR]
//   onshi proof verify --body FILE --proof FILE --key FILE
//   onshi registry event --person-id N --kind K --date D --municipality C [...]
//   onshi documents due|issue|apply|returned|form --insurer <保険者番号> …
//   onshi backup DIR | onshi restore DIR [--db PATH] [--state-dir DIR]
//   onshi version | help
//
// The database defaults to $ONSHI_DB, else ./onshi.db; its key file to
// $ONSHI_KEY_FILE, else "<db>.keys" beside it (SQLite) or "DIR/onshi.keys"
// in the state directory (--state-dir DIR, $ONSHI_STATE_DIR; required for
// PostgreSQL).
#ifndef ONSHI_APP_CLI_HPP_
#define ONSHI_APP_CLI_HPP_

#include <ctime>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace onshi::app {

int Main(int argc, char** argv);

// Parsed "--name value" / "--flag" options after the subcommand.
class Args {
 public:
  // Throws std::invalid_argument on an option not in `known` or a missing value.
  Args(const std::vector<std::string>& argv, const std::map<std::string, bool>& known_takes_value);
  bool Has(const std::string& name) const { return values_.count(name) > 0; }
  std::string Get(const std::string& name, const std::string& fallback = "") const;
  long long GetInt(const std::string& name, long long fallback) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::string> values_;
  std::vector<std::string> positional_;
};

// The subcommands, each taking the words after its name.
int InitCommand(const std::vector<std::string>& args);
int MigrateCommand(const std::vector<std::string>& args);
int PopulateCommand(const std::vector<std::string>& args);
int ServeCommand(const std::vector<std::string>& args);
int AuditCommand(const std::vector<std::string>& args);
int FacilityCommand(const std::vector<std::string>& args);
int InsurerCommand(const std::vector<std::string>& args);
int ImportCommand(const std::vector<std::string>& args);
int LinkCommand(const std::vector<std::string>& args);
int SubmissionsCommand(const std::vector<std::string>& args);
int FormsCommand(const std::vector<std::string>& args);
int MunicipalCommand(const std::vector<std::string>& args);
int AdminCommand(const std::vector<std::string>& args);
int TerminalCommand(const std::vector<std::string>& args);
// `onshi <role> revoke --serial HEX | --cert FILE` for role facility,
// insurer, municipal or admin (revoke_command.cpp).
int RevokeCommand(const std::vector<std::string>& args, const std::string& role);
int RegistryCommand(const std::vector<std::string>& args);
int ReaderCommand(const std::vector<std::string>& args);
int DocumentsCommand(const std::vector<std::string>& args);
int ReaderAgentCommand(const std::vector<std::string>& args);
// `onshi backup DIR` / `onshi restore DIR` (backup_command.cpp).
int BackupCommand(const std::vector<std::string>& args);
int RestoreCommand(const std::vector<std::string>& args);
int MastersCommand(const std::vector<std::string>& args);  // masters_command.cpp
// `onshi proof verify --body F --proof F --key F` (proof_command.cpp).
int ProofCommand(const std::vector<std::string>& args);

// Database location from --db, $ONSHI_DB, else ./onshi.db.
std::string DatabaseLocation(const Args& args);
// --now if given (YYYY-MM-DD or an ISO time), else the wall clock.
std::time_t NowFrom(const Args& args);

// The database's companion files (state_paths.cpp). --state-dir DIR or
// $ONSHI_STATE_DIR, else "" (none given).
std::string StateDirFrom(const Args& args);
// The prefix the companion files share: "DIR/onshi" with a state directory,
// else "<db>" beside a SQLite file. A PostgreSQL location without a state
// directory throws std::invalid_argument: state never defaults to the
// current directory.
std::string StateBaseFor(const Args& args, const std::string& location);
// The My Number key file: --key-file, $ONSHI_KEY_FILE, else "<base>.keys".
std::string KeyFileFor(const Args& args, const std::string& location);
// The card-issuer key and the card files of the municipal side:
// "<base>.card-issuer.key" and "<base>.cards" unless given.
std::string CardIssuerKeyFor(const Args& args, const std::string& location);
std::string CardsDirFor(const Args& args, const std::string& location);
// The facility CA directory: --ca-dir, $ONSHI_CA_DIR, else "<base>.ca".
std::string CaDirFor(const Args& args, const std::string& location);
// The JPKI CA directory (J-LIS stand-in): --jpki-dir, $ONSHI_JPKI_DIR, else
// "<base>.jpki".
std::string JpkiDirFor(const Args& args, const std::string& location);
// An output file for personal data (a forms file, an error report): mode
// 0600 whatever the umask, truncated, opened for writing.
std::ofstream OpenPrivateOutput(const std::string& path);

}  // namespace onshi::app

#endif  // ONSHI_APP_CLI_HPP_
