// `onshi audit export --from D --to D [--person ID] [--facility CODE]
// [--format csv|jsonl]`: the audit entries of a period (JST days,
// inclusive) for an auditor or a person's disclosure request, on stdout.
//
// With --check-log DIR, the checks audited in that log (serve --check-log,
// service/check_log.hpp) are exported too, merged with the database's
// entries by time, and a last column `log` says which chain each entry is
// in (`database` or `check-log`: each has its own seq). Without it the
// columns are as they were.
//
// The log never holds a clear My Number or insurance number (store/records.hpp
// AuditEntry::detail); the export masks any 12-digit run all the same, so a
// mistake upstream does not leave the building in a spreadsheet.
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>

#include "app/cli.hpp"
#include "app/exit_codes.hpp"
#include "service/check_log.hpp"
#include "service/clock.hpp"
#include "store/store.hpp"

namespace onshi::app {
namespace {

// Runs of 12 or more digits (the shape of a My Number) become asterisks.
std::string MaskLongNumbers(const std::string& text) {
  std::string out = text;
  for (size_t i = 0; i < out.size();) {
    size_t j = i;
    while (j < out.size() && out[j] >= '0' && out[j] <= '9')
      ++j;
    if (j - i >= 12) out.replace(i, j - i, std::string(j - i, '*'));
    i = j == i ? i + 1 : j;
  }
  return out;
}

std::string Csv(const std::string& field) {
  if (field.find_first_of(",\"\r\n") == std::string::npos) return field;
  std::string q = "\"";
  for (char c : field)
    q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string Json(const std::string& text) {
  std::string q = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      q += '\\';
      q += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      q += buf;
    } else {
      q += static_cast<char>(c);
    }
  }
  return q + "\"";
}

Date DateArg(const Args& args, const std::string& name) {
  if (!args.Has(name)) throw std::invalid_argument("audit export needs --" + name + " YYYY-MM-DD");
  auto d = Date::ParseIso(args.Get(name));
  if (!d) throw std::invalid_argument("--" + name + " must be YYYY-MM-DD");
  return *d;
}

}  // namespace

int AuditExportCommand(const Args& args) {
  const Date from = DateArg(args, "from");
  const Date to = DateArg(args, "to");
  if (to < from) throw std::invalid_argument("--to must not be before --from");
  const std::string format = args.Get("format", "csv");
  if (format != "csv" && format != "jsonl") {
    throw std::invalid_argument("--format must be csv or jsonl");
  }
  const int64_t person = args.Has("person") ? args.GetInt("person", 0) : 0;
  if (args.Has("person") && person <= 0) {
    throw std::invalid_argument("--person must be a positive number");
  }
  const std::string facility = args.Get("facility");
  if (args.Has("facility") &&
      (facility.size() != 10 || facility.find_first_not_of("0123456789") != std::string::npos)) {
    throw std::invalid_argument("--facility must be the 10-digit 医療機関コード");
  }
  const bool with_log = args.Has("check-log");
  const std::string log_dir = args.Get("check-log");
  if (with_log && !std::filesystem::is_directory(log_dir)) {
    throw BadInput("no check log at " + log_dir);
  }
  const std::string db = DatabaseLocation(args);
  auto store = store::OpenStore(db, KeyFileFor(args, db));
  auto wanted = [&](const store::AuditEntry& e) {
    std::time_t t = 0;
    if (!service::ParseTime(e.at, &t)) return false;
    const Date day = service::JstDate(t);
    if (day < from || to < day) return false;
    if (person != 0 && e.person_id != person) return false;
    return facility.empty() || e.actor == "facility:" + facility;
  };
  int64_t written = 0;
  auto emit = [&](const store::AuditEntry& e, const char* log) {
    const std::string detail = MaskLongNumbers(e.detail);
    if (format == "csv") {
      std::cout << e.seq << "," << Csv(e.at) << "," << Csv(e.actor) << "," << Csv(e.action) << ","
                << e.person_id << "," << Csv(detail);
      if (with_log) std::cout << "," << log;
      std::cout << "\n";
    } else {
      std::cout << "{\"seq\":" << e.seq << ",\"at\":" << Json(e.at)
                << ",\"actor\":" << Json(e.actor) << ",\"action\":" << Json(e.action)
                << ",\"person_id\":" << e.person_id << ",\"detail\":" << Json(detail);
      if (with_log) std::cout << ",\"log\":\"" << log << "\"";
      std::cout << "}\n";
    }
    ++written;
  };
  if (format == "csv")
    std::cout << "seq,at,actor,action,person_id,detail" << (with_log ? ",log" : "") << "\n";

  // The database's entries in pages, by seq (which is their order in time).
  int64_t after = 0;
  std::vector<store::AuditEntry> page;
  size_t at = 0;
  auto next_db = [&]() -> const store::AuditEntry* {
    if (at == page.size()) {
      page = store->ReadAudit(after, 1000);
      at = 0;
      if (page.empty()) return nullptr;
      after = page.back().seq;
    }
    return &page[at];
  };
  auto db_until = [&](const std::string* until) {
    for (const store::AuditEntry* e = next_db(); e && (!until || e->at <= *until); e = next_db()) {
      if (wanted(*e)) emit(*e, "database");
      ++at;
    }
  };
  if (with_log) {
    // Merged by time (both write UTC ISO 8601, which sorts as text): the
    // database's entries up to each record, then the record.
    const std::optional<int64_t> whose =
        person != 0 ? std::optional<int64_t>(person) : std::nullopt;
    service::ForEachCheckRecord(log_dir, whose, [&](const store::AuditEntry& e) {
      if (!wanted(e)) return true;
      db_until(&e.at);
      emit(e, "check-log");
      return true;
    });
  }
  db_until(nullptr);
  std::cerr << "onshi audit export: " << written << " entries from " << from.ToIso() << " to "
            << to.ToIso() << "\n";
  return kExitOk;
}

}  // namespace onshi::app
