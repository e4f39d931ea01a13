// The `onshi` command line: one binary, one subcommand per job.
//
// The parser (CLI11) is defined in one translation unit, cli_parser.cpp: every
// command, its options with a line of help each, the environment variables
// they fall back to, the config file (--config, $ONSHI_CONFIG) and the exit
// codes (exit_codes.hpp). `onshi --help`, `onshi <command> --help` and
// `onshi <command> <sub> --help` print them. The commands themselves see only
// the parsed words, through Args, and so do not include CLI11.
//
// Where a value comes from, first found wins: the command line, the config
// file, the environment variable, the command's own default.
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

// A command's parsed options ("--name value", "--flag" as "") and its
// positional words: the subcommand words below the command first (`card
// smartphone add` gives "smartphone", "add"), then its arguments.
class Args {
 public:
  Args() = default;
  Args(std::map<std::string, std::string> values, std::vector<std::string> positional)
      : values_(std::move(values)), positional_(std::move(positional)) {}
  bool Has(const std::string& name) const { return values_.count(name) > 0; }
  std::string Get(const std::string& name, const std::string& fallback = "") const;
  long long GetInt(const std::string& name, long long fallback) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::string> values_;
  std::vector<std::string> positional_;
};

// The subcommands, each taking the words after its name.
int InitCommand(const Args& args);
int MigrateCommand(const Args& args);
int PopulateCommand(const Args& args);
int ServeCommand(const Args& args);
int AuditCommand(const Args& args);
int FacilityCommand(const Args& args);
int InsurerCommand(const Args& args);
int ImportCommand(const Args& args);
int LinkCommand(const Args& args);
int SubmissionsCommand(const Args& args);
int FormsCommand(const Args& args);
int MunicipalCommand(const Args& args);
int AdminCommand(const Args& args);
int TerminalCommand(const Args& args);
// `onshi <role> revoke --serial HEX | --cert FILE` for role facility,
// insurer, municipal or admin (revoke_command.cpp).
int RevokeCommand(const Args& args, const std::string& role);
int RegistryCommand(const Args& args);
int ReaderCommand(const Args& args);
int DocumentsCommand(const Args& args);
int ReaderAgentCommand(const Args& args);
// `onshi backup DIR` / `onshi restore DIR` (backup_command.cpp).
int BackupCommand(const Args& args);
int RestoreCommand(const Args& args);
int MastersCommand(const Args& args);         // masters_command.cpp
int TerminalRecordCommand(const Args& args);  // terminal_record_command.cpp
int AuditExportCommand(const Args& args);     // audit_export_command.cpp
int ProofCommand(const Args& args);           // proof_command.cpp
// `onshi credentials list|rebuild-index` (credentials_command.cpp).
int CredentialsCommand(const Args& args);

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
