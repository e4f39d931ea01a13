// `onshi serve`: the central eligibility service over HTTPS.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <iostream>

#include "app/check_anchors.hpp"
#include "app/cli.hpp"
#include "app/exit_codes.hpp"
#include "app/listen_address.hpp"
#include "app/log.hpp"
#include "auth/es256_key.hpp"
#include "auth/facility_ca.hpp"
#include "auth/token.hpp"
#include "http/access_log.hpp"
#include "http/connection_limits.hpp"
#include "http/server.hpp"
#include "service/audit_writer.hpp"
#include "service/check_log.hpp"
#include "service/clock.hpp"
#include "service/database_monitor.hpp"
#include "service/eligibility_service.hpp"
#include "service/insurer_service.hpp"
#include "service/jpki_trust.hpp"
#include "service/linker_thread.hpp"
#include "service/proof_batcher.hpp"
#include "service/store_pool.hpp"
#include "serving/eligibility_index.hpp"
#include "serving/index_follower.hpp"
#include "store/audit_anchor.hpp"

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

// The portal's reader agent (its origin, for the page's script and its
// Content-Security-Policy) and session lifetimes (portal_sessions.hpp).
service::PortalOptions PortalOptionsFrom(const Args& args) {
  service::PortalOptions p;
  p.reader_agent = args.Get("reader-agent", service::kDefaultReaderAgent);
  // An origin only: scheme, loopback host and port, nothing else that could
  // widen the policy or break out of the header.
  const bool http = p.reader_agent.rfind("http://127.0.0.1:", 0) == 0 ||
                    p.reader_agent.rfind("http://localhost:", 0) == 0 ||
                    p.reader_agent.rfind("http://[::1]:", 0) == 0;
  const std::string port = p.reader_agent.substr(p.reader_agent.rfind(':') + 1);
  if (!http || port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos) {
    throw std::invalid_argument(
        "--reader-agent must be the agent's loopback origin, e.g. http://127.0.0.1:47215");
  }
  const long long idle = args.GetInt("portal-idle-seconds", p.sessions.idle_seconds);
  const long long whole = args.GetInt("portal-session-seconds", p.sessions.absolute_seconds);
  if (idle < 1 || idle > 86400 || whole < 1 || whole > 86400) {
    throw std::invalid_argument("--portal-idle-seconds and --portal-session-seconds: 1..86400");
  }
  p.sessions.idle_seconds = static_cast<int>(idle);
  p.sessions.absolute_seconds = static_cast<int>(whole);
  return p;
}

}  // namespace

int ServeCommand(const Args& args) {
  // A closed stdout (a supervisor gone) or a client gone mid-write must not
  // kill the server: write errors are handled where they happen.
  std::signal(SIGPIPE, SIG_IGN);
  // Every option is checked before anything is opened or written: a command
  // that fails its argument check leaves no file behind.
  const long long max_connections = args.GetInt("max-connections", 0);
  const long long max_per_address = args.GetInt("max-connections-per-address", 256);
  const long long handshake_timeout = args.GetInt("tls-handshake-timeout", 10);
  if (max_connections < 0) throw std::invalid_argument("--max-connections must be >= 0");
  if (max_per_address < 0) {
    throw std::invalid_argument("--max-connections-per-address must be >= 0 (0: no cap)");
  }
  if (handshake_timeout < 1 || handshake_timeout > 300) {
    throw std::invalid_argument("--tls-handshake-timeout must be between 1 and 300 seconds");
  }
  // Every connection, database file and spool needs a descriptor; the
  // usual soft limit (1024) is far below what the machine allows.
  const uint64_t file_limit = http::RaiseFileLimit();
  const service::CardLimits card_limits = CardLimitsFrom(args);
  const service::PortalOptions portal_options = PortalOptionsFrom(args);
  service::BulkLimits bulk_limits;
  bulk_limits.max_items = static_cast<int>(args.GetInt("bulk-max-items", bulk_limits.max_items));
  bulk_limits.max_pending_per_facility =
      static_cast<int>(args.GetInt("bulk-max-pending", bulk_limits.max_pending_per_facility));
  bulk_limits.hold_seconds = static_cast<int>(args.GetInt("bulk-hold-seconds", 0));
  if (bulk_limits.hold_seconds < 0 || bulk_limits.hold_seconds > 86400) {
    throw std::invalid_argument("--bulk-hold-seconds must be 0..86400");
  }
  if (bulk_limits.max_items < 1 || bulk_limits.max_items > 100000 ||
      bulk_limits.max_pending_per_facility < 1 || bulk_limits.max_pending_per_facility > 10000) {
    throw std::invalid_argument(
        "--bulk-max-items must be 1..100000 and --bulk-max-pending 1..10000");
  }
  const std::string db = DatabaseLocation(args);
  std::unique_ptr<service::Clock> clock = std::make_unique<service::SystemClock>();
  if (args.Has("now")) {
    std::time_t t = 0;
    if (!service::ParseTime(args.Get("now"), &t)) {
      throw std::invalid_argument("--now must be YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS(Z|+09:00)");
    }
    clock = std::make_unique<service::FixedClock>(t);
  }
  const std::time_t now = clock->Now();
  http::ServerOptions opt;
  // --listen HOST:PORT: a name (localhost) is resolved here, so a typo is
  // reported before anything is opened; IPv6 in brackets ([::1]:8443).
  const ListenAddress listen = ParseListenAddress(args.Get("listen", "127.0.0.1:8443"), "--listen");
  try {
    opt.address = http::ResolveListenHost(listen.host);
  } catch (const std::runtime_error& e) {
    throw BadInput(std::string("--listen: ") + e.what());
  }
  opt.port = listen.port;
  // Test hook (service/proof_batcher.hpp): the first proof batch waits
  // until this many answers are queued. Never for service.
  // The signing rate cap (service/proof_batcher.hpp): below it every answer
  // is signed at once; above it, the answers of 1/N s share one signature.
  const long long proof_signatures = args.GetInt("proof-signatures", 2000);
  const long long check_log_syncs = args.GetInt("check-log-syncs", 2000);
  if (check_log_syncs < 0 || check_log_syncs > 1000000) {
    throw std::invalid_argument("--check-log-syncs must be 0..1000000");
  }
  if (proof_signatures < 0 || proof_signatures > 1000000) {
    throw std::invalid_argument("--proof-signatures must be 0..1000000");
  }
  const long long proof_gather = args.GetInt("proof-test-gather", 0);
  if (proof_gather < 0 || proof_gather > 1024) {
    throw std::invalid_argument("--proof-test-gather must be 0..1024");
  }
  const long long threads = args.GetInt("threads", 0);
  if (threads < 0 || threads > 1024) throw std::invalid_argument("--threads must be 0..1024");
  opt.threads = static_cast<int>(threads);
  const long long probe_ms = args.GetInt("probe-every-ms", 500);
  if (probe_ms < 10) throw std::invalid_argument("--probe-every-ms must be >= 10");
  // The intermediate server's daily linkage, run every --link-every seconds
  // (0 turns it off, e.g. for a read-only replica).
  const long long link_every = args.GetInt("link-every", 60);
  if (link_every < 0) throw std::invalid_argument("--link-every must be >= 0 seconds");
  // Every audit commit makes each reader connection drop its page cache and
  // its map of the file (SQLite does that whenever the WAL changed), so a
  // commit every 10 ms cost the checks 10-40 % of their rate. The journal
  // keeps each entry safe from a kill -9 before its answer leaves; the
  // interval only decides when the entry reaches the database.
  const long long audit_ms = args.GetInt("audit-commit-ms", 100);
  if (audit_ms < 1 || audit_ms > 10000) {
    throw std::invalid_argument("--audit-commit-ms must be between 1 and 10000");
  }
  // Issue 20: checks by insurance card are answered from an in-memory index
  // of every member, kept current from the database's change feed
  // (serving/); "store" reads the database per check as before.
  const std::string eligibility_from = args.Get("eligibility-from", "memory");
  if (eligibility_from != "memory" && eligibility_from != "store") {
    throw std::invalid_argument("--eligibility-from must be memory or store");
  }
  const long long index_poll_ms = args.GetInt("index-poll-ms", 10);
  if (index_poll_ms < 1 || index_poll_ms > 10000) {
    throw std::invalid_argument("--index-poll-ms must be between 1 and 10000");
  }
  // Where the secrets are (never the current directory: state_paths.cpp).
  const std::string key_file = KeyFileFor(args, db);
  const std::string ca_dir = CaDirFor(args, db);
  const std::string jpki_dir = JpkiDirFor(args, db);
  const std::string issuer_key_file = CardIssuerKeyFor(args, db);
  const std::string cards_dir = CardsDirFor(args, db);
  // Audit entries the database cannot take (read-only mode) wait here; each
  // server claims its own slot, so several servers may share the directory.
  const std::string spool_dir = args.Get("audit-spool", ca_dir + "/audit-spool");

  // A mistyped --db must not quietly start an empty system next to the real
  // one: a new database is made only when asked for.
  if (!args.Has("create")) {
    bool exists = true;
    try {
      exists = store::DatabaseExists(db);
    } catch (const store::StoreUnavailable&) {
      // The primary does not answer: with a replica the server starts
      // read-only (below); without one, opening it reports the error.
    }
    if (!exists) {
      throw Refused("no database at " + service::RedactLocation(db) +
                    "; create it with `onshi init --db ...` or start with --create");
    }
  }

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
    Log(LogLevel::kWarn) << "the primary database does not answer (" << e.what()
                         << "); starting read-only on the replica";
  }
  auto ca = auth::FacilityCa::LoadOrCreate(ca_dir, now, std::time(nullptr));
  if (!ca.ok()) throw std::runtime_error(ca.error().ToString());
  if (auto crl = ca->RefreshCrl(now); !crl.ok()) throw std::runtime_error(crl.error().ToString());
  // Two keys: service-key.pem signs answer proofs (its JWK is published at
  // /oqs-api-pro/proof-key and kept by terminals, so it stays the key it
  // always was); token-key.pem, made on first start, signs idTokens. A key
  // that signs both could make a proof pass for a token (auth/token.hpp).
  auto proof_key = auth::Es256SigningKey::LoadOrCreate(ca_dir + "/service-key.pem");
  if (!proof_key.ok()) throw std::runtime_error(proof_key.error().ToString());
  auto token_key = auth::Es256SigningKey::LoadOrCreate(ca_dir + "/token-key.pem");
  if (!token_key.ok()) throw std::runtime_error(token_key.error().ToString());
  const auth::TokenService tokens(*token_key);
  http::Metrics metrics;
  // One ES256 signature per batch of answers ready at the same moment.
  service::ProofBatcher proofs(
      *proof_key, [&clock] { return clock->Now(); }, &metrics,
      static_cast<unsigned>(proof_signatures));
  if (proof_gather > 0) proofs.GatherNextBatch(static_cast<size_t>(proof_gather));
  service::DatabaseMonitor monitor(stores, metrics, std::chrono::milliseconds(probe_ms));
  // Each batch the writer commits is anchored under a key kept here, not in
  // the database, so `onshi audit verify` sees a rewritten or truncated chain.
  const std::unique_ptr<store::AuditAnchors> anchors = store::AuditAnchors::OpenOrCreate(ca_dir);
  service::AuditWriter audit(
      [&stores] { return stores.OpenOwned(); }, std::chrono::milliseconds(audit_ms), 100000,
      service::AuditSpool::Claim(spool_dir),
      &metrics.GetGauge("onshi_audit_spooled_entries",
                        "Audit entries held in the local spool until the database takes them."),
      anchors.get(),
      &metrics.GetCounter("onshi_audit_spool_quarantined_total",
                          "Audit spool lines that could not be read back, moved to the "
                          "quarantine file next to the spool. Anything above 0 needs a person."));
  // --check-log DIR: checks are audited there (service/check_log.hpp),
  // each record synced before its answer, never in the database; its
  // anchors are kept with the state, apart from the log, in a directory of
  // the log's own (app/check_anchors.hpp).
  std::unique_ptr<store::AuditAnchors> check_anchors;
  std::unique_ptr<service::CheckLog> check_log;
  if (args.Has("check-log")) {
    check_anchors = OpenCheckAnchors(ca_dir, args.Get("check-log"));
    check_log = service::CheckLog::Open(args.Get("check-log"), check_anchors.get(), 64u << 20,
                                        static_cast<int>(check_log_syncs));
  }
  // The JPKI CA (J-LIS stand-in) whose certificates My Number cards carry.
  auto jpki = service::JpkiTrust::Open(jpki_dir, now, std::time(nullptr));
  if (!jpki.ok()) throw std::runtime_error(jpki.error().ToString());
  service::InsurerService insurers(stores, *ca, *clock, audit);
  auto issuer_key = card::IssuerKey::LoadOrCreate(issuer_key_file);
  if (!issuer_key.ok()) throw std::runtime_error(issuer_key.error().ToString());
  const service::CardWorld cards{std::move(issuer_key).value(), cards_dir};
  service::MunicipalService municipal(stores, *ca, *clock, jpki_dir, cards.issuer_key,
                                      cards.cards_dir);
  service::EligibilityService svc(stores, *ca, tokens, proofs, *clock, metrics, audit, &insurers,
                                  jpki.value().get(), &cards, &municipal, &monitor,
                                  check_log.get());
  serving::EligibilityIndex index;
  std::unique_ptr<serving::IndexFollower> follower;
  if (eligibility_from == "memory") {
    const auto started = std::chrono::steady_clock::now();
    try {
      // From the primary; from the replica when the primary is down.
      try {
        index.Rebuild(stores.ForThisThread());
      } catch (const store::StoreError&) {
        if (stores.replica().empty()) throw;
        index.Rebuild(stores.ReplicaForThisThread());
      }
      const serving::IndexStats st = index.Stats();
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      Log(LogLevel::kInfo) << "serving index: " << st.members << " members of " << st.persons
                           << " persons in " << st.bytes / 1048576.0 << " MiB ("
                           << (st.members > 0 ? st.bytes / st.members : 0)
                           << " bytes a member), built in " << seconds << " s";
      serving::FollowerOptions fo;
      fo.poll = std::chrono::milliseconds(index_poll_ms);
      serving::IndexFollower::Opener fallback;
      if (!stores.replica().empty()) fallback = [&stores] { return stores.OpenOwnedReplica(); };
      follower = std::make_unique<serving::IndexFollower>(
          index, [&stores] { return stores.OpenOwned(); }, fo, fallback);
      follower->Start();
      svc.set_index(&index);
    } catch (const std::invalid_argument& e) {
      // Data the index cannot hold: every check reads the database.
      Log(LogLevel::kWarn) << "serving index not used (" << e.what()
                           << "); checks read the database";
    } catch (const store::StoreError& e) {
      // Neither database could be read through: the server starts as it
      // did before the index (each check reads the database, or fails).
      Log(LogLevel::kWarn) << "serving index not built (" << e.what()
                           << "); checks read the database";
    }
  }
  // Issue 18: visits, the clinical history by consent, safety checks, the limit.
  service::ClinicalService clinical(stores, tokens, *clock, audit);
  svc.set_clinical(&clinical);
  std::unique_ptr<service::LinkerThread> linker;
  if (link_every > 0) {
    linker =
        std::make_unique<service::LinkerThread>([&stores] { return stores.OpenOwned(); }, *clock,
                                                metrics, std::chrono::seconds(link_every));
  }

  opt.max_connections = max_connections > 0 ? static_cast<size_t>(max_connections)
                                            : http::DefaultMaxConnections(file_limit);
  opt.max_connections_per_address = static_cast<size_t>(max_per_address);
  opt.tls.handshake_timeout_seconds = static_cast<int>(handshake_timeout);
  opt.metrics = &metrics;
  // A body over the limit is answered in the caller's format (ONS-E0904 to
  // an OQS client), from the request's header alone.
  opt.too_large = [&svc](const http::Request& r) { return svc.BodyTooLarge(r); };
  // Checks from the serving index on the thread that owns the connection;
  // whatever may wait (writes, uploads, documents) on the shared pool.
  opt.answers_inline = [&svc](const http::Request& r) { return svc.AnswersFromMemory(r); };
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
  svc.set_portal_options(portal_options);
  // 一括照会: batches left pending by an earlier run are taken first.
  service::BulkProcessor bulk([&stores] { return stores.OpenOwned(); }, *clock, audit,
                              bulk_limits.hold_seconds);
  bulk.Start();
  svc.set_bulk(&bulk, bulk_limits);
  // Answers are made on the pool's threads, proven on the signer's
  // (service/proof_batcher.hpp) and, with --check-log, their checks synced
  // on the log's writer thread (service/check_log.hpp): no pool thread waits
  // for a signature or a disk (EligibilityService::Answer).
  http::Handler unproven = [&svc](const http::Request& r) { return svc.HandleUnproven(r); };
  // --access-log FILE or - (stderr): one JSON line per request (http/access_log.hpp).
  std::unique_ptr<http::AccessLog> access_log;
  if (args.Has("access-log")) {
    access_log = std::make_unique<http::AccessLog>(args.Get("access-log"));
    unproven = access_log->Wrap(std::move(unproven));
  }
  http::AsyncHandler handler = [&svc, unproven = std::move(unproven)](const http::Request& r,
                                                                      http::Completion done) {
    svc.Answer(r, unproven, std::move(done));
  };
  http::HttpServer server(opt, std::move(handler));
  server.Start();
  std::cout << "onshi: serving " << service::RedactLocation(db) << " on "
            << (tls ? "https" : "http") << "://" << HostPort(opt.address, server.port()) << "/"
            << std::endl;
  server.RunUntilSignalled();
  if (follower) follower->Stop();
  audit.Flush();
  std::cout << "onshi: stopped" << std::endl;
  return 0;
}

}  // namespace onshi::app
