// `onshi serve`: the central eligibility service over HTTPS.
#include <algorithm>
#include <csignal>
#include <iostream>

#include "app/cli.hpp"
#include "auth/es256_key.hpp"
#include "auth/facility_ca.hpp"
#include "auth/jws.hpp"
#include "auth/token.hpp"
#include "http/server.hpp"
#include "service/audit_writer.hpp"
#include "service/clock.hpp"
#include "service/database_monitor.hpp"
#include "service/eligibility_service.hpp"
#include "service/insurer_service.hpp"
#include "service/jpki_trust.hpp"
#include "service/linker_thread.hpp"
#include "service/store_pool.hpp"

namespace onshi::app {
namespace {

// Issue 15's bounds on card challenges and look-ups (eligibility_service.hpp).
service::CardLimits CardLimitsFrom(const Args& args) {
  service::CardLimits l;
  auto positive = [&](const char* name, long long fallback) {
    const long long v = args.GetInt(name, fallback);
    if (v < 1 || v > 100000000) {
      throw std::invalid_argument(std::string("--") + name + " must be between 1 and 100000000");
    }
    return v;
  };
  l.lookups_per_card.limit =
      static_cast<int>(positive("card-lookup-limit", l.lookups_per_card.limit));
  l.lookups_per_card.window_seconds =
      static_cast<int>(positive("card-lookup-window", l.lookups_per_card.window_seconds));
  l.portal_challenges_per_address.limit =
      static_cast<int>(positive("portal-challenge-limit", l.portal_challenges_per_address.limit));
  l.portal_challenges.capacity = static_cast<size_t>(
      positive("portal-challenge-capacity", static_cast<long long>(l.portal_challenges.capacity)));
  l.portal_challenges.per_audience = l.portal_challenges.capacity;
  l.facility_challenges.capacity = static_cast<size_t>(positive(
      "facility-challenge-capacity", static_cast<long long>(l.facility_challenges.capacity)));
  l.facility_challenges.per_audience =
      std::min(l.facility_challenges.per_audience, l.facility_challenges.capacity);
  return l;
}

}  // namespace

int ServeCommand(const std::vector<std::string>& argv) {
  // A closed stdout (a supervisor gone) or a client gone mid-write must not
  // kill the server: write errors are handled where they happen.
  std::signal(SIGPIPE, SIG_IGN);
  Args args(argv, {{"db", true},
                   {"key-file", true},
                   {"ca-dir", true},
                   {"listen", true},
                   {"threads", true},
                   {"no-tls", false},
                   {"link-every", true},
                   {"jpki-dir", true},
                   {"card-issuer-key", true},
                   {"cards-dir", true},
                   {"now", true},
                   {"replica", true},
                   {"audit-spool", true},
                   {"probe-every-ms", true},
                   {"audit-commit-ms", true},
                   {"card-lookup-limit", true},
                   {"card-lookup-window", true},
                   {"portal-challenge-limit", true},
                   {"portal-challenge-capacity", true},
                   {"facility-challenge-capacity", true}});
  const service::CardLimits card_limits = CardLimitsFrom(args);
  const std::string db = DatabaseLocation(args);
  const std::string key_file = KeyFileFor(args, db);
  const std::string ca_dir = CaDirFor(args, db);

  std::unique_ptr<service::Clock> clock = std::make_unique<service::SystemClock>();
  if (args.Has("now")) {
    std::time_t t = 0;
    if (!service::ParseTime(args.Get("now"), &t)) {
      throw std::invalid_argument("--now must be YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS(Z|+09:00)");
    }
    clock = std::make_unique<service::FixedClock>(t);
  }
  const std::time_t now = clock->Now();

  // Fail before listening if the database, the CA or the keys are unusable.
  // --replica: a streaming replica of --db that eligibility reads go to.
  service::StorePool stores(db, key_file, args.Get("replica", ""));
  try {
    stores.ForThisThread();
  } catch (const store::StoreUnavailable& e) {
    // With a replica, a server may start while the primary is down: it
    // answers checks from the replica until the primary is back.
    if (stores.replica().empty()) throw;
    stores.ReplicaForThisThread().SchemaVersion();
    std::cerr << "onshi: the primary database does not answer (" << e.what()
              << "); starting read-only on the replica" << std::endl;
  }
  auto ca = auth::FacilityCa::LoadOrCreate(ca_dir, now);
  if (!ca.ok()) throw std::runtime_error(ca.error().ToString());
  if (auto crl = ca->RefreshCrl(now); !crl.ok()) throw std::runtime_error(crl.error().ToString());
  auto key = auth::Es256SigningKey::LoadOrCreate(ca_dir + "/service-key.pem");
  if (!key.ok()) throw std::runtime_error(key.error().ToString());
  const auth::TokenService tokens(*key);
  const auth::DetachedSigner signer(*key);
  http::Metrics metrics;
  const long long probe_ms = args.GetInt("probe-every-ms", 500);
  if (probe_ms < 10) throw std::invalid_argument("--probe-every-ms must be >= 10");
  service::DatabaseMonitor monitor(stores, metrics, std::chrono::milliseconds(probe_ms));
  // Audit entries the database cannot take (read-only mode) wait here; each
  // server claims its own slot, so several servers may share the directory.
  const std::string spool_dir = args.Get("audit-spool", ca_dir + "/audit-spool");
  // Every audit commit makes each reader connection drop its page cache and
  // its map of the file (SQLite does that whenever the WAL changed), so a
  // commit every 10 ms cost the checks 10-40 % of their rate. The journal
  // keeps each entry safe from a kill -9 before its answer leaves; the
  // interval only decides when the entry reaches the database.
  const long long audit_ms = args.GetInt("audit-commit-ms", 100);
  if (audit_ms < 1 || audit_ms > 10000) {
    throw std::invalid_argument("--audit-commit-ms must be between 1 and 10000");
  }
  service::AuditWriter audit(
      [&stores] { return stores.OpenOwned(); }, std::chrono::milliseconds(audit_ms), 100000,
      service::AuditSpool::Claim(spool_dir),
      &metrics.GetGauge("onshi_audit_spooled_entries",
                        "Audit entries held in the local spool until the database takes them."));
  // The JPKI CA (J-LIS stand-in) whose certificates My Number cards carry.
  auto jpki = service::JpkiTrust::Open(JpkiDirFor(args, db), now);
  if (!jpki.ok()) throw std::runtime_error(jpki.error().ToString());
  service::InsurerService insurers(stores, *ca, *clock, audit);
  auto issuer_key = card::IssuerKey::LoadOrCreate(CardIssuerKeyFor(args, db));
  if (!issuer_key.ok()) throw std::runtime_error(issuer_key.error().ToString());
  const service::CardWorld cards{std::move(issuer_key).value(), CardsDirFor(args, db)};
  service::MunicipalService municipal(stores, *ca, *clock, JpkiDirFor(args, db), cards.issuer_key,
                                      cards.cards_dir);
  service::EligibilityService svc(stores, *ca, tokens, signer, *clock, metrics, audit, &insurers,
                                  jpki.value().get(), &cards, &municipal, &monitor);
  // The intermediate server's daily linkage, run every --link-every seconds
  // (0 turns it off, e.g. for a read-only replica).
  const long long link_every = args.GetInt("link-every", 60);
  if (link_every < 0) throw std::invalid_argument("--link-every must be >= 0 seconds");
  std::unique_ptr<service::LinkerThread> linker;
  if (link_every > 0) {
    linker =
        std::make_unique<service::LinkerThread>([&stores] { return stores.OpenOwned(); }, *clock,
                                                metrics, std::chrono::seconds(link_every));
  }

  http::ServerOptions opt;
  const std::string listen = args.Get("listen", "127.0.0.1:8443");
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos) throw std::invalid_argument("--listen must be ADDR:PORT");
  opt.address = listen.substr(0, colon);
  const long long port = std::stoll(listen.substr(colon + 1));
  if (port < 0 || port > 65535) throw std::invalid_argument("--listen port out of range");
  opt.port = static_cast<uint16_t>(port);
  opt.threads = static_cast<int>(args.GetInt("threads", 0));
  const bool tls = !args.Has("no-tls");
  if (tls) {
    const std::string server_dir = ca_dir + "/server";
    // Fresh at each start, so never an expired one; dated by the wall clock,
    // not --now: TLS clients check it against their own real clock.
    auto issued = ca->IssueServer(server_dir, std::time(nullptr));
    if (!issued.ok()) throw std::runtime_error(issued.error().ToString());
    opt.tls.cert_file = issued->cert_path;
    opt.tls.key_file = issued->key_path;
  }
  // Without TLS there are no client certificates to tell an operator by;
  // whatever sits in front (a TLS proxy) must then restrict /metrics.
  svc.set_metrics_open(!tls);
  svc.set_card_limits(card_limits);
  http::HttpServer server(opt, [&svc](const http::Request& r) { return svc.Handle(r); });
  server.Start();
  std::cout << "onshi: serving " << service::RedactLocation(db) << " on "
            << (tls ? "https" : "http") << "://" << opt.address << ":" << server.port() << "/"
            << std::endl;
  server.RunUntilSignalled();
  audit.Flush();
  std::cout << "onshi: stopped" << std::endl;
  return 0;
}

}  // namespace onshi::app
