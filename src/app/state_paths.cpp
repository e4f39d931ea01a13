// Where a database's companion files live: its key file, the facility CA,
// the JPKI CA, the card-issuer key and the card files ("state").
//
// A SQLite database keeps them beside itself ("<db>.keys", "<db>.ca/", …),
// so a database and its secrets move together. A PostgreSQL database has no
// file to sit beside, and the current directory is no place for secrets (a
// server started from a checkout once wrote the JPKI CA's key into the
// repository, issue 15): it needs --state-dir DIR or $ONSHI_STATE_DIR, whose
// files are "DIR/onshi.keys", "DIR/onshi.ca/", … Every path can still be
// given on its own (--key-file, --ca-dir, …); only a path that falls back to
// the state directory needs one.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "app/cli.hpp"
#include "auth/key_file.hpp"
#include "store/store.hpp"

namespace onshi::app {

std::string StateDirFrom(const Args& args) {
  if (args.Has("state-dir")) {
    if (args.Get("state-dir").empty()) throw std::invalid_argument("--state-dir must not be empty");
    return args.Get("state-dir");
  }
  if (const char* env = std::getenv("ONSHI_STATE_DIR"); env && *env) return env;
  return "";
}

std::string StateBaseFor(const Args& args, const std::string& location) {
  std::string dir = StateDirFrom(args);
  if (!dir.empty()) {
    while (dir.size() > 1 && dir.back() == '/')
      dir.pop_back();
    // Made on first use, owner-only (an existing one is left as it is).
    if (auto made = auth::EnsureDirectory(dir); !made.ok()) {
      throw std::runtime_error(made.error().ToString());
    }
    return dir + "/onshi";
  }
  if (store::IsPostgresLocation(location)) {
    throw std::invalid_argument(
        "a PostgreSQL database keeps its keys, CAs and card files in a state directory: give "
        "--state-dir DIR or set ONSHI_STATE_DIR (they are never put in the current directory)");
  }
  // Beside the database: "<db>.keys" → "<db>".
  std::string base = store::DefaultKeyFile(location);
  base.resize(base.size() - std::string_view(".keys").size());
  return base;
}

std::string KeyFileFor(const Args& args, const std::string& location) {
  if (args.Has("key-file")) return args.Get("key-file");
  if (const char* env = std::getenv("ONSHI_KEY_FILE"); env && *env) return env;
  return StateBaseFor(args, location) + ".keys";
}

std::string CaDirFor(const Args& args, const std::string& location) {
  if (args.Has("ca-dir")) return args.Get("ca-dir");
  if (const char* env = std::getenv("ONSHI_CA_DIR"); env && *env) return env;
  return StateBaseFor(args, location) + ".ca";
}

std::string CardIssuerKeyFor(const Args& args, const std::string& location) {
  return args.Has("card-issuer-key") ? args.Get("card-issuer-key")
                                     : StateBaseFor(args, location) + ".card-issuer.key";
}

std::string CardsDirFor(const Args& args, const std::string& location) {
  return args.Has("cards-dir") ? args.Get("cards-dir") : StateBaseFor(args, location) + ".cards";
}

std::string JpkiDirFor(const Args& args, const std::string& location) {
  if (args.Has("jpki-dir")) return args.Get("jpki-dir");
  if (const char* env = std::getenv("ONSHI_JPKI_DIR"); env && *env) return env;
  return StateBaseFor(args, location) + ".jpki";
}

std::ofstream OpenPrivateOutput(const std::string& path) {
  // Made (or narrowed to) 0600 before anything is written into it: a forms
  // file holds My Numbers, names and addresses.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
  const bool ok = ::fchmod(fd, 0600) == 0;
  ::close(fd);
  if (!ok) throw std::runtime_error("cannot make " + path + " private: " + std::strerror(errno));
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + path);
  return out;
}

}  // namespace onshi::app
