// The `onshi` command line: one binary, one subcommand per job.
//
//   onshi migrate   [--db PATH]
//   onshi populate  --members N [--seed S] [--today YYYY-MM-DD] [--scenarios] [--db PATH]
//   onshi serve     [--db PATH] [--listen ADDR:PORT] [--threads N] [--no-tls] [--now T]
//   onshi facility add --code <医療機関コード> --out DIR [--name N]
//   onshi insurer add --number <保険者番号> --name N [--lag D] [--out DIR]
//   onshi import FILE --insurer <保険者番号> [--format F] [--encoding E] [--errors OUT]
//   onshi forms --persons N --out FILE [--seed S] [--bad-per-mille X]
//   onshi link [--now T]
//   onshi submissions --insurer <保険者番号> [--state S] [--encoding E]
//   onshi documents due|issue|apply|returned|form --insurer <保険者番号> …
//   onshi audit verify [--db PATH]
//   onshi version | help
//
// The database defaults to $ONSHI_DB, else ./onshi.db; its key file to
// $ONSHI_KEY_FILE, else "<db>.keys" beside it.
#ifndef ONSHI_APP_CLI_HPP_
#define ONSHI_APP_CLI_HPP_

#include <ctime>
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
int DocumentsCommand(const std::vector<std::string>& args);

// Database location and key file from options and environment.
std::string DatabaseLocation(const Args& args);
std::string KeyFileFor(const Args& args, const std::string& location);
// --now if given (YYYY-MM-DD or an ISO time), else the wall clock.
std::time_t NowFrom(const Args& args);
// The prefix beside the database that its companion files share: "<db>"
// for a SQLite path, "onshi" for PostgreSQL ("<db>.ca", "<db>.jpki", …).
std::string StateBaseFor(const std::string& location);
// The card-issuer key and the card files of the municipal side:
// "<db>.card-issuer.key" and "<db>.cards" unless given.
std::string CardIssuerKeyFor(const Args& args, const std::string& location);
std::string CardsDirFor(const Args& args, const std::string& location);
// The facility CA directory: --ca-dir, $ONSHI_CA_DIR, else "<db>.ca".
std::string CaDirFor(const Args& args, const std::string& location);
// The JPKI CA directory (J-LIS stand-in): --jpki-dir, $ONSHI_JPKI_DIR, else
// "<db>.jpki".
std::string JpkiDirFor(const Args& args, const std::string& location);

}  // namespace onshi::app

#endif  // ONSHI_APP_CLI_HPP_
