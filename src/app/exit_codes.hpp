// The exit codes of every `onshi` command: one table (README "Exit codes",
// `onshi --help`), so a script or a supervisor can tell what went wrong
// without reading the message.
//
//   0  done
//   1  internal error: a bug, the machine (a failed write), or damaged data
//      found by a check (`onshi audit verify` finding the chain broken)
//   2  usage: the command line itself is wrong — an unknown command or
//      option, a missing or extra argument, a value not of the option's form
//      (a number, a date, one of a list)
//   3  bad input: the command line is well formed but what it names is not
//      usable — a file that is missing, unreadable or has bad lines, a
//      保険者番号 or 医療機関コード failing its check digit, an insurer or
//      facility not registered, a damaged backup, a bad config file
//   4  refused: a rule or the current state forbids it — the card office
//      refusing a step (a card already suspended, or one it does not know), a database that already
//      holds members, a restore onto existing data, a backup directory that exists
//   5  unavailable: the database (or the store behind it) does not answer or
//      does not take writes now; the same command can succeed later
//
// Commands throw; Main (cli_parser.cpp) turns the exception into the code:
// std::invalid_argument → 2, BadInput → 3, Refused → 4,
// store::StoreUnavailable → 5, anything else → 1.
#ifndef ONSHI_APP_EXIT_CODES_HPP_
#define ONSHI_APP_EXIT_CODES_HPP_

#include <stdexcept>

namespace onshi::app {

enum ExitCode : int {
  kExitOk = 0,
  kExitInternal = 1,
  kExitUsage = 2,
  kExitBadInput = 3,
  kExitRefused = 4,
  kExitUnavailable = 5,
};

// Exit 3: what the command reads or names is not usable.
class BadInput : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Exit 4: a rule or the current state forbids what was asked.
class Refused : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The table as `onshi --help` and README print it.
inline constexpr const char* kExitCodeTable =
    "exit codes (the same for every command):\n"
    "  0  done\n"
    "  1  internal error: a bug, a failed write, damaged data (audit chain broken)\n"
    "  2  usage: unknown command or option, missing or extra argument, a value not of\n"
    "     the option's form\n"
    "  3  bad input: a missing or unreadable file, bad lines in it, a 保険者番号 or\n"
    "     医療機関コード failing its check, an insurer or facility not registered\n"
    "  4  refused by a rule or the current state (card already suspended, database\n"
    "     not empty, restore onto existing data, …)\n"
    "  5  the database is unavailable or does not take writes now (retry later)\n";

}  // namespace onshi::app

#endif  // ONSHI_APP_EXIT_CODES_HPP_
