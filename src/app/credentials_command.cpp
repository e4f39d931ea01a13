// `onshi credentials list [--role ROLE] [--json]`: every client (and server)
// certificate the facility CA issued, from its index (auth/ca_index.hpp):
// role, subject (医療機関コード, 保険者番号, 地方公共団体コード, operator),
// name, serial, validity, whether it is revoked, and the file it was written
// to (issue 19).
//
// `onshi credentials rebuild-index [DIR…]`: for a CA that issued
// certificates before onshi kept an index, finds them — every *.pem under
// the DIRs (default: the directory holding the CA directory, where `--out`
// directories usually are) whose signature this CA made — and writes the
// index from them, keeping what it already held.
//
// Exit codes (exit_codes.hpp): 2 for an unknown role, 4 when there is no CA
// or no index yet (the message says how to make one), 1 when the index is
// not an onshi index (damaged data).
#include <boost/json.hpp>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "app/cli.hpp"
#include "app/exit_codes.hpp"
#include "app/text_width.hpp"
#include "auth/ca_index.hpp"
#include "auth/facility_ca.hpp"
#include "auth/key_file.hpp"

namespace onshi::app {
namespace {

const std::set<std::string>& Roles() {
  static const std::set<std::string> roles = {"facility", "insurer", "municipal", "admin",
                                              "server"};
  return roles;
}

// JST, the time every onshi user reads: "2026-04-01 09:00" or, for JSON,
// "2026-04-01T09:00:00+09:00".
std::string JstTime(std::time_t t, bool iso) {
  const std::time_t jst = t + 9 * 60 * 60;
  std::tm tm{};
  gmtime_r(&jst, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, iso ? "%Y-%m-%dT%H:%M:%S+09:00" : "%Y-%m-%d %H:%M", &tm);
  return buf;
}

auth::FacilityCa LoadCa(const Args& args) {
  const std::string ca_dir = CaDirFor(args, DatabaseLocation(args));
  if (!auth::FileExists(ca_dir + "/ca.pem")) {
    throw Refused("no CA in " + ca_dir + " (give --ca-dir, or the --db/--state-dir it belongs to)");
  }
  auto ca = auth::FacilityCa::Load(ca_dir);
  if (!ca.ok()) throw std::runtime_error(ca.error().ToString());
  return std::move(ca).value();
}

std::string Status(const auth::CaIndexEntry& e, std::time_t now) {
  if (e.revoked_at) return "revoked " + JstTime(*e.revoked_at, false).substr(0, 10);
  if (now >= e.not_after) return "expired";
  if (now < e.not_before) return "not yet valid";
  return "valid";
}

void PrintTable(const std::vector<const auth::CaIndexEntry*>& rows, std::time_t now) {
  const std::vector<std::string> head = {
      "ROLE", "SUBJECT", "NAME", "SERIAL", "NOT BEFORE (JST)", "NOT AFTER (JST)", "STATUS", "FILE"};
  std::vector<std::vector<std::string>> cells;
  for (const auto* e : rows) {
    cells.push_back({e->role, e->subject, e->name, e->serial_hex, JstTime(e->not_before, false),
                     JstTime(e->not_after, false), Status(*e, now), e->file});
  }
  // Columns measured in terminal cells: a facility's name in kanji takes
  // two per character (text_width.hpp).
  std::vector<size_t> width(head.size());
  for (size_t c = 0; c < head.size(); ++c) {
    width[c] = DisplayWidth(head[c]);
    for (const auto& row : cells)
      width[c] = std::max(width[c], DisplayWidth(row[c]));
  }
  auto print = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      line += c + 1 == row.size() ? row[c] : PadRight(row[c], width[c]) + "  ";
    }
    std::cout << line << "\n";
  };
  print(head);
  for (const auto& row : cells)
    print(row);
}

int List(const Args& args) {
  const std::string role = args.Get("role");
  if (args.Has("role") && Roles().count(role) == 0) {
    throw std::invalid_argument(
        "--role must be facility, insurer, municipal, admin or server, got \"" + role + "\"");
  }
  const auth::FacilityCa ca = LoadCa(args);
  auto index = ca.Index();
  if (!index.ok()) throw std::runtime_error(index.error().ToString());
  if (!index->has_value()) {
    throw Refused("no index in " + ca.dir() +
                  ": this CA issued its certificates before onshi kept one. Build it from the "
                  "certificate files with `onshi credentials rebuild-index [DIR…]` (default DIR: " +
                  std::filesystem::path(ca.dir()).parent_path().string() + ")");
  }
  const auth::CaIndex& idx = **index;
  if (idx.state == auth::CaIndexState::kPartial) {
    std::cerr << "onshi credentials: the index of " << ca.dir()
              << " was begun after this CA had issued certificates; those are missing until "
                 "`onshi credentials rebuild-index` finds their files\n";
  }
  if (idx.torn_lines > 0) {
    std::cerr << "onshi credentials: " << idx.torn_lines << " malformed line(s) in "
              << ca.index_path() << " skipped\n";
  }
  if (!idx.orphan_revocations.empty() && !args.Has("role")) {
    std::cerr << "onshi credentials: " << idx.orphan_revocations.size()
              << " revoked serial(s) not in the index (issued before it):";
    for (const auto& [serial, at] : idx.orphan_revocations)
      std::cerr << " " << serial;
    std::cerr << "\n";
  }
  const std::time_t now = NowFrom(args);
  std::vector<const auth::CaIndexEntry*> rows;
  for (const auto& e : idx.entries) {
    if (!args.Has("role") || e.role == role) rows.push_back(&e);
  }
  if (!args.Has("json")) {
    PrintTable(rows, now);
    return kExitOk;
  }
  boost::json::array list;
  for (const auto* e : rows) {
    boost::json::object o;
    o["role"] = e->role;
    o["subject"] = e->subject;
    o["name"] = e->name;
    o["serial"] = e->serial_hex;
    o["not_before"] = JstTime(e->not_before, true);
    o["not_after"] = JstTime(e->not_after, true);
    o["revoked"] = e->revoked_at.has_value();
    o["revoked_at"] = e->revoked_at ? boost::json::value(JstTime(*e->revoked_at, true))
                                    : boost::json::value(nullptr);
    o["expired"] = now >= e->not_after;
    o["file"] = e->file;
    list.push_back(std::move(o));
  }
  boost::json::object out;
  out["ca_dir"] = ca.dir();
  out["index"] = std::string(auth::CaIndexStateName(idx.state));
  out["credentials"] = std::move(list);
  std::cout << boost::json::serialize(out) << "\n";
  return kExitOk;
}

int RebuildIndex(const Args& args) {
  const auth::FacilityCa ca = LoadCa(args);
  std::vector<std::string> dirs(args.positional().begin() + 1, args.positional().end());
  if (dirs.empty()) dirs.push_back(std::filesystem::path(ca.dir()).parent_path().string());
  for (const std::string& d : dirs) {
    if (!std::filesystem::is_directory(d)) throw BadInput(d + " is not a directory");
  }
  auto rebuilt = ca.RebuildIndex(dirs);
  if (!rebuilt.ok()) throw std::runtime_error(rebuilt.error().ToString());
  for (const std::string& u : rebuilt->unreadable)
    std::cerr << "onshi credentials: could not read all of " << u << "\n";
  std::cout << "onshi: " << ca.index_path() << ": " << rebuilt->found
            << " certificate(s) of this CA among " << rebuilt->scanned_files << " .pem file(s), "
            << rebuilt->added << " added; " << rebuilt->index.entries.size() << " in the index ("
            << auth::CaIndexStateName(rebuilt->index.state) << ")\n";
  return kExitOk;
}

}  // namespace

int CredentialsCommand(const Args& args) {
  const std::string sub = args.positional().empty() ? "" : args.positional().front();
  if (sub == "list") {
    if (args.positional().size() != 1) throw std::invalid_argument("list takes no arguments");
    return List(args);
  }
  if (sub == "rebuild-index") return RebuildIndex(args);
  throw std::invalid_argument("usage: onshi credentials list | rebuild-index");
}

}  // namespace onshi::app
