#include "terminal/outage_store.hpp"

#include <boost/json.hpp>

#include "store/sqlite/sqlite_db.hpp"

namespace onshi::terminal {
namespace {

namespace json = boost::json;
using store::sqlite::Statement;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS confirmed (
  key          TEXT PRIMARY KEY,   -- HMAC of the card keys
  confirmed_at INTEGER NOT NULL,   -- unix time of the central service's answer
  sealed       BLOB NOT NULL       -- the answer, sealed
);
CREATE TABLE IF NOT EXISTS queue (
  id            INTEGER PRIMARY KEY,
  recorded_at   INTEGER NOT NULL,
  sealed        BLOB NOT NULL,     -- the visit (JSON), sealed
  reconciled_at INTEGER            -- NULL until confirmed with the central service
);
CREATE INDEX IF NOT EXISTS queue_pending ON queue (id) WHERE reconciled_at IS NULL;
)sql";

constexpr std::array<std::pair<VisitKind, std::string_view>, 4> kKinds = {{
    {VisitKind::kCached, "cached"},
    {VisitKind::kRequest, "request"},
    {VisitKind::kNotice, "notice"},
    {VisitKind::kStatement, "statement"},
}};

std::string Get(const json::object& o, const char* name) {
  const json::value* v = o.if_contains(name);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace

std::string_view VisitKindName(VisitKind k) {
  for (const auto& [kind, name] : kKinds) {
    if (kind == k) return name;
  }
  return "request";
}

std::optional<VisitKind> ParseVisitKind(std::string_view name) {
  for (const auto& [kind, n] : kKinds) {
    if (n == name) return kind;
  }
  return std::nullopt;
}

OutageStore::OutageStore(const std::string& path, const std::string& key_file, int retention_days)
    : db_(std::make_unique<store::sqlite::Db>(path)),
      box_(SealedBox::FromKeyFile(key_file)),
      retention_days_(retention_days) {
  db_->Exec(kSchema);
}

OutageStore::~OutageStore() = default;

std::string OutageStore::KeyOf(const InsuranceCardQuery& q) const {
  // NUL-separated, so no two key sets share a text.
  std::string text = q.insurer_number;
  for (const std::string* part : {&q.symbol, &q.number, &q.branch}) {
    text += '\0';
    text += *part;
  }
  text += '\0';
  text += q.birth_date.ToCompact();
  return box_.Index(text);
}

void OutageStore::PutConfirmed(const std::string& key, const std::string& xml, std::time_t at) {
  Statement s(db_->handle(),
              "INSERT INTO confirmed (key, confirmed_at, sealed) VALUES (?,?,?) "
              "ON CONFLICT (key) DO UPDATE SET confirmed_at = excluded.confirmed_at, "
              "sealed = excluded.sealed WHERE excluded.confirmed_at >= confirmed.confirmed_at");
  s.Bind(1, key).Bind(2, static_cast<int64_t>(at)).BindBlob(3, box_.Seal(xml));
  s.Run();
}

std::optional<CachedAnswer> OutageStore::GetConfirmed(const std::string& key, std::time_t now) {
  Statement s(db_->handle(), "SELECT confirmed_at, sealed FROM confirmed WHERE key = ?");
  s.Bind(1, key);
  if (!s.Step()) return std::nullopt;
  const std::time_t at = static_cast<std::time_t>(s.Int(0));
  if (now - at > static_cast<std::time_t>(retention_days_) * 86400) return std::nullopt;
  auto xml = box_.Open(s.Blob(1));
  if (!xml) return std::nullopt;  // another key file: as if not cached
  return CachedAnswer{std::move(*xml), at};
}

int OutageStore::Purge(std::time_t now) {
  Statement s(db_->handle(), "DELETE FROM confirmed WHERE confirmed_at < ?");
  s.Bind(1, static_cast<int64_t>(now - static_cast<std::time_t>(retention_days_) * 86400));
  s.Run();
  return db_->Changes();
}

int64_t OutageStore::Enqueue(const QueuedVisit& v) {
  json::object o{{"kind", VisitKindName(v.kind)},
                 {"visit_date", v.visit_date},
                 {"institution", v.institution},
                 {"insurer_number", v.insurer_number},
                 {"symbol", v.symbol},
                 {"number", v.number},
                 {"branch", v.branch},
                 {"birthdate", v.birthdate},
                 {"name", v.name},
                 {"name_kana", v.name_kana},
                 {"address", v.address},
                 {"source", v.source},
                 {"cached_validity", v.cached_validity},
                 {"cached_name", v.cached_name},
                 {"cached_insurer", v.cached_insurer},
                 {"cached_confirmed_at", v.cached_confirmed_at}};
  Statement s(db_->handle(), "INSERT INTO queue (recorded_at, sealed) VALUES (?,?)");
  s.Bind(1, static_cast<int64_t>(v.recorded_at)).BindBlob(2, box_.Seal(json::serialize(o)));
  s.Run();
  return db_->LastInsertId();
}

std::vector<QueuedVisit> OutageStore::Pending(int limit) {
  Statement s(db_->handle(),
              "SELECT id, recorded_at, sealed FROM queue WHERE reconciled_at IS NULL "
              "ORDER BY id LIMIT ?");
  s.Bind(1, limit);
  std::vector<QueuedVisit> out;
  while (s.Step()) {
    QueuedVisit v;
    v.id = s.Int(0);
    v.recorded_at = static_cast<std::time_t>(s.Int(1));
    const auto plain = box_.Open(s.Blob(2));
    boost::system::error_code ec;
    const json::value j = plain ? json::parse(*plain, ec) : json::value();
    if (!plain || ec || !j.is_object()) {
      // Unreadable (another key file): reported as such, never dropped.
      v.source = "unreadable";
      out.push_back(std::move(v));
      continue;
    }
    const json::object& o = j.as_object();
    v.kind = ParseVisitKind(Get(o, "kind")).value_or(VisitKind::kRequest);
    v.visit_date = Get(o, "visit_date");
    v.institution = Get(o, "institution");
    v.insurer_number = Get(o, "insurer_number");
    v.symbol = Get(o, "symbol");
    v.number = Get(o, "number");
    v.branch = Get(o, "branch");
    v.birthdate = Get(o, "birthdate");
    v.name = Get(o, "name");
    v.name_kana = Get(o, "name_kana");
    v.address = Get(o, "address");
    v.source = Get(o, "source");
    v.cached_validity = Get(o, "cached_validity");
    v.cached_name = Get(o, "cached_name");
    v.cached_insurer = Get(o, "cached_insurer");
    v.cached_confirmed_at = Get(o, "cached_confirmed_at");
    out.push_back(std::move(v));
  }
  return out;
}

void OutageStore::MarkReconciled(int64_t id, std::time_t at) {
  Statement s(db_->handle(), "UPDATE queue SET reconciled_at = ? WHERE id = ?");
  s.Bind(1, static_cast<int64_t>(at)).Bind(2, id);
  s.Run();
}

}  // namespace onshi::terminal
