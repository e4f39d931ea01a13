#include "app/cli.hpp"

#include "service/check_log.hpp"
#include "service/clock.hpp"
#include "service/store_pool.hpp"

#include <cstdlib>
#include <iostream>
#include <stdexcept>

#include "app/card_command.hpp"
#include "app/card_emulate_command.hpp"
#include "app/check_anchors.hpp"
#include "store/audit_anchor.hpp"
#include "store/store.hpp"

namespace onshi::app {
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

int InitCommand(const Args& args) {
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

int MigrateCommand(const Args& args) {
  const std::string db = DatabaseLocation(args);
  auto store = store::OpenStore(db, KeyFileFor(args, db));
  std::cout << "onshi: " << db << " is at schema version " << store->SchemaVersion() << "\n";
  return 0;
}

int AuditCommand(const Args& args) {
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
        ExistingCheckAnchors(state_dir, args.Get("check-log"));
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

}  // namespace onshi::app
