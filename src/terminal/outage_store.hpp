// OutageStore: the terminal's own SQLite file for R-FAC-7 (seed 000) — what
// keeps reception working while the central service cannot be reached.
//
//   confirmed  the last answer the central service gave for each set of
//              card keys (保険者番号・記号・番号・枝番・生年月日), so that a revisit
//              can be answered from it during an outage; kept `retention`
//              after it was confirmed, then purged;
//   queue      what reception did without the central service (revisits
//              answered from the cache, first visits on マイナンバーカード +
//              資格情報のお知らせ or a 被保険者資格申立書), confirmed with the
//              central service when it returns (reconcile.hpp).
//
// Every value is sealed (sealed_box.hpp); the confirmed table is found by
// an HMAC of the keys. Several processes may open the file (the terminal
// and `onshi terminal record`): SQLite's WAL and busy timeout order them.
#ifndef ONSHI_TERMINAL_OUTAGE_STORE_HPP_
#define ONSHI_TERMINAL_OUTAGE_STORE_HPP_

#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/eligibility.hpp"
#include "terminal/sealed_box.hpp"

namespace onshi::store::sqlite {
class Db;
}

namespace onshi::terminal {

struct CachedAnswer {
  std::string xml;  // the central service's answer, UTF-8
  std::time_t confirmed_at = 0;
};

// One visit handled without the central service.
enum class VisitKind {
  kCached,     // a revisit answered from the cache (前回確認の資格)
  kRequest,    // a 記号・番号 request with nothing cached (初診): recorded, not answered
  kNotice,     // マイナンバーカード + 資格情報のお知らせ, entered by staff
  kStatement,  // 被保険者資格申立書, entered by staff
};
std::string_view VisitKindName(VisitKind k);  // "cached", "request", …
std::optional<VisitKind> ParseVisitKind(std::string_view name);

struct QueuedVisit {
  int64_t id = 0;
  VisitKind kind = VisitKind::kRequest;
  std::time_t recorded_at = 0;
  std::string visit_date;   // yyyyMMdd: the day to confirm against
  std::string institution;  // 医療機関コード
  std::string insurer_number, symbol, number, branch, birthdate;  // as given
  std::string name, name_kana, address;  // 申立書 / お知らせ, when entered
  std::string source;                    // the request file's name, or "staff"
  // kCached: what the cached answer said.
  std::string cached_validity, cached_name, cached_insurer, cached_confirmed_at;
};

class OutageStore {
 public:
  // Opens (creating) the database and the key file; `retention_days` is how
  // long a confirmed answer may be used.
  OutageStore(const std::string& path, const std::string& key_file, int retention_days);
  ~OutageStore();

  // The HMAC index of a query's keys (canonical, as ValidateRequest makes them).
  std::string KeyOf(const InsuranceCardQuery& q) const;

  void PutConfirmed(const std::string& key, const std::string& xml, std::time_t at);
  // The cached answer, unless older than the retention.
  std::optional<CachedAnswer> GetConfirmed(const std::string& key, std::time_t now);
  // Removes what is past the retention; returns how many.
  int Purge(std::time_t now);

  int64_t Enqueue(const QueuedVisit& visit);
  std::vector<QueuedVisit> Pending(int limit);
  void MarkReconciled(int64_t id, std::time_t at);

 private:
  std::unique_ptr<store::sqlite::Db> db_;
  SealedBox box_;
  int retention_days_;
};

}  // namespace onshi::terminal

#endif  // ONSHI_TERMINAL_OUTAGE_STORE_HPP_
