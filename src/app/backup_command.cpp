// `onshi backup DIR` and `onshi restore DIR`: the database and every secret
// it cannot be read without, in one directory, and back.
//
// A backup directory holds
//   onshi.db or onshi.pgdump   the database (store/backup.hpp: online, one
//                              consistent state)
//   onshi.keys                 the My Number keys: without them the sealed My
//                              Numbers and their look-up keys are lost, so a
//                              backup without them is refused
//   onshi.ca/ onshi.jpki/      the facility CA (with the audit anchors) and the
//   onshi.card-issuer.key      JPKI CA, the card issuer's key and the card
//   onshi.cards/               files, each when there is one
//   check-log/                 with --check-log: the checks' own log
//                              (service/check_log.hpp), its records up to
//                              the last whole line, copied after the CA so
//                              that it is at least as new as its anchors
//   backup.info                format, backend, schema version, time (and
//                              where the check log's anchors are in the CA)
//   SHA256SUMS                 every file's SHA-256, as `sha256sum -c` reads it
// It is written under a temporary name and renamed when complete, so a
// directory named DIR is always a whole backup. Everything in it is
// owner-only: it holds every secret of the installation.
//
// Restore checks every hash first, then writes only into empty places (no
// database, no key file, no CA there yet): it never overwrites a live
// installation's data or keys.
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <stdexcept>

#include "app/check_anchors.hpp"
#include "app/cli.hpp"
#include "app/exit_codes.hpp"
#include "core/hex.hpp"
#include "service/check_log.hpp"
#include "service/check_log_files.hpp"
#include "service/clock.hpp"
#include "service/store_pool.hpp"
#include "store/backup.hpp"
#include "store/store.hpp"

namespace onshi::app {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kFormat = "onshi-backup 1";

// The state a database has besides itself, by its name in a backup.
struct StatePart {
  std::string name;  // in the backup directory
  std::string path;  // where this installation keeps it
  bool directory;
};

std::vector<StatePart> StateParts(const Args& args, const std::string& location) {
  return {
      {"onshi.keys", KeyFileFor(args, location), false},
      {"onshi.ca", CaDirFor(args, location), true},
      {"onshi.jpki", JpkiDirFor(args, location), true},
      {"onshi.card-issuer.key", CardIssuerKeyFor(args, location), false},
      {"onshi.cards", CardsDirFor(args, location), true},
  };
}

std::string Sha256OfFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  char buf[1 << 16];
  while (in.read(buf, sizeof buf) || in.gcount() > 0)
    EVP_DigestUpdate(ctx, buf, static_cast<size_t>(in.gcount()));
  unsigned char md[32];
  unsigned int n = 0;
  EVP_DigestFinal_ex(ctx, md, &n);
  EVP_MD_CTX_free(ctx);
  return ToHex(md, n);
}

// Copies a file or a directory tree, owner-only: files 0600, directories 0700.
void CopyPrivately(const fs::path& from, const fs::path& to) {
  if (fs::is_directory(from)) {
    fs::create_directory(to);
    fs::permissions(to, fs::perms::owner_all, fs::perm_options::replace);
    for (const fs::directory_entry& e : fs::directory_iterator(from))
      CopyPrivately(e.path(), to / e.path().filename());
    return;
  }
  if (fs::exists(to)) throw std::runtime_error("will not overwrite " + to.string());
  fs::copy_file(from, to);
  fs::permissions(to, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
}

// Every regular file under `dir`, relative, sorted (SHA256SUMS excluded).
std::vector<std::string> FilesUnder(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    const std::string rel = fs::relative(e.path(), dir).string();
    if (rel != "SHA256SUMS") out.push_back(rel);
  }
  std::sort(out.begin(), out.end());
  return out;
}

void WriteText(const fs::path& path, const std::string& text) {
  std::ofstream out = OpenPrivateOutput(path.string());
  out << text;
  if (!out.flush()) throw std::runtime_error("cannot write " + path.string());
}

// Copies a check log that a server may be writing: each segment's records
// up to its last whole line (not the zeros ahead of them, not a batch being
// written), and quarantine.log. Not the lock, nor the indexes by person,
// which the restored log's server rebuilds.
void CopyCheckLog(const fs::path& from, const fs::path& to) {
  fs::create_directory(to);
  fs::permissions(to, fs::perms::owner_all, fs::perm_options::replace);
  std::vector<fs::path> files;
  for (const std::string& segment : service::CheckLogSegments(from.string()))
    files.emplace_back(segment);
  if (fs::exists(from / "quarantine.log")) files.push_back(from / "quarantine.log");
  for (const fs::path& f : files) {
    const std::string text = service::ReadSegmentFile(f.string());
    std::string_view records = service::RecordsOf(text);
    records = records.substr(0, records.rfind('\n') + 1);  // npos + 1 = 0
    WriteText(to / f.filename(), std::string(records));
  }
}

std::map<std::string, std::string> ReadInfo(const fs::path& dir) {
  std::ifstream in(dir / "backup.info");
  if (!in) throw BadInput(dir.string() + " is not an onshi backup (no backup.info)");
  std::map<std::string, std::string> info;
  std::string line;
  while (std::getline(in, line)) {
    const size_t sp = line.find(' ');
    if (sp != std::string::npos) info[line.substr(0, sp)] = line.substr(sp + 1);
  }
  if (info["format"] != kFormat)
    throw BadInput(dir.string() + " is not a backup this onshi reads (format \"" + info["format"] +
                   "\")");
  return info;
}

// Checks SHA256SUMS against the files: each listed file has its hash, and
// nothing unlisted is there (a file slipped in would be restored unchecked).
void VerifySums(const fs::path& dir) {
  std::ifstream in(dir / "SHA256SUMS");
  if (!in) throw BadInput(dir.string() + " is incomplete (no SHA256SUMS)");
  std::map<std::string, std::string> listed;
  std::string line;
  while (std::getline(in, line)) {
    if (line.size() < 67 || line.compare(64, 2, "  ") != 0)
      throw BadInput("SHA256SUMS: bad line \"" + line + "\"");
    listed[line.substr(66)] = line.substr(0, 64);
  }
  const std::vector<std::string> present = FilesUnder(dir);
  for (const std::string& f : present) {
    auto it = listed.find(f);
    if (it == listed.end()) throw BadInput("backup holds an unlisted file: " + f);
    if (Sha256OfFile(dir / f) != it->second) throw BadInput("backup file changed or damaged: " + f);
  }
  if (present.size() != listed.size()) throw BadInput("backup misses files listed in SHA256SUMS");
}

}  // namespace

int BackupCommand(const Args& args) {
  if (args.positional().size() != 1)
    throw std::invalid_argument(
        "usage: onshi backup DIR [--db LOCATION] [--state-dir DIR] [--check-log DIR]");
  const fs::path dir = args.positional()[0];
  if (fs::exists(dir)) throw Refused(dir.string() + " exists: name a new directory");
  const std::string location = DatabaseLocation(args);
  const bool pg = store::IsPostgresLocation(location);
  const std::vector<StatePart> parts = StateParts(args, location);
  if (!fs::exists(parts[0].path)) {
    throw Refused("no key file at " + parts[0].path +
                  ": a backup without the My Number keys could not be read");
  }

  // Written beside its final name, renamed when whole.
  const fs::path partial = dir.string() + ".partial-" + std::to_string(::getpid());
  fs::create_directories(partial);
  fs::permissions(partial, fs::perms::owner_all, fs::perm_options::replace);
  try {
    int schema = 0;
    {
      auto s = store::OpenStore(location, parts[0].path, /*migrate=*/false);
      schema = s->SchemaVersion();
    }
    store::BackupDatabase(location, (partial / (pg ? "onshi.pgdump" : "onshi.db")).string());
    for (const StatePart& p : parts)
      if (fs::exists(p.path)) CopyPrivately(p.path, partial / p.name);
    std::ostringstream info;
    info << "format " << kFormat << "\nbackend " << (pg ? "postgresql" : "sqlite") << "\nschema "
         << schema << "\ncreated " << service::UtcIsoTime(std::time(nullptr)) << "\n";
    if (args.Has("check-log")) {
      // After the CA: every record its anchors vouch for is in the copy.
      const fs::path log = args.Get("check-log");
      if (!fs::is_directory(log)) throw BadInput("no check log at " + log.string());
      CopyCheckLog(log, partial / "check-log");
      const fs::path ca = CaDirFor(args, location);
      info << "check_log_anchors "
           << fs::path(CheckAnchorsDir(ca.string(), log.string())).lexically_relative(ca).string()
           << "\n";
    }
    WriteText(partial / "backup.info", info.str());
    std::ostringstream sums;
    for (const std::string& f : FilesUnder(partial))
      sums << Sha256OfFile(partial / f) << "  " << f << "\n";
    WriteText(partial / "SHA256SUMS", sums.str());
    fs::rename(partial, dir);
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(partial, ignored);
    throw;
  }
  std::cout << "backup written to " << dir.string() << " (" << (pg ? "PostgreSQL" : "SQLite")
            << " database and its keys; keep it as safe as the keys themselves)\n";
  return 0;
}

int RestoreCommand(const Args& args) {
  if (args.positional().size() != 1)
    throw std::invalid_argument(
        "usage: onshi restore DIR [--db LOCATION] [--state-dir DIR] [--check-log DIR]");
  const fs::path dir = args.positional()[0];
  const auto info = ReadInfo(dir);
  VerifySums(dir);
  const std::string location = DatabaseLocation(args);
  const bool pg = store::IsPostgresLocation(location);
  if (pg != (info.at("backend") == "postgresql")) {
    throw std::invalid_argument("the backup is of a " + info.at("backend") +
                                " database; restore it into the same kind (--db)");
  }
  const std::vector<StatePart> parts = StateParts(args, location);
  for (const StatePart& p : parts) {
    if (fs::exists(dir / p.name) && fs::exists(p.path))
      throw Refused(p.path + " exists: restore only into an empty place");
  }
  if (!pg) {
    if (const fs::path parent = fs::path(location).parent_path(); !parent.empty())
      fs::create_directories(parent);
  }
  const bool has_log = fs::is_directory(dir / "check-log");
  const fs::path log = args.Has("check-log") ? fs::path(args.Get("check-log")) : fs::path();
  if (!log.empty()) {
    if (!has_log)
      throw BadInput("the backup holds no check log (it was taken without --check-log)");
    if (fs::exists(log) && !fs::is_empty(log))
      throw Refused(log.string() + " is not empty: restore the check log only into an empty place");
  }
  // Never over data (exit 4, refused), whichever backend.
  if (store::DatabaseExists(location)) {
    throw Refused("a database is already at " + service::RedactLocation(location) +
                  ": restore only into an empty place, never over data");
  }
  store::RestoreDatabase((dir / (pg ? "onshi.pgdump" : "onshi.db")).string(), location);
  for (const StatePart& p : parts) {
    if (!fs::exists(dir / p.name)) continue;
    if (const fs::path parent = fs::path(p.path).parent_path(); !parent.empty())
      fs::create_directories(parent);
    CopyPrivately(dir / p.name, p.path);
  }
  if (!log.empty()) {
    if (const fs::path parent = log.parent_path(); !parent.empty()) fs::create_directories(parent);
    CopyPrivately(dir / "check-log", log);
    // The anchors are kept by the log's path (app/check_anchors.hpp): at a
    // new path they move with it, or the log would verify unanchored.
    const fs::path ca = CaDirFor(args, location);
    const auto was = info.find("check_log_anchors");
    const fs::path now = CheckAnchorsDir(ca.string(), log.string());
    if (was != info.end() && !was->second.empty() && ca / was->second != now &&
        fs::is_directory(ca / was->second) && !fs::exists(now)) {
      fs::rename(ca / was->second, now);
    }
  } else if (has_log) {
    std::cerr << "onshi: the backup also holds a check log; restore it with --check-log DIR "
                 "(it was left in the backup)\n";
  }
  {
    // Opening migrates the restored database if this onshi is newer.
    auto s = store::OpenStore(location, parts[0].path);
    std::cout << "restored " << location << " (schema " << info.at("schema") << " → "
              << s->SchemaVersion() << ") and its keys from " << dir.string() << "\n";
  }
  return 0;
}

}  // namespace onshi::app
