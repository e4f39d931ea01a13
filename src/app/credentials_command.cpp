// `onshi credentials list [--role ROLE] [--json]`: every client (and server)
// certificate the facility CA issued, from its index (auth/ca_index.hpp):
// role, subject (医療機関コード, 保険者番号, 地方公共団体コード, operator),
// name, serial, validity, whether it is revoked, and the file it was written
// to (issue 19). Then, as role "card", the 利用者証明用電子証明書 the JPKI CA
// (J-LIS stand-in) issued, from its issued.txt and revoked.txt: the
// certificate names no one (R-CARD-7), so the subject is the card holding it
// ("card 12", found by reading the card files with the card-issuer key) or
// empty for one no card holds any more (renewed, reissued).
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
#include <openssl/x509.h>

#include <boost/json.hpp>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "app/cli.hpp"
#include "app/exit_codes.hpp"
#include "app/text_width.hpp"
#include "auth/ca_index.hpp"
#include "auth/facility_ca.hpp"
#include "auth/key_file.hpp"
#include "auth/openssl_util.hpp"
#include "card/card_file.hpp"
#include "card/issuer_key.hpp"
#include "jpki/jpki_ca.hpp"

namespace onshi::app {
namespace {

const std::set<std::string>& Roles() {
  static const std::set<std::string> roles = {"facility", "insurer", "municipal",
                                              "admin",    "server",  "card"};
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

// The serial (uppercase hex) of a DER certificate; "" if it is not one.
std::string SerialOfDer(const std::vector<uint8_t>& der) {
  const unsigned char* p = der.data();
  auth::X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  return cert ? auth::SerialHex(X509_get0_serialNumber(cert.get())) : "";
}

// The JPKI CA's certificates as role "card" entries; its directory, or ""
// when there is no JPKI CA (no card was ever issued).
std::string CardEntries(const Args& args, std::vector<auth::CaIndexEntry>& out) {
  const std::string db = DatabaseLocation(args);
  const std::string jpki_dir = JpkiDirFor(args, db);
  if (!auth::FileExists(jpki_dir + "/ca.pem")) return "";
  auto ca = jpki::JpkiCa::Load(jpki_dir);
  if (!ca.ok()) throw std::runtime_error(ca.error().ToString());
  auto issued = ca->IssuedCertificates();
  if (!issued.ok()) throw std::runtime_error(issued.error().ToString());
  // Which card file holds which certificate: card-<id>.card opened with the
  // card-issuer key (never made here: only read if it exists).
  std::map<std::string, std::pair<std::string, std::string>> held;  // serial -> card id, file
  const std::string key_path = CardIssuerKeyFor(args, db);
  const std::filesystem::path cards = CardsDirFor(args, db);
  std::error_code ec;
  if (auth::FileExists(key_path) && std::filesystem::is_directory(cards, ec)) {
    auto key = card::IssuerKey::LoadOrCreate(key_path);
    if (!key.ok()) throw BadInput("the card-issuer key: " + key.error().ToString());
    static const std::regex kName("card-([0-9]+)\\.card");
    for (const auto& e : std::filesystem::directory_iterator(cards, ec)) {
      std::smatch m;
      const std::string name = e.path().filename().string();
      if (!std::regex_match(name, m, kName)) continue;
      auto file = card::CardFile::Open(e.path().string(), *key);
      if (!file.ok()) continue;  // not sealed with this key: not ours to read
      const std::string serial = SerialOfDer(file->auth_certificate());
      if (!serial.empty()) {
        held[serial] = {m[1].str(), std::filesystem::absolute(e.path()).lexically_normal()};
      }
    }
  }
  for (const auto& r : *issued) {
    auth::CaIndexEntry e;
    e.role = "card";
    e.serial_hex = r.serial_hex;
    e.not_before = r.not_before;
    e.not_after = r.not_after;
    e.revoked_at = r.revoked_at;
    if (const auto it = held.find(r.serial_hex); it != held.end()) {
      e.subject = "card " + it->second.first;
      e.file = it->second.second;
    }
    out.push_back(std::move(e));
  }
  return jpki_dir;
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
        "--role must be facility, insurer, municipal, admin, server or card, got \"" + role + "\"");
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
  std::vector<auth::CaIndexEntry> card_entries;
  std::string jpki_dir;
  if (!args.Has("role") || role == "card") jpki_dir = CardEntries(args, card_entries);
  std::vector<const auth::CaIndexEntry*> rows;
  for (const auto& e : idx.entries) {
    if (!args.Has("role") || e.role == role) rows.push_back(&e);
  }
  for (const auto& e : card_entries)
    rows.push_back(&e);
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
  out["jpki_dir"] = jpki_dir.empty() ? boost::json::value(nullptr) : boost::json::value(jpki_dir);
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
